"""HTTP caching for a read-only dataset: strong validators, ``304 Not Modified``, ``Cache-Control``.

The server never changes its data while it runs, and every answer is deterministic (the same
inputs give the same bytes), so a representation is fixed by the dataset, the request line and
the headers that choose the representation (``Accept``). The entity tag is a digest of exactly
those, known before any work is done: a client that sends it back in ``If-None-Match`` is
answered ``304`` without evaluating anything (RFC 9110, 8.8.3 and 13.1.2; RFC 9111, 5.2).
Only ``GET`` and ``HEAD`` answers with status 200 are tagged; a server that lets queries call
remote endpoints (``SERVICE``) tags nothing, since their answers can change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kgtool.io.cache import digest

Scope = dict[str, Any]
Message = dict[str, Any]

#: Lets shared caches keep an answer for five minutes, then revalidate it with the tag.
CACHE_CONTROL = "public, max-age=300, must-revalidate"
#: The request headers a representation depends on (content negotiation).
VARY = "Accept"


def entity_tag(dataset: str, method: str, path: str, query: bytes, accept: str) -> str:
    """Return the strong entity tag of one representation.

    >>> entity_tag("d", "GET", "/sparql", b"query=ASK{}", "text/csv") == entity_tag(
    ...     "d", "HEAD", "/sparql", b"query=ASK{}", "text/csv")
    True
    >>> entity_tag("d", "GET", "/", b"", "text/html") == entity_tag("d", "GET", "/", b"", "")
    False
    """
    # HEAD describes the GET representation, so both share a tag.
    del method
    return '"' + digest([dataset, path, query, accept])[:32] + '"'


def _matches(header: str, tag: str) -> bool:
    """Whether ``If-None-Match`` names ``tag`` (weak comparison, as the RFC asks there).

    >>> _matches('W/"a", "b"', '"a"'), _matches("*", '"a"'), _matches('"c"', '"a"')
    (True, True, False)
    """
    candidates = [c.strip() for c in header.split(",")]
    return any(c == "*" or c.removeprefix("W/") == tag for c in candidates)


def _header(scope: Scope, name: bytes) -> str:
    values: Iterable[tuple[bytes, bytes]] = scope.get("headers", [])
    return ", ".join(v.decode("latin-1") for k, v in values if k.lower() == name)


class HttpCache:
    """ASGI middleware: tags 200 answers to GET and HEAD, answers matching validators with 304.

    Args:
        app: The application.
        dataset: A digest of everything the answers depend on besides the request (the input
            files' bytes, the view, kgtool's code); None turns caching off.
    """

    def __init__(self, app: Any, dataset: str | None) -> None:
        self.app = app
        self.dataset = dataset

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if (
            scope["type"] != "http"
            or self.dataset is None
            or scope.get("method") not in ("GET", "HEAD")
        ):
            await self.app(scope, receive, send)
            return
        tag = entity_tag(
            self.dataset,
            scope["method"],
            scope.get("path", ""),
            scope.get("query_string", b""),
            _header(scope, b"accept"),
        )
        headers = [
            (b"etag", tag.encode()),
            (b"cache-control", CACHE_CONTROL.encode()),
            (b"vary", VARY.encode()),
        ]
        if _matches(_header(scope, b"if-none-match"), tag):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                kept = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in (b"etag", b"cache-control", b"vary")
                ]
                message = {**message, "headers": [*kept, *headers]}
            await send(message)

        await self.app(scope, receive, tagged)
