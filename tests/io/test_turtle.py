"""kgtool's Turtle writers write every literal as it is: bare only in a Turtle short form."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, XSD

from kgtool.io.canonical import canonical_turtle
from kgtool.io.serialize import serialize_graph
from kgtool.io.turtle import LONG_TURTLE, TURTLE

#: (lexical form, datatype): each must come back as it was written.
LITERALS = [
    ("1", XSD.boolean),
    ("true", XSD.boolean),
    ("01", XSD.integer),
    ("+1", XSD.integer),
    ("3.21E4", XSD.double),
    ("1e5", XSD.double),
    ("INF", XSD.double),
    ("NaN", XSD.double),
    ("1", XSD.decimal),
    ("1.", XSD.decimal),
    (".5", XSD.decimal),
    ("-0.50", XSD.decimal),
    ("1/3", OWL.rational),
    ("abc", XSD.integer),
    (" 7", XSD.integer),
]


def _graph() -> Graph:
    g = Graph()
    for i, (text, datatype) in enumerate(LITERALS):
        g.add(
            (
                URIRef(f"urn:s{i}"),
                URIRef("urn:p"),
                Literal(text, datatype=datatype, normalize=False),
            )
        )
    return g


def _read_back(text: str) -> set[tuple[str, str]]:
    return {
        (q.object.value, q.object.datatype.value)
        for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)
        if isinstance(q.object, ox.Literal)
    }


@pytest.mark.parametrize("writer", [TURTLE, LONG_TURTLE])
def test_every_literal_reads_back_as_written(writer: str) -> None:
    text = _graph().serialize(format=writer)
    assert _read_back(text) == {(t, str(d)) for t, d in LITERALS}


def test_a_short_form_is_written_bare_and_others_quoted() -> None:
    text = canonical_turtle(_graph())
    assert " 3.21E4 " in text and " 01 " in text and " true " in text
    assert '"1"^^xsd:boolean' in text and '"1"^^xsd:decimal' in text


def test_the_turtle_export_keeps_the_forms() -> None:
    assert _read_back(serialize_graph(_graph(), "turtle")) == {(t, str(d)) for t, d in LITERALS}
