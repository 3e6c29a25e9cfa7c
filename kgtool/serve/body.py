"""Refuse requests before the application reads them: headers too large (431), bodies too large
(413) or too slow to arrive (408)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.responses import PlainTextResponse

#: Don't drain more than this of a request body that is already too large; close instead.
_DRAIN_CAP = 64 * 1024 * 1024
#: The most header bytes (names, values and line ends; not the request line) a request may have:
#: the common server default (8 KiB), which leaves room for large cookies. The HTTP layer itself
#: buffers at most 16 KiB of an unfinished head, so nothing larger ever reaches this check.
MAX_HEADER_BYTES = 8 * 1024

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def _refuse(status: int, message: str) -> PlainTextResponse:
    # The rest of the request is not read, so the connection cannot carry another one.
    return PlainTextResponse(message + "\n", status_code=status, headers={"Connection": "close"})


class BodyLimit:
    """ASGI middleware: refuse a request whose headers or body the server will not read.

    * headers larger than :data:`MAX_HEADER_BYTES` in all: 431;
    * a body larger than ``max_body`` bytes: 413 (the body is read before the application sees
      it, at most ``max_body`` bytes are kept, and an oversized one is drained first, so the
      client reads the 413 instead of a reset);
    * a body that has not arrived whole ``body_timeout`` seconds after the request began (a
      chunked body without its last chunk, a short ``Content-Length``): 408.
    """

    def __init__(self, app: Any, max_body: int, body_timeout: float = 30.0) -> None:
        """Wrap ``app``."""
        self.app = app
        self.max_body = max_body
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Buffer the body, or answer 431, 413 or 408."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers") or []
        if sum(len(name) + len(value) + 4 for name, value in headers) > MAX_HEADER_BYTES:
            text = f"the request headers are larger than this server's limit of {MAX_HEADER_BYTES}"
            await _refuse(431, text + " bytes")(scope, receive, send)
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(headers).get(b"content-length", b"0")
        too_big = declared.isdigit() and int(declared) > self.max_body
        chunks: list[bytes] = []
        size = 0
        more = True
        deadline = time.monotonic() + self.body_timeout
        while more:
            try:
                message = await asyncio.wait_for(receive(), deadline - time.monotonic())
            except TimeoutError:
                text = f"the request body did not arrive within {self.body_timeout:g} s"
                await _refuse(408, text)(scope, receive, send)
                return
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
            text = f"the request body is larger than this server's limit of {self.max_body} bytes"
            await PlainTextResponse(text + "\n", status_code=413)(scope, receive, send)
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
