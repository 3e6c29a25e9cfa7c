"""kgtool link enrich: Wikidata's statements about linked items, in a file of their own."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kgtool.core.namespaces import GRAPH_WIKIDATA_ENRICHMENT, WD, WDT
from kgtool.graph import parse_file
from tests.conftest import Invoke, assert_isomorphic
from tests.wikidata.conftest import NEEDS_ONTOLOGY, link

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
