"""Facts picked by where the article states them: a section, a reference number, a sentence.

Every asserted fact stands in the named graph of the sentence that states it, and the sources
graph records each sentence's section (``Public reception / Criticism``), its reference numbers
(the article's ``[5]``) and its words. A :class:`SentenceFilter` says which sentences a user
wants; :func:`facts` lists those sentences with their facts, and :func:`filter_description`
keeps, of an entity's description, the facts those sentences state.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kgtool.core.namespaces import GRAPH_SOURCES, KG, PREFIXES
from kgtool.graph import KnowledgeGraph
from kgtool.inspect.coverage import Fact, coverage
from kgtool.inspect.describe import EntityDescription, Provenance


@dataclass(frozen=True)
class SentenceFilter:
    """Which sentences to keep; each given criterion must hold (None: any).

    Attributes:
        section: A section's name or the last part of it, case-insensitive: ``Criticism``
            matches ``Public reception / Criticism``.
        reference: A reference number the sentence cites (``5`` for ``[5]``).
        sentence: A sentence's IRI or prefixed name (``src:lead-2``), or words it contains
            (case-insensitive).
    """

    section: str | None = None
    reference: int | None = None
    sentence: str | None = None

    @property
    def active(self) -> bool:
        """Whether any criterion is given."""
        return any(v is not None for v in (self.section, self.reference, self.sentence))

    def keeps(self, name: str, section: str, references: list[int], quote: str) -> bool:
        """Whether a sentence passes: its prefixed name, section, references and words.

        >>> f = SentenceFilter(section="criticism")
        >>> f.keeps("src:c-1", "Public reception / Criticism", [62], "...")
        True
        >>> f.keeps("src:lead-1", "Lead", [], "")
        False
        >>> SentenceFilter(sentence="discord").keeps("src:lead-2", "Lead", [4], "a Discord server")
        True
        """
        if self.section is not None and not _section_matches(self.section, section):
            return False
        if self.reference is not None and self.reference not in references:
            return False
        if self.sentence is not None:
            wanted = self.sentence.strip()
            if wanted not in (name, _expand(name)) and wanted.lower() not in quote.lower():
                return False
        return True

    def keeps_provenance(self, source: Provenance) -> bool:
        """Whether a fact's source is a sentence that passes."""
        return source.kind == "sentence" and self.keeps(
            source.graph, source.section, source.reference_numbers, source.quote
        )


def _section_matches(wanted: str, section: str) -> bool:
    wanted = wanted.strip().lower()
    parts = [p.strip().lower() for p in section.split("/")]
    return wanted == section.strip().lower() or wanted in parts


def _expand(name: str) -> str:
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES else name


@dataclass(frozen=True)
class SentenceFacts:
    """One sentence that passed the filter, with the facts its graph holds."""

    sentence: str
    position: int
    section: str
    references: tuple[int, ...]
    quote: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class FactsReport:
    """The sentences that passed, in article order."""

    sentences: tuple[SentenceFacts, ...]

    def to_text(self) -> str:
        """For people: each sentence, its section and references, and its facts below it.

        >>> FactsReport(()).to_text()
        'No sentence matches.\\n'
        """
        if not self.sentences:
            return "No sentence matches.\n"
        lines = []
        for s in self.sentences:
            refs = "".join(f"[{n}]" for n in s.references)
            lines.append(f'{s.sentence} ({s.section}){" " + refs if refs else ""}: "{s.quote}"')
            lines.extend(f"    {f.subject} {f.predicate} {f.object}" for f in s.facts)
        count = sum(len(s.facts) for s in self.sentences)
        lines.append(f"{count} facts from {len(self.sentences)} sentences.")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """As JSON: ``{"sentences": [...]}``, each with its facts."""
        data = {"sentences": [asdict(s) for s in self.sentences]}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def facts(kg: KnowledgeGraph, wanted: SentenceFilter) -> FactsReport:
    """List the sentences ``wanted`` keeps, with the facts each one states.

    Args:
        kg: The knowledge graph.
        wanted: Which sentences (every sentence when no criterion is given).

    Returns:
        The sentences in article order.

    >>> from rdflib import Dataset
    >>> facts(KnowledgeGraph.from_dataset(Dataset()), SentenceFilter(reference=5)).sentences
    ()
    """
    sources = kg.store.named_graph(GRAPH_SOURCES)
    kept = []
    for sentence in coverage(kg.store.dataset()).sentences:
        iri = URIRef(_expand(sentence.sentence))
        if (iri, RDF.type, KG.SourceSentence) not in sources:
            continue
        references = sorted(
            int(n.toPython())
            for n in sources.objects(iri, KG.referenceNumber)
            if isinstance(n, Literal) and isinstance(n.toPython(), int)
        )
        if wanted.keeps(sentence.sentence, sentence.section, references, sentence.quote):
            kept.append(
                SentenceFacts(
                    sentence.sentence,
                    sentence.position,
                    sentence.section,
                    tuple(references),
                    sentence.quote,
                    sentence.facts,
                )
            )
    return FactsReport(tuple(kept))


def filter_description(description: EntityDescription, wanted: SentenceFilter) -> EntityDescription:
    """Keep the facts of a description that a wanted sentence states, with those sources only.

    >>> d = EntityDescription("id:X", "X", [])
    >>> filter_description(d, SentenceFilter(reference=5)).facts
    []
    """
    if not wanted.active:
        return description
    kept = []
    for fact in description.facts:
        sources = [p for p in fact.sources if wanted.keeps_provenance(p)]
        if sources:
            kept.append(replace(fact, sources=sources))
    return replace(description, facts=kept)
