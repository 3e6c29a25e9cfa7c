"""Draw the dated events as an SVG timeline for the home page, from the ``timeline`` query.

The picture is built here as text, with no JavaScript: one row per event, its date as the
article gives it, its label linked to its page and its kind. Every piece of data is escaped for
XML (https://www.w3.org/TR/xml/#syntax), so a label can never become markup, and links go only to
this server's own pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from rdflib import URIRef, Variable
from rdflib.term import Node

from kgtool.graph import KnowledgeGraph
from kgtool.query.run import run_query

_ROW = 30  # pixels per event
_AXIS = 210  # x of the time axis; dates are right-aligned before it


@dataclass(frozen=True)
class Event:
    """One dated event as the timeline shows it."""

    date: str  # ISO 8601, as precise as the article ("2020-07-07", "2021-03", "2023")
    label: str
    kind: str
    href: str | None = None
    stated: str = ""  # the article's wording of the date ("later that month")


def timeline_events(
    kg: KnowledgeGraph, link: Callable[[URIRef], str | None], reasoned: bool = False
) -> list[Event]:
    """Run the bundled ``timeline`` query and keep what the picture shows.

    Args:
        kg: The knowledge graph.
        link: The local page of an event (None: no link).
        reasoned: Query the asserted plus inferred triples.

    Returns:
        The events in the query's order (chronological, then by label).
    """
    outcome = run_query(kg, "timeline", reasoned=reasoned)
    events = []
    for row in outcome.result.bindings:

        def get(name: str, row: Mapping[Variable, Node] = row) -> str:
            value = row.get(Variable(name))
            return str(value) if value is not None else ""

        event = row.get(Variable("event"))
        events.append(
            Event(
                # "no later than" dates are upper bounds: drawn as "by 2021-01".
                date=("by " if get("bound") else "") + get("date"),
                stated=get("dateAsStated"),
                label=get("label"),
                kind=get("kind"),
                href=link(event) if isinstance(event, URIRef) else None,
            )
        )
    return events


def _text(value: str) -> str:
    return escape(value, quote=True)


def timeline_svg(events: Sequence[Event], title: str = "Timeline of dated events") -> str:
    """Return an SVG timeline of ``events``, or an empty string when there are none.

    Args:
        events: The events, in the order to draw them (top to bottom).
        title: The picture's accessible name.

    Returns:
        SVG markup to place inline in an HTML page.

    >>> svg = timeline_svg([Event("2020", "<b>x</b>", "founding", "javascript:alert(1)")])
    >>> "<b>" in svg, "&lt;b&gt;x&lt;/b&gt;" in svg, "javascript:" in svg
    (False, True, False)
    """
    if not events:
        return ""
    height = _ROW * len(events) + 20
    parts = [
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 900 {height}" '
        f'width="900" height="{height}" role="img" aria-labelledby="timeline-title">',
        f'<title id="timeline-title">{_text(title)}</title>',
        f'<line class="axis" x1="{_AXIS}" y1="10" x2="{_AXIS}" y2="{height - 10}"/>',
    ]
    for i, event in enumerate(events):
        y = 10 + _ROW * i + _ROW // 2
        label = _text(event.label)
        # Only this server's own pages are linked: never a scheme a label or IRI could bring.
        if event.href and event.href.startswith("/") and not event.href.startswith("//"):
            label = f'<a href="{_text(event.href)}">{label}</a>'
        note = f"{event.kind}; “{event.stated}”" if event.stated else event.kind
        parts.append(
            f'<g class="event"><circle cx="{_AXIS}" cy="{y}" r="5"/>'
            f'<text class="date" x="{_AXIS - 12}" y="{y + 4}" text-anchor="end">'
            f"{_text(event.date)}</text>"
            f'<text class="label" x="{_AXIS + 14}" y="{y + 4}">{label}'
            f'<tspan class="kind" dx="8">{_text(note)}</tspan></text></g>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
