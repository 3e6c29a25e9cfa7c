"""Which query texts the Oxigraph path must still parse with rdflib first."""

from __future__ import annotations

import pytest

from kgtool.query.prepare import needs_parse, prepare

#: Texts whose parse holds a dataset clause or a SERVICE, written as tightly as SPARQL allows.
HOLDING = [
    "SELECT ?s FROM<http://e/g> WHERE { ?s ?p ?o }",
    "PREFIX : <http://e/> SELECT ?s FROM:g WHERE { ?s ?p ?o }",
    "PREFIX : <http://e/> SELECT*FROM NAMED :g { ?s ?p ?o }",
    "CONSTRUCT{?s ?p ?o}FROM<http://e/g>{?s ?p ?o}",
    "DESCRIBE<http://e/a>FROM<http://e/g>",
    "ASK{?s ?p ?o.SERVICE<http://e/sparql>{?s ?p ?o}}",
    "ASK { {?s ?p ?o}SERVICE SILENT ?e {?s ?p ?o} }",
    "ASK { \\u0053ERVICE <http://e/sparql> { ?s ?p ?o } }",
    "ask from <http://e/g> { ?s ?p ?o }",
]
#: Texts where the words appear only inside IRIs and names.
FREE = [
    "ASK { ?s ?p <https://w3id.org/eleutherai-kg/ontology/containsDataFrom> }",
    "PREFIX kg: <http://e/> SELECT ?s { ?s kg:servicedBy ?o }",
    "SELECT ?fromage { ?fromage ?p ?o }",
]


@pytest.mark.parametrize("text", HOLDING)
def test_a_dataset_clause_or_service_is_always_parsed_first(text: str) -> None:
    algebra = prepare(text, allow_service=True).algebra
    assert "datasetClause" in algebra or "ServiceGraphPattern" in repr(algebra)
    assert needs_parse(text)


@pytest.mark.parametrize("text", FREE)
def test_a_word_inside_an_iri_or_a_name_is_not_a_keyword(text: str) -> None:
    assert not needs_parse(text)
