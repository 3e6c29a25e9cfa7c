"""The fast reasoner (kgtool.reason.fast) against owlrl: the same inferred graph, the same clashes.

Differential tests: every case computes the inferred graph with ``engine="owlrl"`` and
``engine="fast"`` and compares them. The synthetic graphs come from bench/generate.py.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from kgtool.core.errors import InconsistencyError, UsageError
from kgtool.graph import KnowledgeGraph
from kgtool.reason import fast as fastreason
from kgtool.reason.engine import _CACHE, compute_closure, reason
from tests.conftest import FACTS, INVALID, ONTOLOGY, SHAPES, Invoke, assert_isomorphic

ROOT = Path(__file__).resolve().parents[2]

PREFIXES = """
@prefix : <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

#: One small graph per rule (or a mix where rules feed each other).
RULE_CASES: dict[str, str] = {
    "cax-sco": ":A rdfs:subClassOf :B . :B rdfs:subClassOf :C . :x a :A .",
    "cax-eqc": ":A owl:equivalentClass :B . :x a :A . :y a :B .",
    "prp-dom-rng": ":p rdfs:domain :D ; rdfs:range :R . :D rdfs:subClassOf :E . :x :p :y .",
    "prp-rng-literal": ':p rdfs:range xsd:string . :x :p "v" .',
    "prp-spo1": ":p rdfs:subPropertyOf :q . :q rdfs:subPropertyOf :r ; rdfs:domain :D . :x :p :y .",
    "prp-eqp": ":p owl:equivalentProperty :q . :x :p :y . :z :q :w .",
    "prp-inv": ":p owl:inverseOf :q . :x :p :y . :z :q :w . :q rdfs:range :R .",
    "prp-symp": ":p a owl:SymmetricProperty . :x :p :y .",
    "prp-trp": ":p a owl:TransitiveProperty . :a :p :b . :b :p :c . :c :p :d . :d :p :a .",
    "prp-fp": ":p a owl:FunctionalProperty . :x :p :y1 , :y2 . :y1 :q :z . :w :q :y2 .",
    # two spellings of one value: no clash, and the literal sameAs between them is noise
    "prp-fp-literals": ':p a owl:FunctionalProperty . :x :p "1"^^xsd:integer , "1.0"^^xsd:decimal'
    ' . :w :q "1"^^xsd:integer .',
    "prp-ifp": ":p a owl:InverseFunctionalProperty . :x1 :p :y . :x2 :p :y . :x1 :q :z .",
    "eq-sym-trans-rep": ":a owl:sameAs :b . :b owl:sameAs :c . :a :p :x . :y :q :c . :c a :K .",
    "eq-ref-superproperty": "owl:sameAs rdfs:subPropertyOf :same . :x :p :y .",
    "scm-dom-rng": ":p rdfs:domain :A ; rdfs:range :B . :A rdfs:subClassOf :C . "
    ":B rdfs:subClassOf :D . :q rdfs:subPropertyOf :p .",
    "scm-eqc2-eqp2": ":A rdfs:subClassOf :B . :B rdfs:subClassOf :A . "
    ":p rdfs:subPropertyOf :q . :q rdfs:subPropertyOf :p . :x a :A ; :p :y .",
    "declarations": ":A a owl:Class . :p a owl:ObjectProperty ; rdfs:range rdf:Property . "
    ":x :p :q .",
    "domain-thing": ":p rdfs:domain owl:Thing . owl:Thing rdfs:subClassOf :Top . :x :p :y .",
    "mixed": ":p a owl:TransitiveProperty ; owl:inverseOf :pi ; rdfs:subPropertyOf :r . "
    ":a :p :b . :b :p :c . :c owl:sameAs :c2 . :pi rdfs:domain :D . :r a owl:SymmetricProperty .",
}


def _graph(body: str) -> Graph:
    return Graph().parse(data=PREFIXES + body, format="turtle")


def _both(asserted: Graph) -> tuple[Graph, Graph]:
    return (
        compute_closure(asserted, "owlrl", "owlrl").inferred,
        compute_closure(asserted, "owlrl", "fast").inferred,
    )


@pytest.mark.parametrize("body", RULE_CASES.values(), ids=list(RULE_CASES))
def test_fast_equals_owlrl_per_rule(body: str) -> None:
    expected, actual = _both(_graph(body))
    assert_isomorphic(expected, actual)


CLASH_CASES: dict[str, str] = {
    "cax-dw": ":A owl:disjointWith :B . :C rdfs:subClassOf :B . :x a :A , :C .",
    "cax-dw-by-sameAs": ":A owl:disjointWith :B . :x a :A . :y a :B . :x owl:sameAs :y .",
    "cls-nothing2": ":p rdfs:range owl:Nothing . :x :p :y .",
    "dt-not-type": ':x :p "not a number"^^xsd:integer .',
    # two different values of a functional property: OWL 2 RL dt-diff with eq-diff1
    "dt-diff-by-prp-fp": ':p a owl:FunctionalProperty . :x :p "a" , "b" . :w :q "a" .',
}


@pytest.mark.parametrize("body", CLASH_CASES.values(), ids=list(CLASH_CASES))
def test_fast_reports_owlrls_clashes(body: str) -> None:
    asserted = _graph(body)
    with pytest.raises(InconsistencyError) as by_owlrl:
        compute_closure(asserted, "owlrl", "owlrl")
    with pytest.raises(InconsistencyError) as by_fast:
        compute_closure(asserted, "owlrl", "fast")
    assert by_fast.value.messages == by_owlrl.value.messages


def test_fast_equals_owlrl_on_the_fixture_clash() -> None:
    kg = KnowledgeGraph.load(
        data=[FACTS, INVALID / "PersonShape-disjoint-clash.trig"],
        ontology=[ONTOLOGY],
        shapes=[SHAPES],
    )
    asserted = kg.store.union(reasoned=False)
    with pytest.raises(InconsistencyError) as by_owlrl:
        compute_closure(asserted, "owlrl", "owlrl")
    with pytest.raises(InconsistencyError) as by_fast:
        compute_closure(asserted, "owlrl", "fast")
    assert by_fast.value.messages == by_owlrl.value.messages


UNSUPPORTED = ":R a owl:Restriction ; owl:onProperty :p ; owl:someValuesFrom :C . :x :p :y ."


def test_unsupported_construct_is_detected_and_auto_falls_back() -> None:
    asserted = _graph(UNSUPPORTED)
    assert fastreason.unsupported_constructs(asserted) == [
        "http://www.w3.org/2002/07/owl#Restriction",
        "http://www.w3.org/2002/07/owl#onProperty",
        "http://www.w3.org/2002/07/owl#someValuesFrom",
    ]
    with pytest.raises(fastreason.UnsupportedConstruct):
        compute_closure(asserted, "owlrl", "fast")
    # auto picks fast for big graphs only, so force it by lowering the threshold
    import kgtool.reason.engine as reason_module

    old = reason_module.AUTO_FAST_THRESHOLD
    reason_module.AUTO_FAST_THRESHOLD = 0
    try:
        auto = compute_closure(asserted, "owlrl", "auto").inferred
    finally:
        reason_module.AUTO_FAST_THRESHOLD = old
    assert_isomorphic(compute_closure(asserted, "owlrl", "owlrl").inferred, auto)


def test_sameas_between_classes_is_refused() -> None:
    asserted = _graph(":A rdfs:subClassOf :B . :A owl:sameAs :C . :x a :C .")
    with pytest.raises(fastreason.UnsupportedConstruct, match="T-box"):
        compute_closure(asserted, "owlrl", "fast")


def test_fast_engine_refuses_rdfs_profile() -> None:
    with pytest.raises(UsageError, match="owlrl profile only"):
        compute_closure(Graph(), "rdfs", "fast")
    with pytest.raises(UsageError, match="unknown reasoning engine"):
        compute_closure(Graph(), "owlrl", "turbo")


def test_fast_equals_owlrl_on_the_shipped_graph() -> None:
    asserted = KnowledgeGraph.load().store.union(reasoned=False)
    expected, actual = _both(asserted)
    assert_isomorphic(expected, actual)


def _synthetic(tmp_path: Path, triples: int) -> Graph:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_generate", module)
    spec.loader.exec_module(module)
    path = tmp_path / f"kg-{triples}.trig"
    path.write_text(module.generate(triples), encoding="utf-8")
    return KnowledgeGraph.load(data=[path]).store.union(reasoned=False)


@pytest.mark.parametrize("triples", [1000, 5000, pytest.param(10000, marks=pytest.mark.slow)])
def test_fast_equals_owlrl_on_synthetic_graphs(tmp_path: Path, triples: int) -> None:
    expected, actual = _both(_synthetic(tmp_path, triples))
    assert len(expected) > 0
    assert_isomorphic(expected, actual)


def test_reason_engine_option(invoke: Invoke) -> None:
    fast = invoke(["reason", "--engine", "fast", "--format", "nt"])
    slow = invoke(["reason", "--engine", "owlrl", "--format", "nt"])
    assert fast.exit_code == 0 and slow.exit_code == 0, fast.output + slow.output
    assert_isomorphic(
        Graph().parse(data=slow.stdout, format="nt"), Graph().parse(data=fast.stdout, format="nt")
    )


def test_reason_engine_rdfs_fast_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke(["reason", "--engine", "fast", "--profile", "rdfs"])
    assert result.exit_code == 2
    assert "owlrl profile only" in result.stderr


def test_library_reason_takes_an_engine(kg: KnowledgeGraph) -> None:
    assert len(reason(kg, engine="fast").inferred) > 0


# -- the Oxigraph store's path: quads in, quads out, the same closure ----------------


def _on_oxigraph(data: list[Path] | None, engine: str) -> Graph:
    pytest.importorskip("pyoxigraph")
    kg = KnowledgeGraph.load(data=data, store="oxigraph")
    _CACHE.clear()  # both stores share closures by input files: compute this one afresh
    result = reason(kg, engine=engine)
    assert result.ntriples is not None  # the store's own path was taken
    return result.inferred


def test_oxigraph_path_equals_owlrl_on_the_shipped_graph() -> None:
    expected = reason(KnowledgeGraph.load(), engine="owlrl").inferred
    assert_isomorphic(expected, _on_oxigraph(None, "fast"))
    assert_isomorphic(expected, _on_oxigraph(None, "owlrl"))


def test_oxigraph_path_equals_memory_path_on_a_synthetic_graph(tmp_path: Path) -> None:
    _synthetic(tmp_path, 10000)
    path = tmp_path / "kg-10000.trig"
    expected = reason(KnowledgeGraph.load(data=[path]), engine="fast").inferred
    actual = _on_oxigraph([path], "fast")
    assert len(expected) > 0
    assert_isomorphic(expected, actual)
