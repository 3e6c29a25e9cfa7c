"""``kgtool reason``: infer the OWL 2 RL or RDFS closure and write it."""

from __future__ import annotations

import click

from kgtool.cli.options import emit, graph_options, load_graph, reason_graph
from kgtool.core.choices import ENGINES, PROFILES
from kgtool.io.formats import RDF_FORMAT_NAMES as EXPORT_FORMATS


@click.command()
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
    kg = load_graph(data, ontology, shapes, input_format)
    result = reason_graph(kg, profile=profile, engine=engine)
    emit(result.render(fmt), output)
    to_stdout = output is None or output == "-"
    click.echo(
        f"Inferred {len(result)} triples ({profile}) from {result.asserted_count} asserted.",
        err=to_stdout,
    )
