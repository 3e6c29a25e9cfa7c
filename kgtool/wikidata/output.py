"""How the Wikidata workflows hand back their results: review tables, and TriG files to load.

The files (accepted links, enrichment) are the project's canonical TriG, one named graph each,
written atomically to a path the user chose: never into the installed package.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from rdflib import Dataset, Graph, Literal, URIRef

from kgtool.core.namespaces import bind_prefixes
from kgtool.io.canonical import canonical_trig
from kgtool.io.files import write_atomic
from kgtool.io.parse import parse_file


def answers_note(fetched: Sequence[str], offline: bool) -> str:
    """Say where a report's answers came from, and when.

    >>> answers_note(["2026-01-02", "2026-01-01"], offline=True)
    'answers cached on 2026-01-01'
    >>> answers_note([], offline=False)
    'no query needed'
    """
    if offline and fetched:
        return f"answers cached on {min(fetched)}"
    if fetched:
        return f"answers fetched {max(fetched)}"
    return "no query needed"


class Answered(Protocol):
    """A report on endpoint answers: which endpoint, when they were fetched, whether offline."""

    endpoint: str
    fetched: list[str]
    offline: bool


def report_json(report: Answered, **entries: Any) -> str:
    """Write a report as JSON: where its answers came from, then its entries.

    >>> from types import SimpleNamespace
    >>> answered = SimpleNamespace(endpoint="http://e/sparql", fetched=["t"], offline=False)
    >>> print(report_json(answered, links=[]), end="")
    {
      "endpoint": "http://e/sparql",
      "offline": false,
      "fetched": [
        "t"
      ],
      "links": []
    }
    """
    document = {
        "endpoint": report.endpoint,
        "offline": report.offline,
        "fetched": sorted(set(report.fetched)),
    }
    return json.dumps({**document, **entries}, indent=2, ensure_ascii=False) + "\n"


def existing_graph(path: Path, name: URIRef) -> Graph:
    """Return the named graph ``name`` of the TriG file ``path`` (empty if there is no file).

    Raises:
        InputError: If the file does not parse.
    """
    if not path.exists():
        return Graph()
    return parse_file(path).graph(name)


def write_named_graph(
    dest: Path, name: URIRef, graph: Graph, header: str, keep: Graph | None = None
) -> None:
    """Replace ``dest`` with ``keep`` plus ``graph`` as the named graph ``name``, atomically.

    Args:
        dest: The TriG file.
        name: The graph's IRI.
        graph: The triples to write.
        header: Comment lines put before the TriG.
        keep: Triples of the old file to write again.

    Raises:
        ExportError: If it cannot be written (the old file is then intact).
    """
    dataset = bind_prefixes(Dataset())
    target = dataset.graph(name)
    for source in (keep, graph):
        for s, p, o in source if source is not None else ():
            if isinstance(o, Literal):
                # rdflib's normal form ("Z" becomes "+00:00"), as the canonical form has it.
                o = Literal(str(o), lang=o.language, datatype=o.datatype)
            target.add((s, p, o))
    # The project's canonical TriG, so `kgtool canonicalize --check` passes on written files.
    write_atomic(dest, header + "\n" + canonical_trig(dataset))
