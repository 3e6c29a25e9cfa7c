"""The commands that look into the graph: ``stats``, ``describe``, ``why``, ``check`` and
``diagram``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kgtool.cli.exits import EXIT_FAILED
from kgtool.cli.options import graph_options, load_graph, note, queries_option, reason_graph
from kgtool.io.formats import RDF_FORMAT_SPELLINGS as INPUT_FORMATS


@click.command()
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

    kg = load_graph(data, ontology, shapes, input_format)
    if reasoned:
        reason_graph(kg)
    result = graph_stats(kg, reasoned=reasoned)
    click.echo(result.to_json() if fmt == "json" else result.to_text(), nl=False)


F = TypeVar("F", bound=Callable[..., Any])


def sentence_options(func: F) -> F:
    """``--section``, ``--reference`` and ``--sentence``: which of the article's sentences."""
    func = click.option(
        "--sentence",
        metavar="IRI|WORDS",
        default=None,
        help="Only this sentence: its IRI or prefixed name (src:lead-2), or words it contains.",
    )(func)
    func = click.option(
        "--reference",
        type=click.IntRange(min=1),
        metavar="N",
        default=None,
        help="Only sentences citing the article's reference [N].",
    )(func)
    return click.option(
        "--section",
        metavar="NAME",
        default=None,
        help="Only sentences of this section (Criticism matches Public reception / Criticism).",
    )(func)


@click.command()
@graph_options
@click.argument("entity")
@click.option("--reasoned", is_flag=True, help="Include inferred facts.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@sentence_options
def describe(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    entity: str,
    reasoned: bool,
    fmt: str,
    section: str | None,
    reference: int | None,
    sentence: str | None,
) -> None:
    """Show every fact about an entity (IRI, prefixed name or label) with its sources.

    --section, --reference and --sentence keep the facts those sentences state.

    Example:

    \b
        kgtool describe "Connor Leahy"
        kgtool describe EleutherAI --section Criticism
        kgtool describe EleutherAI --reference 4
    """
    from kgtool.inspect.describe import describe as describe_entity
    from kgtool.inspect.filters import SentenceFilter, filter_description

    kg = load_graph(data, ontology, shapes, input_format)
    if reasoned:
        reason_graph(kg)
    result = describe_entity(kg, entity, reasoned=reasoned)
    result = filter_description(result, SentenceFilter(section, reference, sentence))
    click.echo(result.to_json() if fmt == "json" else result.to_text(), nl=False)


@click.command()
@graph_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@sentence_options
def facts(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    fmt: str,
    section: str | None,
    reference: int | None,
    sentence: str | None,
) -> None:
    """List the article's sentences with the facts each states, picked by section,
    reference or sentence (all of them without a filter).

    Example:

    \b
        kgtool facts --section Criticism
        kgtool facts --reference 4 --format json
        kgtool facts --sentence "Discord server"
    """
    from kgtool.inspect.filters import SentenceFilter
    from kgtool.inspect.filters import facts as sentence_facts

    kg = load_graph(data, ontology, shapes, input_format)
    report = sentence_facts(kg, SentenceFilter(section, reference, sentence))
    click.echo(report.to_json() if fmt == "json" else report.to_text(), nl=False)


@click.command()
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

    kg = load_graph(data, ontology, shapes, input_format)
    result = explain_why(kg, subject, predicate, object)
    click.echo(result.to_json() if fmt == "json" else result.to_text(), nl=False)


@click.command()
@graph_options
@click.option("--reasoned", is_flag=True, help="Run the checks over the reasoned view.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@queries_option("Folder whose checks/ holds *-violation.rq (default: the bundled queries/).")
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

    kg = load_graph(data, ontology, shapes, input_format)
    if reasoned:
        reason_graph(kg)
    report = run_checks(kg, queries_dir / "checks" if queries_dir else None, reasoned=reasoned)
    click.echo(report.to_json() if fmt == "json" else report.to_text(), nl=False)
    if not report.passed:
        sys.exit(EXIT_FAILED)


@click.command()
@graph_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--fail-on-flagged",
    is_flag=True,
    help="Exit 1 if any sentence holds no structured fact (literal-only or none).",
)
def coverage(
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    fmt: str,
    fail_on_flagged: bool,
) -> None:
    """List each sentence of the article with the facts its graph holds.

    A fact is structured (an entity, a typed value or a name: a query can use it) or free
    text; a sentence with no structured fact is flagged (literal-only, or none when its graph
    is empty), the curator's to-do list. Exit 0, or 1 with --fail-on-flagged if any sentence
    is flagged.

    Example:

    \b
        kgtool coverage
        kgtool coverage --format json
    """
    from kgtool.inspect.coverage import coverage as sentence_coverage

    kg = load_graph(data, ontology, shapes, input_format)
    report = sentence_coverage(kg.store.dataset())
    click.echo(report.to_json() if fmt == "json" else report.to_text(), nl=False)
    if fail_on_flagged and report.flagged():
        sys.exit(EXIT_FAILED)


@click.command()
@click.argument("entity", required=False)
@click.option(
    "--ontology-diagram",
    "draw_ontology",
    is_flag=True,
    help="Draw the ontology's classes and properties (the default without ENTITY).",
)
@click.option(
    "--ontology",
    "old_ontology_flag",
    is_flag=True,
    hidden=True,
    help="Deprecated spelling of --ontology-diagram.",
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
    old_ontology_flag: bool,
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

    \b
        kgtool diagram GPT-J-6B --depth 2 -o gpt-j.dot
        kgtool diagram --ontology-diagram -o ontology.dot
    """
    from kgtool.graph import KnowledgeGraph
    from kgtool.inspect.diagram import diagram as draw
    from kgtool.io.files import write_atomic

    if old_ontology_flag:
        # Every other command's --ontology takes a file; this one was a flag.
        note(
            "Warning: diagram --ontology is deprecated and will take a file in a later "
            "release; use --ontology-diagram (and --ontology-file FILE for the ontology)."
        )
        draw_ontology = True
    if entity is not None and draw_ontology:
        raise click.UsageError("give ENTITY or --ontology-diagram, not both")
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
