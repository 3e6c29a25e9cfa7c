"""The on-disk closure cache: hit, miss on change, atomic and shared by processes."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kgtool.core import paths
from kgtool.graph import KnowledgeGraph
from kgtool.reason import closure_cache as cache
from kgtool.reason.engine import _CACHE, reason
from tests.conftest import FACTS, ONTOLOGY, SHAPES, assert_isomorphic

#: True when pyoxigraph is missing: the Oxigraph-store tests are skipped then.
NO_OXIGRAPH = importlib.util.find_spec("pyoxigraph") is None


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
    entries = list(tmp_path.glob("closures/closure-*.nt"))
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
    assert len(list(tmp_path.glob("closures/closure-*.nt"))) == 2


def test_damaged_entry_is_rebuilt(tmp_path: Path) -> None:
    expected = reason(_kg(tmp_path)).inferred
    (entry,) = tmp_path.glob("closures/closure-*.nt")
    entry.write_text("# kgtool-closure asserted=1 dropped=0\nnot n-triples\n", encoding="utf-8")
    _CACHE.clear()
    assert_isomorphic(expected, reason(_kg(tmp_path)).inferred)
    assert cache.read_closure_bytes(tmp_path, entry.stem.removeprefix("closure-"), "") is not None


def test_no_cache_dir_writes_nothing(tmp_path: Path) -> None:
    reason(_kg(None))
    assert not list(tmp_path.iterdir())


def test_two_processes_build_the_same_entry(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from kgtool.graph import KnowledgeGraph; "
        "from kgtool.reason.engine import reason; "
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
    assert [f.name.startswith("closure-") for f in (tmp_path / "closures").iterdir()] == [True]
    _CACHE.clear()
    assert str(len(reason(_kg(tmp_path)).inferred)).encode() == outputs[0].strip()


def test_cli_uses_cache_dir(invoke: Any, tmp_path: Path) -> None:
    args = ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--reasoned"]
    first = invoke([*args, "--cache-dir", str(tmp_path)])
    assert first.exit_code == 0, first.output
    assert len(list(tmp_path.glob("closures/closure-*.nt"))) == 1
    _CACHE.clear()
    second = invoke([*args, "--cache-dir", str(tmp_path)])
    assert second.output == first.output
    off = invoke([*args, "--no-cache", "--cache-dir", str(tmp_path / "unused")])
    assert off.exit_code == 0
    assert not (tmp_path / "unused").exists()


# -- keying by the input files ------------------------------------------------------


@pytest.fixture
def engine_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the closures actually computed (a cache hit computes none)."""
    import kgtool.reason.engine as reason_module

    calls: list[int] = []
    real = reason_module._closure_triples

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(reason_module, "_closure_triples", counting)
    return calls


def _copies(tmp_path: Path) -> tuple[Path, Path, Path]:
    folder = tmp_path / "inputs"
    folder.mkdir()
    copies = []
    for source in (FACTS, ONTOLOGY, SHAPES):
        target = folder / source.name
        target.write_bytes(source.read_bytes())
        copies.append(target)
    return copies[0], copies[1], copies[2]


def _kg_from(cache_dir: Path, facts: Path, onto: Path, shapes: Path, store: str) -> KnowledgeGraph:
    kg = KnowledgeGraph.load(data=[facts], ontology=[onto], shapes=[shapes], store=store)
    kg.cache_dir = cache_dir
    return kg


STORES = ["memory", pytest.param("oxigraph", marks=pytest.mark.skipif(NO_OXIGRAPH, reason="no ox"))]


@pytest.mark.parametrize("store", STORES)
def test_unchanged_inputs_hit_and_each_changed_file_misses(
    tmp_path: Path, engine_calls: list[int], store: str
) -> None:
    cache_dir = tmp_path / "cache"
    facts, onto, shapes = _copies(tmp_path)

    def run() -> int:
        _CACHE.clear()
        before = len(engine_calls)
        reason(_kg_from(cache_dir, facts, onto, shapes, store))
        return len(engine_calls) - before

    assert run() == 1
    assert run() == 0  # same bytes: read from the cache
    # The shapes never reach the reasoner, so they are not part of the key (see
    # kgtool.reason.closure_cache).
    shapes.write_bytes(shapes.read_bytes() + b"\n# changed\n")
    assert run() == 0
    facts.write_bytes(facts.read_bytes() + b"\n# a comment changes the bytes\n")
    assert run() == 1
    assert run() == 0
    onto.write_bytes(onto.read_bytes() + b"\n# changed\n")
    assert run() == 1
    assert run() == 0


def test_code_change_misses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reason(_kg(tmp_path))
    _CACHE.clear()
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "another kgtool")
    reason(_kg(tmp_path))
    assert len(list(tmp_path.glob("closures/closure-*.nt"))) == 2


def test_datasets_in_memory_are_keyed_by_their_triples(
    tmp_path: Path, engine_calls: list[int]
) -> None:
    from rdflib import Dataset

    def run(text: str) -> int:
        _CACHE.clear()
        kg = KnowledgeGraph.from_dataset(Dataset().parse(data=text, format="trig"))
        kg.cache_dir = tmp_path
        before = len(engine_calls)
        reason(kg)
        return len(engine_calls) - before

    base = (
        "<urn:x:p> <http://www.w3.org/2000/01/rdf-schema#domain> <urn:x:C> .\n"
        "<urn:x:a> <urn:x:p> <urn:x:b> .\n"
    )
    assert run(base) == 1
    assert run(base) == 0
    assert run(base + "<urn:x:c> <urn:x:p> <urn:x:b> .\n") == 1


@pytest.mark.skipif(NO_OXIGRAPH, reason="pyoxigraph is not installed")
def test_entries_are_shared_by_both_stores(tmp_path: Path, engine_calls: list[int]) -> None:
    expected = reason(_kg_from(tmp_path, FACTS, ONTOLOGY, SHAPES, "memory")).inferred
    _CACHE.clear()
    from_ox = reason(_kg_from(tmp_path, FACTS, ONTOLOGY, SHAPES, "oxigraph"))
    assert len(engine_calls) == 1  # the Oxigraph store read the memory store's entry
    assert from_ox.ntriples is not None
    assert_isomorphic(expected, from_ox.inferred)
    # and the other way round
    for entry in tmp_path.glob("closures/closure-*.nt"):
        entry.unlink()
    _CACHE.clear()
    reason(_kg_from(tmp_path, FACTS, ONTOLOGY, SHAPES, "oxigraph"))
    _CACHE.clear()
    again = reason(_kg_from(tmp_path, FACTS, ONTOLOGY, SHAPES, "memory"))
    assert len(engine_calls) == 2
    assert_isomorphic(expected, again.inferred)


@pytest.mark.skipif(NO_OXIGRAPH, reason="pyoxigraph is not installed")
def test_damaged_entry_is_rebuilt_on_oxigraph(tmp_path: Path, engine_calls: list[int]) -> None:
    kg = _kg_from(tmp_path, FACTS, ONTOLOGY, SHAPES, "oxigraph")
    expected = reason(kg).inferred
    (entry,) = tmp_path.glob("closures/closure-*.nt")
    entry.write_bytes(entry.read_bytes()[:-40])  # cut inside the last line
    _CACHE.clear()
    assert_isomorphic(
        expected, reason(_kg_from(tmp_path, FACTS, ONTOLOGY, SHAPES, "oxigraph")).inferred
    )
    assert len(engine_calls) == 2
    assert cache.read_closure_bytes(tmp_path, entry.stem.removeprefix("closure-"), "") is not None


@pytest.mark.skipif(NO_OXIGRAPH, reason="pyoxigraph is not installed")
def test_oxigraph_reason_builds_no_rdflib_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, invoke: Any
) -> None:
    from kgtool.store.oxigraph import OxigraphStore

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("an rdflib graph of the whole store was built")

    for method in ("union", "dataset", "inferred", "set_inferred"):
        monkeypatch.setattr(OxigraphStore, method, refuse)
    for _ in range(2):  # computed, then read from the cache
        _CACHE.clear()
        args = ["reason", "--store", "oxigraph", "--format", "nt", "--data", str(FACTS)]
        result = invoke([*args, "--ontology", str(ONTOLOGY), "--cache-dir", str(tmp_path)])
        assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("closures/closure-*.nt"))) == 1


@pytest.mark.skipif(NO_OXIGRAPH, reason="needs pyoxigraph")
@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_a_closure_not_kept_leaves_the_graph_as_it_was(tmp_path: Path, store: str) -> None:
    def load() -> KnowledgeGraph:
        kg = KnowledgeGraph.load(data=[FACTS], ontology=[ONTOLOGY], shapes=[SHAPES], store=store)
        kg.cache_dir = tmp_path
        return kg

    kg = load()
    written = reason(kg, keep=False)  # as `kgtool reason` does: the closure is only written out
    assert not kg.store.has_inferred() and kg.reasoned_profile is None
    _CACHE.clear()
    kept = load()
    from_cache = reason(kept)
    assert kept.store.has_inferred() and kept.reasoned_profile == "owlrl"
    assert_isomorphic(written.inferred, from_cache.inferred)
    _CACHE.clear()
    again = load()
    assert_isomorphic(written.inferred, reason(again, keep=False).inferred)
    assert not again.store.has_inferred()


@pytest.mark.skipif(NO_OXIGRAPH, reason="needs pyoxigraph")
def test_a_cached_closure_that_does_not_parse_is_rebuilt_when_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Unkept, no store loads the cached body, which is where a damaged one would show: it is
    # parsed instead.
    kg = KnowledgeGraph.load(data=[FACTS], ontology=[ONTOLOGY], shapes=[SHAPES], store="oxigraph")
    kg.cache_dir = tmp_path
    expected = reason(kg, keep=False).inferred
    _CACHE.clear()
    monkeypatch.setattr(cache, "read_closure_bytes", lambda *_: (b"not n-triples\n", 1, 0))
    assert_isomorphic(expected, reason(kg, keep=False).inferred)


#: A company known only as a blank node: under the bundled ontology the reasoner types it an
#: organisation, and a query joins that inferred type with the asserted label on the same node.
BLANK_COMPANY = """\
@prefix kg: <https://w3id.org/eleutherai-kg/ontology/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
_:c a kg:Company ; rdfs:label "Acme" .
"""

BUNDLED = paths.ontology_file()

JOIN = (
    "PREFIX kg: <https://w3id.org/eleutherai-kg/ontology/> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?l WHERE { ?x a kg:Organization ; rdfs:label ?l }"
)


@pytest.mark.parametrize("first", ["memory", "oxigraph"])
@pytest.mark.parametrize("then", ["memory", "oxigraph"])
def test_inferred_triples_name_the_stores_own_blank_nodes(
    tmp_path: Path, first: str, then: str
) -> None:
    """Fresh, from the in-process cache and from the disk cache written by either store, the
    closure's blank nodes are the loaded ones (a new parse labels blank nodes anew)."""
    if NO_OXIGRAPH and "oxigraph" in (first, then):
        pytest.skip("pyoxigraph is not installed")
    data = tmp_path / "blank.ttl"
    data.write_text(BLANK_COMPANY, encoding="utf-8")
    cache_dir = tmp_path / "cache"

    def labels(store: str) -> list[str]:
        kg = KnowledgeGraph.load(data=[data], ontology=[BUNDLED], store=store, cache_dir=cache_dir)
        reason(kg)
        return [str(row[0]) for row in kg.store.query(JOIN, reasoned=True)]

    assert labels(first) == ["Acme"]
    assert labels(then) == ["Acme"]  # the in-process cache holds the first store's closure
    _CACHE.clear()
    assert labels(then) == ["Acme"]  # the disk cache does
    assert len(list(cache_dir.glob("closures/closure-*.nt"))) == 1


def test_a_stored_copy_reuses_a_closure_naming_its_blank_nodes(tmp_path: Path) -> None:
    """The stored Oxigraph copy keeps its labels from process to process: its entry is a hit."""
    if NO_OXIGRAPH:
        pytest.skip("pyoxigraph is not installed")
    data = tmp_path / "blank.ttl"
    data.write_text(BLANK_COMPANY, encoding="utf-8")
    cache_dir = tmp_path / "cache"
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kgtool.graph import KnowledgeGraph\n"
        "from kgtool.reason import engine\n"
        "computed = []\n"
        "real = engine._closure_triples\n"
        "engine._closure_triples = lambda *a: computed.append(1) or real(*a)\n"
        "kg = KnowledgeGraph.load(data=[Path(sys.argv[1])], ontology=[Path(sys.argv[2])],\n"
        "                         store='oxigraph', cache_dir=Path(sys.argv[3]))\n"
        "engine.reason(kg)\n"
        f"rows = [str(r[0]) for r in kg.store.query({JOIN!r}, reasoned=True)]\n"
        "print(len(computed), rows)\n"
    )

    def run() -> str:
        argv = [sys.executable, "-c", script, str(data), str(BUNDLED), str(cache_dir)]
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()

    assert run() == "1 ['Acme']"
    assert run() == "0 ['Acme']"
    (entry,) = cache_dir.glob("closures/closure-*.nt")
    assert b" blank-nodes=" in entry.read_bytes()
