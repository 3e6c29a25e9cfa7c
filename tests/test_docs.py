"""Every command is documented (as sqlite-utils tests/test_docs.py): in README, with an example."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kgtool.cli.main import cli

README = (Path(__file__).parent.parent / "README.md").read_text("utf-8")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
    return found


COMMANDS = _commands(cli)


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_command_is_in_the_readme(path: tuple[str, ...]) -> None:
    assert f"kgtool {' '.join(path)}" in README


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_command_help_has_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_readme_gives_the_two_commands() -> None:
    assert "pip install . && kgtool query --all" in README
    assert "pip install '.[test]' && pytest" in README
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text("utf-8")
    assert "pytest" in ci


def _examples() -> list[list[str]]:
    import shlex

    found = []
    for path in COMMANDS:
        command: click.Command = cli
        for name in path:
            assert isinstance(command, click.Group)
            command = command.commands[name]
        text = (command.help or "").split("Example:", 1)[-1].replace("\\\n", " ")
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("kgtool "):
                for part in line.split(" && "):
                    found.append(shlex.split(part)[1:])
    return found


#: Examples that need the network, a server, Graphviz, or write into the package's own files.
OFFLINE_UNSAFE = {"link", "serve", "push", "diagram", "context", "canonicalize"}


def _runs_offline(argv: list[str]) -> bool:
    if "--endpoint" in argv:
        return False
    # A DOT drawing needs no Graphviz program.
    return argv[0] not in OFFLINE_UNSAFE or (argv[0] == "diagram" and argv[-1].endswith(".dot"))


@pytest.mark.parametrize("argv", [a for a in _examples() if _runs_offline(a)], ids=" ".join)
def test_help_examples_run(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every offline example in --help runs as written (outputs land in a temporary folder)."""
    monkeypatch.chdir(tmp_path)
    if "--allow-service" in argv:
        pytest.skip("needs a SPARQL endpoint")
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("page", ["docs/api.md"])
def test_the_python_api_page_runs(page: str) -> None:
    """Every ``>>>`` example of the API page runs and prints what the page says."""
    import doctest

    path = Path(__file__).parent.parent / page
    failed, attempted = doctest.testfile(
        str(path), module_relative=False, optionflags=doctest.ELLIPSIS, verbose=False
    )
    assert attempted > 0
    assert failed == 0


def test_the_readme_format_tables_are_the_format_table() -> None:
    """Every name, extension and media type of kgtool/io/formats.py is in the README's tables."""
    from kgtool.io.formats import RDF_FORMATS, RESULT_FORMATS

    rows = {
        line.split("|")[1].strip(): line for line in README.splitlines() if line.startswith("| ")
    }
    for f in RDF_FORMATS:
        row = rows[f.label]
        assert all(f"`{n}`" in row for n in (*f.names, *f.extensions, *f.media_types)), row
    labels = {
        "table": "table",
        "csv": "CSV",
        "tsv": "TSV",
        "json": "SPARQL JSON",
        "xml": "SPARQL XML",
    }
    for r in RESULT_FORMATS:
        row = rows[labels[r.name]]
        spellings = (*r.names, r.extension, *r.read_extensions, r.media_type)
        assert all(f"`{n}`" in row for n in spellings), row


def test_the_readme_documents_shell_completion() -> None:
    assert "_KGTOOL_COMPLETE=bash_source kgtool" in README
