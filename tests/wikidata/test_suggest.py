"""kgtool link suggest: candidates, scores, --accept and --pick, against local servers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, XSD

from kgtool.core import paths
from kgtool.core.namespaces import GRAPH_WIKIDATA_SUGGESTED, ID, SEMAPV, SSSOM, WD
from kgtool.io.parse import parse_file
from tests.conftest import Invoke, assert_isomorphic
from tests.remote.servers import FACTS, FlakyServer
from tests.wikidata.conftest import NEEDS_ONTOLOGY, link, package_files, statuses

pytestmark = NEEDS_ONTOLOGY


def test_suggest_ranks_candidates(invoke: Invoke, wikidata: str, tmp_path: Path) -> None:
    result = link(invoke, ["suggest", "--format", "json"], wikidata, tmp_path)
    assert result.exit_code == 0, result.output
    ranked = {
        s["entity"].rsplit("/", 1)[1]: [
            (c["item"].rsplit("/", 1)[1], c["score"]) for c in s["candidates"]
        ]
        for s in json.loads(result.stdout)["suggestions"]
    }
    assert ranked == {
        "Connor_Leahy": [("Q990000111", 0.925), ("Q990000112", 0.675)],
        "GPT-2": [("Q990000101", 1.0), ("Q990000102", 0.6), ("Q990000103", 0.6)],
        "NVIDIA": [("Q182477", 0.925)],
        "Sid_Black": [],
    }


def test_suggest_text_is_a_review_table(invoke: Invoke, wikidata: str, tmp_path: Path) -> None:
    result = link(invoke, ["suggest", "GPT-2"], wikidata, tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2].split() == [
        "id:GPT-2", "wd:Q990000101", "1.00", "1.00", "yes", "yes", "GPT-2",
        "fixture:", "language", "model", "developed", "by", "OpenAI",
    ]  # fmt: skip
    assert "1 unlinked entities, 1 with candidates" in result.stdout


def _expected_links(*pairs: tuple[URIRef, URIRef]) -> Graph:
    graph = Graph()
    for entity, item in pairs:
        graph.add((entity, OWL.sameAs, item))
    return graph


def test_accept_writes_a_separate_file_with_provenance(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    facts_before = FACTS.read_bytes()
    target = tmp_path / "graph" / "wikidata-suggested.trig"
    target.parent.mkdir()
    result = link(invoke, ["suggest", "--accept", "-o", str(target)], wikidata, tmp_path / "c")
    assert result.exit_code == 0, result.output
    assert "Accepted 3 links" in result.stderr
    graph = parse_file(target).graph(GRAPH_WIKIDATA_SUGGESTED)
    links = Graph()
    for triple in graph.triples((None, OWL.sameAs, None)):
        links.add(triple)
    assert_isomorphic(
        _expected_links(
            (ID.Connor_Leahy, WD.Q990000111), (ID["GPT-2"], WD.Q990000101), (ID.NVIDIA, WD.Q182477)
        ),
        links,
    )
    axiom = next(graph.subjects(OWL.annotatedSource, ID["GPT-2"]))
    assert graph.value(axiom, OWL.annotatedTarget) == WD.Q990000101
    assert graph.value(axiom, SSSOM.mapping_justification) == SEMAPV.CompositeMatching
    # The file's lexical form is kept as written (1e+00); the value is what matters.
    confidence = graph.value(axiom, SSSOM.confidence)
    assert isinstance(confidence, Literal) and confidence.eq(Literal(1.0, datatype=XSD.double))
    assert graph.value(axiom, SSSOM.mapping_date).datatype == XSD.date  # type: ignore[union-attr]
    assert graph.value(axiom, URIRef("http://purl.org/dc/terms/source")) == URIRef(wikidata)
    assert FACTS.read_bytes() == facts_before

    assert invoke(["canonicalize", "--check", str(target)], fixture=False).exit_code == 0
    again = link(invoke, ["suggest", "--accept", "-o", str(target)], wikidata, tmp_path / "c")
    assert again.exit_code == 0
    assert len(parse_file(target).graph(GRAPH_WIKIDATA_SUGGESTED)) == len(graph)


def test_accept_writes_to_the_working_directory_never_the_package(
    invoke: Invoke, wikidata: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = package_files()
    result = link(invoke, ["suggest", "--accept"], wikidata, tmp_path / "c")
    assert result.exit_code == 0, result.output
    assert "Accepted 3 links into wikidata-suggested.trig (3 in all)." in result.stderr
    written = parse_file(tmp_path / "wikidata-suggested.trig").graph(GRAPH_WIKIDATA_SUGGESTED)
    assert len(set(written.subject_objects(OWL.sameAs))) == 3
    assert package_files() == before


def test_suggest_help_says_where_accepted_links_go_and_how_to_load_them(invoke: Invoke) -> None:
    result = invoke(["link", "suggest", "--help"], fixture=False)
    assert "# ./wikidata-suggested.trig\n" in result.stdout
    assert "      kgtool link check --data graph/ --data wikidata-suggested.trig\n" in result.stdout


def test_pick_chooses_a_candidate_by_hand(invoke: Invoke, wikidata: str, tmp_path: Path) -> None:
    target = tmp_path / "s.trig"
    args = ["suggest", "--pick", "GPT-2=Q990000102", "-o", str(target)]
    result = link(invoke, args, wikidata, tmp_path / "c")
    assert result.exit_code == 0, result.output
    graph = parse_file(target).graph(GRAPH_WIKIDATA_SUGGESTED)
    assert graph.value(ID["GPT-2"], OWL.sameAs) == WD.Q990000102
    axiom = next(graph.subjects(OWL.annotatedSource, ID["GPT-2"]))
    assert graph.value(axiom, SSSOM.mapping_justification) == SEMAPV.ManualMappingCuration

    bad = ["suggest", "--pick", "GPT-2=Q95", "-o", str(target)]
    result = link(invoke, bad, wikidata, tmp_path / "c")
    assert result.exit_code == 2
    assert "not among the candidates" in result.stderr


def test_accepted_links_are_checked_like_the_others(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    target = tmp_path / "s.trig"
    link(invoke, ["suggest", "--accept", "-o", str(target)], wikidata, tmp_path / "c")
    argv = ["link", "check", "--format", "json", "--data", str(FACTS), "--data", str(target)]
    argv += ["--ontology", str(paths.ontology_file()), "--endpoint", wikidata]
    result = invoke([*argv, "--cache-dir", str(tmp_path / "c")], fixture=False)
    found = statuses(result.stdout)
    assert found["GPT-2"] == found["Connor_Leahy"] == found["NVIDIA"] == "agree"


@pytest.mark.parametrize("path", ["/garbage", "/hang", "/429-for-an-hour"])
def test_cli_endpoint_failures_exit_2_and_touch_nothing(
    invoke: Invoke, flaky: tuple[str, FlakyServer], tmp_path: Path, path: str
) -> None:
    base, _server = flaky
    cache = tmp_path / "cache"
    target = tmp_path / "suggested.trig"
    target.write_text("# earlier links\n", encoding="utf-8")
    args = ["suggest", "--accept", "-o", str(target), "--timeout", "0.2", "--retries", "0"]
    result = link(invoke, args, base + path, cache)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.output
    assert target.read_text(encoding="utf-8") == "# earlier links\n"
    assert not (cache / "sparql").exists()  # no endpoint answer recorded
    enrich_to = tmp_path / "enriched.trig"
    args = ["enrich", "-o", str(enrich_to), "--timeout", "0.2", "--retries", "0"]
    result = link(invoke, args, base + path, cache)
    assert result.exit_code == 2 and not enrich_to.exists()


def test_suggest_ranks_eleutherai_s_own_item_first(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    # The right item shares the label and the types; the decoys share only the name.
    eleutherai = Path(__file__).parents[1] / "data" / "link" / "eleutherai.trig"
    argv = ["link", "suggest", "EleutherAI", "--format", "json", "--data", str(eleutherai)]
    argv += ["--ontology", str(paths.ontology_file()), "--endpoint", wikidata]
    result = invoke([*argv, "--cache-dir", str(tmp_path)], fixture=False)
    assert result.exit_code == 0, result.output
    (suggestion,) = json.loads(result.stdout)["suggestions"]
    first, *others = suggestion["candidates"]
    assert first["item"] == str(WD.Q990000121)
    assert others and all(c["score"] < first["score"] for c in others)
