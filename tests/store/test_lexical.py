"""The loader says which literals the Oxigraph store gives back otherwise than written."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD as XSD_NS

from kgtool.core.errors import InputError
from kgtool.graph import KnowledgeGraph
from kgtool.store.lexical import Rewrite, find_rewrite
from kgtool.store.oxigraph import OxigraphStore
from kgtool.store.snapshot import KIND, RECORD
from tests.conftest import FACTS, ONTOLOGY, Invoke

XSD = "http://www.w3.org/2001/XMLSchema#"
#: Seven triples as written; an Oxigraph store keeps six, none of the first three as written.
TEXT = (
    "@prefix x: <http://x/> .\n"
    f'x:a x:p "01"^^<{XSD}integer>, "3.21E4"^^<{XSD}double>, "1"^^<{XSD}boolean>, true .\n'
    f'x:a x:q "300"^^<{XSD}byte>, "plain", "en"@en .\n'
)


def lit(text: str, datatype: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))


def test_a_canonical_literal_is_given_back_as_written() -> None:
    assert find_rewrite("a.ttl", [lit("1", "integer"), lit("true", "boolean")]) is None
    assert find_rewrite("a.ttl", []) is None


def test_the_first_rewritten_literal_in_file_order_is_named() -> None:
    found = find_rewrite(
        "a.ttl",
        [lit("2", "integer"), lit("300", "byte"), lit("01", "integer"), lit("300", "byte")],
    )
    assert found == Rewrite("a.ttl", 2, f'"300"^^<{XSD}byte>', f'"300"^^<{XSD}integer>')
    assert found.describe() == (
        'a.ttl: "300"^^xsd:byte reads back as "300"^^xsd:integer (and 1 more)'
    )


def test_two_forms_of_one_value_are_each_counted() -> None:
    found = find_rewrite("a.ttl", [lit("1", "boolean"), lit("true", "boolean")])
    assert found is not None and found.count == 1 and found.written == f'"1"^^<{XSD}boolean>'


def test_a_rewrite_survives_its_record() -> None:
    rewrite = Rewrite("a.ttl", 3, '"01"', '"1"')
    assert Rewrite.from_record(json.loads(json.dumps(rewrite.as_record()))) == rewrite
    for junk in (None, [], ["a", 0, "x", "y"], ["a", 1, 2, "y"], {"file": "a"}):
        with pytest.raises(ValueError):
            Rewrite.from_record(junk)


@pytest.mark.parametrize("name", ["a.ttl", "a.nt", "a.jsonld"])
def test_the_oxigraph_store_lists_the_files_it_rewrites(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name == "a.ttl":
        path.write_text(TEXT, encoding="utf-8")
    elif name == "a.nt":
        # Behind a byte order mark, which the store skips.
        path.write_bytes(
            b"\xef\xbb\xbf" + f'<http://x/a> <http://x/p> "01"^^<{XSD}int> .\n'.encode()
        )
    else:
        doc = {"@id": "http://x/a", "http://x/p": {"@value": "01", "@type": XSD + "integer"}}
        path.write_text(json.dumps(doc), encoding="utf-8")
    store = OxigraphStore()
    store.load_files([], [path])
    assert [r.file for r in store.rewrites] == [str(path)]


def test_a_file_kept_as_written_is_not_listed(tmp_path: Path) -> None:
    store = OxigraphStore()
    store.load_files([ONTOLOGY], [FACTS])
    assert store.rewrites == []


def test_the_memory_store_keeps_every_form(tmp_path: Path) -> None:
    path = tmp_path / "a.ttl"
    path.write_text(TEXT, encoding="utf-8")
    kg = KnowledgeGraph.load(data=[path], ontology=[], shapes=[], store="memory")
    assert kg.store.rewrites == [] and len(kg.store.union()) == 7


def test_the_stored_copy_keeps_its_rewrites(tmp_path: Path) -> None:
    path = tmp_path / "a.ttl"
    path.write_text(TEXT, encoding="utf-8")
    cache = tmp_path / "cache"
    built = KnowledgeGraph.load(data=[path], ontology=[], shapes=[], cache_dir=cache)
    opened = KnowledgeGraph.load(data=[path], ontology=[], shapes=[], cache_dir=cache)
    assert getattr(opened.store, "snapshot", None) is not None
    assert opened.store.rewrites == built.store.rewrites
    assert [r.count for r in opened.store.rewrites] == [4]


def test_a_record_that_does_not_list_rewrites_is_built_again(tmp_path: Path) -> None:
    path = tmp_path / "a.ttl"
    path.write_text(TEXT, encoding="utf-8")
    cache = tmp_path / "cache"
    KnowledgeGraph.load(data=[path], ontology=[], shapes=[], cache_dir=cache)
    (entry,) = (cache / KIND).iterdir()
    record = json.loads((entry / RECORD).read_text("utf-8"))
    del record["rewrites"]
    (entry / RECORD).write_text(json.dumps(record), "utf-8")
    kg = KnowledgeGraph.load(data=[path], ontology=[], shapes=[], cache_dir=cache)
    assert [r.count for r in kg.store.rewrites] == [4]


def test_loading_warns_of_each_rewrite_with_file_and_literal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "a.ttl"
    path.write_text(TEXT, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="kgtool"):
        KnowledgeGraph.load(data=[path], ontology=[], shapes=[])
    (record,) = [r for r in caplog.records if r.name.startswith("kgtool")]
    assert f'{path}: "01"^^xsd:integer reads back as "1"^^xsd:integer (and 3 more)' in (
        record.getMessage()
    )
    assert "--store memory" in record.getMessage()


def test_the_command_line_warns_once_and_the_same_on_every_run(
    tmp_path: Path, invoke: Invoke
) -> None:
    path = tmp_path / "a.ttl"
    path.write_text(TEXT, encoding="utf-8")
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    args = ["export", "--data", str(path), "--ontology", str(empty), "--format", "nt"]
    runs = [invoke(args, fixture=False), invoke(args, fixture=False)]
    runs.append(invoke([*args, "--no-cache"], fixture=False))
    for run in runs:
        assert run.exit_code == 0, run.output
        assert run.stderr.count("Warning: ") == 1
        assert run.stderr == runs[0].stderr
    assert '"01"^^xsd:integer reads back as "1"^^xsd:integer' in runs[0].stderr
    kept = invoke([*args, "--store", "memory"], fixture=False)
    assert kept.exit_code == 0 and "Warning" not in kept.stderr
    assert f'"01"^^<{XSD}integer>' in kept.stdout and len(kept.stdout.splitlines()) == 7
    assert all(run.stdout == kept.stdout for run in runs)


def _loaded(tmp_path: Path) -> OxigraphStore:
    path = tmp_path / "a.ttl"
    path.write_text(TEXT, encoding="utf-8")
    store = OxigraphStore()
    store.load_files([], [path])
    return store


def test_the_views_of_such_inputs_are_read_again_as_written(tmp_path: Path) -> None:
    store = _loaded(tmp_path)
    assert len(store.dataset()) == 7 and len(store.union()) == 7
    assert Literal("01", datatype=XSD_NS.integer, normalize=False) in set(store.union().objects())
    lines = store.sorted_dump("nt")  # the inputs read again: Oxigraph's writer keeps "01"
    assert lines is not None and len(lines.splitlines()) == 7
    assert f'"01"^^<{XSD}integer>'.encode() in lines
    # SPARQL is Oxigraph's: it answers with the forms it keeps.
    answer = store.ox.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert next(iter(answer))["n"].value == "6"


def test_quads_added_otherwise_leave_the_store_its_own_forms(tmp_path: Path) -> None:
    store = _loaded(tmp_path)
    extra = Graph().add((URIRef("urn:a"), URIRef("urn:p"), Literal("x")))
    store.add_graph(None, extra)
    assert store.parts is None
    assert len(store.union()) == 7  # six of the file's, as the store keeps them, and one more
    lines = store.sorted_dump("nt")
    assert lines is not None and len(lines.splitlines()) == 7


def test_an_input_gone_since_loading_is_not_exported_from_the_stores_forms(
    tmp_path: Path,
) -> None:
    store = _loaded(tmp_path)
    (tmp_path / "a.ttl").unlink()
    assert store.sorted_dump("nt") is None  # the rdflib path reports the missing file


def test_standard_input_is_kept_to_be_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode())))
    store = OxigraphStore()
    store.load_files([], [Path("-")], fmt="turtle")
    assert [r.file for r in store.rewrites] == ["-"] and len(store.union()) == 7


def test_a_stored_copy_reads_its_inputs_again_as_written(tmp_path: Path) -> None:
    path = tmp_path / "a.ttl"
    path.write_text(TEXT, encoding="utf-8")
    cache = tmp_path / "cache"
    KnowledgeGraph.load(data=[path], ontology=[], shapes=[], cache_dir=cache)
    opened = KnowledgeGraph.load(data=[path], ontology=[], shapes=[], cache_dir=cache)
    assert getattr(opened.store, "snapshot", None) is not None
    assert len(opened.store.union()) == 7


@pytest.mark.parametrize("bulk", [False, True], ids=["transaction", "bulk load"])
def test_both_ways_of_loading_find_the_same_rewrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    # A bulk load reads the typed literals in a second thread while it runs: the same answer.
    monkeypatch.setattr("kgtool.store.oxigraph.BULK_LOAD_BYTES", 0 if bulk else 10**9)
    path = tmp_path / "a.ttl"
    path.write_text(TEXT, encoding="utf-8")
    seen: list[int] = []
    store = OxigraphStore()
    store.load_file(path, "turtle", progress=seen.append)
    assert [(r.file, r.count) for r in store.rewrites] == [(str(path), 4)]
    assert len(store.union()) == 7 and sum(seen) == path.stat().st_size


def test_a_malformed_file_bulk_loaded_is_named_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kgtool.store.oxigraph.BULK_LOAD_BYTES", 0)
    path = tmp_path / "bad.ttl"
    path.write_text(TEXT + "x:a x:p .\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.ttl.*\b4\b"):
        OxigraphStore().load_file(path, "turtle")
