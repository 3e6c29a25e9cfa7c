"""Every bundled query's answer as one document a program can parse (``kgtool query --all``).

People read ``--all`` as titled sections; a program asking for a machine format gets one JSON
object keyed by query name instead, each entry holding the title and either the answer (SPARQL
JSON results, JSON-LD, or the text of a CSV/TSV/XML answer) or why the query was skipped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kgtool.io.formats import find_rdf_format, find_result_format
from kgtool.query.render import render
from kgtool.query.run import QueryOutcome

#: The RDF format a graph answer takes when ``--all`` asks for a results format.
_GRAPH_FORMAT_FOR = {"json": "jsonld", "xml": "xml"}


def render_for_all(outcome: QueryOutcome, fmt: str) -> str:
    """Return the format one answer of ``--all`` is written in, given the format asked for.

    A CONSTRUCT or DESCRIBE query answers a graph, which no results format can hold: it gets
    JSON-LD for ``json``, RDF/XML for ``xml``, Turtle otherwise; rows keep ``fmt``.
    """
    if outcome.kind in ("CONSTRUCT", "DESCRIBE") and find_rdf_format(fmt) is None:
        return _GRAPH_FORMAT_FOR.get(fmt, "turtle")
    return fmt


def answer_file_name(name: str, outcome: QueryOutcome, fmt: str) -> str:
    """Return ``NAME.<extension>`` for one answer of ``--all --output-dir``.

    >>> from types import SimpleNamespace
    >>> answer_file_name("founders", SimpleNamespace(kind="SELECT"), "json")
    'founders.srj'
    """
    chosen = render_for_all(outcome, fmt)
    if outcome.kind in ("CONSTRUCT", "DESCRIBE"):
        rdf = find_rdf_format(chosen)
        assert rdf is not None
        return name + rdf.extensions[0]
    results = find_result_format(chosen)
    assert results is not None
    return name + results.extension


def answer_value(outcome: QueryOutcome, fmt: str) -> Any:
    """Return one answer as a JSON value: parsed JSON for json/jsonld, else the text."""
    chosen = render_for_all(outcome, fmt)
    text = render(outcome, chosen)
    if chosen in ("json", "jsonld"):
        return json.loads(text)
    return text


def all_answers_json(
    answers: Mapping[str, tuple[str, str | None, QueryOutcome | None]], fmt: str
) -> str:
    """Return the answers of ``--all`` as one JSON document, keyed by query name in order.

    Args:
        answers: By query name: its title, why it was skipped (or None), and its outcome.
        fmt: The format asked for (kgtool's name).

    >>> print(all_answers_json({"q": ("A query", "needs --param x", None)}, "csv"), end="")
    {
      "q": {
        "title": "A query",
        "skipped": "needs --param x"
      }
    }
    """
    document: dict[str, dict[str, Any]] = {}
    for name, (title, skipped, outcome) in answers.items():
        entry: dict[str, Any] = {"title": title}
        if skipped is not None or outcome is None:
            entry["skipped"] = skipped
        else:
            entry["format"] = render_for_all(outcome, fmt)
            entry["result"] = answer_value(outcome, fmt)
        document[name] = entry
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
