"""Which literals an Oxigraph store would not give back as they were written.

RDF 1.1 makes a literal's lexical form part of the term: ``"01"^^xsd:integer`` and
``"1"^^xsd:integer`` are two terms, ``"1"^^xsd:boolean`` and ``"true"^^xsd:boolean`` two triples.
An Oxigraph store keeps the XSD types it knows by value (oxigraph#526, no option to turn it
off): it reads ``"01"`` back as ``"1"``, ``"3.21E4"^^xsd:double`` as ``"32100"``, and an
out-of-range ``"300"^^xsd:byte`` as ``"300"^^xsd:integer``. Its parser keeps every form.

So the store learns, as it loads a file, whether any literal of it comes back otherwise: the
distinct typed literals the parser read are put through a small in-memory store and compared
with what it gives back. No list of datatypes or canonical forms is kept here: whatever the
installed Oxigraph does is what is measured. The loader (:mod:`kgtool.graph`) uses the answer
to pick a store that keeps the data as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_XSD_TYPE = re.compile(r"<http://www\.w3\.org/2001/XMLSchema#(\w+)>$")
_PROBE = ox.NamedNode("urn:x-kgtool:probe")
_SUBJECT = "urn:x-kgtool:probe:"


@dataclass(frozen=True)
class Rewrite:
    """A file whose literals the store gives back otherwise than written.

    Attributes:
        file: The file, as the user named it.
        count: How many distinct literals of it change.
        written: The first of them as written (N-Triples), in the order of the file.
        stored: The same literal as the store gives it back.
    """

    file: str
    count: int
    written: str
    stored: str

    def describe(self) -> str:
        """``a.ttl: "01"^^xsd:integer reads back as "1"^^xsd:integer (and 2 more)``."""
        more = f" (and {self.count - 1} more)" if self.count > 1 else ""
        written = _XSD_TYPE.sub(r"xsd:\1", self.written)
        stored = _XSD_TYPE.sub(r"xsd:\1", self.stored)
        return f"{self.file}: {written} reads back as {stored}{more}"

    def as_record(self) -> list[str | int]:
        """The JSON form kept in a stored copy's record."""
        return [self.file, self.count, self.written, self.stored]

    @classmethod
    def from_record(cls, item: object) -> Rewrite:
        """Read :meth:`as_record` back.

        Raises:
            ValueError: If ``item`` is not such a record.
        """
        if not isinstance(item, list) or len(item) != 4:
            raise ValueError("not a rewrite record")
        file, count, written, stored = item
        if not (isinstance(file, str) and isinstance(count, int) and count > 0):
            raise ValueError("not a rewrite record")
        if not (isinstance(written, str) and isinstance(stored, str)):
            raise ValueError("not a rewrite record")
        return cls(file, count, written, stored)


def typed(terms: Iterable[object]) -> Iterable[ox.Literal]:
    """The literals among ``terms`` that have a datatype other than ``xsd:string``: the only
    ones a store could keep by value (language-tagged strings keep their text)."""
    for term in terms:
        if (
            isinstance(term, ox.Literal)
            and term.language is None
            and term.datatype.value != _XSD_STRING
        ):
            yield term


def find_rewrite(file: str, literals: Iterable[ox.Literal]) -> Rewrite | None:
    """Put ``literals`` through a scratch Oxigraph store; describe the first that changes.

    >>> xsd = "http://www.w3.org/2001/XMLSchema#"
    >>> one = ox.Literal("1", datatype=ox.NamedNode(xsd + "integer"))
    >>> find_rewrite("a.ttl", [one]) is None
    True
    >>> lit = ox.Literal("01", datatype=ox.NamedNode(xsd + "integer"))
    >>> find_rewrite("a.ttl", [one, lit]).describe()
    'a.ttl: "01"^^xsd:integer reads back as "1"^^xsd:integer'
    """
    distinct = list(dict.fromkeys(literals))
    if not distinct:
        return None
    probe = ox.Store()
    probe.extend(
        ox.Quad(ox.NamedNode(f"{_SUBJECT}{i}"), _PROBE, lit, ox.DefaultGraph())
        for i, lit in enumerate(distinct)
    )
    changed: dict[int, ox.Literal] = {}
    for quad in probe:
        index = int(quad.subject.value[len(_SUBJECT) :])
        back = quad.object
        if back != distinct[index]:
            assert isinstance(back, ox.Literal)
            changed[index] = back
    if not changed:
        return None
    first = min(changed)
    return Rewrite(file, len(changed), str(distinct[first]), str(changed[first]))
