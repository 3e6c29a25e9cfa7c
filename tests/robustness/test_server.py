"""Hostile clients against a real ``kgtool serve``: the server rows of the hostile-input tests.

The protocol-level limits (413 for big bodies, 503 for runaway queries, refused updates and
SERVICE, escaped markup) are tested in tests/serve/test_app.py. Here: path traversal on the static
files and the linked-data paths, slow clients that trickle a request, and many concurrent clients,
each bounded in time and count, all on 127.0.0.1.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.serve.server import LIMITS, Server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with Server(*LIMITS) as running:
        yield running


def raw_get(server: Server, path: str) -> bytes:
    """Send a request line exactly as given (httpx would normalise ``..`` away)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    "path",
    [
        "/static/../serve.py",
        "/static/yasgui/../../app.py",
        "/static/yasgui/..%2f..%2fapp.py",
        "/static/..%2fserve.py",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/../../../../../../etc/passwd",
        "/static//etc/passwd",
        "/eleutherai-kg/id/../../../../etc/passwd",
        "/download/../../etc/passwd",
        "/queries/..%2f..%2fpyproject.toml",
    ],
)
def test_path_traversal_reads_nothing_outside(server: Server, path: str) -> None:
    response = raw_get(server, path)
    status = int(response.split(b" ", 2)[1])
    assert status in (400, 403, 404, 405), response[:200]
    assert b"root:" not in response
    assert b"import " not in response  # no Python source of the package
    assert b"[build-system]" not in response


def test_slow_clients_do_not_block_others(server: Server) -> None:
    """Eight clients trickle half a request line and hold it; others still get answers."""
    slow = []
    try:
        for _ in range(8):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 1")
            slow.append(s)
        started = time.monotonic()
        for _ in range(5):
            response = httpx.get(server.url + "/sparql", params={"query": "ASK {}"}, timeout=10)
            assert response.status_code == 200
        # Bounded: the answers did not wait for the slow clients to finish.
        assert time.monotonic() - started < 10
    finally:
        for s in slow:
            s.close()


def test_many_concurrent_clients_all_get_an_answer(server: Server) -> None:
    """32 clients, 4 requests each; every one answered, none an error."""
    statuses: list[int] = []
    lock = threading.Lock()

    def work() -> None:
        with httpx.Client(timeout=30) as http:
            for _ in range(4):
                r = http.get(
                    server.url + "/sparql",
                    params={"query": "SELECT ?s WHERE { ?s a ?c } LIMIT 5"},
                    headers={"Accept": "application/sparql-results+json"},
                )
                with lock:
                    statuses.append(r.status_code)

    threads = [threading.Thread(target=work) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(statuses) == 128
    assert set(statuses) == {200}
    # And the server still answers afterwards.
    assert (
        httpx.get(server.url + "/sparql", params={"query": "ASK {}"}, timeout=10).status_code == 200
    )
