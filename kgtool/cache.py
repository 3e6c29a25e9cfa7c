"""An on-disk cache of reasoning results, shared by every kgtool process (issue 5).

A closure is stored under a key that hashes the asserted triples (ontology and facts), the
profile and kgtool's version, so any change of the inputs or of the tool misses the cache. Each
entry is one N-Triples file whose first line carries the counts; it is written with
:func:`kgtool.export.write_atomic` (temp file + ``os.replace``), so concurrent processes that build
the same entry each replace it with identical content and a reader never sees half a file.

The folder is ``--cache-dir``, else ``$KGTOOL_CACHE_DIR``, else ``$XDG_CACHE_HOME/kgtool``, else
``~/.cache/kgtool``.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from kgtool import __version__
from kgtool.errors import ExportError

if TYPE_CHECKING:
    from rdflib import Graph

_HEADER_RE = re.compile(r"^# kgtool-closure asserted=(\d+) dropped=(\d+)$")


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


def entry_key(content_key: str, profile: str) -> str:
    """Return the file stem of a closure: the content hash salted with profile and version.

    >>> len(entry_key("0" * 64, "owlrl"))
    64
    """
    return hashlib.sha256(f"{__version__}\n{profile}\n{content_key}".encode()).hexdigest()


def closure_path(cache_dir: Path, key: str) -> Path:
    """Return where the closure with ``key`` is stored."""
    return cache_dir / f"closure-{key}.nt"


def read_closure(cache_dir: Path, key: str) -> tuple[Graph, int, int] | None:
    """Return the cached inferred graph with its asserted and dropped counts, or None on a miss.

    A file that cannot be read or parsed counts as a miss (it is rebuilt and replaced).
    """
    from rdflib import Graph  # the CLI imports this module; keep rdflib off its import path

    path = closure_path(cache_dir, key)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    header = _HEADER_RE.match(text.split("\n", 1)[0])
    if header is None:
        return None
    graph = Graph()
    try:
        graph.parse(data=text, format="nt")
    except Exception:  # a damaged entry is rebuilt, never trusted
        return None
    return graph, int(header.group(1)), int(header.group(2))


def write_closure(cache_dir: Path, key: str, inferred: Graph, asserted: int, dropped: int) -> None:
    """Store a closure atomically; failures are ignored (the cache is an optimisation only)."""
    from kgtool.export import write_atomic  # export pulls in the serializers; only needed here

    body = inferred.serialize(format="nt")
    text = f"# kgtool-closure asserted={asserted} dropped={dropped}\n{body}"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(closure_path(cache_dir, key), text)
    except (OSError, ExportError):
        return
