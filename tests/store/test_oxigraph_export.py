"""The fast export paths match the canonical rdflib path.

On the Oxigraph store, Turtle and TriG come from Oxigraph's writer over sorted quads. The layout
differs from rdflib's, so outputs are compared by isomorphism (per named graph for TriG), on the
shipped graph and on a synthetic one from bench/generate.py, asserted and reasoned. The faster
JSON-LD path must give exactly the bytes of the former one (the dataset copy + rdflib's convert).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef

pytest.importorskip("pyoxigraph")

from kgtool.core import paths
from kgtool.core.errors import ExportError, InputError
from kgtool.export import (
    _dataset_for_export,
    export,
    render_export,
    serialize_dataset,
    store_writer,
    write_atomic,
)
from kgtool.graph import KnowledgeGraph
from kgtool.query.run import run_query
from kgtool.reason.engine import reason
from kgtool.store.oxigraph import OxigraphStore
from tests.conftest import assert_isomorphic, assert_same_dataset

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

Pair = tuple[KnowledgeGraph, KnowledgeGraph]


def _pair(**kwargs: Any) -> Pair:
    memory = KnowledgeGraph.load(store="memory", **kwargs)
    oxi = KnowledgeGraph.load(store="oxigraph", **kwargs)
    # Reason once and hand both stores the same inferred graph.
    oxi.store.set_inferred(reason(memory).inferred)
    return memory, oxi


@pytest.fixture(scope="module")
def shipped() -> Pair:
    if not paths.ontology_file().exists():
        pytest.skip("no bundled ontology")
    return _pair()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Pair:
    data = tmp_path_factory.mktemp("synthetic") / "kg-2k.trig"
    data.write_text(generate(2000), encoding="utf-8")
    return _pair(data=[data])


@pytest.fixture(params=["shipped", "synthetic"])
def pair(request: pytest.FixtureRequest) -> Pair:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


@pytest.mark.parametrize("reasoned", [False, True], ids=["asserted", "reasoned"])
def test_turtle_is_isomorphic_to_the_rdflib_path(pair: Pair, reasoned: bool) -> None:
    memory, oxi = pair
    assert store_writer(oxi, "turtle", reasoned) is not None  # the Oxigraph path is taken
    expected = Graph().parse(data=render_export(memory, "turtle", reasoned), format="turtle")
    actual = Graph().parse(data=render_export(oxi, "turtle", reasoned), format="turtle")
    assert len(actual) == len(memory.store.union(reasoned))
    assert_isomorphic(expected, actual)


@pytest.mark.parametrize("reasoned", [False, True], ids=["asserted", "reasoned"])
def test_trig_is_isomorphic_to_the_rdflib_path_per_graph(pair: Pair, reasoned: bool) -> None:
    memory, oxi = pair
    assert store_writer(oxi, "trig", reasoned) is not None
    expected = Dataset().parse(data=render_export(memory, "trig", reasoned), format="trig")
    actual = Dataset().parse(data=render_export(oxi, "trig", reasoned), format="trig")
    assert_same_dataset(expected, actual)


@pytest.mark.parametrize("fmt", ["turtle", "trig"])
def test_oxigraph_output_is_the_same_bytes_on_every_load(fmt: str, tmp_path: Path) -> None:
    data = tmp_path / "kg.trig"
    data.write_text(generate(1000), encoding="utf-8")
    texts = {
        render_export(KnowledgeGraph.load(data=[data], store="oxigraph"), fmt) for _ in range(2)
    }
    assert len(texts) == 1


def test_oxigraph_output_is_the_same_bytes_across_processes(tmp_path: Path) -> None:
    # Prefix tables and hash maps could be ordered by a per-process seed; they must not be.
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}.trig"
        args = ["export", "--store", "oxigraph", "--format", "trig", "-o", str(out)]
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "kgtool", *args], check=True, env=env, cwd=ROOT)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith(b"@prefix ")


def test_export_to_a_file_streams_the_same_text(shipped: Pair, tmp_path: Path) -> None:
    _memory, oxi = shipped
    out = tmp_path / "kg.ttl"
    assert export(oxi, "turtle", dest=out) == ""
    assert out.read_text(encoding="utf-8") == render_export(oxi, "turtle")
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]


def test_blank_nodes_keep_the_canonical_path() -> None:
    ds = Dataset()
    ds.graph(URIRef("urn:g")).add((BNode(), URIRef("urn:p"), Literal("x")))
    memory = KnowledgeGraph.from_dataset(ds)
    store = OxigraphStore()
    store.add_dataset(ds)
    oxi = KnowledgeGraph(store=store, ontology_graph=memory.ontology, shapes_graph=memory.shapes)
    for fmt in ("turtle", "trig"):
        assert store_writer(oxi, fmt) is None
        assert render_export(oxi, fmt) == render_export(memory, fmt)


def test_memory_store_keeps_the_canonical_path(shipped: Pair) -> None:
    memory, _oxi = shipped
    assert store_writer(memory, "turtle") is None
    # rdflib's layout, prefixes sorted (Oxigraph orders its prefix table its own way).
    prefixes = [x for x in render_export(memory, "turtle").split("\n") if x.startswith("@prefix")]
    assert prefixes and prefixes == sorted(prefixes)


def test_streamed_write_that_fails_leaves_old_file_and_no_temp(tmp_path: Path) -> None:
    out = tmp_path / "kg.ttl"
    out.write_text("old content\n", encoding="utf-8")

    def half_then_fail(handle: Any) -> None:
        handle.write(b"<a> <b> ")
        raise OSError(28, "No space left on device")

    with pytest.raises(ExportError, match="No space left on device"):
        write_atomic(out, half_then_fail)
    assert out.read_text(encoding="utf-8") == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
@pytest.mark.parametrize("reasoned", [False, True], ids=["asserted", "reasoned"])
def test_jsonld_is_the_same_bytes_as_the_dataset_path(
    pair: Pair, store: str, reasoned: bool
) -> None:
    kg = pair[0] if store == "memory" else pair[1]
    former = serialize_dataset(_dataset_for_export(kg, reasoned), "jsonld", kg.ontology)
    assert render_export(kg, "jsonld", reasoned) == former


def test_jsonld_with_blank_nodes_and_falsy_values_is_the_same_bytes() -> None:
    ds = Dataset()
    g = ds.graph(URIRef("urn:g"))
    node = BNode()
    g.add((URIRef("urn:a"), URIRef("urn:p"), node))
    g.add((node, URIRef("urn:q"), Literal(0)))
    g.add((node, URIRef("urn:q"), Literal(1)))
    ds.graph(URIRef("urn:h")).add((URIRef("urn:a"), URIRef("urn:p"), Literal("")))
    kg = KnowledgeGraph.from_dataset(ds)
    former = serialize_dataset(_dataset_for_export(kg, False), "jsonld", kg.ontology)
    assert render_export(kg, "jsonld") == former


@pytest.mark.parametrize("reasoned", [False, True], ids=["asserted", "reasoned"])
def test_turtle_lines_are_the_same_with_or_without_the_union_graph(
    synthetic: Pair, reasoned: bool
) -> None:
    # Without the store's union graph the triples are read graph by graph and deduplicated.
    store = synthetic[1].store
    assert isinstance(store, OxigraphStore)
    store._changed()  # drops the union graph
    before = store.sorted_dump("nt", reasoned)
    store._ensure_union()
    assert store.sorted_dump("nt", reasoned) == before
    assert before is not None and before.count(b"\n") == len(store.union(reasoned))


def test_sorted_lines_are_the_same_once_duplicates_were_ruled_out(tmp_path: Path) -> None:
    """After a query found no triple in two graphs, the dump skips its set: same bytes."""
    data = tmp_path / "kg.trig"
    data.write_text(generate(2000), encoding="utf-8")
    kg = KnowledgeGraph.load(data=[data], store="oxigraph")
    store = kg.store
    assert isinstance(store, OxigraphStore)
    before = store.sorted_dump("nt")
    run_query(kg, "ASK { ?s ?p ?o }")  # checks for duplicates, and caches the answer
    assert store._cache.get(("duplicates", True)) is False
    assert store.sorted_dump("nt") == before


# Literals whose text looks like the terms around them: spaces, an IRI, a quote, a language tag
# and a datatype, in the default graph and in named graphs, each also stated twice.
_TRICKY = [
    Literal("a b <urn:g1>"),
    Literal('say "<urn:g2>" .'),
    Literal("x <urn:y>", lang="en"),
    Literal("<urn:z> w", datatype=URIRef("urn:dt")),
    Literal(" . "),
    URIRef("urn:o"),
]


def _tricky_pair() -> Pair:
    ds = Dataset()
    p = URIRef("urn:p")
    for i, obj in enumerate(_TRICKY):
        s = URIRef(f"urn:s{i}")
        ds.default_graph.add((s, p, obj))
        ds.graph(URIRef("urn:g1")).add((s, p, obj))
        ds.graph(URIRef(f"urn:g{i + 2}")).add((s, URIRef("urn:q"), obj))
    memory = KnowledgeGraph.from_dataset(ds)
    store = OxigraphStore()
    store.add_dataset(ds)
    oxi = KnowledgeGraph(store=store, ontology_graph=memory.ontology, shapes_graph=memory.shapes)
    return memory, oxi


@pytest.mark.parametrize("fmt", ["nt", "nquads"])
def test_lines_of_tricky_literals_are_the_same_bytes(fmt: str) -> None:
    memory, oxi = _tricky_pair()
    assert store_writer(oxi, fmt) is not None  # Oxigraph's lines, split by graph in Python
    assert render_export(oxi, fmt) == render_export(memory, fmt)
    assert "  ." not in render_export(memory, fmt)  # rdflib's default-graph quads: one space


def test_trig_of_tricky_literals_is_the_same_dataset() -> None:
    memory, oxi = _tricky_pair()
    assert store_writer(oxi, "trig") is not None
    ours = Dataset()
    ours.parse(data=render_export(oxi, "trig"), format="trig")
    assert_same_dataset(ours, memory.store.dataset(False))


def _random_nquads(seed: int) -> str:
    """Quads of every term kind the JSON-LD compaction tells apart, literals as written."""
    from tests.io.test_jsonld_plain import _iri, _literal, _triples

    r = random.Random(seed)
    ds = Dataset()
    for i in range(r.randrange(1, 5)):
        name = None if i == 0 else URIRef(f"urn:g:{r.randrange(6)}")
        target = ds.graph(name) if name is not None else ds.default_context
        for s, p, o in _triples(r, r.randrange(1, 12), blank=r.random() < 0.3):
            target.add((s, p, o))
        if r.random() < 0.3:
            target.add((_iri(r), URIRef("urn:p"), _literal(r)))
    return ds.serialize(format="nquads")


def test_jsonld_of_random_inputs_is_the_same_bytes_on_both_stores(tmp_path: Path) -> None:
    rewritten = 0
    for seed in range(40):
        path = tmp_path / f"r{seed}.nq"
        path.write_text(_random_nquads(seed), encoding="utf-8")
        memory = KnowledgeGraph.load(data=[path], store="memory")
        oxi = KnowledgeGraph.load(data=[path], store="oxigraph")
        rewritten += bool(oxi.store.rewrites)
        text = render_export(oxi, "jsonld")
        assert text == serialize_dataset(_dataset_for_export(oxi, False), "jsonld", oxi.ontology)
        assert text == render_export(memory, "jsonld"), seed
    assert rewritten  # some inputs are read again as written ("01"^^xsd:integer)


def test_jsonld_from_the_stores_own_forms_is_the_same_bytes() -> None:
    # Added through rdflib, not loaded from a file: the store's canonical forms, no rewrites.
    from tests.io.test_jsonld_plain import _triples

    r = random.Random(3)
    for _ in range(40):
        ds = Dataset()
        for name in ("urn:g:1", "urn:g:2"):
            for triple in _triples(r, 10, blank=r.random() < 0.3):
                ds.graph(URIRef(name)).add(triple)
        store = OxigraphStore()
        store.add_dataset(ds)
        memory = KnowledgeGraph.from_dataset(ds)
        oxi = KnowledgeGraph(
            store=store, ontology_graph=memory.ontology, shapes_graph=memory.shapes
        )
        former = serialize_dataset(_dataset_for_export(oxi, False), "jsonld", oxi.ontology)
        assert render_export(oxi, "jsonld") == former


@pytest.mark.parametrize("fmt", ["nt", "nquads", "turtle", "trig", "jsonld"])
@pytest.mark.parametrize("cached", [False, True], ids=["fresh", "cached"])
@pytest.mark.parametrize("kept", [False, True], ids=["as-written", "by-value"])
def test_an_input_rewritten_after_loading_is_not_read_again(
    fmt: str, cached: bool, kept: bool, tmp_path: Path
) -> None:
    # Exports read unchanged inputs again rather than the store; a file edited since (while a
    # server runs, say) must not make the export say what the queries do not.
    value = '"01"^^xsd:integer' if kept else '"old"'
    data = tmp_path / "kg.ttl"
    prefixes = (
        "@prefix ex: <http://example.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    )
    data.write_text(f"{prefixes}ex:a ex:p {value} .\n", encoding="utf-8")
    options: dict[str, Any] = {"data": [data], "ontology": [], "shapes": [], "store": "oxigraph"}
    if cached:
        options["cache_dir"] = tmp_path / "cache"
        KnowledgeGraph.load(**options)  # the stored copy the next load opens
    kg = KnowledgeGraph.load(**options)
    before = render_export(kg, fmt)
    data.write_text(f'{prefixes}ex:a ex:p "new" .\n', encoding="utf-8")
    if kept:
        # The store has 1 for the 01 written: it cannot give the file's text back.
        with pytest.raises(InputError, match="changed since it was loaded"):
            render_export(kg, fmt)
    else:
        assert render_export(kg, fmt) == before
    answered = {str(row[0]) for row in kg.store.query("SELECT ?o WHERE { ?s ?p ?o }")}  # type: ignore[index]
    assert answered == {"1" if kept else "old"}


@pytest.mark.parametrize("reasoned", [False, True], ids=["asserted", "reasoned"])
def test_jsonld_from_inputs_read_again_states_each_quad_once(
    tmp_path: Path, reasoned: bool
) -> None:
    # The same triple in two files and twice in one: the store holds it once, and so must the
    # export read from the files; the ontology's triples stay in their own graph.
    head = "@prefix ex: <http://example.org/> .\n"
    first, second = tmp_path / "a.ttl", tmp_path / "b.trig"
    first.write_text(head + "ex:a ex:p ex:b .\nex:a ex:p ex:b .\nex:a a ex:C .\n", encoding="utf-8")
    second.write_text(head + "ex:a ex:p ex:b .\nex:g { ex:a ex:p ex:b }\n", encoding="utf-8")
    ontology = tmp_path / "o.ttl"
    ontology.write_text(
        head
        + "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\nex:C rdfs:subClassOf ex:D .\n",
        encoding="utf-8",
    )
    options: dict[str, Any] = {"data": [first, second], "ontology": [ontology], "shapes": []}
    memory = KnowledgeGraph.load(store="memory", **options)
    oxi = KnowledgeGraph.load(store="oxigraph", **options)
    assert isinstance(oxi.store, OxigraphStore) and oxi.store._inputs_again() is not None
    if reasoned:
        oxi.store.set_inferred(reason(memory).inferred)
    assert render_export(oxi, "jsonld", reasoned) == render_export(memory, "jsonld", reasoned)
    read_again = list(oxi.store.graph_triples(reasoned))
    oxi.store.parts = None  # the store's own quads, out of RocksDB
    stored = list(oxi.store.graph_triples(reasoned))
    assert len(read_again) == len(stored) and set(read_again) == set(stored)
