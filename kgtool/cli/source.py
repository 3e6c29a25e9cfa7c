"""``kgtool source``: diff another revision of the article against the graph, and realign to it.

Exit codes as everywhere: 0 every fact still supported; 1 some facts need review or lost their
sentence; 2 bad input (not a text file, no sentences, not this article).
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kgtool.cli.exits import EXIT_FAILED
from kgtool.cli.options import graph_options
from kgtool.cli.options import load_graph as _load

if TYPE_CHECKING:
    from kgtool.graph import KnowledgeGraph
    from kgtool.source.diff import SourceDiff


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def source() -> None:
    """Compare the graph with another revision of its article, and realign to it.

    REVISION is a text file in the layout of graph/source/ (Title, URL and PageID header
    lines, a line of dashes, then the text); without it, the bundled text the graph was made
    from. Exit codes: 0 every fact still supported, 1 some need review or lost their sentence,
    2 bad input. See docs/source.md.

    Example:

        kgtool source diff --format json
    """


def _diff(kg: KnowledgeGraph, revision: Path | None) -> SourceDiff:
    from kgtool.source.align import bundled_revision, known_sentences, read_revision
    from kgtool.source.diff import diff_revision

    path = revision if revision is not None else bundled_revision()
    return diff_revision(kg, read_revision(path, known_sentences(kg)))


# Optional, so that `kgtool source diff` alone checks the graph against the text it was made from.
_REVISION = click.argument(
    "revision",
    metavar="[REVISION]",
    required=False,
    type=click.Path(dir_okay=False, path_type=Path),
)


@source.command(name="diff")
@_REVISION
@graph_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def source_diff(
    revision: Path | None,
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    fmt: str,
) -> None:
    """Diff a revision against the graph's sentences and the facts they state.

    Each known sentence is unchanged, edited (with a word diff) or removed, each other one new;
    each fact supported (a sentence of it unchanged), review (edited) or unsupported (gone).
    Exit 1 unless every fact is supported. Without REVISION, the bundled text the graph was
    made from (every fact supported).

    Example:

    \b
        kgtool source diff
        kgtool source diff --format json
    """
    report = _diff(_load(data, ontology, shapes, input_format), revision)
    click.echo(report.to_json() if fmt == "json" else report.to_text(), nl=False)
    if not report.ok:
        sys.exit(EXIT_FAILED)


def _day(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@source.command(name="update")
@_REVISION
@graph_options
@click.option(
    "-o", "--output", metavar="FILE", required=True, help="The new sources graph (TriG; - stdout)."
)
@click.option(
    "--revision",
    "revision_id",
    type=click.IntRange(min=1),
    default=None,
    help="The revision's id (Wikipedia's oldid), if you know it; recorded as given.",
)
@click.option(
    "--retrieved",
    callback=_day,
    metavar="DATE",
    default=None,
    help="The day the text was retrieved (YYYY-MM-DD), if you know it.",
)
def source_update(
    revision: Path | None,
    data: tuple[str, ...],
    ontology: tuple[str, ...],
    shapes: tuple[str, ...],
    input_format: str | None,
    output: str,
    revision_id: int | None,
    retrieved: datetime.date | None,
) -> None:
    """Write a new sources graph realigned to a revision; facts are never touched.

    Known sentences keep their IRIs and get the revision's quote, position, section and
    reference numbers; new sentences get new IRIs; removed ones are left out, and the facts
    they stated are listed, not deleted. The source record keeps what the header says; the
    revision id and retrieval date only when given. Exit 1 when a fact lost its sentence or
    stands in an edited one. Without REVISION, the bundled text the graph was made from.

    Example:

    \b
        kgtool source update -o sources.trig
        kgtool source update --revision 1234567 --retrieved 2026-12-03 -o sources.trig
    """
    from rdflib import Graph

    from kgtool.core.namespaces import bind_prefixes
    from kgtool.source.update import update_sources, write_sources

    kg = _load(data, ontology, shapes, input_format)
    update = update_sources(kg, _diff(kg, revision), revision_id, retrieved)
    to_stdout = output == "-"
    if to_stdout:
        click.echo(update.to_trig(), nl=False)
    else:
        write_sources(update, output)
    # The listing is the report; with the graph on stdout it goes to stderr.
    lines = []
    names = bind_prefixes(Graph()).namespace_manager
    for label, facts in (("unsupported", update.unsupported), ("review", update.review)):
        for fact in facts:
            where = ", ".join(s.n3(names) for s in fact.sentences)
            lines.append(
                f"{label}: {fact.subject.n3(names)} {fact.predicate.n3(names)} "
                f"{fact.object.n3(names)} ({where})"
            )
    for iri in update.new_sentences:
        lines.append(f"new sentence: {iri.n3(names)}")
    if lines:
        click.echo("\n".join(lines), err=to_stdout)
    if not to_stdout:
        click.echo(
            f"Wrote {output}. New sentences: {len(update.new_sentences)}; facts without a "
            f"sentence: {len(update.unsupported)}; facts to review: {len(update.review)}",
            err=True,
        )
    if not update.ok:
        sys.exit(EXIT_FAILED)
