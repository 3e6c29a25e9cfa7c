"""A cache of query answers as printed, so a repeated ``kgtool query`` skips rdflib.

A cold ``kgtool query`` spends almost all its time importing rdflib, parsing the inputs and
setting up rdflib's SPARQL parser. Scripts run the same queries over the same files many times a
minute, so the text a successful query printed is stored under a key that hashes everything the
text depends on: the bytes (and names) of every input file, the query's text (the argument, and
the bytes of any file it may name), the parameters as typed, the format, the view, the store,
kgtool's version and its code (the modules' sizes and times), and the versions of the libraries
that evaluate and write the answer (rdflib, pyoxigraph, pyparsing). Any change of any of these
misses. Since the answer itself is deterministic (row and column order come from the query and
the data, never from the process), whichever run fills an entry stores the bytes every run prints.
The answer is the reference path's own output, so a hit prints exactly what it would.

An Oxigraph snapshot of the data was considered instead, and rejected for this path: Oxigraph
orders ``GROUP_CONCAT`` parts and keeps shared language tags differently from rdflib, so its output
is not byte for byte the memory store's (``tests/store/test_oxigraph.py`` normalises exactly those).

This module imports neither rdflib nor pyoxigraph. Answers are the sealed kind ``answers`` of
the one cache (:mod:`kgtool.io.cache`: its folder, its atomic writes, its meaning of
``--no-cache``), so a damaged entry, or another key's, is a miss and never printed.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from kgtool.core import paths
from kgtool.core.dists import installed_version
from kgtool.core.version import __version__
from kgtool.io.cache import CacheKind, CacheSettings, code_fingerprint, hash_file
from kgtool.io.inputs import data_files, ontology_files, shapes_files
from kgtool.store.base import STORES

#: Answers bigger than this are not kept (the cache is for the many small, repeated queries).
MAX_ANSWER_BYTES = 8 * 1024 * 1024
#: When the folder holds more entries than this, the oldest half is removed on the next write.
MAX_ENTRIES = 2000
_SUFFIX = ".answer"
#: SPARQL functions whose value changes from run to run: such queries are never cached.
_VOLATILE_RE = re.compile(rb"\b(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)


#: The libraries whose version can change an answer's bytes (evaluation, parsing, writing).
_LIBRARIES = ("rdflib", "pyoxigraph", "pyparsing")


@functools.cache
def library_versions() -> str:
    """Return the installed versions of the libraries an answer depends on, without importing them.

    >>> library_versions().startswith("rdflib=")
    True
    """
    return " ".join(f"{name}={installed_version(name) or 'none'}" for name in _LIBRARIES)


def answer_key(
    query: str,
    params: Sequence[str],
    fmt: str,
    reasoned: bool,
    data: Sequence[str] | None,
    ontology: Sequence[str] | None,
    shapes: Sequence[str] | None,
    input_format: str | None,
    store: str,
    queries_dir: Path | None,
) -> str | None:
    """Return the cache key of one query run, or None when it must not be cached (stdin).

    Args:
        query: The query argument as typed (a bundled name, a ``.rq`` path or SPARQL text).
        params: The ``--param`` values as typed.
        fmt: The output format.
        reasoned: Whether the inferred triples are included.
        data: ``--data`` (None: the bundled facts).
        ontology: ``--ontology`` (None: the bundled ontology).
        shapes: ``--shapes`` (None: the bundled shapes).
        input_format: ``--input-format``.
        store: ``--store`` as given.
        queries_dir: ``--queries`` (None: the bundled queries).

    Returns:
        A hex digest, or None (stdin, or a query that calls NOW, RAND, UUID, STRUUID or BNODE).

    Raises:
        InputError: If a named input file does not exist.

    >>> answer_key("founders", [], "csv", False, None, [], [], None, "auto", None) is not None
    True
    >>> answer_key("-", [], "csv", False, None, [], [], None, "auto", None) is None
    True
    >>> answer_key("SELECT (NOW() AS ?t) {}", [], "csv", False, [], [], [], None, "auto", None)
    """
    if query == "-":
        return None
    groups = (ontology_files(ontology), data_files(data), shapes_files(shapes))
    if any(str(f) == "-" for group in groups for f in group):
        return None
    digest = hashlib.sha256()
    # The store changes tie order and GROUP_CONCAT order; auto depends on pyoxigraph's presence.
    oxigraph = STORES["oxigraph"].available()
    header = [
        __version__,
        library_versions(),
        fmt,
        str(reasoned),
        store,
        str(oxigraph),
        input_format or "",
        query,
    ]
    for part in [*header, *params]:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(code_fingerprint().encode("utf-8", "surrogateescape") + b"\0")
    for group in groups:
        digest.update(b"group\0")
        for f in group:
            hash_file(digest, f)
    # The query may name a file, directly or as a bundled name: hash whichever exists.
    folder = queries_dir if queries_dir is not None else paths.queries_dir()
    candidates = [folder / f"{query}.rq"]
    if "\n" not in query and len(query) < 4096:
        candidates.append(Path(query))
    texts = [query.encode("utf-8", "surrogateescape")]
    for candidate in candidates:
        digest.update(b"query-file\0")
        try:
            if candidate.is_file():
                hash_file(digest, candidate)
                texts.append(candidate.read_bytes())
        except (OSError, ValueError):
            continue
    if any(_VOLATILE_RE.search(text) for text in texts):
        return None
    return digest.hexdigest()


def _answers(cache_dir: Path) -> CacheKind:
    return CacheSettings(cache_dir).kind("answers", _SUFFIX, max_entries=MAX_ENTRIES, sealed=True)


def answer_path(cache_dir: Path, key: str) -> Path:
    """Return where the answer with ``key`` is stored."""
    path = _answers(cache_dir).path(key)
    assert path is not None  # settings with a root always give paths
    return path


def read_answer(cache_dir: Path, key: str) -> str | None:
    """Return the stored answer, or None on a miss (an unreadable entry is a miss)."""
    data = _answers(cache_dir).read(key)
    try:
        return None if data is None else data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def write_answer(cache_dir: Path, key: str, text: str) -> None:
    """Store an answer; failures are ignored (the cache is an optimisation only)."""
    data = text.encode("utf-8")
    if len(data) <= MAX_ANSWER_BYTES:
        _answers(cache_dir).write(key, data)
