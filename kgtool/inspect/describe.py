"""Describe the graph (``stats``) and one entity (``describe``), each fact with its provenance.

A fact's provenance is the set of named graphs that hold it: a graph typed ``kg:SourceSentence``
in ``GRAPH_SOURCES`` is a sentence of the article (quote, section, reference numbers); any other
graph (editorial, Wikidata...) is named as such; a fact found only in ``GRAPH_INFERRED`` is
inferred.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import PROV, RDF, RDFS
from rdflib.term import Node

from kgtool.core.namespaces import GRAPH_INFERRED, GRAPH_SOURCES, KG, bind_prefixes
from kgtool.core.terms import Triple, expand_iri, resolve_entity, shorten
from kgtool.graph import KnowledgeGraph

_SHOW = bind_prefixes(Graph())


def graph_label(name: Node) -> str:
    """Name a graph for people (the default graph has no name of its own).

    >>> graph_label(GRAPH_INFERRED)
    '<https://w3id.org/eleutherai-kg/graph/inferred>'
    """
    return "(default graph)" if name == DATASET_DEFAULT_GRAPH_ID else shorten(_SHOW, name)


@dataclass
class Provenance:
    """Where a fact comes from: a source sentence, another named graph, or the reasoner."""

    graph: str
    kind: str  # "sentence", "graph" or "inferred"
    quote: str = ""
    section: str = ""
    reference_numbers: list[int] = field(default_factory=list)
    quoted_from: str = ""

    def to_text(self) -> str:
        """One line for people.

        >>> Provenance("src:a", "sentence", "It began.", "History", [6]).to_text()
        'src:a (History) [6]: "It began."'
        """
        if self.kind == "sentence":
            refs = "".join(f"[{n}]" for n in self.reference_numbers)
            section = f" ({self.section})" if self.section else ""
            return f'{self.graph}{section}{" " + refs if refs else ""}: "{self.quote}"'
        if self.kind == "inferred":
            return "inferred by the reasoner"
        return f"graph {self.graph}"


def provenance(kg: KnowledgeGraph, triple: Triple) -> list[Provenance]:
    """Return where ``triple`` comes from, sentences first.

    Args:
        kg: The knowledge graph.
        triple: The fact.

    Returns:
        One entry per named graph holding it; ``inferred`` if only the reasoner has it; empty if
        nobody does.
    """
    return provenances(kg, [triple])[0]


def provenances(kg: KnowledgeGraph, triples: list[Triple]) -> list[list[Provenance]]:
    """Return :func:`provenance` for each of ``triples``, asking the store once for the
    sentences' quotes, sections and reference numbers (never copying the sources graph)."""
    holders = [kg.store.graphs_containing(t) for t in triples]
    names = sorted({name for found in holders for name in found})
    sentences = _sentences(kg, names)
    inferred = kg.store.inferred() if any(not h for h in holders) else None
    result = []
    for triple, found_in in zip(triples, holders, strict=True):
        found: list[Provenance] = []
        for name in found_in:
            info = sentences.get(name)
            if info is None:
                found.append(Provenance(graph=graph_label(name), kind="graph"))
                continue
            found.append(Provenance(graph=shorten(_SHOW, name), kind="sentence", **info))
        if not found and inferred is not None and triple in inferred:
            found.append(Provenance(graph=shorten(_SHOW, GRAPH_INFERRED), kind="inferred"))
        found.sort(key=lambda p: (p.kind != "sentence", p.graph))
        result.append(found)
    return result


def _sentences(kg: KnowledgeGraph, names: list[URIRef]) -> dict[URIRef, dict[str, Any]]:
    """The ``kg:SourceSentence`` records among ``names``, read from ``GRAPH_SOURCES``."""
    if not names:
        return {}
    values = " ".join(f"<{n}>" for n in names)
    text = (
        f"SELECT ?g ?p ?o WHERE {{ GRAPH <{GRAPH_SOURCES}> {{ VALUES ?g {{ {values} }} "
        f"?g a <{KG.SourceSentence}> ; ?p ?o }} }}"
    )
    records: dict[URIRef, dict[str, Any]] = {}
    for row in kg.store.query(text):
        g, p, o = URIRef(str(row[0])), URIRef(str(row[1])), row[2]  # type: ignore[index]
        record = records.setdefault(
            g, {"quote": "", "section": "", "reference_numbers": [], "quoted_from": ""}
        )
        if p == KG.referenceNumber:
            if isinstance(o, Literal) and isinstance(o.toPython(), int):
                record["reference_numbers"].append(int(o.toPython()))
        elif p in _SENTENCE_FIELDS and not record[_SENTENCE_FIELDS[p]]:
            record[_SENTENCE_FIELDS[p]] = str(o)
    for record in records.values():
        record["reference_numbers"].sort()
    return records


_SENTENCE_FIELDS: dict[URIRef, str] = {
    KG.quote: "quote",
    KG.section: "section",
    PROV.wasQuotedFrom: "quoted_from",
}


@dataclass
class Fact:
    """One triple about the described entity, with its sources."""

    subject: str
    predicate: str
    object: str
    direction: str  # "out" (entity is the subject) or "in" (entity is the object)
    sources: list[Provenance]


@dataclass
class EntityDescription:
    """Everything known about one entity."""

    iri: str
    label: str
    facts: list[Fact]

    def to_text(self) -> str:
        """Render for people: outgoing facts, then incoming ones, each with sources."""
        lines = [f"{self.label} ({self.iri})" if self.label else self.iri]
        for direction, heading in (("out", "Facts"), ("in", "Referenced by")):
            facts = [f for f in self.facts if f.direction == direction]
            if not facts:
                continue
            lines.append(f"\n{heading}:")
            for f in facts:
                fact = (
                    f"{f.predicate} {f.object}"
                    if direction == "out"
                    else f"{f.subject} {f.predicate}"
                )
                lines.append(f"  {fact}")
                for p in f.sources:
                    lines.append(f"      from {p.to_text()}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """Render as JSON."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"


def describe(kg: KnowledgeGraph, entity: str, reasoned: bool = False) -> EntityDescription:
    """Describe an entity given by IRI, prefixed name or label.

    Args:
        kg: The knowledge graph (reason first to include inferred facts with ``reasoned``).
        entity: What the user typed.
        reasoned: Include inferred facts (marked as such).

    Returns:
        The description, facts sorted by predicate and value.

    Raises:
        TermError: If the entity cannot be resolved.

    >>> from rdflib import Dataset
    >>> describe(KnowledgeGraph.from_dataset(Dataset()), "id:X").facts
    []
    """
    # The store is asked for the entity's triples and labels only: turning the whole view into
    # an rdflib graph cost seconds at 50 k triples on Oxigraph.
    iri = expand_iri(entity) or resolve_entity(kg.store.labelled(entity.strip()), entity)
    answer = kg.store.query(_AROUND, init_bindings={"entity": iri}, reasoned=reasoned)
    facts: list[Fact] = []
    triples: list[Triple] = []
    labels: list[str] = []
    for row in answer:
        direction, p, other = row  # type: ignore[misc]
        if str(direction) == "out":
            triples.append((iri, p, other))
            facts.append(Fact(shorten(_SHOW, iri), shorten(_SHOW, p), _value(other), "out", []))
            if p == RDFS.label:
                labels.append(str(other))
        else:
            triples.append((other, p, iri))
            facts.append(Fact(_value(other), shorten(_SHOW, p), shorten(_SHOW, iri), "in", []))
    for fact, sources in zip(facts, provenances(kg, triples), strict=True):
        fact.sources = sources
    facts.sort(key=lambda f: (f.direction != "out", f.predicate, f.object, f.subject))
    label = min(labels) if labels else ""
    return EntityDescription(iri=shorten(_SHOW, iri), label=label, facts=facts)


#: The triples with the entity as subject ("out") or as object ("in"), over the chosen view.
_AROUND = (
    "SELECT ?direction ?p ?other WHERE { "
    '{ ?entity ?p ?other BIND("out" AS ?direction) } UNION '
    '{ ?other ?p ?entity BIND("in" AS ?direction) } }'
)


def _value(node: Node) -> str:
    return node.n3(_SHOW.namespace_manager) if isinstance(node, Literal) else shorten(_SHOW, node)


@dataclass
class Stats:
    """Counts that describe the dataset."""

    asserted_triples: int
    inferred_triples: int | None
    classes: dict[str, int]
    properties: dict[str, int]
    graphs: dict[str, int]

    def to_text(self) -> str:
        """Render for people."""
        lines = [f"Asserted triples: {self.asserted_triples}"]
        if self.inferred_triples is not None:
            lines.append(f"Inferred triples: {self.inferred_triples}")
        for heading, counts in (
            ("Entities per class", self.classes),
            ("Properties", self.properties),
            ("Named graphs", self.graphs),
        ):
            lines.append(f"\n{heading}:")
            width = max((len(k) for k in counts), default=0)
            lines.extend(f"  {k.ljust(width)}  {v}" for k, v in counts.items())
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """Render as JSON."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"


def stats(kg: KnowledgeGraph, reasoned: bool = False) -> Stats:
    """Count triples, entities per class, property uses and named-graph sizes.

    Args:
        kg: The knowledge graph.
        reasoned: Count classes and properties over the reasoned view (reason first).

    Returns:
        The counts, sorted by name.

    >>> from rdflib import Dataset
    >>> stats(KnowledgeGraph.from_dataset(Dataset())).asserted_triples
    0
    """
    if kg.store.capabilities.sparql_text:
        return _counted_stats(kg, reasoned)
    union = kg.store.union(reasoned)
    classes = Counter(
        shorten(_SHOW, c) for _s, c in union.subject_objects(RDF.type) if isinstance(c, URIRef)
    )
    properties = Counter(shorten(_SHOW, p) for _s, p, _o in union)
    graphs = {graph_label(n): len(kg.store.named_graph(n)) for n in kg.store.graph_names()}
    inferred = kg.store.inferred()
    if reasoned and inferred is not None:
        graphs[shorten(_SHOW, GRAPH_INFERRED)] = len(inferred)
    return Stats(
        asserted_triples=len(kg.store.union(False)),
        inferred_triples=len(inferred) if inferred is not None else None,
        classes=dict(sorted(classes.items())),
        properties=dict(sorted(properties.items())),
        graphs=dict(sorted(graphs.items())),
    )


def _counted_stats(kg: KnowledgeGraph, reasoned: bool) -> Stats:
    """:func:`stats` from aggregates the store computes itself (no copy of any view).

    Each view is a set of triples, as rdflib's union graph, so ``COUNT(*)`` counts what
    ``len`` of that graph would.
    """

    def counts(text: str, view: bool) -> dict[Any, int]:
        """The rows of a count query by their first column (None when it has one column)."""
        found: dict[Any, int] = {}
        for row in kg.store.query(text, reasoned=view):
            cells: list[Any] = list(row)  # type: ignore[arg-type]
            found[cells[0] if len(cells) == 2 else None] = int(cells[-1].toPython())
        return found

    classes = Counter[str]()
    for c, n in counts(_CLASS_COUNTS, reasoned).items():
        classes[shorten(_SHOW, c)] += n
    properties = Counter[str]()
    for p, n in counts(_PROPERTY_COUNTS, reasoned).items():
        properties[shorten(_SHOW, p)] += n
    sizes = counts(_GRAPH_COUNTS, False)
    graphs = {graph_label(n): sizes.get(n, 0) for n in kg.store.graph_names()}
    inferred: int | None = None
    if kg.store.has_inferred():
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH_INFERRED}> {{ ?s ?p ?o }} }}"
        inferred = counts(text, True).get(None, 0)
        if reasoned:
            graphs[shorten(_SHOW, GRAPH_INFERRED)] = inferred
    total = counts("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", False)
    return Stats(
        asserted_triples=total.get(None, 0),
        inferred_triples=inferred,
        classes=dict(sorted(classes.items())),
        properties=dict(sorted(properties.items())),
        graphs=dict(sorted(graphs.items())),
    )


_CLASS_COUNTS = (
    f"SELECT ?c (COUNT(*) AS ?n) WHERE {{ ?s <{RDF.type}> ?c FILTER(isIRI(?c)) }} GROUP BY ?c"
)
_PROPERTY_COUNTS = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
_GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
