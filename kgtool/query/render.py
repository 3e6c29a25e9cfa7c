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
from typing import TYPE_CHECKING

from kgtool.core.errors import UsageError
from kgtool.core.iris import shorten_iri
from kgtool.core.plain import PlainAnswer, PlainTerm, plain_from_rdflib
from kgtool.io.formats import RDF_FORMAT_NAMES as GRAPH_FORMATS
from kgtool.io.formats import RESULT_FORMAT_NAMES as TABLE_FORMATS

if TYPE_CHECKING:
    from rdflib.term import Node

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
BNodeLabels = Callable[[PlainTerm], str]


def _bnode_labels() -> BNodeLabels:
    labels: dict[str, str] = {}

    def label(node: PlainTerm) -> str:
        return labels.setdefault(node.value, f"b{len(labels)}")

    return label


def _cell(node: PlainTerm | None, bnode: BNodeLabels) -> str:
    if node is None:
        return ""
    if node.kind == "literal":
        return node.value
    if node.kind == "bnode":
        return f"_:{bnode(node)}"
    return shorten_iri(node.value)


def nt_term(node: Node | PlainTerm, bnode: BNodeLabels | None = None) -> str:
    r"""Write a term as N-Triples does, on one line (tabs, newlines and returns escaped).

    Args:
        node: An IRI, blank node or literal (an rdflib term or a :class:`PlainTerm`).
        bnode: How blank nodes are labelled (default: their own label).

    Returns:
        The term; also valid Turtle, so it is what SPARQL TSV results hold.

    >>> from rdflib import Literal
    >>> from rdflib.namespace import XSD
    >>> print(nt_term(Literal('a "b"\tc\nd', lang="en")))
    "a \"b\"\tc\nd"@en
    >>> print(nt_term(Literal("1", datatype=XSD.integer)))
    "1"^^<http://www.w3.org/2001/XMLSchema#integer>
    """
    term = node if isinstance(node, PlainTerm) else plain_from_rdflib(node)
    if term.kind == "bnode" and bnode is not None:
        return f"_:{bnode(term)}"
    return term.n3()


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


def _ask(answer: PlainAnswer) -> str:
    return "true" if answer.boolean else "false"


def render_table(outcome: QueryOutcome) -> str:
    """Render SELECT rows as an aligned text table (prefixed names, plain literal text)."""
    answer = outcome.plain()
    if answer.kind == "ASK":
        return _ask(answer) + "\n"
    bnode = _bnode_labels()
    rows = [[_cell(node, bnode) for node in row] for row in answer.rows]
    return text_table(answer.columns, rows) + f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def render_tsv(outcome: QueryOutcome) -> str:
    r"""Render SELECT rows as SPARQL 1.1 TSV: terms as N-Triples writes them, on one line.

    >>> from rdflib import Dataset
    >>> from kgtool.graph import KnowledgeGraph
    >>> from kgtool.query.run import run_query
    >>> kg = KnowledgeGraph.from_dataset(Dataset())
    >>> render_tsv(run_query(kg, 'SELECT ?q { BIND("a\\nb" AS ?q) }'))
    '?q\n"a\\nb"\n'
    """
    answer = outcome.plain()
    if answer.kind == "ASK":
        return _ask(answer) + "\n"
    bnode = _bnode_labels()
    lines = ["\t".join("?" + v for v in answer.columns)]
    for row in answer.rows:
        lines.append("\t".join("" if c is None else nt_term(c, bnode) for c in row))
    return "\n".join(lines) + "\n"


def render_csv(outcome: QueryOutcome) -> str:
    """Render SELECT rows as SPARQL 1.1 CSV: lexical forms only, quoted where CSV needs it."""
    answer = outcome.plain()
    if answer.kind == "ASK":
        return _ask(answer) + "\n"
    bnode = _bnode_labels()
    out = io.StringIO()
    # CRLF line ends, as the CSV spec (RFC 4180) has them; a field holding a comma, a quote
    # or a line break is quoted, a quote doubled.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(answer.columns)
    for row in answer.rows:
        writer.writerow(
            ["" if c is None else f"_:{bnode(c)}" if c.kind == "bnode" else c.value for c in row]
        )
    return out.getvalue()


#: The C string encoder ``json.dumps`` uses with ``ensure_ascii=False``.
_json_string = json.encoder.encode_basestring


def _json_term(node: PlainTerm, bnode: BNodeLabels) -> str:
    """A term's object of the results JSON, as ``json.dumps(indent=2)`` writes it six deep."""
    value = bnode(node) if node.kind == "bnode" else node.value
    text = f'{_TERM_INDENT}"type": "{node.kind}",\n{_TERM_INDENT}"value": '
    text += _json_string(value)
    if node.kind == "literal":
        if node.language:
            text += f',\n{_TERM_INDENT}"xml:lang": {_json_string(node.language)}'
        elif node.datatype is not None:
            text += f',\n{_TERM_INDENT}"datatype": {_json_string(node.datatype)}'
    return text


_TERM_INDENT = " " * 10


def _json_list(items: list[str], indent: str) -> str:
    """A JSON array of already written items, as ``json.dumps(indent=2)`` lays it out."""
    if not items:
        return "[]"
    return "[\n" + ",\n".join(items) + "\n" + indent + "]"


def render_json(outcome: QueryOutcome) -> str:
    """Render SELECT rows or an ASK answer as SPARQL 1.1 Query Results JSON.

    The bytes of ``json.dumps(doc, indent=2, ensure_ascii=False)``, written here: with an
    indent, ``json`` encodes in Python, and that was a sixth of a query's time on the server.
    """
    answer = outcome.plain()
    if answer.kind == "ASK":
        doc = {"head": {}, "boolean": bool(answer.boolean)}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    columns = answer.columns
    keys = [f"        {_json_string(v)}: {{\n" for v in columns]
    bnode = _bnode_labels()
    rows = []
    for row in answer.rows:
        cells = [
            key + _json_term(c, bnode) + "\n        }"
            for key, c in zip(keys, row, strict=True)
            if c is not None
        ]
        rows.append("      {\n" + ",\n".join(cells) + "\n      }" if cells else "      {}")
    names = _json_list([f"      {_json_string(v)}" for v in columns], "    ")
    return (
        f'{{\n  "head": {{\n    "vars": {names}\n  }},\n'
        f'  "results": {{\n    "bindings": {_json_list(rows, "    ")}\n  }}\n}}\n'
    )


class XmlCharacterError(UsageError):
    """A value holds a character that XML 1.0 cannot carry, even escaped."""


# XML 1.0 Char: tab, LF, CR, and from U+0020 on, less the surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    # Imported here: xml.sax.saxutils pulls in urllib.request and ssl (~10 ms), which no other
    # results format needs.
    from xml.sax.saxutils import escape

    bad = _NOT_XML.search(text)
    if bad:
        raise XmlCharacterError(
            f"a value holds U+{ord(bad.group()):04X}, which SPARQL XML results cannot carry; "
            "use --format json or tsv"
        )
    # A raw CR would be read back as LF (XML end-of-line handling): write it as a reference.
    return escape(text).replace("\r", "&#13;")


def _xml_term(node: PlainTerm, bnode: BNodeLabels) -> str:
    from xml.sax.saxutils import quoteattr

    if node.kind == "literal":
        if node.language:
            attributes = f" xml:lang={quoteattr(node.language)}"
        elif node.datatype is not None:
            attributes = f" datatype={quoteattr(node.datatype)}"
        else:
            attributes = ""
        return f"<literal{attributes}>{_xml_text(node.value)}</literal>"
    if node.kind == "bnode":
        return f"<bnode>{bnode(node)}</bnode>"
    return f"<uri>{_xml_text(node.value)}</uri>"


def render_xml(outcome: QueryOutcome) -> str:
    """Render SELECT rows or an ASK answer as SPARQL Query Results XML.

    Every bound value is written, ``0``, ``false`` and ``""`` included, with its datatype or
    language tag.

    Raises:
        XmlCharacterError: If a value holds a character XML cannot carry (a NUL, most C0).
    """
    from xml.sax.saxutils import quoteattr

    answer = outcome.plain()
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
    ]
    if answer.kind == "ASK":
        lines += ["  <head/>", f"  <boolean>{_ask(answer)}</boolean>"]
    else:
        columns = answer.columns
        bnode = _bnode_labels()
        if columns:
            lines.append("  <head>")
            lines += [f"    <variable name={quoteattr(v)}/>" for v in columns]
            lines.append("  </head>")
        else:
            lines.append("  <head/>")
        lines.append("  <results>")
        for row in answer.rows:
            bound = [(v, c) for v, c in zip(columns, row, strict=True) if c is not None]
            if not bound:
                lines.append("    <result/>")
                continue
            lines.append("    <result>")
            for v, node in bound:
                term = _xml_term(node, bnode)
                lines.append(f"      <binding name={quoteattr(v)}>{term}</binding>")
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
        from kgtool.io.serialize import serialize_graph  # rdflib's writers: graphs only

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
