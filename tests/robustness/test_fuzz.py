"""A bounded fuzz run: loaders and the query command raise nothing but KgtoolError.

Inputs are random text, random bytes, and valid documents and queries with random edits (which
reach deeper into the parsers than noise does). Runs are derandomized and bounded by
``max_examples``; set ``KGTOOL_FUZZ_EXAMPLES`` to scale every run (default 1: about a minute in
all on a CI machine; 10 for a longer hunt).
"""

from __future__ import annotations

import contextlib
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset

from kgtool.core.errors import KgtoolError
from kgtool.graph import KnowledgeGraph
from kgtool.io.parse import decode_utf8, parse_text
from kgtool.query.render import TABLE_FORMATS, render
from kgtool.query.run import run_query

from .test_matrix import BAD, GOOD, LAUGHS, PROTEGE, XXE

pytestmark = pytest.mark.fuzz
SCALE = float(os.environ.get("KGTOOL_FUZZ_EXAMPLES", "1"))


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


PARSERS = {"ttl": "turtle", "trig": "trig", "nt": "nt", "nq": "nquads", "jsonld": "json-ld",
           "rdf": "xml"}  # fmt: skip
SEEDS: dict[str, list[str]] = {ext: [GOOD[ext], BAD[ext][0]] for ext in GOOD}
SEEDS["ttl"] += [
    '@prefix ex: <http://e/> .\nex:a ex:p ( 1 2.5 "x"@en [ ex:q true ] ) ; ex:r """a\nb""" .',
    '@base <http://e/> . <a> <p> "x"^^<http://e/t>, _:b .',
]
SEEDS["trig"] += ["@prefix ex: <http://e/> .\nex:g { ex:a ex:p ex:b . } { ex:c ex:p 1 . }"]
SEEDS["jsonld"] += [
    '{"@context": {"ex": "http://e/", "p": {"@id": "ex:p", "@type": "@id"}}, "@graph": '
    '[{"@id": "ex:a", "p": "ex:b", "ex:n": [1, true, {"@value": "x", "@language": "en"}]}]}',
    '{"@id": "http://g", "@graph": [{"@id": "http://a", "http://p": {"@list": [1, 2]}}]}',
]
SEEDS["rdf"] += [XXE, LAUGHS, PROTEGE]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[str]) -> str:
    """A seed document with a few random insertions, deletions and replacements."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        piece = draw(st.one_of(st.text(max_size=4), st.sampled_from(list('<>"{}[]()@^_:;.,#\\&%'))))
        cut = draw(st.integers(0, 3))
        text = text[:at] + piece + text[at + cut :]
    return text


@pytest.mark.parametrize("ext", sorted(PARSERS))
@fuzz_settings(1000)
@given(data=st.data())
def test_loader_raises_only_kgtool_errors(ext: str, data: st.DataObject) -> None:
    text = data.draw(st.one_of(mutated(SEEDS[ext]), st.text(max_size=200)))
    try:
        result = parse_text(text, PARSERS[ext], f"fuzz.{ext}")
    except KgtoolError:
        return
    assert isinstance(result, Dataset)


@fuzz_settings(1000)
@given(raw=st.binary(max_size=200))
def test_decoding_raises_only_kgtool_errors(raw: bytes) -> None:
    try:
        decode_utf8(raw, "fuzz.ttl")
    except KgtoolError:
        return


QUERY_SEEDS = [
    "SELECT ?s ?o WHERE { ?s kg:founder ?o . ?o rdfs:label ?n FILTER(LANG(?n) = 'en') }\n"
    "ORDER BY ?n",
    "SELECT (COUNT(*) AS ?n) ?p WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p HAVING (?n > 1)",
    "ASK { ?s kg:partOf+ ?o }",
    "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c OPTIONAL { ?s rdfs:label ?l } } LIMIT 5",
    "DESCRIBE id:EleutherAI",
    "SELECT * WHERE { VALUES ?x { 1 'a' <http://e/> } BIND(STRLEN(STR(?x)) AS ?n) "
    "FILTER(REGEX(STR(?x), '^a', 'i')) }",
    "SELECT ?s WHERE { ?s ?p ?o MINUS { ?s a kg:Person } FILTER NOT EXISTS { ?s kg:x ?y } }",
]
TOKENS = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", ".", ";", ",", "?s",
    "?o", "*", "a", "kg:founder", "<http://e/>", "'x'", "1", "FILTER", "OPTIONAL", "UNION",
    "GRAPH", "SERVICE", "LIMIT", "ORDER BY", "GROUP BY", "BIND", "AS", "VALUES", "+", "/", "|",
    "INSERT", "DATA", "LOAD", "DROP", "PREFIX", "ex:", "#", "\n",
]  # fmt: skip


@pytest.fixture(scope="module")
def small_kg() -> KnowledgeGraph:
    from ..conftest import FACTS

    return KnowledgeGraph.load(data=[FACTS], ontology=[], shapes=[])


@fuzz_settings(3000)
@given(
    text=st.one_of(
        mutated(QUERY_SEEDS),
        st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join),
        st.text(max_size=100),
    ),
    fmt=st.sampled_from([*TABLE_FORMATS, "turtle", "jsonld"]),
)
def test_query_raises_only_kgtool_errors(small_kg: KnowledgeGraph, text: str, fmt: str) -> None:
    before = len(small_kg.store.union())
    with contextlib.suppress(KgtoolError):
        render(run_query(small_kg, text), fmt)
    assert len(small_kg.store.union()) == before
