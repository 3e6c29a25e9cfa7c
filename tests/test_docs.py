"""Every command is documented (as sqlite-utils tests/test_docs.py): in README, with an example."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kgtool.cli.main import cli
from tests.remote.servers import wikidata

__all__ = ["wikidata"]  # the fixture of the tutorial's federated step

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


TUTORIAL = Path(__file__).parent.parent / "docs" / "tutorial.md"


def _tutorial_steps() -> list[tuple[str, str, str]]:
    """The tutorial in order: ``("run", command, expected output)`` and ``("file", name, text)``.

    Commands are the ``$ `` lines of its console blocks; the lines after one, up to the next
    command or the end of the block, are what it prints (none: not checked). A block after a
    ``<!-- file: NAME -->`` line is a file the reader saves.
    """
    steps: list[tuple[str, str, str]] = []
    lines = TUTORIAL.read_text("utf-8").splitlines()
    i = 0
    pending_file: str | None = None
    while i < len(lines):
        line = lines[i]
        if line.startswith("<!-- file: "):
            pending_file = line.removeprefix("<!-- file: ").removesuffix(" -->").strip()
        elif line.startswith("```") and len(line) > 3:
            body: list[str] = []
            i += 1
            while not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            if pending_file is not None:
                steps.append(("file", pending_file, "\n".join(body) + "\n"))
                pending_file = None
            elif line == "```console":
                for block_line in body:
                    if block_line.startswith("$ "):
                        steps.append(("run", block_line[2:], ""))
                    elif steps and steps[-1][0] == "run":
                        kind, command, shown = steps[-1]
                        steps[-1] = (kind, command, shown + block_line + "\n")
        i += 1
    return steps


def _run_tutorial_command(command: str, service: str | None) -> str | None:
    """Run one ``kgtool`` line of the tutorial; return what it printed (None: not kgtool)."""
    import shlex

    argv = shlex.split(command)
    if argv[0] != "kgtool":
        assert argv[:2] == ["pip", "install"], f"the tutorial runs {command!r}, not kgtool"
        return None
    argv = argv[1:]
    if "--allow-service" in argv:
        assert service is not None
        # The test never reaches Wikidata: SERVICE goes to the local oxigraph serve.
        if "--service-map" in argv:
            at = argv.index("--service-map") + 1
            assert argv[at] == "wikidata=http://127.0.0.1:7878/query"
            argv[at] = f"wikidata={service}"
        else:
            argv += ["--service-map", f"wikidata={service}"]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 0, f"{command}\n{result.output}"
    return result.stdout


def _tutorial_outputs(service: str | None) -> None:
    import shlex

    for kind, first, second in _tutorial_steps():
        if kind == "file":
            Path(first).write_text(second, "utf-8")
            continue
        uses_service = "--allow-service" in shlex.split(first)
        if uses_service != (service is not None):
            continue
        printed = _run_tutorial_command(first, service)
        if second:
            assert printed == second, first


def test_every_tutorial_command_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Steps 1 to 6 of docs/tutorial.md, in order, in a fresh folder; shown outputs exact."""
    monkeypatch.chdir(tmp_path)
    steps = _tutorial_steps()
    assert sum(kind == "run" for kind, _, _ in steps) >= 15
    _tutorial_outputs(None)
    assert (tmp_path / "answers" / "founders.srj").is_file()
    assert (tmp_path / "my-facts.jsonld").is_file()


def test_the_tutorial_federated_query_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wikidata: str
) -> None:
    """Step 7 of docs/tutorial.md against a real oxigraph serve on 127.0.0.1."""
    monkeypatch.chdir(tmp_path)
    _tutorial_outputs(wikidata)
    result = CliRunner().invoke(
        cli,
        [
            "query",
            "wikidata-inception",
            "--allow-service",
            "--service-map",
            f"wikidata={wikidata}",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["results"]["bindings"]
