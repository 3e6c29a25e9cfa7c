"""kgtool query --endpoint and kgtool push against a real Oxigraph server.

The server is the ``oxigraph`` binary from PyPI, started by the fixture on 127.0.0.1 with a free
port and stopped in ``finally``; what a real server will not do on demand (record the headers it
gets) comes from the tests' own HTTP server. Nothing here touches the internet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import URIRef

from kgtool.core.errors import KgtoolError
from kgtool.graph import KnowledgeGraph
from kgtool.query.render import render
from kgtool.query.run import run_query
from kgtool.remote.endpoint import push, query_endpoint, run_remote_query
from kgtool.remote.http import user_agent
from tests.conftest import FACTS, ONTOLOGY, QUERIES, SHAPES, free_port, oxigraph_server
from tests.remote.servers import FlakyServer, oxigraph_binary


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """An empty Oxigraph server whose default graph is the union (as kgtool's local view)."""
    with oxigraph_server(oxigraph_binary(), tmp_path / "db", "--union-default-graph") as base:
        yield base


@pytest.fixture
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.load(data=[FACTS], ontology=[ONTOLOGY], shapes=[SHAPES])


def _count(base: str, where: str = "{ ?s ?p ?o }") -> int:
    result = query_endpoint(base + "/query", f"SELECT (COUNT(*) AS ?n) WHERE {where}")
    return int(next(iter(result))[0])


def test_push_keeps_named_graphs_and_is_idempotent(server: str, kg: KnowledgeGraph) -> None:
    summary = push(kg, server + "/store")
    assert summary.graphs == len(kg.store.graph_names())
    assert summary.triples == sum(len(kg.store.named_graph(n)) for n in kg.store.graph_names())
    quads = _count(server, "{ GRAPH ?g { ?s ?p ?o } }")
    assert quads == summary.triples
    push(kg, server + "/store")
    assert _count(server, "{ GRAPH ?g { ?s ?p ?o } }") == quads


def test_push_into_one_graph_with_closure(server: str, kg: KnowledgeGraph) -> None:
    from kgtool.reason.engine import reason

    reason(kg)
    name = URIRef("urn:x-test:all")
    summary = push(kg, server + "/store", graph=name, reasoned=True)
    assert summary.graphs == 1
    assert summary.triples == len(kg.store.union(reasoned=True))
    assert _count(server, f"{{ GRAPH <{name}> {{ ?s ?p ?o }} }}") == summary.triples


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.name)
def test_remote_query_matches_local(server: str, kg: KnowledgeGraph, path: Path) -> None:
    # One graph: Oxigraph's union default graph counts a triple once per graph holding it, while
    # kgtool's union is a set; pushed into one graph, both see each triple once.
    push(kg, server + "/store", graph=URIRef("urn:x-test:all"))
    params = {"min": "1000"} if path.stem == "models-since" else None
    local = run_query(kg, path, params)
    remote = run_remote_query(server + "/query", str(path), params)
    assert render(remote, "tsv") == render(local, "tsv")


def test_cli_push_then_query(server: str, invoke: Any) -> None:
    pushed = invoke(["push", "--endpoint", server + "/store", "--graph", "urn:x-test:all"])
    assert pushed.exit_code == 0, pushed.output
    assert pushed.stderr.startswith("Pushed ") and "in 1 graph to" in pushed.stderr
    local = invoke(["query", "founders", "--queries", str(QUERIES), "--format", "csv"])
    remote = invoke(
        [
            "query",
            "founders",
            "--queries",
            str(QUERIES),
            "--format",
            "csv",
            "--endpoint",
            server + "/query",
        ],
        fixture=False,
    )
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout


def test_unreachable_endpoint_is_a_clean_error(invoke: Any) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    result = invoke(["query", "ASK { ?s ?p ?o }", "--endpoint", url], fixture=False)
    assert result.exit_code == 2
    assert "cannot connect" in result.stderr
    assert "Traceback" not in result.output


def test_bad_utf8_on_stdin_is_an_input_error(invoke: Any) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    result = invoke(["query", "-", "--endpoint", url], fixture=False, input=b"ASK {} \xff")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: <stdin>") and "Internal error" not in result.stderr


def test_push_and_query_go_through_the_one_client(
    kg: KnowledgeGraph, flaky: tuple[str, FlakyServer]
) -> None:
    base, server = flaky
    push(kg, base + "/store", graph=URIRef("urn:x-test:all"))
    query_endpoint(base + "/query", "SELECT ?item {}")
    assert server.seen == [("/store", user_agent()), ("/query", user_agent())]


def test_query_endpoint_waits_as_retry_after_says(flaky: tuple[str, FlakyServer]) -> None:
    base, server = flaky
    result = query_endpoint(base + "/429-now-then-200", "SELECT ?item {}")
    assert list(result) == []
    assert [p for p, _ in server.seen] == ["/429-now-then-200", "/429-now-then-200"]


def test_http_error_is_reported(server: str) -> None:
    with pytest.raises(KgtoolError, match="HTTP 400"):
        query_endpoint(server + "/query", "SELECT ?x WHERE { ?x ?y }")


def test_entity_parameters_given_as_labels_are_looked_up_at_the_endpoint(
    server: str, kg: KnowledgeGraph
) -> None:
    push(kg, server + "/store", graph=URIRef("urn:x-test:all"))  # each triple once, as locally
    local = run_query(kg, QUERIES / "founders.rq", {"org": "EleutherAI"})
    remote = run_remote_query(
        server + "/query", str(QUERIES / "founders.rq"), {"org": "EleutherAI"}
    )
    assert render(remote, "tsv") == render(local, "tsv")
    assert len(remote.result.bindings) >= 1
