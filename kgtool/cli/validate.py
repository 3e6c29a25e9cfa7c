"""``kgtool validate``: check the facts against the SHACL shapes."""

from __future__ import annotations

import sys

import click

from kgtool.cli.exits import EXIT_FAILED
from kgtool.cli.options import graph_options, load_graph, note
from kgtool.cli.progress import counting
from kgtool.core.choices import INFERENCE_CHOICES, VALIDATION_ENGINES


@click.command()
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
    from kgtool.inspect.shape_names import name_blank_shapes
    from kgtool.validate.engine import idle_shapes
    from kgtool.validate.engine import validate as run_validate

    kg = load_graph(data, ontology, shapes, input_format)
    with counting("validate", " shapes") as progress:
        report = run_validate(kg, inference=inference, engine=engine, progress=progress)
    if shapes:
        # A user's shapes are often blank nodes: name them by path and constraint.
        report = name_blank_shapes(report, kg.shapes)
    text = {"text": report.to_text, "json": report.to_json, "turtle": report.to_turtle}[fmt]()
    click.echo(text, nl=False)
    idle = idle_shapes(kg)
    if shapes:
        # The user's own shapes: each one that checks nothing is likely a typo in a target.
        for shape in idle:
            note(f"Warning: {shape} targets nothing in the data, so it checks nothing.")
    elif idle:
        # The bundled shapes cover the whole project; most target nothing in a user's file.
        note(
            f"Note: {len(idle)} of the bundled shapes target nothing in the data "
            "(give --shapes to check with your own)."
        )
    if report.fails(fail_on):
        sys.exit(EXIT_FAILED)
