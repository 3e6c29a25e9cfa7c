"""The ``kgtool`` command line: parse options, call the library, print, pick the exit code.

Exit codes: 0 ok; 1 validation violations, failed checks, inconsistency, or a query that fails
to run; 2 usage or input error. Results go to stdout, messages to stderr. Only this module
prints or exits; the library raises :class:`kgtool.errors.KgtoolError` subclasses.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from kgtool import __version__
from kgtool.check import check as run_checks
from kgtool.describe import describe as describe_entity
from kgtool.describe import stats as graph_stats
from kgtool.errors import KgtoolError, ParameterError
from kgtool.explain import why as explain_why
from kgtool.export import EXPORT_FORMATS, context_json, render_inferred, write_atomic
from kgtool.export import export as export_graph
from kgtool.load import FORMAT_ALIASES, KnowledgeGraph, read_text
from kgtool.query import GRAPH_FORMATS, TABLE_FORMATS, list_queries, render, run_query
from kgtool.reason import PROFILES
from kgtool.reason import reason as run_reason
from kgtool.validate import INFERENCE_CHOICES
from kgtool.validate import validate as run_validate

F = TypeVar("F", bound=Callable[..., Any])

#: Exit codes, named (pySHACL and httpie document theirs the same way).
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class KgtoolGroup(click.Group):
    """A click group that turns library errors into messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; map :class:`KgtoolError` and unexpected errors to exit codes."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except KgtoolError as exc:
            if (ctx.obj or {}).get("traceback"):
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except Exception as exc:
            if (ctx.obj or {}).get("traceback"):
                raise
            click.echo(
                f"Internal error (a bug in kgtool, not in your input): {type(exc).__name__}: "
                f"{exc}\nRerun with --traceback and report it.",
                err=True,
            )
            ctx.exit(EXIT_USAGE)


@click.group(cls=KgtoolGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kgtool")
@click.option("--traceback", is_flag=True, help="Show the Python traceback of an error.")
@click.pass_context
def cli(ctx: click.Context, traceback: bool) -> None:
    """Reason over, validate, query and export the EleutherAI knowledge graph.

    Every command reads the bundled ontology, shapes and facts unless given --data,
    --ontology or --shapes. Exit codes: 0 ok, 1 violations / inconsistency / failed query,
    2 usage or input error.

    Example:

        kgtool validate && kgtool query founders --format csv
    """
    ctx.ensure_object(dict)
    ctx.obj["traceback"] = traceback
    if threading.current_thread() is threading.main_thread():
        # `kill` (SIGTERM) unwinds like Ctrl-C, so an export in progress deletes its temp file
        # and leaves the old output untouched (issue 8).
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        ctx.call_on_close(lambda: signal.signal(signal.SIGTERM, previous))


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def graph_options(func: F) -> F:
    """Add --data, --ontology, --shapes and --input-format to a command that reads the graph."""
    options = [
        click.option(
            "--data",
            "data",
            multiple=True,
            metavar="PATH",
            help="Facts file or folder (repeatable; replaces the bundled graph/; - is stdin).",
        ),
        click.option(
            "--ontology",
            "ontology",
            multiple=True,
            metavar="PATH",
            help="Ontology file (repeatable; replaces the bundled ontology).",
        ),
        click.option(
            "--shapes",
            "shapes",
            multiple=True,
            metavar="PATH",
            help="SHACL shapes file (repeatable; replaces the bundled shapes).",
        ),
        click.option(
            "--input-format",
            type=click.Choice(sorted(FORMAT_ALIASES)),
            default=None,
            help="Format of the --data files (default: from the extension; needed for -).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _load(
    data: Sequence[str], ontology: Sequence[str], shapes: Sequence[str], input_format: str | None
) -> KnowledgeGraph:
    return KnowledgeGraph.load(
        data=list(data) or None,
        ontology=list(ontology) or None,
        shapes=list(shapes) or None,
        format=input_format,
    )


def _emit(text: str, output: str | None) -> None:
    if output is None or output == "-":
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)


@cli.command()
@graph_options
@click.option(
    "--inference",
    type=click.Choice(INFERENCE_CHOICES),
    default="none",
    show_default=True,
    help="What pySHACL infers before validating.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
)
@click.option(
    "--fail-on",
    type=click.Choice(["violation", "warning", "info"]),
    default="violation",
    show_default=True,
    help="The least severe result that makes the exit code 1.",
)
def validate(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    inference: str,
    fmt: str,
    fail_on: str,
) -> None:
    """Validate the facts against the SHACL shapes (exit 1 on violations).

    Example:

        kgtool validate --format json --fail-on warning
    """
    report = run_validate(_load(data, ontology, shapes, input_format), inference=inference)
    text = {"text": report.to_text, "json": report.to_json, "turtle": report.to_turtle}[fmt]()
    click.echo(text, nl=False)
    if report.fails(fail_on):
        sys.exit(EXIT_FAILED)


@cli.command()
@graph_options
@click.option("--profile", type=click.Choice(PROFILES), default="owlrl", show_default=True)
@click.option("-o", "--output", metavar="FILE", default=None, help="Write here (default: stdout).")
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="turtle", show_default=True
)
def reason(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    profile: str,
    output: str | None,
    fmt: str,
) -> None:
    """Infer new triples (OWL 2 RL or RDFS) and write the inferred graph.

    Says how many triples were inferred (on stderr when the graph goes to stdout). Exits 1
    with the clashes when the data is inconsistent.

    Example:

        kgtool reason --profile rdfs -o inferred.ttl
    """
    kg = _load(data, ontology, shapes, input_format)
    result = run_reason(kg, profile=profile)
    _emit(render_inferred(result.inferred, fmt), output)
    to_stdout = output is None or output == "-"
    click.echo(
        f"Inferred {len(result.inferred)} triples ({profile}) "
        f"from {result.asserted_count} asserted.",
        err=to_stdout,
    )


@cli.command()
@click.option(
    "--queries",
    "queries_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of .rq files (default: the bundled queries/).",
)
def queries(queries_dir: Path | None) -> None:
    """List the bundled queries with their titles and parameters.

    Example:

        kgtool queries
    """
    found = list_queries(queries_dir)
    width = max((len(q.name) for q in found), default=0)
    for q in found:
        click.echo(f"{q.name.ljust(width)}  {q.header.title}")
        for p in q.header.parameters:
            default = f", default {p.default}" if p.default is not None else ""
            click.echo(f"{' ' * width}    --param {p.name}=<{p.type}{default}>  {p.description}")


def _parse_params(values: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"--param takes name=value, not {item!r}")
        params[name.strip()] = value
    return params


@cli.command()
@graph_options
@click.argument("query", required=False, metavar="NAME|FILE|-")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Repeatable.")
@click.option(
    "--reasoned/--asserted",
    default=False,
    show_default=True,
    help="Query the asserted triples plus the inferred ones, or the asserted ones only.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*TABLE_FORMATS, *[f for f in GRAPH_FORMATS if f != "xml"]]),
    default="table",
    show_default=True,
    help="Results format (CONSTRUCT/DESCRIBE: an RDF format; table means Turtle).",
)
@click.option("--all", "run_all", is_flag=True, help="Run every bundled query.")
@click.option("--allow-service", is_flag=True, help="Let SERVICE clauses call remote endpoints.")
@click.option(
    "--queries",
    "queries_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of .rq files (default: the bundled queries/).",
)
def query(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    query: str | None,
    params: tuple[str, ...],
    reasoned: bool,
    fmt: str,
    run_all: bool,
    allow_service: bool,
    queries_dir: Path | None,
) -> None:
    """Run a bundled query by name, a .rq file, or SPARQL text from - (stdin).

    Example:

        kgtool query founders --param org=EleutherAI --format csv
    """
    if run_all == (query is not None):
        raise click.UsageError("give a query NAME|FILE|- or --all (not both)")
    kg = _load(data, ontology, shapes, input_format)
    if reasoned:
        run_reason(kg)
    given = _parse_params(params)
    if not run_all:
        assert query is not None
        # Read stdin as bytes, so that bad UTF-8 is an input error rather than a crash.
        text = read_text("-") if query == "-" else query
        outcome = run_query(kg, text, given, reasoned, allow_service, queries_dir)
        click.echo(render(outcome, fmt), nl=False)
        return
    for named in list_queries(queries_dir):
        click.echo(f"## {named.name}: {named.header.title}")
        missing = [
            p.name for p in named.header.parameters if p.default is None and p.name not in given
        ]
        if missing:
            click.echo(f"(skipped: needs --param {', '.join(missing)})\n")
            continue
        mine = {k: v for k, v in given.items() if k in {p.name for p in named.header.parameters}}
        outcome = run_query(kg, named, mine, reasoned, allow_service, queries_dir)
        click.echo(render(outcome, fmt))


@cli.command()
@graph_options
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="turtle", show_default=True
)
@click.option("--reasoned", is_flag=True, help="Add the inferred graph.")
@click.option("-o", "--output", metavar="FILE", default=None, help="Write here (default: stdout).")
def export(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    fmt: str,
    reasoned: bool,
    output: str | None,
) -> None:
    """Export the dataset; trig, nquads and jsonld keep the named graphs.

    Output is deterministic, and files are replaced atomically.

    Example:

        kgtool export --format jsonld --reasoned -o eleutherai.jsonld
    """
    kg = _load(data, ontology, shapes, input_format)
    if reasoned:
        run_reason(kg)
    text = export_graph(kg, fmt, reasoned=reasoned, dest=output)
    if output is None or output == "-":
        click.echo(text, nl=False)


@cli.command()
@click.option("--ontology", "ontology", multiple=True, metavar="PATH", help="Ontology file.")
@click.option("-o", "--output", metavar="FILE", default=None, help="Write here (default: stdout).")
def context(ontology: tuple[str, ...], output: str | None) -> None:
    """Build the JSON-LD context (ontology/context.jsonld) from the ontology.

    Example:

        kgtool context -o ontology/context.jsonld
    """
    kg = KnowledgeGraph.load(data=[], ontology=list(ontology) or None, shapes=[])
    _emit(context_json(kg.ontology), output)


@cli.command()
@graph_options
@click.option("--reasoned", is_flag=True, help="Count over the reasoned view too.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def stats(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    reasoned: bool,
    fmt: str,
) -> None:
    """Count triples, entities per class, properties and named graphs.

    Example:

        kgtool stats --reasoned
    """
    kg = _load(data, ontology, shapes, input_format)
    if reasoned:
        run_reason(kg)
    result = graph_stats(kg, reasoned=reasoned)
    click.echo(result.to_json() if fmt == "json" else result.to_text(), nl=False)


@cli.command()
@graph_options
@click.argument("entity")
@click.option("--reasoned", is_flag=True, help="Include inferred facts.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def describe(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    entity: str,
    reasoned: bool,
    fmt: str,
) -> None:
    """Show every fact about an entity (IRI, prefixed name or label) with its sources.

    Example:

        kgtool describe "Connor Leahy"
    """
    kg = _load(data, ontology, shapes, input_format)
    if reasoned:
        run_reason(kg)
    result = describe_entity(kg, entity, reasoned=reasoned)
    click.echo(result.to_json() if fmt == "json" else result.to_text(), nl=False)


@cli.command()
@graph_options
@click.argument("subject")
@click.argument("predicate")
@click.argument("object", metavar="OBJECT")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def why(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    subject: str,
    predicate: str,
    object: str,
    fmt: str,
) -> None:
    """Explain a triple: its source sentences, or how the reasoner derived it.

    Terms are IRIs, prefixed names, labels, or Turtle literals. Exit 1 if the triple is
    neither asserted nor inferred.

    Example:

        kgtool why "Connor Leahy" kg:founded EleutherAI
    """
    kg = _load(data, ontology, shapes, input_format)
    result = explain_why(kg, subject, predicate, object)
    click.echo(result.to_json() if fmt == "json" else result.to_text(), nl=False)


@cli.command()
@graph_options
@click.option("--reasoned", is_flag=True, help="Run the checks over the reasoned view.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--queries",
    "queries_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder whose checks/ holds *-violation.rq (default: the bundled queries/).",
)
def check(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    reasoned: bool,
    fmt: str,
    queries_dir: Path | None,
) -> None:
    """Run the quality checks (queries/checks/*-violation.rq); exit 1 if any fires.

    Example:

        kgtool check --format json
    """
    kg = _load(data, ontology, shapes, input_format)
    if reasoned:
        run_reason(kg)
    report = run_checks(kg, queries_dir / "checks" if queries_dir else None, reasoned=reasoned)
    click.echo(report.to_json() if fmt == "json" else report.to_text(), nl=False)
    if not report.passed:
        sys.exit(EXIT_FAILED)
