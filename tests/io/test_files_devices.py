"""Writing to a device or a named pipe must not replace it (found writing ``-o /dev/null``).

``write_atomic`` renames a temp file over its target; over ``/dev/null`` that turned the device
into a regular file, readable only by root, which broke every later ``> /dev/null`` on the
machine. A FIFO stands in for the device here, so the test cannot damage the machine it runs on.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from kgtool.export import write_atomic


def test_write_to_a_fifo_keeps_the_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "<a> <b> <c> .\n")
    reader.join(timeout=10)
    assert received == [b"<a> <b> <c> .\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]
