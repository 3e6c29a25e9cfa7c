"""A user's blank-node shapes get readable, deterministic names in the validation report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ONTOLOGY, Invoke

DATA = Path(__file__).parent.parent / "data" / "cli"
ARGS = [
    "--data",
    str(DATA / "blank-shapes-data.ttl"),
    "--shapes",
    str(DATA / "blank-shapes.ttl"),
    "--ontology",
    str(ONTOLOGY),
]
EX = "http://example.org/"


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
def test_blank_shapes_are_named_by_owner_path_and_constraint(invoke: Invoke, engine: str) -> None:
    result = invoke(["validate", "--engine", engine, "--format", "json", *ARGS], fixture=False)
    assert result.exit_code == 1
    shapes = [(r["source_shape"], r["path"]) for r in json.loads(result.stdout)["results"]]
    # Named with the shapes file's own prefixes, sorted by name.
    assert shapes == [
        ("[sh:targetClass ex:Person] [sh:path ^ex:parent] sh:minCount", "^ex:parent"),
        ("ex:PersonShape [sh:path ex:age] sh:datatype", "ex:age"),
        ("ex:PersonShape [sh:path ex:age] sh:maxCount", "ex:age"),
        ("ex:PersonShape [sh:path ex:knows/ex:name] sh:minCount", "ex:knows/ex:name"),
    ]


def test_the_text_report_has_no_blank_node_labels(invoke: Invoke) -> None:
    first = invoke(["validate", *ARGS], fixture=False)
    second = invoke(["validate", *ARGS], fixture=False)
    assert "_:" not in first.stdout
    assert first.stdout == second.stdout
