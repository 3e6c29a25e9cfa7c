"""An on-disk cache of reasoning results, shared by every kgtool process.

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

Each entry is one N-Triples file whose first line carries the counts, sealed (its key and
digest ahead of it, :func:`kgtool.io.cache.seal`), so another key's entry or a damaged one is a
miss. It is read by pyoxigraph, which keeps blank-node labels (rdflib's reader makes new ones;
for the memory store, parsing with pyoxigraph then converting took 0.82 s against rdflib's
1.54 s for 60 k triples); the Oxigraph store writes it with pyoxigraph, the memory store with
rdflib's N-Triples writer. Either store reads the other's entries. A closure's blank nodes are
those of the copy of the inputs it was computed on, and each parse labels blank nodes anew, so
an entry that names one records the labels' name (:attr:`kgtool.store.base.Store.blank_nodes`)
and serves only a store of that name: the same stored Oxigraph copy, in any process. It is
written with :func:`kgtool.export.write_atomic` (temp file + ``os.replace``), so concurrent
processes that build the same entry each replace it with identical content and a reader never
sees half a file; an entry that does not parse is a miss, and is rebuilt.

The folder is ``--cache-dir``, else ``$KGTOOL_CACHE_DIR``, else ``$XDG_CACHE_HOME/kgtool``, else
``~/.cache/kgtool``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kgtool.io.cache import CacheKind, CacheSettings, code_fingerprint, hash_file
from kgtool.store.base import names_blank_node

if TYPE_CHECKING:
    from rdflib import Graph

_HEADER_RE = re.compile(
    rb"^# kgtool-closure asserted=(\d+) dropped=(\d+)(?: blank-nodes=([0-9a-f]+))?$"
)


def _entries(cache_dir: Path) -> CacheKind:
    return CacheSettings(cache_dir).kind("closures", ".nt", sealed=True)


def files_key(
    files: Sequence[Path], input_format: str | None, base: str | None = None
) -> str | None:
    """Return a hash of the input files' paths and bytes, or None when they cannot be hashed.

    Args:
        files: The ontology and fact files, in load order.
        input_format: ``--input-format`` (None: guessed from each extension).
        base: The base IRI the fact files were read with (None: their own URIs).

    Returns:
        A hex digest, or None for stdin (``-``) or a file that can no longer be read.

    >>> files_key([Path("-")], None) is None
    True
    """
    digest = hashlib.sha256(f"files\0{input_format or ''}\0{base or ''}\0".encode())
    for f in files:
        if str(f) == "-":
            return None
        try:
            hash_file(digest, f)
        except OSError:
            return None
    return digest.hexdigest()


def entry_key(content_key: str, profile: str) -> str:
    """Return the key of a closure: an input hash salted with profile, version and code.

    >>> len(entry_key("0" * 64, "owlrl"))
    64
    """
    salt = f"{code_fingerprint()}\n{profile}\n{content_key}"
    return hashlib.sha256(salt.encode()).hexdigest()


def closure_path(cache_dir: Path, key: str) -> Path:
    """Return where the closure with ``key`` is stored."""
    path = _entries(cache_dir).path(f"closure-{key}")
    assert path is not None  # a settings object with a root always has paths
    return path


def read_closure_bytes(
    cache_dir: Path, key: str, blank_nodes: str
) -> tuple[bytes, int, int] | None:
    """Return an entry's N-Triples body and counts, or None when missing or headless.

    An entry whose blank nodes are labelled otherwise than ``blank_nodes`` (the reasoning
    store's :attr:`~kgtool.store.base.Store.blank_nodes`) is a miss: they name other nodes.
    The body is not parsed here: the store that reasons loads it, and a body that does not
    parse is a miss there.
    """
    data = _entries(cache_dir).read(f"closure-{key}")
    if data is None:
        return None
    first, _, body = data.partition(b"\n")
    header = _HEADER_RE.match(first)
    if header is None or header.group(3) not in (None, blank_nodes.encode()):
        return None
    return body, int(header.group(1)), int(header.group(2))


def sorted_ntriples_of(graph: Graph) -> bytes:
    """Return an rdflib graph as N-Triples lines, sorted and distinct (the entries' layout)."""
    # rdflib's own writer is the faster one from an rdflib graph (0.67 s against 0.88 s for
    # converting to pyoxigraph and writing, 139 k triples).
    text = graph.serialize(format="nt", encoding="utf-8")
    lines = sorted({line for line in text.split(b"\n") if line.strip()})
    return b"".join(line + b"\n" for line in lines)


def write_closure(
    cache_dir: Path,
    key: str,
    inferred: Graph | bytes,
    asserted: int,
    dropped: int,
    blank_nodes: str,
) -> None:
    """Store a closure; a failure is ignored (the cache is an optimisation only).

    Args:
        cache_dir: The cache folder (created if missing).
        key: The entry key (:func:`entry_key`).
        inferred: The inferred triples: an rdflib graph, or N-Triples with one triple a line,
            sorted (:func:`kgtool.store.convert.sorted_ntriples`).
        asserted: The number of asserted triples.
        dropped: How many closure triples were dropped as noise.
        blank_nodes: The labels of the reasoning store's blank nodes, recorded when the
            closure names one (a closure without blank nodes fits any copy of the inputs).
    """
    body = inferred if isinstance(inferred, bytes) else sorted_ntriples_of(inferred)
    labels = f" blank-nodes={blank_nodes}" if names_blank_node(body) else ""
    header = f"# kgtool-closure asserted={asserted} dropped={dropped}{labels}\n".encode()
    _entries(cache_dir).write(f"closure-{key}", header + body)
