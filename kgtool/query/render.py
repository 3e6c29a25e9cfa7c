"""Render query answers: SELECT rows and ASK answers as a results format, graphs as RDF.

The results formats are written here, the same way whichever store answered, and byte for byte
the same for the same answer: SPARQL XML (https://www.w3.org/TR/rdf-sparql-XMLres/), JSON
(https://www.w3.org/TR/sparql11-results-json/), CSV and TSV
(https://www.w3.org/TR/sparql11-results-csv-tsv/). Columns follow the result's variables;
blank nodes, whose labels are local to one answer (and random in both stores), are written
``b0``, ``b1``... in order of first appearance.

Also the one aligned text table of the package (:func:`text_table`), which other reports use.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import BNode, Node, Variable

from kgtool.core.errors import UsageError
from kgtool.core.namespaces import bind_prefixes
from kgtool.core.terms import shorten
from kgtool.io.formats import RDF_FORMAT_NAMES as GRAPH_FORMATS
from kgtool.io.formats import RESULT_FORMAT_NAMES as TABLE_FORMATS
from kgtool.io.serialize import serialize_graph
from kgtool.query.run import QueryOutcome

__all__ = [
    "GRAPH_FORMATS",
    "TABLE_FORMATS",
    "is_rdf_format",
    "nt_term",
    "render",
    "render_csv",
    "render_json",
    "render_table",
    "render_tsv",
    "render_xml",
    "text_table",
]

#: Labels a result's blank nodes ``b0``, ``b1``... as they are first met.
BNodeLabels = Callable[[BNode], str]


def _bnode_labels() -> BNodeLabels:
    labels: dict[BNode, str] = {}

    def label(node: BNode) -> str:
        return labels.setdefault(node, f"b{len(labels)}")

    return label


def _cell(graph: Graph, node: Node | None, bnode: BNodeLabels) -> str:
    if node is None:
        return ""
    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, BNode):
        return f"_:{bnode(node)}"
    return shorten(graph, node)


# N-Triples string escapes, plus the tab, which TSV needs escaped; other control characters
# as \uXXXX so that a term is always one line of printable text.
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_STRING_SPECIAL = re.compile(r'[\\"\x00-\x1f\x7f]')
# What an IRIREF may not hold as such (N-Triples grammar), written as \uXXXX.
_IRI_SPECIAL = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _STRING_ESCAPES.get(char) or f"\\u{ord(char):04X}"


def nt_term(node: Node, bnode: BNodeLabels | None = None) -> str:
    r"""Write a term as N-Triples does, on one line (tabs, newlines and returns escaped).

    Args:
        node: An IRI, blank node or literal.
        bnode: How blank nodes are labelled (default: their own label).

    Returns:
        The term; also valid Turtle, so it is what SPARQL TSV results hold.

    >>> print(nt_term(Literal('a "b"\tc\nd', lang="en")))
    "a \"b\"\tc\nd"@en
    >>> print(nt_term(Literal("1", datatype=XSD.integer)))
    "1"^^<http://www.w3.org/2001/XMLSchema#integer>
    """
    if isinstance(node, Literal):
        text = '"' + _STRING_SPECIAL.sub(_escape_char, str(node)) + '"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None and node.datatype != XSD.string:
            return f"{text}^^{nt_term(node.datatype)}"
        return text
    if isinstance(node, BNode):
        return f"_:{bnode(node) if bnode is not None else node}"
    return "<" + _IRI_SPECIAL.sub(lambda m: f"\\u{ord(m.group()):04X}", str(node)) + ">"


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Align columns of text under a header and a rule, two spaces apart.

    Args:
        header: The column names.
        rows: The cells, one sequence per row, as many as there are names.

    Returns:
        The lines, each ending in a newline, without trailing blanks.

    >>> print(text_table(["name", "n"], [["Sid", "1"], ["Connor", "22"]]), end="")
    name    n
    ------  --
    Sid     1
    Connor  22
    """
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


def _columns(result: Result) -> list[Variable]:
    return list(result.vars or [])


def _ask(result: Result) -> str:
    return "true" if result.askAnswer else "false"


def render_table(outcome: QueryOutcome) -> str:
    """Render SELECT rows as an aligned text table (prefixed names, plain literal text)."""
    result = outcome.result
    if result.type == "ASK":
        return _ask(result) + "\n"
    columns = _columns(result)
    graph = bind_prefixes(Graph())
    bnode = _bnode_labels()
    rows = [[_cell(graph, row.get(v), bnode) for v in columns] for row in result.bindings]
    names = [str(v) for v in columns]
    return text_table(names, rows) + f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def render_tsv(outcome: QueryOutcome) -> str:
    r"""Render SELECT rows as SPARQL 1.1 TSV: terms as N-Triples writes them, on one line.

    >>> from rdflib import Dataset
    >>> from kgtool.graph import KnowledgeGraph
    >>> from kgtool.query.run import run_query
    >>> kg = KnowledgeGraph.from_dataset(Dataset())
    >>> render_tsv(run_query(kg, 'SELECT ?q { BIND("a\\nb" AS ?q) }'))
    '?q\n"a\\nb"\n'
    """
    result = outcome.result
    if result.type == "ASK":
        return _ask(result) + "\n"
    columns = _columns(result)
    bnode = _bnode_labels()
    lines = ["\t".join("?" + str(v) for v in columns)]
    for row in result.bindings:
        cells = [row.get(v) for v in columns]
        lines.append("\t".join("" if c is None else nt_term(c, bnode) for c in cells))
    return "\n".join(lines) + "\n"


def render_csv(outcome: QueryOutcome) -> str:
    """Render SELECT rows as SPARQL 1.1 CSV: lexical forms only, quoted where CSV needs it."""
    result = outcome.result
    if result.type == "ASK":
        return _ask(result) + "\n"
    columns = _columns(result)
    bnode = _bnode_labels()
    out = io.StringIO()
    # CRLF line ends, as the CSV spec (RFC 4180) has them; a field holding a comma, a quote
    # or a line break is quoted, a quote doubled.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(v) for v in columns])
    for row in result.bindings:
        cells = [row.get(v) for v in columns]
        writer.writerow(
            [
                "" if c is None else f"_:{bnode(c)}" if isinstance(c, BNode) else str(c)
                for c in cells
            ]
        )
    return out.getvalue()


def _json_term(node: Node, bnode: BNodeLabels) -> dict[str, str]:
    if isinstance(node, Literal):
        term = {"type": "literal", "value": str(node)}
        if node.language:
            term["xml:lang"] = node.language
        elif node.datatype is not None and node.datatype != XSD.string:
            term["datatype"] = str(node.datatype)
        return term
    if isinstance(node, BNode):
        return {"type": "bnode", "value": bnode(node)}
    return {"type": "uri", "value": str(node)}


def render_json(outcome: QueryOutcome) -> str:
    """Render SELECT rows or an ASK answer as SPARQL 1.1 Query Results JSON."""
    result = outcome.result
    doc: dict[str, Any]
    if result.type == "ASK":
        doc = {"head": {}, "boolean": bool(result.askAnswer)}
    else:
        columns = _columns(result)
        bnode = _bnode_labels()
        bindings = [
            {str(v): _json_term(row[v], bnode) for v in columns if row.get(v) is not None}
            for row in result.bindings
        ]
        doc = {"head": {"vars": [str(v) for v in columns]}, "results": {"bindings": bindings}}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


class XmlCharacterError(UsageError):
    """A value holds a character that XML 1.0 cannot carry, even escaped."""


# XML 1.0 Char: tab, LF, CR, and from U+0020 on, less the surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    bad = _NOT_XML.search(text)
    if bad:
        raise XmlCharacterError(
            f"a value holds U+{ord(bad.group()):04X}, which SPARQL XML results cannot carry; "
            "use --format json or tsv"
        )
    # A raw CR would be read back as LF (XML end-of-line handling): write it as a reference.
    return escape(text).replace("\r", "&#13;")


def _xml_term(node: Node, bnode: BNodeLabels) -> str:
    if isinstance(node, Literal):
        if node.language:
            attributes = f" xml:lang={quoteattr(node.language)}"
        elif node.datatype is not None and node.datatype != XSD.string:
            attributes = f" datatype={quoteattr(str(node.datatype))}"
        else:
            attributes = ""
        return f"<literal{attributes}>{_xml_text(str(node))}</literal>"
    if isinstance(node, BNode):
        return f"<bnode>{bnode(node)}</bnode>"
    assert isinstance(node, URIRef)
    return f"<uri>{_xml_text(str(node))}</uri>"


def render_xml(outcome: QueryOutcome) -> str:
    """Render SELECT rows or an ASK answer as SPARQL Query Results XML.

    Every bound value is written, ``0``, ``false`` and ``""`` included, with its datatype or
    language tag.

    Raises:
        XmlCharacterError: If a value holds a character XML cannot carry (a NUL, most C0).
    """
    result = outcome.result
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
    ]
    if result.type == "ASK":
        lines += ["  <head/>", f"  <boolean>{_ask(result)}</boolean>"]
    else:
        columns = _columns(result)
        bnode = _bnode_labels()
        if columns:
            lines.append("  <head>")
            lines += [f"    <variable name={quoteattr(str(v))}/>" for v in columns]
            lines.append("  </head>")
        else:
            lines.append("  <head/>")
        lines.append("  <results>")
        for row in result.bindings:
            bound = [(v, row[v]) for v in columns if row.get(v) is not None]
            if not bound:
                lines.append("    <result/>")
                continue
            lines.append("    <result>")
            for v, node in bound:
                term = _xml_term(node, bnode)
                lines.append(f"      <binding name={quoteattr(str(v))}>{term}</binding>")
            lines.append("    </result>")
        lines.append("  </results>")
    lines.append("</sparql>")
    return "\n".join(lines) + "\n"


#: The writer of each results format.
_RESULT_WRITERS: dict[str, Callable[[QueryOutcome], str]] = {
    "table": render_table,
    "csv": render_csv,
    "tsv": render_tsv,
    "json": render_json,
    "xml": render_xml,
}


def render(outcome: QueryOutcome, fmt: str = "table") -> str:
    """Render a query result in a results format (SELECT/ASK) or an RDF format (CONSTRUCT).

    Args:
        outcome: What :func:`run_query` returned.
        fmt: ``table``, ``csv``, ``tsv``, ``json``, ``xml`` for rows; an RDF format
            (``turtle``, ``nt``, ``jsonld``...) for graphs. ``table`` on a graph gives Turtle.

    Returns:
        The text.

    Raises:
        UsageError: If the format does not fit the query form.
    """
    result = outcome.result
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        graph = result.graph
        assert graph is not None
        if fmt != "table" and fmt not in GRAPH_FORMATS:
            raise UsageError(
                f"format {fmt!r} does not fit a {result.type} query, which returns a graph; "
                f"use one of {', '.join(GRAPH_FORMATS)}"
            )
        return serialize_graph(graph, "turtle" if fmt == "table" else fmt)
    writer = _RESULT_WRITERS.get(fmt)
    if writer is not None:
        return writer(outcome)
    raise UsageError(
        f"format {fmt!r} does not fit a {result.type} query; use one of {', '.join(TABLE_FORMATS)}"
    )


def is_rdf_format(fmt: str) -> bool:
    """Return whether ``fmt`` names an RDF format (for CONSTRUCT/DESCRIBE results)."""
    return fmt in GRAPH_FORMATS
