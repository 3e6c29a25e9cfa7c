"""The contributors' commands: ``canonicalize`` the sources, ``build`` what derives from them, and
the JSON-LD ``context``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from kgtool.cli.exits import EXIT_FAILED
from kgtool.cli.options import emit, note

#: Set in the environment of a kgtool started by :func:`_run_in_checkout`, so it runs there.
_IN_CHECKOUT = "KGTOOL_RUNNING_IN_CHECKOUT"


def _run_in_checkout(command: list[str]) -> None:
    """Run ``kgtool COMMAND`` on the checkout's own files when the imported kgtool is elsewhere.

    After a plain ``pip install .`` the imported kgtool reads the copy of the sources it was
    installed with, not the files being edited; and ``build`` writes kgtool's own
    ``core/vocab.py``. So the checkout's kgtool does the work: a child process with the
    checkout first on ``sys.path``, whose exit code becomes this one's. Outside a checkout,
    or already in it, this returns and the command runs here.
    """
    from kgtool.core import paths
    from kgtool.core.checkout import find_checkout

    root = find_checkout()
    if root is None:
        note(f"{command[0]}: not in an eleutherai-kg checkout; using {paths.data_root()}")
        return
    if root == paths.data_root().resolve() or os.environ.get(_IN_CHECKOUT):
        note(f"{command[0]}: checkout at {root}")
        return
    env = {**os.environ, _IN_CHECKOUT: "1"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH")) if p)
    obj = click.get_current_context().find_object(dict) or {}
    group = ["--quiet"] if obj.get("quiet") else []
    done = subprocess.run(
        [sys.executable, "-m", "kgtool", *group, *command], cwd=root, env=env, check=False
    )
    sys.exit(done.returncode)


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

    Without FILES: the ontology, shapes and graph/*.trig of the checkout the current folder
    is in (found by its pyproject.toml), else of the installed copy; it says which. With
    --check nothing is written and the exit code is 1 if any file would change (CI runs this).

    Example:

        kgtool canonicalize --check ontology/*.ttl graph/*.trig
    """
    # Imported here: only contributors need it, and it must not slow down other commands.
    from kgtool.core import paths
    from kgtool.io.canonical import canonical_text
    from kgtool.io.files import write_atomic
    from kgtool.io.parse import read_text

    if not files:
        _run_in_checkout(["canonicalize", *(["--check"] if check_only else [])])
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

    Run it after editing ontology/, graph/ or queries/. It works on the checkout the current
    folder is in (found by its pyproject.toml), else on the installed copy, and says which.
    With --check nothing is written and the exit code is 1 if any derived file is stale.

    Example:

        kgtool build --check
    """
    _run_in_checkout(["build", *(["--check"] if check_only else [])])
    from kgtool.build import build as rebuild
    from kgtool.graph import KnowledgeGraph

    changed = rebuild(KnowledgeGraph.load(), check=check_only)
    for path in changed:
        click.echo(f"{'stale' if check_only else 'rebuilt'}: {path}", err=True)
    if check_only and changed:
        sys.exit(EXIT_FAILED)
