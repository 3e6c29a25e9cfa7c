"""The servers the network tests talk to, all on 127.0.0.1: nothing here touches the internet.

A real ``oxigraph serve`` holds a Wikidata-shaped fixture (tests/data/link/wikidata.ttl); a small
HTTP server of the tests' own plays the failure modes (429 then 200, a hang past the timeout,
invalid JSON), as rdflib's ``test/utils/httpservermock.py`` does. The fixtures are imported by
``tests/remote/conftest.py`` and ``tests/wikidata/conftest.py``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import oxigraph_server

DATA = Path(__file__).parents[1] / "data" / "link"
WIKIDATA_FIXTURE = DATA / "wikidata.ttl"
#: Local facts whose links include wrong ones on purpose (load with the bundled ontology).
FACTS = DATA / "facts.trig"
EMPTY_RESULTS = b'{"head": {"vars": ["item"]}, "results": {"bindings": []}}'


def oxigraph_binary() -> str:
    """Return the ``oxigraph`` server binary (PyPI puts it beside the interpreter), or skip."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        pytest.skip("the oxigraph binary (PyPI package oxigraph) is not installed")
    return found


@pytest.fixture(scope="session")
def wikidata(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real SPARQL server on 127.0.0.1 loaded with the Wikidata-shaped fixture."""
    binary = oxigraph_binary()
    store = tmp_path_factory.mktemp("oxigraph")
    subprocess.run(
        [binary, "load", "--location", str(store), "--file", str(WIKIDATA_FIXTURE)],
        check=True,
        capture_output=True,
    )
    with oxigraph_server(binary, store) as base:
        yield base + "/query"


class FlakyServer(ThreadingHTTPServer):
    """Misbehaves by path; records ``(path, User-Agent)`` of every request in :attr:`seen`."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _FlakyHandler)
        self.seen: list[tuple[str, str]] = []
        self.release = threading.Event()
        self.lock = threading.Lock()


class _FlakyHandler(BaseHTTPRequestHandler):
    server: FlakyServer

    def log_message(self, format: str, *args: Any) -> None:  # keep stderr quiet
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self._answer()

    def do_PUT(self) -> None:
        self.do_POST()

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _answer(self) -> None:
        path = self.path.split("?", 1)[0]
        with self.server.lock:
            self.server.seen.append((path, self.headers.get("User-Agent", "")))
            hits = sum(1 for p, _ in self.server.seen if p == path)
        if path == "/429-then-200":
            if hits == 1:
                self._send(429, b"slow down", {"Retry-After": "2"})
            else:
                self._send(200, EMPTY_RESULTS)
        elif path == "/429-now-then-200":
            if hits == 1:
                self._send(429, b"slow down", {"Retry-After": "0"})
            else:
                self._send(200, EMPTY_RESULTS)
        elif path == "/429-for-an-hour":
            self._send(429, b"come back later", {"Retry-After": "3600"})
        elif path == "/hang":
            self.server.release.wait(30)  # released when the test ends
        elif path == "/garbage":
            self._send(200, b"<html>this is not JSON</html>")
        elif path == "/not-results":
            self._send(200, b'{"hello": "world"}')
        else:
            self._send(200, EMPTY_RESULTS)


@pytest.fixture
def flaky() -> Iterator[tuple[str, FlakyServer]]:
    """A local HTTP server of our own that misbehaves on purpose, by path."""
    server = FlakyServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
