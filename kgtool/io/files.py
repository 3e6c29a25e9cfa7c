"""Write files atomically; make temporary folders that killed processes do not leave behind."""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import stat
import tempfile
import time
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


#: ``kgtool-<kind>-<pid>-<random>``: the process a temporary folder belongs to is in its name.
_SCRATCH_NAME = re.compile(r"kgtool-[a-z]+-(\d+)-")
#: Seconds after which a folder of a dead process holding no lock file is taken as abandoned
#: (before that, it may be a process of another PID namespace setting it up).
ABANDONED_AFTER = 600
#: The temporary folders swept in this process (each once).
_SWEPT: set[str] = set()


def scratch_folder(kind: str) -> str:
    """Make a temporary folder of this process for ``kind`` (``store``, ``serve``).

    The first one made in a temporary folder removes the folders there that killed processes
    (``kill -9``, the out-of-memory killer) left, which ran no clean-up of their own: see
    :func:`remove_abandoned`.
    """
    parent = tempfile.gettempdir()
    if parent not in _SWEPT:
        _SWEPT.add(parent)
        remove_abandoned(Path(parent))
    return tempfile.mkdtemp(prefix=f"kgtool-{kind}-{os.getpid()}-")


def remove_abandoned(folder: Path, now: float | None = None) -> list[str]:
    """Remove the folders :func:`scratch_folder` made in ``folder`` for processes now gone.

    A folder stays while its process is alive (or its id was given to another), while a
    RocksDB store in it is open (its ``LOCK`` file is locked: a process elsewhere may share
    the folder), and, if no store was opened in it, for :data:`ABANDONED_AFTER` seconds.

    Returns:
        The names of the folders removed.
    """
    now = time.time() if now is None else now
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _SCRATCH_NAME.match(entry.name)
        if match is None:
            continue
        pid = int(match.group(1))
        with contextlib.suppress(OSError):
            if not entry.is_dir(follow_symlinks=False) or pid == os.getpid() or process_alive(pid):
                continue
            path = Path(entry.path)
            locks = list(path.rglob("LOCK"))
            if any(_locked(lock) for lock in locks):
                continue
            if not locks and now - entry.stat(follow_symlinks=False).st_mtime < ABANDONED_AFTER:
                continue
            shutil.rmtree(path)
            removed.append(entry.name)
    return sorted(removed)


def _locked(lock: Path) -> bool:
    """Whether another process holds ``lock`` as RocksDB locks it (a POSIX record lock).

    Never called on a lock of this process's own: closing the descriptor would drop it.
    Where there are no such locks (not POSIX), every lock counts as held.
    """
    try:
        import fcntl
    except ImportError:
        return True
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


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
