"""The store seam: one small interface over the quads, so another backend can answer the same.

:class:`MemoryStore` keeps the asserted quads in an rdflib ``Dataset`` and the reasoner's output in
a separate graph named ``GRAPH_INFERRED``, so asserted and inferred triples never mix. An
Oxigraph-backed store (issue 5) only has to implement :class:`Store`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from rdflib import Dataset, Graph, URIRef
from rdflib.query import Result
from rdflib.term import Node


class Store(Protocol):
    """What the rest of kgtool needs from a quad store."""

    def add_graph(self, name: URIRef | None, triples: Graph) -> None:
        """Add the triples of ``triples`` to the named graph ``name`` (None: the default graph)."""

    def set_inferred(self, inferred: Graph | None) -> None:
        """Replace the inferred graph (None removes it)."""

    def graph_names(self) -> list[URIRef]:
        """Return the names of the asserted graphs that hold triples, sorted."""

    def named_graph(self, name: URIRef) -> Graph:
        """Return the triples of one asserted graph (the default graph when ``name`` is its id)."""

    def union(self, reasoned: bool = False) -> Graph:
        """Return one merged graph of every asserted triple (plus the inferred ones if asked)."""

    def inferred(self) -> Graph | None:
        """Return the inferred graph, or None when the data has not been reasoned over."""

    def dataset(self, reasoned: bool = False) -> Dataset:
        """Return the quads as a ``Dataset`` (with ``GRAPH_INFERRED`` when reasoned)."""

    def graphs_containing(self, triple: tuple[Node, Node, Node]) -> list[URIRef]:
        """Return the names of the asserted graphs that hold ``triple``, sorted."""

    def query(
        self,
        query: Any,
        init_bindings: Mapping[str, Node] | None = None,
        reasoned: bool = False,
    ) -> Result:
        """Evaluate a prepared SPARQL query over the union (asserted or reasoned view)."""
