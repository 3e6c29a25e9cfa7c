"""kgtool check: the quality checks pass on good data and each fires on its crafted bad data."""

from __future__ import annotations

import json

from tests.conftest import DATA, QUERIES, Invoke


def test_checks_pass_on_good_data(invoke: Invoke) -> None:
    result = invoke(["check", "--queries", str(QUERIES)])
    assert result.exit_code == 0
    assert "2 checks, 0 failed." in result.stdout


def test_every_check_fires_on_crafted_bad_data(invoke: Invoke) -> None:
    result = invoke(
        [
            "check",
            "--queries",
            str(QUERIES),
            "--format",
            "json",
            "--data",
            str(DATA / "checks-bad.trig"),
        ]
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert all(c["rows"] for c in report), report
