"""Write a new sources graph for a revision: the realigned sentences, never a fact.

Each known sentence that the revision still has keeps its IRI (it names the graph of its facts)
and gets the revision's quote, position, section, reference numbers and citation-needed flag; a
sentence split in two keeps one quote spanning both parts, two merged sentences both quote the
merged one. New sentences get new IRIs in their section's series (a number never used before, so
a removed sentence's graph is never taken over). Removed sentences are left out; their facts
stay where they are and are listed. The article record says what the revision's header says
(title, URL, page id) and, only when given, its revision id and retrieval date.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from kgtool.core.namespaces import GRAPH_SOURCES, KG, SCHEMA, SRC
from kgtool.graph import KnowledgeGraph
from kgtool.io.canonical import canonical_trig
from kgtool.io.files import write_atomic
from kgtool.io.parse import read_text
from kgtool.source.align import LEAD, NewSentence, RevisionError
from kgtool.source.diff import Fact, SourceDiff

# The ontology has no terms of its own for a revision; these are the general ones, with
# prefixes the project already binds (an unbound one would put an invented prefix in the file).
TITLE = DCTERMS.title
URL = SCHEMA.url
REVISION = SCHEMA.version  # a Wikipedia revision id ("oldid")
RETRIEVED = DCTERMS.date  # the day the text was retrieved
#: What update rewrites on each sentence; anything else said about a sentence is kept.
SENTENCE_TERMS = (
    RDF.type,
    RDFS.label,
    KG.inArticle,
    KG.position,
    KG.quote,
    KG.section,
    KG.referenceNumber,
    KG.citationNeeded,
)
_SERIES = re.compile(r"(.+)-(\d+)")


@dataclass
class SourceUpdate:
    """The new sources graph and what a person should look at."""

    dataset: Dataset
    header: str
    unsupported: list[Fact]
    review: list[Fact]
    new_sentences: list[URIRef]

    @property
    def ok(self) -> bool:
        """True when no fact lost its sentence or stands in an edited one."""
        return not self.unsupported and not self.review

    def to_trig(self) -> str:
        """Return the sources graph as canonical TriG, with the header comments."""
        return self.header + canonical_trig(self.dataset)


def _slug(section: str) -> str:
    leaf = section.split(" / ")[-1]
    return re.sub(r"[^a-z0-9]+", "-", leaf.lower()).strip("-") or "section"


def _header(kg: KnowledgeGraph) -> str:
    """The leading comments (with the licence attribution) of the file that held the sources."""
    marker = f"<{GRAPH_SOURCES}>"
    for path in kg.sources:
        if str(path) == "-" or Path(path).suffix != ".trig":
            continue
        text = read_text(path)
        if marker in text:
            lines = []
            for line in text.split("\n"):
                if not line.startswith("#"):
                    break
                lines.append(line.rstrip())
            if lines:
                return "\n".join(lines) + "\n\n"
    return ""


def update_sources(
    kg: KnowledgeGraph,
    report: SourceDiff,
    revision_id: int | None = None,
    retrieved: datetime.date | None = None,
) -> SourceUpdate:
    """Build the sources graph for the revision that ``report`` was made from.

    Args:
        kg: The knowledge graph whose sources graph is realigned.
        report: :func:`kgtool.source.diff.diff_revision` of the revision.
        revision_id: The revision's id, when the user knows it.
        retrieved: The day the text was retrieved, when the user knows it.

    Returns:
        The new graph, and the facts that lost their sentence or need review.

    Raises:
        RevisionError: If neither the graph nor the revision says which article it is.

    >>> from kgtool.core import paths
    >>> from kgtool.source.align import read_revision, known_sentences
    >>> from kgtool.source.diff import diff_revision
    >>> kg = KnowledgeGraph.load()
    >>> text = paths.graph_dir() / "source" / "eleutherai-wikipedia.txt"
    >>> update = update_sources(kg, diff_revision(kg, read_revision(text, known_sentences(kg))))
    >>> update.ok, len(update.dataset.graph(GRAPH_SOURCES)) > 300
    (True, True)
    """
    old = kg.store.named_graph(GRAPH_SOURCES)
    dataset = Dataset()
    out = dataset.graph(GRAPH_SOURCES)
    sentences = set(old.subjects(RDF.type, KG.SourceSentence))
    kept = {iri for change in report.changes if change.match.new for iri in change.iris}
    for s, p, o in old:
        # A removed sentence is left out whole; a kept one loses only what is rewritten below.
        if s not in sentences or (s in kept and p not in SENTENCE_TERMS):
            out.add((s, p, o))
    articles = [a for a in old.subjects(RDF.type, KG.SourceArticle) if isinstance(a, URIRef)]
    rev = report.revision
    if len(articles) == 1:
        article = articles[0]
    elif rev.url:
        article = URIRef(rev.url)
        out.add((article, RDF.type, KG.SourceArticle))
    else:
        raise RevisionError(
            f"{rev.path}: the revision names no URL and the sources graph has "
            f"{len(articles)} kg:SourceArticle records, so the sentences have no article"
        )
    # The record describes this revision: what an older one said of itself no longer holds.
    for term in (TITLE, URL, REVISION, RETRIEVED):
        out.remove((article, term, None))
    if rev.title:
        out.add((article, TITLE, Literal(rev.title)))
    if rev.url and rev.url != str(article):
        # The article's IRI is its URL; a renamed page's new URL is recorded beside it.
        out.add((article, URL, URIRef(rev.url)))
    if rev.page_id is not None:
        out.remove((article, KG.pageId, None))
        out.add((article, KG.pageId, Literal(rev.page_id)))
    if revision_id is not None:
        out.add((article, REVISION, Literal(revision_id)))
    if retrieved is not None:
        out.add((article, RETRIEVED, Literal(retrieved.isoformat(), datatype=XSD.date)))

    series: dict[str, str] = {}
    used: dict[str, int] = {}
    for iri in sorted(sentences, key=str):
        m = _SERIES.fullmatch(str(iri)[len(str(SRC)) :]) if str(iri).startswith(SRC) else None
        if m:
            used[m.group(1)] = max(used.get(m.group(1), 0), int(m.group(2)))
            section = old.value(iri, KG.section)
            series.setdefault(str(section or LEAD), m.group(1))
    # Graph names of removed sentences count as used too: their facts are still there.
    for name in kg.store.graph_names():
        m = _SERIES.fullmatch(str(name)[len(str(SRC)) :]) if str(name).startswith(SRC) else None
        if m:
            used[m.group(1)] = max(used.get(m.group(1), 0), int(m.group(2)))

    new_iris: list[URIRef] = []
    for change in report.changes:
        parts = change.match.new
        if not parts or change.new_text is None:
            continue
        iris = list(change.iris)
        if not iris:
            prefix = series.setdefault(parts[0].section, _slug(parts[0].section))
            used[prefix] = used.get(prefix, 0) + 1
            iris = [SRC[f"{prefix}-{used[prefix]}"]]
            new_iris.extend(iris)
        for iri in iris:
            _describe(out, iri, article, change.new_text, parts)
    return SourceUpdate(
        dataset=dataset,
        header=_header(kg),
        unsupported=[f for f in report.facts if f.status == "unsupported"],
        review=[f for f in report.facts if f.status == "review"],
        new_sentences=new_iris,
    )


def _describe(
    out: Graph, iri: URIRef, article: URIRef, quote: str, parts: tuple[NewSentence, ...]
) -> None:
    first = parts[0]
    out.add((iri, RDF.type, KG.SourceSentence))
    out.add((iri, RDFS.label, Literal(f"{first.section}, sentence {first.position}", lang="en")))
    out.add((iri, KG.inArticle, article))
    out.add((iri, KG.position, Literal(first.position)))
    out.add((iri, KG.quote, Literal(quote, lang="en")))
    out.add((iri, KG.section, Literal(first.section)))
    for number in sorted({n for p in parts for n in p.references}):
        out.add((iri, KG.referenceNumber, Literal(number)))
    if any(p.citation_needed for p in parts):
        out.add((iri, KG.citationNeeded, Literal(True)))


def write_sources(update: SourceUpdate, dest: str | Path) -> None:
    """Write the new sources graph atomically as canonical TriG.

    Raises:
        ExportError: If writing fails (the old file is then untouched).
    """
    write_atomic(dest, update.to_trig())
