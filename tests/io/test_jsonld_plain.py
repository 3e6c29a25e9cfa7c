"""JSON-LD from plain terms is the same text as from rdflib's converter, for every input.

:class:`PlainGraph` is compacted without rdflib terms and the document written by
:func:`json_text`; both are checked against rdflib's converter over the same triples as rdflib
terms, and against ``json.dumps(indent=2)``, on seeded random data covering the term kinds the
compaction distinguishes (and the ones it leaves to rdflib).
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kgtool.core import paths
from kgtool.core.namespaces import KG
from kgtool.io.serialize import PlainGraph, PlainValue, TripleIndex, json_text, jsonld_text

ID = "https://w3id.org/eleutherai-kg/id/"
K = str(KG)

#: An ontology with a term of every shape :func:`build_context` makes.
ONTOLOGY = f"""
@prefix kg: <{K}> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
kg:Person a owl:Class .
kg:founder a owl:ObjectProperty .
kg:count a owl:DatatypeProperty ; rdfs:range xsd:integer .
kg:flag a owl:DatatypeProperty ; rdfs:range xsd:boolean .
kg:score a owl:DatatypeProperty ; rdfs:range xsd:double .
kg:born a owl:DatatypeProperty ; rdfs:range xsd:date .
kg:name a owl:DatatypeProperty ; rdfs:range xsd:string .
kg:note a owl:AnnotationProperty .
<{K}odd:name> a rdf:Property .
"""


def _ontologies() -> list[Graph]:
    found = [Graph().parse(data=ONTOLOGY, format="turtle"), Graph()]
    if paths.ontology_file().exists():
        found.append(Graph().parse(paths.ontology_file()))
    return found


def _literal(r: random.Random) -> Literal:
    kind = r.randrange(12)
    if kind == 0:
        return Literal(r.choice(["", "x", "0", "false", "a b", 'q"\n\u2028é']))
    if kind == 1:
        return Literal(r.choice(["", "x", "Hi"]), lang=r.choice(["en", "de", "en-gb"]))
    if kind == 2:
        text = r.choice(["0", "1", "-12", "01", "-0", "+1", "1" * 21, "9" * 22, "x", ""])
        return Literal(text, datatype=XSD.integer, normalize=False)
    if kind == 3:
        text = r.choice(["true", "false", "1", "0", "TRUE"])
        return Literal(text, datatype=XSD.boolean, normalize=False)
    if kind == 4:
        text = r.choice(["0", "0.0", "3.21E4", "-1.5", "INF", "NaN", "1"])
        return Literal(text, datatype=XSD.double, normalize=False)
    if kind == 5:
        text = r.choice(["0.0", "1.50", "2"])
        return Literal(text, datatype=XSD.decimal, normalize=False)
    if kind == 6:
        return Literal(r.choice(["2020-07-07", "2020-7-7"]), datatype=XSD.date, normalize=False)
    if kind == 7:
        return Literal(r.choice(["", "s", "0"]), datatype=XSD.string)
    if kind == 8:
        return Literal(r.choice(["PT0S", "P1D"]), datatype=XSD.duration, normalize=False)
    if kind == 9:
        return Literal("v", datatype=URIRef(r.choice(["urn:dt", K + "count", ID + "T"])))
    return Literal(r.choice(["x", "y", ""]))


def _iri(r: random.Random) -> URIRef:
    return URIRef(
        r.choice(
            [
                f"{ID}E{r.randrange(6)}",
                f"{K}Person",
                f"{K}founder",
                f"urn:x:{r.randrange(3)}",
                "http://example.org/a#b",
                str(RDF.nil),
                str(OWL.Thing),
            ]
        )
    )


PREDICATES = [
    RDF.type,
    RDFS.label,
    SKOS.altLabel,
    OWL.sameAs,
    RDFS.comment,
    URIRef(K + "founder"),
    URIRef(K + "count"),
    URIRef(K + "flag"),
    URIRef(K + "score"),
    URIRef(K + "born"),
    URIRef(K + "name"),
    URIRef(K + "note"),
    URIRef(K + "odd:name"),
    URIRef(K + "undeclared"),
    URIRef("urn:p"),
]


def _triples(r: random.Random, size: int, blank: bool) -> list[tuple[Any, Any, Any]]:
    subjects = [_iri(r) for _ in range(4)]
    found = []
    for _ in range(size):
        s = r.choice(subjects)
        p = r.choice(PREDICATES)
        o: Any = _literal(r) if r.random() < 0.6 else _iri(r)
        if blank and r.random() < 0.2:
            o = BNode(f"b{r.randrange(2)}")
        found.append((s, p, o))
    return found


def _plain(term: Any) -> PlainValue:
    if isinstance(term, URIRef):
        return str(term)
    assert isinstance(term, Literal)
    return (str(term), str(term.datatype) if term.datatype else None, term.language)


def _documents(seed: int, ontology: Graph) -> tuple[str, str, int]:
    """The document from plain graphs, from rdflib terms, and how many graphs fell back."""
    r = random.Random(seed)
    names = [DATASET_DEFAULT_GRAPH_ID] + [URIRef(f"urn:g:{i}") for i in range(r.randrange(4))]
    plain: list[Any] = []
    indexed: list[Any] = []
    fallbacks = [0]
    for name in names:
        triples = _triples(r, r.randrange(0, 9), blank=False)
        index = TripleIndex(name)
        for triple in triples:
            index.add(triple)

        def fallback(index: TripleIndex = index) -> TripleIndex:
            fallbacks[0] += 1
            return index

        plain.append(
            PlainGraph(name, [(str(s), str(p), _plain(o)) for s, p, o in triples], fallback)
        )
        indexed.append(index)
    return jsonld_text(plain, ontology), jsonld_text(indexed, ontology), fallbacks[0]


@pytest.mark.parametrize("which", range(len(_ontologies())))
def test_plain_graphs_give_the_bytes_of_rdflibs_converter(which: int) -> None:
    ontology = _ontologies()[which]
    fell_back = 0
    for seed in range(400):
        plain, rdflib_text, fallbacks = _documents(seed, ontology)
        assert plain == rdflib_text, seed
        fell_back += fallbacks
    # The random data has falsy values among others: some graphs are rdflib's, most are not.
    assert 0 < fell_back < 400


def test_a_graph_of_plain_values_is_not_left_to_rdflib() -> None:
    def fail() -> TripleIndex:
        raise AssertionError("fell back")

    a, p = f"{ID}a", f"{K}count"
    triples: list[Any] = [
        (a, p, ("01", str(XSD.integer), None)),
        (a, p, ("2", str(XSD.integer), None)),
        (a, str(RDFS.label), ("A", None, "en")),
        (a, str(RDF.type), f"{K}Person"),
        (a, f"{K}founder", f"{ID}b"),
    ]
    text = jsonld_text([PlainGraph(URIRef("urn:g"), triples, fail)], Graph().parse(data=ONTOLOGY))
    assert '"label": "A"' in text and '"kg:count": [\n' not in text


def test_lists_and_blank_nodes_are_left_to_rdflib() -> None:
    calls = []
    index = TripleIndex(URIRef("urn:g"))
    index.add((URIRef("urn:a"), RDF.first, Literal("x")))

    def fallback() -> TripleIndex:
        calls.append(1)
        return index

    triples: list[Any] = [("urn:a", str(RDF.first), ("x", None, None))]
    text = jsonld_text([PlainGraph(URIRef("urn:g"), triples, fallback)], Graph())
    assert calls and text == jsonld_text([index], Graph())


def _json_value(r: random.Random, depth: int) -> Any:
    kind = r.randrange(9 if depth < 4 else 6)
    if kind == 0:
        return r.choice(["", "a", '"q"', "é\u2028\n\\", "\x00", "\ud800"])
    if kind == 1:
        return r.randrange(-5, 10**22)
    if kind == 2:
        return r.choice([True, False, None])
    if kind == 3:
        return r.choice([0.0, -1.5, float("nan"), float("inf"), -float("inf"), 1e300])
    if kind == 4:
        return r.choice([[], (), {}])
    if kind in (5, 6):
        return [_json_value(r, depth + 1) for _ in range(r.randrange(4))]
    keys: list[Any] = ["a", "b", "@id", "é", 1, 2.5, True, None, URIRef("urn:k")]
    return {r.choice(keys): _json_value(r, depth + 1) for _ in range(r.randrange(4))}


def test_json_text_is_json_dumps_with_an_indent() -> None:
    r = random.Random(7)
    for _ in range(5000):
        value = _json_value(r, 0)
        assert json_text(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_json_text_refuses_what_json_dumps_refuses() -> None:
    for value in ({"a": object()}, {(1, 2): 1}, {1j: 2}):
        with pytest.raises(TypeError):
            json_text(value)
        with pytest.raises(TypeError):
            json.dumps(value, indent=2)
