"""Expected answers of the W3C tests, read exactly, and the comparisons the suites define.

Expected files are read without rdflib's literal normalisation (rdflib rewrites
``"01"^^xsd:integer`` to ``"1"`` when it builds a term), because lexical forms are data in RDF 1.1
and the evaluation tests compare them: terms come from pyoxigraph's parsers, or from this
module's own SPARQL results readers, and become rdflib terms with ``normalize=False``.

* SPARQL SELECT results are compared as multisets of solutions with blank nodes matched by a
  bijection (each result set becomes a graph, one blank node per solution; graph isomorphism
  then finds the bijection), the projected variables as sets, and, when the query has ORDER BY,
  the order of the values of its plain ``ORDER BY ?var`` keys (ties may come in any order).
  Numeric literals of the same datatype compare by value (``"2.0"^^xsd:decimal`` equals
  ``"2"^^xsd:decimal``), as Jena's and Oxigraph's harnesses do; other terms compare exactly.
  (https://www.w3.org/2009/sparql/docs/tests/README.html)
* CONSTRUCT results and RDF evaluation tests: graph (dataset) isomorphism, lexical forms exact.
* SHACL: ``sh:conforms`` and the set of results, each as its focus node, path, value, source
  shape, constraint component and severity, blank nodes matched with their descriptions
  (https://w3c.github.io/data-shapes/data-shapes-test-suite/#validate).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import SH, XSD
from rdflib.term import Node

RS = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
_CMP = Namespace("urn:x-conformance:")
_SRX = "{http://www.w3.org/2005/sparql-results#}"
_XSD_STRING = str(XSD.string)
_INTEGERS = {
    str(XSD[t])
    for t in [
        "integer",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "positiveInteger",
    ]
}
_DECIMALS = {str(XSD.decimal)}
_FLOATS = {str(XSD.double), str(XSD.float)}


# -- terms ------------------------------------------------------------------------------------


def literal(lexical: str, lang: str | None = None, datatype: str | None = None) -> Literal:
    """Return an rdflib literal that keeps ``lexical`` as written.

    >>> str(literal("01", datatype="http://www.w3.org/2001/XMLSchema#integer"))
    '01'
    """
    if lang:
        return Literal(lexical, lang=lang)
    if datatype is None or datatype == _XSD_STRING:
        return Literal(lexical)
    return Literal(lexical, datatype=URIRef(datatype), normalize=False)


def from_ox(term: Any) -> Node:
    """Convert a pyoxigraph term to rdflib exactly (lexical form kept, labels kept)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        return literal(term.value, term.language, term.datatype.value)
    if isinstance(term, ox.DefaultGraph):
        return _CMP.default
    raise TypeError(f"unexpected term {term!r}")


def exact(term: Node | None) -> Node | None:
    """Rebuild an rdflib term so that it carries its lexical form (xsd:string as plain)."""
    if isinstance(term, Literal):
        return literal(str(term), term.language, str(term.datatype) if term.datatype else None)
    return term


def _numeric_key(term: Node) -> Node:
    """A numeric literal as the canonical form of its value (for value comparison)."""
    if not isinstance(term, Literal) or term.datatype is None:
        return term
    dt = str(term.datatype)
    text = str(term).strip()
    try:
        if dt in _INTEGERS:
            return literal(str(int(text)), datatype=dt)
        if dt in _DECIMALS:
            value = Decimal(text)
            if value.is_finite():
                value = value.normalize()
                return literal(
                    format(value, "f") if value == value.to_integral() else str(value), datatype=dt
                )
        if dt in _FLOATS:
            return literal(repr(float(text)), datatype=dt)
    except (ValueError, InvalidOperation):
        pass
    return term


def relabel(term: Node, prefix: str | None, target: str | None) -> Node:
    """Rewrite an IRI that starts with ``prefix`` so it starts with ``target`` instead."""
    if prefix and isinstance(term, URIRef) and term.startswith(prefix):
        return URIRef(target + term[len(prefix) :])
    return term


# -- answers ----------------------------------------------------------------------------------


@dataclass
class Select:
    """A SELECT answer: the projected variables and the solutions (unbound = absent)."""

    variables: list[str]
    rows: list[dict[str, Node]]
    ordered: bool = True


@dataclass
class Ask:
    """An ASK answer."""

    value: bool


@dataclass
class Quads:
    """An RDF answer (a CONSTRUCT graph, or a parsed document): (s, p, o, g) with g = None
    for the default graph."""

    quads: set[tuple[Node, Node, Node, Node | None]]

    @classmethod
    def of_triples(cls, triples: Iterable[tuple[Node, Node, Node]]) -> Quads:
        return cls({(exact(s), exact(p), exact(o), None) for s, p, o in triples})


@dataclass
class Report:
    """A SHACL answer: conforms, the report graph, and a graph describing its blank nodes."""

    conforms: bool
    graph: Graph
    context: Graph


Answer = Select | Ask | Quads | Report


# -- reading expected answers -----------------------------------------------------------------


def _srx_term(elem: ET.Element) -> Node:
    tag = elem.tag.replace(_SRX, "")
    if tag == "uri":
        return URIRef((elem.text or "").strip())
    if tag == "bnode":
        return BNode((elem.text or "").strip())
    if tag == "literal":
        lang = elem.get("{http://www.w3.org/XML/1998/namespace}lang")
        return literal(elem.text or "", lang, elem.get("datatype"))
    raise ValueError(f"unknown SPARQL XML result term {tag}")


def read_srx(text: str | bytes) -> Select | Ask:
    """Read SPARQL Query Results XML (https://www.w3.org/TR/rdf-sparql-XMLres/)."""
    root = ET.fromstring(text)
    boolean = root.find(f"{_SRX}boolean")
    if boolean is not None:
        return Ask((boolean.text or "").strip() == "true")
    head = root.find(f"{_SRX}head")
    variables = [
        v.get("name", "") for v in (head if head is not None else []) if v.tag == f"{_SRX}variable"
    ]
    rows = []
    results = root.find(f"{_SRX}results")
    for result in results if results is not None else []:
        row = {}
        for binding in result:
            row[binding.get("name", "")] = _srx_term(binding[0])
        rows.append(row)
    return Select(variables, rows)


def _srj_term(value: dict[str, str]) -> Node:
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        return literal(value["value"], value.get("xml:lang"), value.get("datatype"))
    raise ValueError(f"unknown SPARQL JSON result term {kind}")


def read_srj(text: str | bytes) -> Select | Ask:
    """Read SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/)."""
    doc = json.loads(text)
    if "boolean" in doc:
        return Ask(bool(doc["boolean"]))
    rows = [{k: _srj_term(v) for k, v in b.items()} for b in doc["results"]["bindings"]]
    return Select(list(doc["head"].get("vars", [])), rows)


def read_tsv(text: str) -> Select | Ask:
    """Read SPARQL 1.1 TSV results (terms in Turtle/N-Triples syntax; an empty field is unbound)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) == 1 and lines[0].strip() in ("true", "false"):
        return Ask(lines[0].strip() == "true")
    variables = [v.lstrip("?$") for v in lines[0].split("\t")] if lines[0] else []
    rows = []
    for line in lines[1:]:
        # With no variables a solution is an empty line, which holds no field at all.
        cells = line.split("\t") if variables or line else []
        if len(cells) != len(variables):
            raise ValueError(
                f"TSV row has {len(cells)} fields for {len(variables)} variables: {line!r}"
            )
        row = {}
        for var, cell in zip(variables, cells, strict=True):
            if cell:
                doc = f"<urn:s> <urn:p> {cell} ."
                triple = next(iter(ox.parse(doc.encode(), format=ox.RdfFormat.TURTLE)))
                row[var] = from_ox(triple.object)
        rows.append(row)
    return Select(variables, rows)


def read_rdf(path: Path, base: str | None = None) -> Quads:
    """Read an RDF file exactly (pyoxigraph's parser), graph names kept."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    quads = set()
    for q in ox.parse(path=str(path), format=fmt, base_iri=base or path.as_uri()):
        g = None if isinstance(q.graph_name, ox.DefaultGraph) else from_ox(q.graph_name)
        quads.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), g))
    return Quads(quads)


def read_result_graph(path: Path) -> Select | Ask | Quads:
    """Read a ``.ttl``/``.rdf`` result: an ``rs:ResultSet`` graph, or a CONSTRUCT graph."""
    graph = Graph()
    for s, p, o, _ in read_rdf(path).quads:
        graph.add((s, p, o))
    rs = next(graph.subjects(RDF.type, RS.ResultSet), None)
    if rs is None:
        return Quads.of_triples(graph)
    boolean = graph.value(rs, RS.boolean)
    if boolean is not None:
        return Ask(str(boolean) == "true")
    variables = [str(v) for v in graph.objects(rs, RS.resultVariable)]
    indexed = []
    for solution in graph.objects(rs, RS.solution):
        row = {
            str(graph.value(b, RS.variable)): graph.value(b, RS.value)
            for b in graph.objects(solution, RS.binding)
        }
        index = graph.value(solution, RS.index)
        indexed.append((int(index) if index is not None else 0, row))
    ordered = any(graph.value(s, RS.index) is not None for s in graph.objects(rs, RS.solution))
    indexed.sort(key=lambda pair: pair[0])
    return Select(variables, [row for _, row in indexed], ordered=ordered)


def read_expected(path: Path) -> Select | Ask | Quads:
    """Read an expected SPARQL result file by its extension."""
    if path.suffix == ".srx":
        return read_srx(path.read_bytes())
    if path.suffix == ".srj":
        return read_srj(path.read_bytes())
    if path.suffix == ".tsv":
        return read_tsv(path.read_text("utf-8"))
    return read_result_graph(path)


# -- comparing --------------------------------------------------------------------------------


class Mismatch(AssertionError):
    """The answer differs from the expected one (the message says how)."""


_ORDER_RE = re.compile(r"\bORDER\s+BY\b(?P<keys>.*?)(?:\bLIMIT\b|\bOFFSET\b|\}|$)", re.I | re.S)
_KEY_RE = re.compile(r"\s*(?:(?:ASC|DESC)\s*\(\s*[?$](\w+)\s*\)|[?$](\w+))", re.I)


def order_keys(query: str) -> list[str]:
    """The leading plain-variable keys of a query's outermost ORDER BY (empty if none).

    >>> order_keys("SELECT * { ?s ?p ?o } ORDER BY DESC(?o) ?s LIMIT 2")
    ['o', 's']
    >>> order_keys("SELECT * { ?s ?p ?o } ORDER BY STR(?o)")
    []
    """
    text = re.sub(r"#[^\n]*", "", query)
    matches = list(_ORDER_RE.finditer(text))
    if not matches:
        return []
    keys = []
    rest = matches[-1].group("keys")
    pos = 0
    while True:
        m = _KEY_RE.match(rest, pos)
        if not m:
            break
        keys.append(m.group(1) or m.group(2))
        pos = m.end()
    return keys


def _solutions_graph(rows: list[dict[str, Node]], numeric: bool) -> Graph:
    graph = Graph()
    for row in rows:
        node = BNode()
        graph.add((node, RDF.type, _CMP.Solution))
        for var, value in row.items():
            value = exact(value)
            graph.add((node, _CMP[var], _numeric_key(value) if numeric else value))
    return graph


def _show_rows(rows: list[dict[str, Node]], limit: int = 12) -> str:
    shown = [
        " ".join(f"?{k}={v.n3()}" for k, v in sorted(r.items())) or "(empty row)"
        for r in rows[:limit]
    ]
    more = f"\n    ... {len(rows) - limit} more" if len(rows) > limit else ""
    return "\n".join(f"    {s}" for s in shown) + more


def compare_select(expected: Select, actual: Select, query: str = "") -> None:
    """Raise :class:`Mismatch` unless the two SELECT answers are equal (see the module doc)."""
    if set(expected.variables) != set(actual.variables):
        raise Mismatch(
            f"variables {sorted(actual.variables)}, expected {sorted(expected.variables)}"
        )
    g1 = _solutions_graph(expected.rows, numeric=True)
    g2 = _solutions_graph(actual.rows, numeric=True)
    if len(expected.rows) != len(actual.rows) or not isomorphic(g1, g2):
        raise Mismatch(
            f"{len(actual.rows)} solutions, expected {len(expected.rows)}\n"
            f"  got:\n{_show_rows(actual.rows)}\n  expected:\n{_show_rows(expected.rows)}"
        )
    keys = order_keys(query) if expected.ordered else []
    for i, (e, a) in enumerate(zip(expected.rows, actual.rows, strict=True)):
        for key in keys:
            ev, av = e.get(key), a.get(key)
            if isinstance(ev, BNode) or isinstance(av, BNode):
                continue
            if (_numeric_key(exact(ev)) if ev is not None else None) != (
                _numeric_key(exact(av)) if av is not None else None
            ):
                raise Mismatch(f"order differs at solution {i}: ?{key} = {av!r}, expected {ev!r}")


def _quads_graph(quads: Quads, numeric: bool) -> Graph:
    graph = Graph()
    for s, p, o, g in quads.quads:
        st = BNode()
        graph.add((st, RDF.subject, s))
        graph.add((st, RDF.predicate, p))
        graph.add((st, RDF.object, _numeric_key(o) if numeric else o))
        graph.add((st, _CMP.graph, g if g is not None else _CMP.default))
    return graph


def compare_quads(expected: Quads, actual: Quads, numeric: bool = False) -> None:
    """Raise :class:`Mismatch` unless the two graphs/datasets are isomorphic."""
    e = {tuple(_numeric_key(t) if numeric else t for t in q) for q in expected.quads}
    a = {tuple(_numeric_key(t) if numeric else t for t in q) for q in actual.quads}
    has_bnodes = any(isinstance(t, BNode) for q in e | a for t in q)
    if not has_bnodes:
        if e == a:
            return
    elif len(e) == len(a) and isomorphic(
        _quads_graph(Quads(e), False), _quads_graph(Quads(a), False)
    ):
        return
    missing = sorted(" ".join(t.n3() if t is not None else "" for t in q) for q in e - a)[:8]
    extra = sorted(" ".join(t.n3() if t is not None else "" for t in q) for q in a - e)[:8]
    raise Mismatch(
        f"{len(a)} quads, expected {len(e)}"
        + (" (blank nodes: differences below are by label)" if has_bnodes else "")
        + "\n  missing:\n"
        + "\n".join(f"    {m}" for m in missing)
        + "\n  unexpected:\n"
        + "\n".join(f"    {x}" for x in extra)
    )


def compare_sparql(expected: Select | Ask | Quads, actual: Answer, query: str = "") -> None:
    """Compare a SPARQL answer with the expected result, by the kind of the expected result."""
    if isinstance(expected, Ask):
        if not isinstance(actual, Ask) or actual.value != expected.value:
            raise Mismatch(f"answer {actual!r}, expected {expected!r}")
    elif isinstance(expected, Select):
        if not isinstance(actual, Select):
            raise Mismatch(f"answer {type(actual).__name__}, expected a SELECT result")
        compare_select(expected, actual, query)
    else:
        if not isinstance(actual, Quads):
            raise Mismatch(f"answer {type(actual).__name__}, expected a graph")
        compare_quads(expected, actual, numeric=True)


# -- SHACL --------------------------------------------------------------------------------------

#: The parts of a validation result the SHACL test suite compares.
RESULT_PARTS = (
    SH.focusNode,
    SH.resultPath,
    SH.value,
    SH.sourceShape,
    SH.sourceConstraintComponent,
    SH.resultSeverity,
)


def _copy(graph: Graph, node: Node, sources: tuple[Graph, ...], depth: int = 0) -> Node:
    """Return ``node``, a blank node replaced by a fresh copy of its description (its CBD in
    the first of ``sources`` that describes it): each result gets its own copy, so results are
    compared by the structure of their paths and blank nodes, not by which report shares a blank
    node between results. (pySHACL copies a path into the report reusing the shapes graph's label
    for its head only, so the report must be asked first.)"""
    if not isinstance(node, BNode) or depth > 50:
        return exact(node)  # type: ignore[return-value]
    copy = BNode()
    source = next((g for g in sources if (node, None, None) in g), sources[0])
    for p, o in source.predicate_objects(node):
        graph.add((copy, p, _copy(graph, o, (source,), depth + 1)))
    return copy


def _results_graph(report: Graph, root: Node, context: Graph) -> Graph:
    sources = (report, context)
    graph = Graph()
    for result in report.objects(root, SH.result):
        node = BNode()
        graph.add((node, RDF.type, SH.ValidationResult))
        for part in RESULT_PARTS:
            for value in report.objects(result, part):
                graph.add((node, part, _copy(graph, value, sources)))
    return graph


def compare_report(manifest: Graph, expected_root: Node, actual: Report) -> None:
    """Raise :class:`Mismatch` unless the report has the expected conforms and results."""
    conforms = manifest.value(expected_root, SH.conforms)
    want = str(conforms).lower() in ("true", "1")
    root = next(actual.graph.subjects(RDF.type, SH.ValidationReport), None)
    expected = _results_graph(manifest, expected_root, manifest)
    got = _results_graph(actual.graph, root, actual.context) if root is not None else Graph()
    if actual.conforms != want or not isomorphic(expected, got):
        _, only_expected, only_got = graph_diff(to_isomorphic(expected), to_isomorphic(got))
        raise Mismatch(
            f"conforms={actual.conforms} (expected {want}), "
            f"{len(set(got.subjects(RDF.type, SH.ValidationResult)))} results "
            f"(expected {len(set(expected.subjects(RDF.type, SH.ValidationResult)))})\n"
            f"  only expected:\n{_triples(only_expected)}\n  only got:\n{_triples(only_got)}"
        )


def _triples(graph: Graph, limit: int = 14) -> str:
    lines = sorted(" ".join(t.n3() for t in triple) for triple in graph)
    return "\n".join(f"    {line}" for line in lines[:limit]) + (
        f"\n    ... {len(lines) - limit} more" if len(lines) > limit else ""
    )
