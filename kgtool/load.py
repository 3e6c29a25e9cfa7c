"""Load the ontology, shapes and facts into one :class:`KnowledgeGraph`.

Quad formats (TriG, N-Quads, JSON-LD with named ``@graph`` objects) keep their graph names;
triple formats go into the default graph; the ontology goes into ``GRAPH_ONTOLOGY``. Shapes are
kept apart from the data. Parse errors name the file and, where the parser knows it, the line.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax import SAXParseException

import rdflib.plugins.parsers.ntriples as _ntriples
from rdflib import Dataset, Graph, URIRef

from kgtool.errors import InputError, UsageError
from kgtool.inputs import FORMATS_BY_EXTENSION, shapes_files
from kgtool.inputs import data_files as list_data_files
from kgtool.inputs import expand_inputs as expand_inputs  # re-exported: moved for issue 5
from kgtool.inputs import ontology_files as ontology_inputs
from kgtool.namespaces import GRAPH_ONTOLOGY
from kgtool.store import MemoryStore, Store, bind_prefixes

#: Formats that carry graph names.
QUAD_FORMATS = frozenset({"trig", "nquads", "json-ld"})
#: Accepted spellings of ``format`` and what rdflib calls them.
FORMAT_ALIASES: dict[str, str] = {
    "turtle": "turtle",
    "ttl": "turtle",
    "trig": "trig",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "nquads": "nquads",
    "nq": "nquads",
    "n-quads": "nquads",
    "jsonld": "json-ld",
    "json-ld": "json-ld",
    "xml": "xml",
    "rdfxml": "xml",
    "rdf/xml": "xml",
}
_LINE_RE = re.compile(r"at line (\d+)")
#: Store backends (issue 5): ``auto`` picks Oxigraph for inputs above ``AUTO_OXIGRAPH_BYTES``.
STORE_CHOICES: tuple[str, ...] = ("auto", "memory", "oxigraph")
AUTO_OXIGRAPH_BYTES = 5_000_000
#: JSON-LD documents nested deeper than this are refused: rdflib's JSON-LD parser recurses per
#: level and would die of a RecursionError a few hundred levels down (issue 8).
MAX_JSON_DEPTH = 100
#: How much bigger than the file itself RDF/XML entity expansion may make it (issue 8: the
#: quadratic blow-up, one big entity referenced many times).
MAX_ENTITY_GROWTH = 10
_ENTITY_DECL_RE = re.compile(
    r"<!ENTITY\s+(?P<name>[^\s%\"'>]+)\s+(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)')\s*>"
)
_EXTERNAL_ID_RE = re.compile(r"<!(?:DOCTYPE|ENTITY)\s+(?:%\s+)?[^\s>\[]+\s+(?:SYSTEM|PUBLIC)\b")
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def rdf_format(path: str | Path, explicit: str | None = None) -> str:
    """Return the rdflib parser name for ``path`` (or the explicit ``format``).

    Args:
        path: A file name; only its extension is used.
        explicit: A format name that overrides the extension (``ttl``, ``trig``, ``jsonld``...).

    Returns:
        The rdflib format name.

    Raises:
        InputError: If the format is unknown or cannot be guessed.

    >>> rdf_format("facts/history.trig")
    'trig'
    >>> rdf_format("-", "ttl")
    'turtle'
    """
    if explicit:
        try:
            return FORMAT_ALIASES[explicit.lower()]
        except KeyError:
            known = ", ".join(sorted(FORMAT_ALIASES))
            raise InputError(f"unknown RDF format {explicit!r} (known: {known})") from None
    suffix = Path(str(path)).suffix.lower()
    if suffix not in FORMATS_BY_EXTENSION:
        known = " ".join(sorted(FORMATS_BY_EXTENSION))
        raise InputError(
            f"{path}: cannot tell the RDF format from the extension {suffix or '(none)'!r} "
            f"(known: {known}); give --input-format"
        )
    return FORMATS_BY_EXTENSION[suffix]


def _refuse_remote_contexts(node: Any, name: str) -> None:
    """Raise if a JSON-LD document refers to a context by IRI (it would be fetched)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import"):
                contexts = value if isinstance(value, list) else [value]
                for ctx in contexts:
                    if isinstance(ctx, str):
                        raise InputError(
                            f"{name}: refers to the remote JSON-LD context {ctx!r}; kgtool works "
                            "offline, so inline the context in the document"
                        )
                    _refuse_remote_contexts(ctx, name)
            else:
                _refuse_remote_contexts(value, name)
    elif isinstance(node, list):
        for item in node:
            _refuse_remote_contexts(item, name)


def _json_depth(node: Any) -> int:
    """Return how deeply a parsed JSON value nests (iteratively: the input may be hostile)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(node, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in item)
    return deepest


def _check_json_ld(text: str, name: str) -> None:
    """Refuse JSON-LD that is not JSON, nests too deeply, or needs a remote context."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _parse_error(name, text, "json-ld", exc) from exc
    except RecursionError:
        doc = None
        depth = MAX_JSON_DEPTH + 1
    else:
        if not isinstance(doc, (dict, list)):
            raise InputError(
                f"{name}: malformed json-ld (a JSON-LD document is a JSON object or array, "
                f"not {type(doc).__name__})"
            )
        depth = _json_depth(doc)
    if depth > MAX_JSON_DEPTH:
        raise InputError(
            f"{name}: malformed json-ld (nested more than {MAX_JSON_DEPTH} levels deep; "
            "kgtool refuses such documents to bound the work)"
        )
    _refuse_remote_contexts(doc, name)


def _check_rdf_xml(text: str, name: str) -> None:
    """Refuse RDF/XML whose DTD could read files, reach the network or blow up in memory.

    Only internal entities with plain values (no references to other entities) are allowed:
    that keeps the ``<!ENTITY owl "http://www.w3.org/2002/07/owl#">`` abbreviations that
    ontology editors write, and rules out XXE and "billion laughs". The total expansion is
    bounded too, since rdflib's RDF/XML handler is quadratic in the number of text chunks.
    """
    if "<!DOCTYPE" not in text and "<!ENTITY" not in text:
        return
    if _EXTERNAL_ID_RE.search(text):
        raise InputError(
            f"{name}: refused: the DTD refers to an external entity or DTD (SYSTEM/PUBLIC); "
            "kgtool never reads other files or the network while parsing (XXE)"
        )
    declared = list(_ENTITY_DECL_RE.finditer(text))
    if text.count("<!ENTITY") != len(declared):
        raise InputError(
            f"{name}: refused: the DTD declares parameter entities or entities kgtool cannot "
            'check; only plain <!ENTITY name "value"> declarations are allowed'
        )
    growth = 0
    for decl in declared:
        value = decl.group("dq") if decl.group("dq") is not None else decl.group("sq")
        if "&" in value or "%" in value:
            raise InputError(
                f"{name}: refused: entity {decl.group('name')!r} refers to other entities "
                "(nested entity expansion, as in the 'billion laughs' attack)"
            )
        growth += text.count(f"&{decl.group('name')};") * len(value)
    if growth > MAX_ENTITY_GROWTH * len(text) + 2**20:
        raise InputError(
            f"{name}: refused: entity expansion would add {growth} characters to a "
            f"{len(text)}-character file"
        )


def _line_of_bad_line(text: str, fmt: str) -> int | None:
    """Find the first line that does not parse in a line-based format (N-Triples, N-Quads)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            Dataset().parse(data=line, format=fmt)
        except Exception:
            return number
    return None


def _parse_error(name: str, text: str, fmt: str, exc: Exception) -> InputError:
    """Turn a parser exception into an :class:`InputError` naming the file and the line."""
    line: int | None = None
    detail = str(exc).strip()
    if isinstance(exc, RecursionError) or "maximum recursion depth" in detail:
        return InputError(f"{name}: malformed {fmt} (nested too deeply to parse)")
    if isinstance(exc, SAXParseException):
        line = exc.getLineNumber()
        detail = exc.getMessage()
    else:
        match = _LINE_RE.search(detail)
        if match:
            line = int(match.group(1))
            # rdflib repeats the whole document after the message; keep the message only.
            detail = detail.split("\n")[1] if "\n" in detail else detail
        elif fmt in ("nt", "nquads"):
            line = _line_of_bad_line(text, fmt)
        elif isinstance(exc, json.JSONDecodeError):
            line = exc.lineno
    where = f"{name}:{line}" if line is not None else name
    return InputError(f"{where}: malformed {fmt} ({detail.splitlines()[0] if detail else exc!r})")


def parse_text(text: str, fmt: str, name: str) -> Dataset:
    """Parse RDF text into a new dataset (graph names kept for quad formats).

    Args:
        text: The document.
        fmt: An rdflib format name (see :func:`rdf_format`).
        name: What to call the input in error messages (a file name or ``<stdin>``).

    Returns:
        A dataset; triple formats fill its default graph.

    Raises:
        InputError: If the text does not parse; the message names ``name`` and the line.

    >>> ds = parse_text("<http://a> <http://b> <http://c> .", "nt", "x.nt")
    >>> len(ds)
    1
    """
    if fmt in ("json-ld", "xml") and not text.strip():
        kind = "a JSON-LD" if fmt == "json-ld" else "an RDF/XML"
        raise InputError(f"{name}: empty file, not {kind} document")
    if fmt == "json-ld":
        _check_json_ld(text, name)
    elif fmt == "xml":
        _check_rdf_xml(text, name)
    elif fmt in ("nt", "nquads"):
        # rdflib's N-Triples reader grows its line buffer 2 KiB at a time and rescans it on each
        # step: quadratic, minutes for a 5 MB literal. Reading the whole text in one step keeps
        # it linear (issue 8); the value only ever grows, so concurrent parses stay correct.
        _ntriples.bufsiz = max(_ntriples.bufsiz, len(text) + 1)
    dataset = Dataset()
    try:
        dataset.parse(data=text, format=fmt, publicID=URIRef("urn:kgtool:base"))
    except Exception as exc:  # every rdflib parser raises its own family of exceptions
        raise _parse_error(name, text, fmt, exc) from exc
    return dataset


def decode_utf8(data: bytes, name: str) -> str:
    """Decode UTF-8 (a leading byte-order mark is dropped), or say clearly what the bytes are.

    Raises:
        InputError: If the bytes are UTF-16/32 or not valid UTF-8; names the line.

    >>> decode_utf8(b"\\xef\\xbb\\xbf<a> <b> <c> .", "x.nt")
    '<a> <b> <c> .'
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            raise InputError(
                f"{name}: {encoding} text (it starts with a {encoding} byte-order mark); kgtool "
                f"reads UTF-8: convert it, e.g. iconv -f {encoding} -t UTF-8"
            )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{name}:{line}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None


def read_text(path: str | Path) -> str:
    """Read a file (or stdin for ``-``) as UTF-8 text.

    Raises:
        InputError: If the file is missing, a directory, unreadable or not UTF-8.
    """
    if str(path) == "-":
        stream = getattr(sys.stdin, "buffer", None)
        return decode_utf8(stream.read(), "<stdin>") if stream else sys.stdin.read()
    p = Path(path)
    try:
        return decode_utf8(p.read_bytes(), str(path))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def parse_file(path: str | Path, fmt: str | None = None) -> Dataset:
    """Read and parse one RDF file (``-`` is stdin and needs ``fmt``).

    Raises:
        InputError: See :func:`read_text`, :func:`rdf_format` and :func:`parse_text`.
    """
    rdflib_format = rdf_format(path, fmt)
    name = "<stdin>" if str(path) == "-" else str(path)
    return parse_text(read_text(path), rdflib_format, name)


def _as_graph(dataset: Dataset) -> Graph:
    merged = bind_prefixes(Graph())
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


@dataclass
class KnowledgeGraph:
    """The loaded dataset, its ontology and its shapes: the one object every command works on.

    Attributes:
        store: The quads (asserted, plus the inferred graph once reasoned).
        ontology: The ontology triples (also in the store as ``GRAPH_ONTOLOGY``).
        shapes: The SHACL shapes; never part of the data.
        sources: The files that were loaded, in order.
    """

    store: Store
    ontology: Graph
    #: The shapes graph; None until first read when :attr:`shape_files` are given (see shapes).
    shapes_graph: Graph | None = None
    sources: list[Path] = field(default_factory=list)
    reasoned_profile: str | None = None
    #: Where :func:`kgtool.reason.reason` keeps closures on disk (None: in this process only).
    cache_dir: Path | None = None
    #: Shape files parsed on first use of :attr:`shapes` (a query never needs them).
    shape_files: list[Path] = field(default_factory=list)
    #: ``format`` as given to :meth:`load`: with ``sources`` it determines the asserted triples,
    #: so the closure cache is keyed by them (issue 5). Code that adds triples to ``store`` after
    #: loading must clear ``sources`` (the key then falls back to hashing the triples).
    input_format: str | None = None

    @property
    def shapes(self) -> Graph:
        """The SHACL shapes, parsed from :attr:`shape_files` on first use.

        Raises:
            InputError: If a shapes file is malformed (reported when first needed).
        """
        if self.shapes_graph is None:
            if getattr(self.store, "accepts_text", False):
                # On the Oxigraph store Oxigraph parses them too: rdflib's Turtle parser takes
                # ~0.2 s on the bundled shapes; same triples, same errors (tests/test_oxstore.py).
                from kgtool.oxstore import load_graph

                self.shapes_graph = bind_prefixes(load_graph(self.shape_files))
            else:
                self.shapes_graph = _parse_shapes(self.shape_files)
        return self.shapes_graph

    @classmethod
    def load(
        cls,
        data: Sequence[str | Path] | None = None,
        ontology: Sequence[str | Path] | None = None,
        shapes: Sequence[str | Path] | None = None,
        format: str | None = None,
        store: str = "memory",
        progress: Callable[[int, int], None] | None = None,
    ) -> KnowledgeGraph:
        """Load facts, ontology and shapes; None means the bundled default for each.

        Args:
            data: Files or folders of facts; replaces the bundled ``graph/``.
            ontology: Ontology files; replaces the bundled ontology.
            shapes: SHACL files; replaces the bundled shapes.
            format: Parse every data file in this format instead of guessing from extensions
                (needed for stdin ``-``).
            store: ``memory`` (rdflib), ``oxigraph`` (pyoxigraph) or ``auto`` (by input size).
            progress: Called as ``progress(bytes_read, total_bytes)`` of the ontology and fact
                files: as Oxigraph reads, or once per file parsed by rdflib.

        Returns:
            The knowledge graph.

        Raises:
            InputError: If a file is missing, unreadable, of unknown format or malformed.

        >>> kg = KnowledgeGraph.load(data=[], ontology=[], shapes=[])
        >>> len(kg.store.union())
        0
        """
        sources: list[Path] = []
        ontology_files = ontology_inputs(ontology)
        data_files = list_data_files(data)
        advance = _byte_counter([*ontology_files, *data_files], progress)
        if resolve_store(store, [*ontology_files, *data_files]) == "oxigraph":
            kg = cls._load_oxigraph(ontology_files, data_files, shapes, format, advance)
            kg.input_format = format
            return kg
        memory = MemoryStore()
        ontology_graph = bind_prefixes(Graph(identifier=GRAPH_ONTOLOGY))
        for f in ontology_files:
            for triple in _as_graph(parse_file(f)):
                ontology_graph.add(triple)
            sources.append(f)
            _advance_by_size(f, advance)
        memory.add_graph(GRAPH_ONTOLOGY, ontology_graph)
        # Shape files must exist now (a typo is an input error at once); parsing them costs
        # more than parsing the bundled facts and only validate needs it (issue 5, cold start).
        shape_files = shapes_files(shapes)
        for f in data_files:
            memory.add_dataset(parse_file(f, format))
            sources.append(f)
            _advance_by_size(f, advance)
        return cls(
            store=memory,
            ontology=ontology_graph,
            sources=sources,
            shape_files=shape_files,
            input_format=format,
        )

    @classmethod
    def _load_oxigraph(
        cls,
        ontology_files: list[Path],
        data_files: list[Path],
        shapes: Sequence[str | Path] | None,
        format: str | None,
        advance: Callable[[int], None] | None = None,
    ) -> KnowledgeGraph:
        # Imported here: pyoxigraph is an optional extra, and the memory path must not need it.
        from kgtool.oxstore import load_store

        store = load_store(ontology_files, data_files, format, progress=advance)
        ontology_graph = store.named_graph(GRAPH_ONTOLOGY)
        return cls(
            store=store,
            ontology=ontology_graph,
            sources=[*ontology_files, *data_files],
            shape_files=shapes_files(shapes),
        )

    @classmethod
    def from_dataset(
        cls, dataset: Dataset, ontology: Graph | None = None, shapes: Graph | None = None
    ) -> KnowledgeGraph:
        """Wrap an in-memory dataset (handy in tests and notebooks).

        >>> kg = KnowledgeGraph.from_dataset(Dataset())
        >>> kg.store.graph_names()
        []
        """
        store = MemoryStore()
        store.add_dataset(dataset)
        onto = ontology if ontology is not None else Graph(identifier=GRAPH_ONTOLOGY)
        if len(onto):
            store.add_graph(GRAPH_ONTOLOGY, onto)
        return cls(
            store=store, ontology=onto, shapes_graph=shapes if shapes is not None else Graph()
        )


def _byte_counter(
    files: Sequence[Path], progress: Callable[[int, int], None] | None
) -> Callable[[int], None] | None:
    """Turn ``progress(done, total)`` into a callback taking the bytes just read."""
    if progress is None:
        return None
    total = 0
    for f in files:
        with contextlib.suppress(OSError):  # a missing file is reported when it is read
            total += f.stat().st_size if str(f) != "-" else 0
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        progress(done, max(total, done))

    return advance


def _advance_by_size(path: Path, advance: Callable[[int], None] | None) -> None:
    if advance is not None and str(path) != "-":
        advance(path.stat().st_size)


def _parse_shapes(shape_files: Sequence[Path]) -> Graph:
    shapes_graph = bind_prefixes(Graph())
    for f in shape_files:
        for triple in _as_graph(parse_file(f)):
            shapes_graph.add(triple)
    return shapes_graph


def oxigraph_available() -> bool:
    """Return whether pyoxigraph can be imported (the ``oxigraph`` extra is installed)."""
    import importlib.util

    return importlib.util.find_spec("pyoxigraph") is not None


def resolve_store(kind: str, files: Sequence[Path] = ()) -> str:
    """Turn a ``--store`` choice into ``memory`` or ``oxigraph``.

    Args:
        kind: ``memory``, ``oxigraph`` or ``auto``.
        files: The inputs; ``auto`` picks Oxigraph when they exceed ``AUTO_OXIGRAPH_BYTES``
            and pyoxigraph is installed.

    Returns:
        ``memory`` or ``oxigraph``.

    Raises:
        UsageError: For an unknown kind, or ``oxigraph`` without pyoxigraph installed.

    >>> resolve_store("auto", [])
    'memory'
    """
    if kind not in STORE_CHOICES:
        raise UsageError(f"unknown store {kind!r} (choose from {', '.join(STORE_CHOICES)})")
    if kind == "oxigraph":
        if not oxigraph_available():
            raise UsageError(
                "--store oxigraph needs pyoxigraph: pip install 'eleutherai-kg[oxigraph]'"
            )
        return kind
    if kind == "auto":
        size = sum(f.stat().st_size for f in files if str(f) != "-" and f.exists())
        return "oxigraph" if size > AUTO_OXIGRAPH_BYTES and oxigraph_available() else "memory"
    return kind
