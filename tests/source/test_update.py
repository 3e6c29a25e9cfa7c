"""Realigning the sources graph to a revision (kgtool/source/update.py), and the round trip."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kgtool.core import paths
from kgtool.core.namespaces import ARTICLE_IRI, GRAPH_SOURCES, KG, SCHEMA, SRC
from kgtool.graph import KnowledgeGraph
from kgtool.io.canonical import canonical_text
from kgtool.source.align import KnownSentence, parse_revision
from kgtool.source.diff import SourceDiff, diff_revision
from kgtool.source.update import SourceUpdate, update_sources, write_sources
from tests.conftest import assert_isomorphic
from tests.source import revisions as r


def _update(
    kg: KnowledgeGraph, known: list[KnownSentence], text: str, **kw: object
) -> SourceUpdate:
    report = diff_revision(kg, parse_revision(text, "rev.txt", known))
    return update_sources(kg, report, **kw)  # type: ignore[arg-type]


def _round_trip(
    kg: KnowledgeGraph, known: list[KnownSentence], text: str, tmp_path: Path
) -> tuple[SourceUpdate, SourceDiff]:
    """Update, put the new sources graph in a copy of graph/, and diff the same text again."""
    update = _update(kg, known, text)
    folder = tmp_path / "graph"
    shutil.copytree(paths.graph_dir(), folder, ignore=shutil.ignore_patterns("source", "*.md"))
    write_sources(update, folder / "sources.trig")
    again = KnowledgeGraph.load(data=[folder])
    from kgtool.source.align import known_sentences

    report = diff_revision(again, parse_revision(text, "rev.txt", known_sentences(again)))
    return update, report


def _sentences_only(graph: Graph) -> Graph:
    out = Graph()
    for s, p, o in graph:
        if s != ARTICLE_IRI:
            out.add((s, p, o))
    return out


def test_the_shipped_text_gives_back_the_shipped_sentences(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    update = _update(bundled, known, r.SHIPPED)
    assert update.ok and update.new_sentences == []
    shipped = bundled.store.named_graph(GRAPH_SOURCES)
    new = update.dataset.graph(GRAPH_SOURCES)
    assert_isomorphic(_sentences_only(shipped), _sentences_only(new))
    # The record gains only what the header says that the graph did not: the title.
    record = {(p, o) for _s, p, o in new.triples((ARTICLE_IRI, None, None))}
    old = {(p, o) for _s, p, o in shipped.triples((ARTICLE_IRI, None, None))}
    assert record - old == {(DCTERMS.title, Literal("EleutherAI"))}
    assert old <= record


def test_no_revision_id_or_date_is_invented(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    graph = _update(bundled, known, r.SHIPPED).dataset.graph(GRAPH_SOURCES)
    assert graph.value(ARTICLE_IRI, SCHEMA.version) is None
    assert graph.value(ARTICLE_IRI, DCTERMS.date) is None


def test_revision_id_and_retrieval_date_when_given(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    update = _update(
        bundled, known, r.SHIPPED, revision_id=1234567, retrieved=datetime.date(2026, 12, 3)
    )
    graph = update.dataset.graph(GRAPH_SOURCES)
    assert graph.value(ARTICLE_IRI, SCHEMA.version) == Literal(1234567)
    assert graph.value(ARTICLE_IRI, DCTERMS.date) == Literal("2026-12-03", datatype=XSD.date)


def test_a_renamed_page_keeps_its_iri_and_records_its_url(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    text = r.SHIPPED.replace(
        "URL: https://en.wikipedia.org/wiki/EleutherAI",
        "URL: https://en.wikipedia.org/wiki/EleutherAI_Institute",
    )
    graph = _update(bundled, known, text).dataset.graph(GRAPH_SOURCES)  # the page id decides
    assert graph.value(ARTICLE_IRI, SCHEMA.url) == URIRef(
        "https://en.wikipedia.org/wiki/EleutherAI_Institute"
    )
    assert graph.value(SRC["lead-1"], KG.inArticle) == ARTICLE_IRI


def test_edits_rewrite_quotes_and_keep_iris(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    text = r.revise(r.SHIPPED, r.LEN_GAO, r.SPLIT, r.MERGED)
    update = _update(bundled, known, text)
    graph = update.dataset.graph(GRAPH_SOURCES)
    assert str(graph.value(SRC["history-2"], KG.quote)) == r.LEN_GAO[1] + " and Sid Black."
    assert str(graph.value(SRC["history-20"], KG.quote)) == r.SPLIT[1]
    merged = graph.value(SRC["history-18"], KG.quote)
    assert merged == graph.value(SRC["history-19"], KG.quote)
    assert graph.value(SRC["history-19"], KG.position) == Literal(21)
    assert graph.value(SRC["history-20"], KG.position) == Literal(22)
    assert {f.status for f in update.review} == {"review"} and update.unsupported == []
    assert not update.ok


def test_a_removed_sentence_is_left_out_and_its_facts_listed(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    update = _update(bundled, known, r.revise(r.SHIPPED, r.REMOVED))
    graph = update.dataset.graph(GRAPH_SOURCES)
    assert (SRC["history-18"], RDF.type, KG.SourceSentence) not in graph
    assert update.unsupported
    assert {f.sentences for f in update.unsupported} == {(SRC["history-18"],)}
    assert graph.value(SRC["history-19"], KG.position) == Literal(21)


def test_a_new_sentence_gets_a_new_iri_in_its_section(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    update = _update(bundled, known, r.revise(r.SHIPPED, r.REMOVED, r.NEW))
    # history-21 would do, but history-18's graph still holds facts: numbers are never reused.
    assert update.new_sentences == [SRC["history-21"]]
    graph = update.dataset.graph(GRAPH_SOURCES)
    assert graph.value(SRC["history-21"], KG.section) == Literal("History")
    assert str(graph.value(SRC["history-21"], KG.quote)) == (
        "The group later opened a small office for its volunteers."
    )


def test_moved_and_renumbered_sentences_get_new_places(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    text = r.renumber(r.move_paragraph(r.SHIPPED, "Gary Marcus", "Technology journalist"), 60)
    graph = _update(bundled, known, text).dataset.graph(GRAPH_SOURCES)
    assert graph.value(SRC["praise-2"], KG.section) == Literal("Public reception / Criticism")
    assert {
        n.toPython()
        for n in graph.objects(SRC["praise-2"], KG.referenceNumber)
        if isinstance(n, Literal)
    } == {58, 59, 61}
    assert graph.value(SRC["praise-2"], KG.position) == Literal(45)


def test_the_output_is_canonical_trig_with_the_licence_header(
    bundled: KnowledgeGraph, known: list[KnownSentence], tmp_path: Path
) -> None:
    out = tmp_path / "sources.trig"
    write_sources(_update(bundled, known, r.revise(r.SHIPPED, r.LEN_GAO)), out)
    text = out.read_text("utf-8")
    assert text == canonical_text(out)
    assert "CC BY-SA 4.0" in text.split("\n\n", 1)[0]


def test_facts_are_never_touched(bundled: KnowledgeGraph, known: list[KnownSentence]) -> None:
    update = _update(bundled, known, r.revise(r.SHIPPED, r.REMOVED, r.LEN_GAO))
    assert [g.identifier for g in update.dataset.graphs() if len(g)] == [GRAPH_SOURCES]


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param((), id="unchanged"),
        pytest.param((r.LEN_GAO,), id="len-gao"),
        pytest.param((r.DATE_FIXED, r.SPLIT, r.MERGED, r.NEW, r.TYPOGRAPHY), id="several"),
    ],
)
def test_update_then_diff_says_everything_unchanged(
    bundled: KnowledgeGraph,
    known: list[KnownSentence],
    tmp_path: Path,
    edits: tuple[tuple[str, str], ...],
) -> None:
    text = r.renumber(r.revise(r.SHIPPED, *edits), 40) if edits else r.SHIPPED
    _, report = _round_trip(bundled, known, text, tmp_path)
    assert {c.status for c in report.changes} == {"unchanged"}
    assert {c.match.kind for c in report.changes} == {"exact"}
    assert report.references == []
    assert report.ok and {f.status for f in report.facts} == {"supported"}


def test_round_trip_after_a_removal_still_lists_the_orphaned_facts(
    bundled: KnowledgeGraph, known: list[KnownSentence], tmp_path: Path
) -> None:
    update, report = _round_trip(bundled, known, r.revise(r.SHIPPED, r.REMOVED), tmp_path)
    assert {c.status for c in report.changes} == {"unchanged"}
    unsupported = [f for f in report.facts if f.status == "unsupported"]
    assert [(f.subject, f.predicate, f.object) for f in unsupported] == [
        (f.subject, f.predicate, f.object) for f in update.unsupported
    ]
    assert not report.ok


def test_a_removed_sentence_is_left_out_whole(
    bundled: KnowledgeGraph, known: list[KnownSentence]
) -> None:
    from rdflib import Dataset
    from rdflib.namespace import PROV

    dataset = Dataset()
    for s, p, o, g in bundled.store.dataset().quads((None, None, None, None)):
        dataset.graph(g).add((s, p, o))
    note = (SRC["history-18"], PROV.wasQuotedFrom, ARTICLE_IRI)
    dataset.graph(GRAPH_SOURCES).add(note)
    dataset.graph(GRAPH_SOURCES).add((SRC["history-19"], PROV.wasQuotedFrom, ARTICLE_IRI))
    kg = KnowledgeGraph.from_dataset(dataset)
    graph = _update(kg, known, r.revise(r.SHIPPED, r.REMOVED)).dataset.graph(GRAPH_SOURCES)
    assert not list(graph.triples((SRC["history-18"], None, None)))
    # What else is said about a kept sentence stays.
    assert (SRC["history-19"], PROV.wasQuotedFrom, ARTICLE_IRI) in graph
