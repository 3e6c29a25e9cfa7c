"""``kgtool link quickstatements``: article facts Wikidata lacks, as QuickStatements (V1).

What Wikidata lacks is decided once, by :mod:`kgtool.wikidata.compare`; this module only
writes its ``wikidata-lacks`` values as commands. Each command cites the English Wikipedia
article, for an editor to review before pasting it into QuickStatements
(https://www.wikidata.org/wiki/Help:QuickStatements).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import BNode

from kgtool.core.namespaces import ARTICLE_IRI, bind_prefixes
from kgtool.core.terms import shorten
from kgtool.graph import KnowledgeGraph
from kgtool.remote.http import SparqlClient
from kgtool.wikidata.compare import AGREE, DIFFER, WIKIDATA_LACKS, CompareReport, compare
from kgtool.wikidata.items import qid
from kgtool.wikidata.values import OurValue, Statement

#: The reference every QuickStatements line carries: imported from Wikimedia project (P143) =
#: English Wikipedia (Q328), Wikimedia import URL (P4656) = the article.
ENGLISH_WIKIPEDIA = "Q328"


_PRECISION = {XSD.date: 11, XSD.gYearMonth: 10, XSD.gYear: 9}


def _qs_time(value: Literal) -> str | None:
    """Write a date literal as a QuickStatements time with its precision."""
    text = str(value)
    precision = _PRECISION.get(value.datatype) if value.datatype else None
    if precision is None or not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        return None
    year, month, day = [*text.split("-"), "00", "00"][:3]
    return f"+{year}-{month}-{day}T00:00:00Z/{precision}"


def qs_value(value: OurValue) -> str | None:
    """Write one of our values as a QuickStatements (V1) value, or None if it cannot be.

    A linked entity is its QID, a date its time with precision, a number itself; an entity
    that is not linked, and text (whose Wikidata datatype we do not know), cannot be written.

    >>> from rdflib.namespace import RDFS
    >>> qs_value(OurValue(RDFS.label, Literal("2021-06", datatype=XSD.gYearMonth)))
    '+2021-06-00T00:00:00Z/10'
    >>> qs_value(OurValue(RDFS.label, Literal(12)))
    '12'
    """
    if isinstance(value.value, URIRef):
        return qid(value.item or value.value) or None
    if not isinstance(value.value, Literal):
        return None
    if value.value.datatype in _PRECISION:
        return _qs_time(value.value)
    if value.value.datatype in (XSD.integer, XSD.decimal):
        return str(value.value).lstrip("+")
    return None


def _theirs(statement: Statement) -> str:
    value = statement.value
    if value is None or isinstance(value, BNode):
        text = "(unknown value)"
    else:
        text = qid(value) or str(value)
    return text if statement.rank == "normal" else f"{text} ({statement.rank})"


@dataclass
class QuickStatements:
    """QuickStatements commands for an editor to review, and what was left out and why."""

    lines: list[str]
    conflicts: list[str]
    present: int
    endpoint: str
    fetched: list[str]
    unwritable: list[str] = field(default_factory=list)


def quickstatements(
    kg: KnowledgeGraph, client: SparqlClient, batch_size: int = 50
) -> QuickStatements:
    """Write the values ``link compare`` finds Wikidata lacks as QuickStatements (V1).

    The same comparison as :func:`kgtool.wikidata.compare.compare` decides: each
    ``wikidata-lacks`` value that can be written (a linked item, a date, a number) becomes a
    command; each ``differ`` is a conflict for an editor instead; ``agree`` values are counted
    as present. Each command carries the reference ``S143 Q328`` (imported from English
    Wikipedia) and ``S4656`` (Wikimedia import URL) with the article's URL.

    Args:
        kg: The knowledge graph.
        client: The endpoint client.
        batch_size: Items per query.

    Returns:
        The commands, the conflicts, how many facts Wikidata already has, and the values
        Wikidata lacks that cannot be written.

    Raises:
        EndpointError, OfflineError: See :meth:`SparqlClient.select`.
    """
    report = compare(kg, client, batch_size)
    return from_report(report)


def from_report(report: CompareReport) -> QuickStatements:
    """Turn a ``link compare`` report into QuickStatements: its ``wikidata-lacks`` rows.

    >>> empty = CompareReport([], {}, "http://e/sparql", [], False)
    >>> from_report(empty).lines
    []
    """
    reference = f'S143\t{ENGLISH_WIKIPEDIA}\tS4656\t"{ARTICLE_IRI}"'
    lines: set[tuple[str, int, str]] = set()
    conflicts: list[str] = []
    unwritable: list[str] = []
    present = 0
    graph = bind_prefixes(Graph())
    for c in report.comparisons:
        if c.ours is None:
            continue
        item = qid(c.item)
        if c.status == AGREE:
            present += 1
        elif c.status == DIFFER:
            theirs = ", ".join(_theirs(s) for s in c.theirs)
            value = c.ours.value
            ours = str(value) if isinstance(value, Literal) else qid(c.ours.item or value)
            ours = ours or str(value)
            conflicts.append(f"{item} {c.pid}: the article says {ours}, Wikidata has {theirs}")
        elif c.status == WIKIDATA_LACKS:
            cell = qs_value(c.ours)
            if cell is None:
                unwritable.append(f"{item} {c.pid}: {shorten(graph, c.ours.value)}")
            else:
                lines.add((item, int(c.pid[1:]), f"{item}\t{c.pid}\t{cell}\t{reference}"))
    ordered = [line for _, _, line in sorted(lines, key=lambda t: (t[0], t[1], t[2]))]
    return QuickStatements(
        ordered, sorted(conflicts), present, report.endpoint, report.fetched, sorted(unwritable)
    )
