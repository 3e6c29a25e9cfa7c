"""Query answers as plain values: the one form kgtool's results writers read.

An answer from Oxigraph is written without becoming rdflib terms (nor importing rdflib, a third
of a second of a cold process); an answer from rdflib is turned into the same form, so one set of
writers gives the same bytes for the same answer whichever engine computed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from kgtool.core.iris import RDF_LANG_STRING, XSD_STRING

if TYPE_CHECKING:
    from rdflib.query import Result


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
