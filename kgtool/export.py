"""Write the dataset (asserted or reasoned) in an RDF format, deterministically and atomically.

Triple formats (Turtle, N-Triples, RDF/XML) get the union of the graphs; quad formats (TriG,
N-Quads, JSON-LD) keep the named graphs. JSON-LD is compacted with the project's own context,
built from the ontology (https://www.w3.org/TR/json-ld11/#the-context) and inlined, so the
document reads offline. The same input always gives byte-identical output: triples are sorted,
blank nodes get canonical labels (per named graph, rdflib.compare), and files are replaced
atomically (temp file in the same folder, fsync, ``os.replace``).

On the Oxigraph store (``--store oxigraph``, or auto for big inputs) Turtle, TriG, N-Triples and
N-Quads are written by Oxigraph: the store dumps its quads as N-Triples/N-Quads lines,
Python sorts the lines (by graph, then subject, predicate and object in N-Triples form), and
Oxigraph parses them back and writes Turtle or TriG with the project prefixes, streamed into the
temp file. That output lays statements out as Oxigraph does (not rdflib's ``longturtle``), but is
deterministic and isomorphic to the rdflib path's (tests/store/test_oxigraph_export.py). A view that
holds blank nodes keeps the canonical rdflib path, whose blank node labels are the same on every
run; Oxigraph's labels change from load to load. JSON-LD is compacted with the project context
by kgtool (Oxigraph 0.5 writes expanded JSON-LD only): on the memory store and for graphs with
blank nodes by rdflib's converter, reading each graph from an index of the store's triples, not
from an rdflib copy of the store; on the Oxigraph store, graphs without blank nodes from the
text of Oxigraph's own terms (``OxigraphStore.jsonld_graphs``), with the same result.
"""

from __future__ import annotations

import gc
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from kgtool.core.errors import UsageError
from kgtool.core.namespaces import (
    BASE,
    GRAPH_EDITORIAL,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_SOURCES,
    PREFIXES,
    bind_prefixes,
)
from kgtool.graph import KnowledgeGraph
from kgtool.io.files import Writer, write_atomic
from kgtool.io.serialize import (
    EXPORT_FORMATS,
    QUAD_SERIALIZERS,
    SERIALIZERS,
    JsonldGraph,
    TripleIndex,
    canonical_graph,
    jsonld_text,
    serialize_dataset,
    serialize_graph,
)


def _graph_for_export(kg: KnowledgeGraph, reasoned: bool) -> Graph:
    return canonical_graph(kg.store.union(reasoned))


def _dataset_for_export(kg: KnowledgeGraph, reasoned: bool) -> Dataset:
    source = kg.store.dataset(reasoned)
    out = bind_prefixes(Dataset())
    names = sorted(
        (g.identifier for g in source.graphs() if len(g)),
        key=lambda n: (n != DATASET_DEFAULT_GRAPH_ID, str(n)),
    )
    for name in names:
        graph = canonical_graph(source.graph(name))
        target = out.graph(name)
        for triple in graph:
            target.add(triple)
    return out


def _jsonld_graphs(kg: KnowledgeGraph, reasoned: bool) -> list[JsonldGraph]:
    """The view's non-empty graphs for JSON-LD, indexed from its quads, blank nodes canonical.

    No rdflib copy of the store, and no sorted, prefix-bound copy as for the other formats: the
    JSON-LD converter reads the project context, not a graph's prefixes, and :func:`_sort_json`
    orders the whole document. Only a graph holding blank nodes becomes an rdflib graph, for
    rdflib's canonical labels. A store may give the graphs itself, from its own terms
    (:meth:`~kgtool.store.base.Store.jsonld_graphs`); the same document comes out.
    """
    plain = kg.store.jsonld_graphs(reasoned)
    if plain is not None:
        return plain
    indexes: dict[Node, TripleIndex] = {}
    for triple, name in kg.store.graph_triples(reasoned):
        index = indexes.get(name)
        if index is None:
            index = indexes[name] = TripleIndex(name)
        index.add(triple)
    names = sorted(indexes, key=lambda n: (n != DATASET_DEFAULT_GRAPH_ID, str(n)))
    graphs: list[JsonldGraph] = []
    for name in names:
        index = indexes[name]
        if index.has_blank_nodes:
            graphs.append(canonical_graph(index.to_graph()))
        else:
            graphs.append(index)
    return graphs


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector: building a JSON-LD document allocates a few objects per
    triple (tuples, dicts, lists), none in a cycle, and the collector's passes over them were a
    fifth of the export's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def store_writer(kg: KnowledgeGraph, fmt: str, reasoned: bool = False) -> Writer | None:
    """Return the store's own writer for ``fmt``, when it declares one and takes this view.

    Args:
        kg: The knowledge graph.
        fmt: The export format.
        reasoned: Include ``GRAPH_INFERRED``.

    Returns:
        None when the store has no ``native_export`` capability or declines this view (see
        the module doc); then a function that writes the sorted statements, with the project
        prefixes, into a binary handle.

    >>> from rdflib import Dataset
    >>> store_writer(KnowledgeGraph.from_dataset(Dataset()), "turtle") is None  # memory store
    True
    """
    if not kg.store.capabilities.native_export:
        return None
    return kg.store.native_export(fmt, reasoned)


def render_export(kg: KnowledgeGraph, fmt: str, reasoned: bool = False) -> str:
    """Return the dataset in ``fmt`` (deterministic; see module doc).

    Args:
        kg: The knowledge graph (reason first for ``reasoned``).
        fmt: One of :data:`EXPORT_FORMATS`.
        reasoned: Include ``GRAPH_INFERRED``.

    Returns:
        The serialisation.

    Raises:
        UsageError: If the format is unknown.

    >>> from rdflib import Dataset
    >>> render_export(KnowledgeGraph.from_dataset(Dataset()), "nquads")
    ''
    """
    if fmt not in SERIALIZERS:
        raise UsageError(f"unknown RDF format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    writer = store_writer(kg, fmt, reasoned)
    if writer is not None:
        buffer = io.BytesIO()
        writer(buffer)
        return buffer.getvalue().decode("utf-8")
    if fmt in ("jsonld", "json-ld"):
        with _no_cycle_collection():
            return jsonld_text(_jsonld_graphs(kg, reasoned), kg.ontology)
    if fmt in QUAD_SERIALIZERS:
        return serialize_dataset(_dataset_for_export(kg, reasoned), fmt, kg.ontology)
    return serialize_graph(_graph_for_export(kg, reasoned), fmt)


def export(
    kg: KnowledgeGraph,
    fmt: str,
    reasoned: bool = False,
    dest: str | Path | TextIO | None = None,
) -> str:
    """Serialize the dataset and write it to ``dest`` (a path, a text stream, or nowhere).

    A failing serializer never leaves a partial file behind: the output goes to a temp file
    that replaces ``dest`` only once complete.

    Args:
        kg: The knowledge graph (reason first for ``reasoned``).
        fmt: One of :data:`EXPORT_FORMATS`.
        reasoned: Include ``GRAPH_INFERRED``.
        dest: A file path (written atomically), ``-``/None for no file, or an open text stream.

    Returns:
        The serialised text; empty when written to a file path (the Oxigraph path streams
        large exports there, never holding them as one string).

    Raises:
        UsageError: If the format is unknown.
        ExportError: If the file cannot be written.

    >>> from rdflib import Dataset
    >>> export(KnowledgeGraph.from_dataset(Dataset()), "nt")
    ''
    """
    if isinstance(dest, (str, Path)) and str(dest) != "-":
        writer = store_writer(kg, fmt, reasoned)
        write_atomic(dest, writer if writer is not None else render_export(kg, fmt, reasoned))
        return ""
    text = render_export(kg, fmt, reasoned)
    if dest is not None and not isinstance(dest, (str, Path)):
        dest.write(text)
    return text


#: The graph of the facts the article states as a whole (categories, See also).
GRAPH_ARTICLE = URIRef(BASE + "graph/article")
_SENTENCE_GRAPHS = BASE + "source/"
_WIKIDATA_GRAPHS = BASE + "graph/wikidata"

#: ``export --subset``: a name for a family of named graphs, and the test a graph name passes.
SUBSETS: dict[str, Callable[[Node], bool]] = {
    # The facts stated by the article's sentences: one graph per sentence.
    "facts": lambda name: str(name).startswith(_SENTENCE_GRAPHS),
    # The sentences themselves: quote, section, reference numbers.
    "sources": lambda name: name == GRAPH_SOURCES,
    "editorial": lambda name: name == GRAPH_EDITORIAL,
    # The Wikidata links, with the suggested and enrichment graphs next to them.
    "wikidata": lambda name: str(name).startswith(_WIKIDATA_GRAPHS),
    "article": lambda name: name == GRAPH_ARTICLE,
    "ontology": lambda name: name == GRAPH_ONTOLOGY,
}


def _graph_name(text: str) -> URIRef:
    """An IRI, ``<IRI>``, a prefixed name (``src:lead-2``) or ``graph:NAME`` for the project's
    own graphs (``graph:sources`` is ``https://w3id.org/eleutherai-kg/graph/sources``).

    >>> str(_graph_name("graph:editorial"))
    'https://w3id.org/eleutherai-kg/graph/editorial'
    """
    text = text.strip().removeprefix("<").removesuffix(">")
    prefix, sep, local = text.partition(":")
    if sep and prefix == "graph" and not local.startswith("//"):
        return URIRef(BASE + "graph/" + local)
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return URIRef(PREFIXES[prefix] + local)
    return URIRef(text)


def select_graphs(
    kg: KnowledgeGraph,
    graphs: Sequence[str] = (),
    subsets: Sequence[str] = (),
    reasoned: bool = False,
) -> KnowledgeGraph:
    """Return a view of ``kg`` that holds only the named graphs asked for.

    Args:
        kg: The knowledge graph (reason first for ``reasoned``).
        graphs: Graph names (IRIs or prefixed names), each of which must hold triples.
        subsets: Names from :data:`SUBSETS`.
        reasoned: Keep the inferred graph in the view as well.

    Returns:
        A knowledge graph of the chosen graphs (``kg`` itself when nothing is chosen), with
        ``kg``'s ontology for the JSON-LD context. Export it without ``reasoned``: the
        inferred graph, when kept, is one of its named graphs.

    Raises:
        UsageError: If a subset is unknown or a graph holds no triples.

    >>> from rdflib import Dataset, Literal
    >>> ds = Dataset()
    >>> _ = ds.add((URIRef("urn:a"), URIRef("urn:p"), Literal(1), GRAPH_SOURCES))
    >>> _ = ds.add((URIRef("urn:a"), URIRef("urn:p"), Literal(2), GRAPH_EDITORIAL))
    >>> view = select_graphs(KnowledgeGraph.from_dataset(ds), subsets=["sources"])
    >>> len(view.store.union())
    1
    """
    if not graphs and not subsets:
        return kg
    unknown = [s for s in subsets if s not in SUBSETS]
    if unknown:
        raise UsageError(f"unknown subset {unknown[0]!r} (choose from {', '.join(SUBSETS)})")
    wanted = {_graph_name(g) for g in graphs}
    tests = [SUBSETS[s] for s in subsets]
    source = kg.store.dataset(reasoned)
    present = {g.identifier for g in source.graphs() if len(g)}
    missing = sorted(str(g) for g in wanted - present)
    if missing:
        raise UsageError(f"no graph named <{missing[0]}> holds triples (kgtool stats lists them)")
    view = Dataset()
    for name in sorted(present, key=str):
        keep = name in wanted or any(test(name) for test in tests)
        if keep or (reasoned and name == GRAPH_INFERRED):
            target = view.graph(name)
            for triple in source.graph(name):
                target.add(triple)
    chosen = KnowledgeGraph.from_dataset(view)
    chosen.ontology = kg.ontology
    return chosen


__all__ = [
    "EXPORT_FORMATS",
    "SUBSETS",
    "export",
    "render_export",
    "select_graphs",
    "store_writer",
]
