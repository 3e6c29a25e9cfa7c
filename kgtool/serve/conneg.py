"""HTTP content negotiation: pick a media type from ``Accept`` or a ``format=`` override.

Used by :mod:`kgtool.serve.app` (linked-data pages) and :mod:`kgtool.serve.pool` (SPARQL results),
which has no web framework to lean on. Accept parsing follows RFC 9110 section 12.5.1
(https://www.rfc-editor.org/rfc/rfc9110#section-12.5.1): quality values, ``type/*`` and ``*/*``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kgtool.io.formats import RDF_FORMATS, RESULT_FORMATS, RdfFormat, ResultFormat


@dataclass(frozen=True)
class MediaType:
    """A format the server can produce: its media type and kgtool's name for it."""

    mime: str
    name: str
    #: Short names a ``format=`` parameter may use for it.
    aliases: tuple[str, ...] = ()


#: What HTTP clients send for a format beyond its registered media types: the generic XML and
#: JSON types (SPARQLWrapper and browsers ask for ``text/xml`` / ``application/xml``), and
#: ``text/plain`` / ``text/n3`` for the line and N3 syntaxes (every N-Triples and Turtle document
#: is one of those). Keyed by kgtool's format name; the formats themselves come from
#: :mod:`kgtool.io.formats`, the one format table.
_HTTP_RESULT_ALIASES: dict[str, tuple[str, ...]] = {
    "json": ("application/json",),
    "xml": ("application/xml", "text/xml"),
    "tsv": ("tab",),
}
_HTTP_GRAPH_ALIASES: dict[str, tuple[str, ...]] = {
    "turtle": ("n3", "text/n3"),
    "jsonld": ("json", "application/json"),
    "nt": ("text/plain",),
    "xml": ("rdf", "rdf+xml", "application/xml", "text/xml"),
}


def _result_type(fmt: ResultFormat) -> MediaType:
    aliases = (fmt.name, *fmt.aliases, *_HTTP_RESULT_ALIASES.get(fmt.name, ()))
    return MediaType(fmt.media_type, fmt.name, tuple(a for a in aliases if a != fmt.media_type))


def _graph_type(fmt: RdfFormat) -> MediaType:
    aliases = (*fmt.names, *fmt.media_types[1:], *_HTTP_GRAPH_ALIASES.get(fmt.name, ()))
    return MediaType(fmt.media_type, fmt.name, aliases)


#: SELECT and ASK results (https://www.w3.org/TR/sparql11-protocol/#query-success): every result
#: format of the table but the aligned text table, which is for terminals. JSON comes first, the
#: answer to ``*/*`` that SPARQL clients and Yasgui expect.
RESULT_TYPES: tuple[MediaType, ...] = tuple(
    _result_type(f)
    for f in sorted(RESULT_FORMATS, key=lambda f: f.name != "json")
    if f.name != "table"
)
#: RDF graphs (CONSTRUCT, DESCRIBE, linked-data descriptions), in the format table's order
#: (Turtle first, the default); names are export's formats.
GRAPH_TYPES: tuple[MediaType, ...] = tuple(_graph_type(f) for f in RDF_FORMATS)
HTML = MediaType("text/html", "html", ("html", "htm"))


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Split an ``Accept`` header into ``(media range, quality)`` pairs, best first.

    Args:
        header: The header value; empty or None means ``*/*``.

    Returns:
        The ranges sorted by quality (ties keep their order, more specific first).

    >>> parse_accept("text/html;q=0.9, text/turtle")
    [('text/turtle', 1.0), ('text/html', 0.9)]
    """
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float, int, int]] = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        mime = fields[0].lower()
        if not mime:
            continue
        quality = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        specificity = 0 if mime == "*/*" else 1 if mime.endswith("/*") else 2
        ranges.append((mime, quality, -specificity, position))
    ranges.sort(key=lambda r: (-r[1], r[2], r[3]))
    return [(m, q) for m, q, _s, _p in ranges]


def _matches(media_range: str, mime: str) -> bool:
    if media_range == "*/*":
        return True
    if media_range.endswith("/*"):
        return mime.startswith(media_range[:-1])
    return media_range == mime


def negotiate(
    offers: tuple[MediaType, ...], accept: str | None, formats: Sequence[str] = ()
) -> MediaType | None:
    """Choose what to send: the ``format=`` override if given, else the best ``Accept`` match.

    Args:
        offers: What the server can produce, the default first.
        accept: The request's ``Accept`` header.
        formats: The ``format=`` values (short names or media types); the first one offered
            wins. Clients such as SPARQLWrapper send several (``format=tsv&format=text/...``).

    Returns:
        The chosen type, or None if nothing acceptable is offered (a 406).

    >>> negotiate(GRAPH_TYPES, "application/ld+json").name
    'jsonld'
    >>> negotiate(RESULT_TYPES, "text/html", ["csv"]).mime
    'text/csv'
    >>> negotiate(RESULT_TYPES, "text/xml").mime
    'application/sparql-results+xml'
    >>> negotiate(RESULT_TYPES, "image/png") is None
    True
    """
    wanted = [f.strip().lower() for f in formats if f.strip()]
    if wanted:
        for value in wanted:
            for offer in offers:
                if value in (offer.mime, offer.name) or value in offer.aliases:
                    return offer
        return None
    for media_range, quality in parse_accept(accept):
        if quality <= 0:
            continue
        for offer in offers:
            if _matches(media_range, offer.mime) or media_range in offer.aliases:
                return offer
    return None
