"""Write files atomically."""

from __future__ import annotations

import contextlib
import glob
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from kgtool.core.errors import ExportError

#: Writes the output into a binary file handle (streamed: never held as one string).
Writer = Callable[[IO[bytes]], None]


def _remove_stale_temps(folder: Path, name: str) -> None:
    """Delete temp files that killed writers (``kill -9``) left next to ``name``."""
    try:
        leftovers = list(folder.glob(f".{glob.escape(name)}.*.tmp"))
    except OSError:
        return
    for tmp in leftovers:
        pid = tmp.name[len(name) + 2 :].split(".", 1)[0]
        if not pid.isdigit() or process_alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            tmp.unlink()


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine (it may belong to someone else)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, but belongs to someone else
    return True


def _target_mode(path: Path) -> int:
    """Return the permission bits for a new ``path``: its current ones, else 0666 less the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(dest: str | Path, text: str | bytes | Writer) -> None:
    """Replace ``dest`` with ``text`` atomically: temp file alongside, fsync, ``os.replace``.

    Args:
        dest: The file to write.
        text: Its new content (text is written as UTF-8; bytes as they are), or a function
            that writes it into a binary handle (streamed, so a large export is never held
            whole in memory).

    Raises:
        ExportError: If writing fails; ``dest`` is then untouched and no temp file is left.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_atomic(Path(folder) / "a.nt", lambda handle: handle.write(b"<a> <b> <c> .\\n"))
    ...     (Path(folder) / "a.nt").read_text()
    '<a> <b> <c> .\\n'
    """
    path = Path(dest)
    writer: Writer
    if isinstance(text, (str, bytes)):
        data = text.encode("utf-8") if isinstance(text, str) else text

        def write(handle: IO[bytes]) -> None:
            handle.write(data)

        writer = write

    else:
        writer = text
    if path.exists() and not path.is_file() and not path.is_dir():
        # A device, FIFO or socket (-o /dev/null, -o /dev/stdout, a named pipe): there is no
        # file to keep intact, and renaming over it would replace the device itself.
        try:
            with path.open("wb") as handle:
                writer(handle)
        except OSError as exc:
            raise ExportError(f"{dest}: cannot write ({exc.strerror or exc})") from None
        return
    folder = path.parent if str(path.parent) else Path(".")
    _remove_stale_temps(folder, path.name)
    try:
        # The writer's pid is in the name, so a later write can tell a leftover of a killed
        # process from the temp file of a concurrent one.
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ExportError(f"{dest}: cannot write ({exc.strerror})") from None
    try:
        # mkstemp makes the file owner-only (0600); give the result the mode a plain open()
        # would: the existing file's, or what the umask allows.
        os.fchmod(fd, _target_mode(path))
        with os.fdopen(fd, "wb") as handle:
            writer(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(f"{dest}: cannot write ({exc.strerror or exc})") from None
        raise
