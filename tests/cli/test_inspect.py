"""The commands that look into the graph, as a user meets them: coverage, describe filters, facts."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FACTS, Invoke

SOURCES = "https://w3id.org/eleutherai-kg/graph/sources"


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
        FACTS.read_text("utf-8")
        + "\n<https://w3id.org/eleutherai-kg/source/empty> a "
        "<https://w3id.org/eleutherai-kg/ontology/SourceSentence> .\n",
        "utf-8",
    )
    args = ["coverage", "--data", str(facts)]
    assert invoke(args, fixture=False).exit_code == 0
    result = invoke([*args, "--fail-on-flagged"], fixture=False)
    assert result.exit_code == 1
    assert "<- NONE" in result.stdout
