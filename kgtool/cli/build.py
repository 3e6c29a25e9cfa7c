"""The contributors' commands: ``canonicalize`` the sources, ``build`` what derives from them, and
the JSON-LD ``context``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kgtool.cli.exits import EXIT_FAILED
from kgtool.cli.options import emit


@click.command()
@click.option("--ontology", "ontology", multiple=True, metavar="PATH", help="Ontology file.")
@click.option("-o", "--output", metavar="FILE", default=None, help="Write here (default: stdout).")
def context(ontology: tuple[str, ...], output: str | None) -> None:
    """Build the JSON-LD context (ontology/context.jsonld) from the ontology.

    Example:

        kgtool context -o ontology/context.jsonld
    """
    from kgtool.graph import KnowledgeGraph
    from kgtool.io.serialize import context_json

    kg = KnowledgeGraph.load(data=[], ontology=list(ontology) or None, shapes=[])
    emit(context_json(kg.ontology), output)


@click.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--check", "check_only", is_flag=True, help="Only report files not in canonical form."
)
def canonicalize(files: tuple[Path, ...], check_only: bool) -> None:
    """Rewrite Turtle and TriG files in the project's canonical form.

    Without FILES: the bundled ontology, shapes and graph/*.trig. With --check nothing is
    written and the exit code is 1 if any file would change (CI runs this).

    Example:

        kgtool canonicalize --check ontology/*.ttl graph/*.trig
    """
    # Imported here: only contributors need it, and it must not slow down other commands.
    from kgtool.core import paths
    from kgtool.io.canonical import canonical_text
    from kgtool.io.files import write_atomic
    from kgtool.io.parse import read_text

    targets = list(files) or [
        paths.ontology_file(),
        paths.shapes_file(),
        *sorted(paths.graph_dir().glob("*.trig")),
    ]
    changed = []
    for path in targets:
        text = canonical_text(path)
        if read_text(path) != text:
            changed.append(path)
            if not check_only:
                write_atomic(path, text)
    for path in changed:
        click.echo(f"{'would rewrite' if check_only else 'rewrote'} {path}", err=True)
    if check_only and changed:
        sys.exit(EXIT_FAILED)


@click.command()
@click.option("--check", "check_only", is_flag=True, help="Only report stale files; exit 1 if any.")
def build(check_only: bool) -> None:
    """Rebuild the files derived from the sources: JSON-LD context, VoID, vocab, query index.

    Run it after editing ontology/, graph/ or queries/. With --check nothing is written and the
    exit code is 1 if any derived file is stale.

    Example:

        kgtool build --check
    """
    from kgtool.build import build as rebuild
    from kgtool.graph import KnowledgeGraph

    changed = rebuild(KnowledgeGraph.load(), check=check_only)
    for path in changed:
        click.echo(f"{'stale' if check_only else 'rebuilt'}: {path}", err=True)
    if check_only and changed:
        sys.exit(EXIT_FAILED)
