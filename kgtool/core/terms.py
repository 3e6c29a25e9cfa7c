"""Turn what a user types into RDF terms: IRIs, prefixed names, entity labels, Turtle literals.

Used by query parameters, ``describe`` and ``why``, so every command reads terms the same way.
"""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Node

from kgtool.core.errors import TermError
from kgtool.core.iris import expand_iri_text, shorten_iri
from kgtool.core.namespaces import PREFIXES

#: An RDF triple as rdflib terms.
Triple = tuple[Node, Node, Node]
#: The properties whose values name an entity (looked up by :func:`resolve_entity`).
LABEL_PROPERTIES: tuple[URIRef, ...] = (RDFS.label, SKOS.altLabel, SKOS.prefLabel)

_NUMBER_RE = re.compile(r"^[+-]?(\d+|\d*\.\d+|(\d+\.?\d*|\.\d+)[eE][+-]?\d+)$")


def expand_iri(text: str) -> URIRef | None:
    """Return the IRI written as ``<iri>``, an absolute IRI or a project prefixed name, else None.

    Args:
        text: What the user typed.

    Returns:
        The IRI, or None if ``text`` is not written as an IRI.

    >>> expand_iri("id:GPT-J-6B")
    rdflib.term.URIRef('https://w3id.org/eleutherai-kg/id/GPT-J-6B')
    >>> expand_iri("GPT-J-6B") is None
    True
    """
    iri = expand_iri_text(text)
    return None if iri is None else URIRef(iri)


def parse_literal(text: str) -> Literal | None:
    """Parse a literal in Turtle syntax (``"x"@en``, ``"2020"^^xsd:gYear``, ``42``, ``true``).

    Args:
        text: The literal as written in Turtle; prefixed datatypes use the project prefixes.

    Returns:
        The literal, or None if ``text`` is not a Turtle literal.

    >>> parse_literal('"2020-07-07"^^xsd:date').datatype
    rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#date')
    >>> parse_literal("42").toPython()
    42
    """
    text = text.strip()
    if not (text[:1] in ("'", '"') or _NUMBER_RE.match(text) or text in ("true", "false")):
        return None
    prefixes = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())
    doc = f"{prefixes}<urn:kgtool:s> <urn:kgtool:p> {text} ."
    graph = Graph()
    try:
        graph.parse(data=doc, format="turtle")
    except Exception:
        return None
    values = list(graph.objects())
    if len(values) != 1 or not isinstance(values[0], Literal):
        return None
    return values[0]


def resolve_entity(graph: Graph, text: str) -> URIRef:
    """Find an entity by IRI, prefixed name, or exact ``rdfs:label`` / ``skos:altLabel``.

    Args:
        graph: The graph to look labels up in.
        text: What the user typed.

    Returns:
        The entity's IRI.

    Raises:
        TermError: If no entity has that label, or several do.

    >>> g = Graph().parse(data='<http://e/x> <http://www.w3.org/2000/01/rdf-schema#label> "X"@en .',
    ...                   format="turtle")
    >>> resolve_entity(g, "X")
    rdflib.term.URIRef('http://e/x')
    """
    iri = expand_iri(text)
    if iri is not None:
        return iri
    wanted = text.strip()
    found: set[URIRef] = set()
    for prop in LABEL_PROPERTIES:
        for s, o in graph.subject_objects(prop):
            if isinstance(s, URIRef) and isinstance(o, Literal) and str(o) == wanted:
                found.add(s)
    if not found:
        raise TermError(f"no entity is labelled {wanted!r}; give an IRI or a prefixed name")
    if len(found) > 1:
        names = ", ".join(sorted(shorten(graph, s) for s in found))
        raise TermError(f"the label {wanted!r} is ambiguous: {names}")
    return found.pop()


def parse_term(graph: Graph, text: str) -> Node:
    """Read a subject, predicate or object: an IRI, prefixed name, Turtle literal or label.

    Args:
        graph: The graph to look labels up in.
        text: What the user typed.

    Returns:
        The term.

    Raises:
        TermError: If ``text`` is none of those.

    >>> parse_term(Graph(), "rdfs:label")
    rdflib.term.URIRef('http://www.w3.org/2000/01/rdf-schema#label')
    """
    literal = parse_literal(text)
    if literal is not None:
        return literal
    return resolve_entity(graph, text)


def shorten(graph: Graph, node: Node) -> str:
    """Write a term for people: a prefixed name if one fits, else its N3 form.

    >>> shorten(Graph(), URIRef("https://w3id.org/eleutherai-kg/id/EleutherAI"))
    'id:EleutherAI'
    """
    if isinstance(node, URIRef):
        return shorten_iri(str(node))
    return node.n3()
