"""The in-memory store on rdflib."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.query import Result
from rdflib.term import Node

from kgtool.core.namespaces import GRAPH_INFERRED, bind_prefixes, new_dataset


class MemoryStore:
    """An in-memory :class:`Store` on rdflib.

    >>> s = MemoryStore()
    >>> s.graph_names()
    []
    """

    def __init__(self) -> None:
        self._asserted = new_dataset()
        self._inferred: Graph | None = None
        self._cache: dict[tuple[str, bool], Any] = {}

    def add_graph(self, name: URIRef | None, triples: Graph) -> None:
        """Add ``triples`` to graph ``name`` (None: the default graph)."""
        target = self._asserted.graph(name or DATASET_DEFAULT_GRAPH_ID)
        for triple in triples:
            target.add(triple)
        self._cache.clear()

    def add_dataset(self, dataset: Dataset) -> None:
        """Add every quad of ``dataset``, keeping graph names."""
        for s, p, o, g in dataset.quads((None, None, None, None)):
            name = g.identifier if isinstance(g, Graph) else g
            self._asserted.graph(name or DATASET_DEFAULT_GRAPH_ID).add((s, p, o))
        self._cache.clear()

    def set_inferred(self, inferred: Graph | None) -> None:
        """Replace the inferred graph (None removes it)."""
        self._inferred = inferred
        self._cache.clear()

    def inferred(self) -> Graph | None:
        """Return the inferred graph, or None."""
        return self._inferred

    def graph_names(self) -> list[URIRef]:
        """Return the names of the asserted graphs that hold triples, sorted."""
        names = {
            g.identifier
            for g in self._asserted.graphs()
            if len(g) and isinstance(g.identifier, URIRef)
        }
        return sorted(names)

    def named_graph(self, name: URIRef) -> Graph:
        """Return one asserted graph."""
        return self._asserted.graph(name)

    def _iter_asserted(self) -> Iterator[tuple[Node, Node, Node]]:
        for g in self._asserted.graphs():
            yield from g

    def union(self, reasoned: bool = False) -> Graph:
        """Return the merged graph of the chosen view (cached until the store changes)."""
        key = ("union", reasoned)
        if key not in self._cache:
            merged = bind_prefixes(Graph())
            for triple in self._iter_asserted():
                merged.add(triple)
            if reasoned and self._inferred is not None:
                for triple in self._inferred:
                    merged.add(triple)
            self._cache[key] = merged
        return self._cache[key]

    def dataset(self, reasoned: bool = False) -> Dataset:
        """Return the quads; the reasoned view is a copy with ``GRAPH_INFERRED`` added."""
        if not reasoned or self._inferred is None:
            return self._asserted
        key = ("dataset", True)
        if key not in self._cache:
            view = new_dataset()
            for s, p, o, g in self._asserted.quads((None, None, None, None)):
                name = g.identifier if isinstance(g, Graph) else g
                view.graph(name).add((s, p, o))
            inferred = view.graph(GRAPH_INFERRED)
            for triple in self._inferred:
                inferred.add(triple)
            self._cache[key] = view
        return self._cache[key]

    def graphs_containing(self, triple: tuple[Node, Node, Node]) -> list[URIRef]:
        """Return the sorted names of the asserted graphs holding ``triple``."""
        names = {
            g.identifier
            for g in self._asserted.graphs()
            if triple in g and isinstance(g.identifier, URIRef)
        }
        return sorted(names)

    def query(
        self,
        query: Any,
        init_bindings: Mapping[str, Node] | None = None,
        reasoned: bool = False,
    ) -> Result:
        """Evaluate ``query`` with the default graph as the union of the chosen view."""
        return self.dataset(reasoned).query(query, initBindings=dict(init_bindings or {}))  # type: ignore[arg-type]
