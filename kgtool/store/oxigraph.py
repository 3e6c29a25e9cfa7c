"""An Oxigraph-backed :class:`kgtool.store.base.Store`: the same answers as the memory store,
faster.

pyoxigraph (https://pyoxigraph.readthedocs.io/) parses, stores and queries natively; this module
only converts terms between rdflib and pyoxigraph at the edges. SPARQL given as text runs inside
Oxigraph; an rdflib-prepared query (which has no text left) runs on an rdflib view of the quads,
so every caller of the :class:`~kgtool.store.base.Store` protocol keeps working.

Asserted quads and the reasoner's ``GRAPH_INFERRED`` share one Oxigraph store. rdflib's union
default graph is a *set* of triples, Oxigraph's ``use_default_graph_as_union`` a *bag* of quads (a
triple stated by two sentences matches twice). So a query takes the native union only when the
view has no triple in two graphs (one ``ASK`` inside Oxigraph, asked once per change of the store)
and, for the asserted view, no inferred graph is stored; otherwise it falls back to ``UNION_GRAPH``,
a deduplicated copy of the asserted triples built on first need (the native union keeps
queries near pyoxigraph's own speed at 1 M triples, where the copy doubled memory).
"""

from __future__ import annotations

import atexit
import io
import re
import shutil
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from kgtool.core.errors import (
    ExportError,
    InputError,
    KgtoolError,
    QueryRunError,
    QuerySyntaxError,
)
from kgtool.core.iris import (
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    LABEL_IRIS,
    RDF_LANG_STRING,
    XSD_STRING,
)
from kgtool.core.iris import PREFIXES as OX_PREFIXES
from kgtool.core.plain import PlainAnswer, PlainRow, PlainTerm, plain_literal, rdflib_bindings
from kgtool.io.files import scratch_folder
from kgtool.io.formats import RDF_FORMATS, find_rdf_format
from kgtool.io.parse import base_iri, bind_file_prefixes, parse_file, rdf_format
from kgtool.store.base import Capabilities, QueryDataset, Writer, names_blank_node
from kgtool.store.lexical import Rewrite, find_rewrite, typed

if TYPE_CHECKING:
    # rdflib is imported by the methods that hand out or take rdflib terms and graphs: a query
    # answered and written from Oxigraph's own terms (:class:`OxigraphAnswer`) needs none of it.
    from rdflib import Dataset, Graph, URIRef, Variable
    from rdflib.query import Result
    from rdflib.term import Node

    from kgtool.core.terms import Triple
    from kgtool.io.serialize import JsonldGraph, PlainTriple, PlainValue

#: Formats Oxigraph parses natively here; JSON-LD and RDF/XML go through rdflib so that remote
#: contexts are refused and the triples are exactly those of the memory store.
_NATIVE_FORMATS: dict[str, ox.RdfFormat] = {
    f.rdflib: getattr(ox.RdfFormat, f.oxigraph) for f in RDF_FORMATS if f.oxigraph
}
#: A graph of the store's own, holding the asserted triples once each. rdflib's union default
#: graph is a set of triples, Oxigraph's ``use_default_graph_as_union`` a bag of quads: a triple
#: stated by two sentences would otherwise match twice.
UNION_GRAPH = ox.NamedNode("urn:x-kgtool:union")
_INFERRED = ox.NamedNode(GRAPH_INFERRED)
_INTERNAL = (UNION_GRAPH, _INFERRED)
_INTERNAL_LIST = f"({UNION_GRAPH}, {_INFERRED})"
#: Only a query that mentions GRAPH can see which named graphs exist (FROM NAMED names its own).
_GRAPH_KEYWORD = re.compile(r"\bGRAPH\b", re.IGNORECASE)
_LABELS = LABEL_IRIS
#: Files above this size are bulk-loaded (see :meth:`OxigraphStore.load_file`).
BULK_LOAD_BYTES = 1_000_000
#: The objects a parse gives as the store holds them (a blank node it would label anew).
_PLAIN_OBJECTS = (ox.NamedNode, ox.Literal)
#: From this many quads on, added quads go through the bulk loader (:meth:`OxigraphStore._insert`):
#: on disk it was as fast as a transaction at 1 k quads and twice as fast from 10 k.
BULK_EXTEND_QUADS = 5_000


@dataclass(frozen=True)
class InputPart:
    """One input as the store loaded it: enough to read it again as written.

    Attributes:
        path: The file (``-``: standard input).
        fmt: Its rdflib format name.
        to_graph: The IRI of the graph its triples went into (None: the default graph, or a
            quad format's own graphs).
        base: The base IRI given instead of the file's own URI.
        parsed: Standard input's parse, kept since it cannot be read again.
    """

    path: Path
    fmt: str
    to_graph: str | None = None
    base: str | None = None
    parsed: Dataset | None = None
    #: The file's :func:`file_stamp` when the part was made, before the file was read.
    stamp: tuple[int, ...] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.stamp is None:
            object.__setattr__(self, "stamp", file_stamp(self.path))

    def unchanged(self) -> bool:
        """Whether reading the input again gives what the store loaded: standard input's
        kept parse does; a file does while its stamp is the one it had before it was read."""
        if self.parsed is not None:
            return True
        return self.stamp is not None and file_stamp(self.path) == self.stamp


def file_stamp(path: Path) -> tuple[int, ...] | None:
    """What changes when a file is written or replaced: its device, inode, size and
    modification time (None for standard input, or a file that cannot be read).

    Reading a file again is only worth its lower cost while it still holds what was loaded; a
    digest would need the whole file read to tell.
    """
    if str(path) == "-":
        return None
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def input_parts(
    ontology_files: Sequence[Path], data_files: Sequence[Path], fmt: str | None, base: str | None
) -> list[InputPart]:
    """The parts :meth:`OxigraphStore.load_files` loads, in its order: the ontology files into
    ``GRAPH_ONTOLOGY``, then the facts (``fmt`` and ``base`` apply to these only)."""
    return [
        *(InputPart(f, rdf_format(f), GRAPH_ONTOLOGY) for f in ontology_files),
        *(InputPart(f, rdf_format(f, fmt), None, base) for f in data_files),
    ]


def _graph_node(name: str | None) -> ox.NamedNode | ox.DefaultGraph:
    """The graph a triple file is loaded into, by IRI (None: the default graph)."""
    return ox.DefaultGraph() if name is None else ox.NamedNode(str(name))


def _part_quads(part: InputPart) -> Iterator[Any]:
    """The quads of one input as written, as the store loaded it (into its graph)."""
    from rdflib import Graph

    from kgtool.store.convert import graph_name_to_ox, to_ox

    native = _NATIVE_FORMATS.get(part.fmt)
    target = _graph_node(part.to_graph)
    if part.parsed is None and native is not None and str(part.path) != "-":
        try:
            quads = list(_parsed_quads(part.path, native, base_iri(part.path, part.base)))
        except MemoryError:
            pass  # past Oxigraph's 16 MiB token limit: the store read it with rdflib too
        else:
            if native.supports_datasets or part.to_graph is None:
                yield from quads  # already in their graph (a triple file's: the default one)
                return
            for q in quads:
                yield ox.Quad(q.subject, q.predicate, q.object, target)
            return
    parsed = part.parsed if part.parsed is not None else parse_file(part.path, part.fmt, part.base)
    for s, p, o, g in parsed.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        graph = target if part.to_graph is not None else graph_name_to_ox(name)
        yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph)


def _part_nquads(part: InputPart) -> bytes:
    """The N-Quads lines of one input as written, as the store loaded it (into its graph):
    :func:`_part_quads`, with no Python object per quad where Oxigraph parses the file."""
    native = _NATIVE_FORMATS.get(part.fmt)
    if part.parsed is None and native is not None and str(part.path) != "-":
        quads = _parsed_quads(part.path, native, base_iri(part.path, part.base))
        try:
            # A triple file's quads are in the default graph: their N-Quads lines are the
            # N-Triples lines, then moved into the graph the store loaded them into.
            data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
        except MemoryError:
            pass  # past Oxigraph's 16 MiB token limit: the store read it with rdflib too
        else:
            if native.supports_datasets or part.to_graph is None:
                return data
            tail = f" {_graph_node(part.to_graph)} .".encode()
            return b"".join(line[:-2] + tail + b"\n" for line in data.split(b"\n") if line)
    return ox.serialize(_part_quads(part), format=ox.RdfFormat.N_QUADS) or b""


class OxigraphStore:
    """A :class:`~kgtool.store.base.Store` on a pyoxigraph store (in memory, or on disk at
    ``path``).

    >>> from rdflib import BNode, Graph, Literal, URIRef
    >>> from rdflib import Literal
    >>> s = OxigraphStore()
    >>> s.add_graph(URIRef("urn:g"), Graph().add((URIRef("urn:a"), URIRef("urn:b"), Literal(1))))
    >>> s.graph_names(), len(s.union())
    ([rdflib.term.URIRef('urn:g')], 1)
    """

    capabilities = Capabilities(sparql_text=True, native_export=True, native_closure=True)

    def __init__(self, path: str | Path | None = None, read_only: bool = False) -> None:
        if path is None:
            self._handle = _Handle.scratch()
        elif read_only:
            self._handle = _Handle(ox.Store.read_only(str(path)))
        else:
            self._handle = _Handle(ox.Store(str(path)))
        self.read_only = read_only
        #: Oxigraph's loaders label blank nodes at random: a new store's labels are its own
        #: (a stored copy's name comes from its record, a scratch copy keeps its source's).
        self.blank_nodes = uuid.uuid4().hex
        #: The cache entry this store was opened from (see :mod:`kgtool.store.snapshot`).
        self.snapshot: Path | None = None
        #: Parses the inputs of :attr:`snapshot` again into a scratch store: used when the
        #: entry turns out damaged while it is read (a file removed or changed under it).
        self.reparse: Callable[[], OxigraphStore] | None = None
        self._cache: dict[tuple[str, bool], Any] = {}
        #: The loaded files whose typed literals this store gives back otherwise than written
        #: (it keeps numbers, booleans, dates by value): see :mod:`kgtool.store.lexical`.
        self.rewrites: list[Rewrite] = []
        #: The inputs loaded, in order, to read again as written while :attr:`rewrites` is not
        #: empty; None once quads were added otherwise (then the store's own forms are all
        #: there is).
        self.parts: list[InputPart] | None = []

    @property
    def ox(self) -> ox.Store:
        """The pyoxigraph store (owned by this object: do not keep it past its life)."""
        store = self._handle.store
        assert store is not None
        return store

    # -- writing ------------------------------------------------------------------------------

    def make_writable(self) -> None:
        """Replace a read-only store by a writable scratch copy of its quads.

        A stored copy of the inputs is shared by every process that opens it, so it is never
        written: the reasoner's closure, say, goes into this process's own copy. That copy is a
        RocksDB checkpoint (hard links to the stored copy's immutable table files): milliseconds
        whatever the size, where dumping and reloading N-Quads took seconds at 50 k triples.
        """
        if not self.read_only:
            return
        try:
            self._handle = _Handle.copy_of(self.ox)
        except (OSError, RuntimeError):
            self._replace_damaged()
            return
        self.read_only = False
        self.snapshot = None
        self._keep_asserted_facts()

    def _replace_damaged(self) -> None:
        """Drop a damaged cache entry and carry on from a fresh parse of its inputs.

        Raises:
            QueryRunError: If the store was not opened from the cache (nothing to parse again).
        """
        entry, reparse = self.snapshot, self.reparse
        if entry is None or reparse is None:
            raise QueryRunError("the Oxigraph store could not be read")
        from kgtool.store.snapshot import discard

        discard(entry)
        fresh = reparse()
        self._handle = fresh._handle
        self.blank_nodes = fresh.blank_nodes
        self.read_only = False
        self.snapshot = None
        self.reparse = None
        self._cache.clear()

    def prepare_read_only(self) -> bool:
        """Store now what queries would otherwise build on first need, before the store is
        opened read-only: the deduplicated union graph, when a triple sits in two graphs.

        Returns:
            Whether a triple sits in two graphs (pass it to :meth:`known_duplicates` when the
            store is opened again, so that the question is not asked on every open).
        """
        duplicates = self._has_duplicates()
        if duplicates:
            self._ensure_union()
        return duplicates

    def known_duplicates(self, duplicates: bool) -> None:
        """Take the answer of :meth:`_has_duplicates` as known (the store does not change)."""
        self._cache[("duplicates", True)] = duplicates
        # Asked before any reasoning: the same answer for the asserted graphs alone.
        self._cache[("duplicates", False)] = duplicates

    def _keep_asserted_facts(self) -> None:
        """Forget what the store has cached, but for what depends on the asserted graphs alone
        (the inferred graph changed, or the same quads moved into a writable store)."""
        kept = self._cache.get(("duplicates", False))
        self._cache.clear()
        if kept is not None:
            self._cache[("duplicates", False)] = kept

    def _changed(self) -> None:
        self._cache.clear()
        if self.ox.contains_named_graph(UNION_GRAPH):
            self.ox.remove_graph(UNION_GRAPH)

    def _ensure_union(self) -> None:
        if not self.ox.contains_named_graph(UNION_GRAPH):
            self.make_writable()
            self.ox.add_graph(UNION_GRAPH)
            # Runs inside Oxigraph; inserting a triple twice into one graph keeps one copy.
            self.ox.update(
                f"INSERT {{ GRAPH {UNION_GRAPH} {{ ?s ?p ?o }} }} WHERE {{ "
                f"{{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} "
                f"FILTER(?g NOT IN ({UNION_GRAPH}, {_INFERRED})) }} }}"
            )

    def add_graph(self, name: URIRef | None, triples: Graph) -> None:
        """Add the triples of ``triples`` to graph ``name`` (None: the default graph)."""
        self.parts = None
        self._add_graph(name, triples)

    def _add_graph(self, name: URIRef | None, triples: Graph) -> None:
        from kgtool.store.convert import graph_name_to_ox, to_ox

        g = graph_name_to_ox(name)
        self.make_writable()
        self._insert([ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in triples])
        self._changed()

    def _insert(self, quads: list[Any]) -> None:
        """Add ``quads``: in one transaction, or, from :data:`BULK_EXTEND_QUADS` on, with the
        bulk loader (at 100 k quads on disk 0.48 s against 1.16 s; the same content, and so on
        RocksDB the same order). Its writes are not one transaction, but the quads are Oxigraph
        terms already, so only the disk can fail it."""
        if len(quads) >= BULK_EXTEND_QUADS:
            self.ox.bulk_extend(quads)
        else:
            self.ox.extend(quads)

    def add_dataset(self, dataset: Dataset) -> None:
        """Add every quad of an rdflib dataset, keeping graph names."""
        self.parts = None
        self._add_dataset(dataset)

    def _add_dataset(self, dataset: Dataset) -> None:
        from rdflib import Graph

        from kgtool.store.convert import graph_name_to_ox, to_ox

        quads = []
        self.make_writable()
        for s, p, o, g in dataset.quads((None, None, None, None)):
            name = g.identifier if isinstance(g, Graph) else g
            quads.append(ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph_name_to_ox(name)))
        self._insert(quads)
        self._changed()

    def load_file(
        self,
        path: Path,
        fmt: str,
        to_graph: str | None = None,
        progress: Callable[[int], None] | None = None,
        base: str | None = None,
    ) -> None:
        """Parse one file natively into the store (triple formats into ``to_graph``).

        Args:
            path: The file.
            fmt: An rdflib format name (see :func:`kgtool.io.parse.rdf_format`).
            to_graph: The IRI of the graph for triple formats (None: the default graph).
            progress: Called with the number of bytes Oxigraph has just read (a file read by
                rdflib instead reports its size once, when parsed).
            base: The base IRI instead of the file's own URI (see :func:`kgtool.io.parse.base_iri`).

        Raises:
            InputError: If the file does not parse; the message is the memory store's own.
        """

        native = _NATIVE_FORMATS.get(fmt)
        self.make_writable()
        if native is None or str(path) == "-":
            parsed = parse_file(path, fmt, base)
            if self.parts is not None:
                # Standard input cannot be read again: its parse is kept.
                kept = parsed if str(path) == "-" else None
                self.parts.append(InputPart(path, fmt, to_graph, base, kept))
            self._add_parsed(parsed, to_graph)
            self._note_rewrite(path, typed(_dataset_objects(parsed)))
            _report_size(path, progress)
            return
        target = None if native.supports_datasets else _graph_node(to_graph)
        iri = base_iri(path, base)
        if self.parts is not None:
            self.parts.append(InputPart(path, fmt, to_graph, base))
        # A bulk load writes table files directly: twice as fast at 100 k triples, but with a
        # fixed cost per call that makes it slower than a transaction for small files. Either
        # way the store's content is the same; a file that fails leaves it unusable, and the
        # caller never uses a store whose load raised.
        bulk = path.stat().st_size > BULK_LOAD_BYTES
        load = self.ox.bulk_load if bulk else self.ox.load

        def run_load() -> None:
            if progress is None and not bom:
                load(path=str(path), format=native, base_iri=iri, to_graph=target)
                return
            with path.open("rb") as handle:
                # Oxigraph reads through this, a few kB at a time: the progress bar counts
                # bytes parsed (no slower than path=; measured at 100 k triples).
                reader: Any = handle
                if progress is not None:
                    reader = io.BufferedReader(_CountingReader(handle, progress), 1 << 16)
                if bom:
                    reader.read(len(_BOM))
                load(input=reader, format=native, base_iri=iri, to_graph=target)

        literals: list[ox.Literal] | None = None
        try:
            bom = _has_bom(path)
            if bulk:
                literals = _typed_while(run_load, path, native, iri)
            else:
                run_load()
        except MemoryError:
            # Oxigraph's documented limit: it refuses a single token over 16 MiB (a 50 MB
            # literal, say) though the file is valid. rdflib has no such limit.
            parsed = parse_file(path, fmt, base)
            self._add_parsed(parsed, to_graph)
            self._note_rewrite(path, typed(_dataset_objects(parsed)))
        except (SyntaxError, ValueError, OSError) as exc:
            raise _refusal(path, fmt, base, exc) from exc
        else:
            if literals is not None:
                self._note_rewrite(path, literals)
            elif self._has_typed_literals():
                self._note_rewrite(path, typed(_parsed_objects(path, native, iri)))
        self._changed()
        marker = _triple_term_marker(path)
        if marker is not None and self._has_triple_terms():
            # Oxigraph reads RDF 1.2 triple terms; the rest of kgtool (rdflib's terms, the
            # reasoner, the shapes) has none, so they are refused here, not deep inside a command.
            raise InputError(
                f"{path}:{marker}: RDF 1.2 triple terms and reification (<< >>, {{| |}}, ~) are "
                "not supported (the first such mark is on this line)"
            )

    def _has_typed_literals(self) -> bool:
        # Stops at the first: cheap when there are some, and saves parsing the file again
        # when there are none (nothing a store keeps by value).
        return bool(
            self.ox.query(
                "ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } FILTER(isLiteral(?o) "
                "&& lang(?o) = '' && datatype(?o) != <http://www.w3.org/2001/XMLSchema#string>) }"
            )
        )

    def _note_rewrite(self, path: Path, literals: Iterable[Any]) -> None:
        rewrite = find_rewrite(str(path), literals)
        if rewrite is not None:
            self.rewrites.append(rewrite)

    def _has_triple_terms(self) -> bool:
        answer = self.ox.query(
            "ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } "
            "FILTER(isTRIPLE(?s) || isTRIPLE(?o)) }"
        )
        return bool(answer)

    def load_files(
        self,
        ontology_files: Sequence[Path],
        data_files: Sequence[Path],
        fmt: str | None = None,
        progress: Callable[[int], None] | None = None,
        base: str | None = None,
    ) -> None:
        """Parse the ontology (into ``GRAPH_ONTOLOGY``) and the facts natively into the store.

        Args:
            ontology_files: Ontology files.
            data_files: Fact files (quad formats keep graph names, triple formats fill the
                default graph).
            fmt: Parse every data file in this format instead of guessing from the extension.
            progress: Called with the number of bytes just read (see :meth:`load_file`).
            base: The base IRI of the fact files instead of their own URIs.

        Raises:
            InputError: If a file is missing, of unknown format or malformed.
        """
        for part in input_parts(ontology_files, data_files, fmt, base):
            self.load_file(part.path, part.fmt, part.to_graph, progress, part.base)

    def read_graph(self, files: Sequence[Path]) -> Graph:
        """Parse triple files natively and merge their triples (graph names dropped).

        Oxigraph's parser alone, not a store: it keeps every lexical form as written (a store
        keeps numbers by value), and the files' ``@prefix`` bindings, which pySHACL reads
        prefixed names in SPARQL constraints with. Formats Oxigraph cannot parse, stdin, and
        a token over Oxigraph's 16 MiB limit go through rdflib; a file Oxigraph refuses is an
        input error worded as the memory store's (file and line).

        >>> len(OxigraphStore().read_graph([]))
        0
        """
        from kgtool.core.namespaces import new_graph
        from kgtool.store.convert import rdflib_triples

        graph = new_graph()
        for f in files:
            fmt = rdf_format(f)
            native = _NATIVE_FORMATS.get(fmt)
            if native is not None and str(f) != "-":
                try:
                    data = f.read_bytes()
                    if data.startswith(_BOM):
                        data = data[len(_BOM) :]
                    parser = ox.parse(data, format=native, base_iri=base_iri(f))
                    triples = list(rdflib_triples(parser))
                except MemoryError:
                    pass  # the 16 MiB token limit: rdflib reads it below
                except (SyntaxError, ValueError, OSError) as exc:
                    raise _refusal(f, fmt, None, exc) from exc
                else:
                    for triple in triples:
                        graph.add(triple)
                    for prefix, namespace in parser.prefixes.items():
                        graph.bind(prefix, namespace, override=False)
                    continue
            parsed = parse_file(f, fmt)
            for s, p, o, _ in parsed.quads((None, None, None, None)):
                graph.add((s, p, o))
            bind_file_prefixes(graph, parsed)
        return graph

    def queries_dataset_terms(self) -> bool:
        """Whether :meth:`query` sees the terms of ``dataset(False)``: yes, unless that view is
        the inputs read as written, whose blank nodes a parse labels anew. (Where it reads
        ``"01"^^xsd:integer`` as written, SPARQL sees ``"1"``, as any Oxigraph store would.)"""
        return not self._reads_as_written()

    def native_export(self, fmt: str, reasoned: bool = False) -> Writer | None:
        """Return a writer of the view made by Oxigraph, or None when the view has blank nodes.

        N-Triples and N-Quads: Oxigraph's lines (of the inputs read again where they are
        known, see :meth:`_graph_lines`, so literals stay as written), sorted as text: the same
        bytes as the rdflib path's. Turtle and TriG: those statements parsed back and written
        by Oxigraph with the project prefixes, streamed. Blank node labels change from load to
        load, so a view holding any is left to the canonical rdflib writer (None).
        """
        name = find_rdf_format(fmt)
        if name is None:
            return None
        if name.name in ("nt", "nquads"):
            data = self.sorted_dump(name.name, reasoned, grouped=False)
            if data is None:
                return None

            def write_lines(handle: IO[bytes]) -> None:
                handle.write(data)

            return write_lines
        if name.name not in ("turtle", "trig"):
            return None
        kind = "nt" if name.name == "turtle" else "nquads"
        dumped = self.sorted_dump(kind, reasoned)
        if dumped is None:
            return None
        source = ox.RdfFormat.N_TRIPLES if kind == "nt" else ox.RdfFormat.N_QUADS
        target = getattr(ox.RdfFormat, name.oxigraph or "")

        def write(handle: IO[bytes]) -> None:
            # Oxigraph's parser and writer both stream, and keep the input order.
            quads = ox.parse(dumped, format=source)
            ox.serialize(quads, handle, format=target, prefixes=OX_PREFIXES)

        return write

    def jsonld_graphs(self, reasoned: bool = False) -> list[JsonldGraph] | None:
        """Return the view's graphs for the JSON-LD writer, from Oxigraph's own terms.

        A graph without blank nodes keeps its terms' text (:class:`PlainGraph`): making an
        rdflib term of each was a third of the export. A graph holding blank nodes becomes a
        canonical rdflib graph, for rdflib's stable labels. None where a graph is named by a
        blank node (rdflib's converter merges those graphs into the default one): then the
        caller indexes :meth:`graph_triples`.
        """
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        from kgtool.io.serialize import PlainGraph, TripleIndex, canonical_graph
        from kgtool.store.convert import memo_converter

        quads: dict[Any, list[tuple[Any, Any, Any]]] = {}
        for triple, graph in self.graph_triples(reasoned, native=True):
            found = quads.get(graph)
            if found is None:
                if isinstance(graph, ox.BlankNode) or (
                    # rdflib's name of the default graph: there the two graphs are one.
                    isinstance(graph, ox.NamedNode) and graph.value == str(DATASET_DEFAULT_GRAPH_ID)
                ):
                    return None
                found = quads[graph] = []
            found.append(triple)
        convert, _ = memo_converter()
        named_node, literal = ox.NamedNode, ox.Literal
        # Plain values of pyoxigraph terms, as from_ox makes rdflib terms (and plain_literal
        # its terms): plain and language-tagged strings have no datatype.
        strings = (XSD_STRING, RDF_LANG_STRING)
        terms: dict[Any, PlainValue] = {}
        graphs: list[JsonldGraph] = []
        default = ox.DefaultGraph()
        for graph in sorted(quads, key=lambda g: (g != default, "" if g == default else g.value)):
            name: Node = DATASET_DEFAULT_GRAPH_ID if graph == default else convert(graph)
            triples = quads[graph]

            def index(
                triples: list[tuple[Any, Any, Any]] = triples, name: Node = name
            ) -> TripleIndex:
                made = TripleIndex(name)
                for s, p, o in triples:
                    made.add((convert(s), convert(p), convert(o)))
                return made

            plain: list[PlainTriple] = []
            for s, p, o in triples:
                value = terms.get(o)
                if value is None:
                    if type(o) is named_node:
                        value = o.value
                    elif isinstance(o, literal):
                        datatype = o.datatype.value
                        value = terms[o] = (
                            o.value,
                            None if datatype in strings else datatype,
                            o.language,
                        )
                    else:  # a blank node (or a quoted triple): rdflib's canonical path
                        plain = []
                        break
                if type(s) is not named_node:
                    plain = []
                    break
                plain.append((s.value, p.value, value))
            if plain or not triples:
                graphs.append(PlainGraph(name, plain, index))
            else:
                graphs.append(canonical_graph(index().to_graph()))
        return graphs

    def graph_triples(
        self, reasoned: bool = False, native: bool = False
    ) -> Iterator[tuple[Any, Any]]:
        """Yield each quad of the view as an rdflib triple and graph name, no rdflib graph built.

        With ``native``, the pyoxigraph terms instead, unconverted (the default graph is
        ``ox.DefaultGraph()``), in the same order: for a writer that needs only their text.

        >>> from rdflib import Graph, Literal, URIRef
        >>> s = OxigraphStore()
        >>> a, b = URIRef("urn:a"), URIRef("urn:b")
        >>> s.add_graph(URIRef("urn:g"), Graph().add((a, b, Literal(1))))
        >>> [(str(t[2]), str(g)) for t, g in s.graph_triples()]
        [('1', 'urn:g')]
        >>> [(t[2].value, g.value) for t, g in s.graph_triples(native=True)]
        [('1', 'urn:g')]
        """
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        from kgtool.store.convert import memo_converter

        convert, _ = memo_converter()
        reads = self._reads_as_written()
        again = None if reads else self._inputs_again()
        if reads or again is not None:
            # The inputs parsed again: 0.23-0.31 s at 100 k triples, 0.47-0.51 s out of RocksDB.
            quads = self._quads(reasoned) if again is None else self._distinct(again, reasoned)
            for q in quads:
                graph = q.graph_name
                if native:
                    yield (q.subject, q.predicate, q.object), graph
                    continue
                name = (
                    DATASET_DEFAULT_GRAPH_ID
                    if isinstance(graph, ox.DefaultGraph)
                    else convert(graph)
                )
                yield (convert(q.subject), convert(q.predicate), convert(q.object)), name
            return
        # Graph by graph from Oxigraph's GSPO index: the internal union copy is never scanned,
        # and each graph's name is converted once.
        skip = (UNION_GRAPH,) if reasoned else _INTERNAL
        names = [g for g in self.ox.named_graphs() if g not in skip]
        for graph in [ox.DefaultGraph(), *names]:
            quads = self.ox.quads_for_pattern(None, None, None, graph)
            if native:
                for q in quads:
                    yield (q.subject, q.predicate, q.object), graph
                continue
            name = DATASET_DEFAULT_GRAPH_ID if graph == ox.DefaultGraph() else convert(graph)
            for q in quads:
                yield (convert(q.subject), convert(q.predicate), convert(q.object)), name

    def _add_parsed(self, dataset: Dataset, to_graph: str | None) -> None:
        from rdflib import Graph, URIRef

        if to_graph is None:
            self._add_dataset(dataset)
            return
        merged = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            merged.add((s, p, o))
        self._add_graph(URIRef(to_graph), merged)

    def set_inferred(self, inferred: Graph | None) -> None:
        """Replace the inferred graph (None removes it)."""
        from kgtool.store.convert import to_ox

        self.make_writable()
        if self.ox.contains_named_graph(_INFERRED):
            self.ox.remove_graph(_INFERRED)
        if inferred is not None:
            self.ox.add_graph(_INFERRED)
            self._insert([ox.Quad(to_ox(s), to_ox(p), to_ox(o), _INFERRED) for s, p, o in inferred])
        # The union graph holds asserted triples only, so it stays valid.
        self._keep_asserted_facts()

    def load_inferred(self, ntriples: bytes) -> bool:
        """Replace the inferred graph with N-Triples text, parsed natively (no rdflib graph).

        Returns False, with no inferred graph left, when the text does not parse (a damaged
        cache entry). The bulk loader (0.75 s for a 119 k-triple closure, against 1.8 s in one
        transaction) keeps what it loaded before an error; the graph was emptied first and is
        the loader's alone, so removing it again leaves the store as it was.

        On a stored copy of the inputs, the stored copy that also holds this closure is opened
        instead, and made (from this load) when there is none: a later process then opens it
        read-only, with neither a scratch copy nor a load.
        """
        entry = self.snapshot if self.read_only else None
        if entry is not None:
            from kgtool.store.snapshot import open_reasoned

            if open_reasoned(self, ntriples):
                return True
        self.make_writable()
        if self.ox.contains_named_graph(_INFERRED):
            self.ox.remove_graph(_INFERRED)
        self._keep_asserted_facts()
        try:
            if names_blank_node(ntriples):
                # The loaders label blank nodes anew; the closure's are the asserted ones.
                self.ox.bulk_extend(
                    ox.Quad(t.subject, t.predicate, t.object, _INFERRED)
                    for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
                )
            else:
                self.ox.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=_INFERRED)
        except (SyntaxError, ValueError):
            if self.ox.contains_named_graph(_INFERRED):
                self.ox.remove_graph(_INFERRED)
            return False
        self.ox.add_graph(_INFERRED)  # an empty closure is still a reasoned store
        if entry is not None:
            from kgtool.store.snapshot import store_reasoned

            store_reasoned(self, entry, ntriples)
        return True

    def switch_to(
        self, folder: Path, blank_nodes: str, reparse: Callable[[], OxigraphStore] | None
    ) -> None:
        """Read the stored copy in ``folder`` from now on: the same asserted quads as this
        store's, its blank nodes labelled as ``blank_nodes`` says (``reparse`` rebuilds it if
        it is damaged).

        Raises:
            OSError, RuntimeError: If it cannot be opened (RocksDB's report of a bad file).
        """
        self._handle = _Handle(ox.Store.read_only(str(folder)))
        self.blank_nodes = blank_nodes
        self.read_only = True
        self.snapshot = folder
        self.reparse = reparse
        self._keep_asserted_facts()

    def asserted_for_reasoning(self) -> tuple[set[Triple], dict[Node, Any]]:
        """Return the distinct asserted triples as rdflib terms, for the reasoner.

        Each distinct term is converted once, and no rdflib graph is built (that cost ~24 s at
        1 M triples). Also returns the conversions made, rdflib term to pyoxigraph term, so the
        inferred triples go back into the store without converting their terms again.
        """
        from kgtool.store.convert import memo_converter

        convert, seen = memo_converter()
        again = self._inputs_again()
        quads = self.ox.quads_for_pattern(None, None, None, None) if again is None else again
        triples = {
            (convert(q.subject), convert(q.predicate), convert(q.object))
            for q in quads
            if q.graph_name not in _INTERNAL
        }
        return triples, {rd: native for native, rd in seen.items()}

    def _inputs_again(self) -> list[Any] | None:
        """The inputs' quads parsed again by Oxigraph (:func:`_part_quads`), where they are
        exactly the store's asserted ones; None otherwise.

        That takes every input known, unchanged since loading and in a format Oxigraph reads;
        no literal the store keeps by value (:attr:`rewrites`); and no blank node or triple
        term, which a parse would label anew. At 100 k triples the parse took 0.10-0.18 s, and
        reading the same quads out of RocksDB 0.43-0.58 s. A quad stated twice is there twice.
        """
        if self.rewrites or not self.parts or not self._inputs_as_loaded():
            return None
        found: list[Any] = []
        for part in self.parts:
            if _NATIVE_FORMATS.get(part.fmt) is None or part.parsed is not None:
                return None
            try:
                quads = list(_part_quads(part))
            except (OSError, SyntaxError, KgtoolError):
                return None
            for q in quads:
                if (
                    type(q.subject) is not ox.NamedNode
                    or type(q.object) not in _PLAIN_OBJECTS
                    or type(q.graph_name) is ox.BlankNode
                ):
                    return None
            found += quads
        return found

    # -- reading ------------------------------------------------------------------------------

    def has_inferred(self) -> bool:
        """Return whether the store holds an inferred graph (possibly empty)."""
        return bool(self.ox.contains_named_graph(_INFERRED))

    def inferred(self) -> Graph | None:
        """Return the inferred graph, or None when the data has not been reasoned over."""
        from rdflib import Graph

        from kgtool.core.namespaces import bind_prefixes
        from kgtool.store.convert import triples_from_quads

        if not self.has_inferred():
            return None
        key = ("inferred", True)
        if key not in self._cache:
            graph = bind_prefixes(Graph(identifier=GRAPH_INFERRED))
            for triple in triples_from_quads(
                self.ox.quads_for_pattern(None, None, None, _INFERRED)
            ):
                graph.add(triple)
            self._cache[key] = graph
        return self._cache[key]

    def _asserted_names(self) -> list[Any]:
        return [g for g in self.ox.named_graphs() if g not in _INTERNAL]

    def graph_names(self) -> list[URIRef]:
        """Return the names of the asserted graphs that hold triples, sorted."""
        from rdflib import URIRef

        names = {
            URIRef(g.value)
            for g in self._asserted_names()
            if isinstance(g, ox.NamedNode)
            and next(iter(self.ox.quads_for_pattern(None, None, None, g)), None) is not None
        }
        return sorted(names)

    def named_graph(self, name: URIRef) -> Graph:
        """Return a copy of one asserted graph's triples (the default graph for its id).

        Cached until the store changes, as :meth:`union` is: callers ask for the sources graph
        once per fact they describe.
        """
        from rdflib import Graph

        from kgtool.core.namespaces import bind_prefixes
        from kgtool.store.convert import graph_name_to_ox, triples_from_quads

        key = (f"graph {name}", False)
        if key not in self._cache:
            graph = bind_prefixes(Graph(identifier=name))
            wanted = graph_name_to_ox(name)
            quads: Iterator[Any] = (
                (q for q in self._quads(False) if q.graph_name == wanted)
                if self._reads_as_written()
                else iter(self.ox.quads_for_pattern(None, None, None, wanted))
            )
            for triple in triples_from_quads(quads):
                graph.add(triple)
            self._cache[key] = graph
        return self._cache[key]

    def _inputs_as_loaded(self) -> bool:
        """Whether the inputs are known and each still holds what the store loaded, so
        reading them again gives the store's quads (with literals as written)."""
        return self.parts is not None and all(part.unchanged() for part in self.parts)

    def _reads_as_written(self) -> bool:
        return bool(self.rewrites) and self.parts is not None

    def _quads(self, reasoned: bool) -> Iterator[Any]:
        """The view's quads: the store's, or, where it holds literals it keeps by value
        (:attr:`rewrites`), the inputs' quads as written read again, and the inferred graph.

        So exports and validation keep ``"01"^^xsd:integer`` as written, as the memory store
        does; SPARQL, which Oxigraph evaluates on its own forms, answers with ``"1"``.
        """
        if self._reads_as_written():
            assert self.parts is not None
            for part in self.parts:
                if not part.unchanged():
                    # The store's forms would silently stand in for the ones written.
                    raise InputError(
                        f"{part.path}: gone or changed since it was loaded, and the store "
                        "keeps some of its literals by value, not as written; load it again"
                    )
            yield from self._distinct(
                (q for part in self.parts for q in _part_quads(part)), reasoned
            )
            return
        skip = (UNION_GRAPH,) if reasoned else _INTERNAL
        for q in self.ox:
            if q.graph_name not in skip:
                yield q

    def _distinct(self, quads: Iterable[Any], reasoned: bool) -> Iterator[Any]:
        """The view's quads from the inputs' quads read again, each once, then the inferred
        graph's when ``reasoned``."""
        skip = (UNION_GRAPH,) if reasoned else _INTERNAL
        kept: set[Any] = set()
        for q in quads:
            if q.graph_name not in skip and q not in kept:
                kept.add(q)
                yield q
        if reasoned:
            yield from self.ox.quads_for_pattern(None, None, None, _INFERRED)

    def _dump_bytes(self, rdf_format: Any, graph: Any = None) -> bytes:
        data = self.ox.dump(format=rdf_format, from_graph=graph)
        return data if data is not None else b""

    def _graph_lines(self, reasoned: bool) -> tuple[dict[bytes, list[bytes]], bool] | None:
        """The view's N-Quads lines, keyed by graph term, from one serialisation.

        Where the inputs are known (:attr:`parts`) and unchanged since they were loaded, they
        are parsed again and written by
        Oxigraph: at 100 k triples that took 0.17 s against 0.84 s to read the same quads back
        out of the on-disk store, which looks up every term's text (one dump of the whole store
        costs less again than one per graph, ~0.16 ms a call). It also gives literals as
        written. The inferred graph comes from the store. Otherwise the store is dumped.

        The key is the graph's N-Triples form (``b""`` for the default graph); each line stays
        as written, ``s p o g .``. Oxigraph writes one space between terms, and a subject or
        predicate holds none, so the last term is a graph exactly when it follows the object:
        when it starts as an IRI does, holds no ``"`` (a literal's tail does) and a space
        precedes it after the predicate.

        Returns:
            The lines by graph and whether each line is known to be there once (the store's
            are; inputs read again may state a quad twice), or None when the view may hold
            blank nodes or triple terms (any ``_:`` or ``<<`` in the text, a literal's too, to
            be safe): blank node labels differ from load to load, and only the canonical
            rdflib path labels them the same way every time. None too when an input is gone or
            changed since it was loaded and the store does not keep all its literals as written.
        """
        data: bytes | None = None
        if self.parts and not self._inputs_as_loaded():
            # Reading the inputs again would not give the store's quads; the store's own give
            # them, unless it keeps literals by value (then the rdflib path says so).
            if self.rewrites:
                return None
        elif self.parts:
            try:
                data = b"".join(_part_nquads(part) for part in self.parts)
            except (OSError, SyntaxError, KgtoolError):
                # An input gone or broken since it was loaded: the store's quads, unless they
                # are not as written (then the rdflib path reports the input).
                if self.rewrites:
                    return None
                data = None
        unique = data is None
        if data is None:
            data = self._dump_bytes(ox.RdfFormat.N_QUADS)
        elif reasoned and self.has_inferred():
            tail = f" {_INFERRED} .".encode()
            inferred = self._dump_bytes(ox.RdfFormat.N_TRIPLES, _INFERRED)
            data += b"\n".join(line[:-2] + tail for line in inferred.split(b"\n") if line)
        if names_blank_node(data) or b"<<" in data:
            return None
        graphs: dict[bytes, list[bytes]] = {}
        for line in data.split(b"\n"):
            if not line:
                continue
            body = line[:-2]  # without the closing " ."
            cut = body.rfind(b" ")
            predicate_end = body.find(b" ", body.find(b" ") + 1)
            name = body[cut + 1 :]
            if cut <= predicate_end or name[:1] != b"<" or b'"' in name:
                name = b""
            lines = graphs.get(name)
            if lines is None:
                lines = graphs[name] = []
            lines.append(line)
        return graphs, unique

    def sorted_dump(self, fmt: str, reasoned: bool = False, grouped: bool = True) -> bytes | None:
        """Return the view as sorted N-Triples (``nt``) or N-Quads (``nquads``) lines.

        Oxigraph writes the lines; Python only sorts them as bytes, which is far cheaper than
        making a Python object per quad, and gives the order sorting the text would (UTF-8
        keeps code point order). ``nt``: the union's triples, each once, sorted. ``nquads``,
        ``grouped``: the default graph's triples first, then each named graph's, graphs by
        IRI and triples sorted within each graph, the order in which Oxigraph's TriG writer
        makes one block per graph; not ``grouped``: all lines sorted as text, the rdflib
        path's N-Quads. The same view gives the same bytes on every run.

        Args:
            fmt: ``nt`` or ``nquads``.
            reasoned: Include ``GRAPH_INFERRED``.
            grouped: For ``nquads``, one run of lines per graph.

        Returns:
            UTF-8 bytes ending in a newline (empty for an empty view), or None when the view
            may hold blank nodes (see :meth:`_graph_lines`).

        >>> from rdflib import BNode, Graph, Literal, URIRef
        >>> from rdflib import Literal
        >>> s = OxigraphStore()
        >>> s.add_graph(None, Graph().add((URIRef("urn:b"), URIRef("urn:p"), URIRef("urn:c")))
        ...                       .add((URIRef("urn:a"), URIRef("urn:p"), Literal("x"))))
        >>> s.add_graph(URIRef("urn:g"), Graph().add((URIRef("urn:a"), URIRef("urn:p"),
        ...                                           Literal("a b <urn:c>"))))
        >>> print(s.sorted_dump("nt").decode(), end="")
        <urn:a> <urn:p> "a b <urn:c>" .
        <urn:a> <urn:p> "x" .
        <urn:b> <urn:p> <urn:c> .
        >>> print(s.sorted_dump("nquads").decode(), end="")
        <urn:a> <urn:p> "x" .
        <urn:b> <urn:p> <urn:c> .
        <urn:a> <urn:p> "a b <urn:c>" <urn:g> .
        """
        if fmt not in ("nt", "nquads"):
            return None
        found = self._graph_lines(reasoned)
        if found is None:
            return None
        graphs, unique = found
        union = str(UNION_GRAPH).encode()
        inferred = str(_INFERRED).encode()
        skip = {union} if reasoned else {union, inferred}
        names = sorted(name for name in graphs if name not in skip)  # b"" (default) first
        ordered: list[bytes]
        if fmt == "nt":
            if union in graphs:
                # The deduplicated union graph is stored: its triples are the asserted view's.
                names = [union, inferred] if reasoned and inferred in graphs else [union]
            triples = [_triple_line(line, name) for name in names for line in graphs[name]]
            duplicates = self._cache.get(("duplicates", True))
            if unique and duplicates is False and (not reasoned or inferred not in graphs):
                # A query already found no triple in two graphs: no set needed (~0.4 s at 1 M).
                ordered = sorted(triples)
            else:
                ordered = sorted(set(triples))
        elif grouped:
            ordered = []
            for name in names:
                ordered += sorted(graphs[name] if unique else set(graphs[name]))
        else:
            lines = (line for name in names for line in graphs[name])
            ordered = sorted(lines if unique else set(lines))
        if not ordered:
            return b""
        ordered.append(b"")
        return b"\n".join(ordered)

    def union(self, reasoned: bool = False) -> Graph:
        """Return the merged rdflib graph of the chosen view (cached until the store changes)."""
        from rdflib import Graph

        from kgtool.core.namespaces import bind_prefixes
        from kgtool.store.convert import triples_from_quads

        key = ("union", reasoned)
        if key not in self._cache:
            merged = bind_prefixes(Graph())
            for triple in triples_from_quads(self._quads(reasoned)):
                merged.add(triple)
            self._cache[key] = merged
        return self._cache[key]

    def dataset(self, reasoned: bool = False) -> Dataset:
        """Return the quads as an rdflib ``Dataset`` (with ``GRAPH_INFERRED`` when reasoned)."""
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        from kgtool.core.namespaces import new_dataset
        from kgtool.store.convert import memo_converter

        key = ("dataset", reasoned)
        if key not in self._cache:
            view = new_dataset()
            # Each distinct term converted once, each graph looked up once: at 100 k quads the
            # per-quad lookups were a third of the copy.
            convert, _ = memo_converter()
            graphs: dict[Any, Graph] = {}
            for q in self._quads(reasoned):
                graph = graphs.get(q.graph_name)
                if graph is None:
                    name: Any = (
                        DATASET_DEFAULT_GRAPH_ID
                        if isinstance(q.graph_name, ox.DefaultGraph)
                        else convert(q.graph_name)
                    )
                    graph = graphs[q.graph_name] = view.graph(name)
                graph.add((convert(q.subject), convert(q.predicate), convert(q.object)))
            self._cache[key] = view
        return self._cache[key]

    def graphs_containing(self, triple: tuple[Node, Node, Node]) -> list[URIRef]:
        """Return the sorted names of the asserted graphs holding ``triple``."""
        from rdflib import URIRef

        from kgtool.store.convert import to_ox

        s, p, o = (to_ox(t) for t in triple)
        return sorted(
            {
                URIRef(q.graph_name.value)
                for q in self.ox.quads_for_pattern(s, p, o, None)
                if isinstance(q.graph_name, ox.NamedNode) and q.graph_name not in _INTERNAL
            }
        )

    def triples(
        self, pattern: tuple[Node | None, Node | None, Node | None], reasoned: bool = False
    ) -> Iterator[Triple]:
        """Yield the view's triples matching ``pattern``, each once, from Oxigraph's indexes.

        A triple stated in several graphs is one quad per graph here: each is yielded once, as
        from rdflib's union graph.

        >>> from rdflib import BNode, Graph, Literal, URIRef
        >>> from rdflib import Literal
        >>> s = OxigraphStore()
        >>> a, b = URIRef("urn:a"), URIRef("urn:b")
        >>> s.add_graph(URIRef("urn:g"), Graph().add((a, b, Literal(1))))
        >>> s.add_graph(URIRef("urn:h"), Graph().add((a, b, Literal(1))))
        >>> len(list(s.triples((a, None, None)))), len(list(s.triples((None, a, None))))
        (1, 0)
        """
        from rdflib import BNode, Literal

        from kgtool.store.convert import memo_converter, to_ox

        if any(isinstance(t, Literal) for t in pattern[:2]) or isinstance(pattern[1], BNode):
            return  # no triple has one there (Oxigraph refuses to be asked)
        s, p, o = (None if t is None else to_ox(t) for t in pattern)
        skip = (UNION_GRAPH,) if reasoned else _INTERNAL
        seen: set[Any] = set()
        convert, _ = memo_converter()
        for q in self.ox.quads_for_pattern(s, p, o, None):
            if q.graph_name in skip:
                continue
            triple = q.triple
            if triple not in seen:
                seen.add(triple)
                yield (convert(triple.subject), convert(triple.predicate), convert(triple.object))

    def __len__(self) -> int:
        return sum(1 for _ in self._quads(reasoned=True))

    def _has_duplicates(self) -> bool:
        """Return whether a triple sits in two graphs (default graph included), asked in Oxigraph.

        Cached until the store changes: at 1 M triples the hash join takes about a second,
        once, where copying every triple into ``UNION_GRAPH`` took seconds and doubled memory.
        """
        key = ("duplicates", True)
        if key not in self._cache:
            answer = self.ox.query(
                f"ASK {{ {{ GRAPH ?g1 {{ ?s ?p ?o }} GRAPH ?g2 {{ ?s ?p ?o }} "
                f"FILTER(?g1 != ?g2 && ?g1 != {UNION_GRAPH} && ?g2 != {UNION_GRAPH}) }} "
                f"UNION {{ ?s ?p ?o GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {UNION_GRAPH}) }} }}"
            )
            self._cache[key] = bool(answer)
        return bool(self._cache[key])

    def _asserted_duplicates(self) -> bool:
        """Return whether a triple sits in two asserted graphs (the inferred graph left out)."""
        key = ("duplicates", False)
        if key not in self._cache:
            if not self.has_inferred():
                self._cache[key] = self._has_duplicates()
            else:
                answer = self.ox.query(
                    f"ASK {{ {{ GRAPH ?g1 {{ ?s ?p ?o }} GRAPH ?g2 {{ ?s ?p ?o }} "
                    f"FILTER(?g1 != ?g2 && ?g1 NOT IN {_INTERNAL_LIST} "
                    f"&& ?g2 NOT IN {_INTERNAL_LIST}) }} "
                    f"UNION {{ ?s ?p ?o GRAPH ?g {{ ?s ?p ?o }} "
                    f"FILTER(?g NOT IN {_INTERNAL_LIST}) }} }}"
                )
                self._cache[key] = bool(answer)
        return bool(self._cache[key])

    def _dataset_options(self, text: str, reasoned: bool) -> dict[str, Any]:
        """Choose the query dataset that gives the memory store's answers for this view."""
        inferred = self.has_inferred()
        native = (reasoned or not inferred) and not self.ox.contains_named_graph(UNION_GRAPH)
        if native and not self._has_duplicates():
            # Every stored graph belongs to the view: the union of all is its set of triples.
            return {"use_default_graph_as_union": True}
        if (
            not native
            and not reasoned
            and not self.ox.contains_named_graph(UNION_GRAPH)
            and not self._asserted_duplicates()
        ):
            # The asserted view of a reasoned store: its graphs, listed, are a set of
            # triples too. Listing them costs milliseconds; building UNION_GRAPH, a copy
            # of every asserted triple, cost a second at 50 k triples.
            key = ("names", False)
            if key not in self._cache:
                self._cache[key] = self._asserted_names()
            names = self._cache[key]
            listed: dict[str, Any] = {"default_graph": [ox.DefaultGraph(), *names]}
            if _GRAPH_KEYWORD.search(text):
                listed["named_graphs"] = names
            return listed
        self._ensure_union()
        options: dict[str, Any] = {}
        if reasoned and inferred:
            options["default_graph"] = [UNION_GRAPH, _INFERRED]
        else:
            options["default_graph"] = UNION_GRAPH
        if _GRAPH_KEYWORD.search(text):
            # Only GRAPH patterns see the named graphs; listing thousands of them costs
            # milliseconds per query, so the list is built (and cached) only for those.
            key = ("names", reasoned and inferred)
            if key not in self._cache:
                names = self._asserted_names()
                self._cache[key] = [*names, _INFERRED] if reasoned and inferred else names
            options["named_graphs"] = self._cache[key]
        return options

    def _visible(self, name: str, reasoned: bool) -> Any:
        """The stored graph a dataset's name picks in this view (None: no graph of the view)."""
        node = ox.NamedNode(name)
        if node == UNION_GRAPH or (node == _INFERRED and not reasoned):
            return None
        return node

    def _chosen_graphs(self, graphs: QueryDataset, reasoned: bool) -> dict[str, Any]:
        """Oxigraph's dataset options for one default graph at most (see :meth:`query_text`)."""
        default = [n for n in (self._visible(g, reasoned) for g in graphs.default) if n]
        named = [n for n in (self._visible(g, reasoned) for g in graphs.named) if n]
        # An empty list of default graphs is an empty default graph, as the dataset says.
        return {"default_graph": default, "named_graphs": named}

    def _merged(self, graphs: QueryDataset, reasoned: bool) -> Any:
        """A scratch store holding the dataset: the merge as its default graph, the named graphs."""
        store = ox.Store()
        for name in graphs.default:
            node = self._visible(name, reasoned)
            if node is not None:
                store.extend(
                    ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                    for q in self.ox.quads_for_pattern(None, None, None, node)
                )
        for name in graphs.named:
            node = self._visible(name, reasoned)
            if node is not None:
                store.extend(self.ox.quads_for_pattern(None, None, None, node))
        return store

    def labelled(self, text: str) -> Graph:
        """Return the label triples (``rdfs:label``, ``skos:altLabel``...) whose text is ``text``.

        Enough for :func:`kgtool.core.terms.resolve_entity` to find an entity by label without
        turning the whole store into an rdflib graph. Asserted graphs only.

        >>> from rdflib import BNode, Graph, Literal, URIRef
        >>> from rdflib import Literal
        >>> s = OxigraphStore()
        >>> g = Graph().add((URIRef("urn:a"), URIRef(_LABELS[0]), Literal("A", lang="en")))
        >>> s.add_graph(URIRef("urn:g"), g)
        >>> len(s.labelled("A")), len(s.labelled("B"))
        (1, 0)
        """
        from rdflib import Graph, URIRef

        from kgtool.core.namespaces import bind_prefixes
        from kgtool.store.convert import from_ox

        graph = bind_prefixes(Graph())
        wanted = ox.Literal(text)
        for prop in _LABELS:
            answer = self.ox.query(
                f"SELECT DISTINCT ?s ?o WHERE {{ {{ ?s <{prop}> ?o }} UNION "
                f"{{ GRAPH ?g {{ ?s <{prop}> ?o }} FILTER(?g NOT IN {_INTERNAL_LIST}) }} "
                f"FILTER(STR(?o) = {wanted}) }}"  # N-Triples form: quotes escaped
            )
            assert isinstance(answer, ox.QuerySolutions)
            for solution in answer:
                graph.add((from_ox(solution["s"]), URIRef(prop), from_ox(solution["o"])))
        return graph

    def query(
        self,
        query: Any,
        init_bindings: Mapping[str, Node] | None = None,
        reasoned: bool = False,
        base: str | None = None,
        graphs: QueryDataset | None = None,
    ) -> Result:
        """Evaluate a query over the union of the chosen view.

        Args:
            query: SPARQL text (runs in Oxigraph, project prefixes predeclared) or an rdflib
                prepared query (runs in rdflib over :meth:`dataset`; its own FROM / FROM NAMED
                must have been taken out, as rdflib would fetch them).
            init_bindings: Values for variables (SEP-0007 substitution in Oxigraph).
            reasoned: Include ``GRAPH_INFERRED``.
            base: The IRI relative IRIs in SPARQL text resolve against.
            graphs: Run over this dataset of the view's graphs instead of the union.

        Returns:
            An rdflib ``Result`` with the rows already computed.

        Raises:
            QueryRunError: If Oxigraph refuses or fails the query.
        """
        if not isinstance(query, str):
            source = self.dataset(reasoned)
            if graphs is not None:
                source = graphs.select(source)
            return source.query(query, initBindings=dict(init_bindings or {}))  # type: ignore[arg-type]
        return self.query_text(query, init_bindings, reasoned, base, graphs)

    def query_answer(
        self,
        query: Any,
        init_bindings: Mapping[str, Node] | Mapping[str, PlainTerm] | None = None,
        reasoned: bool = False,
        base: str | None = None,
        graphs: QueryDataset | None = None,
    ) -> Result | OxigraphAnswer:
        """As :meth:`query`; SELECT and ASK answers to SPARQL text are :class:`OxigraphAnswer`."""
        if not isinstance(query, str):
            return self.query(query, rdflib_bindings(init_bindings), reasoned, base, graphs)
        return self._run_text(query, init_bindings, reasoned, base, graphs)

    def query_text(
        self,
        text: str,
        init_bindings: Mapping[str, Node] | None = None,
        reasoned: bool = False,
        base: str | None = None,
        graphs: QueryDataset | None = None,
    ) -> Result:
        """Run SPARQL text in Oxigraph and convert the answer to an rdflib ``Result``."""
        answer = self._run_text(text, init_bindings, reasoned, base, graphs)
        return answer.to_rdflib() if isinstance(answer, OxigraphAnswer) else answer

    def _run_text(
        self,
        text: str,
        init_bindings: Mapping[str, Node] | Mapping[str, PlainTerm] | None,
        reasoned: bool,
        base: str | None,
        graphs: QueryDataset | None,
    ) -> Result | OxigraphAnswer:
        """Run SPARQL text in Oxigraph; rows and ASK answers stay in Oxigraph's terms."""
        options: dict[str, Any] = {"prefixes": OX_PREFIXES}
        if base is not None:
            options["base_iri"] = base
        if init_bindings:
            # Oxigraph's own substitution wants the variable projected; a VALUES row at the top
            # of the WHERE group behaves as rdflib's initBindings.
            from kgtool.io.sparql_text import inline_bindings

            text = inline_bindings(text, init_bindings)
        while True:
            target = self.ox
            chosen = dict(options)
            try:
                if graphs is None:
                    chosen.update(self._dataset_options(text, reasoned))
                elif len(graphs.default) <= 1:
                    chosen.update(self._chosen_graphs(graphs, reasoned))
                else:
                    # Oxigraph reads several default graphs as a multiset (a triple in two is
                    # there twice); SPARQL merges them, so the chosen graphs are copied into
                    # one store.
                    target = self._merged(graphs, reasoned)
                    named = [ox.NamedNode(g) for g in graphs.named]
                    chosen.update(default_graph=ox.DefaultGraph(), named_graphs=named)
                answer = target.query(text, **chosen)
                return _to_answer(answer)
            except SyntaxError as exc:
                raise _syntax_error(exc) from None
            except ValueError as exc:
                raise QueryRunError(f"Oxigraph could not run the query: {exc}") from exc
            except (OSError, RuntimeError) as exc:
                if self.snapshot is None:
                    if isinstance(exc, RuntimeError):
                        raise
                    raise QueryRunError(f"Oxigraph could not run the query: {exc}") from exc
            # RocksDB found a block whose checksum is wrong, or a file gone: the stored copy
            # was changed after it was written. It is removed and the inputs parsed again
            # (once: the fresh store is no cache entry).
            self._replace_damaged()


class _Handle:
    """Owns a pyoxigraph store and, for a scratch store, the temporary folder it lives in.

    A scratch store is on disk rather than Oxigraph's in-memory store, though that one loads
    faster: it iterates in the order the quads were added, RocksDB in the order of their encoded
    terms. So on disk, the order SPARQL leaves open (``GROUP_CONCAT``'s parts, the solutions of a
    query without ``ORDER BY``) is a function of the data alone, the same whether the store was
    parsed now, opened from the cache (:mod:`kgtool.store.snapshot`) or copied for the
    reasoner, in every process. (Blank nodes get new identifiers at each parse, so where they
    decide such an order, only the cache's stored copy keeps it from run to run.)
    """

    def __init__(self, store: ox.Store, folder: str | None = None) -> None:
        self.store: ox.Store | None = store
        self.folder = folder
        if folder is not None:
            _SCRATCH.add(self)

    @classmethod
    def scratch(cls) -> _Handle:
        folder = scratch_folder("store")
        return cls(ox.Store(folder), folder)

    @classmethod
    def copy_of(cls, store: ox.Store) -> _Handle:
        """A writable scratch store holding the same quads as ``store`` (which may be read-only)."""
        folder = scratch_folder("store")
        target = Path(folder) / "store"
        try:
            store.backup(str(target))
            return cls(ox.Store(str(target)), folder)
        except OSError:
            # A checkpoint it cannot make (a file system without hard links, say): copy the
            # quads instead, as terms (a loader would label the blank nodes anew).
            shutil.rmtree(folder, ignore_errors=True)
            handle = cls.scratch()
            assert handle.store is not None
            handle.store.bulk_extend(store.quads_for_pattern(None, None, None, None))
            return handle

    def close(self, rmtree: Callable[..., Any] = shutil.rmtree) -> None:
        """Close the store and remove its folder (``rmtree`` bound early: this also runs while
        the interpreter shuts down, when module globals may already be gone)."""
        # This is the only lasting reference: dropping it closes RocksDB before the folder goes.
        self.store = None
        if self.folder is not None:
            rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __del__(self) -> None:
        self.close()


#: Scratch stores still open; those left when the process exits are closed and removed then.
_SCRATCH: weakref.WeakSet[_Handle] = weakref.WeakSet()


@atexit.register
def _close_scratch_stores() -> None:
    for handle in list(_SCRATCH):
        handle.close()


#: The UTF-8 byte order mark some editors write first; rdflib skips it, Oxigraph would refuse.
_BOM = b"\xef\xbb\xbf"


#: What an RDF 1.2 triple term or reification is written with in the N-Triples family and Turtle.
_TRIPLE_TERM_MARKS = (b"<<", b"{|", b"~")


def _triple_line(line: bytes, graph: bytes) -> bytes:
    """An N-Quads line of ``graph`` (an N-Triples term, ``b""`` for the default graph) as an
    N-Triples line: ``s p o g .`` becomes ``s p o .``."""
    return line[: -len(graph) - 2] + b"." if graph else line


def _triple_term_marker(path: Path) -> int | None:
    """Return the line of the first mark that may write a triple term, or None (a cheap scan:
    only a file with one is asked, after loading, whether it really holds a triple term)."""
    line = 1
    carry = b""
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            text = carry + block
            found = [i for i in (text.find(m) for m in _TRIPLE_TERM_MARKS) if i >= 0]
            if found:
                return line + text.count(b"\n", 0, min(found))
            line += text.count(b"\n", 0, len(text) - 1)
            carry = text[-1:]
    return None


def _dataset_objects(dataset: Dataset) -> Iterator[Any]:
    """The objects of an rdflib dataset's quads, as pyoxigraph terms."""
    from kgtool.store.convert import to_ox

    for _, _, o, _ in dataset.quads((None, None, None, None)):
        yield to_ox(o)


def _parsed_quads(path: Path, native: ox.RdfFormat, iri: str | None) -> Iterator[Any]:
    """A file's quads as Oxigraph's parser reads them (every lexical form as written), for a
    file the store has loaded without error."""
    with path.open("rb") as handle:
        if _has_bom(path):
            handle.read(len(_BOM))
        yield from ox.parse(input=handle, format=native, base_iri=iri)


def _parsed_objects(path: Path, native: ox.RdfFormat, iri: str | None) -> Iterator[Any]:
    for quad in _parsed_quads(path, native, iri):
        yield quad.object


def _typed_while(
    load: Callable[[], None], path: Path, native: ox.RdfFormat, iri: str | None
) -> list[ox.Literal] | None:
    """Run ``load`` in a thread while the file's typed literals are read in this one.

    A bulk load leaves Python's lock while it works, mostly on one core; the second parse that
    the typed-literal check needs (:mod:`kgtool.store.lexical`) took a fifth of loading 1 M
    triples after it, and now runs beside it. Raises what ``load`` raised. None when the parse
    failed though the load did not (then the check parses the file again after the load).
    """
    failure: list[BaseException] = []

    def target() -> None:
        try:
            load()
        except BaseException as exc:  # handed to the caller's thread, raised there
            failure.append(exc)

    # A daemon: interrupted while it runs, the process exits without waiting for it.
    worker = threading.Thread(target=target, name="kgtool-bulk-load", daemon=True)
    worker.start()
    literals: list[ox.Literal] | None
    try:
        literals = list(typed(_parsed_objects(path, native, iri)))
    except (SyntaxError, ValueError, OSError, MemoryError):
        literals = None
    # Not joined when interrupted: the store of a load that raised is never used.
    worker.join()
    if failure:
        raise failure[0]
    return literals


def _has_bom(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(_BOM)) == _BOM


#: Where Oxigraph's parser says it stopped: ``error at LINE:COLUMN: ...``.
_POSITION_RE = re.compile(r"error at (\d+):(\d+)")


def _syntax_error(exc: SyntaxError) -> QuerySyntaxError:
    """Oxigraph's refusal of a query text, with the position it names."""
    message = str(exc).strip()
    first = message.splitlines()[0] if message else "the query does not parse"
    where = _POSITION_RE.search(first)
    if where is None:
        return QuerySyntaxError(f"SPARQL syntax error: {first}")
    line, column = int(where.group(1)), int(where.group(2))
    detail = first[where.end() :].lstrip(": ")
    return QuerySyntaxError(
        f"SPARQL syntax error at line {line}, column {column}: {detail}", line=line, column=column
    )


def _refusal(path: Path, fmt: str, base: str | None, exc: Exception) -> KgtoolError:
    """Return the error for a file Oxigraph did not load, worded as the memory store's.

    rdflib parses the file only to find the file and line for the message; its triples are
    never kept, since it accepts some files that are not valid RDF (the W3C negative syntax
    tests). Where rdflib accepts the file, Oxigraph's own message is given; an I/O error then
    was the store's own (a full disk), not the file's, and is reported as one.
    """
    try:
        parse_file(path, fmt, base)
    except InputError as worded:
        return worded
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, OSError):
        return StoreWriteError(f"cannot write the Oxigraph store while loading {path} ({first})")
    return InputError(f"{path}: malformed {fmt} ({first})")


class StoreWriteError(ExportError):
    """The store could not write its own files (a full disk): nothing is wrong with the input."""


def _to_answer(answer: Any) -> Result | OxigraphAnswer:
    if isinstance(answer, (bool, ox.QueryBoolean)):
        # pyoxigraph 0.5 answers a QueryBoolean, not a bool
        return OxigraphAnswer("ASK", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        columns = [v.value for v in answer.variables]
        # Read now, inside the caller's handling of a damaged stored copy.
        return OxigraphAnswer("SELECT", columns, [list(solution) for solution in answer])
    from rdflib import Graph
    from rdflib.query import Result

    from kgtool.core.namespaces import bind_prefixes
    from kgtool.store.convert import from_ox

    result = Result("CONSTRUCT")
    graph = bind_prefixes(Graph())
    for t in answer:
        graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    result.graph = graph
    return result


def _plain(term: Any) -> PlainTerm:
    if isinstance(term, ox.NamedNode):
        return PlainTerm("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return PlainTerm("bnode", term.value)
    return plain_literal(term.value, term.language, term.datatype.value)


class OxigraphAnswer(PlainAnswer):
    """A SELECT or ASK answer in Oxigraph's terms, also offering rdflib ``Result``'s attributes.

    The results writers read the plain values; ``vars``, ``bindings`` and ``askAnswer`` give
    rdflib terms, converted (rdflib imported) on first use, as :func:`from_ox` makes them.

    >>> answer = OxigraphStore().query_answer('SELECT ?x { BIND("a" AS ?x) }')
    >>> answer.rows
    [[PlainTerm(kind='literal', value='a', language=None, datatype=None)]]
    >>> answer.bindings
    [{rdflib.term.Variable('x'): rdflib.term.Literal('a')}]
    """

    graph = None

    def __init__(
        self,
        kind: str,
        columns: Sequence[str] = (),
        terms: list[list[Any]] | None = None,
        boolean: bool | None = None,
    ) -> None:
        super().__init__(kind, columns, (), boolean)
        self.type = kind
        self.askAnswer = boolean
        self._terms = terms or []
        self._plain: list[PlainRow] | None = None
        self._bindings: list[dict[Variable, Node]] | None = None

    @property
    def rows(self) -> list[PlainRow]:
        """The rows as plain values, each distinct term converted once."""
        if self._plain is None:
            seen: dict[Any, PlainTerm] = {}
            rows: list[PlainRow] = []
            for terms in self._terms:
                row: list[PlainTerm | None] = []
                for term in terms:
                    if term is None:
                        row.append(None)
                        continue
                    found = seen.get(term)
                    if found is None:
                        found = seen[term] = _plain(term)
                    row.append(found)
                rows.append(row)
            self._plain = rows
        return self._plain

    @property
    def vars(self) -> list[Variable]:
        """The projected variables, as rdflib's ``Result.vars``."""
        from rdflib import Variable

        return [Variable(c) for c in self.columns]

    @vars.setter
    def vars(self, variables: list[Variable]) -> None:
        # Set to put SELECT * columns in rdflib's order (kgtool.query.prepare.ordered_vars).
        names = [str(v) for v in variables]
        where = {c: i for i, c in enumerate(self.columns)}
        self._terms = [[t[where[n]] if n in where else None for n in names] for t in self._terms]
        self.columns = names
        self._plain = None
        self._bindings = None

    @property
    def bindings(self) -> list[dict[Variable, Node]]:
        """The rows as rdflib's ``Result.bindings``: bound variables only, rdflib terms."""
        if self._bindings is None:
            from rdflib import Variable

            from kgtool.store.convert import memo_converter

            convert, _ = memo_converter()
            variables = [Variable(c) for c in self.columns]
            # Converting terms to rdflib is most of the cost of a query: rdflib parses each
            # typed literal's value. Rows repeat terms, so each distinct term is converted once.
            self._bindings = [
                {v: convert(t) for v, t in zip(variables, terms, strict=True) if t is not None}
                for terms in self._terms
            ]
        return self._bindings

    @bindings.setter
    def bindings(self, rows: list[dict[Variable, Node]]) -> None:
        self._bindings = rows

    def __iter__(self) -> Iterator[Any]:
        """Iterate as rdflib's ``Result`` does (rows, or the ASK answer)."""
        return iter(self.to_rdflib())

    def __len__(self) -> int:
        """As rdflib's ``Result``: the number of rows (1 for ASK)."""
        return len(self.to_rdflib())

    def __bool__(self) -> bool:
        """As rdflib's ``Result``: the ASK answer, or whether there is any row."""
        return bool(self.boolean) if self.kind == "ASK" else bool(self._terms)

    def to_rdflib(self) -> Result:
        """The same answer as an rdflib ``Result``."""
        from rdflib.query import Result

        result = Result(self.kind)
        if self.kind == "ASK":
            result.askAnswer = self.boolean
            return result
        result.vars = self.vars
        result.bindings = self.bindings  # type: ignore[assignment]
        return result


class _CountingReader(io.RawIOBase):
    """A binary reader that reports how many bytes each read returned."""

    def __init__(self, handle: io.BufferedReader, progress: Callable[[int], None]) -> None:
        super().__init__()
        self._handle = handle
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._handle.readinto(buffer)
        if count:
            self._progress(count)
        return count or 0


def _report_size(path: Path, progress: Callable[[int], None] | None) -> None:
    if progress is not None and str(path) != "-":
        progress(path.stat().st_size)  # it was just parsed, so it exists
