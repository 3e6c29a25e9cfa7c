"""Nothing lost: failed, full, interrupted and concurrent writes keep the old file whole.

These cases need a patched OS call or a real process, so they are not rows of the matrix. Each
checks the exit code, the message, that the previous output is intact and that no temp file is
left behind.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from kgtool.export import write_atomic
from kgtool.io.parse import parse_file

from ..conftest import FACTS, ONTOLOGY, SHAPES, Invoke

LIB = ["--ontology", str(ONTOLOGY), "--shapes", str(SHAPES)]
OLD = "old content\n"

#: Runs kgtool in a real process whose fsync announces itself and then blocks, so the test can
#: signal it at a known point: the temp file is written, the target not yet replaced.
# SIGINT is reset to Python's handler: a test run started in the background (`cmd &`) inherits
# SIGINT ignored, and Ctrl-C could not reach the export at all.
BLOCKING_FSYNC = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)
def blocking_fsync(fd):
    sys.stderr.write("IN-FSYNC\\n"); sys.stderr.flush()
    time.sleep(120)
os.fsync = blocking_fsync
from kgtool.cli.main import cli
cli(sys.argv[1:], prog_name="kgtool")
"""


def only(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def old_target(tmp_path: Path, name: str = "out.ttl") -> Path:
    out = tmp_path / name
    out.write_text(OLD, encoding="utf-8")
    return out


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (errno.ENOSPC, "No space left on device"),
        (errno.EDQUOT, "Disk quota exceeded"),
        (errno.EIO, "Input/output error"),
    ],
)
def test_write_fails_midway(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, message: str
) -> None:
    out = old_target(tmp_path)
    real_fdopen = os.fdopen

    class FailingHandle:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> FailingHandle:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, text: str) -> int:
            self.handle.write(text[: len(text) // 2])  # half the file reaches the disk
            raise OSError(code, os.strerror(code))

    monkeypatch.setattr(
        "kgtool.io.files.os.fdopen", lambda *a, **k: FailingHandle(real_fdopen(*a, **k))
    )
    result = invoke(["export", "--data", str(FACTS), *LIB, "-o", str(out)], fixture=False)
    assert result.exit_code == 2
    assert f"{out}: cannot write ({message})" in result.stderr
    assert out.read_text(encoding="utf-8") == OLD
    assert only(tmp_path) == ["out.ttl"]


def test_unwritable_folder(invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    out = old_target(folder)
    if os.geteuid() == 0:  # root writes anywhere: make the OS say no instead

        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr("kgtool.io.files.tempfile.mkstemp", refuse)
    else:
        folder.chmod(0o500)
    try:
        result = invoke(["export", "--data", str(FACTS), *LIB, "-o", str(out)], fixture=False)
    finally:
        folder.chmod(0o700)
    assert result.exit_code == 2
    assert "cannot write (Permission denied)" in result.stderr
    assert out.read_text(encoding="utf-8") == OLD
    assert only(folder) == ["out.ttl"]


def test_unreadable_input(invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "secret.ttl"
    data.write_text("<http://a> <http://b> <http://c> .\n", encoding="utf-8")
    store: list[str] = []
    if os.geteuid() == 0:  # root reads anything: make the OS say no instead
        # ...to Python's reads, which only the memory store makes (Oxigraph reads natively).
        store = ["--store", "memory"]
        real = Path.read_bytes

        def read_bytes(self: Path) -> bytes:
            if self.name == "secret.ttl":
                raise PermissionError(errno.EACCES, "Permission denied")
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    else:
        data.chmod(0)
    try:
        result = invoke(["stats", "--data", str(data), *store, *LIB], fixture=False)
    finally:
        data.chmod(0o600)
    assert result.exit_code == 2
    assert f"{data}: permission denied" in result.stderr


def start_blocked_export(tmp_path: Path, out: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            BLOCKING_FSYNC,
            "export",
            "--data",
            str(FACTS),
            *LIB,
            # No cache: the first fsync is then the export's own (a stored copy of the inputs
            # being built would be the first to block).
            "--no-cache",
            "-o",
            str(out),
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        cwd=tmp_path,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert line == "IN-FSYNC\n", line
    return proc


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_interrupted_export_cleans_up(tmp_path: Path, sig: signal.Signals) -> None:
    out = old_target(tmp_path)
    proc = start_blocked_export(tmp_path, out)
    try:
        assert len(only(tmp_path)) == 2  # the old file and the finished temp file
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode != 0
    assert "Traceback" not in err
    assert out.read_text(encoding="utf-8") == OLD
    assert only(tmp_path) == ["out.ttl"]


def test_killed_export_keeps_old_file_and_next_write_sweeps(invoke: Invoke, tmp_path: Path) -> None:
    out = old_target(tmp_path)
    proc = start_blocked_export(tmp_path, out)
    try:
        proc.kill()  # SIGKILL: nothing in the process can clean up
        proc.communicate(timeout=60)
    finally:
        proc.kill()
        proc.wait()
    assert out.read_text(encoding="utf-8") == OLD
    leftovers = [n for n in only(tmp_path) if n != "out.ttl"]
    assert len(leftovers) == 1 and leftovers[0].startswith(".out.ttl.")  # hidden, not the target
    result = invoke(["export", "--data", str(FACTS), *LIB, "-o", str(out)], fixture=False)
    assert result.exit_code == 0
    assert only(tmp_path) == ["out.ttl"]
    assert len(parse_file(out)) > 0


def test_live_writers_temp_is_not_swept(tmp_path: Path) -> None:
    # A temp file of a running process (this one) must survive another write's sweep.
    mine = tmp_path / f".out.ttl.{os.getpid()}.abc.tmp"
    mine.write_text("in progress", encoding="utf-8")
    write_atomic(tmp_path / "out.ttl", "new\n")
    assert mine.exists()


def test_concurrent_processes_export_to_the_same_file(tmp_path: Path) -> None:
    # Two kgtool processes write different exports to one target at once (no on-disk cache
    # exists yet; this is the same race). Exports are deterministic, so the result must be
    # byte for byte one of the two, whole.
    small = tmp_path / "small.ttl"
    small.write_text("<http://a> <http://b> <http://c> .\n", encoding="utf-8")
    out = tmp_path / "out" / "kg.nt"
    out.parent.mkdir()

    def command(src: Path, dest: Path) -> list[str]:
        return [sys.executable, "-m", "kgtool", "export", "--format", "nt", "--data", str(src),
                *LIB, "-o", str(dest)]  # fmt: skip

    expected = []
    for i, src in enumerate([FACTS, small]):
        alone = tmp_path / f"alone-{i}.nt"
        subprocess.run(command(src, alone), check=True, capture_output=True)
        expected.append(alone.read_bytes())
    assert expected[0] != expected[1]
    for _round in range(3):
        procs = [
            subprocess.Popen(command(src, out), stderr=subprocess.PIPE, text=True)
            for src in (FACTS, small)
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        assert out.read_bytes() in expected
        assert only(out.parent) == ["kg.nt"]


def test_concurrent_threads_write_atomic(tmp_path: Path) -> None:
    out = tmp_path / "kg.txt"
    texts = [f"{i}\n" * 10_000 for i in range(8)]
    errors: list[BaseException] = []

    def write(text: str) -> None:
        try:
            for _ in range(20):
                write_atomic(out, text)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert out.read_text(encoding="utf-8") in texts
    assert only(tmp_path) == ["kg.txt"]
