"""Fact coverage: for each sentence of the source article, the facts its named graph holds.

Every sentence of the article is a ``kg:SourceSentence`` whose IRI also names the graph of the
facts it states. This module lists, sentence by sentence, those facts and classifies each one:

* **structured**: the object is an entity (an IRI: a type, a link to another entity) or a typed
  value (a date, a number, a boolean), or a name (``rdfs:label`` and the SKOS labels): a query can
  use it without reading prose;
* **literal**: the object is free text (a description, an activity, a gist, a quotation, a date
  in the article's words): a person can read it, a query can only match strings in it.

A sentence is ``structured`` when at least one of its facts is, ``literal-only`` when all of
them are free text, and ``none`` when its graph is empty: the curator's to-do list, so the next
article can be checked the same way. Facts the article states as a whole (categories, See also)
stand in the article graph and are counted apart.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Literal as Kind

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kgtool.core.namespaces import KG, PREFIXES

#: The graph of the facts the article states as a whole (categories, See also).
GRAPH_ARTICLE = URIRef("https://w3id.org/eleutherai-kg/graph/article")
#: Literal-valued predicates that name a thing rather than describe it.
NAME_PREDICATES = frozenset({RDFS.label, SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel})
#: Text datatypes: a literal of one of these (or with a language tag) is free text.
TEXT_DATATYPES = frozenset({None, XSD.string, RDF.langString})

FactKind = Kind["structured", "literal"]
SentenceStatus = Kind["structured", "literal-only", "none"]


@dataclass(frozen=True)
class Fact:
    """One triple of a sentence graph, shortened with the project's prefixes."""

    subject: str
    predicate: str
    object: str
    kind: FactKind


@dataclass(frozen=True)
class SentenceCoverage:
    """The facts of one sentence."""

    sentence: str
    position: int
    section: str
    quote: str
    facts: tuple[Fact, ...]

    @property
    def structured(self) -> int:
        """How many facts are structured."""
        return sum(f.kind == "structured" for f in self.facts)

    @property
    def literal(self) -> int:
        """How many facts are free text."""
        return sum(f.kind == "literal" for f in self.facts)

    @property
    def status(self) -> SentenceStatus:
        """``structured``, ``literal-only`` or ``none`` (see the module docstring)."""
        if not self.facts:
            return "none"
        return "structured" if self.structured else "literal-only"


@dataclass(frozen=True)
class CoverageReport:
    """Every sentence, in article order, and the article-level facts."""

    sentences: tuple[SentenceCoverage, ...]
    article_facts: tuple[Fact, ...]

    def flagged(self) -> list[SentenceCoverage]:
        """The sentences that hold no structured fact (``literal-only`` or ``none``)."""
        return [s for s in self.sentences if s.status != "structured"]

    def to_text(self) -> str:
        """The report for people (see :func:`to_text`)."""
        return to_text(self)

    def to_json(self) -> str:
        """The report as JSON (see :func:`to_json`)."""
        return to_json(self)


def _short(term: object) -> str:
    if isinstance(term, Literal):
        return str(term)
    text = str(term)
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return f"<{text}>"


def classify(predicate: URIRef, obj: object) -> FactKind:
    """Say whether one fact is structured or free text.

    >>> classify(RDFS.label, Literal("GPT-J-6B", lang="en"))
    'structured'
    >>> classify(KG.description, Literal("a curated dataset", lang="en"))
    'literal'
    >>> classify(KG.releaseDate, Literal("2021-06-09", datatype=XSD.date))
    'structured'
    """
    if not isinstance(obj, Literal) or predicate in NAME_PREDICATES:
        return "structured"
    return "literal" if obj.datatype in TEXT_DATATYPES else "structured"


def _facts(graph: Graph) -> tuple[Fact, ...]:
    rows = [
        Fact(_short(s), _short(p), _short(o), classify(p, o))  # type: ignore[arg-type]
        for s, p, o in graph
    ]
    return tuple(sorted(rows, key=lambda f: (f.subject, f.predicate, f.object)))


def coverage(dataset: Dataset) -> CoverageReport:
    """List each sentence of the article with the facts its graph holds.

    Args:
        dataset: The facts and the sources, with their named graphs (``graph/*.trig``).

    Returns:
        One :class:`SentenceCoverage` per ``kg:SourceSentence``, ordered by ``kg:position``.

    >>> from rdflib import Dataset
    >>> ds = Dataset()
    >>> s = URIRef("https://w3id.org/eleutherai-kg/source/t1")
    >>> _ = ds.add((s, RDF.type, KG.SourceSentence, URIRef("urn:sources")))
    >>> _ = ds.add((s, KG.position, Literal(1), URIRef("urn:sources")))
    >>> [c.status for c in coverage(ds).sentences]
    ['none']
    """
    union = Graph()
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    sentences = []
    for s in set(union.subjects(RDF.type, KG.SourceSentence)):
        position = union.value(s, KG.position)
        section = union.value(s, KG.section)
        quote = union.value(s, KG.quote)
        sentences.append(
            SentenceCoverage(
                sentence=_short(s),
                position=int(position.toPython()) if isinstance(position, Literal) else 0,
                section=str(section) if section is not None else "",
                quote=str(quote) if quote is not None else "",
                facts=_facts(dataset.graph(s)),  # type: ignore[arg-type]
            )
        )
    sentences.sort(key=lambda c: (c.position, c.sentence))
    return CoverageReport(tuple(sentences), _facts(dataset.graph(GRAPH_ARTICLE)))


def to_text(report: CoverageReport) -> str:
    """Render the report for people: one line per sentence, its facts indented below.

    >>> to_text(CoverageReport((), ()))
    '0 sentences: 0 structured, 0 literal-only, 0 without facts; 0 article-level facts.\\n'
    """
    lines = []
    for c in report.sentences:
        flag = "" if c.status == "structured" else f"  <- {c.status.upper()}"
        lines.append(
            f"{c.position:>3} {c.sentence}  {c.structured} structured, {c.literal} literal{flag}"
        )
        lines.extend(
            f"      {'S' if f.kind == 'structured' else 'L'} {f.subject} {f.predicate} {f.object}"
            for f in c.facts
        )
    counts = {
        k: sum(c.status == k for c in report.sentences)
        for k in ("structured", "literal-only", "none")
    }
    lines.append(
        f"{len(report.sentences)} sentences: {counts['structured']} structured, "
        f"{counts['literal-only']} literal-only, {counts['none']} without facts; "
        f"{len(report.article_facts)} article-level facts."
    )
    return "\n".join(lines) + "\n"


def to_json(report: CoverageReport) -> str:
    """Render the report as JSON: every sentence with its status, counts and facts.

    >>> json.loads(to_json(CoverageReport((), ())))
    {'sentences': [], 'article_facts': []}
    """
    data = {
        "sentences": [
            {
                **asdict(c),
                "structured": c.structured,
                "literal": c.literal,
                "status": c.status,
            }
            for c in report.sentences
        ],
        "article_facts": [asdict(f) for f in report.article_facts],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
