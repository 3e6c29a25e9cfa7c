"""Fixtures for the hostile-input tests: no test here may reach the network."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

# The Wikidata-shaped SPARQL server on 127.0.0.1 that records endpoint answers to damage.
from tests.remote.servers import wikidata

__all__ = ["wikidata"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: bounded random-input runs (about a minute in all)")
    config.addinivalue_line("markers", "server: talks to a kgtool serve started on 127.0.0.1")


@pytest.fixture(autouse=True)
def no_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail any test that opens a network connection: hostile input must not cause one.

    The server tests (marked ``server``) talk to their own ``kgtool serve`` on 127.0.0.1 and
    are exempt.
    """
    if request.node.get_closest_marker("server"):
        yield
        return

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network connection attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield
