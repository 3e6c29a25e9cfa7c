"""The options and helpers every command family shares: the graph inputs, loading, printing.

:func:`graph_options` is the one decorator for commands that read the graph, the server
included: it carries ``--data``, ``--ontology``, ``--shapes``, ``--input-format`` to the command
and keeps ``--store``, ``--cache-dir`` and ``--no-cache`` for :func:`load_graph` (and for the
server's workers, through :func:`graph_settings`), so each means the same on every command.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kgtool.cli.flags import GRAPH_FLAGS, Flag
from kgtool.cli.flags import parse_params as parse_params  # re-exported: its old place
from kgtool.cli.progress import activity, counting

if TYPE_CHECKING:
    from kgtool.graph import KnowledgeGraph
    from kgtool.reason.engine import ReasoningResult

F = TypeVar("F", bound=Callable[..., Any])


def click_option(flag: Flag) -> Callable[[F], F]:
    """Build the click option a :class:`~kgtool.cli.flags.Flag` describes."""
    extra: dict[str, Any] = {}
    if flag.kind == "flag":
        extra["is_flag"] = True
    elif flag.kind == "switch":
        extra["default"] = flag.default
    else:
        extra["default"] = flag.default
        if flag.choices is not None:
            extra["type"] = click.Choice(flag.choices)
        elif flag.directory:
            extra["type"] = click.Path(file_okay=False, path_type=Path)
    if flag.multiple:
        extra["multiple"] = True
    if flag.metavar:
        extra["metavar"] = flag.metavar
    if flag.show_default:
        extra["show_default"] = True
    if flag.remembered:
        extra["expose_value"] = False
        extra["callback"] = _remember
    option: Callable[[F], F] = click.option(*flag.decls, help=flag.help, **extra)
    return option


def graph_options(func: F) -> F:
    """Add the graph inputs and the store and cache settings to a command that reads the graph."""
    for flag in reversed(GRAPH_FLAGS):
        func = click_option(flag)(func)
    return func


def queries_option(help: str = "Folder of .rq files (default: the bundled queries/).") -> Any:
    """The ``--queries`` folder option of the commands that run bundled queries."""
    return click.option(
        "--queries",
        "queries_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help=help,
    )


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.ensure_object(dict)
    if param.name:
        ctx.obj[param.name] = value
    return value


def graph_settings() -> tuple[str, Path | None]:
    """Return this command line's store choice and closure cache folder (None: ``--no-cache``).

    ``--cache-dir`` is the folder itself; without it, the user's cache folder.
    """
    from kgtool.io.cache import default_cache_dir

    obj = click.get_current_context().find_object(dict) or {}
    store = obj.get("store") or "auto"
    if obj.get("no_cache"):
        return store, None
    return store, obj.get("cache_dir") or default_cache_dir()


def load_graph(
    data: Sequence[str], ontology: Sequence[str], shapes: Sequence[str], input_format: str | None
) -> KnowledgeGraph:
    """Load the graph the command was given, on the chosen store, with its closure cache."""
    from kgtool.graph import KnowledgeGraph

    store, cache_dir = graph_settings()
    with counting("load", "B", scale=True) as progress:
        kg = KnowledgeGraph.load(
            data=list(data) or None,
            ontology=list(ontology) or None,
            shapes=list(shapes) or None,
            format=input_format,
            store=store,
            progress=progress,
            cache_dir=cache_dir,
        )
    return kg


def reason_graph(
    kg: KnowledgeGraph, profile: str = "owlrl", engine: str = "auto", keep: bool = True
) -> ReasoningResult:
    """Run :func:`kgtool.reason.engine.reason` with a progress line."""
    from kgtool.reason.engine import reason

    with activity("reason"):
        return reason(kg, profile=profile, engine=engine, keep=keep)


def emit(text: str, output: str | None) -> None:
    """Print ``text``, or write it to the file ``output`` atomically (``-``: print)."""
    from kgtool.io.files import write_atomic

    if output is None or output == "-":
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)


def note(message: str) -> None:
    """Tell the user something on stderr, unless ``kgtool --quiet`` asked for errors only."""
    obj = click.get_current_context(silent=True)
    settings = (obj.find_object(dict) if obj is not None else None) or {}
    if not settings.get("quiet"):
        click.echo(message, err=True)
