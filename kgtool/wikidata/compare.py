"""``kgtool link compare``: the graph's values beside Wikidata's statements, value by value.

For every linked entity (``owl:sameAs`` a Wikidata item) and every property the ontology maps
with ``skos:exactMatch`` to a Wikidata property, each value the article states is ``agree``,
``differ`` or ``wikidata-lacks``, and each statement Wikidata has that we do not is ``we-lack``.
Wikidata is read in its full statement model
(https://www.mediawiki.org/wiki/Wikibase/Indexing/RDF_Dump_Format): ``p:``/``ps:`` for the
value, ``wikibase:rank``, ``psv:``/``wikibase:timePrecision`` for dates, ``pq:`` qualifiers and
``prov:wasDerivedFrom``/``pr:`` references, because the truthy ``wdt:`` triples hide exactly
what a dispute needs: deprecated values, precision and sources. How two values match is
:mod:`kgtool.wikidata.values`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF
from rdflib.term import BNode, Node

from kgtool.core.namespaces import SRC, WD, WIKIBASE, bind_prefixes
from kgtool.core.terms import shorten
from kgtool.graph import KnowledgeGraph
from kgtool.query.render import text_table as table
from kgtool.remote.http import SparqlClient, batches, values
from kgtool.wikidata.items import mapped_properties, names, qid, wikidata_links
from kgtool.wikidata.output import answers_note, report_json
from kgtool.wikidata.values import (
    PRECISION_NAMES,
    OurValue,
    Statement,
    as_number,
    match,
    our_date,
    their_date,
)

AGREE = "agree"
DIFFER = "differ"
WIKIDATA_LACKS = "wikidata-lacks"
WE_LACK = "we-lack"
#: The statuses, in the order reports count them.
STATUSES: tuple[str, ...] = (AGREE, DIFFER, WIKIDATA_LACKS, WE_LACK)

_RANKS = {
    WIKIBASE.PreferredRank: "preferred",
    WIKIBASE.NormalRank: "normal",
    WIKIBASE.DeprecatedRank: "deprecated",
}
_P = "http://www.wikidata.org/prop/"
_REFERENCE = _P + "reference/"
_QUALIFIER = _P + "qualifier/"


# --------------------------------------------------------------------------- the report


@dataclass
class Comparison:
    """One verdict: a value of ours (or none, for ``we-lack``) against Wikidata's statements."""

    entity: URIRef
    item: URIRef
    pid: str
    status: str
    ours: OurValue | None = None
    theirs: list[Statement] = field(default_factory=list)
    detail: str = ""

    def sort_key(self) -> tuple[str, int, str, int, str]:
        """Entity, property number, our property, status, value: the report's order."""
        prop = str(self.ours.prop) if self.ours else ""
        value = self.ours.value.n3() if self.ours else _n3(self.theirs[0].value)
        return (str(self.entity), int(self.pid[1:]), prop, STATUSES.index(self.status), value)


def _n3(node: Node | None) -> str:
    return node.n3() if node is not None else ""


@dataclass
class CompareReport:
    """Every verdict, and where Wikidata's answers came from."""

    comparisons: list[Comparison]
    properties: dict[URIRef, str]
    endpoint: str
    fetched: list[str]
    offline: bool

    @property
    def differ(self) -> list[Comparison]:
        """The values Wikidata states otherwise (exit code 1)."""
        return [c for c in self.comparisons if c.status == DIFFER]

    def counts(self) -> dict[str, int]:
        """How many verdicts of each status, every status present.

        >>> CompareReport([], {}, "http://e/sparql", [], False).counts()["agree"]
        0
        """
        found = {status: 0 for status in STATUSES}
        for c in self.comparisons:
            found[c.status] += 1
        return found

    def summary(self) -> str:
        """One line: counts per status, the endpoint and the answers' date.

        >>> CompareReport([], {}, "http://e/sparql", [], False).summary().split(" (")[0]
        '0 values: 0 agree, 0 differ, 0 wikidata-lacks, 0 we-lack'
        """
        counts = ", ".join(f"{n} {s}" for s, n in self.counts().items())
        noun = "value" if len(self.comparisons) == 1 else "values"
        source = answers_note(self.fetched, self.offline)
        return f"{len(self.comparisons)} {noun}: {counts} ({self.endpoint}; {source})"

    def to_text(self) -> str:
        """A table grouped by entity, one line per Wikidata statement, then the summary."""
        graph = bind_prefixes(Graph())
        header = (
            "entity",
            "property",
            "status",
            "ours",
            "wikidata",
            "rank",
            "references",
            "detail",
        )
        rows: list[tuple[str, ...]] = []
        mapped: dict[str, list[str]] = {}
        for prop, pid in sorted(self.properties.items()):
            mapped.setdefault(pid, []).append(shorten(graph, prop))
        last = None
        for c in self.comparisons:
            group = f"{shorten(graph, c.entity)} {shorten(graph, c.item)}"
            ours_prop = [shorten(graph, c.ours.prop)] if c.ours else mapped.get(c.pid, [])
            head = [group if group != last else "", " ".join([c.pid, *ours_prop]), c.status]
            last = group
            ours = _our_cell(graph, c.ours) if c.ours else "-"
            statements: list[Statement | None] = [*c.theirs] or [None]
            for index, statement in enumerate(statements):
                if statement is None:
                    theirs, rank, refs = "-", "", ""
                else:
                    theirs = _their_cell(graph, statement)
                    rank, refs = statement.rank, _references_cell(graph, statement)
                first = index == 0
                rows.append(
                    (
                        *(head if first else ["", "", ""]),
                        ours if first else "",
                        theirs,
                        rank,
                        refs,
                        c.detail if first else "",
                    )
                )
        return table(header, rows) + self.summary() + "\n"

    def to_json(self) -> str:
        """The verdicts as one JSON document (keys documented in docs/link.md)."""
        return report_json(
            self,
            properties={str(p): pid for p, pid in sorted(self.properties.items())},
            counts=self.counts(),
            comparisons=[_comparison_json(c) for c in self.comparisons],
        )


def _our_cell(graph: Graph, ours: OurValue) -> str:
    date = our_date(ours.value)
    if date is not None:
        return f"{date} ({PRECISION_NAMES.get(date.precision, date.precision)})"
    text = shorten(graph, ours.value) if isinstance(ours.value, URIRef) else str(ours.value)
    if ours.item is not None:
        text += f" = {shorten(graph, ours.item)}"
    return text


def _their_cell(graph: Graph, statement: Statement) -> str:
    value = statement.value
    if value is None or isinstance(value, BNode):
        return "(unknown value)"
    date = their_date(value, statement.precision)
    if date is not None:
        return f"{date} ({PRECISION_NAMES.get(date.precision, date.precision)})"
    if isinstance(value, URIRef):
        text = shorten(graph, value)
        return f"{text} {statement.label}" if statement.label else text
    return str(value)


def _references_cell(graph: Graph, statement: Statement) -> str:
    written = [
        ", ".join(f"{pid} {shorten(graph, v) if qid(v) else v}" for pid, v in reference)
        for reference in statement.references
    ]
    return " | ".join(written) if written else "(none)"


def _comparison_json(c: Comparison) -> dict[str, object]:
    ours = None
    if c.ours is not None:
        ours = {
            "property": str(c.ours.prop),
            "value": c.ours.value.n3(),
            "item": str(c.ours.item) if c.ours.item is not None else None,
            "sentences": [str(s) for s in c.ours.sentences],
        }
    return {
        "entity": str(c.entity),
        "item": str(c.item),
        "wikidataProperty": c.pid,
        "status": c.status,
        "detail": c.detail,
        "ours": ours,
        "theirs": [
            {
                "statement": str(s.node),
                "value": _n3(s.value) if not isinstance(s.value, BNode) else None,
                "label": s.label,
                "rank": s.rank,
                "precision": s.precision,
                "qualifiers": [{"property": pid, "value": v.n3()} for pid, v in s.qualifiers],
                "references": [
                    [{"property": pid, "value": v.n3()} for pid, v in reference]
                    for reference in s.references
                ],
            }
            for s in c.theirs
        ],
    }


# --------------------------------------------------------------------------- the comparison


def judge(
    entity: URIRef,
    item: URIRef,
    pid: str,
    ours: Sequence[OurValue],
    theirs: Sequence[Statement],
    functional: bool = False,
) -> list[Comparison]:
    """Decide the verdicts for one entity and one Wikidata property.

    A value of ours agrees with the statements that hold it at preferred or normal rank. Held
    only by deprecated statements, it differs. Held by none, it differs when Wikidata has other
    values and either the property is functional (one release date: two cannot both be right)
    or no value of ours agrees (the licences are MIT there and Apache here); otherwise Wikidata
    lacks it (one more founder). A statement at preferred or normal rank that no value of ours
    matches is one we lack, unless a differing value of ours already shows it.

    Args:
        entity: Our entity.
        item: The Wikidata item it is linked to.
        pid: The Wikidata property.
        ours: Our values of the properties mapped to ``pid``.
        theirs: Wikidata's statements of ``pid`` about ``item``.
        functional: Whether our property is an ``owl:FunctionalProperty``.

    Returns:
        The verdicts, ours first in the given order, then the statements we lack.

    >>> from rdflib.namespace import XSD
    >>> p = URIRef("urn:p")
    >>> ours = [OurValue(p, Literal("2020-12-30", datatype=XSD.date))]
    >>> day = Literal("2020-12-31T00:00:00Z", datatype=XSD.dateTime)
    >>> theirs = [Statement(URIRef("urn:s"), day, precision=11)]
    >>> [c.status for c in judge(URIRef("urn:e"), URIRef("urn:i"), "P577", ours, theirs)]
    ['differ']
    """
    current = [s for s in theirs if s.counts]
    notes = [{s.node: n for s in theirs if (n := match(value, s)) is not None} for value in ours]
    agreeing = [[s for s in current if s.node in found] for found in notes]
    any_agree = any(agreeing)
    verdicts: list[Comparison] = []
    matched: set[URIRef] = set()
    differs = False
    for value, found, agree in zip(ours, notes, agreeing, strict=True):
        matched.update(s.node for s in agree)
        unlinked = "not linked to Wikidata" if _unlinked(value) else ""
        if agree:
            note = sorted({found[s.node] for s in agree}, key=lambda n: (n != "", n))[0]
            verdicts.append(Comparison(entity, item, pid, AGREE, value, agree, note))
        elif found:
            detail = "Wikidata deprecates this value"
            verdicts.append(Comparison(entity, item, pid, DIFFER, value, list(theirs), detail))
            differs = True
        elif current and (functional or not any_agree):
            verdicts.append(Comparison(entity, item, pid, DIFFER, value, list(theirs), unlinked))
            differs = True
        else:
            detail = unlinked or (
                "Wikidata's statements are deprecated" if not current and theirs else ""
            )
            lacks = [s for s in theirs if not s.counts]
            verdicts.append(Comparison(entity, item, pid, WIKIDATA_LACKS, value, lacks, detail))
    if not differs:
        for statement in current:
            if statement.node not in matched:
                verdicts.append(Comparison(entity, item, pid, WE_LACK, None, [statement]))
    return verdicts


def _unlinked(value: OurValue) -> bool:
    return isinstance(value.value, URIRef) and value.item is None and bool(value.names)


def our_values(
    kg: KnowledgeGraph, links: dict[URIRef, URIRef], properties: dict[URIRef, str]
) -> dict[tuple[URIRef, str], list[OurValue]]:
    """Collect the article's values of mapped properties about linked entities.

    Only the facts of the sentence graphs count (what the article states, not the editorial
    notes nor the links), each with the sentences that state it.
    """
    union = kg.store.union()
    sentences: dict[tuple[URIRef, URIRef, Node], set[URIRef]] = {}
    for s, p, o, g in kg.store.dataset().quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        if not str(name).startswith(str(SRC)) or not isinstance(s, URIRef):
            continue
        if s not in links or not isinstance(p, URIRef) or p not in properties:
            continue
        if isinstance(o, BNode):
            continue
        sentences.setdefault((s, p, o), set()).add(URIRef(str(name)))
    found: dict[tuple[URIRef, str], list[OurValue]] = {}
    for (s, p, o), where in sentences.items():
        item = links.get(o) if isinstance(o, URIRef) else None
        labels = tuple(names(union, o)) if isinstance(o, URIRef) and item is None else ()
        value = OurValue(p, o, tuple(sorted(where)), item, labels)
        found.setdefault((s, properties[p]), []).append(value)
    for entries in found.values():
        entries.sort(key=lambda v: (str(v.prop), v.value.n3()))
    return found


# One row per fact of a statement (its value, rank, precision, one reference value, one
# qualifier), tagged by ?kind: joining them instead would multiply qualifiers by references.
_STATEMENTS = """PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?item ?prop ?statement ?kind ?node ?via ?value WHERE {{
  VALUES ?item {{ {items} }}
  VALUES (?prop ?p ?ps ?psv) {{ {props} }}
  ?item ?p ?statement .
  {{ ?statement ?ps ?value . BIND("value" AS ?kind) }}
  UNION {{ ?statement wikibase:rank ?value . BIND("rank" AS ?kind) }}
  UNION {{ ?statement ?psv ?node . ?node wikibase:timePrecision ?value .
           BIND("precision" AS ?kind) }}
  UNION {{ ?statement ?ps ?node . ?node rdfs:label ?value . FILTER(LANG(?value) IN ("en", "mul"))
           BIND("label" AS ?kind) }}
  UNION {{ ?statement prov:wasDerivedFrom ?node . ?node ?via ?value .
           FILTER(STRSTARTS(STR(?via), "{reference}") && !STRSTARTS(STR(?via), "{reference}value"))
           BIND("reference" AS ?kind) }}
  UNION {{ ?statement ?via ?value .
           FILTER(STRSTARTS(STR(?via), "{qualifier}") && !STRSTARTS(STR(?via), "{qualifier}value"))
           BIND("qualifier" AS ?kind) }}
}}"""


@dataclass
class _Draft:
    value: Node | None = None
    rank: str = "normal"
    precision: int | None = None
    labels: set[str] = field(default_factory=set)
    qualifiers: set[tuple[str, Node]] = field(default_factory=set)
    references: dict[Node, set[tuple[str, Node]]] = field(default_factory=dict)


def _pid_of(prop: Node | None, base: str) -> str:
    text = str(prop) if prop is not None else ""
    return text[len(base) :] if text.startswith(base) else text


def fetch_statements(
    client: SparqlClient, items: Iterable[URIRef], pids: Iterable[str], batch_size: int = 50
) -> dict[tuple[URIRef, str], list[Statement]]:
    """Ask for every statement of ``pids`` about ``items``, many items per query.

    Args:
        client: The endpoint client.
        items: Wikidata item IRIs.
        pids: Wikidata property IDs (``P577``).
        batch_size: Items per query.

    Returns:
        The statements per (item, PID), sorted by rank (preferred first) and statement IRI.

    Raises:
        EndpointError, OfflineError: See :meth:`SparqlClient.select`.
    """
    wanted = sorted(set(items))
    pid_list = sorted(set(pids), key=lambda p: int(p[1:]))
    if not wanted or not pid_list:
        return {}
    props = " ".join(
        f"({WD[p].n3()} <{_P}{p}> <{_P}statement/{p}> <{_P}statement/value/{p}>)" for p in pid_list
    )
    drafts: dict[tuple[URIRef, str, URIRef], _Draft] = {}
    for batch in batches(wanted, batch_size):
        query = _STATEMENTS.format(
            items=values(batch), props=props, reference=_REFERENCE, qualifier=_QUALIFIER
        )
        for row in client.select(query):
            item, prop, node = row.get("item"), row.get("prop"), row.get("statement")
            kind, value = str(row.get("kind", "")), row.get("value")
            if not (isinstance(item, URIRef) and isinstance(prop, URIRef)):
                continue
            if not isinstance(node, URIRef) or value is None:
                continue
            draft = drafts.setdefault((item, qid_or_pid(prop), node), _Draft())
            if kind == "value":
                draft.value = value
            elif kind == "rank" and isinstance(value, URIRef):
                draft.rank = _RANKS.get(value, str(value))
            elif kind == "precision":
                number = as_number(value)
                draft.precision = int(number) if number is not None else None
            elif kind == "label" and isinstance(value, Literal):
                draft.labels.add(str(value))
            elif kind == "qualifier":
                draft.qualifiers.add((_pid_of(row.get("via"), _QUALIFIER), value))
            elif kind == "reference":
                ref = row.get("node")
                if ref is not None:
                    pair = (_pid_of(row.get("via"), _REFERENCE), value)
                    draft.references.setdefault(ref, set()).add(pair)
    found: dict[tuple[URIRef, str], list[Statement]] = {}
    order = {"preferred": 0, "normal": 1, "deprecated": 2}
    for (item, pid, node), d in drafts.items():
        references = sorted(tuple(sorted(r, key=_pair_key)) for r in d.references.values())
        statement = Statement(
            node,
            d.value,
            d.rank,
            d.precision,
            sorted(d.labels)[0] if d.labels else "",
            tuple(sorted(d.qualifiers, key=_pair_key)),
            tuple(references),
        )
        found.setdefault((item, pid), []).append(statement)
    for statements in found.values():
        statements.sort(key=lambda s: (order.get(s.rank, 3), str(s.node)))
    return found


def _pair_key(pair: tuple[str, Node]) -> tuple[str, str]:
    return (pair[0], pair[1].n3())


def qid_or_pid(entity: Node) -> str:
    """Return the local ID of a Wikidata entity IRI (``wd:P577`` → ``P577``), else ``""``.

    >>> qid_or_pid(WD.P577), qid_or_pid(WD.Q95), qid_or_pid(URIRef("urn:x"))
    ('P577', 'Q95', '')
    """
    text = str(entity)
    local = text[len(str(WD)) :] if text.startswith(str(WD)) else ""
    return local if re.fullmatch(r"[PQ][1-9]\d*", local) else ""


def compare(kg: KnowledgeGraph, client: SparqlClient, batch_size: int = 50) -> CompareReport:
    """Compare the article's values about linked entities with Wikidata's statements.

    Args:
        kg: The knowledge graph (the ontology's ``skos:exactMatch`` mappings included).
        client: The endpoint client.
        batch_size: Items per query.

    Returns:
        The report, in a stable order: entity, property number, our property, status, value.

    Raises:
        EndpointError, OfflineError: See :meth:`SparqlClient.select`.
    """
    union = kg.store.union()
    properties = mapped_properties(kg)
    links: dict[URIRef, URIRef] = {}
    for entity, item in wikidata_links(kg):
        links.setdefault(entity, item)
    ours = our_values(kg, links, properties)
    pids = sorted(set(properties.values()))
    theirs = fetch_statements(client, links.values(), pids, batch_size)
    comparisons: list[Comparison] = []
    for entity, item in sorted(links.items()):
        for pid in pids:
            have = ours.get((entity, pid), [])
            statements = theirs.get((item, pid), [])
            if have or statements:
                functional = any((v.prop, RDF.type, OWL.FunctionalProperty) in union for v in have)
                comparisons.extend(judge(entity, item, pid, have, statements, functional))
    comparisons.sort(key=Comparison.sort_key)
    return CompareReport(comparisons, properties, client.endpoint, client.fetched, client.offline)
