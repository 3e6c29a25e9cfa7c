"""Exports were written owner-only (0600): mkstemp's mode survived the rename over the target."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kgtool.export import write_atomic


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_atomic(tmp_path / "out.ttl", "<a> <b> <c> .\n")
    finally:
        os.umask(previous)
    assert _mode(tmp_path / "out.ttl") == 0o644


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old\n")
    target.chmod(0o640)
    write_atomic(target, lambda handle: handle.write(b"new\n"))
    assert target.read_text() == "new\n" and _mode(target) == 0o640
