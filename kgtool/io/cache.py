"""The one on-disk cache: one folder, one key scheme, one write policy, for every kind of entry.

Every cached thing (reasoning closures, query answers, recorded endpoint answers) is an entry
of a *kind* under one root folder: ``--cache-dir``, else ``$KGTOOL_CACHE_DIR/kgtool``, else
``$XDG_CACHE_HOME/kgtool``, else ``~/.cache/kgtool``. The policy is the same for all:

* keys are SHA-256 digests of everything the entry depends on, kgtool's own code included
  (:func:`code_fingerprint`), so a stale entry is never found rather than detected;
* an entry is written whole or not at all (:func:`kgtool.io.files.write_atomic`), so
  concurrent processes that build the same entry each replace it with the same bytes, and a
  reader never sees half a file;
* an entry that cannot be read is a miss; the caller rebuilds it;
* a *sealed* kind starts each entry with a line naming its key and the SHA-256 of the rest,
  so a truncated, damaged, or swapped entry (another key's bytes under this key's name) is a
  miss too, never a wrong answer;
* a kind may cap its entry count; past it the older half is removed.

``--no-cache`` means the same on every command: :class:`CacheSettings` with no root, so nothing
is read and nothing is written. This module imports only the standard library, so the cold path
of the command line can use it before anything heavy is loaded.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kgtool.core.errors import ExportError
from kgtool.core.version import __version__
from kgtool.io.files import Writer, write_atomic

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: The environment variable that moves the cache folder (tests point it at a temp folder).
CACHE_ENV = "KGTOOL_CACHE_DIR"


def default_cache_dir() -> Path:
    """Return the cache folder from the environment (it may not exist yet).

    >>> default_cache_dir().name
    'kgtool'
    """
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit) / "kgtool"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kgtool"


@functools.cache
def code_fingerprint() -> str:
    """Return kgtool's version plus the size and modification time of every module it has.

    The version string does not change while kgtool is developed (an editable install), so the
    modules' sizes and modification times stand for the code. Listed once per process: a
    process runs the code it loaded, and one query asks twice (its answer, the stored inputs).

    >>> code_fingerprint().startswith(__version__)
    True
    """
    parts = [__version__]
    for path in sorted(_PACKAGE_DIR.rglob("*.py")):
        with contextlib.suppress(OSError):
            stat = path.stat()
            relative = path.relative_to(_PACKAGE_DIR).as_posix()
            parts.append(f"{relative}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


def digest(parts: Iterable[str | bytes]) -> str:
    """Return the SHA-256 hex digest of ``parts``, each part delimited (no two lists collide).

    >>> digest(["a", "b"]) != digest(["ab"])
    True
    """
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def hash_file(h: hashlib._Hash, path: Path) -> None:
    """Feed a file's resolved path and bytes into ``h``.

    Raises:
        OSError: If the file cannot be read.
    """
    h.update(str(path.resolve()).encode("utf-8", "surrogateescape") + b"\0")
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    h.update(b"\0")


@dataclass(frozen=True)
class CacheSettings:
    """Where the cache lives, or that there is none (``--no-cache``).

    >>> CacheSettings.resolve(None, no_cache=True).enabled
    False
    >>> CacheSettings.resolve(Path("/tmp/c"), no_cache=False).root
    PosixPath('/tmp/c')
    """

    root: Path | None

    @property
    def enabled(self) -> bool:
        """Whether entries are read and written at all."""
        return self.root is not None

    @classmethod
    def resolve(cls, cache_dir: Path | str | None, no_cache: bool) -> CacheSettings:
        """Turn ``--cache-dir`` and ``--no-cache`` into settings (the default folder if neither)."""
        if no_cache:
            return cls(None)
        return cls(Path(cache_dir) if cache_dir is not None else default_cache_dir())

    def kind(
        self, name: str, suffix: str = "", max_entries: int | None = None, sealed: bool = False
    ) -> CacheKind:
        """Return the entries of one kind (a subfolder of the root)."""
        return CacheKind(self, name, suffix, max_entries, sealed)


#: The first line of a sealed entry: ``kgtool-cache-entry <kind>/<key> sha256=<hex>``.
_SEAL = b"kgtool-cache-entry "


def _seal_line(kind: str, key: str, body: bytes) -> bytes:
    return _SEAL + f"{kind}/{key} sha256={hashlib.sha256(body).hexdigest()}\n".encode()


def seal(kind: str, key: str, body: bytes) -> bytes:
    """Return ``body`` behind the line that names its kind, key and digest.

    >>> unseal("answers", "k", seal("answers", "k", b"x")) == b"x"
    True
    """
    return _seal_line(kind, key, body) + body


def unseal(kind: str, key: str, data: bytes) -> bytes | None:
    """Return the body of a sealed entry, or None if it is not the whole entry for ``key``.

    >>> unseal("answers", "k", seal("answers", "other", b"x")) is None
    True
    >>> unseal("answers", "k", seal("answers", "k", b"xy")[:-1]) is None
    True
    """
    first, newline, body = data.partition(b"\n")
    if not newline or first + newline != _seal_line(kind, key, body):
        return None
    return body


@dataclass(frozen=True)
class CacheKind:
    """The entries of one kind: ``<root>/<name>/<key><suffix>``."""

    settings: CacheSettings
    name: str
    suffix: str = ""
    max_entries: int | None = None
    #: Entries carry their key and digest (:func:`seal`); any other bytes read as a miss.
    sealed: bool = False

    @property
    def folder(self) -> Path | None:
        """The kind's folder, or None when the cache is off."""
        root = self.settings.root
        return None if root is None else root / self.name

    def path(self, key: str) -> Path | None:
        """Return where the entry with ``key`` lives (None when the cache is off)."""
        folder = self.folder
        return None if folder is None else folder / f"{key}{self.suffix}"

    def read(self, key: str) -> bytes | None:
        """Return the entry's bytes, or None on a miss (missing, unreadable, or cache off)."""
        path = self.path(key)
        if path is None:
            return None
        try:
            # A directory, device or link planted where an entry goes is a miss: an entry is
            # only ever a regular file this cache wrote (a link could point at anything).
            if path.is_symlink() or not path.is_file():
                return None
            data = path.read_bytes()
        except OSError:
            return None
        return unseal(self.name, key, data) if self.sealed else data

    def write(self, key: str, data: bytes | Writer, strict: bool = False) -> None:
        """Store an entry atomically.

        Args:
            key: The entry key.
            data: The bytes, or a function writing them into a binary handle.
            strict: Raise when it cannot be written (for entries that are records a command
                promises to keep); otherwise a failure is ignored, since the entry is only an
                optimisation and the answer was already computed.

        Raises:
            ExportError: With ``strict``, if the entry cannot be written.
        """
        path = self.path(key)
        if path is None:
            return
        if self.sealed:
            body = data if isinstance(data, bytes) else _collect(data)
            data = seal(self.name, key, body)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
        except (OSError, ExportError) as exc:
            if strict:
                raise ExportError(f"{path}: cannot write the cache entry ({exc})") from None
            return
        self._prune()

    def _prune(self) -> None:
        folder = self.folder
        if self.max_entries is None or folder is None:
            return
        try:
            entries = [p for p in folder.glob(f"*{self.suffix}") if not p.name.startswith(".")]
        except OSError:
            return
        if len(entries) <= self.max_entries:
            return

        def age(p: Path) -> float:
            try:
                return p.stat().st_mtime
            except OSError:
                return 0.0

        for old in sorted(entries, key=age)[: len(entries) // 2]:
            with contextlib.suppress(OSError):
                old.unlink()


def _collect(writer: Writer) -> bytes:
    """Return what ``writer`` writes (a sealed entry's digest needs the whole body first)."""
    buffer = io.BytesIO()
    writer(buffer)
    return buffer.getvalue()
