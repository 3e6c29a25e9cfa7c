"""Convert terms between rdflib and pyoxigraph, as rdflib's own parser would make them."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from kgtool.core.namespaces import (
    GRAPH_INFERRED,
    PREFIXES,
    new_graph,
)
from kgtool.core.patches import string_literal
from kgtool.core.terms import Triple
from kgtool.store.base import names_blank_node

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


def to_ox(term: Node) -> Any:
    """Convert an rdflib term to a pyoxigraph one.

    >>> to_ox(Literal("a", lang="en"))
    <Literal value=a language=en>
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {term!r} in Oxigraph")


def _canonical_integer(lexical: str) -> int | None:
    value = int(lexical) if lexical.lstrip("-").isdigit() and lexical.isascii() else None
    return value if value is not None and str(value) == lexical else None


def _canonical_date(lexical: str) -> datetime.date | None:
    try:
        value = datetime.date.fromisoformat(lexical)
    except ValueError:
        return None
    return value if value.isoformat() == lexical else None


#: Typed literals whose rdflib construction from the lexical form costs 6-10 us (rdflib parses,
#: checks and re-serializes it): from the Python value it is 3x cheaper and, for a lexical form
#: already canonical, the very same term. At 1 M triples converting answers dominated query time.
_FAST_VALUES: dict[str, Callable[[str], Any]] = {
    "http://www.w3.org/2001/XMLSchema#integer": _canonical_integer,
    "http://www.w3.org/2001/XMLSchema#date": _canonical_date,
}


def from_ox(term: Any) -> Node:
    """Convert a pyoxigraph term to the rdflib term rdflib's own parser would have made.

    Plain literals come back without a datatype (Oxigraph types them ``xsd:string``), so terms
    compare equal to rdflib-parsed ones.

    >>> from_ox(ox.Literal("a"))
    rdflib.term.Literal('a')
    """
    if isinstance(term, ox.NamedNode):
        # Oxigraph has validated the IRI: skip URIRef's own check (a third of its cost).
        return str.__new__(URIRef, term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return string_literal(term.value, term.language)
        datatype = term.datatype.value
        if datatype in (_XSD_STRING, _RDF_LANGSTRING):
            return string_literal(term.value, None)
        fast = _FAST_VALUES.get(datatype)
        if fast is not None:
            value = fast(term.value)
            if value is not None:
                return Literal(value)
        # normalize=False: the lexical form is data (``"01"`` stays ``"01"``), as the file had it.
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    raise TypeError(f"cannot convert {term!r} from Oxigraph")


def memo_converter() -> tuple[Callable[[Any], Node], dict[Any, Node]]:
    """Return :func:`from_ox` converting each distinct term once, and its memo (ox → rdflib)."""
    seen: dict[Any, Node] = {}

    def convert(term: Any) -> Node:
        found = seen.get(term)
        if found is None:
            found = seen[term] = from_ox(term)
        return found

    return convert, seen


def rdflib_triples(triples: Iterable[Any]) -> Iterator[Triple]:
    """Convert pyoxigraph triples (or quads) to rdflib ones, each distinct term once.

    A big graph repeats its terms many times; a dictionary lookup is cheaper than
    :func:`from_ox`.

    >>> t = ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c"))
    >>> next(rdflib_triples([t]))[2]
    rdflib.term.Literal('c')
    """
    convert, _ = memo_converter()
    for t in triples:
        yield convert(t.subject), convert(t.predicate), convert(t.object)


def oxigraph_triples(triples: Iterable[Triple], known: dict[Node, Any] | None = None) -> list[Any]:
    """Convert rdflib triples to pyoxigraph ``Triple`` objects, each distinct term once.

    Args:
        triples: rdflib triples.
        known: Conversions already made (rdflib term to pyoxigraph term); extended in place.

    Returns:
        The pyoxigraph triples, in the same order.

    >>> oxigraph_triples([(URIRef("urn:a"), URIRef("urn:b"), Literal(1))])[0].object.value
    '1'
    """
    seen: dict[Node, Any] = {} if known is None else known

    def convert(term: Node) -> Any:
        found = seen.get(term)
        if found is None:
            found = seen[term] = to_ox(term)
        return found

    return [ox.Triple(convert(s), convert(p), convert(o)) for s, p, o in triples]


def sorted_ntriples(triples: Sequence[Any]) -> bytes:
    """Return pyoxigraph triples as N-Triples, one triple a line, lines sorted and distinct.

    >>> t = ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c"))
    >>> sorted_ntriples([t, t])
    b'<urn:a> <urn:b> "c" .\\n'
    """
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    # Split on "\n" only: N-Triples leaves U+2028 and friends unescaped inside literals.
    lines = sorted({line for line in data.split(b"\n") if line.strip()})
    return b"".join(line + b"\n" for line in lines)


def parses_as_ntriples(body: bytes) -> bool:
    """Whether ``body`` is N-Triples Oxigraph reads (a cached closure is checked so when it is
    not loaded into a store, which would check it).

    >>> parses_as_ntriples(b'<urn:a> <urn:b> "c" .\\n'), parses_as_ntriples(b"<urn:a> .\\n")
    (True, False)
    """
    try:
        for _ in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
            pass
    except (SyntaxError, ValueError):
        return False
    return True


def render_ntriples(body: bytes, fmt: str) -> str | None:
    """Serialize sorted N-Triples (:func:`sorted_ntriples`) as ``nt``, ``nquads`` or ``turtle``.

    N-Triples and N-Quads (in ``GRAPH_INFERRED``) come out as the same bytes as
    :func:`kgtool.export.render_inferred`'s; Turtle is Oxigraph's, triples in sorted order and
    prefixes sorted. Returns None for other formats, or when the text may hold a blank node
    (only the rdflib path labels those canonically).

    >>> render_ntriples(b'<urn:a> <urn:b> "c" .\\n', "nquads")
    '<urn:a> <urn:b> "c" <https://w3id.org/eleutherai-kg/graph/inferred> .\\n'
    """
    if fmt not in ("nt", "nquads", "turtle") or names_blank_node(body):
        return None
    if fmt == "nt":
        return body.decode("utf-8")
    if fmt == "nquads":
        graph = f" {_INFERRED} .\n".encode()
        return b"".join(line[: -len(b" .")] + graph for line in body.split(b"\n") if line).decode(
            "utf-8"
        )
    ordered = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
    text = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=OX_PREFIXES) or b""
    # Oxigraph writes the prefixes in hash order; put them in sorted order, for stable bytes.
    rest = b"\n".join(x for x in text.split(b"\n") if not x.startswith(b"@prefix "))
    head = "".join(f"@prefix {k}: <{v}> .\n" for k, v in sorted(OX_PREFIXES.items()))
    return head + "\n" + rest.decode("utf-8")


def graph_name_to_ox(name: Node | None) -> Any:
    if name is None or name == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    return to_ox(name)


def triples_from_quads(quads: Iterable[Any]) -> Iterator[Triple]:
    """The rdflib triples of pyoxigraph quads (graph names dropped), each distinct term once."""
    return rdflib_triples(quads)


_INFERRED = ox.NamedNode(str(GRAPH_INFERRED))
OX_PREFIXES = {k: str(v) for k, v in PREFIXES.items()}


def ntriples_of(triples: Iterable[Triple], known: dict[Node, Any] | None = None) -> bytes:
    """Return rdflib triples as sorted, distinct N-Triples lines, written by Oxigraph.

    >>> ntriples_of([(URIRef("urn:a"), URIRef("urn:b"), Literal("c"))])
    b'<urn:a> <urn:b> "c" .\\n'
    """
    return sorted_ntriples(oxigraph_triples(triples, known))


def graph_from_ntriples(data: bytes, identifier: URIRef | None = None) -> Graph:
    """Parse N-Triples with Oxigraph into an rdflib graph, each distinct term converted once.

    Blank nodes keep their labels: a closure's ``_:x`` is the blank node ``x`` of the store
    it was computed from (rdflib's reader would make a new one of each).

    >>> g = graph_from_ntriples(b'_:x <urn:b> "c" .\\n')
    >>> [str(s) for s in g.subjects()]
    ['x']
    """
    graph = new_graph(identifier)
    for triple in rdflib_triples(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)):
        graph.add(triple)
    return graph


def closure_graph(data: bytes, identifier: URIRef | None = None) -> Graph | None:
    """:func:`graph_from_ntriples`, or None when ``data`` does not parse (a damaged cache
    entry is rebuilt, never trusted).

    >>> closure_graph(b"<urn:a> .\\n") is None
    True
    """
    try:
        return graph_from_ntriples(data, identifier)
    except (SyntaxError, ValueError):
        return None
