"""Real ``kgtool`` processes for the fault, concurrency and server tests.

Every process runs this checkout's code (``PYTHONPATH`` points at it, whatever is installed), in a
folder and with a cache folder the test chose, and is bounded in time. Killing uses the process
group the child was started in, so only processes a test started are ever signalled.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

#: The checkout these tests belong to; its ``kgtool`` package is the one the processes run.
CHECKOUT = Path(__file__).resolve().parents[2]


def env(cache: Path | None = None) -> dict[str, str]:
    """Return the environment of a kgtool process: this checkout's code, the given cache root."""
    result = dict(os.environ)
    result["PYTHONPATH"] = os.pathsep.join(
        [str(CHECKOUT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    if cache is not None:
        result["KGTOOL_CACHE_DIR"] = str(cache)
    return result


def argv(*args: str) -> list[str]:
    """Return the command line of ``kgtool ARGS``."""
    return [sys.executable, "-m", "kgtool", *args]


def run(
    args: Sequence[str], cwd: Path, cache: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    """Run ``kgtool ARGS`` to the end, capturing both streams."""
    return subprocess.run(
        argv(*args), cwd=cwd, env=env(cache), capture_output=True, timeout=timeout, check=False
    )


def start(args: Sequence[str], cwd: Path, cache: Path | None = None) -> subprocess.Popen[bytes]:
    """Start ``kgtool ARGS`` in a process group of its own (see :func:`kill`)."""
    return subprocess.Popen(
        argv(*args),
        cwd=cwd,
        env=env(cache),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def kill(proc: subprocess.Popen[bytes]) -> None:
    """``kill -9`` the process and anything it started, then reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)


def rss_kb(pid: int) -> int:
    """Return the resident memory of ``pid`` and all its descendants, in KiB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in (Path("/proc") / str(current) / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total
