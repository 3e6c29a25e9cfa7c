"""How one value of the graph compares with one Wikidata statement: dates by precision,
numbers numerically, text normalised, entities through links."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from kgtool.core.namespaces import ID, KG, WD
from kgtool.wikidata.values import (
    DAY,
    MONTH,
    YEAR,
    OurValue,
    Statement,
    match,
    our_date,
    their_date,
)
from tests.wikidata.conftest import date, stated

# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("ours", "theirs", "precision", "expected"),
    [
        (date("2023", XSD.gYear), "2023-04-03T00:00:00Z", DAY, "ours less precise"),
        (date("2022", XSD.gYear), "2023-04-03T00:00:00Z", DAY, None),
        (date("2023-04", XSD.gYearMonth), "2023-04-03T00:00:00Z", DAY, "ours less precise"),
        (date("2023-05", XSD.gYearMonth), "2023-04-03T00:00:00Z", DAY, None),
        (date("2020-12-30"), "2020-12-31T00:00:00Z", DAY, None),
        (date("2020-12-31"), "+2020-12-31T00:00:00Z", DAY, ""),
        (date("2020-07-07"), "2020-07-01T00:00:00Z", MONTH, "ours more precise"),
        (date("2020-07-07"), "2020-01-01T00:00:00Z", YEAR, "ours more precise"),
        (date("2019-07-07"), "2020-01-01T00:00:00Z", YEAR, None),
        (date("2020", XSD.gYear), "2020-01-01T00:00:00Z", YEAR, ""),
        # Without psv: precision, zero months say "a year".
        (date("2020", XSD.gYear), "2020-00-00T00:00:00Z", None, ""),
        # Without it, a full date is a day: a year of ours is less precise.
        (date("2020", XSD.gYear), "2020-05-01T00:00:00Z", None, "ours less precise"),
    ],
    ids=lambda v: str(v.value) if isinstance(v, OurValue) else str(v),
)
def test_dates_compare_at_the_coarser_precision(
    ours: OurValue, theirs: str, precision: int | None, expected: str | None
) -> None:
    assert match(ours, stated(theirs, precision=precision)) == expected


def test_date_precisions_come_from_the_datatype_and_from_wikidata() -> None:
    assert our_date(Literal("2020-12", datatype=XSD.gYearMonth)).precision == MONTH  # type: ignore[union-attr]
    assert our_date(Literal("2020-12-30")) is None  # a plain string is not a date
    assert their_date(Literal("2020-12-30T00:00:00Z", datatype=XSD.dateTime), 14).precision == DAY  # type: ignore[union-attr]


# --------------------------------------------------------------------------- other values


def test_quantities_compare_numerically() -> None:
    ours = OurValue(KG.parameterCount, Literal(13000000000))
    assert match(ours, stated(Literal("13000000000.0", datatype=XSD.decimal))) == ""
    assert match(ours, stated(Literal("+13000000000", datatype=XSD.decimal))) == ""
    assert match(ours, stated(Literal("12000000000", datatype=XSD.decimal))) is None


def test_strings_compare_as_normalised_text_in_any_language() -> None:
    ours = OurValue(KG.description, Literal("Apache\u00a0License  2.0", lang="en"))
    assert match(ours, stated(Literal("apache license 2.0", lang="de"))) == ""
    assert match(ours, stated(Literal("MIT License"))) is None


def test_items_compare_through_our_links_and_unlinked_entities_by_label() -> None:
    linked = OurValue(KG.license, ID["Apache-2.0"], item=WD.Q13785927)
    assert match(linked, stated(WD.Q13785927)) == ""
    assert match(linked, stated(WD.Q334661)) is None
    unlinked = OurValue(KG.developer, ID.EleutherAI, names=("EleutherAI",))
    named = Statement(URIRef("urn:s"), WD.Q990000121, label="EleutherAI")
    assert match(unlinked, named) == "by label: ours is not linked"
    other = Statement(URIRef("urn:s"), WD.Q990000121, label="OpenAI")
    assert match(unlinked, other) is None


def test_some_value_matches_nothing() -> None:
    assert match(date("2020-01-01"), Statement(URIRef("urn:s"), BNode())) is None
