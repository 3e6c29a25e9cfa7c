"""``kgtool source diff`` and ``kgtool source update`` (kgtool/cli/source.py).

Run through the whole command line with CliRunner, as a user meets it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kgtool.cli.main import cli
from kgtool.cli.source import source
from tests.source import revisions as r


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["source", *args], catch_exceptions=False)


@pytest.fixture
def leo(tmp_path: Path) -> Path:
    path = tmp_path / "leo.txt"
    path.write_text(r.revise(r.SHIPPED, r.LEN_GAO), "utf-8")
    return path


def test_diff_of_the_shipped_text_exits_0() -> None:
    result = run("diff", str(r.SHIPPED_PATH))
    assert result.exit_code == 0
    assert result.output == (
        "Revision: EleutherAI (https://en.wikipedia.org/wiki/EleutherAI, page 73176768)\n"
        "Sentences: 46 unchanged, 0 edited, 0 removed, 0 new\n"
        "Facts: 871 supported, 0 review, 0 unsupported\n"
    )


def test_diff_of_an_edit_exits_1_and_shows_the_word_diff(leo: Path) -> None:
    result = run("diff", str(leo))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[1:6] == [
        "Sentences: 45 unchanged, 1 edited, 0 removed, 0 new",
        "Facts: 864 supported, 7 review, 0 unsupported",
        "",
        "edited: src:history-2 (History #5)",
        "  Its founding members are Connor Leahy, [-Len-] {+Leo+} Gao, and Sid Black.",
    ]
    assert '  review: id:Leo_Gao skos:hiddenLabel "Len Gao"@en (src:history-2)' in lines


def test_diff_json_is_one_document(leo: Path) -> None:
    result = run("diff", str(leo), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert doc["summary"]["facts"] == {"supported": 864, "review": 7, "unsupported": 0}
    (edited,) = [s for s in doc["sentences"] if s["status"] == "edited"]
    assert edited["new_text"] == "Its founding members are Connor Leahy, Leo Gao, and Sid Black."


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("other-article.txt", "not this article"),
        ("no-header-other-text.txt", "not this article"),
        ("no-sentences.txt", "no sentences found"),
    ],
)
def test_bad_revisions_exit_2(name: str, message: str) -> None:
    result = CliRunner().invoke(cli, ["source", "diff", str(r.DATA / name)])
    assert result.exit_code == 2
    assert message in result.output


def test_a_binary_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = CliRunner().invoke(cli, ["source", "diff", str(path)])
    assert result.exit_code == 2
    assert "Error:" in result.output


def test_a_directory_or_missing_file_exits_2(tmp_path: Path) -> None:
    assert CliRunner().invoke(cli, ["source", "diff", str(tmp_path)]).exit_code == 2
    assert CliRunner().invoke(cli, ["source", "diff", str(tmp_path / "none.txt")]).exit_code == 2


def test_update_writes_the_sources_graph_and_lists_nothing_for_the_shipped_text(
    tmp_path: Path,
) -> None:
    out = tmp_path / "sources.trig"
    result = run("update", str(r.SHIPPED_PATH), "-o", str(out))
    assert result.exit_code == 0
    assert result.output == (
        f"Wrote {out}. New sentences: 0; facts without a sentence: 0; facts to review: 0\n"
    )
    assert "kg:SourceSentence" in out.read_text("utf-8")


def test_update_lists_facts_left_without_a_sentence(tmp_path: Path) -> None:
    revision = tmp_path / "removed.txt"
    revision.write_text(r.revise(r.SHIPPED, r.REMOVED), "utf-8")
    out = tmp_path / "sources.trig"
    result = run("update", str(revision), "-o", str(out), "--revision", "42")
    assert result.exit_code == 1
    listed = [line for line in result.output.splitlines() if line.startswith("unsupported: ")]
    assert listed and all(line.endswith("(src:history-18)") for line in listed)
    assert "schema:version 42" in out.read_text("utf-8")


def test_update_to_stdout(tmp_path: Path) -> None:
    result = run("update", str(r.SHIPPED_PATH), "-o", "-", "--retrieved", "2026-12-03")
    assert result.exit_code == 0
    assert '"2026-12-03"^^xsd:date' in result.output


def test_update_refuses_a_bad_date() -> None:
    result = CliRunner().invoke(
        cli, ["source", "update", str(r.SHIPPED_PATH), "-o", "-", "--retrieved", "yesterday"]
    )
    assert result.exit_code == 2
    assert "is not a date" in result.output


def test_update_then_diff_round_trips(leo: Path, tmp_path: Path) -> None:
    import shutil

    from kgtool.core import paths

    folder = tmp_path / "graph"
    shutil.copytree(paths.graph_dir(), folder, ignore=shutil.ignore_patterns("source", "*.md"))
    assert run("update", str(leo), "-o", str(folder / "sources.trig")).exit_code == 1
    result = run("diff", str(leo), "--data", str(folder))
    assert result.exit_code == 0
    assert "Sentences: 46 unchanged, 0 edited, 0 removed, 0 new" in result.output


@pytest.mark.parametrize("path", [(), ("diff",), ("update",)], ids=["source", "diff", "update"])
def test_help_has_an_example(path: tuple[str, ...]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert "kgtool source" in result.output.split("Example:", 1)[1]


def _examples() -> list[list[str]]:
    """Every example line of the group's and its commands' --help, without ``kgtool source``."""
    import shlex

    import click

    found = []
    commands: list[click.Command] = [source, *source.commands.values()]
    for command in commands:
        text = (command.help or "").split("Example:", 1)[-1]
        for line in text.splitlines():
            if line.strip().startswith("kgtool source "):
                found.append(shlex.split(line.strip())[2:])
    return found


@pytest.mark.parametrize("argv", _examples(), ids=" ".join)
def test_help_examples_run(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As tests/test_docs.py does for registered commands: each example runs as written."""
    monkeypatch.chdir(tmp_path)
    result = run(*argv)
    assert result.exit_code == 0, result.output


def test_without_a_revision_the_bundled_text_is_used() -> None:
    assert run("diff").output == run("diff", str(r.SHIPPED_PATH)).output
