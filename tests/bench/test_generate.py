"""The benchmark's synthetic graphs are valid data in the project's ontology.

bench/generate.py promises graphs that conform to the shapes at every size; a graph that does
not would make the validation benchmark time error reporting instead of validation. And every
query the benchmark times must have an answer there, or it would time an empty one.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from kgtool.graph import KnowledgeGraph
from kgtool.query.catalog import list_queries
from kgtool.query.run import NamedQuery, run_query, uses_service
from kgtool.validate.engine import validate

BENCH = Path(__file__).parents[2] / "bench" / "generate.py"


def _generate(triples: int) -> str:
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module
    spec.loader.exec_module(module)
    return str(module.generate(triples))


@pytest.mark.parametrize("triples", [1_000, 10_000])
def test_synthetic_graph_conforms(triples: int, tmp_path: Path) -> None:
    path = tmp_path / f"g{triples}.trig"
    path.write_text(_generate(triples), encoding="utf-8")
    kg = KnowledgeGraph.load(data=[path])
    report = validate(kg, engine="fast")
    assert report.conforms, report.to_text()[:2000]


def _offline_defaults() -> list[NamedQuery]:
    """The bundled queries bench/run.py times: no SERVICE, every parameter has a default."""
    return [
        q
        for q in list_queries()
        if not uses_service(q) and all(p.default is not None for p in q.header.parameters)
    ]


def _rows(triples: int, tmp_path: Path) -> dict[str, int]:
    path = tmp_path / f"g{triples}.trig"
    path.write_text(_generate(triples), encoding="utf-8")
    kg = KnowledgeGraph.load(data=[path])
    return {q.name: len(run_query(kg, q).result.bindings) for q in _offline_defaults()}


def test_every_timed_query_has_an_answer_that_grows(tmp_path: Path) -> None:
    # The bundled queries default to id:EleutherAI: the synthetic graph has that hub, so the
    # benchmark times real answers, more of them on a bigger graph.
    small, large = _rows(1_000, tmp_path), _rows(2_000, tmp_path)
    assert len(small) >= 10
    assert all(small.values()), small
    grown = {name: (small[name], large[name]) for name in small if large[name] > small[name]}
    assert set(grown) == set(small), (small, large)


def test_planted_defects_give_the_same_report_from_both_engines(tmp_path: Path) -> None:
    """generate(..., defects=N) breaks a SHACL-SPARQL rule, a cardinality and a datatype."""
    pytest.importorskip("pyoxigraph")
    _generate(10)  # loads the module
    module = sys.modules["bench_generate"]
    path = tmp_path / "defects.trig"
    path.write_text(module.generate(1000, defects=6), encoding="utf-8")
    kg = KnowledgeGraph.load(data=[path])
    fast, plain = validate(kg, engine="fast"), validate(kg, engine="pyshacl")
    assert fast.results == plain.results and not fast.conforms
    shapes = {r.source_shape for r in fast.results}
    assert shapes == {
        "shape:ReleaseAfterFoundingShape",
        "shape:label",
        "shape:WorkShape-parameterCount",
    }
    assert len(fast.results) == 8  # two organisations per defect; the text count breaks two
