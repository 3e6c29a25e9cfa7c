"""Content negotiation offers exactly the formats of the one format table."""

from __future__ import annotations

import pytest

from kgtool.io.formats import RDF_FORMATS, RESULT_FORMATS
from kgtool.serve.conneg import GRAPH_TYPES, RESULT_TYPES, negotiate


def test_offers_come_from_the_format_table() -> None:
    assert [(t.name, t.mime) for t in GRAPH_TYPES] == [(f.name, f.media_type) for f in RDF_FORMATS]
    assert sorted(t.mime for t in RESULT_TYPES) == sorted(
        f.media_type for f in RESULT_FORMATS if f.name != "table"
    )


def test_json_answers_anything_for_rows_and_turtle_for_graphs() -> None:
    assert negotiate(RESULT_TYPES, "*/*").mime == "application/sparql-results+json"  # type: ignore[union-attr]
    assert negotiate(GRAPH_TYPES, None).mime == "text/turtle"  # type: ignore[union-attr]


@pytest.mark.parametrize("accept", ["text/xml", "application/xml"])
def test_generic_xml_means_the_xml_of_the_result(accept: str) -> None:
    assert negotiate(RESULT_TYPES, accept).mime == "application/sparql-results+xml"  # type: ignore[union-attr]
    assert negotiate(GRAPH_TYPES, accept).mime == "application/rdf+xml"  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["turtle", "ttl", "jsonld", "nt", "nq", "trig", "rdfxml"])
def test_rdf_names_are_no_result_format(name: str) -> None:
    assert negotiate(RESULT_TYPES, None, [name]) is None  # a SELECT asked for Turtle: 406
    assert negotiate(GRAPH_TYPES, None, [name]) is not None
