"""The commands that look into the graph, as a user meets them: coverage, facts, describe."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FACTS, Invoke


def test_coverage_lists_every_sentence_and_exits_0(invoke: Invoke) -> None:
    result = invoke(["coverage"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == (
        "2 sentences: 2 structured, 0 literal-only, 0 without facts; 0 article-level facts."
    )


def test_coverage_json_is_one_document(invoke: Invoke) -> None:
    result = invoke(["coverage", "--format", "json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert [s["status"] for s in document["sentences"]] == ["structured", "structured"]


def test_coverage_fails_on_a_flagged_sentence_only_when_asked(
    invoke: Invoke, tmp_path: Path
) -> None:
    facts = tmp_path / "facts.trig"
    facts.write_text(
        FACTS.read_text("utf-8") + "\n<https://w3id.org/eleutherai-kg/source/empty> a "
        "<https://w3id.org/eleutherai-kg/ontology/SourceSentence> .\n",
        "utf-8",
    )
    args = ["coverage", "--data", str(facts)]
    assert invoke(args, fixture=False).exit_code == 0
    result = invoke([*args, "--fail-on-flagged"], fixture=False)
    assert result.exit_code == 1
    assert "<- NONE" in result.stdout


def test_facts_by_section(invoke: Invoke) -> None:
    result = invoke(["facts", "--section", "history"])
    assert result.exit_code == 0
    assert result.stdout.startswith('src:history-2 (History) [6][7]: "EleutherAI released')
    assert "src:intro-1" not in result.stdout
    assert result.stdout.endswith("12 facts from 1 sentences.\n")


def test_facts_by_reference_number(invoke: Invoke) -> None:
    result = invoke(["facts", "--reference", "4", "--format", "json"])
    assert result.exit_code == 0
    sentences = json.loads(result.stdout)["sentences"]
    assert [s["sentence"] for s in sentences] == ["src:intro-1"]
    assert sentences[0]["references"] == [4]


@pytest.mark.parametrize("sentence", ["src:intro-1", "DISCORD server"])
def test_facts_by_sentence(invoke: Invoke, sentence: str) -> None:
    result = invoke(["facts", "--sentence", sentence])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("src:intro-1 (Introduction) [4]")


def test_facts_with_no_match_says_so(invoke: Invoke) -> None:
    result = invoke(["facts", "--section", "History", "--reference", "4"])
    assert (result.exit_code, result.stdout) == (0, "No sentence matches.\n")


def test_describe_keeps_the_facts_a_reference_states(invoke: Invoke) -> None:
    everything = invoke(["describe", "EleutherAI", "--format", "json"])
    cited = invoke(["describe", "EleutherAI", "--reference", "6", "--format", "json"])
    assert cited.exit_code == 0
    facts = json.loads(cited.stdout)["facts"]
    assert 0 < len(facts) < len(json.loads(everything.stdout)["facts"])
    assert {p["graph"] for f in facts for p in f["sources"]} == {"src:history-2"}


def test_describe_by_section_and_sentence_words(invoke: Invoke) -> None:
    result = invoke(["describe", "EleutherAI", "--section", "Introduction", "--sentence", "July"])
    assert result.exit_code == 0
    assert "kg:foundingDate" in result.stdout
    assert "src:history-2" not in result.stdout


def test_diagram_ontology_diagram_draws_the_ontology(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "ontology.dot"
    result = invoke(["diagram", "--ontology-diagram", "-o", str(out)], fixture=False)
    assert result.exit_code == 0
    assert out.read_text("utf-8").startswith("digraph")
    assert "deprecated" not in result.stderr


def test_diagram_ontology_flag_still_works_with_a_deprecation_message(
    invoke: Invoke, tmp_path: Path
) -> None:
    out = tmp_path / "ontology.dot"
    result = invoke(["diagram", "--ontology", "-o", str(out)], fixture=False)
    assert result.exit_code == 0
    assert out.read_text("utf-8").startswith("digraph")
    assert "--ontology is deprecated" in result.stderr
    assert "--ontology-diagram" in result.stderr
