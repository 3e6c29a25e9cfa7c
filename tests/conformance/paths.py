"""The paths a W3C test runs on: the plain engines, and kgtool's own ways in to them.

Every path is one function ``run(case) -> Answer`` (see :mod:`tests.conformance.compare`) that
loads the test's inputs the way that path does and returns its answer, or raises when it refuses
the input. The plain engines (rdflib, pyoxigraph, pySHACL) are driven as their documentation says;
each kgtool path names the plain engine it wraps (``plain``), so a failure on a kgtool path that
its plain engine passes is kgtool's own.

This is the only module of the conformance suite that imports ``kgtool``: when kgtool's modules
move, only the imports in the ``kgtool`` section below change.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.query import Result

from tests.conformance.compare import (
    Answer,
    Ask,
    Quads,
    Report,
    Select,
    exact,
    from_ox,
    read_srj,
    read_srx,
    read_tsv,
    relabel,
)
from tests.conformance.manifest import Case

_RDFLIB_FORMATS = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".trig": "trig", ".nq": "nquads"}
_OX_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
}


@dataclass(frozen=True)
class TestPath:
    """One way of running a family of tests.

    Attributes:
        name: Its column in the table (``rdflib``, ``kgtool/memory``...).
        family: ``sparql``, ``rdf`` or ``shacl``.
        run: Takes a case, returns the answer, raises when the input is refused.
        plain: For a kgtool path, the plain engine's path name (None for a plain engine).
    """

    name: str
    family: str
    run: Callable[[Case], Answer | None]
    plain: str | None = None

    __test__ = False  # not a pytest class


# -- rdflib and pyoxigraph results to answers ------------------------------------------------


def _from_rdflib(result: Result) -> Answer:
    if result.type == "ASK":
        return Ask(bool(result.askAnswer))
    if result.type == "SELECT":
        names = [str(v) for v in result.vars or []]
        rows = []
        for row in result.bindings:
            rows.append({str(k): exact(v) for k, v in row.items() if v is not None})
        return Select(names, rows)
    assert result.graph is not None
    return Quads.of_triples(result.graph)


def _from_oxigraph(answer: Any) -> Answer:
    if isinstance(answer, ox.QueryBoolean):
        return Ask(bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = [v.value for v in answer.variables]
        rows = []
        for solution in answer:
            rows.append({n: from_ox(solution[n]) for n in names if solution[n] is not None})
        return Select(names, rows)
    return Quads(
        {(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object), None) for t in answer}
    )


def _rdflib_quads(dataset: Dataset) -> Quads:
    quads = set()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        graph = None if name in (None, DATASET_DEFAULT_GRAPH_ID) else exact(name)
        quads.add((exact(s), exact(p), exact(o), graph))
    return Quads(quads)


def _rebased(quads: Quads, case: Case) -> Quads:
    """Rewrite IRIs resolved against the input file's own URI onto the suite's assumed base."""
    if case.base is None:
        return quads
    prefix = case.data[0].parent.as_uri() + "/"
    target = case.base.rsplit("/", 1)[0] + "/"
    return Quads(
        {
            tuple(relabel(t, prefix, target) if t is not None else None for t in q)
            for q in quads.quads
        }
    )


# -- plain engines ----------------------------------------------------------------------------


def _read_query(case: Case) -> str:
    assert case.query is not None
    return case.query.read_text("utf-8")


def rdflib_sparql(case: Case) -> Answer:
    """rdflib's SPARQL over a memory ``Dataset`` (default graph = the data, not the union)."""
    from rdflib.plugins.sparql import prepareQuery

    text = _read_query(case)
    assert case.query is not None
    if case.kind != "eval":
        prepareQuery(text, base=case.query.as_uri())
        return None
    ds = Dataset()
    for f in case.data:
        ds.default_context.parse(f, format=_RDFLIB_FORMATS[f.suffix], publicID=f.as_uri())
    for f in case.graph_data:
        ds.graph(URIRef(f.as_uri())).parse(f, format=_RDFLIB_FORMATS[f.suffix], publicID=f.as_uri())
    return _from_rdflib(ds.query(text, base=case.query.as_uri()))


def oxigraph_sparql(case: Case) -> Answer:
    """pyoxigraph's SPARQL over an in-memory ``Store`` (default graph = the data)."""
    text = _read_query(case)
    assert case.query is not None
    store = ox.Store()
    if case.kind != "eval":
        store.query(text, base_iri=case.query.as_uri())
        return None
    for f in case.data:
        store.load(path=str(f), format=_OX_FORMATS[f.suffix], base_iri=f.as_uri())
    for f in case.graph_data:
        store.load(
            path=str(f),
            format=_OX_FORMATS[f.suffix],
            base_iri=f.as_uri(),
            to_graph=ox.NamedNode(f.as_uri()),
        )
    return _from_oxigraph(store.query(text, base_iri=case.query.as_uri()))


def rdflib_sparql_xml(case: Case) -> Answer | None:
    """rdflib's SPARQL, its answer written by rdflib's own SPARQL XML results writer, read back."""
    from rdflib.plugins.sparql import prepareQuery

    text = _read_query(case)
    assert case.query is not None
    if case.kind != "eval":
        prepareQuery(text, base=case.query.as_uri())
        return None
    ds = Dataset()
    for f in case.data:
        ds.default_context.parse(f, format=_RDFLIB_FORMATS[f.suffix], publicID=f.as_uri())
    for f in case.graph_data:
        ds.graph(URIRef(f.as_uri())).parse(f, format=_RDFLIB_FORMATS[f.suffix], publicID=f.as_uri())
    result = ds.query(text, base=case.query.as_uri())
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return _from_rdflib(result)
    return read_srx(result.serialize(format="xml"))


def oxigraph_sparql_xml(case: Case) -> Answer | None:
    """pyoxigraph's SPARQL, its answer written by pyoxigraph's SPARQL XML results writer."""
    text = _read_query(case)
    assert case.query is not None
    store = ox.Store()
    if case.kind != "eval":
        store.query(text, base_iri=case.query.as_uri())
        return None
    for f in case.data:
        store.load(path=str(f), format=_OX_FORMATS[f.suffix], base_iri=f.as_uri())
    for f in case.graph_data:
        store.load(
            path=str(f),
            format=_OX_FORMATS[f.suffix],
            base_iri=f.as_uri(),
            to_graph=ox.NamedNode(f.as_uri()),
        )
    answer = store.query(text, base_iri=case.query.as_uri())
    if isinstance(answer, ox.QueryTriples):
        return _from_oxigraph(answer)
    return read_srx(answer.serialize(format=ox.QueryResultsFormat.XML))


def rdflib_rdf(case: Case) -> Answer:
    """rdflib's parser, the file's URI as base."""
    f = case.data[0]
    ds = Dataset()
    ds.parse(f, format=_RDFLIB_FORMATS[f.suffix], publicID=f.as_uri())
    return _rebased(_rdflib_quads(ds), case)


def oxigraph_parse_rdf(case: Case) -> Answer:
    """pyoxigraph's parser alone (``pyoxigraph.parse``), the file's URI as base."""
    f = case.data[0]
    return _rebased(
        _oxigraph_quads(ox.parse(path=str(f), format=_OX_FORMATS[f.suffix], base_iri=f.as_uri())),
        case,
    )


def oxigraph_rdf(case: Case) -> Answer:
    """pyoxigraph's ``Store``: what it keeps of a loaded file (the engine of kgtool's Oxigraph
    store; unlike the parser alone, the store keeps some literals by value, not lexical form)."""
    f = case.data[0]
    store = ox.Store()
    store.load(path=str(f), format=_OX_FORMATS[f.suffix], base_iri=f.as_uri())
    return _rebased(_oxigraph_quads(store), case)


def _oxigraph_quads(quads: Any) -> Quads:
    out = set()
    for q in quads:
        g = None if isinstance(q.graph_name, ox.DefaultGraph) else from_ox(q.graph_name)
        out.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), g))
    return Quads(out)


def _parse_graph(path: Path) -> Graph:
    return Graph().parse(path, format=_RDFLIB_FORMATS[path.suffix], publicID=path.as_uri())


def pyshacl_validate(case: Case) -> Answer:
    """pySHACL with its defaults (no inference, SHACL Core and SHACL-SPARQL)."""
    import pyshacl

    assert case.shapes is not None
    data = _parse_graph(case.data[0])
    shapes = data if case.shapes == case.data[0] else _parse_graph(case.shapes)
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, abort_on_first=False)
    assert isinstance(report, Graph)
    return Report(bool(conforms), report, data + shapes)


# -- kgtool -----------------------------------------------------------------------------------
# Every kgtool import of the conformance suite is in this section.


#: Where the named-graph files written for kgtool go (removed when the process exits).
_SCRATCH = tempfile.TemporaryDirectory(prefix="kg-conformance-")


def _kgtool_load(data: list[Path], shapes: list[Path], store: str) -> Any:
    from kgtool.graph import KnowledgeGraph

    return KnowledgeGraph.load(data=data, ontology=[], shapes=shapes, store=store)


@lru_cache(maxsize=8)
def _sparql_kg(case: Case, store: str) -> Any:
    """The knowledge graph of a SPARQL test: data in the default graph, graph data in graphs
    named by their file's URI (a quads file written for the purpose: kgtool loads triple
    files into the default graph)."""
    files = list(case.data)
    if case.graph_data:
        folder = Path(_SCRATCH.name) / case.name.replace("/", "_")
        folder.mkdir(exist_ok=True)
        quads = []
        for f in case.graph_data:
            g = ox.NamedNode(f.as_uri())
            for t in ox.parse(path=str(f), format=_OX_FORMATS[f.suffix], base_iri=f.as_uri()):
                quads.append(ox.Quad(t.subject, t.predicate, t.object, g))
        named = folder / "graph-data.nq"
        named.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
        files.append(named)
    return _kgtool_load(files, [], store)


@lru_cache(maxsize=8)
def _outcome(case: Case, store: str) -> Any:
    from kgtool.query.run import run_query

    assert case.query is not None
    # The query file itself, as `kgtool query FILE.rq` reads it: its URI is the query's base.
    return run_query(_sparql_kg(case, store), case.query)


def _kgtool_sparql(store: str) -> Callable[[Case], Answer | None]:
    def run(case: Case) -> Answer | None:
        if case.kind != "eval":
            from kgtool.query.run import run_query

            assert case.query is not None
            run_query(_kgtool_load([], [], store), case.query)  # refused, or runs
            return None
        return _from_rdflib(_outcome(case, store).result)

    run.__doc__ = f"kgtool.query.run_query on the {store} store (what `kgtool query` runs)."
    return run


def _kgtool_rendered(store: str, fmt: str) -> Callable[[Case], Answer | None]:
    def run(case: Case) -> Answer | None:
        from kgtool.query.render import render

        if case.kind != "eval":
            return _kgtool_sparql(store)(case)
        outcome = _outcome(case, store)
        if outcome.result.type in ("CONSTRUCT", "DESCRIBE"):
            text = render(outcome, "nt")
            return Quads(
                {
                    (from_ox(t.subject), from_ox(t.predicate), from_ox(t.object), None)
                    for t in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)
                }
            )
        text = render(outcome, fmt)
        return {"xml": read_srx, "json": read_srj, "tsv": read_tsv}[fmt](
            text.encode() if fmt != "tsv" else text
        )

    run.__doc__ = f"kgtool query --format {fmt} on the {store} store, read back."
    return run


#: An IRIREF with no scheme: a relative IRI (SPARQL 1.1 section 19.8, IRIREF).
_RELATIVE_IRI_RE = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.-]*:)[^<>\"{}|^`\\\x00-\x20]*>")
_BASE_RE = re.compile(r"^\s*BASE\b", re.IGNORECASE | re.MULTILINE)


def _as_sent(case: Case) -> str:
    """The query as a correct client sends it over the protocol, where it has no document IRI:
    with ``BASE <its file>`` first when it has relative IRIs and no BASE of its own."""
    assert case.query is not None
    text = _read_query(case)
    if _RELATIVE_IRI_RE.search(text) and not _BASE_RE.search(text):
        return f"BASE <{case.query.as_uri()}>\n{text}"
    return text


def kgtool_serve(case: Case) -> Answer | None:
    """The server's query route (kgtool.serve.pool.execute), JSON results read back."""
    from kgtool.serve.pool import Limits, QueryRequest, execute

    if case.kind != "eval":
        return _kgtool_sparql("memory")(case)
    accept = "application/sparql-results+json, application/n-triples;q=0.5"
    response = execute(
        _sparql_kg(case, "memory"),
        QueryRequest(_as_sent(case), accept=accept),
        Limits(memory_mb=None, max_rows=100_000),
    )
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status}: {response.body.decode()}")
    if response.media_type.startswith("application/n-triples"):
        return Quads(
            {
                (from_ox(t.subject), from_ox(t.predicate), from_ox(t.object), None)
                for t in ox.parse(response.body, format=ox.RdfFormat.N_TRIPLES)
            }
        )
    return read_srj(response.body)


def _kgtool_rdf(store: str) -> Callable[[Case], Answer]:
    def run(case: Case) -> Answer:
        kg = _kgtool_load([case.data[0]], [], store)
        return _rebased(_rdflib_quads(kg.store.dataset()), case)

    run.__doc__ = f"kgtool's loader (KnowledgeGraph.load) into the {store} store."
    return run


def _kgtool_validate(store: str, engine: str) -> Callable[[Case], Answer]:
    def run(case: Case) -> Answer:
        from kgtool.validate.engine import validate

        assert case.shapes is not None
        kg = _kgtool_load([case.data[0]], [case.shapes], store)
        report = validate(kg, engine=engine)
        context = kg.store.union() + kg.shapes
        return Report(report.conforms, report.graph, context)

    run.__doc__ = f"kgtool.validate.validate(engine={engine!r}) on the {store} store."
    return run


# -- the registry -----------------------------------------------------------------------------

_ALL = (
    TestPath("rdflib", "sparql", rdflib_sparql),
    TestPath("oxigraph", "sparql", oxigraph_sparql),
    TestPath("kgtool/memory", "sparql", _kgtool_sparql("memory"), "rdflib"),
    TestPath("kgtool/oxigraph", "sparql", _kgtool_sparql("oxigraph"), "oxigraph"),
    TestPath("rdflib+xml", "sparql", rdflib_sparql_xml),
    TestPath("oxigraph+xml", "sparql", oxigraph_sparql_xml),
    TestPath("kgtool/memory+xml", "sparql", _kgtool_rendered("memory", "xml"), "rdflib+xml"),
    TestPath("kgtool/memory+json", "sparql", _kgtool_rendered("memory", "json"), "rdflib"),
    TestPath("kgtool/memory+tsv", "sparql", _kgtool_rendered("memory", "tsv"), "rdflib"),
    TestPath("kgtool/oxigraph+xml", "sparql", _kgtool_rendered("oxigraph", "xml"), "oxigraph+xml"),
    TestPath("kgtool/serve", "sparql", kgtool_serve, "rdflib"),
    TestPath("rdflib", "rdf", rdflib_rdf),
    TestPath("oxigraph", "rdf", oxigraph_rdf),
    TestPath("oxigraph-parser", "rdf", oxigraph_parse_rdf),
    TestPath("kgtool/memory", "rdf", _kgtool_rdf("memory"), "rdflib"),
    TestPath("kgtool/oxigraph", "rdf", _kgtool_rdf("oxigraph"), "oxigraph"),
    TestPath("pyshacl", "shacl", pyshacl_validate),
    TestPath("kgtool/pyshacl", "shacl", _kgtool_validate("memory", "pyshacl"), "pyshacl"),
    TestPath("kgtool/fast", "shacl", _kgtool_validate("memory", "fast"), "pyshacl"),
    TestPath(
        "kgtool/oxigraph+pyshacl", "shacl", _kgtool_validate("oxigraph", "pyshacl"), "pyshacl"
    ),
    TestPath("kgtool/oxigraph+fast", "shacl", _kgtool_validate("oxigraph", "fast"), "pyshacl"),
)


def paths_for(family: str) -> list[TestPath]:
    """The paths of one family, plain engines first."""
    return [p for p in _ALL if p.family == family]
