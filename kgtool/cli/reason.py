"""``kgtool reason``: infer the OWL 2 RL or RDFS closure and write it."""

from __future__ import annotations

import click

from kgtool.cli.formats import RDF_FORMAT, rdf_output_format
from kgtool.cli.options import emit, graph_options, load_graph, note, reason_graph
from kgtool.core.choices import ENGINES, PROFILES


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
    "--format",
    "fmt",
    type=RDF_FORMAT,
    default=None,
    help="Name, alias (ttl, nt, rdfxml...) or media type; default: from -o's extension, "
    "else turtle.",
)
def reason(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    profile: str,
    engine: str,
    output: str | None,
    fmt: str | None,
) -> None:
    """Infer new triples (OWL 2 RL or RDFS) and write the inferred graph.

    Says how many triples were inferred (on stderr when the graph goes to stdout). Exits 1
    with the clashes when the data is inconsistent.

    Example:

    \b
        kgtool reason --profile rdfs -o inferred.ttl
        kgtool reason --engine fast -o inferred.nt
    """
    fmt = rdf_output_format(fmt, output)
    kg = load_graph(data, ontology, shapes, input_format)
    # The closure is written out, not queried: the store need not hold it.
    result = reason_graph(kg, profile=profile, engine=engine, keep=False)
    emit(result.render(fmt), output)
    message = f"Inferred {len(result)} triples ({profile}) from {result.asserted_count} asserted."
    if output is None or output == "-":
        note(message)
    else:
        click.echo(message)
