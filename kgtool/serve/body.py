"""Refuse request bodies above the server's limit (413) before the application reads them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.responses import PlainTextResponse

#: Don't drain more than this of a request body that is already too large; close instead.
_DRAIN_CAP = 64 * 1024 * 1024


class BodyLimit:
    """ASGI middleware: answer 413 to a request whose body is larger than ``max_body`` bytes.

    The body is read before the application sees it (at most ``max_body`` bytes are kept), and
    an oversized one is drained first, so the client reads the 413 instead of a reset.
    """

    def __init__(self, app: Any, max_body: int) -> None:
        """Wrap ``app``."""
        self.app = app
        self.max_body = max_body

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        """Buffer the body, or answer 413."""
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        too_big = declared.isdigit() and int(declared) > self.max_body
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            too_big = too_big or size > self.max_body
            if not too_big:
                chunks.append(body)
            more = bool(message.get("more_body", False))
            if too_big and size > _DRAIN_CAP:
                break
        if too_big:
            message_ = (
                f"the request body is larger than this server's limit of {self.max_body} bytes"
            )
            response = PlainTextResponse(message_ + "\n", status_code=413)
            await response(scope, receive, send)
            return
        buffered = b"".join(chunks)
        replayed = False

        async def replay() -> MutableMapping[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": buffered, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
