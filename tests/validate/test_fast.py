"""Fast validation (kgtool.validate.fast) against plain pySHACL: the same report.

Each case validates with ``engine="pyshacl"`` and ``engine="fast"`` and compares the normalised
results (severity, source shape, focus node, path, value, component, message), ``conforms`` and
the report graphs (by isomorphism).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from kgtool.core.errors import InputError
from kgtool.graph import KnowledgeGraph
from kgtool.validate.engine import validate
from kgtool.validate.fast import fits_whole_graph_run
from tests.conftest import Invoke, assert_isomorphic

ROOT = Path(__file__).resolve().parents[2]
INVALID = sorted((Path(__file__).parents[1] / "data" / "invalid").glob("*.t*"))


def _same_report(kg: KnowledgeGraph) -> None:
    plain = validate(kg, engine="pyshacl")
    fast = validate(kg, engine="fast")
    assert fast.conforms == plain.conforms
    assert fast.results == plain.results
    assert_isomorphic(plain.graph, fast.graph)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_fast_report_equals_pyshacl_on_invalid_fixtures(path: Path) -> None:
    _same_report(KnowledgeGraph.load(data=[path]))


def test_fast_report_equals_pyshacl_on_the_shipped_graph() -> None:
    _same_report(KnowledgeGraph.load())


def test_fast_report_equals_pyshacl_on_a_synthetic_graph(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_generate", module)
    spec.loader.exec_module(module)
    path = tmp_path / "kg-1000.trig"
    path.write_text(module.generate(1000), encoding="utf-8")
    _same_report(KnowledgeGraph.load(data=[path]))


def test_unknown_engine_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown validation engine"):
        validate(KnowledgeGraph.load(data=[INVALID[0]]), engine="turbo")


def test_validate_engine_option(invoke: Invoke) -> None:
    fast = invoke(["validate", "--engine", "fast", "--format", "json"])
    plain = invoke(["validate", "--engine", "pyshacl", "--format", "json"])
    assert fast.exit_code == plain.exit_code
    assert fast.stdout == plain.stdout


def test_pyshacl_is_left_as_it_was_after_a_fast_validation() -> None:
    """The set-lookup list and the SPARQL hook live only inside one fast validation."""
    from pyshacl import shape
    from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint

    from kgtool.validate.fast import _SetList

    before = (
        getattr(shape, "CONSTRAINT_PARAMS", None),
        SPARQLBasedConstraint._validate_sparql_query,
    )
    validate(KnowledgeGraph.load(), engine="fast")
    after = (
        getattr(shape, "CONSTRAINT_PARAMS", None),
        SPARQLBasedConstraint._validate_sparql_query,
    )
    assert after == before
    assert not isinstance(after[0] and after[0][0], _SetList)


def test_the_set_list_answers_like_the_list() -> None:
    from rdflib import URIRef

    from kgtool.validate.fast import _SetList

    items = [URIRef(f"urn:p{i}") for i in range(5)]
    fast = _SetList(items).copy()
    fast.append(URIRef("urn:extra"))
    assert list(fast) == [*items, URIRef("urn:extra")]
    assert all(x in fast for x in fast) and URIRef("urn:p9") not in fast


PRE_BINDING = Path(__file__).parents[1] / "conformance" / "w3c" / "shacl" / "sparql" / "pre-binding"


@pytest.mark.parametrize("number", ["001", "002", "003", "004", "005", "007"])
@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_fast_report_equals_pyshacl_when_this_is_only_pre_bound(number: str, store: str) -> None:
    # $this only in a FILTER, a BIND, a sub-select, OPTIONAL, MINUS or UNION, EXISTS or VALUES:
    # one run with $this free is not the pre-bound answer, so the fast engine evaluates per node.
    f = PRE_BINDING / f"pre-binding-{number}.ttl"
    kg = KnowledgeGraph.load(data=[f], ontology=[], shapes=[f], store=store)
    assert not validate(kg, engine="pyshacl").conforms
    _same_report(kg)


PREFIX = "PREFIX ex: <http://example.org/> "


@pytest.mark.parametrize(
    ("query", "fits"),
    [
        ("SELECT $this ?v WHERE { $this ex:p ?v }", True),
        ("SELECT $this ?v WHERE { ?v ex:p/ex:q $this FILTER (?v != $this) }", True),
        ("SELECT $this ?v WHERE { $this ex:p ?v BIND (STR($this) AS ?s) }", True),
        ("SELECT $this WHERE { $this ex:p ?v FILTER NOT EXISTS { $this ex:q ?v } }", True),
        ("SELECT $this WHERE { $this ex:p ?v OPTIONAL { ?v ex:q ?w } }", True),
        ("SELECT ?v WHERE { $this ex:p ?v }", False),  # not projected: rows cannot be split
        ("SELECT $this WHERE { FILTER ($this = ex:bad) }", False),
        ("SELECT $this WHERE { BIND ($this AS ?that) FILTER (?that = ex:bad) }", False),
        ("SELECT $this WHERE { { SELECT $this { ?x ex:p ?y FILTER (?x = $this) } } }", False),
        ("SELECT $this WHERE { { { FILTER ($this = ex:bad) } FILTER bound($this) } }", False),
        ("SELECT $this WHERE { ?x ex:p ?y OPTIONAL { $this ex:q ?y } }", False),
        ("SELECT $this WHERE { ?x ex:p ?y MINUS { $this ex:q ?y } }", False),
        ("SELECT $this WHERE { { $this ex:p ?y } UNION { ?x ex:q ?y } }", False),
        ("SELECT $this WHERE { VALUES $this { ex:a } }", False),
        ("SELECT $this WHERE { GRAPH $this { ?s ?p ?o } }", False),
        ("SELECT $this WHERE { ?x ex:p ?y FILTER EXISTS { $this ex:q ?y } }", False),
        # the text mentions $this in a join, but only in a string and a comment
        ('SELECT $this WHERE { ?x ex:p "$this ex:p ?v" # $this ex:q ?v\n FILTER ($this) }', False),
        # $this never bound, only projected and grouped by: the same rows for every node
        ("SELECT $this ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY $this ?s", True),
        ("SELECT $this WHERE { { SELECT $this { ?x ex:p ?y } } }", True),
    ],
)
def test_the_shortcut_is_decided_from_the_query_algebra(query: str, fits: bool) -> None:
    assert fits_whole_graph_run(PREFIX + query) is fits


def test_every_shipped_constraint_takes_the_shortcut() -> None:
    from rdflib import Graph, Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    prefixes = "".join(f"PREFIX {p}: <{n}> " for p, n in shapes.namespaces())
    queries = [str(q) for q in shapes.objects(None, sh.select)]
    assert queries and all(fits_whole_graph_run(prefixes + q) for q in queries)


@pytest.mark.parametrize(
    ("store", "extra", "copies", "whole"),
    [
        ("oxigraph", "", 0, True),  # the store itself answers
        ("memory", "", 1, True),  # a copy of the data in Oxigraph answers
        # "01" read as written: Oxigraph would hold 1, so pySHACL runs the queries itself.
        ("oxigraph", 'kg:note "01"^^xsd:integer', 0, False),
        ("memory", 'kg:note "01"^^xsd:integer', 0, False),
    ],
    ids=["store", "copy", "by-value-oxigraph", "by-value-memory"],
)
def test_whole_graph_runs_go_where_the_terms_are_the_datas(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    store: str,
    extra: str,
    copies: int,
    whole: bool,
) -> None:
    from kgtool.store.oxigraph import OxigraphStore
    from kgtool.validate import fast

    data = tmp_path / "extra.ttl"
    data.write_text(
        "@prefix kg: <https://w3id.org/eleutherai-kg/ontology/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        + (f"<urn:x:a> {extra} .\n" if extra else ""),
        encoding="utf-8",
    )
    kg = KnowledgeGraph.load(data=[INVALID[0], data], store=store)
    made: list[int] = []
    runs: list[str] = []
    real_add, real_rows = OxigraphStore.add_dataset, fast._WholeGraph.rows

    def counted(self: OxigraphStore, dataset: Any) -> None:
        made.append(1)
        real_add(self, dataset)

    def rows(self: Any, query: str, focus: Any) -> Any:
        runs.append(query)
        return real_rows(self, query, focus)

    monkeypatch.setattr(OxigraphStore, "add_dataset", counted)
    monkeypatch.setattr(fast._WholeGraph, "rows", rows)
    _same_report(kg)
    assert len(made) == copies
    assert bool(runs) is whole


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_a_constraint_on_a_literal_kept_by_value_sees_it_as_written(
    tmp_path: Path, store: str
) -> None:
    # Oxigraph holds "01"^^xsd:integer as "1": a whole-graph run would miss this violation.
    data = tmp_path / "data.ttl"
    data.write_text(
        "@prefix ex: <http://example.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'ex:a ex:p "01"^^xsd:integer .\n',
        encoding="utf-8",
    )
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix ex: <http://example.org/> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        'ex:S a sh:NodeShape ; sh:targetObjectsOf ex:p ; sh:sparql [ sh:select """\n'
        "SELECT $this WHERE { ?s <http://example.org/p> $this . "
        'FILTER(STRSTARTS(STR($this), "0")) }\n""" ] .\n',
        encoding="utf-8",
    )
    kg = KnowledgeGraph.load(data=[data], ontology=[], shapes=[shapes], store=store)
    assert fits_whole_graph_run(
        "SELECT $this WHERE { ?s <http://example.org/p> $this . "
        'FILTER(STRSTARTS(STR($this), "0")) }'
    )
    _same_report(kg)
    assert not validate(kg, engine="fast").conforms


def test_a_constraints_query_text_is_made_once_and_bound_per_focus_node(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

    from kgtool.validate.fast import _made_once

    calls: list[str] = []

    def made(
        self: str, thisnode: str, valuenode: str | None = None, extravars: object = None
    ) -> tuple[dict[str, str], str]:
        calls.append(thisnode)
        if self == "forbidden":
            raise ValueError("A SPARQL Constraint must not contain a MINUS clause.")
        return {"this": thisnode, "currentShape": "shape"}, f"query of {self}"

    monkeypatch.setattr(SPARQLQueryHelper, "pre_bind_variables", made)
    pre_bind, _ = _made_once()
    assert pre_bind("h", "a") == ({"currentShape": "shape", "this": "a"}, "query of h")
    assert pre_bind("h", "b") == ({"currentShape": "shape", "this": "b"}, "query of h")
    assert calls == ["a"]
    pre_bind("h", "c", valuenode="v")  # $value pre-bound too: made as pySHACL makes it
    assert calls == ["a", "c"]
    for _ in range(2):  # a query SHACL forbids is refused every time
        with pytest.raises(ValueError, match="MINUS"):
            pre_bind("forbidden", "x")
    assert calls.count("x") == 2
