"""The store seam: one interface over the quads, with declared capabilities, found by name.

Every store keeps the asserted quads apart from the reasoner's output (the graph named
``GRAPH_INFERRED``), offers every operation below, and says in :class:`Capabilities` which of
them it does natively, as rdflib's ``Store`` declares ``context_aware`` and ``graph_aware``.
Callers choose a path by those flags, never by the store's type or attributes. Stores are
registered by name in :data:`STORES` and imported only when asked for (:func:`open_store`), so the
memory path never imports pyoxigraph and the Oxigraph path never imports what it does not use.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from kgtool.core.errors import UsageError

if TYPE_CHECKING:
    from rdflib import Dataset, Graph, URIRef
    from rdflib.query import Result
    from rdflib.term import Node

    from kgtool.core.plain import PlainTerm
    from kgtool.core.terms import Triple
    from kgtool.io.serialize import JsonldGraph
    from kgtool.store.lexical import Rewrite
    from kgtool.store.oxigraph import OxigraphAnswer

#: Writes an export into a binary handle (see :func:`kgtool.io.files.write_atomic`).
Writer = Callable[[IO[bytes]], None]


@dataclass(frozen=True)
class QueryDataset:
    """The RDF dataset of one query, chosen among the stored graphs by name.

    What ``FROM`` / ``FROM NAMED`` describe (https://www.w3.org/TR/sparql11-query/#specifyingDataset),
    or the protocol's ``default-graph-uri`` / ``named-graph-uri``, which override them
    (https://www.w3.org/TR/sparql11-protocol/#dataset). Names are looked up in the store and
    never fetched: a name the store does not hold is an empty graph.

    Attributes:
        default: The graphs whose merge is the default graph (none: it is empty).
        named: The only named graphs a ``GRAPH`` pattern sees.
    """

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    @classmethod
    def of(cls, query: Any) -> QueryDataset | None:
        """Return the dataset an rdflib-parsed query's FROM / FROM NAMED describe, or None.

        >>> from rdflib.plugins.sparql import prepareQuery
        >>> QueryDataset.of(prepareQuery("ASK FROM <urn:a> FROM NAMED <urn:b> {}"))
        QueryDataset(default=('urn:a',), named=('urn:b',))
        >>> QueryDataset.of(prepareQuery("ASK {}")) is None
        True
        """
        algebra = query.algebra
        # CompValue.get answers a missing key with the key itself: test with `in`.
        clause = algebra["datasetClause"] if "datasetClause" in algebra else None  # noqa: SIM401
        if not clause:
            return None
        default = tuple(str(d["default"]) for d in clause if "default" in d)
        named = tuple(str(d["named"]) for d in clause if "named" in d)
        return cls(tuple(dict.fromkeys(default)), tuple(dict.fromkeys(named)))

    def select(self, source: Dataset) -> Dataset:
        """Copy the chosen graphs of ``source`` into a new rdflib dataset, to evaluate over."""
        from rdflib import Dataset, URIRef
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        from kgtool.core.namespaces import bind_prefixes

        dataset = bind_prefixes(Dataset(default_union=False))
        default = dataset.graph(DATASET_DEFAULT_GRAPH_ID)
        for name in self.default:
            for triple in source.graph(URIRef(name)):
                default.add(triple)
        for name in self.named:
            target = dataset.graph(URIRef(name))
            for triple in source.graph(URIRef(name)):
                target.add(triple)
        return dataset


def without_dataset_clause(query: Any) -> Any:
    """Return an rdflib-parsed query without its FROM / FROM NAMED (the same query otherwise).

    rdflib evaluates a FROM whose graph it does not hold by fetching the IRI from the web; the
    dataset is chosen with :class:`QueryDataset` instead.
    """
    algebra = query.algebra
    if "datasetClause" not in algebra or not algebra["datasetClause"]:
        return query
    from rdflib.plugins.sparql.sparql import Query

    algebra = algebra.clone()
    algebra["datasetClause"] = None
    stripped = Query(query.prologue, algebra)
    if hasattr(query, "_original_args"):
        stripped._original_args = query._original_args
    return stripped


@dataclass(frozen=True)
class Capabilities:
    """What a store does natively; every store does all of it, these say where it is cheap.

    Attributes:
        sparql_text: Evaluates SPARQL text itself: the runner hands it the text instead of an
            rdflib-prepared query.
        native_export: :meth:`Store.native_export` writes N-Triples, N-Quads, Turtle and TriG
            without building rdflib graphs (it may still decline a view, e.g. one with blank
            nodes, whose labels only the canonical rdflib writer keeps stable).
        native_closure: :meth:`Store.asserted_for_reasoning` and :meth:`Store.load_inferred`
            hand the reasoner the asserted triples and take its closure as N-Triples bytes,
            with no rdflib graph in between.
    """

    sparql_text: bool = False
    native_export: bool = False
    native_closure: bool = False


def names_blank_node(ntriples: bytes) -> bool:
    """Whether N-Triples or N-Quads text may name a blank node (``_:`` inside a literal counts
    too: callers then take the path that is right for blank nodes, which is right anyway).

    >>> names_blank_node(b'_:b <urn:p> <urn:o> .\\n'), names_blank_node(b'<urn:s> <urn:p> "o" .\\n')
    (True, False)
    """
    return b"_:" in ntriples


class Store(Protocol):
    """What the rest of kgtool needs from a quad store."""

    #: What this store does natively.
    capabilities: Capabilities
    #: The loaded files holding literals the store gives back otherwise than written (a store
    #: that keeps some datatypes by value: Oxigraph reads ``"01"^^xsd:integer`` back as ``"1"``).
    rewrites: list[Rewrite]
    #: Names this store's labels of blank nodes: the blank node ``x`` of a closure computed on
    #: a store of the same name is this store's ``x``. Parsers label blank nodes anew, so each
    #: parse has its own name; a stored copy keeps the one it was built with.
    blank_nodes: str

    def load_files(
        self,
        ontology_files: Sequence[Path],
        data_files: Sequence[Path],
        fmt: str | None = None,
        progress: Callable[[int], None] | None = None,
        base: str | None = None,
    ) -> None:
        """Parse the ontology (into ``GRAPH_ONTOLOGY``) and the fact files into the store.

        Relative IRIs resolve against each file's own URI; ``base`` replaces it for the fact
        files (see :func:`kgtool.io.parse.base_iri`).

        Raises:
            InputError: If a file is missing, of unknown format or malformed (file and line).
        """

    def read_graph(self, files: Sequence[Path]) -> Graph:
        """Parse files into one rdflib graph, not stored (shapes are read this way)."""

    def add_graph(self, name: URIRef | None, triples: Graph) -> None:
        """Add the triples of ``triples`` to the named graph ``name`` (None: the default graph)."""

    def add_dataset(self, dataset: Dataset) -> None:
        """Add every quad of an rdflib dataset, keeping graph names."""

    def set_inferred(self, inferred: Graph | None) -> None:
        """Replace the inferred graph (None removes it)."""

    def inferred(self) -> Graph | None:
        """Return the inferred graph, or None when the data has not been reasoned over."""

    def has_inferred(self) -> bool:
        """Return whether the data has been reasoned over (without copying the inferred graph)."""

    def graph_names(self) -> list[URIRef]:
        """Return the names of the asserted graphs that hold triples, sorted."""

    def named_graph(self, name: URIRef) -> Graph:
        """Return the triples of one asserted graph (the default graph when ``name`` is its id)."""

    def union(self, reasoned: bool = False) -> Graph:
        """Return one merged graph of every asserted triple (plus the inferred ones if asked)."""

    def dataset(self, reasoned: bool = False) -> Dataset:
        """Return the quads as a ``Dataset`` (with ``GRAPH_INFERRED`` when reasoned)."""

    def graphs_containing(self, triple: Triple) -> list[URIRef]:
        """Return the names of the asserted graphs that hold ``triple``, sorted."""

    def triples(
        self, pattern: tuple[Node | None, Node | None, Node | None], reasoned: bool = False
    ) -> Iterator[Triple]:
        """Yield each triple of the chosen view matching ``pattern`` (None: any term) once.

        The store's own index answers, at a cost that grows with the answer: callers that
        need a few triples (``why``) never copy the view.
        """

    def labelled(self, text: str) -> Graph:
        """Return the asserted label triples (``rdfs:label``, ``skos:*Label``) reading ``text``."""

    def query(
        self,
        query: Any,
        init_bindings: Mapping[str, Node] | None = None,
        reasoned: bool = False,
        base: str | None = None,
        graphs: QueryDataset | None = None,
    ) -> Result:
        """Evaluate SPARQL text or a prepared query over the union of the chosen view.

        ``base`` is the IRI that relative IRIs in SPARQL text resolve against (a prepared query
        has its own). With ``graphs``, the query runs over that dataset instead, whatever
        FROM / FROM NAMED the query has (the caller read them into ``graphs``).
        """

    def query_answer(
        self,
        query: Any,
        init_bindings: Mapping[str, Node] | Mapping[str, PlainTerm] | None = None,
        reasoned: bool = False,
        base: str | None = None,
        graphs: QueryDataset | None = None,
    ) -> Result | OxigraphAnswer:
        """As :meth:`query`, but a SELECT or ASK answer may come in the store's own terms.

        Bindings may be plain terms (:class:`~kgtool.core.plain.PlainTerm`), written into SPARQL
        text as they are. Such an answer is a :class:`~kgtool.core.plain.PlainAnswer` that also
        offers the
        attributes of rdflib's ``Result``, converted on first use: the results writers read it
        without rdflib.
        """

    def graph_triples(self, reasoned: bool = False) -> Iterator[tuple[Triple, Node]]:
        """Yield each triple of the chosen view with its graph's name, once per graph.

        The default graph is named ``DATASET_DEFAULT_GRAPH_ID``. No rdflib graph is built, so a
        writer that indexes the triples itself (JSON-LD) does not pay for a copy of the store.
        """

    def jsonld_graphs(self, reasoned: bool = False) -> list[JsonldGraph] | None:
        """Return the view's non-empty graphs as the JSON-LD writer reads them, or None.

        Made from the store's own terms where that is cheaper than rdflib's (a graph without
        blank nodes as a :class:`~kgtool.io.serialize.PlainGraph`, default graph first, then by
        name). None means: index :meth:`graph_triples` instead.
        """

    def queries_dataset_terms(self) -> bool:
        """Whether SPARQL text on the asserted view (:meth:`query`) sees the very terms of
        ``dataset(False)``, blank nodes included, so its solutions can be matched to that
        dataset's nodes (only a ``sparql_text`` store says so; a copy is made otherwise)."""

    def native_export(self, fmt: str, reasoned: bool = False) -> Writer | None:
        """Return a writer of the view in ``fmt`` made by the store itself, or None.

        None means: use the rdflib writers (always so where ``native_export`` is not declared).
        """

    def asserted_for_reasoning(self) -> tuple[set[Triple], dict[Node, Any]]:
        """Return the distinct asserted triples and the term conversions made (native_closure)."""

    def load_inferred(self, ntriples: bytes) -> bool:
        """Replace the inferred graph with N-Triples; False if they do not parse."""


@dataclass(frozen=True)
class StoreEntry:
    """A registered store: where its class lives and what it needs installed."""

    name: str
    target: str
    requires: str | None
    extra: str | None
    summary: str

    def available(self) -> bool:
        """Whether the store's required module can be imported (looked up, not imported)."""
        return self.requires is None or importlib.util.find_spec(self.requires) is not None

    def load(self) -> type[Store]:
        """Import and return the store class."""
        module, _, name = self.target.partition(":")
        cls: type[Store] = getattr(importlib.import_module(module), name)
        return cls


#: The stores kgtool knows, by the name ``--store`` takes.
STORES: dict[str, StoreEntry] = {
    "memory": StoreEntry(
        "memory", "kgtool.store.memory:MemoryStore", None, None, "rdflib's in-memory Dataset"
    ),
    "oxigraph": StoreEntry(
        "oxigraph",
        "kgtool.store.oxigraph:OxigraphStore",
        "pyoxigraph",
        None,
        "Oxigraph (pyoxigraph): in memory, or opened from the cache's stored copy",
    ),
}
#: ``--store`` choices: a registered store, or ``auto`` (Oxigraph when importable).
STORE_CHOICES: tuple[str, ...] = ("auto", *STORES)


def install_hint(extra: str) -> str:
    """Return the command that installs one of the project's extras.

    >>> install_hint("serve")
    "pip install 'eleutherai-kg[serve]'"
    """
    return f"pip install 'eleutherai-kg[{extra}]'"


def resolve_store(kind: str) -> str:
    """Turn a ``--store`` choice into the name of a registered, installed store.

    Args:
        kind: A name from :data:`STORE_CHOICES`; ``auto`` is Oxigraph, the engine of record,
            whenever pyoxigraph can be imported (a dependency of kgtool, so always but in a
            broken install), else the memory store. The inputs do not matter.

    Returns:
        A key of :data:`STORES`.

    Raises:
        UsageError: For an unknown name, or a store whose package is not installed.

    >>> resolve_store("auto")
    'oxigraph'
    """
    if kind == "auto":
        return "oxigraph" if STORES["oxigraph"].available() else "memory"
    entry = STORES.get(kind)
    if entry is None:
        raise UsageError(f"unknown store {kind!r} (choose from {', '.join(STORE_CHOICES)})")
    if not entry.available():
        hint = install_hint(entry.extra) if entry.extra else f"pip install {entry.requires}"
        raise UsageError(f"--store {kind} needs {entry.requires}: {hint}")
    return kind


def open_store(kind: str, **options: Any) -> Store:
    """Return a new, empty store of a registered kind (``auto``: see :func:`resolve_store`).

    Raises:
        UsageError: See :func:`resolve_store`.

    >>> open_store("memory").capabilities.sparql_text
    False
    >>> open_store("auto").capabilities.sparql_text
    True
    """
    return STORES[resolve_store(kind)].load()(**options)
