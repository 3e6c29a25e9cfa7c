"""The bundled graph, loaded once for the source tests (they read it and never change it)."""

from __future__ import annotations

import pytest

from kgtool.graph import KnowledgeGraph
from kgtool.source.align import KnownSentence, known_sentences


@pytest.fixture(scope="package")
def bundled() -> KnowledgeGraph:
    return KnowledgeGraph.load()


@pytest.fixture(scope="package")
def known(bundled: KnowledgeGraph) -> list[KnownSentence]:
    return known_sentences(bundled)
