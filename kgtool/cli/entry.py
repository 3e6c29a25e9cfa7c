"""The ``kgtool`` console script: plain ``kgtool query`` runs are answered before click loads.

Scripts run ``kgtool query`` many times a minute. Importing click and building the command tree
costs about 25 ms, and a query on unchanged inputs needs little more: the answer cache
(:mod:`kgtool.query.answers`) or one query on the inputs' stored copy. So this entry point
recognises the plain forms of ``kgtool query``: a name, file or text and the options of
:data:`kgtool.cli.flags.FAST_PATH`, read from the same definitions click builds the command
from. It prints the stored answer under the key the full command computes; on a miss, when the
inputs' stored copy exists, it runs the query through the same library calls as the full
command (:func:`kgtool.query.run.run_query`, :func:`kgtool.query.render.render`) and stores the
answer as it does. Anything else, any doubt, any error and any warning goes to
:func:`kgtool.cli.main.cli`, which parses, runs, checks and reports exactly as before (nothing
has been printed by then).
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kgtool.cli.exits import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    exit_on_sigterm,
    output_failed,
    silence_stdout,
)
from kgtool.cli.flags import FAST_PATH, Flag, parse_params, query_format_name

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
    from kgtool.io.cache import default_cache_dir

    return _stored(_key(name, params, fmt, reasoned, store), cache_dir or default_cache_dir())


def _stored(key: str | None, cache_dir: Path) -> str | None:
    from kgtool.query.answers import read_answer

    return None if key is None else _printable(read_answer(cache_dir, key))


def _cache_dir(values: dict[str, Any]) -> Path:
    from kgtool.io.cache import default_cache_dir

    return Path(values["cache_dir"]) if values["cache_dir"] else default_cache_dir()


def _key_of(name: str, values: dict[str, Any]) -> str | None:
    return _key(name, list(values["params"]), values["fmt"], values["reasoned"], values["store"])


def _key(name: str, params: list[str], fmt: str, reasoned: bool, store: str) -> str | None:
    from kgtool.core.errors import KgtoolError
    from kgtool.query.answers import answer_key

    try:
        # The same arguments kgtool.cli.query._answer_slot passes for these options.
        return answer_key(name, params, fmt, reasoned, None, None, None, None, store, None)
    except (KgtoolError, OSError):
        return None


def _printable(answer: str | None) -> str | None:
    # click.echo strips ANSI escapes when stdout is not a terminal: leave such text to it.
    if answer is None or "\x1b" in answer:
        return None
    return answer


@contextmanager
def _rdflib_warnings() -> Iterator[Callable[[], bool]]:
    """Yield whether rdflib has logged a warning since the block began.

    The full command installs its handler on the "rdflib" logger (kgtool.cli.logs): a run that
    logs there is left to it, so its messages read as they always have.
    """
    import logging  # here, not for every cache hit

    seen: list[logging.LogRecord] = []

    class Noted(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    handler = Noted(logging.WARNING)
    logger = logging.getLogger("rdflib")
    logger.addHandler(handler)
    try:
        yield lambda: bool(seen)
    finally:
        logger.removeHandler(handler)


def fresh_answer(argv: Sequence[str]) -> str | None:
    """Run ``kgtool <argv>`` on the inputs' stored copy and store the answer, as the full
    ``kgtool query`` does; None when the full command line must run instead.

    Args:
        argv: The arguments after the program name.

    Returns:
        The text the full command prints, or None: not a plain query (see
        :func:`parse_query_args`), ``--reasoned``, no stored copy of the inputs (building one
        reports progress), any error (the full command reports it), a warning, or text click
        would print differently.

    >>> fresh_answer(["query", "founders", "--reasoned"]) is None
    True
    """
    parsed = parse_query_args(argv)
    if parsed is None:
        return None
    name, values = parsed
    return _fresh(name, values, _key_of(name, values))


def _fresh(name: str, values: dict[str, Any], key: str | None) -> str | None:
    """:func:`fresh_answer` for parsed arguments, whose answer-cache key is ``key``."""
    fmt = query_format_name(values["fmt"])
    if values["reasoned"] or fmt is None:
        return None  # reasoning reports progress, and keeps its own cache
    cache_dir = _cache_dir(values)
    try:
        with _rdflib_warnings() as warned:
            text = _run(name, list(values["params"]), fmt, values["store"], cache_dir)
            if warned():
                return None
    except Exception:  # the full command runs again and reports it as it always has
        return None
    if text is None or _printable(text) is None:
        return None
    if key is not None:
        from kgtool.query.answers import write_answer

        write_answer(cache_dir, key, text)
    return text


def _run(name: str, params: list[str], fmt: str, store: str, cache_dir: Path) -> str | None:
    """What ``kgtool.cli.query.query`` does for these options, on a stored copy only."""
    from kgtool.graph import KnowledgeGraph
    from kgtool.query.render import render
    from kgtool.query.run import run_query

    given = parse_params(params)
    kg = KnowledgeGraph.open_stored(store=store, cache_dir=cache_dir)
    if kg is None:
        return None
    return render(run_query(kg, name, given), fmt)


def _unwinding(run: Callable[[], str | None]) -> str | None:
    """Call ``run`` with SIGTERM and Ctrl-C ending the process as the full command line ends it."""
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, exit_on_sigterm) if main_thread else None
    try:
        return run()
    except KeyboardInterrupt:
        # What click prints and returns when interrupted.
        sys.stderr.write("\nAborted!\n")
        sys.exit(EXIT_FAILED)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


#: The cycle collector's thresholds for a command's process. CPython's first is 700 objects:
#: building a graph of 100 k triples (rdflib terms and their index entries, none in a cycle)
#: set off thousands of passes over the young objects, 15-25% of loading, reasoning and
#: validating at that size. Cycles are still collected, less often.
GC_THRESHOLDS = (100_000, 50, 100)


def main() -> None:
    """Run ``kgtool``: answer a plain query here, or hand over to the click command line."""
    gc.set_threshold(*GC_THRESHOLDS)
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    parsed = parse_query_args(sys.argv[1:]) if encoding == "utf8" else None
    answer = None
    if parsed is not None:
        name, values = parsed
        # Computed once, before the inputs are read, as the full command computes it.
        key = _key_of(name, values)
        answer = _stored(key, _cache_dir(values))
        if answer is None:
            answer = _unwinding(lambda: _fresh(name, values, key))
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
    except OSError as exc:
        status = output_failed(exc)
        if status is None:
            raise
        sys.exit(status)


def run() -> None:
    """The console script: :func:`main`, then leave without tearing the heap down.

    Freeing a loaded graph object by object at interpreter exit took 2.2 s of a 7.4 s
    ``kgtool why`` over 50 k triples on the memory store. Once the command is done and only this
    thread runs, the exit handlers run (scratch stores are closed and removed there), the
    streams are flushed and the process ends with the command's status. Otherwise (a thread
    still running) the interpreter's own exit joins it as before.
    """
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = _status(exc.code)
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            silence_stdout()
            code = code or EXIT_BROKEN_PIPE
        except OSError as exc:  # what was left for a full disk, say: never a silent success
            if stream is sys.stdout:
                code = code or output_failed(exc) or EXIT_FAILED
        except ValueError:  # a stream the command closed
            pass
    os._exit(code)


def _status(code: object) -> int:
    """The exit status ``sys.exit(code)`` gives: None is 0, other non-integers are printed."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1
