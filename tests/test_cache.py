"""The on-disk closure cache (issue 5): hit, miss on change, atomic and shared by processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kgtool import cache
from kgtool.load import KnowledgeGraph
from kgtool.reason import _CACHE, reason

from .conftest import FACTS, ONTOLOGY, SHAPES, assert_isomorphic


def _kg(cache_dir: Path | None, data: Path = FACTS) -> KnowledgeGraph:
    kg = KnowledgeGraph.load(data=[data], ontology=[ONTOLOGY], shapes=[SHAPES])
    kg.cache_dir = cache_dir
    return kg


@pytest.fixture(autouse=True)
def _no_process_cache() -> Any:
    # The in-process cache would hide the disk cache; empty it around each test.
    _CACHE.clear()
    yield
    _CACHE.clear()


def test_closure_is_written_then_read(tmp_path: Path) -> None:
    first = reason(_kg(tmp_path))
    entries = list(tmp_path.glob("closure-*.nt"))
    assert len(entries) == 1
    _CACHE.clear()
    second = reason(_kg(tmp_path))
    assert_isomorphic(first.inferred, second.inferred)
    assert (second.asserted_count, second.dropped) == (first.asserted_count, first.dropped)


def test_changed_facts_miss_the_cache(tmp_path: Path) -> None:
    reason(_kg(tmp_path))
    changed = tmp_path / "facts.trig"
    changed.write_text(
        FACTS.read_text(encoding="utf-8")
        + '\n<urn:x:a> <http://www.w3.org/2000/01/rdf-schema#label> "a" .\n',
        encoding="utf-8",
    )
    _CACHE.clear()
    reason(_kg(tmp_path, changed))
    assert len(list(tmp_path.glob("closure-*.nt"))) == 2


def test_damaged_entry_is_rebuilt(tmp_path: Path) -> None:
    expected = reason(_kg(tmp_path)).inferred
    (entry,) = tmp_path.glob("closure-*.nt")
    entry.write_text("# kgtool-closure asserted=1 dropped=0\nnot n-triples\n", encoding="utf-8")
    _CACHE.clear()
    assert_isomorphic(expected, reason(_kg(tmp_path)).inferred)
    assert cache.read_closure(tmp_path, entry.stem.removeprefix("closure-")) is not None


def test_no_cache_dir_writes_nothing(tmp_path: Path) -> None:
    reason(_kg(None))
    assert not list(tmp_path.iterdir())


def test_two_processes_build_the_same_entry(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from kgtool.load import KnowledgeGraph; "
        "from kgtool.reason import reason; "
        f"kg = KnowledgeGraph.load(data=[{str(FACTS)!r}], ontology=[{str(ONTOLOGY)!r}], "
        f"shapes=[{str(SHAPES)!r}]); kg.cache_dir = Path(sys.argv[1]); "
        "print(len(reason(kg).inferred))"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE)
        for _ in range(2)
    ]
    try:
        outputs = [p.communicate(timeout=120)[0] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert [p.returncode for p in procs] == [0, 0]
    assert outputs[0] == outputs[1]
    # One entry, no temp files left behind, and it reads back as what both computed.
    assert [f.name.startswith("closure-") for f in tmp_path.iterdir()] == [True]
    _CACHE.clear()
    assert str(len(reason(_kg(tmp_path)).inferred)).encode() == outputs[0].strip()


def test_cli_uses_cache_dir(invoke: Any, tmp_path: Path) -> None:
    args = ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--reasoned"]
    first = invoke([*args, "--cache-dir", str(tmp_path)])
    assert first.exit_code == 0, first.output
    assert len(list(tmp_path.glob("closure-*.nt"))) == 1
    _CACHE.clear()
    second = invoke([*args, "--cache-dir", str(tmp_path)])
    assert second.output == first.output
    off = invoke([*args, "--no-cache", "--cache-dir", str(tmp_path / "unused")])
    assert off.exit_code == 0
    assert not (tmp_path / "unused").exists()
