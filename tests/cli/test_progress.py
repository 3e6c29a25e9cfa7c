"""Progress lines on stderr: shown on a terminal or when forced, never otherwise.

No timing: the delay before a line appears is set to 0, and the environment forces the mode.
"""

from __future__ import annotations

import pytest

import kgtool.cli.progress
from tests.conftest import Invoke

pytest.importorskip("tqdm")

STEPS = [
    (["reason"], ["load: ", "reason: "]),
    (["validate"], ["load: ", "validate: "]),
    (["export", "--format", "nt"], ["load: ", "export: "]),
    (["query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--reasoned"], ["load: ", "reason: "]),
]


@pytest.fixture(autouse=True)
def _no_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kgtool.cli.progress, "PROGRESS_DELAY", 0)


@pytest.mark.parametrize(("args", "lines"), STEPS, ids=[s[0][0] for s in STEPS])
def test_forced_on_shows_each_step(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, args: list[str], lines: list[str]
) -> None:
    monkeypatch.setenv("KGTOOL_PROGRESS", "always")
    result = invoke(args)
    assert result.exit_code in (0, 1), result.output
    for line in lines:
        assert line in result.stderr
    assert ": 00:" not in result.stdout  # progress never mixes with results


@pytest.mark.parametrize("mode", ["never", "auto"])
@pytest.mark.parametrize(("args", "lines"), STEPS, ids=[s[0][0] for s in STEPS])
def test_quiet_when_off_or_not_a_terminal(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, mode: str, args: list[str], lines: list[str]
) -> None:
    monkeypatch.setenv("KGTOOL_PROGRESS", mode)  # CliRunner's stderr is not a terminal
    result = invoke(args)
    assert result.exit_code in (0, 1), result.output
    assert not any(line in result.stderr for line in lines)


def test_forced_on_without_tqdm_stays_quiet(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setenv("KGTOOL_PROGRESS", "always")
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm now raises ImportError
    result = invoke(["reason"])
    assert result.exit_code == 0
    assert "reason: " not in result.stderr


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (["validate"], r"validate: 100%\|.*\| (\d+)/\1 \[.* shapes/s\]"),
        (["stats", "--store", "memory"], r"load: 100%\|.*\| ([\d.]+[kM]?)/\1 \[.*B/s\]"),
        # Without the cache the inputs are parsed (a stored copy would be opened, not read).
        (["stats", "--no-cache"], r"load: 100%\|.*\| ([\d.]+[kM]?)/\1 \[.*B/s\]"),
    ],
    ids=["validate", "load-memory", "load-oxigraph"],
)
def test_bars_count_work(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, args: list[str], pattern: str
) -> None:
    """Load counts the bytes of the input files, validate the shapes pySHACL goes through."""
    import re

    if "oxigraph" in args:
        pytest.importorskip("pyoxigraph")
    monkeypatch.setenv("KGTOOL_PROGRESS", "always")
    result = invoke(args)
    assert result.exit_code in (0, 1), result.output
    assert re.search(pattern, result.stderr), result.stderr[-500:]


def test_library_progress_reaches_the_total() -> None:
    from kgtool.graph import KnowledgeGraph
    from kgtool.validate.engine import validate

    for store in ("memory", "oxigraph"):
        seen: list[tuple[int, int]] = []
        kg = KnowledgeGraph.load(store=store, progress=lambda d, t, seen=seen: seen.append((d, t)))
        assert seen and seen[-1][0] == seen[-1][1] == sum(f.stat().st_size for f in kg.sources)
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    shapes: list[tuple[int, int]] = []
    validate(kg, progress=lambda d, t: shapes.append((d, t)))
    assert [d for d, _ in shapes] == list(range(1, len(shapes) + 1))
    assert shapes[-1][0] == shapes[-1][1] > 50
