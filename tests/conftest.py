"""Shared fixtures: the small test knowledge graph under tests/data/lib and a CLI runner."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Dataset, Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kgtool.cli.main import cli
from kgtool.graph import KnowledgeGraph

DATA = Path(__file__).parent / "data" / "lib"
FACTS = DATA / "facts.trig"
ONTOLOGY = DATA / "ontology.ttl"
SHAPES = DATA / "shapes.ttl"
QUERIES = DATA / "queries"
INVALID = DATA / "invalid"

#: Options that point every command at the fixtures instead of the bundled data.
FIXTURE_ARGS: list[str] = [
    "--data",
    str(FACTS),
    "--ontology",
    str(ONTOLOGY),
    "--shapes",
    str(SHAPES),
]

Invoke = Callable[..., Result]


def pytest_configure(config: pytest.Config) -> None:
    # rdflib 7 warns about its own internal use of ConjunctiveGraph; not ours to fix.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:rdflib")
    # CLI commands cache closures on disk; keep that out of the user's ~/.cache.
    os.environ.setdefault("KGTOOL_CACHE_DIR", tempfile.mkdtemp(prefix="kgtool-test-cache-"))


@pytest.fixture(autouse=True)
def _no_stale_answers() -> None:
    # `kgtool query` replays answers cached by earlier runs; a test that patches the
    # library to fail must not be answered from another test's run. Closures stay shared.
    from kgtool.io.cache import default_cache_dir
    from kgtool.query.answers import answer_path

    shutil.rmtree(answer_path(default_cache_dir(), "x").parent, ignore_errors=True)


@pytest.fixture
def invoke() -> Invoke:
    """Run kgtool in-process; ``fixture=True`` appends the fixture --data/--ontology/--shapes."""

    def run(args: Sequence[str], fixture: bool = True, input: str | None = None) -> Result:
        argv = list(args) + (FIXTURE_ARGS if fixture else [])
        return CliRunner().invoke(cli, argv, input=input, catch_exceptions=True)

    return run


@pytest.fixture
def kg() -> KnowledgeGraph:
    """The fixture knowledge graph, freshly loaded."""
    return KnowledgeGraph.load(data=[FACTS], ontology=[ONTOLOGY], shapes=[SHAPES])


def assert_isomorphic(expected: Graph, actual: Graph) -> None:
    """Fail with a graph_diff report when two graphs differ (rdflib's GraphHelper style)."""
    if isomorphic(expected, actual):
        return
    _both, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    pytest.fail(
        "graphs differ\n--- only in expected:\n"
        + only_expected.serialize(format="nt")
        + "\n--- only in actual:\n"
        + only_actual.serialize(format="nt")
    )


def assert_same_dataset(expected: Dataset, actual: Dataset) -> None:
    """Assert both datasets have the same non-empty graphs, each pair isomorphic."""
    a = {g.identifier: g for g in expected.graphs() if len(g)}
    b = {g.identifier: g for g in actual.graphs() if len(g)}
    assert sorted(a) == sorted(b)
    for name in a:
        assert_isomorphic(a[name], b[name])


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def oxigraph_server(binary: str, location: Path, *extra: str) -> Iterator[str]:
    """Run ``oxigraph serve`` on 127.0.0.1 until the block ends; yield its base URL.

    Waits (bounded) until the server answers a query, so a broken server fails the test
    instead of hanging it, and always stops the process.
    """
    import subprocess
    import time
    import urllib.request

    port = free_port()
    argv = [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", *extra]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("oxigraph serve exited")
                time.sleep(0.05)
        else:
            pytest.fail("oxigraph serve did not answer")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
