"""Render query answers: SELECT rows and ASK answers as a results format, graphs as RDF.

Also the one aligned text table of the package (:func:`text_table`), which other reports use.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from rdflib import Graph, Literal
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
    "render",
    "render_table",
    "render_tsv",
    "text_table",
]


def _cell(graph: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    return shorten(graph, node)


def _nt(node: Node | None) -> str:
    return "" if node is None else node.n3()


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


def render_table(outcome: QueryOutcome) -> str:
    """Render SELECT rows as an aligned text table (prefixed names, plain literal text)."""
    result = outcome.result
    if result.type == "ASK":
        return ("true" if result.askAnswer else "false") + "\n"
    names = [str(v) for v in (result.vars or [])]
    graph = bind_prefixes(Graph())
    rows = [[_cell(graph, row.get(Variable(n))) for n in names] for row in result.bindings]
    return text_table(names, rows) + f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def render_tsv(outcome: QueryOutcome) -> str:
    """Render SELECT rows as SPARQL 1.1 TSV (terms in N-Triples syntax)."""
    result = outcome.result
    if result.type == "ASK":
        return ("true" if result.askAnswer else "false") + "\n"
    names = [str(v) for v in (result.vars or [])]
    lines = ["\t".join("?" + n for n in names)]
    for row in result.bindings:
        lines.append("\t".join(_nt(row.get(Variable(n))) for n in names))
    return "\n".join(lines) + "\n"


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
    if fmt == "table":
        return render_table(outcome)
    if fmt == "tsv":
        return render_tsv(outcome)
    if fmt == "csv" and result.type == "ASK":
        return ("true" if result.askAnswer else "false") + "\n"
    if fmt in ("csv", "json", "xml"):
        data = result.serialize(format=fmt)
        text = data.decode("utf-8") if isinstance(data, bytes) else str(data)
        if fmt == "json":
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        return text if text.endswith("\n") else text + "\n"
    raise UsageError(
        f"format {fmt!r} does not fit a {result.type} query; use one of {', '.join(TABLE_FORMATS)}"
    )


def is_rdf_format(fmt: str) -> bool:
    """Return whether ``fmt`` names an RDF format (for CONSTRUCT/DESCRIBE results)."""
    return fmt in GRAPH_FORMATS
