"""Loading: formats, graph names, bundled defaults, and every input error (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kgtool.core import paths
from kgtool.core.errors import InputError
from kgtool.core.namespaces import GRAPH_ONTOLOGY, GRAPH_SOURCES, SRC
from kgtool.graph import KnowledgeGraph
from kgtool.io.parse import parse_file

from .conftest import DATA, FACTS, ONTOLOGY, SHAPES, Invoke


def test_named_graphs_are_kept(kg: KnowledgeGraph) -> None:
    names = kg.store.graph_names()
    assert SRC["intro-1"] in names
    assert GRAPH_SOURCES in names
    assert GRAPH_ONTOLOGY in names
    assert len(kg.shapes) > 0
    assert not any(
        (None, URIRef("http://www.w3.org/ns/shacl#targetClass"), None) in kg.store.named_graph(n)
        for n in names
    ), "shapes must not be part of the data"


def test_triple_formats_go_to_the_default_graph(tmp_path: Path) -> None:
    f = tmp_path / "extra.nt"
    f.write_text("<http://e/a> <http://e/b> <http://e/c> .\n", encoding="utf-8")
    kg = KnowledgeGraph.load(data=[f], ontology=[], shapes=[])
    assert kg.store.graph_names() == []
    assert len(kg.store.named_graph(DATASET_DEFAULT_GRAPH_ID)) == 1


def test_folders_skip_non_rdf_files(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "article.txt").write_text("not RDF", encoding="utf-8")
    (tmp_path / "README.md").write_text("# notes", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "facts.trig").write_text(FACTS.read_text(encoding="utf-8"), "utf-8")
    kg = KnowledgeGraph.load(data=[tmp_path], ontology=[ONTOLOGY], shapes=[SHAPES])
    assert SRC["history-2"] in kg.store.graph_names()


def test_bundled_paths_fall_back_to_the_checkout() -> None:
    assert (paths.data_root() / "kgtool").is_dir() or paths.data_root().name == "_data"
    assert paths.queries_dir().name == "queries"


def test_malformed_turtle_names_file_and_line(invoke: Invoke) -> None:
    result = invoke(["stats", "--data", str(DATA / "malformed.ttl")])
    assert result.exit_code == 2
    assert "malformed.ttl:5:" in result.stderr
    assert "Traceback" not in result.output


def test_malformed_ntriples_names_the_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.nt"
    f.write_text(
        "<http://e/a> <http://e/b> <http://e/c> .\n\n<http://e/a> <http://e/b> .\n", "utf-8"
    )
    with pytest.raises(InputError, match=r"bad\.nt:3:"):
        parse_file(f)


def test_malformed_rdfxml_names_the_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.rdf"
    f.write_text("<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n<x\n", "utf-8")
    with pytest.raises(InputError, match=r"bad\.rdf:\d+:"):
        parse_file(f)


def test_missing_file_exits_2(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(["stats", "--data", str(tmp_path / "nope.trig")])
    assert result.exit_code == 2
    assert "nope.trig: no such file" in result.stderr


def test_directory_where_a_file_is_expected() -> None:
    with pytest.raises(InputError, match="is a directory"):
        parse_file(DATA / "queries", "turtle")


def test_unknown_extension_exits_2(invoke: Invoke, tmp_path: Path) -> None:
    f = tmp_path / "facts.csv"
    f.write_text("a,b\n", encoding="utf-8")
    result = invoke(["stats", "--data", str(f)])
    assert result.exit_code == 2
    assert "cannot tell the RDF format" in result.stderr


def test_unreadable_file_exits_2(invoke: Invoke, tmp_path: Path) -> None:
    f = tmp_path / "locked.ttl"
    f.write_text("<http://e/a> <http://e/b> <http://e/c> .", encoding="utf-8")
    f.chmod(0)
    try:
        if f.stat().st_mode and _can_read(f):
            pytest.skip("running as root: chmod 000 does not stop reading")
        result = invoke(["stats", "--data", str(f)])
        assert result.exit_code == 2
        assert "permission denied" in result.stderr
    finally:
        f.chmod(0o644)


def _can_read(f: Path) -> bool:
    try:
        f.read_bytes()
    except PermissionError:
        return False
    return True


def test_stdin_needs_and_uses_input_format(invoke: Invoke) -> None:
    text = '<http://e/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" .'
    ok = invoke(
        ["stats", "--data", "-", "--input-format", "nt", "--ontology", str(ONTOLOGY)],
        fixture=False,
        input=text,
    )
    assert ok.exit_code == 0, ok.output
    assert "Asserted triples:" in ok.stdout
    missing = invoke(["stats", "--data", "-"], fixture=False, input=text)
    assert missing.exit_code == 2


def test_jsonld_remote_context_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "remote.jsonld"
    f.write_text(json.dumps({"@context": "https://schema.org/", "@id": "http://e/a"}), "utf-8")
    with pytest.raises(InputError, match="remote JSON-LD context"):
        parse_file(f)


def test_jsonld_with_inline_context_loads(tmp_path: Path) -> None:
    f = tmp_path / "inline.jsonld"
    doc = {"@context": {"ex": "http://e/"}, "@id": "ex:g", "@graph": [{"@id": "ex:a", "ex:b": 1}]}
    f.write_text(json.dumps(doc), "utf-8")
    kg = KnowledgeGraph.load(data=[f], ontology=[], shapes=[])
    assert URIRef("http://e/g") in kg.store.graph_names()
