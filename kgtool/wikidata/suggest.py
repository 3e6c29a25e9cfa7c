"""``kgtool link suggest``: find Wikidata candidates for unlinked entities, rank, accept.

Candidates share a label or alias with the entity; each is scored on label similarity, type
compatibility and agreement with already-linked neighbours. Accepted links go to a TriG file of
the user's (``--output``, by default :data:`SUGGESTED_FILE` in the working directory) with SSSOM
provenance, never into the article's facts or the installed package.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from kgtool.core.errors import UsageError
from kgtool.core.namespaces import (
    GRAPH_WIKIDATA_SUGGESTED,
    ID,
    KG,
    LINK,
    SEMAPV,
    SSSOM,
    bind_prefixes,
)
from kgtool.core.terms import resolve_entity, shorten
from kgtool.core.version import __version__
from kgtool.graph import KnowledgeGraph
from kgtool.query.render import text_table as table
from kgtool.remote.http import SparqlClient, batches, values
from kgtool.wikidata.items import (
    best_label_score,
    english,
    fetch_items,
    is_linkable,
    names,
    qid,
    wikidata_classes,
    wikidata_links,
)
from kgtool.wikidata.output import (
    answers_note,
    existing_graph,
    report_json,
    write_named_graph,
)

#: Where accepted links go unless ``--output`` says otherwise: the working directory.
SUGGESTED_FILE = Path("wikidata-suggested.trig")


@dataclass
class Candidate:
    """A Wikidata item that may be the entity, with the evidence for it."""

    item: URIRef
    label: str
    description: str
    label_score: float
    type_score: float
    neighbour_score: float
    agreeing_neighbours: list[URIRef] = field(default_factory=list)

    @property
    def score(self) -> float:
        """The ranking score: label similarity weighs most, then type, then neighbours."""
        return round(
            0.6 * self.label_score + 0.25 * self.type_score + 0.15 * self.neighbour_score, 4
        )


@dataclass
class Suggestion:
    """The ranked candidates for one unlinked entity."""

    entity: URIRef
    label: str
    candidates: list[Candidate]


#: Weights' meaning for the review table.
_TYPE_WORD = {1.0: "yes", 0.5: "?", 0.0: "no"}


@dataclass
class SuggestReport:
    """All suggestions, and where the answers came from."""

    suggestions: list[Suggestion]
    endpoint: str
    fetched: list[str]
    offline: bool

    def to_text(self) -> str:
        """The review table: per entity, its candidates best first, with their scores."""
        graph = bind_prefixes(Graph())
        header = (
            "entity",
            "candidate",
            "score",
            "label",
            "type",
            "neighbours",
            "wikidata label",
            "description",
        )
        rows: list[tuple[str, ...]] = []
        for s in self.suggestions:
            name = shorten(graph, s.entity)
            if not s.candidates:
                rows.append((name, "(none)", "", "", "", "", "", ""))
            for i, c in enumerate(s.candidates):
                rows.append(
                    (
                        name if i == 0 else "",
                        shorten(graph, c.item),
                        f"{c.score:.2f}",
                        f"{c.label_score:.2f}",
                        _TYPE_WORD.get(c.type_score, f"{c.type_score:.2f}"),
                        _TYPE_WORD.get(c.neighbour_score, f"{c.neighbour_score:.2f}"),
                        c.label,
                        c.description[:60],
                    )
                )
        found = sum(1 for s in self.suggestions if s.candidates)
        tail = (
            f"{len(self.suggestions)} unlinked entities, {found} with candidates "
            f"({self.endpoint}; {answers_note(self.fetched, self.offline)})"
        )
        return table(header, rows) + tail + "\n"

    def to_json(self) -> str:
        """The suggestions as JSON."""
        return report_json(
            self,
            suggestions=[
                {
                    "entity": str(s.entity),
                    "label": s.label,
                    "candidates": [
                        {
                            "item": str(c.item),
                            "label": c.label,
                            "description": c.description,
                            "score": c.score,
                            "labelScore": c.label_score,
                            "typeScore": c.type_score,
                            "neighbourScore": c.neighbour_score,
                            "agreeingNeighbours": [str(n) for n in c.agreeing_neighbours],
                        }
                        for c in s.candidates
                    ],
                }
                for s in self.suggestions
            ],
        )


_CANDIDATES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?name ?item WHERE {{
  VALUES ?name {{ {names} }}
  {{ ?item rdfs:label ?name }} UNION {{ ?item skos:altLabel ?name }}
}}"""
_NEIGHBOURS = """SELECT DISTINCT ?item ?neighbour WHERE {{
  VALUES (?item ?neighbour) {{ {pairs} }}
  {{ ?item ?p ?neighbour }} UNION {{ ?neighbour ?p ?item }}
  FILTER(STRSTARTS(STR(?p), "http://www.wikidata.org/prop/direct/"))
}}"""


def _variants(name: str) -> set[str]:
    # Labels on Wikidata are case-sensitive literals; try the usual spellings of a name.
    return {name, name.lower(), name.upper(), name.title(), name[:1].upper() + name[1:]}


def unlinked_entities(kg: KnowledgeGraph) -> list[URIRef]:
    """Return the entities that could be linked (agents, works...) and have no Wikidata link."""
    union = kg.store.union()
    linked = {entity for entity, _ in wikidata_links(kg)}
    found = {
        s
        for s in union.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(str(ID)) and s not in linked
    }
    return sorted(e for e in found if is_linkable(union, e) and names(union, e))


def _linked_neighbours(kg: KnowledgeGraph, entity: URIRef) -> set[URIRef]:
    """Wikidata items of the entity's neighbours: one hop, or two through an event node."""
    union = kg.store.union()
    links: dict[URIRef, set[URIRef]] = {}
    for s, o in wikidata_links(kg):
        links.setdefault(s, set()).add(o)

    def adjacent(node: URIRef) -> set[URIRef]:
        found: set[URIRef] = set()
        for p, o in union.predicate_objects(node):
            if isinstance(o, URIRef) and str(p).startswith(str(KG)) and str(o).startswith(str(ID)):
                found.add(o)
        for s, p in union.subject_predicates(node):
            if isinstance(s, URIRef) and str(p).startswith(str(KG)) and str(s).startswith(str(ID)):
                found.add(s)
        return found

    near = adjacent(entity)
    for node in list(near):
        if not is_linkable(union, node):
            near |= adjacent(node)
    near.discard(entity)
    return set().union(*(links.get(n, set()) for n in near)) if near else set()


def suggest_links(
    kg: KnowledgeGraph,
    client: SparqlClient,
    entities: Sequence[str] | None = None,
    limit: int = 5,
    batch_size: int = 50,
) -> SuggestReport:
    """Find and rank Wikidata candidates for entities without a link.

    Candidates are items whose English label or alias equals one of the entity's labels or
    alt labels (in its usual spellings). Each is scored 0.6 * label similarity + 0.25 * type
    compatibility (1 if its ``P31/P279*`` reaches the class our ontology maps the entity's
    class to, 0 if not, 0.5 when unknown) + 0.15 * neighbour agreement (1 if a Wikidata item
    our already-linked neighbours link to is connected to it by a direct statement, 0 if not,
    0.5 when the entity has no linked neighbour).

    Args:
        kg: The knowledge graph.
        client: The endpoint client.
        entities: IRIs, prefixed names or labels (default: every unlinked linkable entity).
        limit: Candidates kept per entity.
        batch_size: Names, items or pairs per query.

    Returns:
        The report.

    Raises:
        TermError: If an entity cannot be found.
        EndpointError, OfflineError: See :meth:`SparqlClient.select`.
    """
    union = kg.store.union()
    chosen = [resolve_entity(union, e) for e in entities] if entities else unlinked_entities(kg)
    known = {e: names(union, e) for e in chosen}
    spellings: dict[Literal, set[URIRef]] = {}
    for entity, entity_names in known.items():
        for name in entity_names:
            for variant in _variants(name):
                for lang in ("en", "mul"):
                    spellings.setdefault(Literal(variant, lang=lang), set()).add(entity)
    found: dict[URIRef, set[URIRef]] = {e: set() for e in chosen}
    for batch in batches(sorted(spellings, key=lambda n: (n, n.language or "")), batch_size):
        for row in client.select(_CANDIDATES.format(names=values(batch))):
            hit, hit_item = row.get("name"), row.get("item")
            if isinstance(hit, Literal) and isinstance(hit_item, URIRef) and qid(hit_item):
                for entity in spellings.get(Literal(str(hit), lang=hit.language), ()):
                    found[entity].add(hit_item)
    expected = {e: wikidata_classes(kg, e) for e in chosen}
    targets = set().union(*expected.values()) if expected else set()
    all_items = set().union(*found.values()) if found else set()
    facts = fetch_items(client, all_items, targets, batch_size)
    neighbours = {e: _linked_neighbours(kg, e) for e in chosen}
    pairs = sorted({(c, n) for e in chosen for c in found[e] for n in neighbours[e]})
    connected: set[tuple[URIRef, URIRef]] = set()
    for batch in batches(pairs, batch_size):
        text = " ".join(f"({c.n3()} {n.n3()})" for c, n in batch)
        for row in client.select(_NEIGHBOURS.format(pairs=text)):
            item, neighbour = row.get("item"), row.get("neighbour")
            if isinstance(item, URIRef) and isinstance(neighbour, URIRef):
                connected.add((item, neighbour))
    suggestions: list[Suggestion] = []
    for entity in chosen:
        ranked: list[Candidate] = []
        for item in found[entity]:
            info = facts[item]
            if info.redirect is not None and not info.labels:
                continue
            if expected[entity] and info.classes:
                type_score = 1.0 if info.is_a & expected[entity] else 0.0
            else:
                type_score = 0.5
            agreeing = sorted(n for n in neighbours[entity] if (item, n) in connected)
            neighbour_score = 0.5 if not neighbours[entity] else (1.0 if agreeing else 0.0)
            ranked.append(
                Candidate(
                    item=item,
                    label=info.label,
                    description=info.descriptions[0] if info.descriptions else "",
                    label_score=best_label_score(known[entity], info.labels + info.aliases),
                    type_score=type_score,
                    neighbour_score=neighbour_score,
                    agreeing_neighbours=agreeing,
                )
            )
        ranked.sort(key=lambda c: (-c.score, int(qid(c.item)[1:])))
        label = known[entity][0] if known[entity] else ""
        preferred = english(union.objects(entity, RDFS.label))
        suggestions.append(Suggestion(entity, preferred[0] if preferred else label, ranked[:limit]))
    return SuggestReport(suggestions, client.endpoint, client.fetched, client.offline)


@dataclass(frozen=True)
class AcceptedLink:
    """A link chosen for writing, with its provenance."""

    entity: URIRef
    item: URIRef
    score: float
    method: URIRef
    note: str = ""


def choose_links(
    report: SuggestReport,
    min_score: float = 0.85,
    margin: float = 0.1,
    picks: Mapping[URIRef, URIRef] | None = None,
) -> list[AcceptedLink]:
    """Choose the links to accept: explicit picks, else a clear winner above ``min_score``.

    Args:
        report: What :func:`suggest_links` returned.
        min_score: The least score accepted automatically.
        margin: How far the winner must lead the runner-up.
        picks: Entity → item chosen by the user (they must be among the candidates shown).

    Returns:
        The links, sorted by entity.

    Raises:
        UsageError: If a pick names an entity or item that was not suggested.
    """
    picks = dict(picks or {})
    accepted: list[AcceptedLink] = []
    by_entity = {s.entity: s for s in report.suggestions}
    for entity, item in picks.items():
        suggestion = by_entity.get(entity)
        shown = suggestion.candidates if suggestion else []
        match = next((c for c in shown if c.item == item), None)
        if match is None:
            raise UsageError(
                f"--pick {entity}={qid(item) or item}: not among the candidates suggested for it"
            )
        accepted.append(
            AcceptedLink(entity, item, match.score, SEMAPV.ManualMappingCuration, "picked")
        )
    for s in report.suggestions:
        if s.entity in picks or not s.candidates:
            continue
        best = s.candidates[0]
        runner_up = s.candidates[1].score if len(s.candidates) > 1 else 0.0
        if best.score >= min_score and best.score - runner_up >= margin:
            note = (
                f"label {best.label_score:.2f}, type {_TYPE_WORD.get(best.type_score, '?')}, "
                f"neighbours {_TYPE_WORD.get(best.neighbour_score, '?')}"
            )
            accepted.append(
                AcceptedLink(s.entity, best.item, best.score, SEMAPV.CompositeMatching, note)
            )
    return sorted(accepted, key=lambda a: str(a.entity))


def _local_name(iri: URIRef) -> str:
    return str(iri).rsplit("/", 1)[-1]


def write_accepted(
    accepted: Sequence[AcceptedLink],
    dest: Path,
    endpoint: str,
    when: str | None = None,
) -> int:
    """Add accepted links, with SSSOM provenance, to the named graph in ``dest`` (atomically).

    Each link is an ``owl:sameAs`` triple plus an ``owl:Axiom`` annotating it with the method
    (``sssom:mapping_justification``), score (``sssom:confidence``), tool, date and endpoint
    (``dcterms:source``). A link for an entity already in the file replaces the old one; others
    are kept.

    Args:
        accepted: The links.
        dest: The TriG file (created if missing).
        endpoint: The endpoint the evidence came from.
        when: The date (default: today, UTC).

    Returns:
        How many links the file holds afterwards.

    Raises:
        InputError: If the existing file does not parse.
        ExportError: If it cannot be written (it is then left as it was).
    """
    date = when or datetime.datetime.now(datetime.UTC).date().isoformat()
    old = existing_graph(dest, GRAPH_WIKIDATA_SUGGESTED)
    replaced = {a.entity for a in accepted}
    keep = Graph()
    for s, o in old.subject_objects(OWL.sameAs):
        if s in replaced:
            continue
        keep.add((s, OWL.sameAs, o))
        axiom = LINK[_local_name(URIRef(str(s)))]
        for triple in old.triples((axiom, None, None)):
            keep.add(triple)
    new = Graph()
    for a in accepted:
        axiom = LINK[_local_name(a.entity)]
        new.add((a.entity, OWL.sameAs, a.item))
        new.add((axiom, RDF.type, OWL.Axiom))
        new.add((axiom, OWL.annotatedSource, a.entity))
        new.add((axiom, OWL.annotatedProperty, OWL.sameAs))
        new.add((axiom, OWL.annotatedTarget, a.item))
        new.add((axiom, SSSOM.mapping_justification, a.method))
        new.add((axiom, SSSOM.confidence, Literal(f"{a.score:.4f}", datatype=XSD.double)))
        new.add((axiom, SSSOM.mapping_tool, Literal(f"kgtool {__version__} link suggest")))
        new.add((axiom, SSSOM.mapping_date, Literal(date, datatype=XSD.date)))
        new.add((axiom, DCTERMS.source, URIRef(endpoint)))
        if a.note:
            new.add((axiom, RDFS.comment, Literal(a.note)))
    header = (
        "# Links to Wikidata accepted with `kgtool link suggest --accept`, each with its "
        "provenance\n# (SSSOM: method, score, tool, date; dcterms:source = the endpoint). "
        "Written by kgtool.\n"
    )
    write_named_graph(dest, GRAPH_WIKIDATA_SUGGESTED, new, header, keep)
    return len(set((keep + new).subject_objects(OWL.sameAs)))
