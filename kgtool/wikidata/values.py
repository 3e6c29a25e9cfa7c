"""How one value of the graph compares with one Wikidata statement, by the kind of value.

Dates compare at the coarser of two precisions, as Wikidata's time values carry one
(https://www.wikidata.org/wiki/Help:Dates#Precision: 9 year, 10 month, 11 day); numbers
numerically; text as normalised text; entities through the graph's links. Used by
:mod:`kgtool.wikidata.compare`, which decides the verdicts from these matches.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import BNode, Node

from kgtool.wikidata.check import LABEL_THRESHOLD
from kgtool.wikidata.items import best_label_score, qid

#: Wikidata's time precisions that dates are compared at (9 year, 10 month, 11 day).
YEAR, MONTH, DAY = 9, 10, 11
PRECISION_NAMES = {YEAR: "year", MONTH: "month", DAY: "day"}
_OUR_PRECISION = {XSD.date: DAY, XSD.dateTime: DAY, XSD.gYearMonth: MONTH, XSD.gYear: YEAR}
_NUMERIC = {
    XSD.integer,
    XSD.decimal,
    XSD.double,
    XSD.float,
    XSD.int,
    XSD.long,
    XSD.short,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
}
_DATE_RE = re.compile(r"^[+]?(-?\d{1,16})(?:-(\d{2})(?:-(\d{2}))?)?")


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Date:
    """A date at a Wikidata precision: the parts finer than the precision are ignored."""

    year: int
    month: int
    day: int
    precision: int

    def key(self, precision: int) -> tuple[int, ...]:
        """The parts that count at ``precision`` (coarser than a year: decades, centuries…).

        >>> Date(2020, 12, 30, DAY).key(YEAR)
        (2020,)
        """
        if precision >= DAY:
            return (self.year, self.month, self.day)
        if precision == MONTH:
            return (self.year, self.month)
        return (self.year // 10 ** max(0, YEAR - precision),)

    def __str__(self) -> str:
        """The date written to its precision.

        >>> str(Date(2020, 1, 1, YEAR)), str(Date(2020, 12, 31, DAY))
        ('2020', '2020-12-31')
        """
        if self.precision >= DAY:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.precision == MONTH:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"


def our_date(value: Node) -> Date | None:
    """Read one of our date literals; its datatype says its precision.

    >>> our_date(Literal("2020", datatype=XSD.gYear))
    Date(year=2020, month=0, day=0, precision=9)
    >>> our_date(Literal("2020")) is None
    True
    """
    if not isinstance(value, Literal) or value.datatype not in _OUR_PRECISION:
        return None
    match = _DATE_RE.match(str(value))
    if match is None:
        return None
    year, month, day = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    return Date(year, month, day, _OUR_PRECISION[value.datatype])


def their_date(value: Node, precision: int | None) -> Date | None:
    """Read a Wikidata time value (``xsd:dateTime``) at its ``wikibase:timePrecision``.

    Without a precision (an endpoint that lacks ``psv:``), zero months or days say it, else
    the date is taken to be a day.

    >>> their_date(Literal("+2020-01-01T00:00:00Z", datatype=XSD.dateTime), 9)
    Date(year=2020, month=1, day=1, precision=9)
    >>> their_date(Literal("2020-00-00T00:00:00Z", datatype=XSD.dateTime), None).precision
    9
    """
    if not isinstance(value, Literal) or value.datatype not in (XSD.dateTime, XSD.date):
        return None
    match = _DATE_RE.match(str(value))
    if match is None:
        return None
    year, month, day = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    if precision is None:
        precision = YEAR if month == 0 else MONTH if day == 0 else DAY
    return Date(year, month, day, min(precision, DAY))


def compare_dates(ours: Date, theirs: Date) -> str | None:
    """Compare two dates at the coarser of their precisions.

    Returns:
        ``""`` when they agree at the same precision, ``"ours less precise"`` or ``"ours more
        precise"`` when they agree only at the coarser one, None when they differ.

    >>> compare_dates(Date(2020, 0, 0, YEAR), Date(2020, 12, 31, DAY))
    'ours less precise'
    >>> compare_dates(Date(2020, 12, 30, DAY), Date(2020, 12, 31, DAY)) is None
    True
    """
    precision = min(ours.precision, theirs.precision)
    if ours.key(precision) != theirs.key(precision):
        return None
    if ours.precision == theirs.precision:
        return ""
    return "ours less precise" if ours.precision < theirs.precision else "ours more precise"


def as_number(value: Node) -> Decimal | None:
    """Read a numeric literal (Wikidata writes amounts with a sign), else None.

    >>> as_number(Literal("+12000000000", datatype=XSD.decimal))
    Decimal('12000000000')
    """
    if not isinstance(value, Literal):
        return None
    try:
        return Decimal(str(value).lstrip("+"))
    except InvalidOperation:
        return None


def normalise_text(text: str) -> str:
    """Fold case, Unicode forms and runs of blanks, so spelling-equal strings compare equal.

    >>> normalise_text("  Apache\\u00a0License ") == normalise_text("apache license")
    True
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


# --------------------------------------------------------------------------- the two sides


@dataclass(frozen=True)
class OurValue:
    """A value the article states, where it states it, and the item it is linked to."""

    prop: URIRef
    value: Node
    sentences: tuple[URIRef, ...] = ()
    item: URIRef | None = None
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Statement:
    """One Wikidata statement: its value, rank, date precision, qualifiers and references.

    ``references`` holds one tuple per reference, of ``(PID, value)`` pairs; ``qualifiers``
    holds ``(PID, value)`` pairs.
    """

    node: URIRef
    value: Node | None
    rank: str = "normal"
    precision: int | None = None
    label: str = ""
    qualifiers: tuple[tuple[str, Node], ...] = ()
    references: tuple[tuple[tuple[str, Node], ...], ...] = ()

    @property
    def counts(self) -> bool:
        """Whether it can agree with a value of ours (a deprecated statement cannot).

        >>> Statement(URIRef("urn:s"), Literal(1), rank="deprecated").counts
        False
        """
        return self.rank != "deprecated"


def match(ours: OurValue, theirs: Statement) -> str | None:
    """Whether a statement's value is our value, by the kind of value.

    Items through our links (an entity that is not linked, by its English names); dates by
    precision; numbers numerically; strings as normalised text, language ignored; other IRIs as
    they are.

    Returns:
        None when they differ, else a note: ``""`` (the same), ``"ours less precise"``, ``"ours
        more precise"``, or how an unlinked entity was matched.

    >>> year = OurValue(URIRef("urn:p"), Literal("2023", datatype=XSD.gYear))
    >>> day = Literal("2023-04-03T00:00:00Z", datatype=XSD.dateTime)
    >>> day = Statement(URIRef("urn:s"), day, precision=11)
    >>> match(year, day)
    'ours less precise'
    """
    value, theirs_value = ours.value, theirs.value
    if theirs_value is None or isinstance(theirs_value, BNode):
        return None  # "some value": it names nothing we can compare
    if isinstance(value, URIRef):
        if ours.item is not None or qid(value):
            return "" if theirs_value == (ours.item or value) else None
        if qid(theirs_value):
            score = best_label_score(ours.names, [theirs.label]) if theirs.label else 0.0
            if score >= LABEL_THRESHOLD:
                return "by label: ours is not linked"
            return None
        same = str(value).rstrip("/") == str(theirs_value).rstrip("/")
        return "" if same else None
    if not isinstance(value, Literal) or not isinstance(theirs_value, Literal):
        return None
    date = our_date(value)
    if date is not None:
        other = their_date(theirs_value, theirs.precision)
        return compare_dates(date, other) if other is not None else None
    if value.datatype in _NUMERIC:
        a, b = as_number(value), as_number(theirs_value)
        return "" if a is not None and b is not None and a == b else None
    return "" if normalise_text(str(value)) == normalise_text(str(theirs_value)) else None
