"""The ``kgtool`` console script: a repeated ``kgtool query`` is answered before click loads.

Scripts run the same ``kgtool query NAME`` many times a minute. On an answer-cache hit
(:mod:`kgtool.query.answers`) the work left is reading one small file, yet importing click and
building the command tree costs about 25 ms, a third of the whole process. So this entry point
recognises the plain forms of ``kgtool query``: a name and the options of
:data:`kgtool.cli.flags.FAST_PATH`, read from the same definitions click builds the command
from. It computes the key the full command computes and prints the stored answer. Anything
else, any doubt, and every miss goes to :func:`kgtool.cli.main.cli`, which parses, checks and
reports exactly as before.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kgtool.cli.exits import EXIT_BROKEN_PIPE, silence_stdout
from kgtool.cli.flags import FAST_PATH, Flag

#: Option string → (the option, the value an on/off switch takes; None for a value option).
_OPTIONS: dict[str, tuple[Flag, bool | None]] = {
    **{o: (f, None if f.kind == "value" else True) for f in FAST_PATH for o in f.opts},
    **{o: (f, False) for f in FAST_PATH for o in f.off_opts},
}


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
    parsed = parse_query_args(argv)
    if parsed is None:
        return None
    name, values = parsed
    cache_dir = values["cache_dir"]
    return _lookup(
        name,
        list(values["params"]),
        values["fmt"],
        values["reasoned"],
        values["store"],
        Path(cache_dir) if cache_dir is not None else None,
    )


def parse_query_args(argv: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
    """Parse ``kgtool query NAME`` with :data:`~kgtool.cli.flags.FAST_PATH` options as click would.

    Returns:
        The query name and each option's value by parameter name (defaults filled in), or
        None for anything else or anything click would refuse.

    >>> parse_query_args(["query", "founders", "--format=csv", "--asserted"])[1]["fmt"]
    'csv'
    >>> parse_query_args(["query", "founders", "--data", "x.ttl"]) is None
    True
    """
    if not argv or argv[0] != "query":
        return None
    name: str | None = None
    values: dict[str, Any] = {f.name: () if f.multiple else f.default for f in FAST_PATH}
    rest = list(argv[1:])
    while rest:
        token = rest.pop(0)
        option, sep, value = token.partition("=")
        known = _OPTIONS.get(option)
        if known is None:
            if token.startswith("-") or name is not None:
                return None  # stdin, another option, or a second argument: click decides
            name = token
            continue
        flag, switched = known
        if switched is not None:
            if sep:
                return None  # click refuses a value given to a flag
            values[flag.name] = switched
            continue
        if not sep:
            if not rest:
                return None
            value = rest.pop(0)
        if value.startswith("-") or not value:
            return None
        if flag.choices is not None and value not in flag.choices:
            return None
        if flag.directory and Path(value).is_file():
            return None  # click refuses a file there
        if flag.multiple:
            values[flag.name] = (*values[flag.name], value)
        else:
            values[flag.name] = value
    if name is None:
        return None
    return name, values


def _lookup(
    name: str, params: list[str], fmt: str, reasoned: bool, store: str, cache_dir: Path | None
) -> str | None:
    from kgtool.core.errors import KgtoolError
    from kgtool.io.cache import default_cache_dir
    from kgtool.query.answers import answer_key, read_answer

    try:
        # The same arguments kgtool.cli.query._answer_slot passes for these options.
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
    try:
        sys.stdout.write(answer)
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()  # as the full command line ends (kgtool.cli.exits)
        sys.exit(EXIT_BROKEN_PIPE)
