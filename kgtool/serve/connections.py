"""Close connections that do not send a request head in time (a slow-loris defence).

uvicorn times out an idle connection only after it has answered a request on it: one that opens
and sends nothing, or stops in the middle of its request line or headers, is held until the
client goes away. This protocol gives every request head a deadline, counted from the
connection's opening and from the end of each response (there no shorter than uvicorn's
keep-alive timeout), as Jetty's idle timeout and Go's ``ReadHeaderTimeout`` do. Past it, a
connection that sent nothing is closed; one that sent part of a head is told ``408 Request
Timeout`` and closed.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from kgtool.core.patches import UVICORN_RESPONSE_COMPLETE

_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Connection: close\r\nContent-Length: %d\r\n\r\n%s"
)


class HeadTimeoutProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline on each request head."""

    #: Seconds a request head may take to arrive whole.
    head_timeout: float = 30.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._head_deadline = self.loop.call_later(seconds, self._head_timed_out)

    def _disarm(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_timed_out(self) -> None:
        self._head_deadline = None
        # A head that arrived whole moved h11 past IDLE; its answer re-arms the deadline.
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        received, _ = self.conn.trailing_data
        if received:
            text = f"the request head did not arrive within {self.head_timeout:g} s\n".encode()
            self.transport.write(_TIMEOUT_RESPONSE % (len(text), text))
        self.transport.close()

    # Narrowed to a stream transport as uvicorn's own method is (asyncio types it more widely).
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.head_timeout)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm()  # the head is in: the body and the query have their own limits

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            # Never shorter than uvicorn's keep-alive timeout, which closes a silent kept-alive
            # connection: this deadline bounds a next head that starts and then stops.
            self._arm(max(self.head_timeout, self.timeout_keep_alive))

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def head_timeout_protocol(seconds: float) -> type[asyncio.Protocol] | None:
    """Return the HTTP protocol class for uvicorn that gives request heads ``seconds``.

    None where the installed uvicorn is not a tested one: its own protocol is then used, with
    no head deadline (the connection limit still bounds what idle clients hold).

    >>> head_timeout_protocol(5.0).head_timeout
    5.0
    """
    if not UVICORN_RESPONSE_COMPLETE.usable():
        return None
    return type("HeadTimeoutProtocol", (HeadTimeoutProtocol,), {"head_timeout": seconds})
