"""The server's workers load the graph as every command does: --store, --cache-dir, --no-cache.

Each server here is a real ``kgtool serve`` on 127.0.0.1. Which store answers is seen from a
behaviour that differs: 1/3 as an xsd:decimal has 28 digits in rdflib (Python's decimal context)
and 18 in Oxigraph.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from kgtool.serve.pool import GraphSpec, Limits, QueryRequest, execute
from tests.conftest import FACTS, ONTOLOGY, SHAPES
from tests.serve.server import Server

THIRD = "SELECT (1/3 AS ?x) WHERE {}"
DIGITS = {"memory": 28, "oxigraph": 18}


def _digits(server: Server) -> int:
    r = httpx.get(server.url + "/sparql", params={"query": THIRD, "format": "csv"}, timeout=30)
    assert r.status_code == 200, r.text
    return len(r.text.split()[1].split(".")[1])


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_serve_answers_from_the_store_asked_for(store: str, tmp_path: Path) -> None:
    if store == "oxigraph":
        pytest.importorskip("pyoxigraph")
    with Server("--workers", "1", "--store", store, "--cache-dir", str(tmp_path)) as server:
        assert _digits(server) == DIGITS[store]


def test_serve_caches_closures_in_cache_dir(tmp_path: Path) -> None:
    with Server("--workers", "1", "--reasoned", "--cache-dir", str(tmp_path)):
        pass
    assert list(tmp_path.glob("closures/closure-*.nt"))


def test_serve_no_cache_writes_nothing(tmp_path: Path) -> None:
    args = ("--workers", "1", "--reasoned", "--cache-dir", str(tmp_path), "--no-cache")
    with Server(*args) as server:
        r = httpx.get(server.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert r.status_code == 200
    assert list(tmp_path.rglob("*")) == []


def test_graph_spec_loads_on_its_store_with_its_cache(tmp_path: Path) -> None:
    pytest.importorskip("pyoxigraph")
    fixture = GraphSpec(data=(str(FACTS),), ontology=(str(ONTOLOGY),), shapes=(str(SHAPES),))
    kg = replace(fixture, store="oxigraph", cache_dir=str(tmp_path)).load()
    assert kg.cache_dir == tmp_path
    response = execute(kg, QueryRequest(THIRD, accept="text/csv"), Limits())
    assert len(response.body.split()[1].split(b".")[1]) == DIGITS["oxigraph"]
    assert fixture.load().cache_dir is None


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_protocol_query_resolves_relative_iris_against_its_own_base(store: str) -> None:
    # A query sent over the protocol has no document IRI: the client's BASE is what counts.
    if store == "oxigraph":
        pytest.importorskip("pyoxigraph")
    kg = GraphSpec(data=(str(FACTS),), ontology=(), shapes=(), store=store).load()
    text = "BASE <http://example.org/q/> SELECT ?x WHERE { BIND(<a> AS ?x) }"
    response = execute(kg, QueryRequest(text, accept="text/csv"), Limits())
    assert response.status == 200, response.body
    assert response.body.split() == [b"x", b"http://example.org/q/a"]


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_protocol_dataset_overrides_the_querys_from(store: str) -> None:
    # SPARQL 1.1 Protocol 2.1.4: default-graph-uri / named-graph-uri replace FROM / FROM NAMED.
    if store == "oxigraph":
        pytest.importorskip("pyoxigraph")
    kg = GraphSpec(data=(str(FACTS),), ontology=(), shapes=(), store=store).load()
    graphs = "https://w3id.org/eleutherai-kg/graph/"
    text = f"SELECT (COUNT(*) AS ?n) FROM <{graphs}editorial> WHERE {{ ?s ?p ?o }}"
    by_query = execute(kg, QueryRequest(text, accept="text/csv"), Limits())
    assert by_query.body.split() == [b"n", b"3"]
    absent = QueryRequest(text, default_graphs=("urn:x:absent",), accept="text/csv")
    assert execute(kg, absent, Limits()).body.split() == [b"n", b"0"]
