"""What the workflows share: QIDs, the endpoint, our links, item facts and label similarity."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from kgtool.core import paths
from kgtool.core.errors import UsageError
from kgtool.core.namespaces import ID, WD
from kgtool.graph import KnowledgeGraph
from kgtool.remote.http import SparqlClient
from kgtool.wikidata.items import (
    WIKIDATA_ENDPOINT,
    fetch_items,
    is_linkable,
    label_similarity,
    qid,
    resolve_endpoint,
    wikidata_classes,
    wikidata_links,
)
from tests.remote.servers import FACTS
from tests.wikidata.conftest import NEEDS_ONTOLOGY


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.load(data=[FACTS], ontology=[paths.ontology_file()], shapes=[])


def test_qid_only_of_wikidata_items() -> None:
    assert qid(WD.Q95) == "Q95"
    assert qid(WD.P31) == qid(WD.Q0) == qid(URIRef("http://example.org/Q5")) == ""


@pytest.mark.parametrize(
    ("ours", "theirs", "least", "most"),
    [
        ("NVIDIA", "Nvidia", 1.0, 1.0),
        ("GPT-J", "GPT-J-6B", 0.9, 0.95),
        ("DeepMind", "Google DeepMind", 0.9, 1.0),
        ("Harvard University", "Columbia University", 0.0, 0.85),
        ("", "anything", 0.0, 0.0),
    ],
)
def test_label_similarity(ours: str, theirs: str, least: float, most: float) -> None:
    assert least <= label_similarity(ours, theirs) <= most
    assert label_similarity(ours, theirs) == label_similarity(theirs, ours)


def test_endpoint_from_argument_environment_or_wikidata(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KGTOOL_WIKIDATA_ENDPOINT", raising=False)
    assert resolve_endpoint() == WIKIDATA_ENDPOINT
    monkeypatch.setenv("KGTOOL_WIKIDATA_ENDPOINT", "http://127.0.0.1:1/sparql")
    assert resolve_endpoint() == "http://127.0.0.1:1/sparql"
    assert resolve_endpoint("https://qlever.example/api") == "https://qlever.example/api"
    with pytest.raises(UsageError, match="http"):
        resolve_endpoint("file:///etc/passwd")


@NEEDS_ONTOLOGY
def test_links_classes_and_linkable(kg: KnowledgeGraph) -> None:
    links = dict(wikidata_links(kg))
    assert len(links) == 8 and links[ID.OpenAI] == WD.Q21708200
    union = kg.store.union()
    assert is_linkable(union, ID.OpenAI) and is_linkable(union, ID["GPT-2"])
    assert WD.Q43229 in wikidata_classes(kg, ID.Harvard_University)  # University < Organization


@NEEDS_ONTOLOGY
def test_fetch_items_in_one_batch(wikidata: str) -> None:
    client = SparqlClient(wikidata)
    items = [WD.Q49088, WD.Q990000002, WD.Q990000003, WD.Q13371]
    facts = fetch_items(client, items, targets=[WD.Q43229])
    assert client.requests == 1
    assert facts[WD.Q49088].label == "Columbia University"
    assert not facts[WD.Q990000002].exists
    assert facts[WD.Q990000003].redirect == WD.Q2283
    assert WD.Q43229 in facts[WD.Q13371].is_a
    assert len(fetch_items(SparqlClient(wikidata), items, batch_size=1)) == 4
