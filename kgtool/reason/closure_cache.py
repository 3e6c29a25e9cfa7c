"""An on-disk cache of reasoning results, shared by every kgtool process (issue 5).

A closure is stored under a key that changes with anything the closure depends on:

* **Loaded from files** (:meth:`kgtool.graph.KnowledgeGraph.load`): the bytes and resolved paths
  of the ontology and fact files, in order, and ``--input-format``. Hashing bytes is ~100x
  cheaper than hashing every parsed triple, and needs no rdflib graph. The shapes files are left
  out on purpose: the reasoner never sees them (they are not part of the asserted data), so a
  changed shape cannot change the closure, and keying on them would only cause misses.
* **Built in memory** (:meth:`~kgtool.graph.KnowledgeGraph.from_dataset`, or stdin): a hash of
  the asserted triples themselves (:func:`kgtool.reason.engine.content_key`).

Both are salted with the profile, kgtool's version and its code: the version string does not
change while kgtool is developed (an editable install), so, as :mod:`kgtool.query.answers` does, the
package modules' sizes and modification times stand for the code. The store (memory or
Oxigraph) is not part of the key: both give the same closure (``tests/reason/test_fast.py``).

Each entry is one N-Triples file whose first line carries the counts. It is read by pyoxigraph
when it is installed (the Oxigraph store keeps its triples; for the memory store, parsing with
pyoxigraph then converting took 3.9 s against rdflib's 6.1 s for 139 k triples), else by rdflib;
the Oxigraph store writes it with pyoxigraph, the memory store with rdflib's N-Triples writer.
Either store reads the other's entries. It is written with
:func:`kgtool.export.write_atomic` (temp file + ``os.replace``), so concurrent processes that build
the same entry each replace it with identical content and a reader never sees half a file; an
entry that does not parse is a miss, and is rebuilt.

The folder is ``--cache-dir``, else ``$KGTOOL_CACHE_DIR``, else ``$XDG_CACHE_HOME/kgtool``, else
``~/.cache/kgtool``.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgtool import __version__
from kgtool.core.errors import ExportError

if TYPE_CHECKING:
    from rdflib import Graph

_HEADER_RE = re.compile(rb"^# kgtool-closure asserted=(\d+) dropped=(\d+)$")
_PACKAGE_DIR = Path(__file__).resolve().parent


def default_cache_dir() -> Path:
    """Return the cache folder from the environment (it may not exist yet).

    >>> default_cache_dir().name
    'kgtool'
    """
    explicit = os.environ.get("KGTOOL_CACHE_DIR")
    if explicit:
        return Path(explicit) / "kgtool"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kgtool"


def code_fingerprint() -> str:
    """Return kgtool's version plus the sizes and modification times of its modules.

    >>> code_fingerprint().startswith(__version__)
    True
    """
    parts = [__version__]
    with os.scandir(_PACKAGE_DIR) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.endswith(".py"):
                stat = entry.stat()
                parts.append(f"{entry.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


def files_key(files: Sequence[Path], input_format: str | None) -> str | None:
    """Return a hash of the input files' paths and bytes, or None when they cannot be hashed.

    Args:
        files: The ontology and fact files, in load order.
        input_format: ``--input-format`` (None: guessed from each extension).

    Returns:
        A hex digest, or None for stdin (``-``) or a file that can no longer be read.

    >>> files_key([Path("-")], None) is None
    True
    """
    digest = hashlib.sha256(f"files\0{input_format or ''}\0".encode())
    for f in files:
        if str(f) == "-":
            return None
        try:
            digest.update(str(f.resolve()).encode("utf-8", "surrogateescape") + b"\0")
            with f.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            return None
        digest.update(b"\0")
    return digest.hexdigest()


def entry_key(content_key: str, profile: str) -> str:
    """Return the file stem of a closure: an input hash salted with profile, version and code.

    >>> len(entry_key("0" * 64, "owlrl"))
    64
    """
    salt = f"{code_fingerprint()}\n{profile}\n{content_key}"
    return hashlib.sha256(salt.encode()).hexdigest()


def closure_path(cache_dir: Path, key: str) -> Path:
    """Return where the closure with ``key`` is stored."""
    return cache_dir / f"closure-{key}.nt"


def _oxigraph() -> Any:
    try:
        import pyoxigraph
    except ImportError:  # the oxigraph extra is optional: rdflib reads and writes then
        return None
    return pyoxigraph


def read_closure_bytes(cache_dir: Path, key: str) -> tuple[bytes, int, int] | None:
    """Return an entry's N-Triples body and counts, or None when missing or headless.

    The body is not parsed here: the Oxigraph store loads it in one transaction, and a body
    that does not parse is a miss there.
    """
    try:
        data = closure_path(cache_dir, key).read_bytes()
    except OSError:
        return None
    first, _, body = data.partition(b"\n")
    header = _HEADER_RE.match(first)
    if header is None:
        return None
    return body, int(header.group(1)), int(header.group(2))


def read_closure_native(cache_dir: Path, key: str) -> tuple[list[Any], int, int] | None:
    """Return the cached closure as pyoxigraph triples with its counts, or None on a miss.

    A file that cannot be read or parsed counts as a miss (it is rebuilt and replaced).
    Needs pyoxigraph.
    """
    ox = _oxigraph()
    entry = read_closure_bytes(cache_dir, key)
    if entry is None or ox is None:
        return None
    body, asserted, dropped = entry
    try:
        triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    except (SyntaxError, ValueError):  # a damaged entry is rebuilt, never trusted
        return None
    return triples, asserted, dropped


def read_closure(cache_dir: Path, key: str) -> tuple[Graph, int, int] | None:
    """Return the cached inferred graph with its asserted and dropped counts, or None on a miss.

    A file that cannot be read or parsed counts as a miss (it is rebuilt and replaced).
    """
    from rdflib import Graph  # the CLI imports this module; keep rdflib off its import path

    if _oxigraph() is not None:
        native = read_closure_native(cache_dir, key)
        if native is None:
            return None
        from kgtool.store.oxigraph import rdflib_triples

        triples, asserted, dropped = native
        graph = Graph()
        for triple in rdflib_triples(triples):
            graph.add(triple)
        return graph, asserted, dropped
    entry = read_closure_bytes(cache_dir, key)
    if entry is None:
        return None
    body, asserted, dropped = entry
    graph = Graph()
    try:
        graph.parse(data=body.decode("utf-8"), format="nt")
    except Exception:  # a damaged entry is rebuilt, never trusted
        return None
    return graph, asserted, dropped


def write_closure(
    cache_dir: Path, key: str, inferred: Graph | bytes, asserted: int, dropped: int
) -> None:
    """Store a closure atomically; failures are ignored (the cache is an optimisation only).

    Args:
        cache_dir: The cache folder (created if missing).
        key: The entry key (:func:`entry_key`).
        inferred: The inferred triples: an rdflib graph, or N-Triples with one triple a line,
            sorted (:func:`kgtool.store.oxigraph.sorted_ntriples`).
        asserted: The number of asserted triples.
        dropped: How many closure triples were dropped as noise.
    """
    from kgtool.export import write_atomic  # export pulls in the serializers; only needed here

    if isinstance(inferred, bytes):
        body = inferred
    else:
        # From an rdflib graph, rdflib's own writer is the faster (0.67 s against 0.88 s for
        # converting to pyoxigraph and writing, 139 k triples). Lines are sorted as the
        # Oxigraph store's are, so that store can print an entry as it is.
        text = inferred.serialize(format="nt", encoding="utf-8")
        lines = sorted({line for line in text.split(b"\n") if line.strip()})
        body = b"".join(line + b"\n" for line in lines)
    header = f"# kgtool-closure asserted={asserted} dropped={dropped}\n".encode()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(closure_path(cache_dir, key), header + body)
    except (OSError, ExportError):
        return
