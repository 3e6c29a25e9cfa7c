"""A real ``kgtool serve`` on 127.0.0.1 over the fixture graph, for the tests that need one."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from tests.conftest import FACTS, ONTOLOGY, QUERIES, SHAPES, free_port

MARKUP = Path(__file__).parents[1] / "data" / "serve" / "markup.trig"
#: A VoID description with subsets, for the home page's title.
VOID_FIXTURE = Path(__file__).parents[1] / "data" / "serve" / "void.trig"
#: Dated events (some with hostile labels), for the home page's timeline.
EVENTS = Path(__file__).parents[1] / "data" / "serve" / "events.trig"
#: The limits most server tests run under: small enough to reach, large enough for the fixture.
LIMITS = ("--timeout", "3", "--max-rows", "500", "--workers", "2")


class Server:
    """A ``kgtool serve`` subprocess; stopped (and its workers with it) by :meth:`stop`."""

    def __init__(self, *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        argv = [sys.executable, "-m", "kgtool", "serve", "--port", str(self.port)]
        argv += ["--data", str(FACTS), "--data", str(MARKUP), "--data", str(VOID_FIXTURE)]
        argv += ["--data", str(EVENTS), "--ontology", str(ONTOLOGY)]
        argv += ["--shapes", str(SHAPES), "--queries", str(QUERIES), *extra]
        self.process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kgtool serve exited: {self.process.stderr.read()}")  # type: ignore[union-attr]
            try:
                if httpx.get(self.url + "/sparql?query=ASK{}", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("kgtool serve did not start in 120 s")

    def stop(self) -> None:
        """Stop the server and wait for it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
