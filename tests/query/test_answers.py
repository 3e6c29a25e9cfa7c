"""The answer cache's key: everything that changes an answer's bytes changes the key."""

from __future__ import annotations

import pytest

import kgtool.query.answers as answers


def _key() -> str | None:
    return answers.answer_key("founders", [], "csv", False, None, None, None, None, "auto", None)


def test_answer_key_changes_with_the_libraries_that_write_the_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = _key()
    assert before is not None
    monkeypatch.setattr(answers, "library_versions", lambda: "rdflib=0 pyoxigraph=0 pyparsing=0")
    assert _key() not in (None, before)


@pytest.mark.parametrize(
    "change",
    [
        {"fmt": "tsv"},
        {"reasoned": True},
        {"store": "memory"},
        {"params": ["org=EleutherAI"]},
        {"input_format": "ttl"},
    ],
)
def test_answer_key_changes_with_each_option(change: dict[str, object]) -> None:
    args: dict[str, object] = {
        "query": "founders",
        "params": [],
        "fmt": "csv",
        "reasoned": False,
        "data": None,
        "ontology": None,
        "shapes": None,
        "input_format": None,
        "store": "auto",
        "queries_dir": None,
    }
    base = answers.answer_key(**args)  # type: ignore[arg-type]
    assert answers.answer_key(**{**args, **change}) != base  # type: ignore[arg-type]
