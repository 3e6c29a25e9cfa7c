"""``kgtool link quickstatements``: article facts Wikidata lacks, as QuickStatements (V1).

Each command cites the English Wikipedia article, for an editor to review before pasting it
into QuickStatements (https://www.wikidata.org/wiki/Help:QuickStatements).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS, XSD
from rdflib.term import Node

from kgtool.core.namespaces import ARTICLE_IRI, SRC, WD, WDT
from kgtool.graph import KnowledgeGraph
from kgtool.remote.http import SparqlClient, batches
from kgtool.wikidata.items import qid, wikidata_links

#: The reference every QuickStatements line carries: imported from Wikimedia project (P143) =
#: English Wikipedia (Q328), Wikimedia import URL (P4656) = the article.
ENGLISH_WIKIPEDIA = "Q328"


_EXISTING = """SELECT ?item ?p ?value WHERE {{
  VALUES (?item ?p) {{ {pairs} }}
  ?item ?p ?value .
}}"""

_PRECISION = {XSD.date: 11, XSD.gYearMonth: 10, XSD.gYear: 9}


def _qs_time(value: Literal) -> str | None:
    """Write a date literal as a QuickStatements time with its precision."""
    text = str(value)
    precision = _PRECISION.get(value.datatype) if value.datatype else None
    if precision is None or not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        return None
    year, month, day = [*text.split("-"), "00", "00"][:3]
    return f"+{year}-{month}-{day}T00:00:00Z/{precision}"


def _same_date(ours: Literal, theirs: Node) -> bool:
    # Wikidata stores every date as xsd:dateTime; ours may be a year or a month only.
    return str(theirs).lstrip("+").startswith(str(ours))


@dataclass
class QuickStatements:
    """QuickStatements commands for an editor to review, and what was left out and why."""

    lines: list[str]
    conflicts: list[str]
    present: int
    endpoint: str
    fetched: list[str]


def quickstatements(
    kg: KnowledgeGraph, client: SparqlClient, batch_size: int = 50
) -> QuickStatements:
    """Find article facts about linked items that Wikidata lacks, as QuickStatements (V1).

    Only properties our ontology maps with ``skos:exactMatch`` to a Wikidata property are
    used; the object must be a linked item or a date. Each command carries the reference
    ``S143 Q328`` (imported from English Wikipedia) and ``S4656`` (Wikimedia import URL) with
    the article's URL. A date Wikidata already has a different value for is reported as a
    conflict instead.

    Args:
        kg: The knowledge graph.
        client: The endpoint client.
        batch_size: (item, property) pairs per query.

    Returns:
        The commands, the conflicts, and how many facts Wikidata already has.

    Raises:
        EndpointError, OfflineError: See :meth:`SparqlClient.select`.
    """
    union = kg.store.union()
    links: dict[URIRef, URIRef] = {}
    for entity, item in wikidata_links(kg):
        links.setdefault(entity, item)
    mapped: dict[URIRef, URIRef] = {}
    for prop, target in union.subject_objects(SKOS.exactMatch):
        if isinstance(prop, URIRef) and str(target).startswith(str(WD) + "P"):
            mapped[prop] = WDT[str(target)[len(str(WD)) :]]
    wanted: set[tuple[URIRef, URIRef, Node]] = set()
    for s, p, o, g in kg.store.dataset().quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        if not str(name).startswith(str(SRC)) or s not in links or p not in mapped:
            continue
        if isinstance(o, URIRef) and o in links:
            wanted.add((links[s], mapped[p], links[o]))  # type: ignore[index]
        elif isinstance(o, Literal) and _qs_time(o):
            wanted.add((links[s], mapped[p], o))  # type: ignore[index]
    pairs = sorted({(s, p) for s, p, _ in wanted})
    existing: dict[tuple[URIRef, URIRef], set[Node]] = {}
    for batch in batches(pairs, batch_size):
        text = " ".join(f"({s.n3()} {p.n3()})" for s, p in batch)
        for row in client.select(_EXISTING.format(pairs=text)):
            r_item, r_prop, r_value = row.get("item"), row.get("p"), row.get("value")
            if isinstance(r_item, URIRef) and isinstance(r_prop, URIRef) and r_value is not None:
                existing.setdefault((r_item, r_prop), set()).add(r_value)
    reference = f'S143\t{ENGLISH_WIKIPEDIA}\tS4656\t"{ARTICLE_IRI}"'
    lines: list[str] = []
    conflicts: list[str] = []
    present = 0
    for s, p, o in sorted(wanted, key=lambda t: (qid(t[0]), str(t[1]), str(t[2]))):
        have = existing.get((s, p), set())
        pid = str(p)[len(str(WDT)) :]
        if isinstance(o, URIRef):
            if o in have:
                present += 1
                continue
            cell = qid(o)
        else:
            assert isinstance(o, Literal)
            if any(_same_date(o, v) for v in have):
                present += 1
                continue
            if have:
                theirs = ", ".join(sorted(str(v) for v in have))
                conflicts.append(f"{qid(s)} {pid}: the article says {o}, Wikidata has {theirs}")
                continue
            cell = _qs_time(o) or ""
        lines.append(f"{qid(s)}\t{pid}\t{cell}\t{reference}")
    return QuickStatements(lines, conflicts, present, client.endpoint, client.fetched)
