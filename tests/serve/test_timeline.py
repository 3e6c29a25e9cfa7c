"""The home page's timeline: SVG from the ``timeline`` query, escaped and linked locally."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kgtool.serve.timeline import Event, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = [
    Event("2020-07-07", "founding of the fixture", "founding", "/id/founding", "July 7, 2020"),
    Event("2021", '"><img src=x onerror=alert(1)><script>alert(2)</script>', "event", "/id/x"),
    Event("by 2022-03", "javascript:alert(3)", "event", "javascript:alert(3)"),
    Event("2023", "elsewhere", "event", "//evil.example/page"),
]


def test_labels_stay_text() -> None:
    svg = timeline_svg(HOSTILE)
    root = ET.fromstring(svg)  # well-formed XML: nothing a label holds escaped its element
    assert not list(root.iter(SVG + "img")) and not list(root.iter(SVG + "script"))
    assert {e.tag for e in root.iter()} <= {
        SVG + t for t in ("svg", "title", "line", "g", "circle", "text", "a", "tspan")
    }
    labels = ["".join(t.itertext()) for t in root.iter(SVG + "text") if t.get("class") == "label"]
    assert labels == [
        "founding of the fixturefounding; “July 7, 2020”",
        '"><img src=x onerror=alert(1)><script>alert(2)</script>event',
        "javascript:alert(3)event",
        "elsewhereevent",
    ]


def test_links_go_to_local_pages_only() -> None:
    root = ET.fromstring(timeline_svg(HOSTILE))
    assert [a.get("href") for a in root.iter(SVG + "a")] == ["/id/founding", "/id/x"]


def test_dates_in_order_with_the_accessible_name() -> None:
    root = ET.fromstring(timeline_svg(HOSTILE))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "timeline-title"
    assert root.find(SVG + "title").text == "Timeline of dated events"  # type: ignore[union-attr]
    dates = [t.text for t in root.iter(SVG + "text") if t.get("class") == "date"]
    assert dates == ["2020-07-07", "2021", "by 2022-03", "2023"]


def test_deterministic_and_empty_without_events() -> None:
    assert timeline_svg(HOSTILE) == timeline_svg(list(HOSTILE))
    assert timeline_svg([]) == ""
