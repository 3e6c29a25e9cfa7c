"""`kgtool query`: one `--all` loop and one stdin reader, here and with --endpoint."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kgtool.cli.main import cli
from tests.conftest import FIXTURE_ARGS, QUERIES, Invoke

Q = ["--queries", str(QUERIES)]


def test_all_runs_every_query_or_says_why_not(invoke: Invoke) -> None:
    result = invoke(["query", "--all", *Q, "--param", "org=id:EleutherAI"])
    assert result.exit_code == 0, result.output
    titles = [line for line in result.stdout.splitlines() if line.startswith("## ")]
    assert [t.split(":")[0] for t in titles] == ["## agents", "## founders", "## models-since"]
    assert "(skipped: needs --param min)" in result.stdout


def test_all_on_an_endpoint_is_the_same_loop(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --endpoint the same queries run, are skipped and print alike."""
    from kgtool.graph import KnowledgeGraph
    from kgtool.query.run import run_query
    from tests.conftest import FACTS, ONTOLOGY, SHAPES

    kg = KnowledgeGraph.load(data=[FACTS], ontology=[ONTOLOGY], shapes=[SHAPES])
    asked: list[str] = []

    def remote(endpoint: str, query: str, params: dict[str, str], *rest: object) -> object:
        asked.append(Path(query).stem)
        return run_query(kg, Path(query), params)

    monkeypatch.setattr("kgtool.remote.endpoint.run_remote_query", remote)
    args = ["query", "--all", *Q, "--param", "org=id:EleutherAI"]
    local = invoke(args)
    there = invoke([*args, "--endpoint", "http://127.0.0.1:9/query"], fixture=False)
    assert there.exit_code == local.exit_code == 0, there.output
    assert there.stdout == local.stdout
    assert asked == ["agents", "founders"]


@pytest.mark.parametrize("endpoint", [[], ["--endpoint", "http://127.0.0.1:9/query"]])
def test_bad_utf8_on_stdin_is_an_input_error(endpoint: list[str]) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["query", "-", *endpoint, *FIXTURE_ARGS], input=b"ASK {} \xff")
    assert result.exit_code == 2, result.output
    assert "Internal error" not in result.stderr
    assert "UTF-8" in result.stderr
