"""Data-loss bugs the property tests found, pinned with the smallest examples."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kgtool.export import serialize_dataset
from kgtool.io.parse import parse_text

from ..conftest import assert_same_dataset

A = URIRef("http://example.org/a")
P = URIRef("http://example.org/p")
G = URIRef("http://example.org/g")


@pytest.mark.parametrize(
    "falsy",
    [Literal(""), Literal("0", datatype=XSD.integer), Literal("false", datatype=XSD.boolean)],
    ids=["empty-string", "zero", "false"],
)
@pytest.mark.parametrize("graph", [None, G], ids=["default-graph", "named-graph"])
def test_jsonld_keeps_a_falsy_value_next_to_another(falsy: Literal, graph: URIRef | None) -> None:
    # rdflib's JSON-LD writer overwrote a first value that compacts to "", 0 or false.
    ds = Dataset()
    target = ds.graph(graph) if graph else ds.default_graph
    target.add((A, P, falsy))
    target.add((A, P, Literal("x")))
    back = parse_text(serialize_dataset(ds, "jsonld", Graph()), "json-ld", "x.jsonld")
    assert_same_dataset(ds, back)


@pytest.mark.parametrize("fmt", ["nt", "nquads"])
@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85", "\x1c"])
def test_line_based_formats_keep_unicode_line_separators(fmt: str, char: str) -> None:
    # Sorting lines with str.splitlines() cut a triple in two at these characters.
    ds = Dataset()
    ds.graph(G).add((A, P, Literal(f"before{char}after")))
    text = serialize_dataset(ds, fmt, Graph())
    assert len(text.split("\n")) == 2
    back = parse_text(text, fmt, f"x.{fmt}")
    assert [o for _, _, o, _ in back.quads((None, None, None, None))] == [
        Literal(f"before{char}after")
    ]


def test_trig_default_graph_gets_no_bogus_prefix() -> None:
    # canonical_trig took the default graph's first subject for a graph name and declared
    # "PREFIX ns1: <None>", which made the whole export unreadable.
    ds = Dataset()
    ds.default_graph.add((A, P, Literal("v")))
    ds.graph(G).add((A, P, Literal("w")))
    text = serialize_dataset(ds, "trig", Graph())
    assert "<None>" not in text
    assert_same_dataset(ds, parse_text(text, "trig", "x.trig"))
