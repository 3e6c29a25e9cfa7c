"""The reasoner (kgtool.reason.engine): clashes between data values, and the noise it drops."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL, RDFS

from kgtool.core.errors import InconsistencyError
from kgtool.graph import KnowledgeGraph
from kgtool.reason.engine import _CACHE, reason, reflexive_noise

FUNCTIONAL = """@prefix : <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
:age a owl:DatatypeProperty, owl:FunctionalProperty .
:bob :age {values} .
"""
ENGINES = [(store, engine) for store in ("memory", "oxigraph") for engine in ("owlrl", "fast")]


def _load(tmp_path: Path, values: str, store: str) -> KnowledgeGraph:
    f = tmp_path / "fp.ttl"
    f.write_text(FUNCTIONAL.format(values=values), encoding="utf-8")
    kg = KnowledgeGraph.load(data=[f], ontology=[], shapes=[], store=store)
    kg.sources = []  # key the closure by the triples: each test's data differs
    return kg


@pytest.mark.parametrize(("store", "engine"), ENGINES)
def test_two_values_of_a_functional_datatype_property_clash(
    tmp_path: Path, store: str, engine: str
) -> None:
    kg = _load(tmp_path, '"30"^^xsd:integer, "31"^^xsd:integer', store)
    with pytest.raises(InconsistencyError, match=r'"30".*"31".*example.org/age.*example.org/bob'):
        reason(kg, engine=engine)
    assert kg.store.inferred() is None


@pytest.mark.parametrize(("store", "engine"), ENGINES)
def test_two_spellings_of_one_value_do_not_clash(tmp_path: Path, store: str, engine: str) -> None:
    # "01" and "1" are the same integer, and 1.0 the same number as decimal: one value.
    kg = _load(tmp_path, '"01"^^xsd:integer, "1"^^xsd:integer, "1.0"^^xsd:decimal', store)
    reason(kg, engine=engine)
    assert kg.store.inferred() is not None


@pytest.mark.parametrize("engine", ["owlrl", "fast"])
def test_no_reflexive_super_property_of_same_as_in_the_closure(engine: str) -> None:
    kg = KnowledgeGraph.load(store="memory")
    _CACHE.clear()  # computed by this engine, not replayed from another test's closure
    reason(kg, engine=engine)
    inferred = kg.store.inferred()
    assert inferred is not None
    noise = reflexive_noise(kg.store.union(reasoned=True))
    # the ontology states owl:sameAs rdfs:subPropertyOf schema:sameAs
    assert {OWL.sameAs, RDFS.subClassOf, URIRef("http://schema.org/sameAs")} <= noise
    assert [t for t in inferred if t[1] in noise and t[0] == t[2]] == []
