"""The one HTTP client: User-Agent, retries, 429, timeouts, garbage, the answer record.

The failure modes come from a small HTTP server of the tests' own on 127.0.0.1
(:class:`tests.remote.servers.FlakyServer`); nothing here touches the internet.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kgtool.core.errors import EndpointError, ExportError, OfflineError, UsageError
from kgtool.io.cache import CacheSettings
from kgtool.remote.http import AnswerCache, CachedAnswer, SparqlClient, user_agent
from tests.conftest import free_port
from tests.remote.servers import FlakyServer


def test_user_agent_names_tool_contact_and_rdflib() -> None:
    import rdflib

    from kgtool import __version__

    assert user_agent() == (
        f"kgtool/{__version__} (https://w3id.org/eleutherai-kg; eleutherai-kg contributors) "
        f"rdflib/{rdflib.__version__}"
    )


def test_429_then_200_waits_as_retry_after_says(flaky: tuple[str, FlakyServer]) -> None:
    base, server = flaky
    waits: list[float] = []
    client = SparqlClient(base + "/429-then-200", sleep=waits.append)
    assert client.select("SELECT ?item {}") == []
    assert waits == [2.0]
    assert [ua for _, ua in server.seen] == [user_agent(), user_agent()]


def test_retry_after_longer_than_allowed_fails_at_once(flaky: tuple[str, FlakyServer]) -> None:
    base, server = flaky
    waits: list[float] = []
    client = SparqlClient(base + "/429-for-an-hour", sleep=waits.append)
    with pytest.raises(EndpointError, match=r"asks to wait 3600 s \(Retry-After\)"):
        client.select("SELECT ?item {}")
    assert waits == [] and len(server.seen) == 1


def test_hang_past_the_timeout_is_retried_then_fails(flaky: tuple[str, FlakyServer]) -> None:
    base, server = flaky
    waits: list[float] = []
    client = SparqlClient(base + "/hang", timeout=0.2, retries=2, sleep=waits.append)
    with pytest.raises(EndpointError, match=r"no answer within 0.2 s \(after 3 tries\)"):
        client.select("SELECT ?item {}")
    assert waits == [1.0, 2.0]  # exponential backoff
    assert len(server.seen) == 3


@pytest.mark.parametrize(
    ("path", "message"),
    [("/garbage", "not JSON"), ("/not-results", "not SPARQL JSON results")],
)
def test_garbage_is_an_endpoint_error(
    flaky: tuple[str, FlakyServer], path: str, message: str
) -> None:
    base, _server = flaky
    with pytest.raises(EndpointError, match=message):
        SparqlClient(base + path, retries=0).select("SELECT ?item {}")


def test_endpoint_down_is_an_endpoint_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    waits: list[float] = []
    with pytest.raises(EndpointError, match="cannot connect"):
        SparqlClient(url, retries=1, sleep=waits.append).select("SELECT ?item {}")
    assert waits == []  # refused: down, not busy, so no point waiting


def test_offline_client_never_connects(tmp_path: Path) -> None:
    client = SparqlClient(
        "http://127.0.0.1:9/sparql", offline=True, cache=AnswerCache(CacheSettings(tmp_path))
    )
    with pytest.raises(OfflineError):
        client.select("SELECT ?item {}")


def test_offline_without_a_cache_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--no-cache"):
        SparqlClient("http://127.0.0.1:9/sparql", offline=True)
    with pytest.raises(UsageError, match="--no-cache"):
        SparqlClient(
            "http://127.0.0.1:9/sparql", offline=True, cache=AnswerCache(CacheSettings(None))
        )


def test_answer_record_round_trips_in_the_sparql_kind(tmp_path: Path) -> None:
    cache = AnswerCache(CacheSettings(tmp_path))
    entry = CachedAnswer(
        "http://e/sparql", "ASK {}", "2026-01-01T00:00:00+00:00", {"boolean": True}
    )
    cache.put(entry)
    assert [p.parent.name for p in tmp_path.rglob("*.json")] == ["sparql"]
    assert cache.get("http://e/sparql", "ASK {}") == entry
    assert cache.get("http://other/sparql", "ASK {}") is None


def test_disabled_record_keeps_nothing(tmp_path: Path) -> None:
    cache = AnswerCache(CacheSettings(None))
    cache.put(CachedAnswer("http://e/sparql", "ASK {}", "t", {}))
    assert cache.get("http://e/sparql", "ASK {}") is None


def test_a_record_that_cannot_be_written_is_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder\n")
    cache = AnswerCache(CacheSettings(blocker))
    with pytest.raises(ExportError, match="cannot write the cache entry"):
        cache.put(CachedAnswer("http://e/sparql", "ASK {}", "t", {}))


def test_commit_writes_the_answers_once_the_command_succeeded(
    flaky: tuple[str, FlakyServer], tmp_path: Path
) -> None:
    base, _server = flaky
    client = SparqlClient(base + "/sparql", cache=AnswerCache(CacheSettings(tmp_path)))
    assert client.select("SELECT ?item {}") == []
    assert not tmp_path.joinpath("sparql").exists()
    client.commit()
    offline = SparqlClient(base + "/sparql", offline=True, cache=client.cache)
    assert offline.select("SELECT ?item {}") == []
    assert offline.requests == 0
