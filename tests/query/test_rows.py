"""Rows for Python code: dicts of Python values, .vars, .bindings, ASK, CONSTRUCT, DataFrame."""

from __future__ import annotations

import datetime
import importlib.util

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import XSD

from kgtool.core.errors import UsageError
from kgtool.graph import KnowledgeGraph
from kgtool.query.rows import Rows, query_rows

G = URIRef("urn:g")


def _kg() -> KnowledgeGraph:
    ds = Dataset()
    ds.add((URIRef("urn:a"), URIRef("urn:born"), Literal("2020-07-01", datatype=XSD.date), G))
    ds.add((URIRef("urn:a"), URIRef("urn:n"), Literal(3), G))
    ds.add((URIRef("urn:b"), URIRef("urn:n"), Literal("abc", datatype=XSD.integer), G))
    return KnowledgeGraph.from_dataset(ds)


def test_rows_are_dicts_of_python_values_in_the_projected_order() -> None:
    rows = query_rows(
        _kg(), "SELECT ?s ?n ?born { ?s <urn:n> ?n OPTIONAL { ?s <urn:born> ?born } } ORDER BY ?s"
    )
    assert rows.vars == ("s", "n", "born")
    first, second = list(rows)
    assert first == {"s": "urn:a", "n": 3, "born": datetime.date(2020, 7, 1)}
    assert second["born"] is None
    assert second["n"] == Literal("abc", datatype=XSD.integer)  # ill-typed: kept as the literal
    assert rows.bindings[0]["n"] == Literal(3)
    assert "born" not in rows.bindings[1]
    assert len(rows) == 2


def test_ask_is_the_truth_of_the_rows() -> None:
    assert bool(query_rows(_kg(), "ASK { ?s <urn:n> 3 }"))
    assert not query_rows(_kg(), "ASK { ?s <urn:n> 4 }")


def test_construct_gives_the_graph() -> None:
    rows = query_rows(_kg(), "CONSTRUCT { ?s <urn:m> ?n } WHERE { ?s <urn:n> ?n }")
    assert rows.graph is not None and len(rows) == 2
    with pytest.raises(UsageError, match="no rows"):
        rows.to_dataframe()


@pytest.mark.skipif(importlib.util.find_spec("pandas") is None, reason="pandas not installed")
def test_to_dataframe_has_one_column_per_variable() -> None:
    frame = query_rows(_kg(), "SELECT ?s ?n { ?s <urn:n> ?n } ORDER BY ?s").to_dataframe()
    assert list(frame.columns) == ["s", "n"]
    assert frame["n"].iloc[0] == 3


@pytest.mark.skipif(importlib.util.find_spec("pandas") is not None, reason="pandas installed")
def test_to_dataframe_without_pandas_says_how_to_get_it() -> None:
    with pytest.raises(UsageError, match="pip install pandas"):
        Rows("SELECT", ("s",), ()).to_dataframe()
