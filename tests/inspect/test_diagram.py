"""kgtool diagram: DOT always; SVG and PNG through Graphviz, or a clear message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kgtool.graph import KnowledgeGraph
from kgtool.inspect.diagram import neighbourhood_dot, ontology_dot, quote
from tests.conftest import FACTS, ONTOLOGY, Invoke

ARGS = ["--data", str(FACTS), "--ontology-file", str(ONTOLOGY)]
HAS_DOT = shutil.which("dot") is not None


def test_quote_escapes_dot_syntax() -> None:
    assert quote('a "b" \\ c') == '"a \\"b\\" \\\\ c"'


def test_ontology_dot_draws_classes_and_subclasses(kg: KnowledgeGraph) -> None:
    dot = ontology_dot(kg.ontology)
    assert dot.startswith("digraph ontology {")
    assert "arrowhead=empty" in dot  # at least one rdfs:subClassOf


def test_neighbourhood_links_both_ways(kg: KnowledgeGraph) -> None:
    from kgtool.core.namespaces import ID

    dot = neighbourhood_dot(kg.store.union(), ID["EleutherAI"], link=lambda n: "/x")
    assert '"Connor Leahy' in dot and '"GPT-J-6B' in dot  # outgoing and incoming
    assert 'URL="/x"' in dot


def test_cli_writes_dot_without_graphviz(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "o.dot"
    result = invoke(["diagram", "--ontology", "-o", str(out), *ARGS], fixture=False)
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("digraph ontology")


def test_cli_entity_and_ontology_conflict(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(
        ["diagram", "EleutherAI", "--ontology", "-o", str(tmp_path / "x.svg"), *ARGS],
        fixture=False,
    )
    assert result.exit_code == 2


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize(("name", "magic"), [("n.svg", b"<?xml"), ("n.png", b"\x89PNG")])
def test_cli_renders_entity(invoke: Invoke, tmp_path: Path, name: str, magic: bytes) -> None:
    out = tmp_path / name
    result = invoke(["diagram", "GPT-J-6B", "--depth", "2", "-o", str(out), *ARGS], fixture=False)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(magic)


def test_cli_says_how_to_install_graphviz(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot on an empty PATH
    result = invoke(["diagram", "-o", str(tmp_path / "o.svg"), *ARGS], fixture=False)
    assert result.exit_code == 2
    assert "apt-get install graphviz" in result.output
    assert not (tmp_path / "o.svg").exists()
