"""``kgtool export``: write the dataset in any RDF format, named graphs kept where it can."""

from __future__ import annotations

import click

from kgtool.cli.formats import RDF_FORMAT, rdf_output_format
from kgtool.cli.options import graph_options, load_graph, reason_graph
from kgtool.cli.progress import activity


@click.command()
@graph_options
@click.option(
    "--format",
    "fmt",
    type=RDF_FORMAT,
    default=None,
    help="Name, alias (ttl, nq, rdfxml...) or media type; default: from -o's extension, "
    "else turtle.",
)
@click.option("--reasoned", is_flag=True, help="Add the inferred graph.")
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    metavar="IRI",
    help="Export only this named graph (repeatable; an IRI or graph:NAME, src:SENTENCE).",
)
@click.option(
    "--subset",
    "subsets",
    multiple=True,
    metavar="NAME",
    help="Export only these graphs (repeatable): facts (the sentence graphs), sources, "
    "editorial, wikidata, article, ontology.",
)
@click.option("-o", "--output", metavar="FILE", default=None, help="Write here (default: stdout).")
def export(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    fmt: str | None,
    reasoned: bool,
    graphs: tuple[str, ...],
    subsets: tuple[str, ...],
    output: str | None,
) -> None:
    """Export the dataset; trig, nquads and jsonld keep the named graphs.

    The format is --format, else the -o extension (.ttl .nt .nq .trig .jsonld .rdf),
    else Turtle. Output is deterministic, and files are replaced atomically.

    Example:

    \b
        kgtool export --reasoned -o eleutherai.jsonld
        kgtool export --format nq
        kgtool export --subset facts --subset sources -o article-facts.trig
        kgtool export --graph graph:editorial --format ttl
    """
    from kgtool.export import export as export_graph
    from kgtool.export import select_graphs

    fmt = rdf_output_format(fmt, output)
    kg = load_graph(data, ontology, shapes, input_format)
    if reasoned:
        reason_graph(kg)
    with activity("export"):
        view = select_graphs(kg, graphs, subsets, reasoned)
        kept = reasoned and view is kg  # a selection holds the inferred graph as a named graph
        text = export_graph(view, fmt, reasoned=kept, dest=output)
    if output is None or output == "-":
        click.echo(text, nl=False)
