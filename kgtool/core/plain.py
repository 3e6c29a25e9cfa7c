"""Query answers as plain values: the one form kgtool's results writers read.

An answer from Oxigraph is written without becoming rdflib terms (nor importing rdflib, a third
of a second of a cold process); an answer from rdflib is turned into the same form, so one set of
writers gives the same bytes for the same answer whichever engine computed it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from kgtool.core.iris import RDF_LANG_STRING, XSD_STRING

if TYPE_CHECKING:
    from rdflib.query import Result
    from rdflib.term import Node

# N-Triples string escapes, plus the tab, which TSV needs escaped; other control characters
# as \uXXXX so that a term is always one line of printable text.
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_STRING_SPECIAL = re.compile(r'[\\"\x00-\x1f\x7f]')
# What an IRIREF may not hold as such (N-Triples grammar), written as \uXXXX.
_IRI_SPECIAL = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _STRING_ESCAPES.get(char) or f"\\u{ord(char):04X}"


def _nt_iri(value: str) -> str:
    return "<" + _IRI_SPECIAL.sub(lambda m: f"\\u{ord(m.group()):04X}", value) + ">"


class PlainTerm(NamedTuple):
    """An RDF term as strings.

    Attributes:
        kind: ``uri``, ``bnode`` or ``literal`` (the SPARQL JSON results' names).
        value: The IRI, the blank node's label, or the literal's lexical form.
        language: A literal's language tag (None: none).
        datatype: A typed literal's datatype IRI; None for simple and language-tagged strings.
    """

    kind: str
    value: str
    language: str | None = None
    datatype: str | None = None

    def n3(self) -> str:
        r"""Write the term as N-Triples does, on one line: also valid Turtle and SPARQL.

        >>> print(PlainTerm("literal", 'a "b"\tc', "en").n3())
        "a \"b\"\tc"@en
        >>> print(PlainTerm("uri", "urn:x").n3())
        <urn:x>
        """
        if self.kind == "literal":
            text = '"' + _STRING_SPECIAL.sub(_escape_char, self.value) + '"'
            if self.language:
                return f"{text}@{self.language}"
            if self.datatype is not None:
                return f"{text}^^{_nt_iri(self.datatype)}"
            return text
        if self.kind == "bnode":
            return f"_:{self.value}"
        return _nt_iri(self.value)

    def to_rdflib(self) -> Node:
        """Return the rdflib term (rdflib is imported here).

        >>> PlainTerm("uri", "urn:x").to_rdflib()
        rdflib.term.URIRef('urn:x')
        """
        from rdflib.term import BNode, Literal, URIRef

        if self.kind == "uri":
            return URIRef(self.value)
        if self.kind == "bnode":
            return BNode(self.value)
        datatype = None if self.datatype is None else URIRef(self.datatype)
        return Literal(self.value, lang=self.language, datatype=datatype)


def plain_literal(value: str, language: str | None, datatype: str | None) -> PlainTerm:
    """Return a literal, with ``xsd:string`` and ``rdf:langString`` written as no datatype.

    >>> plain_literal("a", None, "http://www.w3.org/2001/XMLSchema#string")
    PlainTerm(kind='literal', value='a', language=None, datatype=None)
    """
    if language or datatype in (XSD_STRING, RDF_LANG_STRING):
        datatype = None
    return PlainTerm("literal", value, language or None, datatype)


def plain_from_rdflib(node: Any) -> PlainTerm:
    """Return an rdflib term as a :class:`PlainTerm`.

    >>> from rdflib import Literal
    >>> plain_from_rdflib(Literal("x", lang="en"))
    PlainTerm(kind='literal', value='x', language='en', datatype=None)
    """
    # Only called on terms rdflib made, so rdflib is loaded already.
    from rdflib.term import BNode, Literal

    if isinstance(node, Literal):
        datatype = node.datatype
        return plain_literal(str(node), node.language, None if datatype is None else str(datatype))
    if isinstance(node, BNode):
        return PlainTerm("bnode", str(node))
    return PlainTerm("uri", str(node))


def rdflib_bindings(bindings: Mapping[str, Any] | None) -> dict[str, Node]:
    """Return variable bindings as rdflib terms, for rdflib's ``initBindings``.

    >>> rdflib_bindings({"x": PlainTerm("uri", "urn:x")})
    {'x': rdflib.term.URIRef('urn:x')}
    """
    return {
        name: term.to_rdflib() if isinstance(term, PlainTerm) else term
        for name, term in (bindings or {}).items()
    }


#: One row: a term per column, None where the variable is unbound.
PlainRow = Sequence[PlainTerm | None]


class PlainAnswer:
    """A SELECT or ASK answer as plain values: what the results writers read.

    Attributes:
        kind: ``SELECT`` or ``ASK``.
        columns: The projected variables' names, in order.
        rows: The rows, each a term (or None) per column.
        boolean: The ASK answer (None for SELECT).
    """

    def __init__(
        self,
        kind: str,
        columns: Sequence[str] = (),
        rows: Sequence[PlainRow] = (),
        boolean: bool | None = None,
    ) -> None:
        self.kind = kind
        self.columns = list(columns)
        self._rows = rows
        self.boolean = boolean

    @property
    def rows(self) -> Sequence[PlainRow]:
        """The rows, each a term (or None) per column."""
        return self._rows

    @classmethod
    def of_rdflib(cls, result: Result) -> PlainAnswer:
        """Turn an rdflib SELECT or ASK ``Result`` into plain values (each distinct term once)."""
        if result.type == "ASK":
            return cls("ASK", boolean=bool(result.askAnswer))
        variables = list(result.vars or [])
        seen: dict[Any, PlainTerm] = {}

        def plain(node: Any) -> PlainTerm | None:
            if node is None:
                return None
            found = seen.get(node)
            if found is None:
                found = seen[node] = plain_from_rdflib(node)
            return found

        rows = [[plain(row.get(v)) for v in variables] for row in result.bindings]
        return cls(str(result.type), [str(v) for v in variables], rows)
