"""Read RDF files safely."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgtool.core.errors import InputError
from kgtool.io.formats import RDF_EXTENSIONS, RDF_FORMATS, find_rdf_format, rdf_format_of_path
from kgtool.io.inputs import (
    expand_inputs as expand_inputs,
)  # re-exported: its old place

if TYPE_CHECKING:
    # rdflib is imported by the functions that parse with it: reading a query's text and
    # naming formats need none of it.
    from rdflib import Dataset, Graph

#: Formats that carry graph names.
QUAD_FORMATS = frozenset(f.rdflib for f in RDF_FORMATS if f.quads)

#: Accepted spellings of ``format`` and what rdflib calls them.
FORMAT_ALIASES: dict[str, str] = {n: f.rdflib for f in RDF_FORMATS for n in f.names}


_LINE_RE = re.compile(r"at line (\d+)")


#: JSON-LD documents nested deeper than this are refused: rdflib's JSON-LD parser recurses per
#: level and would die of a RecursionError a few hundred levels down.
MAX_JSON_DEPTH = 100


#: How much bigger than the file itself RDF/XML entity expansion may make it (the
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
        chosen = find_rdf_format(explicit)
        if chosen is None:
            known = ", ".join(f.name for f in RDF_FORMATS)
            raise InputError(
                f"unknown RDF format {explicit!r} (known: {known}, their aliases and media types)"
            )
        return chosen.rdflib
    by_extension = rdf_format_of_path(path)
    if by_extension is None:
        suffix = Path(str(path)).suffix.lower()
        known = " ".join(sorted(RDF_EXTENSIONS))
        raise InputError(
            f"{path}: cannot tell the RDF format from the extension {suffix or '(none)'!r} "
            f"(known: {known}); give --input-format"
        )
    return by_extension.rdflib


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


def _deepest_line(text: str, fmt: str) -> int:
    """Return the line where brackets nest deepest in JSON, Turtle or TriG text (1 if none).

    Strings (and in Turtle, IRIs and comments) are skipped, so their brackets do not count; for
    the message of a document too deeply nested to parse, which has no line of its own.

    >>> _deepest_line('{"a": "[[[",\\n "b": [[1]]}', "json-ld")
    2
    """
    turtle = fmt != "json-ld"
    depth = deepest = 0
    line = deepest_line = 1
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c in "([{":
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
        elif c in ")]}":
            depth -= 1
        elif c == '"' or (turtle and c == "'"):
            quote = c * 3 if turtle and text.startswith(c * 3, i) else c
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                if text[i] == "\\":
                    i += 1
                elif text[i] == "\n":
                    line += 1
                i += 1
            i += len(quote)
            continue
        elif turtle and c == "<":
            end = text.find(">", i)
            i = n if end < 0 else end
        elif turtle and c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        i += 1
    return deepest_line


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
            f"{name}:{_deepest_line(text, 'json-ld')}: malformed json-ld (nested more than "
            f"{MAX_JSON_DEPTH} levels deep; "
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
            from rdflib import Dataset

            Dataset().parse(data=line, format=fmt)
        except Exception:
            return number
    return None


def _parse_error(name: str, text: str, fmt: str, exc: Exception) -> InputError:
    """Turn a parser exception into an :class:`InputError` naming the file and the line."""
    line: int | None = None
    detail = str(exc).strip()
    if isinstance(exc, RecursionError) or "maximum recursion depth" in detail:
        where = f":{_deepest_line(text, fmt)}" if fmt in ("turtle", "trig", "json-ld") else ""
        return InputError(f"{name}{where}: malformed {fmt} (nested too deeply to parse)")
    from xml.sax import SAXParseException  # only RDF/XML errors are of this kind

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


def stdin_base() -> str:
    """Return the base IRI of text read from stdin when no ``base`` is given.

    Text on stdin has no URI of its own, so relative IRIs in it resolve as if it were a file in
    the current directory (a trailing slash: ``<doc>`` becomes ``file:///cwd/doc``).

    >>> stdin_base().startswith("file:///") and stdin_base().endswith("/")
    True
    """
    return Path.cwd().resolve().as_uri().rstrip("/") + "/"


def base_iri(path: str | Path, base: str | None = None) -> str:
    """Return the IRI that relative IRIs in ``path`` resolve against.

    RDF 1.1 (RFC 3986 section 5.1) takes the retrieval URI of the document: its ``file:`` URI.
    An explicit ``base`` (a ``--base`` option) overrides it; stdin without one gets
    :func:`stdin_base`. An ``@base`` in the document still overrides either.

    Args:
        path: A file, or ``-`` for stdin.
        base: An absolute IRI to use instead.

    Returns:
        An absolute IRI.

    >>> base_iri("/tmp/x/doc.ttl")
    'file:///tmp/x/doc.ttl'
    >>> base_iri("doc.ttl", "http://example.org/")
    'http://example.org/'
    """
    if base:
        return base
    if str(path) == "-":
        return stdin_base()
    return Path(path).resolve().as_uri()


def parse_text(text: str, fmt: str, name: str, base: str | None = None) -> Dataset:
    """Parse RDF text into a new dataset (graph names kept for quad formats).

    Lexical forms are kept as written (``"01"^^xsd:integer`` stays ``"01"``): in RDF 1.1 they
    are data, and the Oxigraph store's parser keeps them too.

    Args:
        text: The document.
        fmt: An rdflib format name (see :func:`rdf_format`).
        name: What to call the input in error messages (a file name or ``<stdin>``).
        base: The IRI relative IRIs resolve against (see :func:`base_iri`); None: the current
            directory, as for stdin.

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
        # it linear; the value only ever grows, so concurrent parses stay correct.
        from kgtool.core.patches import ensure_ntriples_buffer

        ensure_ntriples_buffer(len(text) + 1)
    from rdflib import Dataset, URIRef

    from kgtool.core.patches import (
        linear_string_constants,
        literals_as_written,
        ordered_memory_store,
    )

    # Insertion order: the store then gets the quads in the file's order, in every process.
    dataset = Dataset(store=ordered_memory_store())
    try:
        # rdflib's Turtle/TriG reader is quadratic in a string's length (minutes for a literal of
        # a million lines); the patch reads it in one pass, with the same value.
        with literals_as_written(), linear_string_constants():
            dataset.parse(data=text, format=fmt, publicID=URIRef(base or stdin_base()))
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


def parse_file(path: str | Path, fmt: str | None = None, base: str | None = None) -> Dataset:
    """Read and parse one RDF file (``-`` is stdin and needs ``fmt``).

    Args:
        path: The file, or ``-``.
        fmt: A format name overriding the extension.
        base: The base IRI instead of the file's own URI (see :func:`base_iri`).

    Raises:
        InputError: See :func:`read_text`, :func:`rdf_format` and :func:`parse_text`.
    """
    rdflib_format = rdf_format(path, fmt)
    name = "<stdin>" if str(path) == "-" else str(path)
    return parse_text(read_text(path), rdflib_format, name, base_iri(path, base))


def merged_graph(dataset: Dataset) -> Graph:
    from kgtool.core.namespaces import new_graph

    merged = new_graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


def bind_file_prefixes(graph: Graph, parsed: Graph) -> None:
    """Bind on ``graph`` the prefixes a parsed file declared, where ``graph`` has none for them.

    pySHACL reads the prefixed names of a SPARQL constraint with the shapes graph's bindings.
    """
    for prefix, namespace in parsed.namespaces():
        graph.bind(prefix, namespace, override=False)


def parse_graph_files(shape_files: Sequence[Path]) -> Graph:
    """Parse files into one graph (graph names dropped), keeping the files' prefix bindings."""
    from kgtool.core.namespaces import new_graph

    shapes_graph = new_graph()
    for f in shape_files:
        parsed = parse_file(f)
        for triple in merged_graph(parsed):
            shapes_graph.add(triple)
        bind_file_prefixes(shapes_graph, parsed)
    return shapes_graph
