"""Reading RDF files (kgtool.io.parse): base IRIs and lexical forms, on both stores."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kgtool.core.errors import InputError
from kgtool.export import render_export
from kgtool.graph import KnowledgeGraph
from kgtool.io.parse import base_iri, parse_text, stdin_base

STORES = ["memory", "oxigraph"]
P = URIRef("http://example.org/p")


def _load(path: Path | str, store: str, base: str | None = None) -> KnowledgeGraph:
    return KnowledgeGraph.load(data=[path], ontology=[], shapes=[], store=store, base=base)


@pytest.mark.parametrize("store", STORES)
def test_relative_iris_resolve_against_the_files_own_uri(tmp_path: Path, store: str) -> None:
    f = tmp_path / "rel.ttl"
    f.write_text("<doc> <http://example.org/p> <../other#x> .\n", encoding="utf-8")
    folder = tmp_path.resolve().as_uri()
    expected = (URIRef(f"{folder}/doc"), P, URIRef(f"{folder.rsplit('/', 1)[0]}/other#x"))
    assert list(_load(f, store).store.union()) == [expected]


@pytest.mark.parametrize("store", STORES)
def test_base_replaces_the_files_own_uri(tmp_path: Path, store: str) -> None:
    f = tmp_path / "rel.ttl"
    f.write_text("<doc> <http://example.org/p> <http://example.org/o> .\n", encoding="utf-8")
    kg = _load(f, store, base="http://example.org/data/")
    assert list(kg.store.union()) == [
        (URIRef("http://example.org/data/doc"), P, URIRef("http://example.org/o"))
    ]


@pytest.mark.parametrize("store", STORES)
def test_at_base_in_the_file_still_wins(tmp_path: Path, store: str) -> None:
    f = tmp_path / "rel.ttl"
    f.write_text("@base <http://b.example/> .\n<doc> <http://example.org/p> 1 .\n", "utf-8")
    subjects = {s for s, _, _ in _load(f, store, base="http://example.org/").store.union()}
    assert subjects == {URIRef("http://b.example/doc")}


@pytest.mark.parametrize("store", STORES)
def test_stdin_relative_iris_resolve_against_the_current_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, store: str
) -> None:
    monkeypatch.chdir(tmp_path)
    text = b"<doc> <http://example.org/p> <http://example.org/o> .\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text)))
    kg = KnowledgeGraph.load(data=["-"], ontology=[], shapes=[], store=store, format="ttl")
    assert {s for s, _, _ in kg.store.union()} == {URIRef(f"{stdin_base()}doc")}
    assert stdin_base() == tmp_path.resolve().as_uri() + "/"


def test_base_iri_of_a_file_is_its_file_uri(tmp_path: Path) -> None:
    assert base_iri(tmp_path / "a b.ttl") == (tmp_path / "a b.ttl").resolve().as_uri()
    assert base_iri("-") == stdin_base()
    assert base_iri("-", "http://example.org/") == "http://example.org/"


LEXICAL = """@prefix : <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
:s :v "01"^^xsd:integer, "1"^^xsd:integer, "3.21E4"^^xsd:double, "1"^^xsd:boolean,
      "true"^^xsd:boolean, "1.0"^^xsd:decimal, "1"^^xsd:decimal .
"""
WRITTEN = sorted(["01", "1", "3.21E4", "1", "true", "1.0", "1"])


def test_lexical_forms_are_kept_as_written() -> None:
    quads = parse_text(LEXICAL, "turtle", "lex.ttl").quads((None, None, None, None))
    objects = [o for _, _, o, _ in quads]
    assert sorted(str(o) for o in objects) == WRITTEN
    assert Literal("01", datatype=XSD.integer, normalize=False) in objects


def test_seven_distinct_literals_export_as_seven(tmp_path: Path) -> None:
    f = tmp_path / "lex.ttl"
    f.write_text(LEXICAL, encoding="utf-8")
    lines = render_export(_load(f, "memory"), "nt").splitlines()
    assert sorted(line.split(" ", 2)[2].split('"')[1] for line in lines) == WRITTEN


def test_seven_distinct_literals_export_as_seven_on_the_oxigraph_store(tmp_path: Path) -> None:
    f = tmp_path / "lex.ttl"
    f.write_text(LEXICAL, encoding="utf-8")
    lines = render_export(_load(f, "oxigraph"), "nt").splitlines()
    assert sorted(line.split(" ", 2)[2].split('"')[1] for line in lines) == WRITTEN


def test_rdflib_keeps_normalising_outside_the_parse_path() -> None:
    parse_text(LEXICAL, "turtle", "lex.ttl")
    assert str(Literal("01", datatype=XSD.integer)) == "1"


@pytest.mark.parametrize(
    ("fmt", "text", "line"),
    [
        ("turtle", "<http://a> <http://b> 1 .\n<http://a> <http://b> " + "[ <http://b> " * 5000
         + "1" + " ]" * 5000 + " .\n", 2),
        ("json-ld", '{"@id": "http://a",\n"http://b": "[[[",\n "http://c": ' + "[" * 200 + "1"
         + "]" * 200 + "}", 3),
    ],
    ids=["turtle", "json-ld"],
)  # fmt: skip
def test_a_document_nested_too_deeply_names_its_line(fmt: str, text: str, line: int) -> None:
    with pytest.raises(InputError, match=rf"^deep\.x:{line}: malformed .*nested"):
        parse_text(text, fmt, "deep.x")
