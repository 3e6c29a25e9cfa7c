"""kgtool why: an asserted fact's sentences, an inferred fact's derivation."""

from __future__ import annotations

import pytest

from kgtool.graph import KnowledgeGraph
from kgtool.inspect.explain import Explanation, explain_triple, why
from kgtool.reason.engine import reason
from tests.conftest import FACTS, ONTOLOGY, SHAPES, Invoke


def test_why_asserted_lists_sentences(invoke: Invoke) -> None:
    result = invoke(["why", "EleutherAI", "kg:founder", "Connor Leahy"])
    assert result.exit_code == 0
    assert "(asserted)" in result.stdout
    assert "src:intro-1 (Introduction) [4]" in result.stdout
    assert "src:history-2 (History) [6][7]" in result.stdout


def test_why_literal_object(invoke: Invoke) -> None:
    result = invoke(["why", "id:EleutherAI", "kg:foundingDate", '"2020-07-07"^^xsd:date'])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "triple, rule, leaf",
    [
        (("Connor Leahy", "kg:founded", "EleutherAI"), "owl:inverseOf", "kg:founder"),
        (("id:The-Pile", "kg:partOf", "id:Datasets"), "owl:TransitiveProperty", "id:Pile-Suite"),
        (("id:GPT-J-6B", "a", "kg:Model"), "rdfs:subClassOf", "kg:LanguageModel"),
        (("id:GPT-J-6B", "kg:contributor", "id:EleutherAI"), "rdfs:subPropertyOf", "kg:developer"),
        (
            ("id:CoreWeave", "kg:collaboratesWith", "id:EleutherAI"),
            "owl:SymmetricProperty",
            "graph/editorial",
        ),
        (("wd:Q108113475", "kg:founder", "id:Sid-Black"), "", "graph/wikidata"),
        (("id:EleutherAI", "a", "kg:Agent"), "rdfs:", "src:intro-1"),
    ],
)
def test_why_inferred_shows_derivation(
    kg: KnowledgeGraph, triple: tuple[str, str, str], rule: str, leaf: str
) -> None:
    explanation = why(kg, *triple)
    assert not explanation.asserted
    assert rule in explanation.rule
    assert leaf in explanation.to_text()


def test_why_neither_asserted_nor_inferred_exits_1(invoke: Invoke) -> None:
    result = invoke(["why", "Sid Black", "kg:founder", "EleutherAI"])
    assert result.exit_code == 1
    assert "neither asserted nor inferred" in result.stderr


def test_why_bad_term_exits_2(invoke: Invoke) -> None:
    assert invoke(["why", "Nobody", "kg:founder", "EleutherAI"]).exit_code == 2


def test_why_explains_every_triple_the_closure_keeps() -> None:
    kg = KnowledgeGraph.load(store="memory")
    reason(kg)
    inferred = kg.store.inferred()
    assert inferred is not None

    def unexplained(e: Explanation) -> list[Explanation]:
        if e.asserted:
            return []
        if e.rule in ("a rule kgtool cannot explain", "(depth bound reached)"):
            return [e]
        return [bad for p in e.premises for bad in unexplained(p)]

    failures = [
        e.show_triple() for t in sorted(inferred) for e in unexplained(explain_triple(kg, t))
    ]
    assert failures == []


def test_why_answers_the_same_on_every_store() -> None:
    # Oxigraph answers each lookup from its indexes, the memory store from its merged graph:
    # the derivations chosen, ties included, and their sources must not depend on that.
    kgs = {store: KnowledgeGraph.load(store=store) for store in ("memory", "oxigraph")}
    for kg in kgs.values():
        reason(kg)
    inferred = kgs["memory"].store.inferred()
    assert inferred is not None
    triples = sorted(inferred)
    assert triples
    explained = {
        store: [explain_triple(kg, t).to_dict() for t in triples] for store, kg in kgs.items()
    }
    assert explained["oxigraph"] == explained["memory"]


def test_why_on_oxigraph_copies_no_view(monkeypatch: pytest.MonkeyPatch) -> None:
    kg = KnowledgeGraph.load(data=[FACTS], ontology=[ONTOLOGY], shapes=[SHAPES], store="oxigraph")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("why copied a whole view into rdflib")

    monkeypatch.setattr(type(kg.store), "union", refuse)
    monkeypatch.setattr(type(kg.store), "dataset", refuse)
    assert "owl:inverseOf" in why(kg, "Connor Leahy", "kg:founded", "EleutherAI").rule
