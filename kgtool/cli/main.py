"""The ``kgtool`` command line: parse options, call the library, print, pick the exit code.

Exit codes: 0 ok; 1 validation violations, failed checks, inconsistency, or a query that fails
to run; 2 usage or input error. Results go to stdout, messages to stderr. Only this module
prints or exits; the library raises :class:`kgtool.core.errors.KgtoolError` subclasses.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kgtool import __version__
from kgtool.cli.choices import (
    ENGINES,
    EXPORT_FORMATS,
    GRAPH_FORMATS,
    INFERENCE_CHOICES,
    INPUT_FORMATS,
    PROFILES,
    STORE_CHOICES,
    TABLE_FORMATS,
    VALIDATION_ENGINES,
)
from kgtool.core.errors import KgtoolError, ParameterError

if TYPE_CHECKING:
    from kgtool.graph import KnowledgeGraph
    from kgtool.reason.engine import ReasoningResult

# Issue 5 (cold start): the library modules import rdflib, owlrl or pyshacl (a quarter of a
# second), so each command imports what it uses inside its body, and `kgtool query` can answer
# from the answer cache without importing them at all.

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
            type=click.Choice(sorted(INPUT_FORMATS)),
            default=None,
            help="Format of the --data files (default: from the extension; needed for -).",
        ),
        # Issue 5: stored in ctx.obj (not passed to each command) and read by _load.
        click.option(
            "--store",
            type=click.Choice(STORE_CHOICES),
            default="auto",
            show_default=True,
            expose_value=False,
            callback=_remember,
            help="Triple store: rdflib memory, Oxigraph, or auto (Oxigraph for big inputs).",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            expose_value=False,
            callback=_remember,
            help="Where closures are cached (default: $XDG_CACHE_HOME/kgtool).",
        ),
        click.option(
            "--no-cache",
            is_flag=True,
            expose_value=False,
            callback=_remember,
            help="Neither read nor write the on-disk closure cache.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.ensure_object(dict)
    if param.name:
        ctx.obj[param.name] = value
    return value


def _load(
    data: Sequence[str], ontology: Sequence[str], shapes: Sequence[str], input_format: str | None
) -> KnowledgeGraph:
    from kgtool.graph import KnowledgeGraph
    from kgtool.reason.closure_cache import default_cache_dir

    obj = click.get_current_context().find_object(dict) or {}
    with _counting("load", "B", scale=True) as progress:
        kg = KnowledgeGraph.load(
            data=list(data) or None,
            ontology=list(ontology) or None,
            shapes=list(shapes) or None,
            format=input_format,
            store=obj.get("store") or "auto",
            progress=progress,
        )
    if not obj.get("no_cache"):
        kg.cache_dir = obj.get("cache_dir") or default_cache_dir()
    return kg


def _emit(text: str, output: str | None) -> None:
    from kgtool.export import write_atomic

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
@click.option(
    "--engine",
    type=click.Choice(VALIDATION_ENGINES),
    default="auto",
    show_default=True,
    help="pyshacl, or fast: each SPARQL constraint run once on the whole graph (same report).",
)
def validate(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    inference: str,
    fmt: str,
    fail_on: str,
    engine: str,
) -> None:
    """Validate the facts against the SHACL shapes (exit 1 on violations).

    Example:

    \b
        kgtool validate --format json --fail-on warning
        kgtool validate --engine fast --inference owlrl
    """
    from kgtool.validate.engine import idle_shapes
    from kgtool.validate.engine import validate as run_validate

    kg = _load(data, ontology, shapes, input_format)
    with _counting("validate", " shapes") as progress:
        report = run_validate(kg, inference=inference, engine=engine, progress=progress)
    text = {"text": report.to_text, "json": report.to_json, "turtle": report.to_turtle}[fmt]()
    click.echo(text, nl=False)
    for shape in idle_shapes(kg):
        click.echo(f"Warning: {shape} targets nothing in the data, so it checks nothing.", err=True)
    if report.fails(fail_on):
        sys.exit(EXIT_FAILED)


@cli.command()
@graph_options
@click.option("--profile", type=click.Choice(PROFILES), default="owlrl", show_default=True)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="auto",
    show_default=True,
    help="owlrl itself, or the fast compiled rules (same closure; auto: fast on big graphs).",
)
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
    engine: str,
    output: str | None,
    fmt: str,
) -> None:
    """Infer new triples (OWL 2 RL or RDFS) and write the inferred graph.

    Says how many triples were inferred (on stderr when the graph goes to stdout). Exits 1
    with the clashes when the data is inconsistent.

    Example:

    \b
        kgtool reason --profile rdfs -o inferred.ttl
        kgtool reason --engine fast --format trig -o inferred.trig
    """
    from kgtool.io.serialize import render_inferred

    kg = _load(data, ontology, shapes, input_format)
    result = _reason(kg, profile=profile, engine=engine)
    text = None
    if result.ntriples is not None:  # the Oxigraph store: no rdflib graph for 1 M triples
        from kgtool.store.oxigraph import render_ntriples

        text = render_ntriples(result.ntriples, fmt)
    _emit(text if text is not None else render_inferred(result.inferred, fmt), output)
    to_stdout = output is None or output == "-"
    click.echo(
        f"Inferred {len(result)} triples ({profile}) from {result.asserted_count} asserted.",
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
    from kgtool.query.catalog import list_queries

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
    "--service-map",
    "service_map",
    multiple=True,
    metavar="NAME=URL",
    help="Send SERVICE NAME (wikidata, or the SERVICE IRI) to URL instead, e.g. a mirror.",
)
@click.option(
    "--queries",
    "queries_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of .rq files (default: the bundled queries/).",
)
@click.option(
    "--endpoint",
    metavar="URL",
    default=None,
    help="Run on this SPARQL 1.1 query endpoint instead of the local files.",
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
    service_map: tuple[str, ...],
    queries_dir: Path | None,
    endpoint: str | None,
) -> None:
    """Run a bundled query by name, a .rq file, or SPARQL text from - (stdin).

    With --endpoint the query runs on a remote SPARQL endpoint (data sent by kgtool push).

    Queries with SERVICE (wikidata-*) call a remote endpoint, so they run only with
    --allow-service; --all skips them otherwise.

    Example:

    \b
        kgtool query founders --param organization=OpenAI --format csv
        kgtool query sources --param entity="The Pile"
        kgtool query founders --endpoint http://127.0.0.1:7878/query
        kgtool query wikidata-inception --allow-service \\
            --service-map wikidata=http://127.0.0.1:7878/query
    """
    if run_all == (query is not None):
        raise click.UsageError("give a query NAME|FILE|- or --all (not both)")
    if endpoint is not None:
        _query_remote(endpoint, query, params, reasoned, fmt, run_all, allow_service, queries_dir)
        return
    cached = None
    if query is not None and not allow_service and not service_map:
        cached = _answer_slot(query, params, fmt, reasoned, data, ontology, shapes, input_format)
        if cached is not None:
            from kgtool.query.answers import read_answer

            answer = read_answer(*cached)
            if answer is not None:
                click.echo(answer, nl=False)
                return
    from kgtool.io.parse import read_text
    from kgtool.query.catalog import list_queries
    from kgtool.query.render import render
    from kgtool.query.run import run_query, uses_service

    services: dict[str, str] = {}
    if service_map:
        from kgtool.wikidata.link import parse_service_map  # the link module's imports cost ~0.1 s

        services = parse_service_map(service_map)
    kg = _load(data, ontology, shapes, input_format)
    if reasoned:
        _reason(kg)
    given = _parse_params(params)
    if not run_all:
        assert query is not None
        # Read stdin as bytes, so that bad UTF-8 is an input error rather than a crash.
        text = read_text("-") if query == "-" else query
        outcome = run_query(kg, text, given, reasoned, allow_service, queries_dir, services)
        rendered = render(outcome, fmt)
        click.echo(rendered, nl=False)
        if cached is not None:
            from kgtool.query.answers import write_answer

            write_answer(*cached, rendered)
        return
    for named in list_queries(queries_dir):
        click.echo(f"## {named.name}: {named.header.title}")
        missing = [
            p.name for p in named.header.parameters if p.default is None and p.name not in given
        ]
        if missing:
            click.echo(f"(skipped: needs --param {', '.join(missing)})\n")
            continue
        if not allow_service and uses_service(named):
            click.echo("(skipped: uses SERVICE, which needs the network; add --allow-service)\n")
            continue
        mine = {k: v for k, v in given.items() if k in {p.name for p in named.header.parameters}}
        outcome = run_query(kg, named, mine, reasoned, allow_service, queries_dir, services)
        click.echo(render(outcome, fmt))


def _answer_slot(
    query: str,
    params: tuple[str, ...],
    fmt: str,
    reasoned: bool,
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
) -> tuple[Path, str] | None:
    """Return the answer cache folder and key of this run, or None when it is not cached."""
    ctx = click.get_current_context()
    obj = ctx.find_object(dict) or {}
    if obj.get("no_cache"):
        return None
    from kgtool.query.answers import answer_key
    from kgtool.reason.closure_cache import default_cache_dir

    try:
        key = answer_key(
            query,
            params,
            fmt,
            reasoned,
            list(data) or None,
            list(ontology) or None,
            list(shapes) or None,
            input_format,
            obj.get("store") or "auto",
            ctx.params.get("queries_dir"),
        )
    except (KgtoolError, OSError):
        return None  # the full path reports the problem
    if key is None:
        return None
    return obj.get("cache_dir") or default_cache_dir(), key


def _query_remote(
    endpoint: str,
    query: str | None,
    params: tuple[str, ...],
    reasoned: bool,
    fmt: str,
    run_all: bool,
    allow_service: bool,
    queries_dir: Path | None,
) -> None:
    from kgtool.io.parse import read_text
    from kgtool.query.catalog import list_queries
    from kgtool.query.render import render
    from kgtool.remote.endpoint import run_remote_query

    if reasoned:
        raise click.UsageError(
            "--reasoned does not apply to --endpoint: push the closure with "
            "kgtool push --reasoned, then query it"
        )
    given = _parse_params(params)
    if not run_all:
        assert query is not None
        # Read stdin as bytes, so that bad UTF-8 is an input error rather than a crash.
        text = read_text("-") if query == "-" else query
        outcome = run_remote_query(endpoint, text, given, allow_service, queries_dir)
        click.echo(render(outcome, fmt), nl=False)
        return
    for named in list_queries(queries_dir):
        click.echo(f"## {named.name}: {named.header.title}")
        declared = {p.name for p in named.header.parameters}
        mine = {k: v for k, v in given.items() if k in declared}
        if any(p.default is None and p.name not in given for p in named.header.parameters):
            click.echo("(skipped: needs --param)\n")
            continue
        assert named.path is not None
        outcome = run_remote_query(endpoint, str(named.path), mine, allow_service, queries_dir)
        click.echo(render(outcome, fmt))


@cli.command()
@graph_options
@click.option(
    "--endpoint",
    metavar="URL",
    required=True,
    help="Graph Store Protocol URL (Oxigraph: http://HOST:7878/store).",
)
@click.option("--graph", "graph_iri", metavar="IRI", default=None, help="Put all into one graph.")
@click.option("--reasoned", is_flag=True, help="Also send the inferred triples.")
def push(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    endpoint: str,
    graph_iri: str | None,
    reasoned: bool,
) -> None:
    """Upload the graph to a SPARQL store (Graph Store HTTP Protocol, one PUT per graph).

    Named graphs are kept unless --graph names one to hold everything. Pushing again replaces
    the same graphs, so it is safe to repeat. A summary goes to stderr.

    Example:

        kgtool push --endpoint http://127.0.0.1:7878/store --reasoned
    """
    from rdflib import URIRef

    from kgtool.remote.endpoint import push as push_graph
    from kgtool.remote.endpoint import total_triples

    kg = _load(data, ontology, shapes, input_format)
    if reasoned:
        _reason(kg)
    target = URIRef(graph_iri) if graph_iri else None
    bar = _progress_bar(total_triples(kg, reasoned), "push", "triples")
    try:
        summary = push_graph(
            kg, endpoint, graph=target, reasoned=reasoned, progress=bar.update if bar else None
        )
    finally:
        if bar is not None:
            bar.close()
    click.echo(
        f"Pushed {summary.triples} triples in {summary.graphs} graph"
        f"{'s' if summary.graphs != 1 else ''} to {summary.endpoint}.",
        err=True,
    )


#: ``progress(done, total)``, as the library reports work (kgtool.graph, kgtool.validate.engine).
Progress = Callable[[int, int], None]

#: Seconds a step runs before its progress line appears: only slow steps show one (issue 5).
PROGRESS_DELAY = 2.0


def _progress_enabled() -> bool:
    """Show progress on stderr when it is a terminal and tqdm is installed.

    ``KGTOOL_PROGRESS=always`` or ``never`` overrides the terminal test (scripts, tests).
    """
    mode = os.environ.get("KGTOOL_PROGRESS", "auto").strip().lower()
    if mode in ("never", "0", "off", "no"):
        return False
    if mode not in ("always", "1", "on", "yes") and not sys.stderr.isatty():
        return False
    try:
        import tqdm  # noqa: F401  (the progress extra)
    except ImportError:
        return False
    return True


def _progress_bar(total: int, desc: str, unit: str) -> Any:
    """Return a tqdm bar on stderr when progress is shown (see _progress_enabled), else None."""
    if not _progress_enabled():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=" " + unit, file=sys.stderr, leave=False)


@contextlib.contextmanager
def _counting(desc: str, unit: str, scale: bool = False) -> Iterator[Progress | None]:
    """Yield a ``progress(done, total)`` callback drawing a bar on stderr, or None when off.

    For steps that report their work (load: bytes read; validate: shapes done). The bar appears
    once the step has taken PROGRESS_DELAY seconds and is erased at the end.
    """
    if not _progress_enabled():
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(
        total=None,
        desc=desc,
        unit=unit,
        unit_scale=scale,
        unit_divisor=1024 if scale else 1000,
        file=sys.stderr,
        leave=False,
        delay=PROGRESS_DELAY,
    )

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
        if done >= total:
            bar.refresh()  # tqdm redraws at most every 0.1 s: show the finished count too

    try:
        yield update
    finally:
        bar.close()


@contextlib.contextmanager
def _activity(desc: str) -> Iterator[None]:
    """Show ``desc`` and the time spent on stderr while a step without known size runs.

    The line appears once the step has taken PROGRESS_DELAY seconds and is erased at the end;
    nothing is shown when progress is off. For steps whose library call reports no work done
    (reason, export), so the line counts time.
    """
    if not _progress_enabled():
        yield
        return
    from tqdm import tqdm

    done = threading.Event()
    bars: list[Any] = []

    def show() -> None:
        bars.append(
            tqdm(
                total=None,
                desc=desc,
                bar_format="{desc}: {elapsed}",
                file=sys.stderr,
                leave=False,
            )
        )

    def tick() -> None:
        if not bars and done.wait(PROGRESS_DELAY):
            return
        if not bars:
            show()
        while not done.wait(0.5):
            bars[0].refresh()

    if PROGRESS_DELAY <= 0:
        show()  # at once, in this thread (deterministic for tests)
    thread = threading.Thread(target=tick, name=f"progress-{desc}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        for bar in bars:
            bar.close()


def _reason(kg: KnowledgeGraph, profile: str = "owlrl", engine: str = "auto") -> ReasoningResult:
    """Run :func:`kgtool.reason.engine.reason` with a progress line."""
    from kgtool.reason.engine import reason

    with _activity("reason"):
        return reason(kg, profile=profile, engine=engine)


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
    from kgtool.export import export as export_graph

    kg = _load(data, ontology, shapes, input_format)
    if reasoned:
        _reason(kg)
    with _activity("export"):
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
    from kgtool.graph import KnowledgeGraph
    from kgtool.io.serialize import context_json

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
    from kgtool.inspect.describe import stats as graph_stats

    kg = _load(data, ontology, shapes, input_format)
    if reasoned:
        _reason(kg)
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
    from kgtool.inspect.describe import describe as describe_entity

    kg = _load(data, ontology, shapes, input_format)
    if reasoned:
        _reason(kg)
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

        kgtool why "Connor Leahy" kg:founderOf EleutherAI
    """
    from kgtool.inspect.explain import why as explain_why

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
    from kgtool.query.check import check as run_checks

    kg = _load(data, ontology, shapes, input_format)
    if reasoned:
        _reason(kg)
    report = run_checks(kg, queries_dir / "checks" if queries_dir else None, reasoned=reasoned)
    click.echo(report.to_json() if fmt == "json" else report.to_text(), nl=False)
    if not report.passed:
        sys.exit(EXIT_FAILED)


@cli.command()
@graph_options
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on. The default serves this machine only; 0.0.0.0 exposes the "
    "(read-only) server to the network.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--reasoned", is_flag=True, help="Serve the asserted plus the inferred triples.")
@click.option(
    "--allow-service", is_flag=True, help="Let queries use SERVICE to call remote endpoints."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds a query may run before it is stopped (503).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Most rows (or triples) a query may return.",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1),
    default=1_000_000,
    show_default=True,
    help="Largest request body in bytes (larger: 413).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    default=2,
    show_default=True,
    help="Query worker processes (a stopped query costs one a restart).",
)
@click.option(
    "--queries",
    "queries_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of .rq files (default: the bundled queries/).",
)
def serve(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    host: str,
    port: int,
    reasoned: bool,
    allow_service: bool,
    timeout: float,
    max_rows: int,
    max_body: int,
    workers: int,
    queries_dir: Path | None,
) -> None:
    """Serve a read-only SPARQL endpoint, linked-data pages and a query page.

    Binds 127.0.0.1 (this machine only) unless --host says otherwise. Read-only: SPARQL
    Update and LOAD are refused, SERVICE too unless --allow-service. Needs the serve extra:
    pip install 'eleutherai-kg[serve]'.

    Example:

        kgtool serve --port 8000 --timeout 10
    """
    try:
        import uvicorn

        from kgtool.serve.app import ServeSettings, create_app
    except ImportError as exc:
        raise click.ClickException(
            f"kgtool serve needs the serve extra ({exc.name} is missing): "
            "pip install 'eleutherai-kg[serve]'"
        ) from None
    from kgtool.serve.pool import GraphSpec, Limits

    spec = GraphSpec(
        data=tuple(data) or None,
        ontology=tuple(ontology) or None,
        shapes=tuple(shapes) or None,
        input_format=input_format,
        reasoned=reasoned,
        queries_dir=str(queries_dir) if queries_dir else None,
    )
    limits = Limits(timeout=timeout, max_rows=max_rows, allow_service=allow_service)
    app = create_app(ServeSettings(spec=spec, limits=limits, workers=workers, max_body=max_body))
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Serving read-only at http://{shown}:{port}/ (Ctrl-C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


@cli.command()
@click.argument("entity", required=False)
@click.option(
    "--ontology",
    "draw_ontology",
    is_flag=True,
    help="Draw the ontology's classes and properties (the default without ENTITY).",
)
@click.option(
    "--depth", type=click.IntRange(1, 4), default=1, show_default=True, help="Links from ENTITY."
)
@click.option(
    "-o", "--output", metavar="FILE", required=True, help="FILE.svg, FILE.png or FILE.dot."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["svg", "png", "dot"]),
    default=None,
    help="Drawing format (default: from the -o extension).",
)
@click.option(
    "--data",
    "data",
    multiple=True,
    metavar="PATH",
    help="Facts file or folder (repeatable; replaces the bundled graph/).",
)
@click.option(
    "--ontology-file",
    "ontology_files",
    multiple=True,
    metavar="PATH",
    help="Ontology file (repeatable; replaces the bundled ontology).",
)
@click.option(
    "--input-format",
    type=click.Choice(sorted(INPUT_FORMATS)),
    default=None,
    help="Format of the --data files (default: from the extension).",
)
def diagram(
    entity: str | None,
    draw_ontology: bool,
    depth: int,
    output: str,
    fmt: str | None,
    data: tuple[str, ...],
    ontology_files: tuple[str, ...],
    input_format: str | None,
) -> None:
    """Draw the ontology, or an entity's neighbourhood, with Graphviz.

    SVG and PNG need Graphviz's dot program (Debian: apt-get install graphviz); DOT does not.

    Example:

        kgtool diagram GPT-J-6B --depth 2 -o gpt-j.svg
    """
    from kgtool.export import write_atomic
    from kgtool.graph import KnowledgeGraph
    from kgtool.inspect.diagram import diagram as draw

    if entity is not None and draw_ontology:
        raise click.UsageError("give ENTITY or --ontology, not both")
    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".")
        if suffix not in ("svg", "png", "dot"):
            raise click.UsageError(f"cannot tell the format of {output!r}; give --format")
        fmt = suffix
    kg = KnowledgeGraph.load(
        data=list(data) or None,
        ontology=list(ontology_files) or None,
        shapes=[],
        format=input_format,
    )
    write_atomic(output, draw(kg, entity, depth, fmt))
    click.echo(f"Wrote {output}", err=True)


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--check", "check_only", is_flag=True, help="Only report files not in canonical form."
)
def canonicalize(files: tuple[Path, ...], check_only: bool) -> None:
    """Rewrite Turtle and TriG files in the project's canonical form.

    Without FILES: the bundled ontology, shapes and graph/*.trig. With --check nothing is
    written and the exit code is 1 if any file would change (CI runs this).

    Example:

        kgtool canonicalize --check ontology/*.ttl graph/*.trig
    """
    # Imported here: only contributors need it, and it must not slow down other commands.
    from kgtool.core import paths
    from kgtool.export import write_atomic
    from kgtool.io.canonical import canonical_text
    from kgtool.io.parse import read_text

    targets = list(files) or [
        paths.ontology_file(),
        paths.shapes_file(),
        *sorted(paths.graph_dir().glob("*.trig")),
    ]
    changed = []
    for path in targets:
        text = canonical_text(path)
        if read_text(path) != text:
            changed.append(path)
            if not check_only:
                write_atomic(path, text)
    for path in changed:
        click.echo(f"{'would rewrite' if check_only else 'rewrote'} {path}", err=True)
    if check_only and changed:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.option("--check", "check_only", is_flag=True, help="Only report stale files; exit 1 if any.")
def build(check_only: bool) -> None:
    """Rebuild the files derived from the sources: JSON-LD context, VoID, vocab, query index.

    Run it after editing ontology/, graph/ or queries/. With --check nothing is written and the
    exit code is 1 if any derived file is stale.

    Example:

        kgtool build --check
    """
    from kgtool.build import build as rebuild
    from kgtool.graph import KnowledgeGraph

    changed = rebuild(KnowledgeGraph.load(), check=check_only)
    for path in changed:
        click.echo(f"{'stale' if check_only else 'rebuilt'}: {path}", err=True)
    if check_only and changed:
        sys.exit(EXIT_FAILED)


# --------------------------------------------------------------------------- kgtool link


@cli.group(cls=KgtoolGroup)
def link() -> None:
    """Check, suggest and use links to Wikidata (the only commands that use the network).

    Every subcommand asks a SPARQL endpoint: Wikidata's query service by default, or
    --endpoint URL / $KGTOOL_WIKIDATA_ENDPOINT (a mirror, a local copy, a test server).
    Answers are recorded in the cache (sparql/ under --cache-dir) with their date; --offline
    answers from that record only (so --offline with --no-cache is a usage error). Files the
    commands write go where -o/--output says, by default into the working directory.
    Endpoint down, slow or answering garbage: exit 2, and no file is touched.

    Example:

        kgtool link check && kgtool link suggest "GPT-Neo"
    """


def endpoint_options(func: F) -> F:
    """Add --endpoint, --offline, --timeout, --retries and --batch-size.

    The answers are recorded in the ``sparql`` kind of the one cache, under the shared
    ``--cache-dir`` of the graph options (``--no-cache``: not read, not written).
    """
    options = [
        click.option(
            "--endpoint",
            metavar="URL",
            envvar="KGTOOL_WIKIDATA_ENDPOINT",
            default=None,
            help="SPARQL endpoint (default: $KGTOOL_WIKIDATA_ENDPOINT, else Wikidata's).",
        ),
        click.option(
            "--offline", is_flag=True, help="Use cached answers only; never touch the network."
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.1),
            default=30.0,
            show_default=True,
            help="Seconds to wait for the endpoint.",
        ),
        click.option(
            "--retries",
            type=click.IntRange(min=0, max=10),
            default=3,
            show_default=True,
            help="Tries again after a 429, 5xx or timeout (with backoff, honouring Retry-After).",
        ),
        click.option(
            "--batch-size",
            type=click.IntRange(min=1, max=500),
            default=50,
            show_default=True,
            help="Items per VALUES query.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _client(endpoint: str | None, offline: bool, timeout: float, retries: int) -> Any:
    from kgtool.io.cache import CacheSettings
    from kgtool.remote.http import AnswerCache, SparqlClient
    from kgtool.wikidata.items import resolve_endpoint

    obj = click.get_current_context().find_object(dict) or {}
    settings = CacheSettings.resolve(obj.get("cache_dir"), bool(obj.get("no_cache")))
    return SparqlClient(
        resolve_endpoint(endpoint),
        timeout=timeout,
        retries=retries,
        cache=AnswerCache(settings),
        offline=offline,
    )


@link.command(name="check")
@graph_options
@endpoint_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def link_check(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    endpoint: str | None,
    offline: bool,
    timeout: float,
    retries: int,
    batch_size: int,
    fmt: str,
) -> None:
    """Check every owl:sameAs link to Wikidata: label, type, redirect, existence.

    Each link is reported as agree, label differs, type differs, redirected or missing;
    exit 1 if any looks wrong.

    Example:

        kgtool link check --endpoint http://127.0.0.1:7878/query
    """
    from kgtool.wikidata.check import check_links

    client = _client(endpoint, offline, timeout, retries)
    report = check_links(_load(data, ontology, shapes, input_format), client, batch_size)
    client.commit()
    click.echo(report.to_json() if fmt == "json" else report.to_text(), nl=False)
    if report.wrong:
        sys.exit(EXIT_FAILED)


@link.command(name="suggest")
@graph_options
@endpoint_options
@click.argument("entities", nargs=-1, metavar="[ENTITY]...")
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--accept", is_flag=True, help="Write the clear winners (and --pick) to a file.")
@click.option(
    "--pick",
    "picks",
    multiple=True,
    metavar="ENTITY=QID",
    help="Accept this candidate for this entity (repeatable; implies --accept).",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=0.85,
    show_default=True,
    help="The least score --accept takes without a --pick.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where accepted links go (default: ./wikidata-suggested.trig).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def link_suggest(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    endpoint: str | None,
    offline: bool,
    timeout: float,
    retries: int,
    batch_size: int,
    entities: tuple[str, ...],
    limit: int,
    accept: bool,
    picks: tuple[str, ...],
    min_score: float,
    output: Path | None,
    fmt: str,
) -> None:
    """Find Wikidata candidates for unlinked entities and rank them for review.

    Candidates share a label or alias with the entity; the score weighs label similarity,
    type compatibility and agreement of already-linked neighbours. --accept writes the clear
    winners (score >= --min-score, 0.1 ahead of the next) to a separate file with their
    provenance (-o FILE, by default in the working directory), never into the article's
    facts or the installed package. Load that file beside the facts with a second --data.

    Example:

    \b
        kgtool link suggest "GPT-Neo" "Stella Biderman" --accept   # ./wikidata-suggested.trig
        kgtool link check --data graph/ --data wikidata-suggested.trig
    """
    from kgtool.core.errors import UsageError
    from kgtool.core.namespaces import WD
    from kgtool.core.terms import resolve_entity
    from kgtool.wikidata.suggest import (
        SUGGESTED_FILE,
        choose_links,
        suggest_links,
        write_accepted,
    )

    kg = _load(data, ontology, shapes, input_format)
    chosen: dict[Any, Any] = {}
    for pick in picks:
        name, sep, item = pick.rpartition("=")
        if not sep or not name or not item.strip().upper().startswith("Q"):
            raise UsageError(f"--pick takes ENTITY=QID, not {pick!r}")
        chosen[resolve_entity(kg.store.union(), name)] = WD[item.strip().upper()]
    wanted = list(entities) + [str(e) for e in chosen if str(e) not in entities]
    client = _client(endpoint, offline, timeout, retries)
    report = suggest_links(kg, client, wanted or None, limit, batch_size)
    accepted = choose_links(report, min_score, picks=chosen) if (accept or picks) else []
    client.commit()
    click.echo(report.to_json() if fmt == "json" else report.to_text(), nl=False)
    if accept or picks:
        dest = output or SUGGESTED_FILE
        if accepted:
            total = write_accepted(accepted, dest, client.endpoint)
            click.echo(f"Accepted {len(accepted)} links into {dest} ({total} in all).", err=True)
        else:
            click.echo("No clear winner to accept; nothing written.", err=True)


@link.command(name="enrich")
@graph_options
@endpoint_options
@click.option(
    "--property",
    "properties",
    multiple=True,
    metavar="PID",
    help="Wikidata property to pull (repeatable; default: P856 website, P571, P577).",
)
@click.option(
    "--lang",
    "languages",
    multiple=True,
    metavar="TAG",
    help="Label languages (default: all but en).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write (default: ./wikidata-enrichment.trig).",
)
def link_enrich(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    endpoint: str | None,
    offline: bool,
    timeout: float,
    retries: int,
    batch_size: int,
    properties: tuple[str, ...],
    languages: tuple[str, ...],
    output: Path | None,
) -> None:
    """Pull labels in other languages and chosen statements about linked items.

    They go into their own named graph and file (-o FILE, by default in the working
    directory, never the installed package), with provenance, in Wikidata's own terms, so
    article facts and Wikidata facts can be queried together (through owl:sameAs) or apart.

    \b
    Load that file beside the facts with a second --data:
        kgtool query --all --data graph/ --data wikidata-enrichment.trig

    Example:

    \b
        kgtool link enrich --lang de --property P856   # ./wikidata-enrichment.trig
    """
    from kgtool.wikidata.enrich import (
        DEFAULT_ENRICH_PROPERTIES,
        ENRICHMENT_FILE,
        write_enrichment,
    )
    from kgtool.wikidata.enrich import enrich as run_enrich

    kg = _load(data, ontology, shapes, input_format)
    client = _client(endpoint, offline, timeout, retries)
    pids = [p.strip().upper() for p in properties] or list(DEFAULT_ENRICH_PROPERTIES)
    result = run_enrich(kg, client, pids, list(languages) or None, batch_size)
    dest = output or ENRICHMENT_FILE
    write_enrichment(result, dest)
    client.commit()
    click.echo(
        f"Wrote {result.statements} statements about {result.items} items to {dest}.", err=True
    )


@link.command(name="quickstatements")
@graph_options
@endpoint_options
@click.option("-o", "--output", metavar="FILE", default=None, help="Write here (default: stdout).")
def link_quickstatements(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    endpoint: str | None,
    offline: bool,
    timeout: float,
    retries: int,
    batch_size: int,
    output: str | None,
) -> None:
    """Emit QuickStatements for article facts that Wikidata lacks about linked items.

    Each command cites the English Wikipedia article (S143 Q328, S4656 URL); review them
    before pasting into QuickStatements. Conflicting dates are listed on stderr instead.

    Example:

        kgtool link quickstatements -o eleutherai.qs
    """
    from kgtool.wikidata.quickstatements import quickstatements as run_quickstatements

    kg = _load(data, ontology, shapes, input_format)
    client = _client(endpoint, offline, timeout, retries)
    result = run_quickstatements(kg, client, batch_size)
    client.commit()
    _emit("".join(line + "\n" for line in result.lines), output)
    for conflict in result.conflicts:
        click.echo(f"conflict: {conflict}", err=True)
    click.echo(
        f"{len(result.lines)} statements Wikidata lacks; {result.present} it already has; "
        f"{len(result.conflicts)} conflicts.",
        err=True,
    )
