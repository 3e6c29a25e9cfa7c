"""A persistent Oxigraph copy of the inputs, keyed by their bytes: parsed once, then opened.

Parsing is most of the cost of a command on unchanged files (about a second at 100 k triples,
where opening a stored copy takes milliseconds), so the Oxigraph store of a set of inputs is kept
as an entry of kind ``stores`` of the one cache (:mod:`kgtool.io.cache`). Its key hashes
everything the stored quads depend on: each input's resolved path (relative IRIs resolve against
it) and bytes, the input format, the base IRI, kgtool's code and pyoxigraph's version.

The policy is the cache's, applied to a folder instead of a file:

* an entry is built in a temporary folder beside it and renamed into place whole, so a reader
  never opens half a store and processes that build the same entry at once each keep one copy;
* the entry's folder holds a record (:data:`RECORD`) of its key and of every file's size and
  modification time, written last; an entry whose record is missing, names another key or
  disagrees with the files (truncated, replaced, swapped with another entry) is a miss, and is
  removed and built again; RocksDB's block checksums catch bytes changed in place when they are
  read, and a file removed under a reader fails its next read: the store then removes the
  entry and goes on from a fresh parse of the inputs (``OxigraphStore.reparse``);
* entries are opened read-only, never written after the rename; a command that changes the
  store (the reasoner adds its closure) works on a writable scratch copy
  (:meth:`~kgtool.store.oxigraph.OxigraphStore.make_writable`);
* a link or anything but a folder planted where an entry goes is a miss, never followed;
* past :data:`MAX_SNAPSHOTS` entries the least recently used half is removed.

Reasoning on a stored copy keeps the result as an entry of its own (:func:`store_reasoned`):
the copy with the closure in its inferred graph, keyed by the copy's key and the closure's bytes,
recorded and checked as above. The next reasoning with the same closure opens it read-only
(:func:`open_reasoned`) instead of copying the store and loading the closure again.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kgtool.core.dists import installed_version
from kgtool.core.errors import QueryRunError
from kgtool.io.cache import CacheSettings, code_fingerprint, hash_file
from kgtool.io.files import process_alive
from kgtool.store.base import names_blank_node
from kgtool.store.lexical import Rewrite

if TYPE_CHECKING:
    from kgtool.store.oxigraph import OxigraphStore

#: The cache kind (subfolder) of stored copies.
KIND = "stores"
#: The record an entry's folder holds; written last, so its presence means the entry is whole.
RECORD = "kgtool-store.json"
#: Stored copies kept; each is about the size of its inputs as N-Quads.
MAX_SNAPSHOTS = 8
#: A temporary build folder older than this was left by a killed process and is removed.
STALE_BUILD_SECONDS = 3600


def snapshot_key(
    ontology_files: Sequence[Path],
    data_files: Sequence[Path],
    fmt: str | None,
    base: str | None,
) -> str | None:
    """Return the key of the stored copy of these inputs, or None when they cannot have one.

    Returns:
        A hex digest, or None when an input is stdin (its bytes are gone once read).

    Raises:
        OSError: If an input cannot be read.

    >>> snapshot_key([], [Path("-")], "turtle", None) is None
    True
    """
    if any(str(f) == "-" for f in (*ontology_files, *data_files)):
        return None
    h = hashlib.sha256()
    for part in (code_fingerprint(), _pyoxigraph_version(), fmt or "", base or "\0none"):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for group in (ontology_files, data_files):
        h.update(b"group\0")
        for f in group:
            hash_file(h, f)
    return h.hexdigest()


def _pyoxigraph_version() -> str:
    return installed_version("pyoxigraph") or "none"


def _files_record(folder: Path) -> dict[str, list[int | str]]:
    """Return each file's size, time and, for all but the table files, its SHA-256.

    RocksDB checks a table file's blocks against their checksums as it reads them; its small
    metadata files and write-ahead log it trusts, so those are hashed (a few kB in all).
    """
    record: dict[str, list[int | str]] = {}
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name == RECORD:
            continue
        info = entry.stat(follow_symlinks=False)
        facts: list[int | str] = [info.st_size, info.st_mtime_ns]
        if not entry.name.endswith(".sst"):
            facts.append(hashlib.sha256(Path(entry.path).read_bytes()).hexdigest())
        record[entry.name] = facts
    return record


def _record(folder: Path, key: str) -> dict[str, object] | None:
    """Return the record of ``folder`` if it is an entry this cache wrote for ``key``, as it
    was written; None otherwise."""
    try:
        if folder.is_symlink() or not folder.is_dir():
            return None
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        if record.get("key") == key and record.get("files") == _files_record(folder):
            _rewrites(record)  # a record that does not say it is no record of this code's
            return dict(record)
    except (OSError, ValueError, AttributeError, TypeError, KeyError):
        pass
    return None


def _open(entry: Path, record: dict[str, object]) -> OxigraphStore:
    from kgtool.store.oxigraph import OxigraphStore

    store = OxigraphStore(entry, read_only=True)
    store.snapshot = entry
    store.known_duplicates(bool(record.get("duplicates", True)))
    store.rewrites = _rewrites(record)
    labels = record.get("blank_nodes")
    if isinstance(labels, str):
        store.blank_nodes = labels
    return store


def _rewrites(record: dict[str, object]) -> list[Rewrite]:
    """The files whose literals the stored copy gives back otherwise than written.

    Raises:
        ValueError: If the record does not hold that list.
    """
    items = record["rewrites"]
    if not isinstance(items, list):
        raise ValueError("not a list of rewrites")
    return [Rewrite.from_record(item) for item in items]


def discard(folder: Path) -> None:
    """Remove an entry (or whatever was planted in its place) without following links."""
    with contextlib.suppress(OSError):
        if folder.is_symlink() or not folder.is_dir():
            folder.unlink()
            return
        # Renamed first: a reader never finds half a folder under the entry's name.
        doomed = folder.with_name(f".{folder.name}.{os.getpid()}.{time.monotonic_ns()}.discard")
        os.rename(folder, doomed)
        shutil.rmtree(doomed, ignore_errors=True)


def open_snapshot(
    settings: CacheSettings,
    ontology_files: Sequence[Path],
    data_files: Sequence[Path],
    fmt: str | None,
    base: str | None,
    progress: Callable[[int], None] | None = None,
    build: bool = True,
) -> OxigraphStore | None:
    """Open the stored copy of the inputs read-only, building it first if there is none.

    Args:
        settings: The cache (nothing is stored when it is off).
        ontology_files: Ontology files (into ``GRAPH_ONTOLOGY``).
        data_files: Fact files.
        fmt: The format of every fact file, or None to go by extension.
        base: The base IRI of the fact files, or None for their own URIs.
        progress: Called with bytes read while an entry is built (nothing on a hit).
        build: Build a missing entry; False: return None instead (nothing is parsed).

    Returns:
        An :class:`~kgtool.store.oxigraph.OxigraphStore`, or None when the inputs cannot be
        stored (stdin, the cache off, or its folder not writable), or with ``build`` False
        when there is no usable entry: the caller parses them.

    Raises:
        InputError: If an input is missing or malformed (as loading reports it).
    """
    from kgtool.store.oxigraph import input_parts

    kind = settings.kind(KIND)
    # Made first: each part's stamp is then taken before the bytes the key hashes are read.
    parts = input_parts(ontology_files, data_files, fmt, base)
    try:
        key = snapshot_key(ontology_files, data_files, fmt, base)
    except OSError:
        return None  # the loader names the unreadable file
    entry = kind.path(key) if key is not None else None
    if key is None or entry is None:
        return None

    def opened(store: OxigraphStore) -> OxigraphStore:
        # Exports read the inputs again, and so do the views where literals are not as written.
        store.parts = parts
        store.reparse = reparse
        return store

    def reparse() -> OxigraphStore:
        from kgtool.store.oxigraph import OxigraphStore

        fresh = OxigraphStore()
        fresh.load_files(ontology_files, data_files, fmt, None, base=base)
        return fresh

    record = _record(entry, key)
    if record is not None:
        try:
            store = _open(entry, record)
        except (OSError, RuntimeError):  # RocksDB reports a bad checksum as RuntimeError
            discard(entry)
        else:
            _touch(entry)
            return opened(store)
    elif entry.exists() or entry.is_symlink():
        discard(entry)
    if not build:
        return None
    _build(entry, key, ontology_files, data_files, fmt, base, progress)
    record = _record(entry, key)
    if record is None:
        return None
    try:
        store = _open(entry, record)
    except (OSError, RuntimeError):
        return None
    _prune(entry.parent)
    return opened(store)


def _build(
    entry: Path,
    key: str,
    ontology_files: Sequence[Path],
    data_files: Sequence[Path],
    fmt: str | None,
    base: str | None,
    progress: Callable[[int], None] | None,
) -> None:
    """Build the entry in a temporary folder and rename it into place, if it can be."""
    from kgtool.store.oxigraph import OxigraphStore, StoreWriteError

    stem = entry.with_name(f".{entry.name}.{os.getpid()}.{time.monotonic_ns()}")
    work, tmp = stem.with_name(f"{stem.name}.build"), stem.with_name(f"{stem.name}.tmp")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_builds(entry.parent)
    except OSError:
        return
    store: OxigraphStore | None = None
    try:
        store = OxigraphStore(work)
        store.load_files(ontology_files, data_files, fmt, progress, base=base)
        duplicates = store.prepare_read_only()
        record: dict[str, object] = {
            "key": key,
            "duplicates": duplicates,
            "rewrites": [r.as_record() for r in store.rewrites],
            # The loader's labels of blank nodes are this copy's, whoever opens it.
            "blank_nodes": store.blank_nodes,
        }
        store.ox.flush()
        store.ox.optimize()
        # A checkpoint holds the table files (hard links) and only the live, near-empty
        # write-ahead log, where the working folder keeps the whole load's log.
        store.ox.backup(str(tmp))
    except (OSError, RuntimeError, StoreWriteError):
        return  # the cache's disk is full or unwritable: the caller parses into a scratch store
    finally:
        store = None
        gc.collect()  # RocksDB closes when the last reference goes
        shutil.rmtree(work, ignore_errors=True)
        if not (tmp / "CURRENT").exists():
            shutil.rmtree(tmp, ignore_errors=True)
    _seal(tmp, entry, record)


def _seal(tmp: Path, entry: Path, record: dict[str, object]) -> None:
    """Write the record into the checkpoint ``tmp`` and rename it into place as ``entry``."""
    try:
        record = {**record, "files": _files_record(tmp)}
        with (tmp / RECORD).open("w", encoding="utf-8") as handle:
            json.dump(record, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(tmp, entry)
    except OSError:
        # Another process renamed its copy first (or the disk is full): keep theirs, if any.
        shutil.rmtree(tmp, ignore_errors=True)


def _touch(entry: Path) -> None:
    # The record's time says when the entry was last used, for pruning.
    with contextlib.suppress(OSError):
        os.utime(entry / RECORD)


def _remove_stale_builds(folder: Path) -> None:
    """Remove the temporary folders of builds whose process is gone (``kill -9``), or that are
    older than :data:`STALE_BUILD_SECONDS` (a process of another machine sharing the folder)."""
    now = time.time()
    with contextlib.suppress(OSError):
        for leftover in folder.iterdir():
            if not leftover.name.startswith(".") or leftover.is_symlink():
                continue
            # .<key>.<pid>.<ns>.build / .tmp / .discard
            parts = leftover.name.split(".")
            pid = int(parts[2]) if len(parts) > 3 and parts[2].isdigit() else None
            with contextlib.suppress(OSError):
                dead = pid is not None and pid != os.getpid() and not process_alive(pid)
                if dead or now - leftover.stat().st_mtime > STALE_BUILD_SECONDS:
                    shutil.rmtree(leftover, ignore_errors=True)


def _prune(folder: Path) -> None:
    try:
        entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    except OSError:
        return
    if len(entries) <= MAX_SNAPSHOTS:
        return

    def used(p: Path) -> float:
        try:
            return (p / RECORD).stat().st_mtime
        except OSError:
            return 0.0

    for old in sorted(entries, key=used)[: len(entries) // 2]:
        discard(old)


def _reasoned_key(entry: Path, ntriples: bytes) -> str:
    """The key of the stored copy of ``entry`` with ``ntriples`` as its inferred graph."""
    h = hashlib.sha256(b"reasoned\0" + entry.name.encode() + b"\0")
    h.update(hashlib.sha256(ntriples).digest())
    return h.hexdigest()


def open_reasoned(store: OxigraphStore, ntriples: bytes) -> bool:
    """Switch ``store``, opened read-only from a stored copy, to the stored copy that also
    holds the closure ``ntriples``; False when there is none (or it cannot be opened).

    A later process reasoning on unchanged inputs then opens that copy, where it would copy
    the store and load the closure (0.3 s of a 1.0 s ``kgtool why`` at 50 k triples).
    """
    entry = store.snapshot
    if entry is None:
        return False
    key = _reasoned_key(entry, ntriples)
    reasoned = entry.with_name(key)
    record = _record(reasoned, key)
    if record is None:
        if reasoned.exists() or reasoned.is_symlink():
            discard(reasoned)  # damaged or planted: made again from this load
        return False
    # The labels it was made with: the copy it came from may have been pruned and built again
    # since, under the same name, with other labels.
    labels = record.get("blank_nodes")
    parse = store.reparse

    def reparse() -> OxigraphStore:
        # A parse labels blank nodes anew: a closure naming one cannot follow it.
        if parse is None or names_blank_node(ntriples):
            raise QueryRunError("the stored copy of the inputs was damaged while read")
        fresh = parse()
        fresh.load_inferred(ntriples)
        return fresh

    try:
        store.switch_to(reasoned, labels if isinstance(labels, str) else uuid.uuid4().hex, reparse)
    except (OSError, RuntimeError):  # RocksDB reports a bad checksum as RuntimeError
        discard(reasoned)
        return False
    _touch(reasoned)
    return True


def store_reasoned(store: OxigraphStore, entry: Path, ntriples: bytes) -> None:
    """Keep ``store`` (the stored copy ``entry`` with the closure ``ntriples`` just loaded)
    as a stored copy of its own, for :func:`open_reasoned`; a failure is ignored."""
    key = _reasoned_key(entry, ntriples)
    reasoned = entry.with_name(key)
    source = _record(entry, entry.name)
    if source is None:
        return
    stem = reasoned.with_name(f".{reasoned.name}.{os.getpid()}.{time.monotonic_ns()}")
    tmp = stem.with_name(f"{stem.name}.tmp")
    try:
        store.ox.flush()
        store.ox.backup(str(tmp))
    except (OSError, RuntimeError):
        shutil.rmtree(tmp, ignore_errors=True)
        return
    # The same asserted quads and rewrites as the copy it was made from, and its labels.
    _seal(tmp, reasoned, {**source, "key": key, "blank_nodes": store.blank_nodes})
    _prune(entry.parent)
