"""Export: every format parses back to the same data, output is deterministic, writes atomic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kgtool.core.errors import ExportError
from kgtool.export import render_export
from kgtool.graph import KnowledgeGraph
from kgtool.io.parse import parse_text
from kgtool.io.serialize import (
    build_context,
    canonical_graph,
    context_json,
    jsonld_text,
    serialize_dataset,
    serialize_graph,
)
from kgtool.reason.engine import reason

from .conftest import DATA, FIXTURE_ARGS, ONTOLOGY, Invoke, assert_isomorphic, assert_same_dataset

QUAD_PARSERS = {"trig": "trig", "nquads": "nquads", "jsonld": "json-ld"}
TRIPLE_PARSERS = {"turtle": "turtle", "nt": "nt", "xml": "xml"}


@pytest.mark.parametrize("fmt", sorted(QUAD_PARSERS))
@pytest.mark.parametrize("reasoned", [False, True], ids=["asserted", "reasoned"])
def test_quad_formats_keep_named_graphs(kg: KnowledgeGraph, fmt: str, reasoned: bool) -> None:
    if reasoned:
        reason(kg)
    back = parse_text(render_export(kg, fmt, reasoned), QUAD_PARSERS[fmt], fmt)
    assert_same_dataset(kg.store.dataset(reasoned), back)


@pytest.mark.parametrize("fmt", sorted(TRIPLE_PARSERS))
def test_triple_formats_write_the_union(kg: KnowledgeGraph, fmt: str) -> None:
    back = Graph().parse(data=render_export(kg, fmt), format=TRIPLE_PARSERS[fmt])
    assert_isomorphic(kg.store.union(), back)


def test_jsonld_and_trig_are_isomorphic(kg: KnowledgeGraph) -> None:
    from_jsonld = parse_text(render_export(kg, "jsonld"), "json-ld", "x.jsonld")
    from_trig = parse_text(render_export(kg, "trig"), "trig", "x.trig")
    assert_same_dataset(from_trig, from_jsonld)


def _jsonld_of_rdflib_graphs(kg: KnowledgeGraph, reasoned: bool) -> str:
    """The view's JSON-LD read from rdflib graphs (the store's Dataset), blank nodes canonical."""
    source = kg.store.dataset(reasoned)
    names = sorted(
        (g.identifier for g in source.graphs() if len(g)),
        key=lambda n: (n != DATASET_DEFAULT_GRAPH_ID, str(n)),
    )
    graphs = []
    for name in names:
        graph = source.graph(name)
        if any(isinstance(t, BNode) for triple in graph for t in triple):
            graph = canonical_graph(graph, identifier=name)
        graphs.append(graph)
    return jsonld_text(graphs, kg.ontology)


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
@pytest.mark.parametrize(
    ("data", "reasoned"),
    # The shapes fixture is inconsistent by design (ill-typed literals, clashing classes).
    [("jsonld-shapes.trig", False), ("facts.trig", False), ("facts.trig", True)],
    ids=["jsonld-shapes.trig", "facts.trig", "facts.trig-reasoned"],
)
def test_jsonld_from_the_store_index_is_the_rdflib_graphs_document(
    store: str, data: str, reasoned: bool
) -> None:
    # The export indexes the store's triples itself instead of reading rdflib graphs: the
    # document must be the same bytes for every graph shape.
    # The shapes fixture uses the bundled ontology, whose context coerces its typed values.
    ontology = [ONTOLOGY] if data == "facts.trig" else None
    kg = KnowledgeGraph.load(data=[DATA / data], ontology=ontology, store=store)
    if reasoned:
        reason(kg)
    assert render_export(kg, "jsonld", reasoned) == _jsonld_of_rdflib_graphs(kg, reasoned)


def test_jsonld_is_compacted_with_inline_context(kg: KnowledgeGraph) -> None:
    doc = json.loads(render_export(kg, "jsonld"))
    assert doc["@context"]["founder"] == {"@id": "kg:founder", "@type": "@id"}
    text = json.dumps(doc)
    assert '"founder":' in text
    assert "https://w3id.org/eleutherai-kg/ontology/founder" not in text.replace(
        '"kg": "https://w3id.org/eleutherai-kg/ontology/"', ""
    )


@pytest.mark.parametrize("fmt", ["turtle", "jsonld", "nt", "nquads", "trig", "xml"])
def test_export_is_deterministic(invoke: Invoke, fmt: str) -> None:
    first = invoke(["export", "--format", fmt, "--reasoned"])
    second = invoke(["export", "--format", fmt, "--reasoned"])
    assert first.exit_code == 0, first.output
    assert first.stdout_bytes == second.stdout_bytes


def test_export_is_deterministic_across_processes(tmp_path: Path) -> None:
    # Memory-store iteration order follows string hashing, which differs per process.
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}.xml"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "kgtool",
                "export",
                "--format",
                "xml",
                "-o",
                str(out),
                *FIXTURE_ARGS,
            ],
            check=True,
            env=env,
            cwd=tmp_path,
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_blank_nodes_are_deterministic(tmp_path: Path) -> None:
    f = tmp_path / "b.ttl"
    f.write_text(
        "<http://e/a> <http://e/b> [ <http://e/c> 1 ; <http://e/d> [ <http://e/e> 2 ] ] .", "utf-8"
    )
    texts = {
        render_export(KnowledgeGraph.load(data=[f], ontology=[], shapes=[]), "nt") for _ in range(2)
    }
    assert len(texts) == 1


def test_export_to_file_and_rerun_is_ok(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "kg.trig"
    assert invoke(["export", "--format", "trig", "-o", str(out)]).exit_code == 0
    first = out.read_bytes()
    assert invoke(["export", "--format", "trig", "-o", str(out)]).exit_code == 0
    assert out.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.trig"]


def test_failed_write_leaves_old_file_and_no_temp(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "kg.ttl"
    out.write_text("old content\n", encoding="utf-8")

    def failing_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("kgtool.io.files.os.fsync", failing_fsync)
    result = invoke(["export", "--format", "turtle", "-o", str(out)])
    assert result.exit_code == 2
    assert "No space left on device" in result.stderr
    assert out.read_text(encoding="utf-8") == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]


def test_failed_serializer_leaves_old_file(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "kg.ttl"
    out.write_text("old content\n", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("serializer exploded")

    import pyoxigraph

    monkeypatch.setattr(Graph, "serialize", broken)
    monkeypatch.setattr(pyoxigraph, "serialize", broken)
    result = invoke(["export", "--format", "turtle", "-o", str(out)])
    assert result.exit_code == 2
    assert "Internal error" in result.stderr
    assert out.read_text(encoding="utf-8") == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]


def test_build_context_from_fixture_ontology() -> None:
    onto = Graph().parse(ONTOLOGY)
    ctx = build_context(onto)["@context"]
    assert ctx["Person"] == "kg:Person"
    assert ctx["foundingDate"] == {"@id": "kg:foundingDate", "@type": "xsd:date"}
    assert ctx["quote"] == "kg:quote"
    assert ctx["kg"] == "https://w3id.org/eleutherai-kg/ontology/"
    assert list(ctx) == sorted(ctx)


def test_context_command(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "context.jsonld"
    result = invoke(["context", "--ontology", str(ONTOLOGY), "-o", str(out)], fixture=False)
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == context_json(Graph().parse(ONTOLOGY))


def test_context_parses_jsonld_offline() -> None:
    doc = {
        **build_context(Graph().parse(ONTOLOGY)),
        "@id": "id:EleutherAI",
        "founder": "id:Sid-Black",
    }
    ds = parse_text(json.dumps(doc), "json-ld", "doc.jsonld")
    assert len(ds) == 1


def test_unknown_export_format_is_a_usage_error(invoke: Invoke) -> None:
    assert invoke(["export", "--format", "csv"]).exit_code == 2


def test_reference_fixture_roundtrip_dataset() -> None:
    ds = Dataset()
    ds.parse(DATA / "facts.trig", format="trig")
    assert len(ds) > 0


@pytest.mark.parametrize("value", ["a\rb", "\r\n", "\r"])
def test_rdfxml_keeps_carriage_returns(value: str) -> None:
    # XML parsers normalise a raw CR to LF; the writer must escape it for the literal to survive.
    g = Graph()
    g.add((URIRef("http://example.org/a"), URIRef("http://example.org/name"), Literal(value)))
    back = Graph().parse(data=serialize_graph(g, "xml"), format="xml")
    assert set(back) == set(g)


@pytest.mark.parametrize("fmt", ["xml", "turtle", "trig", "nt", "nquads"])
@pytest.mark.parametrize("value", ["a\x85b", "a\u2028b", "a\x0cb", "a\x1cb"])
def test_literals_with_unicode_line_separators_survive(fmt: str, value: str) -> None:
    # Only LF ends a line in these formats; NEL, LS, FF and FS are ordinary characters.
    g = Graph()
    g.add((URIRef("http://example.org/a"), URIRef("http://example.org/name"), Literal(value)))
    ds = Dataset()
    ds.graph(URIRef("http://example.org/g")).add(next(iter(g)))
    if fmt == "xml" and value[1] in "\x0c\x1c":
        with pytest.raises(ExportError, match="RDF/XML cannot hold the character"):
            serialize_dataset(ds, fmt, Graph())
        return
    back = parse_text(serialize_dataset(ds, fmt, Graph()), fmt, f"x.{fmt}")
    assert {o for _s, _p, o, _g in back.quads((None, None, None, None))} == {Literal(value)}


def _graph_names(nquads: str) -> set[str]:
    return {line.rsplit(" ", 2)[-2] for line in nquads.splitlines() if line}


def test_export_picks_named_graphs(invoke: Invoke) -> None:
    result = invoke(
        ["export", "--format", "nq", "--graph", "graph:editorial", "--graph", "src:intro-1"]
    )
    assert result.exit_code == 0
    assert _graph_names(result.stdout) == {
        "<https://w3id.org/eleutherai-kg/graph/editorial>",
        "<https://w3id.org/eleutherai-kg/source/intro-1>",
    }


def test_export_subset_facts_is_the_sentence_graphs(invoke: Invoke) -> None:
    result = invoke(["export", "--format", "nq", "--subset", "facts"])
    assert result.exit_code == 0
    assert _graph_names(result.stdout) == {
        "<https://w3id.org/eleutherai-kg/source/history-2>",
        "<https://w3id.org/eleutherai-kg/source/intro-1>",
    }


def test_export_subset_with_reasoned_keeps_the_inferred_graph(invoke: Invoke) -> None:
    result = invoke(["export", "--format", "nq", "--subset", "sources", "--reasoned"])
    assert result.exit_code == 0
    assert _graph_names(result.stdout) == {
        "<https://w3id.org/eleutherai-kg/graph/sources>",
        "<https://w3id.org/eleutherai-kg/graph/inferred>",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--subset", "everything"], "unknown subset 'everything'"),
        (
            ["--graph", "graph:nothing"],
            "no graph named <https://w3id.org/eleutherai-kg/graph/nothing>",
        ),
    ],
)
def test_export_refuses_an_unknown_selection(invoke: Invoke, args: list[str], message: str) -> None:
    result = invoke(["export", *args])
    assert result.exit_code == 2
    assert message in result.stderr
