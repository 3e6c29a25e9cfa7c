"""``kgtool export``: write the dataset in any RDF format, named graphs kept where it can."""

from __future__ import annotations

import click

from kgtool.cli.options import graph_options, load_graph, reason_graph
from kgtool.cli.progress import activity
from kgtool.io.formats import RDF_FORMAT_NAMES as EXPORT_FORMATS


@click.command()
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

    kg = load_graph(data, ontology, shapes, input_format)
    if reasoned:
        reason_graph(kg)
    with activity("export"):
        text = export_graph(kg, fmt, reasoned=reasoned, dest=output)
    if output is None or output == "-":
        click.echo(text, nl=False)
