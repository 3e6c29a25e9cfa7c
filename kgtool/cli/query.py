"""``kgtool queries`` and ``kgtool query``: list the bundled queries, run one or all of them.

A query runs through the library's one runner (:func:`kgtool.query.run.run_query`), on the
local graph or, with ``--endpoint``, on a remote one; ``--all`` is one loop for both
(:func:`kgtool.query.run.plan_all`). A repeated local run is answered from the answer cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kgtool.cli.flags import PARAM, QUERY_FORMAT, REASONED
from kgtool.cli.formats import query_output_format
from kgtool.cli.options import (
    click_option,
    emit,
    graph_options,
    graph_settings,
    load_graph,
    note,
    parse_params,
    queries_option,
    reason_graph,
)
from kgtool.core.errors import KgtoolError

if TYPE_CHECKING:
    from kgtool.query.catalog import NamedQuery
    from kgtool.query.run import Federation, QueryOutcome


@click.command()
@queries_option()
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


@click.command()
@graph_options
@click.argument("query", required=False, metavar="NAME|FILE|-")
@click_option(PARAM)
@click_option(REASONED)
@click_option(QUERY_FORMAT)
@click.option("--all", "run_all", is_flag=True, help="Run every bundled query.")
@click.option("--allow-service", is_flag=True, help="Let SERVICE clauses call remote endpoints.")
@click.option(
    "--service-map",
    "service_map",
    multiple=True,
    metavar="NAME=URL",
    help="Send SERVICE NAME (wikidata, or the SERVICE IRI) to URL instead, e.g. a mirror.",
)
@queries_option()
@click.option(
    "--endpoint",
    metavar="URL",
    default=None,
    help="Run on this SPARQL 1.1 query endpoint instead of the local files.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    default=None,
    help="Write the answer here (its extension gives the format unless --format does).",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="With --all: write one file per query here, named NAME.<the format's extension>.",
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
    output: str | None,
    output_dir: Path | None,
) -> None:
    """Run a bundled query by name, a .rq file, or SPARQL text from - (stdin).

    With --endpoint the query runs on a remote SPARQL endpoint (data sent by kgtool push).

    --all with a machine format (csv, tsv, json, xml) prints one JSON document keyed by query
    name, each entry {"title", "result"} or {"title", "skipped"}; --output-dir writes one file
    per query instead.

    Queries with SERVICE (wikidata-*) call a remote endpoint, so they run only with
    --allow-service; --all skips them otherwise.

    Example:

    \b
        kgtool query founders --param organization=OpenAI --format csv
        kgtool query sources --param entity="The Pile"
        kgtool query founders -o founders.srj
        kgtool query --all --format json
        kgtool query founders --endpoint http://127.0.0.1:7878/query
        kgtool query wikidata-inception --allow-service \\
            --service-map wikidata=http://127.0.0.1:7878/query
    """
    if run_all == (query is not None):
        raise click.UsageError("give a query NAME|FILE|- or --all (not both)")
    if output_dir is not None and not run_all:
        raise click.UsageError("--output-dir goes with --all; use -o FILE for one query")
    if output is not None and run_all:
        raise click.UsageError("--all writes one document to stdout, or --output-dir DIR")
    ctx = click.get_current_context()
    given_format = ctx.get_parameter_source("fmt") is not click.core.ParameterSource.DEFAULT
    # The answer cache is keyed on --format as typed, as the fast path (kgtool.cli.entry) keys it.
    key_fmt = fmt if given_format or output is None else None
    fmt = query_output_format(fmt, given_format, output)
    key_fmt = key_fmt or fmt
    out = _Output(fmt, output, output_dir)
    if endpoint is not None:
        _query_remote(endpoint, query, params, reasoned, out, run_all, allow_service, queries_dir)
        return
    cached = None
    if query is not None and not allow_service and not service_map:
        cached = _answer_slot(
            query, params, key_fmt, reasoned, data, ontology, shapes, input_format
        )
        if cached is not None:
            from kgtool.query.answers import read_answer

            answer = read_answer(*cached)
            if answer is not None:
                emit(answer, output)
                return
    from kgtool.query.render import render
    from kgtool.query.run import run_query

    federation = _federation(service_map) if allow_service or service_map else None
    kg = load_graph(data, ontology, shapes, input_format)
    if reasoned:
        reason_graph(kg)
    given = parse_params(params)
    if run_all:
        _run_every_query(
            lambda named, mine: run_query(
                kg, named, mine, reasoned, allow_service, queries_dir, federation
            ),
            given,
            out,
            allow_service,
            queries_dir,
        )
        return
    assert query is not None
    text = _query_text(query)
    outcome = run_query(kg, text, given, reasoned, allow_service, queries_dir, federation)
    rendered = render(outcome, fmt)
    emit(rendered, output)
    if cached is not None:
        from kgtool.query.answers import write_answer

        write_answer(*cached, rendered)


def _query_text(query: str) -> str:
    """The query argument, with ``-`` read from stdin as bytes: bad UTF-8 is an input error."""
    from kgtool.io.parse import read_text

    return read_text("-") if query == "-" else query


def _federation(service_map: tuple[str, ...]) -> Federation:
    """The remote layer's SERVICE client, pointed at ``--service-map`` mirrors."""
    # The link module's imports cost ~0.1 s: only queries that may call SERVICE pay them.
    from kgtool.remote.federation import federation, parse_service_map

    services = parse_service_map(service_map) if service_map else {}
    return lambda: federation(services)


@dataclass(frozen=True)
class _Output:
    """Where and how ``query`` writes: the format (kgtool's name), ``-o``, ``--output-dir``."""

    fmt: str
    file: str | None = None
    folder: Path | None = None


def _run_every_query(
    run: Callable[[NamedQuery, dict[str, str]], QueryOutcome],
    given: dict[str, str],
    out: _Output,
    allow_service: bool,
    queries_dir: Path | None,
) -> None:
    """Answer every bundled query (``--all``): for people, titled sections; for programs, one
    JSON document keyed by query name, or one file per query in ``--output-dir``."""
    from kgtool.query.all import all_answers_json, answer_file_name, render_for_all
    from kgtool.query.run import plan_all

    plans = plan_all(given, allow_service, queries_dir)
    if out.folder is not None:
        from kgtool.io.files import write_atomic

        out.folder.mkdir(parents=True, exist_ok=True)
        for plan in plans:
            if plan.skipped:
                note(f"skipped {plan.query.name}: {plan.skipped}")
                continue
            outcome = run(plan.query, plan.params)
            fmt = render_for_all(outcome, out.fmt)
            path = out.folder / answer_file_name(plan.query.name, outcome, out.fmt)
            write_atomic(path, _render(outcome, fmt))
            note(f"wrote {path}")
        return
    if out.fmt != "table":
        answers = {}
        for plan in plans:
            answers[plan.query.name] = (
                plan.query.header.title,
                plan.skipped,
                None if plan.skipped else run(plan.query, plan.params),
            )
        click.echo(all_answers_json(answers, out.fmt), nl=False)
        return
    for plan in plans:
        click.echo(f"## {plan.query.name}: {plan.query.header.title}")
        if plan.skipped:
            click.echo(f"(skipped: {plan.skipped})\n")
            continue
        click.echo(_render(run(plan.query, plan.params), out.fmt))


def _render(outcome: QueryOutcome, fmt: str) -> str:
    from kgtool.query.render import render

    return render(outcome, fmt)


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
    store, cache_dir = graph_settings()
    if cache_dir is None:
        return None
    from kgtool.query.answers import answer_key

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
            store,
            click.get_current_context().params.get("queries_dir"),
        )
    except (KgtoolError, OSError):
        return None  # the full path reports the problem
    if key is None:
        return None
    return cache_dir, key


def _query_remote(
    endpoint: str,
    query: str | None,
    params: tuple[str, ...],
    reasoned: bool,
    out: _Output,
    run_all: bool,
    allow_service: bool,
    queries_dir: Path | None,
) -> None:
    from kgtool.query.render import render
    from kgtool.remote.endpoint import run_remote_query

    if reasoned:
        raise click.UsageError(
            "--reasoned does not apply to --endpoint: push the closure with "
            "kgtool push --reasoned, then query it"
        )
    given = parse_params(params)
    if not run_all:
        assert query is not None
        text = _query_text(query)
        outcome = run_remote_query(endpoint, text, given, allow_service, queries_dir)
        emit(render(outcome, out.fmt), out.file)
        return

    def run(named: NamedQuery, mine: dict[str, str]) -> QueryOutcome:
        assert named.path is not None
        return run_remote_query(endpoint, str(named.path), mine, allow_service, queries_dir)

    _run_every_query(run, given, out, allow_service, queries_dir)
