"""Temporary folders that killed processes left are removed, and nothing else is."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("fcntl")
import pyoxigraph as ox

from kgtool.io import files
from kgtool.io.files import ABANDONED_AFTER, remove_abandoned, scratch_folder

#: Holds a store open in another process until its standard input closes.
HOLD = (
    "import pyoxigraph as ox, sys; s = ox.Store(sys.argv[1]); "
    "print('open', flush=True); sys.stdin.read()"
)


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    return int(done.stdout)


def _store_folder(parent: Path, name: str) -> Path:
    folder = parent / name
    folder.mkdir()
    ox.Store(str(folder / "store"))  # closed again when the last reference goes
    return folder


def test_only_the_folders_of_processes_gone_are_removed(tmp_path: Path) -> None:
    dead = _dead_pid()
    gone = _store_folder(tmp_path, f"kgtool-store-{dead}-abc")
    empty = tmp_path / f"kgtool-serve-{dead}-def"
    empty.mkdir()
    mine = _store_folder(tmp_path, f"kgtool-store-{os.getpid()}-ghi")
    alive = _store_folder(tmp_path, "kgtool-store-1-jkl")  # init never dies
    other = tmp_path / f"kgtool-store-{dead}"  # not a name scratch_folder makes
    other.mkdir()
    old = time.time() + ABANDONED_AFTER + 1
    assert remove_abandoned(tmp_path, now=old) == sorted([gone.name, empty.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, alive.name, other.name])


def test_a_folder_without_a_store_is_left_a_while(tmp_path: Path) -> None:
    empty = tmp_path / f"kgtool-store-{_dead_pid()}-abc"
    empty.mkdir()
    assert remove_abandoned(tmp_path) == []  # another PID namespace may be setting it up
    assert remove_abandoned(tmp_path, now=time.time() + ABANDONED_AFTER + 1) == [empty.name]


def test_a_store_open_in_another_process_is_never_removed(tmp_path: Path) -> None:
    # A process of another PID namespace sharing the folder: its id looks dead from here.
    folder = tmp_path / f"kgtool-store-{_dead_pid()}-abc"
    folder.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(folder / "store")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"open\n"
        assert remove_abandoned(tmp_path, now=time.time() + ABANDONED_AFTER + 1) == []
        assert (folder / "store" / "LOCK").exists()
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert remove_abandoned(tmp_path) == [folder.name]  # closed: now it is abandoned


def test_the_first_scratch_folder_sweeps_its_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setattr(files, "_SWEPT", set())
    gone = _store_folder(tmp_path, f"kgtool-store-{_dead_pid()}-abc")
    made = Path(scratch_folder("store"))
    assert not gone.exists()
    assert made.parent == tmp_path and made.name.startswith(f"kgtool-store-{os.getpid()}-")
    again = _store_folder(tmp_path, f"kgtool-store-{_dead_pid()}-def")
    scratch_folder("store")
    assert again.exists()  # once per process and folder: a sweep reads the whole folder
