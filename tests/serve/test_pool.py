"""The server's workers load the graph as every command does: --store, --cache-dir, --no-cache.

Each server here is a real ``kgtool serve`` on 127.0.0.1. Which store answers is seen from a
behaviour that differs: 1/3 as an xsd:decimal has 28 digits in rdflib (Python's decimal context)
and 18 in Oxigraph.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from kgtool.serve import pool as pool_module
from kgtool.serve.pool import (
    LOWEST_PRIORITY,
    GraphSpec,
    Limits,
    QueryPool,
    QueryRequest,
    execute,
)
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


# -- a long query yields the CPU ---------------------------------------------------------------

#: Runs far past any limit here: four unrelated patterns of the fixture, joined.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
QUICK = QueryRequest("ASK { ?s ?p ?o }", accept="text/csv")


def _pool(timeout: float) -> QueryPool:
    spec = GraphSpec(data=(str(FACTS),), ontology=(str(ONTOLOGY),), shapes=(), store="oxigraph")
    return QueryPool(spec, Limits(timeout=timeout), size=1)


def test_a_query_past_the_demotion_point_runs_at_the_lowest_priority() -> None:
    async def scenario() -> tuple[set[int], int, int, int]:
        pool = _pool(timeout=4.0)
        await pool.start()
        try:
            (pid,) = pool.worker_pids()
            before = os.getpriority(os.PRIO_PROCESS, pid)
            running = asyncio.create_task(pool.run(QueryRequest(RUNAWAY, accept="text/csv")))
            seen: set[int] = set()
            while not running.done():
                with contextlib.suppress(ProcessLookupError):
                    seen.add(os.getpriority(os.PRIO_PROCESS, pid))
                await asyncio.sleep(0.05)
            stopped = (await running).status
            quick = await pool.run(QUICK)
            (fresh,) = pool.worker_pids()
            return seen, before, stopped, quick.status + os.getpriority(os.PRIO_PROCESS, fresh)
        finally:
            await pool.close()

    seen, before, stopped, quick = asyncio.run(scenario())
    assert stopped == 503  # the time limit still stops it
    assert before in seen and LOWEST_PRIORITY in seen
    assert quick == 200 + before  # the replacement worker runs at the server's own priority


@pytest.mark.parametrize("restorable", [True, False], ids=["restored", "replaced"])
def test_a_demoted_worker_that_answers_gets_its_priority_back_or_is_replaced(
    monkeypatch: pytest.MonkeyPatch, restorable: bool
) -> None:
    if restorable and os.geteuid() != 0:
        pytest.skip("raising a priority again needs CAP_SYS_NICE")
    monkeypatch.setattr(pool_module, "DEMOTE_AFTER", 0.0)  # every query is demoted at once
    if not restorable:
        real = os.setpriority

        def unprivileged(which: int, who: int, value: int) -> None:
            if value < os.getpriority(which, who):
                raise PermissionError(13, "Permission denied")
            real(which, who, value)

        monkeypatch.setattr(os, "setpriority", unprivileged)

    async def scenario() -> tuple[int, int, int, int]:
        pool = _pool(timeout=30.0)
        await pool.start()
        try:
            (first,) = pool.worker_pids()
            before = os.getpriority(os.PRIO_PROCESS, first)
            answer = await pool.run(QUICK)
            while not pool.worker_pids():  # a replacement is being started
                await asyncio.sleep(0.05)
            (after,) = pool.worker_pids()
            return answer.status, first - after, before, os.getpriority(os.PRIO_PROCESS, after)
        finally:
            await pool.close()

    status, moved, before, now = asyncio.run(scenario())
    assert status == 200
    assert (moved == 0) is restorable
    assert now == before


def test_a_worker_killed_at_the_time_limit_leaves_no_temporary_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Without a cache each worker keeps its store in a scratch folder, which a killed worker
    # cannot remove itself.
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))

    async def scenario() -> tuple[list[str], int, list[str], list[str]]:
        pool = _pool(timeout=0.5)
        await pool.start()
        try:
            (folder,) = tmp_path.iterdir()
            (worker,) = folder.iterdir()
            loaded = sorted(p.name for p in worker.rglob("*") if p.is_file())
            stopped = (await pool.run(QueryRequest(RUNAWAY, accept="text/csv"))).status
            while not pool.worker_pids():  # the replacement is being started
                await asyncio.sleep(0.05)
            after = sorted(p.name for p in folder.iterdir())
            return loaded, stopped, [worker.name], after
        finally:
            await pool.close()

    loaded, stopped, killed, after = asyncio.run(scenario())
    assert "CURRENT" in loaded  # the killed worker's RocksDB store was in its folder
    assert stopped == 503
    assert len(after) == 1 and after != killed  # only the replacement's folder is left
    assert list(tmp_path.iterdir()) == []  # and closing the pool removes the rest
