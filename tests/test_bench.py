"""The benchmark's synthetic graphs are valid data in the project's ontology (issue #5).

bench/generate.py promises graphs that conform to the shapes at every size; a graph that does
not would make the validation benchmark time error reporting instead of validation.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from kgtool.load import KnowledgeGraph
from kgtool.validate import validate

BENCH = Path(__file__).parent.parent / "bench" / "generate.py"


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
