"""Fact coverage (kgtool.inspect.coverage) on the shipped graph, and its agreement with the audit.

docs/audit.md is the curator's sentence-by-sentence audit; its "Coverage" table must say what
the report says, so the audit cannot silently go stale when the graph changes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import Dataset

from kgtool.core import paths
from kgtool.core.namespaces import KG
from kgtool.inspect.coverage import CoverageReport, classify, coverage, to_json, to_text

AUDIT = Path(__file__).parents[2] / "docs" / "audit.md"


@pytest.fixture(scope="module")
def report() -> CoverageReport:
    ds = Dataset()
    for path in sorted(paths.graph_dir().glob("*.trig")):
        ds.parse(path, format="trig")
    return coverage(ds)


def _audit_rows() -> dict[str, tuple[int, int, int, str]]:
    text = AUDIT.read_text("utf-8").split("## Coverage", 1)[1]
    rows = {}
    for line in text.splitlines():
        m = re.fullmatch(r"\| (\d+) \| (src:[\w-]+) \| (\d+) \| (\d+) \| ([\w-]+) \|", line.strip())
        if m:
            rows[m[2]] = (int(m[1]), int(m[3]), int(m[4]), m[5])
    return rows


def test_every_sentence_is_reported_in_article_order(report: CoverageReport) -> None:
    assert len(report.sentences) == 46
    assert [c.position for c in report.sentences] == list(range(1, 47))


def test_no_sentence_is_without_facts(report: CoverageReport) -> None:
    assert [c.sentence for c in report.sentences if c.status == "none"] == []


def test_the_flagged_sentences_are_the_expected_ones(report: CoverageReport) -> None:
    # research-2 is marked [citation needed] and only lists activities; praise-4 is a quotation.
    assert [c.sentence for c in report.flagged()] == ["src:research-2", "src:praise-4"]
    assert {c.status for c in report.flagged()} == {"literal-only"}


def test_facts_are_classified(report: CoverageReport) -> None:
    lead = report.sentences[0]
    kinds = {(f.predicate, f.kind) for f in lead.facts}
    assert ("kg:pronunciation", "literal") in kinds
    assert ("rdf:type", "structured") in kinds
    assert ("rdfs:label", "structured") in kinds
    # A name is structured; a description is free text; a typed value is structured.
    from rdflib import Literal
    from rdflib.namespace import RDFS, XSD

    assert classify(RDFS.label, Literal("EleutherAI", lang="en")) == "structured"
    assert classify(KG.description, Literal("grass-roots", lang="en")) == "literal"
    assert classify(KG.releaseDate, Literal("2021", datatype=XSD.gYear)) == "structured"


def test_article_level_facts_are_reported(report: CoverageReport) -> None:
    predicates = {f.predicate for f in report.article_facts}
    assert {"kg:inCategory", "kg:seeAlsoArticle"} <= predicates


def test_report_agrees_with_the_audit(report: CoverageReport) -> None:
    audit = _audit_rows()
    ours = {c.sentence: (c.position, c.structured, c.literal, c.status) for c in report.sentences}
    assert audit == ours, "update the Coverage table of docs/audit.md"


def test_text_and_json_renderings(report: CoverageReport) -> None:
    text = to_text(report)
    assert text.endswith(
        "46 sentences: 44 structured, 2 literal-only, 0 without facts; 18 article-level facts.\n"
    )
    assert "<- LITERAL-ONLY" in text
    data = json.loads(to_json(report))
    assert len(data["sentences"]) == 46
    assert data["sentences"][0]["status"] == "structured"
