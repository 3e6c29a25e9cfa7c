"""rdflib's Turtle writers with every literal as it is: ``kgtool-turtle``, ``kgtool-longturtle``.

rdflib writes a literal of ``xsd:integer``, ``xsd:decimal``, ``xsd:double`` or ``xsd:boolean``
bare, from its Python value: ``"1"^^xsd:boolean`` becomes ``1`` (an integer when read back),
``"3.21E4"^^xsd:double`` becomes ``3.21e+04``, ``"1"^^xsd:decimal`` becomes ``1.0``, and an
``owl:rational`` is written bare, which is not Turtle. Lexical forms are data (RDF 1.1), so these
writers keep rdflib's layout and write a literal bare only when its text as it is already matches
Turtle's INTEGER, DECIMAL, DOUBLE or BOOLEAN production for its datatype, and quoted with its
datatype otherwise. Importing this module registers both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rdflib import Literal, plugin
from rdflib.namespace import XSD
from rdflib.plugins.serializers.longturtle import LongTurtleSerializer
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.serializer import Serializer
from rdflib.term import Node

#: Turtle 1.1's productions of the literals it writes bare (the grammar's INTEGER, DECIMAL,
#: DOUBLE and BooleanLiteral, https://www.w3.org/TR/turtle/#sec-grammar-grammar).
_EXPONENT = r"[eE][+-]?[0-9]+"
SHORT_FORMS: dict[str, re.Pattern[str]] = {
    str(XSD.integer): re.compile(r"[+-]?[0-9]+"),
    str(XSD.decimal): re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    str(XSD.double): re.compile(
        rf"[+-]?(?:[0-9]+\.[0-9]*{_EXPONENT}|\.[0-9]+{_EXPONENT}|[0-9]+{_EXPONENT})"
    ),
    str(XSD.boolean): re.compile(r"true|false"),
}


def literal_label(literal: Literal, qname: Callable[[str], str | None]) -> str:
    """A literal in Turtle: bare when its text is already a short form of its type.

    >>> literal_label(Literal("1", datatype=XSD.boolean, normalize=False), lambda dt: "xsd:boolean")
    '"1"^^xsd:boolean'
    >>> literal_label(Literal("3.21E4", datatype=XSD.double, normalize=False), lambda dt: None)
    '3.21E4'
    >>> literal_label(Literal("1", datatype=XSD.decimal, normalize=False), lambda dt: "xsd:decimal")
    '"1"^^xsd:decimal'
    """
    pattern = SHORT_FORMS.get(str(literal.datatype)) if literal.language is None else None
    if pattern is not None and pattern.fullmatch(str(literal)):
        return str(literal)
    return literal._literal_n3(use_plain=False, qname_callback=qname)


class _AsWritten:
    """The ``label`` of rdflib's Turtle serializers, with literals as :func:`literal_label`."""

    def label(self, node: Node, position: int) -> str:
        if isinstance(node, Literal):
            owner: Any = self
            # As rdflib's writers: a datatype gets a prefixed name only if a prefix is bound.
            return literal_label(node, lambda dt: owner.get_pname(dt, False))
        return super().label(node, position)  # type: ignore[misc]


class AsWrittenTurtleSerializer(_AsWritten, TurtleSerializer):
    """rdflib's ``turtle`` writer, literals as written."""


class AsWrittenLongTurtleSerializer(_AsWritten, LongTurtleSerializer):
    """rdflib's ``longturtle`` writer, literals as written."""


#: The registered names of the two writers.
TURTLE = "kgtool-turtle"
LONG_TURTLE = "kgtool-longturtle"
plugin.register(TURTLE, Serializer, __name__, "AsWrittenTurtleSerializer")
plugin.register(LONG_TURTLE, Serializer, __name__, "AsWrittenLongTurtleSerializer")
