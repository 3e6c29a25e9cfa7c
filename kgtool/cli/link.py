"""``kgtool link`` (checks, suggestions and data from Wikidata) and ``kgtool push`` (upload the
graph to a SPARQL store): the commands that use the network, and only when asked."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kgtool.cli.exits import EXIT_FAILED
from kgtool.cli.options import emit as _emit
from kgtool.cli.options import graph_options
from kgtool.cli.options import load_graph as _load
from kgtool.cli.options import reason_graph as _reason
from kgtool.cli.progress import progress_bar as _progress_bar

# The command bodies below keep the helper names they had in kgtool/cli/main.py.

F = TypeVar("F", bound=Callable[..., Any])


@click.command()
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


# --------------------------------------------------------------------------- kgtool link


@click.group()
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


@link.command(name="compare")
@graph_options
@endpoint_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def link_compare(
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
    """Compare the graph's values about linked entities with Wikidata's statements.

    For each property the ontology maps to Wikidata (skos:exactMatch), each value the article
    states is agree, differ (shown with Wikidata's values, ranks and references) or
    wikidata-lacks, and each statement Wikidata has that the graph does not is we-lack.
    Dates compare at the coarser precision: a year agrees with a day in that year, as "ours
    less precise". Deprecated statements are shown but never agree. The wikidata-lacks values
    are what `kgtool link quickstatements` writes. Exit 1 if any value differs.

    Example:

        kgtool link compare --endpoint http://127.0.0.1:7878/query --format json
    """
    from kgtool.wikidata.compare import compare

    client = _client(endpoint, offline, timeout, retries)
    report = compare(_load(data, ontology, shapes, input_format), client, batch_size)
    client.commit()
    click.echo(report.to_json() if fmt == "json" else report.to_text(), nl=False)
    if report.differ:
        sys.exit(EXIT_FAILED)


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

    They are the wikidata-lacks values of `kgtool link compare` that can be written (linked
    items, dates, numbers); each command cites the English Wikipedia article (S143 Q328,
    S4656 URL). Review them before pasting into QuickStatements. Values Wikidata states
    otherwise (differ) are listed on stderr as conflicts instead.

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
    for value in result.unwritable:
        click.echo(f"cannot write: {value} (not linked to Wikidata, or text)", err=True)
    unwritable = f"; {len(result.unwritable)} cannot be written" if result.unwritable else ""
    click.echo(
        f"{len(result.lines)} statements Wikidata lacks; {result.present} it already has; "
        f"{len(result.conflicts)} conflicts{unwritable}.",
        err=True,
    )
