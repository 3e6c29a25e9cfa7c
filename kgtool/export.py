"""Write the dataset (asserted or reasoned) in an RDF format, deterministically and atomically.

Triple formats (Turtle, N-Triples, RDF/XML) get the union of the graphs; quad formats (TriG,
N-Quads, JSON-LD) keep the named graphs. JSON-LD is compacted with the project's own context,
built from the ontology (https://www.w3.org/TR/json-ld11/#the-context) and inlined, so the
document reads offline. The same input always gives byte-identical output: triples are sorted,
blank nodes get canonical labels (per named graph, rdflib.compare), and files are replaced
atomically (temp file in the same folder, fsync, ``os.replace``).

On the Oxigraph store (``--store oxigraph``, or auto for big inputs) Turtle, TriG, N-Triples and
N-Quads are written by Oxigraph (issue 5): the store dumps its quads as N-Triples/N-Quads lines,
Python sorts the lines (by graph, then subject, predicate and object in N-Triples form), and
Oxigraph parses them back and writes Turtle or TriG with the project prefixes, streamed into the
temp file. That output lays statements out as Oxigraph does (not rdflib's ``longturtle``), but is
deterministic and isomorphic to the rdflib path's (tests/test_export_oxigraph.py). A view that
holds blank nodes keeps the canonical rdflib path, whose blank node labels are the same on every
run; Oxigraph's labels change from load to load. JSON-LD always takes the rdflib path: Oxigraph
0.5 writes expanded JSON-LD only, not compacted with the project context.
"""

from __future__ import annotations

import contextlib
import glob
import io
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any, TextIO

from rdflib import Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.plugins.serializers.jsonld import Converter
from rdflib.plugins.shared.jsonld.context import Context
from rdflib.term import BNode, IdentifiedNode, Node

from kgtool.canonical import canonical_trig
from kgtool.errors import ExportError, UsageError
from kgtool.load import KnowledgeGraph
from kgtool.namespaces import GRAPH_INFERRED, KG, PREFIXES
from kgtool.store import bind_prefixes

EXPORT_FORMATS: tuple[str, ...] = ("turtle", "jsonld", "nt", "nquads", "trig", "xml")
#: kgtool's format names → rdflib's serializer names.
_SERIALIZERS = {
    "turtle": "turtle",
    "ttl": "turtle",
    "nt": "nt",
    "nquads": "nquads",
    "trig": "trig",
    "xml": "xml",
    "jsonld": "json-ld",
    "json-ld": "json-ld",
}
_QUAD_FORMATS = frozenset({"nquads", "trig", "jsonld", "json-ld"})

Triple = tuple[Node, Node, Node]
#: Writes the output into a binary file handle (streamed: never held as one string).
Writer = Callable[[IO[bytes]], None]
#: Formats Oxigraph writes for the Oxigraph store: kgtool name → (sorted dump, Oxigraph format).
_OXIGRAPH_FORMATS = {
    "turtle": ("nt", "TURTLE"),
    "ttl": ("nt", "TURTLE"),
    "trig": ("nquads", "TRIG"),
}


def _sorted_triples(triples: Iterable[Triple]) -> list[Triple]:
    return sorted(triples, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))


def canonical_graph(graph: Graph, identifier: IdentifiedNode | None = None) -> Graph:
    """Return a copy of ``graph`` with canonical blank nodes, triples added in sorted order.

    Args:
        graph: The graph to copy.
        identifier: The copy's name (default: the original's).

    Returns:
        A new graph with the project prefixes bound.

    >>> len(canonical_graph(Graph()))
    0
    """
    source: Graph = graph
    if any(isinstance(t, BNode) for triple in graph for t in triple):
        source = to_canonical_graph(graph)
    copy = bind_prefixes(Graph(identifier=identifier or graph.identifier))
    for triple in _sorted_triples(source):
        copy.add(triple)
    return copy


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


def build_context(ontology: Graph) -> dict[str, Any]:
    """Build the JSON-LD context of the project from an ontology graph.

    Every class and property in the ``kg:`` namespace becomes a term named by its local name;
    object properties coerce their values to IRIs, datatype properties with a single XSD range
    to that datatype. The project prefixes are included too.

    Args:
        ontology: The ontology.

    Returns:
        A JSON object ``{"@context": {...}}`` with sorted keys.

    >>> g = Graph().parse(data='''@prefix kg: <https://w3id.org/eleutherai-kg/ontology/> .
    ... @prefix owl: <http://www.w3.org/2002/07/owl#> .
    ... kg:founder a owl:ObjectProperty .''', format="turtle")
    >>> build_context(g)["@context"]["founder"]
    {'@id': 'kg:founder', '@type': '@id'}
    """
    context: dict[str, Any] = dict(PREFIXES)
    terms: dict[str, Any] = {}
    kinds = (
        OWL.Class,
        RDFS.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        RDF.Property,
    )
    for kind in kinds:
        for term in ontology.subjects(RDF.type, kind):
            if not isinstance(term, URIRef) or not str(term).startswith(str(KG)):
                continue
            local = str(term)[len(str(KG)) :]
            if not local or local in PREFIXES:
                continue
            compact = f"kg:{local}"
            definition: Any = compact
            if (term, RDF.type, OWL.ObjectProperty) in ontology:
                definition = {"@id": compact, "@type": "@id"}
            elif (term, RDF.type, OWL.DatatypeProperty) in ontology:
                ranges = [r for r in ontology.objects(term, RDFS.range) if isinstance(r, URIRef)]
                if (
                    len(ranges) == 1
                    and str(ranges[0]).startswith(str(XSD))
                    and ranges[0] != XSD.string
                ):
                    definition = {"@id": compact, "@type": f"xsd:{str(ranges[0])[len(str(XSD)) :]}"}
            terms[local] = definition
    # Names and links every entity has, so that they read plainly too ("label": "GPT-J-6B").
    terms.setdefault("label", {"@id": "rdfs:label", "@language": "en"})
    terms.setdefault("altLabel", {"@id": "skos:altLabel", "@language": "en"})
    terms.setdefault("sameAs", {"@id": "owl:sameAs", "@type": "@id"})
    context.update(terms)
    return {"@context": dict(sorted(context.items()))}


def context_json(ontology: Graph) -> str:
    """Return the context of :func:`build_context` as the text of ``ontology/context.jsonld``."""
    return json.dumps(build_context(ontology), indent=2, ensure_ascii=False) + "\n"


def _sort_json(node: Any) -> Any:
    """Sort node arrays by ``@id`` and value arrays by content (``@list`` order is kept)."""
    if isinstance(node, dict):
        return {k: (v if k == "@list" else _sort_json(v)) for k, v in sorted(node.items())}
    if isinstance(node, list):
        items = [_sort_json(i) for i in node]
        return sorted(
            items,
            key=lambda i: (
                "@graph" in i if isinstance(i, dict) else False,
                i.get("@id", "") if isinstance(i, dict) else "",
                json.dumps(i, sort_keys=True, ensure_ascii=False),
            ),
        )
    return node


class _Converter(Converter):
    """rdflib's JSON-LD converter, minus a data loss (found by the round-trip tests, issue 8).

    rdflib adds a second value under a key only ``if s_node.get(key):``, so a first value that
    compacts to ``""``, ``0`` or ``false`` was silently overwritten by the next one.
    """

    def add_to_node(self, graph: Any, s: Any, p: Any, o: Any, s_node: Any, nodemap: Any) -> None:
        falsy = {k: v for k, v in s_node.items() if not v and not isinstance(v, list)}
        super().add_to_node(graph, s, p, o, s_node, nodemap)
        for key, old in falsy.items():
            new = s_node[key]
            if new is not old:
                s_node[key] = [old, *(new if isinstance(new, list) else [new])]

    def convert_graphs(self, graphs: list[Graph]) -> Any:
        """Do what ``convert`` does for a dataset, given its non-empty graphs as a list.

        rdflib's ``convert`` checks ``g in graphs`` for every graph, comparing it with every
        graph kept so far: quadratic in the number of named graphs, which was most of the time
        of a JSON-LD export with one graph per source sentence (issue 5). Here graphs are
        matched by name, as ``Graph.__eq__`` matches them, so the output is the same.
        """
        context = self.context
        default_graph = next(
            (g for g in graphs if g.identifier == DATASET_DEFAULT_GRAPH_ID), Graph()
        )
        ordered = [default_graph]
        for g in graphs:
            if g is default_graph:
                continue
            if isinstance(g.identifier, URIRef):
                ordered.append(g)
            else:
                default_graph += g
        objs: list[Any] = []
        for g in ordered:
            obj: dict[str, Any] = {}
            graphname = None
            if isinstance(g.identifier, URIRef) and g.identifier != default_graph.identifier:
                graphname = context.shrink_iri(g.identifier)
                obj[context.id_key] = graphname
            nodes = self.from_graph(g)
            if not graphname and len(nodes) == 1:
                obj.update(nodes[0])
            else:
                if not nodes:
                    continue
                obj[context.graph_key] = nodes
            if objs and objs[0].get(context.get_key("@id")) == graphname:
                objs[0].update(obj)
            else:
                objs.append(obj)
        return objs[0] if len(objs) == 1 else objs


def _jsonld_graphs(kg: KnowledgeGraph, reasoned: bool) -> list[Graph]:
    """The view's non-empty graphs for JSON-LD: views into the store, blank nodes canonical.

    No sorted, prefix-bound copy as for the other formats: the JSON-LD converter reads the
    project context, not a graph's prefixes, and :func:`_sort_json` orders the whole document.
    """
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
    return graphs


def _jsonld(dataset: Dataset | list[Graph], ontology: Graph) -> str:
    context = build_context(ontology)["@context"]
    # What rdflib's serializer does (from_rdf), with the fixed converter.
    converter = _Converter(Context(context), use_native_types=True, use_rdf_type=False)
    if isinstance(dataset, list):
        doc = converter.convert_graphs(dataset)
    else:
        doc = converter.convert(dataset)
    if isinstance(doc, list):
        doc = {"@graph": doc}
    body = {k: v for k, v in doc.items() if k != "@context"}
    ordered = {"@context": context, **_sort_json(body)}
    return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"


def _sorted_lines(text: str) -> str:
    # Split on "\n" only: str.splitlines() also splits on U+2028, U+0085 and friends, which
    # N-Triples leaves unescaped inside literals, and so cut such a triple in two (issue 8).
    lines = sorted({line for line in text.split("\n") if line.strip()})
    return "\n".join(lines) + ("\n" if lines else "")


class _SortedGraph(Graph):
    """A graph that lists subjects and predicate-objects sorted, for rdflib's RDF/XML writer.

    rdflib's writer walks ``subjects()`` and ``predicate_objects()`` in store order, which
    depends on string hashing and so differs between runs.
    """

    def subjects(self, predicate: Any = None, object: Any = None, unique: bool = False) -> Any:
        return iter(sorted(set(super().subjects(predicate, object)), key=lambda n: n.n3()))

    def predicate_objects(self, subject: Any = None, unique: bool = False) -> Any:
        pairs = set(super().predicate_objects(subject))
        return iter(sorted(pairs, key=lambda po: (po[0].n3(), po[1].n3())))


def _sorted_xml_namespaces(text: str) -> str:
    # rdflib declares namespaces in the order of a set of predicates, which differs between runs.
    lines = text.splitlines()
    decls = [i for i, line in enumerate(lines) if line.strip().startswith("xmlns:")]
    if decls:
        block = sorted(lines[i] for i in decls)
        for i, line in zip(decls, block, strict=True):
            lines[i] = line
    return "\n".join(lines) + "\n"


def _trig(dataset: Dataset) -> str:
    """Write TriG in the project's canonical form (rdflib's writer orders graphs by a set)."""
    return canonical_trig(dataset)


def serialize_graph(graph: Graph, fmt: str) -> str:
    """Serialize one graph deterministically.

    Args:
        graph: The triples.
        fmt: ``turtle``, ``nt``, ``xml``, ``jsonld``, ``trig`` or ``nquads``.

    Returns:
        The text.

    Raises:
        UsageError: If the format is unknown.

    >>> serialize_graph(Graph(), "nt")
    ''
    """
    if fmt not in _SERIALIZERS:
        raise UsageError(f"unknown RDF format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    canonical = canonical_graph(graph, identifier=DATASET_DEFAULT_GRAPH_ID)
    if fmt in _QUAD_FORMATS:
        ds = bind_prefixes(Dataset())
        target = ds.graph(DATASET_DEFAULT_GRAPH_ID)
        for triple in canonical:
            target.add(triple)
        return serialize_dataset(ds, fmt, Graph())
    if fmt == "xml":
        sortable = bind_prefixes(_SortedGraph())
        for triple in canonical:
            sortable.add(triple)
        canonical = sortable
    text = canonical.serialize(format=_SERIALIZERS[fmt])
    if fmt == "nt":
        return _sorted_lines(text)
    if fmt == "xml":
        return _sorted_xml_namespaces(text)
    return text


def serialize_dataset(dataset: Dataset, fmt: str, ontology: Graph) -> str:
    """Serialize a dataset; triple formats get the union.

    Args:
        dataset: The quads (built by :func:`_dataset_for_export`: sorted, canonical).
        fmt: One of :data:`EXPORT_FORMATS`.
        ontology: Used to build the JSON-LD context.

    Returns:
        The text.

    Raises:
        UsageError: If the format is unknown.
    """
    if fmt not in _SERIALIZERS:
        raise UsageError(f"unknown RDF format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    if fmt in ("jsonld", "json-ld"):
        return _jsonld(dataset, ontology)
    if fmt == "nquads":
        return _sorted_lines(dataset.serialize(format="nquads"))
    if fmt == "trig":
        return _trig(dataset)
    union = bind_prefixes(Graph())
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return serialize_graph(union, fmt)


def render_inferred(inferred: Graph, fmt: str) -> str:
    """Serialize the inferred graph alone; quad formats name it ``GRAPH_INFERRED``.

    >>> render_inferred(Graph(), "nquads")
    ''
    """
    if fmt not in _QUAD_FORMATS:
        return serialize_graph(inferred, fmt)
    ds = bind_prefixes(Dataset())
    target = ds.graph(GRAPH_INFERRED)
    for triple in canonical_graph(inferred):
        target.add(triple)
    return serialize_dataset(ds, fmt, Graph())


def oxigraph_writer(kg: KnowledgeGraph, fmt: str, reasoned: bool = False) -> Writer | None:
    """Return a function writing Turtle or TriG through Oxigraph, when the store allows it.

    Args:
        kg: The knowledge graph.
        fmt: The export format.
        reasoned: Include ``GRAPH_INFERRED``.

    Returns:
        None unless the store is Oxigraph's, the format Turtle or TriG and the view free of
        blank nodes (see the module doc); then a function that writes the sorted statements,
        with the project prefixes, into a binary handle.

    >>> from rdflib import Dataset
    >>> oxigraph_writer(KnowledgeGraph.from_dataset(Dataset()), "turtle") is None  # memory store
    True
    """
    dump = getattr(kg.store, "sorted_dump", None)
    if dump is None or fmt not in _OXIGRAPH_FORMATS:
        return None
    kind, target = _OXIGRAPH_FORMATS[fmt]
    data: bytes | None = dump(kind, reasoned)
    if data is None:
        return None
    import pyoxigraph as ox  # only the Oxigraph store gets here, and it has imported it

    source = ox.RdfFormat.N_TRIPLES if kind == "nt" else ox.RdfFormat.N_QUADS

    def write(handle: IO[bytes]) -> None:
        # Oxigraph's parser and writer both stream, and keep the input order.
        quads = ox.parse(data, format=source)
        ox.serialize(quads, handle, format=getattr(ox.RdfFormat, target), prefixes=PREFIXES)

    return write


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
    if fmt not in _SERIALIZERS:
        raise UsageError(f"unknown RDF format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
    writer = oxigraph_writer(kg, fmt, reasoned)
    if writer is not None:
        buffer = io.BytesIO()
        writer(buffer)
        return buffer.getvalue().decode("utf-8")
    # Oxigraph writes N-Triples/N-Quads far faster than rdflib; sorted, its lines are the same
    # bytes as the rdflib path's (tests/test_oxstore.py), except with blank nodes (then None).
    dump = getattr(kg.store, "dump_lines", None)
    fast = dump(fmt, reasoned) if dump is not None and fmt in ("nt", "nquads") else None
    if fast is not None:
        return _sorted_lines(fast)
    if fmt in ("jsonld", "json-ld"):
        return _jsonld(_jsonld_graphs(kg, reasoned), kg.ontology)
    if fmt in _QUAD_FORMATS:
        return serialize_dataset(_dataset_for_export(kg, reasoned), fmt, kg.ontology)
    return serialize_graph(_graph_for_export(kg, reasoned), fmt)


def _remove_stale_temps(folder: Path, name: str) -> None:
    """Delete temp files that killed writers (``kill -9``) left next to ``name``."""
    try:
        leftovers = list(folder.glob(f".{glob.escape(name)}.*.tmp"))
    except OSError:
        return
    for tmp in leftovers:
        pid = tmp.name[len(name) + 2 :].split(".", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            tmp.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, but belongs to someone else
    return True


def _target_mode(path: Path) -> int:
    """Return the permission bits for a new ``path``: its current ones, else 0666 less the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(dest: str | Path, text: str | bytes | Writer) -> None:
    """Replace ``dest`` with ``text`` atomically: temp file alongside, fsync, ``os.replace``.

    Args:
        dest: The file to write.
        text: Its new content (text is written as UTF-8; bytes as they are), or a function
            that writes it into a binary handle (streamed, so a large export is never held
            whole in memory).

    Raises:
        ExportError: If writing fails; ``dest`` is then untouched and no temp file is left.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_atomic(Path(folder) / "a.nt", lambda handle: handle.write(b"<a> <b> <c> .\\n"))
    ...     (Path(folder) / "a.nt").read_text()
    '<a> <b> <c> .\\n'
    """
    path = Path(dest)
    writer: Writer
    if isinstance(text, (str, bytes)):
        data = text.encode("utf-8") if isinstance(text, str) else text

        def write(handle: IO[bytes]) -> None:
            handle.write(data)

        writer = write

    else:
        writer = text
    if path.exists() and not path.is_file() and not path.is_dir():
        # A device, FIFO or socket (-o /dev/null, -o /dev/stdout, a named pipe): there is no
        # file to keep intact, and renaming over it would replace the device itself.
        try:
            with path.open("wb") as handle:
                writer(handle)
        except OSError as exc:
            raise ExportError(f"{dest}: cannot write ({exc.strerror or exc})") from None
        return
    folder = path.parent if str(path.parent) else Path(".")
    _remove_stale_temps(folder, path.name)
    try:
        # The writer's pid is in the name, so a later write can tell a leftover of a killed
        # process from the temp file of a concurrent one (issue 8).
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ExportError(f"{dest}: cannot write ({exc.strerror})") from None
    try:
        # mkstemp makes the file owner-only (0600); give the result the mode a plain open()
        # would: the existing file's, or what the umask allows.
        os.fchmod(fd, _target_mode(path))
        with os.fdopen(fd, "wb") as handle:
            writer(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError(f"{dest}: cannot write ({exc.strerror or exc})") from None
        raise


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
        writer = oxigraph_writer(kg, fmt, reasoned)
        write_atomic(dest, writer if writer is not None else render_export(kg, fmt, reasoned))
        return ""
    text = render_export(kg, fmt, reasoned)
    if dest is not None and not isinstance(dest, (str, Path)):
        dest.write(text)
    return text


__all__ = [
    "EXPORT_FORMATS",
    "GRAPH_INFERRED",
    "build_context",
    "canonical_graph",
    "context_json",
    "export",
    "oxigraph_writer",
    "render_export",
    "render_inferred",
    "serialize_dataset",
    "serialize_graph",
    "write_atomic",
]
