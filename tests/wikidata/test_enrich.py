"""kgtool link enrich: Wikidata's statements about linked items, in a file of their own."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kgtool.core.namespaces import GRAPH_WIKIDATA_ENRICHMENT, WD, WDT
from kgtool.io.parse import parse_file
from tests.conftest import Invoke, assert_isomorphic
from tests.wikidata.conftest import NEEDS_ONTOLOGY, link, package_files

pytestmark = NEEDS_ONTOLOGY


def test_enrich_writes_wikidata_statements_with_provenance(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    target = tmp_path / "e.trig"
    result = link(invoke, ["enrich", "-o", str(target)], wikidata, tmp_path / "c")
    assert result.exit_code == 0, result.output
    graph = parse_file(target).graph(GRAPH_WIKIDATA_ENRICHMENT)
    facts = Graph()
    for s, p, o in graph:
        if s != GRAPH_WIKIDATA_ENRICHMENT:
            facts.add((s, p, o))
    dt = "http://www.w3.org/2001/XMLSchema#dateTime"
    expected = Graph().parse(
        format="turtle",
        data=f"""
        @prefix wd: <http://www.wikidata.org/entity/> .
        @prefix wdt: <http://www.wikidata.org/prop/direct/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        wd:Q21708200 skos:prefLabel "OpenAI"@de, "オープンAI"@ja ;
            wdt:P571 "2015-12-11T00:00:00Z"^^<{dt}> ;
            wdt:P856 <https://openai.example/> .
        wd:Q95726734 skos:prefLabel "GPT-3"@fr ;
            wdt:P577 "2020-06-11T00:00:00Z"^^<{dt}> .
        """,
    )
    assert_isomorphic(expected, facts)
    assert invoke(["canonicalize", "--check", str(target)], fixture=False).exit_code == 0
    me = GRAPH_WIKIDATA_ENRICHMENT
    assert graph.value(me, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) == URIRef(wikidata)
    assert graph.value(me, URIRef("http://www.w3.org/ns/prov#generatedAtTime")) is not None


def test_enrich_chooses_languages_and_properties(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    target = tmp_path / "e.trig"
    args = ["enrich", "--lang", "ja", "--property", "P856", "-o", str(target)]
    assert link(invoke, args, wikidata, tmp_path / "c").exit_code == 0
    graph = parse_file(target).graph(GRAPH_WIKIDATA_ENRICHMENT)
    assert set(graph.objects(WD.Q21708200, SKOS.prefLabel)) == {Literal("オープンAI", lang="ja")}
    assert graph.value(WD.Q21708200, WDT.P571) is None
    bad = link(invoke, ["enrich", "--property", "website", "-o", str(target)], wikidata, tmp_path)
    assert bad.exit_code == 2


def test_enrich_writes_to_the_working_directory_never_the_package(
    invoke: Invoke, wikidata: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = package_files()
    result = link(invoke, ["enrich"], wikidata, tmp_path / "c")
    assert result.exit_code == 0, result.output
    assert result.stderr == "Wrote 6 statements about 8 items to wikidata-enrichment.trig.\n"
    graph = parse_file(tmp_path / "wikidata-enrichment.trig").graph(GRAPH_WIKIDATA_ENRICHMENT)
    assert graph.value(WD.Q95726734, WDT.P577) is not None
    assert package_files() == before


def test_enrich_help_says_how_to_load_the_file(invoke: Invoke) -> None:
    result = invoke(["link", "enrich", "--help"], fixture=False)
    assert "# ./wikidata-enrichment.trig\n" in result.stdout
    assert (
        "      kgtool query --all --data graph/ --data wikidata-enrichment.trig\n" in result.stdout
    )
