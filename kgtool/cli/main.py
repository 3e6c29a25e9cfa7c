"""The ``kgtool`` command group: version, ``--traceback``, and the one place where errors become
exit codes.

Exit codes (:mod:`kgtool.cli.exits`): 0 ok; 1 validation violations, failed checks,
inconsistency, or a query that fails to run; 2 usage or input error; 141 the output pipe was
closed. Results go to stdout, messages to stderr. The library raises
:class:`kgtool.core.errors.KgtoolError` subclasses and never prints; the command modules print
results; only :class:`KgtoolGroup` turns an error into a message and an exit code.
"""

from __future__ import annotations

import contextlib
import errno
import signal
import sys
import threading
from typing import Any, NoReturn

import click

from kgtool.cli.build import build, canonicalize, context
from kgtool.cli.exits import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    exit_on_sigterm,
    output_failed,
    silence_stdout,
)
from kgtool.cli.export import export
from kgtool.cli.inspect import check, coverage, describe, diagram, facts, stats, why
from kgtool.cli.link import link, push
from kgtool.cli.logs import CliLogHandler, install, uninstall
from kgtool.cli.progress import set_verbosity
from kgtool.cli.query import queries, query
from kgtool.cli.reason import reason
from kgtool.cli.serve import serve
from kgtool.cli.source import source
from kgtool.cli.validate import validate
from kgtool.core.errors import KgtoolError
from kgtool.core.version import __version__

# The library modules import rdflib, owlrl or pyshacl (a quarter of a second), so each command
# imports what it uses inside its body: `kgtool --help` and a cached `kgtool query` stay cheap.

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "KgtoolGroup", "cli"]


class KgtoolGroup(click.Group):
    """A click group that turns library errors into messages and exit codes."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """Parse the arguments; ``--help`` and ``--version`` print here, so pipes close here too."""
        try:
            return super().make_context(info_name, args, parent, **extra)
        except BrokenPipeError:
            _broken_pipe()
        except OSError as exc:
            status = output_failed(exc)
            if status is None:
                raise
            raise click.exceptions.Exit(status) from None

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; map :class:`KgtoolError`, broken pipes and bugs to exit codes."""
        try:
            value = super().invoke(ctx)
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
            return value
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            _broken_pipe()
        except KgtoolError as exc:
            if (ctx.obj or {}).get("traceback"):
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                _broken_pipe()
            status = output_failed(exc)
            if status is None or (ctx.obj or {}).get("traceback"):
                _internal(ctx, exc)
            ctx.exit(status)
        except Exception as exc:
            _internal(ctx, exc)


def _broken_pipe() -> NoReturn:
    """End quietly: the reader of the output is gone (see :mod:`kgtool.cli.exits`)."""
    silence_stdout()
    raise click.exceptions.Exit(EXIT_BROKEN_PIPE)


def _internal(ctx: click.Context, exc: Exception) -> NoReturn:
    """Report a bug in kgtool (or re-raise it, with ``--traceback``); called while handling it."""
    if (ctx.obj or {}).get("traceback"):
        raise exc
    click.echo(
        f"Internal error (a bug in kgtool, not in your input): {type(exc).__name__}: "
        f"{exc}\nRerun with --traceback and report it.",
        err=True,
    )
    ctx.exit(EXIT_USAGE)


@click.group(cls=KgtoolGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kgtool")
@click.option("--traceback", is_flag=True, help="Show the Python traceback of an error.")
@click.option("-q", "--quiet", is_flag=True, help="Say nothing on stderr but errors.")
@click.option("-v", "--verbose", is_flag=True, help="Show progress and each step's time.")
@click.pass_context
def cli(ctx: click.Context, traceback: bool, quiet: bool, verbose: bool) -> None:
    """Reason over, validate, query and export the EleutherAI knowledge graph.

    Every command reads the bundled ontology, shapes and facts unless given --data,
    --ontology or --shapes. Exit codes: 0 ok, 1 violations / inconsistency / failed query,
    2 usage or input error, 141 the output pipe closed early (as with | head).

    Example:

        kgtool validate && kgtool query founders --format csv
        kgtool --quiet validate --data my-facts.ttl
    """
    if quiet and verbose:
        raise click.UsageError("give --quiet or --verbose, not both")
    ctx.ensure_object(dict)
    ctx.obj["traceback"] = traceback
    ctx.obj["quiet"] = quiet
    level = "quiet" if quiet else "verbose" if verbose else "normal"
    set_verbosity(level)
    ctx.call_on_close(lambda: set_verbosity("normal"))
    handler = install(quiet=quiet, traceback=traceback)
    if handler is not None:
        ctx.call_on_close(lambda: _close_log(handler))
    if threading.current_thread() is threading.main_thread():
        # `kill` (SIGTERM) unwinds like Ctrl-C, so an export in progress deletes its temp file
        # and leaves the old output untouched.
        previous = signal.signal(signal.SIGTERM, exit_on_sigterm)
        ctx.call_on_close(lambda: signal.signal(signal.SIGTERM, previous))


def _close_log(handler: CliLogHandler) -> None:
    """Print the run's one line about ill-typed literals, then restore logging."""
    uninstall(handler)
    line = handler.summary()
    if line is not None and not handler.quiet:
        with contextlib.suppress(OSError):  # stderr is gone too: nothing left to tell
            click.echo(line, err=True)


for _command in (
    validate,
    reason,
    queries,
    query,
    push,
    export,
    context,
    stats,
    describe,
    facts,
    why,
    check,
    coverage,
    serve,
    diagram,
    canonicalize,
    build,
    link,
    source,
):
    cli.add_command(_command)
