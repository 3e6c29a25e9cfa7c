"""kgtool describe and stats: every fact about an entity with its sources; counts."""

from __future__ import annotations

import json

import pytest

from kgtool.graph import KnowledgeGraph
from kgtool.inspect.describe import stats
from kgtool.reason.engine import reason
from tests.conftest import Invoke


def test_describe_by_label_with_sources(invoke: Invoke) -> None:
    result = invoke(["describe", "Connor Leahy"])
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Connor Leahy (id:Connor-Leahy)")
    assert "id:EleutherAI kg:founder" in out
    assert 'src:intro-1 (Introduction) [4]: "The group was formed' in out


def test_describe_json_names_non_sentence_graphs(invoke: Invoke) -> None:
    result = invoke(["describe", "id:CoreWeave", "--format", "json"])
    facts = json.loads(result.stdout)["facts"]
    kinds = {p["kind"] for f in facts for p in f["sources"]}
    assert kinds == {"graph"}


def test_describe_unknown_entity_exits_2(invoke: Invoke) -> None:
    assert invoke(["describe", "Nobody"]).exit_code == 2


def test_stats(invoke: Invoke) -> None:
    result = invoke(["stats", "--reasoned", "--format", "json"])
    data = json.loads(result.stdout)
    assert data["inferred_triples"] > 0
    assert data["classes"]["kg:Person"] == 2
    assert data["graphs"]["src:intro-1"] == 10


@pytest.mark.parametrize("reasoned", [False, True], ids=["asserted", "reasoned"])
def test_stats_counts_the_same_on_every_store(reasoned: bool) -> None:
    # Oxigraph counts with SPARQL aggregates, the memory store from its merged graph; a triple
    # stated by two sentences is one triple of the view in both.
    kgs = {store: KnowledgeGraph.load(store=store) for store in ("memory", "oxigraph")}
    for kg in kgs.values():
        reason(kg)
    assert stats(kgs["oxigraph"], reasoned) == stats(kgs["memory"], reasoned)
    fresh = {store: KnowledgeGraph.load(store=store) for store in ("memory", "oxigraph")}
    assert stats(fresh["oxigraph"]) == stats(fresh["memory"])
