"""The in-memory store on rdflib: every quad in an rdflib ``Dataset``, queries in rdflib's engine.

The reasoner's output sits in its own graph, so asserted and inferred triples never mix. It
declares no native capability: callers take the rdflib paths (prepared queries, rdflib writers).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.query import Result
from rdflib.term import Node

from kgtool.core.namespaces import (
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    bind_prefixes,
    new_dataset,
    new_graph,
)
from kgtool.core.plain import PlainTerm, rdflib_bindings
from kgtool.core.terms import LABEL_PROPERTIES, Triple
from kgtool.io.parse import merged_graph, parse_file, parse_graph_files
from kgtool.store.base import Capabilities, QueryDataset, Writer

if TYPE_CHECKING:
    from kgtool.io.serialize import JsonldGraph
    from kgtool.store.lexical import Rewrite


class MemoryStore:
    """An in-memory :class:`~kgtool.store.base.Store` on rdflib.

    >>> s = MemoryStore()
    >>> s.graph_names()
    []
    """

    capabilities = Capabilities()

    def __init__(self) -> None:
        #: Always empty: rdflib keeps every lexical form (see :mod:`kgtool.core.patches`).
        self.rewrites: list[Rewrite] = []
        #: rdflib's parsers give every blank node a new random label: this instance's own.
        self.blank_nodes = uuid.uuid4().hex
        self._asserted = new_dataset()
        self._inferred: Graph | None = None
        self._cache: dict[tuple[str, bool], Any] = {}

    def add_graph(self, name: URIRef | None, triples: Graph) -> None:
        """Add ``triples`` to graph ``name`` (None: the default graph; nothing if empty)."""
        if not len(triples):
            return
        target = self._asserted.graph(name or DATASET_DEFAULT_GRAPH_ID)
        for triple in triples:
            target.add(triple)
        self._cache.clear()

    def add_dataset(self, dataset: Dataset) -> None:
        """Add every quad of ``dataset``, keeping graph names."""
        # Into rdflib's store directly, each graph looked up once: Dataset.graph() and
        # Graph.add for every quad were a sixth of the copy (0.80-0.87 s at 50 k quads).
        store = self._asserted.store
        targets: dict[Node | None, Graph] = {}
        for triple, contexts in dataset.store.triples((None, None, None), None):
            for context in contexts:
                name = context.identifier if isinstance(context, Graph) else context
                target = targets.get(name)
                if target is None:
                    target = targets[name] = self._asserted.graph(name or DATASET_DEFAULT_GRAPH_ID)
                store.add(triple, target, False)
        self._cache.clear()

    def set_inferred(self, inferred: Graph | None) -> None:
        """Replace the inferred graph (None removes it)."""
        self._inferred = inferred
        self._cache.clear()

    def inferred(self) -> Graph | None:
        """Return the inferred graph, or None."""
        return self._inferred

    def has_inferred(self) -> bool:
        """Return whether an inferred graph is held (possibly empty)."""
        return self._inferred is not None

    def graph_names(self) -> list[URIRef]:
        """Return the names of the asserted graphs that hold triples, sorted."""
        # The default graph is a context too, under rdflib's internal name: not a named graph.
        names = {
            g.identifier
            for g in self._asserted.graphs()
            if len(g)
            and isinstance(g.identifier, URIRef)
            and g.identifier != DATASET_DEFAULT_GRAPH_ID
        }
        return sorted(names)

    def named_graph(self, name: URIRef) -> Graph:
        """Return one asserted graph (an empty one is not created in the dataset).

        >>> s = MemoryStore()
        >>> len(s.named_graph(URIRef("urn:g"))), s.graph_names()
        (0, [])
        """
        # get_context, not graph(): graph() would add an empty named graph to the dataset,
        # which GRAPH ?g { } then lists.
        return self._asserted.get_context(name)

    def _iter_asserted(self) -> Iterator[tuple[Node, Node, Node]]:
        for g in self._asserted.graphs():
            yield from g

    def union(self, reasoned: bool = False) -> Graph:
        """Return the merged graph of the chosen view (cached until the store changes)."""
        key = ("union", reasoned)
        if key not in self._cache:
            merged = new_graph()
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
            for g in self._asserted.contexts(triple)
            if isinstance(g.identifier, URIRef) and g.identifier != DATASET_DEFAULT_GRAPH_ID
        }
        return sorted(names)

    def query_answer(
        self,
        query: Any,
        init_bindings: Mapping[str, Node] | Mapping[str, PlainTerm] | None = None,
        reasoned: bool = False,
        base: str | None = None,
        graphs: QueryDataset | None = None,
    ) -> Result:
        """The same as :meth:`query`: rdflib's terms are this store's own."""
        return self.query(query, rdflib_bindings(init_bindings), reasoned, base, graphs)

    def query(
        self,
        query: Any,
        init_bindings: Mapping[str, Node] | None = None,
        reasoned: bool = False,
        base: str | None = None,
        graphs: QueryDataset | None = None,
    ) -> Result:
        """Evaluate ``query`` with the default graph as the union of the chosen view.

        With ``graphs``, over that dataset of the view's graphs instead (a prepared query's
        own FROM / FROM NAMED must have been taken out: rdflib would fetch them).
        """
        extra: dict[str, Any] = {"base": base} if base and isinstance(query, str) else {}
        source = self.dataset(reasoned)
        if graphs is not None:
            source = graphs.select(source)
        return source.query(
            query,
            initBindings=dict(init_bindings or {}),  # type: ignore[arg-type]
            **extra,
        )

    def load_files(
        self,
        ontology_files: Sequence[Path],
        data_files: Sequence[Path],
        fmt: str | None = None,
        progress: Callable[[int], None] | None = None,
        base: str | None = None,
    ) -> None:
        """Parse the ontology into ``GRAPH_ONTOLOGY`` and the facts (graph names kept).

        ``progress`` is called with each file's size once it is parsed; ``base`` replaces the
        fact files' own URIs as base IRI.
        """
        for f in ontology_files:
            # add_graph creates the ontology graph only when there is something to put in it.
            self.add_graph(GRAPH_ONTOLOGY, merged_graph(parse_file(f)))
            _report_size(f, progress)
        for f in data_files:
            self.add_dataset(parse_file(f, fmt, base))
            _report_size(f, progress)
        self._cache.clear()

    def read_graph(self, files: Sequence[Path]) -> Graph:
        """Parse files with rdflib into one graph (graph names dropped)."""
        return parse_graph_files(files)

    def triples(
        self, pattern: tuple[Node | None, Node | None, Node | None], reasoned: bool = False
    ) -> Iterator[Triple]:
        """Yield the view's triples matching ``pattern``, each once.

        >>> list(MemoryStore().triples((None, None, None)))
        []
        """
        # rdflib's store answers across every context at once, each triple once, from its
        # indexes: the merged graph would copy the whole view for a few lookups.
        asserted = self._asserted.store
        for triple, _contexts in asserted.triples(pattern, None):
            yield triple
        if reasoned and self._inferred is not None:
            for triple in self._inferred.triples(pattern):
                if not any(True for _ in asserted.triples(triple, None)):
                    yield triple

    def labelled(self, text: str) -> Graph:
        """Return the asserted label triples whose text is ``text``.

        >>> MemoryStore().labelled("EleutherAI").__len__()
        0
        """
        found = bind_prefixes(Graph())
        # One lookup per property over every context at once: asked graph by graph, rdflib's
        # memory store scans the property's triples again for each graph.
        for prop in LABEL_PROPERTIES:
            for (s, _, o), _contexts in self._asserted.store.triples((None, prop, None), None):
                if isinstance(o, Literal) and str(o) == text:
                    found.add((s, prop, o))
        return found

    def graph_triples(self, reasoned: bool = False) -> Iterator[tuple[Triple, Node]]:
        """Yield each triple of the chosen view with its graph's name.

        >>> list(MemoryStore().graph_triples())
        []
        """
        for graph in self.dataset(reasoned).graphs():
            for triple in graph:
                yield triple, graph.identifier

    def jsonld_graphs(self, reasoned: bool = False) -> list[JsonldGraph] | None:
        """Return None: the JSON-LD writer indexes :meth:`graph_triples`, rdflib's terms."""
        return None

    def queries_dataset_terms(self) -> bool:
        """Return False: SPARQL text here is rdflib's, which the fast validation engine avoids."""
        return False

    def native_export(self, fmt: str, reasoned: bool = False) -> Writer | None:
        """Return None: the rdflib writers serialize this store."""
        return None

    def asserted_for_reasoning(self) -> tuple[set[Triple], dict[Node, Any]]:
        """Return the distinct asserted triples (no term conversions: they are rdflib's)."""
        return set(self._iter_asserted()), {}

    def load_inferred(self, ntriples: bytes) -> bool:
        """Replace the inferred graph with N-Triples text; False (and none) if it does not parse."""
        from kgtool.store.convert import closure_graph

        graph = closure_graph(ntriples, GRAPH_INFERRED)
        self.set_inferred(graph)
        return graph is not None


def _report_size(path: Path, progress: Callable[[int], None] | None) -> None:
    if progress is not None and str(path) != "-":
        progress(path.stat().st_size)  # it was just parsed, so it exists
