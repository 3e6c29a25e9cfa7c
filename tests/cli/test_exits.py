"""Exit codes decided in one place: a closed output pipe ends every command quietly with 141."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kgtool.cli.exits import EXIT_BROKEN_PIPE
from tests.conftest import FIXTURE_ARGS, QUERIES

ROOT = Path(__file__).resolve().parents[2]


def _run_into(stdout: Any, args: list[str], env: dict[str, str]) -> tuple[int, bytes]:
    """Run kgtool with ``stdout`` (a file or descriptor) as its stdout; its status and stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "kgtool", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    return done.returncode, done.stderr


def _closed_pipe(args: list[str], env: dict[str, str]) -> tuple[int, bytes]:
    """Run kgtool with stdout a pipe whose reader has gone away (as `| head -0` leaves it)."""
    read, write = os.pipe()
    os.close(read)  # every write now fails with EPIPE, however small the output
    try:
        return _run_into(write, args, env)
    finally:
        os.close(write)


@pytest.mark.parametrize(
    "args",
    [
        ["query", "--all", "--queries", str(QUERIES), *FIXTURE_ARGS],
        ["query", "--all", "--format", "json", "--queries", str(QUERIES), *FIXTURE_ARGS],
        ["query", "agents", "--queries", str(QUERIES), "--no-cache", *FIXTURE_ARGS],
        ["export", "--format", "nt", *FIXTURE_ARGS],
        ["validate", *FIXTURE_ARGS],
        ["--help"],
    ],
    ids=["query-all", "query-all-json", "query", "export", "validate", "help"],
)
def test_a_closed_pipe_ends_quietly_with_141(tmp_path: Path, args: list[str]) -> None:
    env = {**os.environ, "KGTOOL_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    status, stderr = _closed_pipe(args, env)
    assert (status, stderr) == (EXIT_BROKEN_PIPE, b"")


def test_a_cached_answer_into_a_closed_pipe_ends_the_same(tmp_path: Path) -> None:
    """The answer-cache fast path (no click) ends as the full command line does."""
    env = {**os.environ, "KGTOOL_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    args = ["query", "founders", "--format", "csv"]
    subprocess.run(
        [sys.executable, "-m", "kgtool", *args], env=env, capture_output=True, check=True
    )
    assert _closed_pipe(args, env) == (EXIT_BROKEN_PIPE, b"")


def test_head_sees_the_first_line_and_no_error(tmp_path: Path) -> None:
    """`kgtool query --all | head -1`, in a real shell pipeline."""
    env = {**os.environ, "KGTOOL_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    kgtool = f"{sys.executable} -m kgtool query --all --queries {QUERIES} " + " ".join(FIXTURE_ARGS)
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {kgtool} | head -1; echo status=$?"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    first, status = done.stdout.splitlines()
    assert first.startswith("## ")
    assert status in ("status=0", f"status={EXIT_BROKEN_PIPE}")  # 0 when it all fit the pipe
    assert done.stderr == ""


FULL_DISK = b"Error: cannot write the output (No space left on device)\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize(
    "args",
    [
        ["query", "agents", "--queries", str(QUERIES), *FIXTURE_ARGS],
        ["query", "founders", "--format", "csv"],
        ["export", "--format", "nt", *FIXTURE_ARGS],
        ["validate", *FIXTURE_ARGS],
        ["--help"],
    ],
    ids=["query", "query-fast-path", "export", "validate", "help"],
)
def test_a_full_disk_under_stdout_is_an_output_error(tmp_path: Path, args: list[str]) -> None:
    """Output that cannot be written (ENOSPC) is exit 2 with one line, never an internal error,
    on the full command line and on the answer-cache fast path alike (run twice: a miss, then
    a hit)."""
    env = {**os.environ, "KGTOOL_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    for _ in range(2):
        with open("/dev/full", "wb") as full:
            status, stderr = _run_into(full, args, env)
        assert (status, stderr) == (2, FULL_DISK)
