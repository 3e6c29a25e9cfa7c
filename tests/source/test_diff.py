"""Diffing revisions against the graph: sentences, facts, references (kgtool/source/diff.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Dataset

from kgtool.core.errors import InputError
from kgtool.core.namespaces import GRAPH_SOURCES, SRC
from kgtool.graph import KnowledgeGraph
from kgtool.source.align import KnownSentence, RevisionError, parse_revision, read_revision
from kgtool.source.diff import SentenceChange, SourceDiff, diff_revision
from tests.source import revisions as r


def _diff(kg: KnowledgeGraph, known: list[KnownSentence], text: str) -> SourceDiff:
    return diff_revision(kg, parse_revision(text, "rev.txt", known))


def _change(report: SourceDiff, local: str) -> SentenceChange:
    (change,) = [c for c in report.changes if SRC[local] in c.iris]
    return change


def _fact_statuses(report: SourceDiff, sentence: str) -> set[str]:
    return {f.status for f in report.facts if f.sentences == (SRC[sentence],)}


def _only_changes(report: SourceDiff) -> dict[str, str]:
    """The status of every known sentence that is not unchanged."""
    return {
        str(i).rsplit("/", 1)[-1]: c.status
        for c in report.changes
        for i in c.iris
        if c.status != "unchanged"
    }


def test_unchanged_revision_supports_every_fact(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    report = _diff(bundled, known, r.SHIPPED)
    assert report.ok
    assert report.counts()["sentences"] == {"unchanged": 46, "edited": 0, "removed": 0, "new": 0}
    assert {f.status for f in report.facts} == {"supported"}
    assert len(report.facts) == 871
    assert report.references == [] and report.renumbered == {}
    assert not any(c.moved for c in report.changes)


def test_an_edited_word_puts_its_facts_under_review(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    report = _diff(bundled, known, r.revise(r.SHIPPED, r.DATE_FIXED))
    assert _only_changes(report) == {"history-1": "edited"}
    change = _change(report, "history-1")
    assert "[-7,-] {+8,+}" in (change.diff or "")
    assert _fact_statuses(report, "history-1") == {"review"}
    assert not report.ok


def test_len_gao_fixed_to_leo_gao(bundled: KnowledgeGraph, known: list[KnownSentence]) -> None:
    report = _diff(bundled, known, r.revise(r.SHIPPED, r.LEN_GAO))
    change = _change(report, "history-2")
    assert change.status == "edited"
    assert (
        change.diff == "Its founding members are Connor Leahy, [-Len-] {+Leo+} Gao, and Sid Black."
    )
    assert change.new_text == "Its founding members are Connor Leahy, Leo Gao, and Sid Black."
    review = [f for f in report.facts if f.status == "review"]
    assert review and all(f.sentences == (SRC["history-2"],) for f in review)
    # What the lead states too stays supported.
    assert _fact_statuses(report, "lead-2") == {"supported"}
    both = {f.status for f in report.facts if f.sentences == (SRC["history-2"], SRC["lead-2"])}
    assert both == {"supported"}


def test_a_removed_sentence_leaves_its_facts_unsupported(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    report = _diff(bundled, known, r.revise(r.SHIPPED, r.REMOVED))
    assert _only_changes(report) == {"history-18": "removed"}
    assert _fact_statuses(report, "history-18") == {"unsupported"}
    assert report.counts()["facts"]["review"] == 0


def test_a_fact_stated_twice_survives_one_removal(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    lead_3 = " In early 2023, it formally incorporated as the EleutherAI Institute, a non-profit"
    report = _diff(bundled, known, r.revise(r.SHIPPED, (lead_3 + " research institute. [ 5 ]", "")))
    twice = {f.status for f in report.facts if f.sentences == (SRC["history-13"], SRC["lead-3"])}
    assert twice == {"supported"}
    assert _fact_statuses(report, "lead-3") == {"unsupported"}


def test_a_new_sentence_is_reported_and_supports_nothing(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    report = _diff(bundled, known, r.revise(r.SHIPPED, r.NEW))
    (new,) = [c for c in report.changes if c.status == "new"]
    assert new.iris == ()
    assert new.new_text == "The group later opened a small office for its volunteers."
    assert report.ok  # no fact lost its sentence


def test_reordered_sentences_are_unchanged_but_moved(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    report = _diff(bundled, known, r.revise(r.SHIPPED, r.REORDERED))
    assert report.ok and _only_changes(report) == {}
    # Two sentences swapped: one of them moved against the other.
    moved = [str(i).rsplit("/", 1)[-1] for c in report.changes if c.moved for i in c.iris]
    assert moved in (["history-18"], ["history-19"])


def test_a_split_sentence_is_edited_with_one_quote(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    report = _diff(bundled, known, r.revise(r.SHIPPED, r.SPLIT))
    change = _change(report, "history-20")
    assert (change.status, change.match.kind) == ("edited", "split")
    assert change.new_text == r.SPLIT[1]
    assert change.diff == (
        "Nora Belrose served as head of [-interpretability, and-] {+interpretability.+} "
        "Quentin Anthony was head of HPC."
    )
    assert _fact_statuses(report, "history-20") == {"review"}


def test_merged_sentences_are_both_edited(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    report = _diff(bundled, known, r.revise(r.SHIPPED, r.MERGED))
    assert _only_changes(report) == {"history-18": "edited", "history-19": "edited"}
    change = _change(report, "history-18")
    assert change.match.kind == "merged"
    assert change.new_text == (
        "In 2025, Stella Biderman served as executive director, and Aviya Skowron served as "
        "head of policy and ethics."
    )
    sentences = [s for s in report.to_dict()["sentences"] if s["match"] == "merged"]
    assert [s["id"] for s in sentences] == [str(SRC["history-18"]), str(SRC["history-19"])]


def test_a_moved_paragraph_keeps_its_facts_supported(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    text = r.move_paragraph(r.SHIPPED, "Gary Marcus", "Technology journalist")
    report = _diff(bundled, known, text)
    assert report.ok
    change = _change(report, "praise-2")
    assert change.moved and change.status == "unchanged"
    assert change.match.new[0].section == "Public reception / Criticism"
    entry = next(s for s in report.to_dict()["sentences"] if s["id"] == str(SRC["praise-2"]))
    assert (entry["old_section"], entry["new_section"]) == (
        "Public reception / Praise",
        "Public reception / Criticism",
    )


def test_typography_is_not_an_edit(bundled: KnowledgeGraph, known: list[KnownSentence]) -> None:
    report = _diff(bundled, known, r.revise(r.SHIPPED, r.TYPOGRAPHY))
    assert report.ok
    change = _change(report, "history-1")
    assert change.match.kind == "normalized" and change.diff is None
    assert "\u00a0" in (change.new_text or "")


def test_renumbered_references_are_reported(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    report = _diff(bundled, known, r.renumber(r.SHIPPED, 60))
    assert report.ok
    assert [(str(m.iri).rsplit("/", 1)[-1], m.old, m.new) for m in report.references] == [
        ("praise-2", (58, 59, 60), (58, 59, 61)),
        ("praise-4", (61,), (62,)),
        ("criticism-1", (62,), (63,)),
    ]
    assert report.renumbered == {60: 61, 61: 62, 62: 63}
    assert report.to_dict()["renumbered"] == [
        {"old": 60, "new": 61},
        {"old": 61, "new": 62},
        {"old": 62, "new": 63},
    ]


def test_several_changes_at_once(bundled: KnowledgeGraph, known: list[KnownSentence]) -> None:
    text = r.revise(r.SHIPPED, r.LEN_GAO, r.REMOVED, r.SPLIT, r.TYPOGRAPHY, r.NEW)
    text = r.move_paragraph(r.renumber(text, 62), "Gary Marcus", "Maximilian Gahntz")
    report = _diff(bundled, known, text)
    assert _only_changes(report) == {
        "history-2": "edited",
        "history-18": "removed",
        "history-20": "edited",
    }
    assert [c.new_text for c in report.changes if c.status == "new"] == [
        "The group later opened a small office for its volunteers."
    ]
    assert _fact_statuses(report, "history-2") == {"review"}
    assert _fact_statuses(report, "history-18") == {"unsupported"}
    assert _fact_statuses(report, "lead-1") == {"supported"}
    assert {f.status for f in report.facts} == {"supported", "review", "unsupported"}
    assert [m.iri for m in report.references] == [SRC["criticism-1"]]
    assert not report.ok


def test_json_document_has_the_documented_keys(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    doc = json.loads(_diff(bundled, known, r.revise(r.SHIPPED, r.LEN_GAO)).to_json())
    assert list(doc) == ["sentences", "facts", "references", "renumbered", "revision", "summary"]
    sentence = next(s for s in doc["sentences"] if s["status"] == "edited")
    assert list(sentence)[:4] == ["id", "status", "quote", "new_text"]
    assert sentence["id"] == str(SRC["history-2"])
    fact = next(f for f in doc["facts"] if f["status"] == "review")
    assert list(fact) == ["subject", "predicate", "object", "status", "sentences"]
    assert fact["sentences"] == [str(SRC["history-2"])]
    assert fact["subject"].startswith("<") and fact["object"]
    assert doc["revision"] == {
        "path": "rev.txt",
        "title": "EleutherAI",
        "url": "https://en.wikipedia.org/wiki/EleutherAI",
        "page_id": 73176768,
    }


def test_another_article_is_refused(bundled: KnowledgeGraph, known: list[KnownSentence]) -> None:
    with pytest.raises(RevisionError, match=r"page id 12345.*not this article"):
        diff_revision(bundled, read_revision(r.DATA / "other-article.txt", known))


def test_another_url_is_refused(bundled: KnowledgeGraph, known: list[KnownSentence]) -> None:
    text = r.SHIPPED.replace("PageID: 73176768\n", "").replace("wiki/EleutherAI", "wiki/Other")
    with pytest.raises(RevisionError, match=r"URL .*not this article"):
        _diff(bundled, known, text)


def test_text_without_header_must_be_the_article(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    with pytest.raises(RevisionError, match="only 0 of the graph's 46"):
        diff_revision(bundled, read_revision(r.DATA / "no-header-other-text.txt", known))
    body = r.SHIPPED.split("-----\n", 1)[1]
    assert _diff(bundled, known, body).ok


def test_errors_are_input_errors_with_exit_code_2() -> None:
    assert issubclass(RevisionError, InputError) and RevisionError.exit_code == 2


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_revision(tmp_path / "nothing.txt")


def test_facts_of_an_undescribed_sentence_graph_are_unsupported(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    # After `source update` left a removed sentence out, its graph still holds its facts.
    dataset = Dataset()
    for s, p, o, g in bundled.store.dataset().quads((None, None, None, None)):
        if not (g == GRAPH_SOURCES and s == SRC["history-18"]):
            dataset.graph(g).add((s, p, o))
    kg = KnowledgeGraph.from_dataset(dataset)
    report = diff_revision(kg, parse_revision(r.revise(r.SHIPPED, r.REMOVED), "rev.txt", known))
    assert _fact_statuses(report, "history-18") == {"unsupported"}
    assert SRC["history-18"] not in {i for c in report.changes for i in c.iris}


def test_json_facts_are_n_triples(bundled: KnowledgeGraph, known: list[KnownSentence]) -> None:
    from rdflib import Graph

    facts = json.loads(_diff(bundled, known, r.SHIPPED).to_json())["facts"]
    lines = "".join(f"{f['subject']} {f['predicate']} {f['object']} .\n" for f in facts)
    assert len(Graph().parse(data=lines, format="nt")) == len(facts) == 871
