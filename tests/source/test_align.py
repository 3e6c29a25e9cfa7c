"""Reading revisions and aligning their sentences with the graph's (kgtool/source/align.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgtool.source.align import (
    KnownSentence,
    Match,
    RevisionError,
    align,
    normalize,
    parse_revision,
    read_revision,
)
from tests.source import revisions as r


def _align(text: str, known: list[KnownSentence]) -> list[Match]:
    return align(known, parse_revision(text, "rev.txt", known).sentences)


def _by_id(matches: list[Match]) -> dict[str, Match]:
    return {str(s.iri).rsplit("/", 1)[-1]: m for m in matches for s in m.old}


def test_the_shipped_text_splits_into_the_shipped_sentences(known: list[KnownSentence]) -> None:
    revision = read_revision(r.SHIPPED_PATH, known)
    got = [(s.text, s.position, s.section, s.references) for s in revision.sentences]
    assert got == [(k.quote, k.position, k.section, k.references) for k in known]
    assert (revision.title, revision.url, revision.page_id) == (
        "EleutherAI",
        "https://en.wikipedia.org/wiki/EleutherAI",
        73176768,
    )


def test_citation_needed_marker_is_read(known: list[KnownSentence]) -> None:
    revision = read_revision(r.SHIPPED_PATH, known)
    flagged = [s.position for s in revision.sentences if s.citation_needed]
    assert flagged == [25]


def test_unchanged_text_aligns_exactly(known: list[KnownSentence]) -> None:
    matches = _align(r.SHIPPED, known)
    assert [m.kind for m in matches] == ["exact"] * 46


def test_an_edited_word_aligns_by_similarity(known: list[KnownSentence]) -> None:
    match = _by_id(_align(r.revise(r.SHIPPED, r.DATE_FIXED), known))["history-1"]
    assert match.kind == "similar"
    assert "July 8, 2020" in match.new[0].text


def test_len_gao_fixed_to_leo_gao_aligns(known: list[KnownSentence]) -> None:
    match = _by_id(_align(r.revise(r.SHIPPED, r.LEN_GAO), known))["history-2"]
    assert match.kind == "similar"
    assert match.new[0].text == "Its founding members are Connor Leahy, Leo Gao, and Sid Black."


def test_a_removed_sentence_has_no_match(known: list[KnownSentence]) -> None:
    matches = _align(r.revise(r.SHIPPED, r.REMOVED), known)
    assert _by_id(matches)["history-18"].kind == "removed"
    assert sum(m.kind == "exact" for m in matches) == 45


def test_a_new_sentence_is_new(known: list[KnownSentence]) -> None:
    matches = _align(r.revise(r.SHIPPED, r.NEW), known)
    (new,) = [m for m in matches if m.kind == "new"]
    assert new.new[0].text == "The group later opened a small office for its volunteers."
    assert new.new[0].section == "History"


def test_reordered_sentences_still_align_exactly(known: list[KnownSentence]) -> None:
    matches = _by_id(_align(r.revise(r.SHIPPED, r.REORDERED), known))
    assert matches["history-18"].kind == matches["history-19"].kind == "exact"
    assert matches["history-18"].new[0].position == 22
    assert matches["history-19"].new[0].position == 21


def test_a_sentence_split_in_two(known: list[KnownSentence]) -> None:
    match = _by_id(_align(r.revise(r.SHIPPED, r.SPLIT), known))["history-20"]
    assert match.kind == "split"
    assert [s.text for s in match.new] == [
        "Nora Belrose served as head of interpretability.",
        "Quentin Anthony was head of HPC.",
    ]


def test_two_sentences_merged_into_one(known: list[KnownSentence]) -> None:
    matches = _by_id(_align(r.revise(r.SHIPPED, r.MERGED), known))
    assert matches["history-18"] is matches["history-19"]
    assert matches["history-18"].kind == "merged"


def test_a_moved_paragraph_aligns_exactly(known: list[KnownSentence]) -> None:
    text = r.move_paragraph(r.SHIPPED, "In 2022, many EleutherAI members", "Research")
    matches = _align(text, known)
    assert {m.kind for m in matches} == {"exact"}
    assert _by_id(matches)["history-11"].new[0].position == 22  # after the other 21


def test_typography_and_whitespace_are_normalized(known: list[KnownSentence]) -> None:
    match = _by_id(_align(r.revise(r.SHIPPED, r.TYPOGRAPHY), known))["history-1"]
    assert match.kind == "normalized"
    assert "\u201cLibreAI\u201d" in match.new[0].text


def test_renumbered_references_are_normalized(known: list[KnownSentence]) -> None:
    matches = _align(r.renumber(r.SHIPPED, 6), known)
    kinds = {str(s.iri).rsplit("/", 1)[-1]: m.kind for m in matches for s in m.old}
    assert kinds["history-1"] == "normalized"  # its quote holds the marker [ 6 ]
    assert kinds["lead-1"] == "exact"
    assert _by_id(matches)["history-1"].new[0].references == (3, 7)


def test_several_changes_at_once(known: list[KnownSentence]) -> None:
    text = r.revise(r.SHIPPED, r.LEN_GAO, r.REMOVED, r.SPLIT, r.TYPOGRAPHY)
    text = r.move_paragraph(r.renumber(text, 20), "Gary Marcus", "Maximilian Gahntz")
    matches = _by_id(_align(text, known))
    assert matches["history-2"].kind == "similar"
    assert matches["history-18"].kind == "removed"
    assert matches["history-20"].kind == "split"
    assert matches["history-1"].kind == "normalized"
    assert matches["praise-2"].kind == "normalized"  # moved, and its markers renumbered


def test_normalize_keeps_words_and_case() -> None:
    assert normalize("Len\u00a0Gao , [ 4 ] said \u2018hi\u2019 .") == "Len Gao, said 'hi'."
    assert normalize("Leo Gao") != normalize("leo Gao")


def test_no_sentences_is_refused() -> None:
    with pytest.raises(RevisionError, match="no sentences"):
        read_revision(r.DATA / "no-sentences.txt")


def test_nul_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "binary.txt"
    path.write_bytes(b"Title: EleutherAI\n\x00\x01\x02 The group began. It grew.\n")
    with pytest.raises(RevisionError, match="not a text file"):
        read_revision(path)
