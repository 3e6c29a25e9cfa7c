"""The ``kgtool`` console script: a repeated ``kgtool query`` is answered before click loads.

Scripts run the same ``kgtool query NAME`` many times a minute (issue 5). On an answer-cache hit
(:mod:`kgtool.query.answers`) the work left is reading one small file, yet importing click and
building
the command tree costs about 25 ms, a third of the whole process. So this entry point recognises
the plain forms of ``kgtool query`` (a name, ``--param``, ``--format``, ``--reasoned``,
``--asserted``, ``--store``, ``--cache-dir``), computes the same key the full command computes,
and prints a stored answer. Anything else, any doubt, and every miss goes to
:func:`kgtool.cli.main.cli`, which parses, checks and reports exactly as before.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from kgtool.cli.choices import GRAPH_FORMATS, STORE_CHOICES, TABLE_FORMATS

#: The ``--format`` choices of ``kgtool query`` (``xml`` is SPARQL XML results there).
QUERY_FORMATS = frozenset([*TABLE_FORMATS, *(f for f in GRAPH_FORMATS if f != "xml")])
_VALUE_OPTIONS = ("--param", "--format", "--store", "--cache-dir")


def cached_answer(argv: Sequence[str]) -> str | None:
    """Return the stored answer of ``kgtool <argv>``, or None when the full CLI must run.

    Args:
        argv: The arguments after the program name.

    Returns:
        The text the full ``kgtool query`` printed the last time it ran on the same inputs, or
        None: not a plain query, an option this function does not know, a value click would
        refuse, stdin, or no stored answer.

    >>> cached_answer(["validate"]) is None
    True
    >>> cached_answer(["query", "founders", "--all"]) is None
    True
    """
    if not argv or argv[0] != "query":
        return None
    name: str | None = None
    params: list[str] = []
    fmt, store, reasoned = "table", "auto", False
    cache_dir: Path | None = None
    rest = list(argv[1:])
    while rest:
        token = rest.pop(0)
        if token in ("--reasoned", "--asserted"):
            reasoned = token == "--reasoned"
            continue
        option, sep, value = token.partition("=")
        if option in _VALUE_OPTIONS and not sep:
            if not rest:
                return None
            value = rest.pop(0)
        elif option not in _VALUE_OPTIONS:
            if token.startswith("-") or name is not None:
                return None  # stdin, another option, or a second argument: click decides
            name = token
            continue
        if value.startswith("-") or not value:
            return None
        if option == "--param":
            params.append(value)
        elif option == "--format":
            fmt = value
        elif option == "--store":
            store = value
        else:
            cache_dir = Path(value)
    if name is None or fmt not in QUERY_FORMATS or store not in STORE_CHOICES:
        return None
    if cache_dir is not None and cache_dir.is_file():
        return None  # click refuses a file there
    return _lookup(name, params, fmt, reasoned, store, cache_dir)


def _lookup(
    name: str, params: list[str], fmt: str, reasoned: bool, store: str, cache_dir: Path | None
) -> str | None:
    from kgtool.core.errors import KgtoolError
    from kgtool.io.cache import default_cache_dir
    from kgtool.query.answers import answer_key, read_answer

    try:
        # The same arguments kgtool.cli.main._answer_slot passes for these options.
        key = answer_key(name, params, fmt, reasoned, None, None, None, None, store, None)
    except (KgtoolError, OSError):
        return None
    if key is None:
        return None
    answer = read_answer(cache_dir or default_cache_dir(), key)
    # click.echo strips ANSI escapes when stdout is not a terminal: leave such text to it.
    if answer is None or "\x1b" in answer:
        return None
    return answer


def main() -> None:
    """Run ``kgtool``: print a cached query answer, or hand over to the click command line."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    answer = cached_answer(sys.argv[1:]) if encoding == "utf8" else None
    if answer is None:
        from kgtool.cli.main import cli

        cli(prog_name="kgtool")
        return
    sys.stdout.write(answer)
    sys.stdout.flush()
