"""HTTP caching of a read-only dataset: strong ETags, 304 Not Modified, Cache-Control, Vary."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.serve.server import LIMITS, Server

SELECT = {"query": "SELECT ?s WHERE { ?s a ?type } ORDER BY ?s LIMIT 3"}


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with Server(*LIMITS) as running:
        yield running


def test_an_answer_carries_a_strong_tag_and_cache_headers(server: Server) -> None:
    r = httpx.get(server.url + "/sparql", params=SELECT, headers={"Accept": "text/csv"})
    assert r.status_code == 200
    tag = r.headers["etag"]
    assert tag.startswith('"') and not tag.startswith("W/")
    assert "max-age" in r.headers["cache-control"]
    assert "Accept" in r.headers["vary"]


def test_a_matching_validator_is_answered_304_without_a_body(server: Server) -> None:
    first = httpx.get(server.url + "/sparql", params=SELECT, headers={"Accept": "text/csv"})
    again = httpx.get(
        server.url + "/sparql",
        params=SELECT,
        headers={"Accept": "text/csv", "If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]


def test_the_same_request_gets_the_same_tag_and_bytes(server: Server) -> None:
    answers = [httpx.get(server.url + "/", headers={"Accept": "text/html"}) for _ in range(3)]
    assert len({a.headers["etag"] for a in answers}) == 1
    assert len({a.content for a in answers}) == 1


def test_each_representation_has_its_own_tag(server: Server) -> None:
    csv = httpx.get(server.url + "/sparql", params=SELECT, headers={"Accept": "text/csv"})
    tsv = httpx.get(
        server.url + "/sparql", params=SELECT, headers={"Accept": "text/tab-separated-values"}
    )
    assert csv.headers["etag"] != tsv.headers["etag"]
    stale = httpx.get(
        server.url + "/sparql",
        params=SELECT,
        headers={"Accept": "text/tab-separated-values", "If-None-Match": csv.headers["etag"]},
    )
    assert stale.status_code == 200 and stale.content == tsv.content


def test_errors_and_posts_are_not_tagged(server: Server) -> None:
    bad = httpx.get(server.url + "/sparql", params={"query": "SELECT nonsense"})
    assert bad.status_code == 400 and "etag" not in bad.headers
    posted = httpx.post(server.url + "/sparql", data=SELECT, headers={"Accept": "text/csv"})
    assert posted.status_code == 200 and "etag" not in posted.headers


def test_a_server_that_may_call_other_servers_tags_nothing() -> None:
    with Server(*LIMITS, "--allow-service") as running:
        r = httpx.get(running.url + "/sparql", params=SELECT, headers={"Accept": "text/csv"})
        assert r.status_code == 200 and "etag" not in r.headers
