"""``kgtool serve``: the read-only SPARQL endpoint and linked-data pages, on the same options."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from kgtool.cli.exits import EXIT_USAGE
from kgtool.cli.options import graph_options, graph_settings, queries_option


class MissingExtraError(click.ClickException):
    """An optional dependency the command needs is not installed (exit 2, as for Graphviz)."""

    exit_code = EXIT_USAGE


#: Connections (and their tasks) the server holds at once; more get 503.
MAX_CONNECTIONS = 1000


@click.command()
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
    help="Seconds a query may run before it is stopped (503), and a request's head or body may "
    "take to arrive (408; a connection that sends nothing is closed).",
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
    default=None,
    help="Query worker processes (default: two per core; a stopped query costs one a restart).",
)
@queries_option()
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
    workers: int | None,
    queries_dir: Path | None,
) -> None:
    """Serve a read-only SPARQL endpoint, linked-data pages and a query page.

    Binds 127.0.0.1 (this machine only) unless --host says otherwise. Read-only: SPARQL
    Update and LOAD are refused, SERVICE too unless --allow-service. The query workers load
    the graph on --store, and cache closures as --cache-dir / --no-cache say, as every
    command does. Needs the serve extra: pip install 'eleutherai-kg[serve]'.

    Example:

        kgtool serve --port 8000 --timeout 10
    """
    try:
        import uvicorn

        from kgtool.serve.app import ServeSettings, create_app
        from kgtool.serve.connections import head_timeout_protocol
    except ImportError as exc:
        raise MissingExtraError(
            f"kgtool serve needs the serve extra ({exc.name} is missing): "
            "pip install 'eleutherai-kg[serve]'"
        ) from None
    from kgtool.serve.pool import GraphSpec, Limits

    store, cache_dir = graph_settings()
    spec = GraphSpec(
        data=tuple(data) or None,
        ontology=tuple(ontology) or None,
        shapes=tuple(shapes) or None,
        input_format=input_format,
        reasoned=reasoned,
        queries_dir=str(queries_dir) if queries_dir else None,
        store=store,
        cache_dir=str(cache_dir) if cache_dir is not None else None,
    )
    limits = Limits(timeout=timeout, max_rows=max_rows, allow_service=allow_service)
    settings = ServeSettings(spec=spec, limits=limits, max_body=max_body, body_timeout=timeout)
    if workers is not None:
        settings = replace(settings, workers=workers)
    app = create_app(settings)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Serving read-only at http://{shown}:{port}/ (Ctrl-C to stop)", err=True)
    # A connection that sends no request head within the timeout is closed, so idle clients
    # hold a slot for a bounded time; the connection limit bounds how many hold one meanwhile
    # (past it, new ones get 503), which keeps the process within its open-file limit.
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        limit_concurrency=MAX_CONNECTIONS,
        http=head_timeout_protocol(timeout) or "auto",
    )
