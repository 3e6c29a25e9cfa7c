"""The JSON-LD export keeps every literal as written: bare JSON values only where they read back
as the same literal."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Dataset, Graph

from kgtool.io.serialize import serialize_dataset
from tests.io.test_turtle import LITERALS, _graph


def test_the_jsonld_export_keeps_the_forms() -> None:
    dataset = Dataset()
    for triple in _graph():
        dataset.add(triple)
    text = serialize_dataset(dataset, "json-ld", Graph())
    back = {
        (q.object.value, q.object.datatype.value)
        for q in ox.parse(text.encode(), format=ox.RdfFormat.JSON_LD)
        if isinstance(q.object, ox.Literal)
    }
    assert back == {(t, str(d)) for t, d in LITERALS}
    assert "true" in text.split() or "true," in text.split()  # a boolean as written stays bare
