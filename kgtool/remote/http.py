"""The one HTTP client: every request kgtool sends over the network goes through this module.

It behaves as the Wikimedia User-Agent and robot policies ask of every client, whichever server
it talks to: a descriptive ``User-Agent`` with the tool's version and a contact, a timeout, a
bounded number of retries with exponential backoff, and respect for HTTP 429 and
``Retry-After`` (RFC 9110 §10.2.3). :class:`HttpClient` sends any request (the Graph Store
Protocol ``PUT`` of ``kgtool push``, the query ``POST`` of ``kgtool query --endpoint``);
:class:`SparqlClient` adds the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/)
with JSON results (https://www.w3.org/TR/sparql11-results-json/) and the record of answers that
``--offline`` replays, kept in the ``sparql`` kind of the one cache (:mod:`kgtool.io.cache`).
"""

from __future__ import annotations

import datetime
import email.utils
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import rdflib
from rdflib import Literal, URIRef
from rdflib.term import BNode, Node

from kgtool.core.errors import EndpointError, OfflineError, UsageError
from kgtool.core.version import __version__
from kgtool.io.cache import CacheKind, CacheSettings, digest

#: Contact for the User-Agent, as the Wikimedia User-Agent policy asks.
CONTACT = "https://w3id.org/eleutherai-kg; eleutherai-kg contributors"
#: Status codes worth another try: rate limited, or the server is briefly unwell.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def user_agent() -> str:
    """Return the User-Agent every request sends.

    >>> user_agent().startswith("kgtool/")
    True
    """
    return f"kgtool/{__version__} ({CONTACT}) rdflib/{rdflib.__version__}"


def check_url(url: str) -> str:
    """Return ``url`` if it is an http(s) URL.

    Raises:
        UsageError: If it is not.

    >>> check_url("http://127.0.0.1:7878/query")
    'http://127.0.0.1:7878/query'
    """
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise UsageError(f"the endpoint must be an http(s) URL, not {url!r}")
    return url


def now() -> str:
    """Return the current UTC time in ISO 8601, to the second (the date of a fetched answer)."""
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()


def _retry_after(value: str | None) -> float | None:
    """Read a ``Retry-After`` header: delta seconds or an HTTP date (RFC 9110 §10.2.3).

    >>> _retry_after("2"), _retry_after(None), _retry_after("soon")
    (2.0, None, None)
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, (when - datetime.datetime.now(datetime.UTC)).total_seconds())


@dataclass(frozen=True)
class Response:
    """The body of a successful answer and its media type (without parameters)."""

    body: bytes
    content_type: str


class HttpClient:
    """Send requests politely: User-Agent, timeout, bounded retries with backoff, 429.

    Args:
        timeout: Seconds to wait for the server at each step (connect, each read).
        retries: How many times to try again after a 429, a 5xx, a timeout or a dropped
            connection (a refused one fails at once: the server is down).
        backoff: The first wait between tries; it doubles each time.
        max_wait: The longest ``Retry-After`` honoured; a longer one fails at once.
        sleep: How to wait (tests pass a recorder).

    >>> HttpClient(timeout=5).timeout
    5
    """

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        #: Requests actually sent (retries included).
        self.requests = 0

    def send(
        self,
        url: str,
        *,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        method: str | None = None,
        name: str | None = None,
    ) -> Response:
        """Send one request, trying again as the policy allows, and return the answer.

        Args:
            url: Where to send it.
            data: The body (None: no body, a GET unless ``method`` says otherwise).
            headers: Extra headers; the User-Agent is always ours.
            method: The HTTP method (default: GET, or POST with a body).
            name: How messages name the server (default: ``url``; a GET's long query string
                has no place in an error message).

        Returns:
            The answer's body and media type.

        Raises:
            EndpointError: The server is down, too slow, or refuses the request.
        """
        label = name or url
        attempt = 0
        while True:
            wait: float | None = None
            problem = ""
            request = urllib.request.Request(
                url, data=data, headers={**(headers or {}), "User-Agent": user_agent()}
            )
            if method is not None:
                request.method = method
            try:
                self.requests += 1
                with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                    return Response(answer.read(), answer.headers.get_content_type())
            except urllib.error.HTTPError as exc:
                detail = exc.read(300).decode("utf-8", "replace").strip()
                problem = f"HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")
                if exc.code not in RETRY_STATUSES:
                    raise EndpointError(f"{label} refused the request ({problem})") from None
                wait = _retry_after(exc.headers.get("Retry-After"))
                if wait is not None and wait > self.max_wait:
                    raise EndpointError(
                        f"{label} asks to wait {wait:.0f} s (Retry-After) before trying "
                        f"again, longer than {self.max_wait:.0f} s; try later"
                    ) from None
            except TimeoutError:
                problem = f"no answer within {self.timeout:g} s"
            except urllib.error.URLError as exc:
                reason = exc.reason
                if not isinstance(reason, TimeoutError):
                    # Refused or unresolvable: the server is down, and waiting will not help.
                    raise EndpointError(f"{label}: cannot connect ({reason})") from None
                problem = f"no answer within {self.timeout:g} s"
            except (ConnectionError, OSError) as exc:
                problem = f"connection failed ({exc})"
            if attempt >= self.retries:
                tries = f"{attempt + 1} tr{'ies' if attempt else 'y'}"
                raise EndpointError(f"{label}: {problem} (after {tries})")
            self.sleep(wait if wait is not None else self.backoff * 2**attempt)
            attempt += 1


# --------------------------------------------------------------------------- SPARQL JSON results


#: One solution: variable name → term (unbound variables are absent).
Row = dict[str, Node]


def _term(binding: Mapping[str, Any]) -> Node:
    kind, value = binding["type"], binding["value"]
    if not isinstance(value, str):
        raise ValueError("a value is not a string")
    if kind == "uri":
        return URIRef(value)
    if kind in ("literal", "typed-literal"):
        datatype = binding.get("datatype")
        # normalize=False keeps the endpoint's lexical form ("…T00:00:00Z" stays as it is).
        return Literal(
            value,
            lang=binding.get("xml:lang"),
            datatype=URIRef(datatype) if datatype else None,
            normalize=False,
        )
    if kind == "bnode":
        return BNode(value)
    raise ValueError(f"unknown term type {kind!r}")


def parse_results(answer: Any) -> list[Row]:
    """Turn SPARQL JSON results into rows of rdflib terms.

    Args:
        answer: The decoded JSON document.

    Returns:
        One dict per solution, variable name → term (unbound variables are absent).

    Raises:
        ValueError: If the document is not SPARQL SELECT results.

    >>> parse_results({"head": {"vars": ["x"]},
    ...                "results": {"bindings": [{"x": {"type": "uri", "value": "http://e/x"}}]}})
    [{'x': rdflib.term.URIRef('http://e/x')}]
    """
    if not isinstance(answer, dict) or not isinstance(answer.get("results"), dict):
        raise ValueError("no 'results' object")
    bindings = answer["results"].get("bindings")
    if not isinstance(bindings, list):
        raise ValueError("no 'results.bindings' list")
    rows: list[Row] = []
    for solution in bindings:
        if not isinstance(solution, dict):
            raise ValueError("a solution is not an object")
        rows.append({name: _term(value) for name, value in solution.items()})
    return rows


def batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """Split ``items`` into runs of ``size``: one request asks for a whole run (``VALUES``).

    >>> [list(b) for b in batches([1, 2, 3], 2)]
    [[1, 2], [3]]
    """
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + max(1, size)]


def values(nodes: Iterable[Node]) -> str:
    """Write terms as the cells of a one-variable ``VALUES`` block.

    >>> values([URIRef("http://e/a"), Literal("b")])
    '<http://e/a> "b"'
    """
    return " ".join(n.n3() for n in nodes)


# --------------------------------------------------------------------------- recorded answers


@dataclass(frozen=True)
class CachedAnswer:
    """One endpoint answer and when it was fetched."""

    endpoint: str
    query: str
    fetched: str
    answer: dict[str, Any]


@dataclass(frozen=True)
class AnswerCache:
    """Endpoint answers kept as the ``sparql`` kind of the one cache, one JSON file per query.

    The entries are records ``--offline`` replays, not an optimisation: they are keyed by
    endpoint and query alone (not by kgtool's code), never pruned, and a failed write is an error.
    They are sealed as the cache's other answers are (:func:`kgtool.io.cache.seal`): another
    key's record, or one truncated or edited, reads as no record, never as this query's answer.

    >>> import tempfile
    >>> from pathlib import Path
    >>> cache = AnswerCache(CacheSettings(Path(tempfile.mkdtemp())))
    >>> cache.get("http://e/sparql", "ASK {}") is None
    True
    """

    settings: CacheSettings
    kind: CacheKind = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", self.settings.kind("sparql", ".json", sealed=True))

    @property
    def enabled(self) -> bool:
        """Whether answers are read and written at all (not with ``--no-cache``)."""
        return self.settings.enabled

    @staticmethod
    def _key(endpoint: str, query: str) -> str:
        return digest([endpoint, query])

    def get(self, endpoint: str, query: str) -> CachedAnswer | None:
        """Return the cached answer, or None (also for an unreadable, damaged or foreign file)."""
        data = self.kind.read(self._key(endpoint, query))
        if data is None:
            return None
        try:
            record = json.loads(data.decode("utf-8"))
        except ValueError:
            return None
        # The seal names the key, a digest of this endpoint and query: a record under it that
        # names others was written by something other than this cache.
        if not isinstance(record, dict):
            return None
        if record.get("endpoint") != endpoint or record.get("query") != query:
            return None
        fetched, answer = str(record.get("fetched", "")), record.get("answer", {})
        return CachedAnswer(endpoint, query, fetched, answer)

    def put(self, entry: CachedAnswer) -> None:
        """Store an answer, replacing any older one atomically.

        Raises:
            ExportError: If the file cannot be written (the old one is then intact).
        """
        record = {
            "endpoint": entry.endpoint,
            "query": entry.query,
            "fetched": entry.fetched,
            "answer": entry.answer,
        }
        text = json.dumps(record, indent=1) + "\n"
        self.kind.write(self._key(entry.endpoint, entry.query), text.encode(), strict=True)


# --------------------------------------------------------------------------- the SPARQL client


class SparqlClient:
    """A polite client of one SPARQL endpoint, with a record of its answers for ``--offline``.

    Args:
        endpoint: The endpoint URL.
        timeout: Seconds to wait for the server at each step (connect, each read).
        retries: How many times to try again after a 429, a 5xx, a timeout or a dropped
            connection (a refused one fails at once: the endpoint is down).
        backoff: The first wait between tries; it doubles each time.
        max_wait: The longest ``Retry-After`` honoured; a longer one fails at once.
        cache: Where answers are recorded (None: nowhere).
        offline: Answer from the cache only; never open a connection.
        sleep: How to wait (tests pass a recorder).

    Raises:
        UsageError: If ``offline`` but there is no cache to answer from (``--no-cache``).

    >>> SparqlClient("http://127.0.0.1:9/sparql").endpoint
    'http://127.0.0.1:9/sparql'
    """

    def __init__(
        self,
        endpoint: str,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_wait: float = 120.0,
        cache: AnswerCache | None = None,
        offline: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if offline and (cache is None or not cache.enabled):
            raise UsageError(
                "--offline answers from the cache, and --no-cache turns it off: drop one"
            )
        self.endpoint = endpoint
        self.http = HttpClient(
            timeout=timeout, retries=retries, backoff=backoff, max_wait=max_wait, sleep=sleep
        )
        self.cache = cache
        self.offline = offline
        #: Answers fetched in this run, written to the cache by :meth:`commit`.
        self.pending: list[CachedAnswer] = []
        #: When each answer used in this run was fetched (ISO 8601, UTC).
        self.fetched: list[str] = []

    @property
    def requests(self) -> int:
        """Requests actually sent (retries included)."""
        return self.http.requests

    def select(self, query: str) -> list[Row]:
        """Run a SELECT query and return its rows.

        Raises:
            OfflineError: Offline, and the cache has no answer to this query.
            EndpointError: The endpoint is down, too slow, refuses, or answers garbage.
        """
        if self.offline:
            cached = self.cache.get(self.endpoint, query) if self.cache else None
            if cached is None:
                raise OfflineError(
                    f"--offline: no cached answer from {self.endpoint} for a query this "
                    "command needs; run it once online (same endpoint, same data) first"
                )
            self.fetched.append(cached.fetched)
            return self._rows(cached.answer)
        answer = self._fetch(query)
        rows = self._rows(answer)
        fetched = now()
        self.fetched.append(fetched)
        self.pending.append(CachedAnswer(self.endpoint, query, fetched, answer))
        return rows

    def _rows(self, answer: Any) -> list[Row]:
        try:
            return parse_results(answer)
        except (ValueError, KeyError, TypeError) as exc:
            raise EndpointError(
                f"{self.endpoint} answered something that is not SPARQL JSON results ({exc})"
            ) from None

    def commit(self) -> None:
        """Write this run's answers to the cache (call once the whole command succeeded).

        Raises:
            ExportError: If an answer cannot be recorded.
        """
        if self.cache is not None and not self.offline:
            for entry in self.pending:
                self.cache.put(entry)
        self.pending = []

    def _fetch(self, query: str) -> Any:
        headers = {"Accept": "application/sparql-results+json"}
        encoded = urllib.parse.urlencode({"query": query})
        # GET can be cached by the server (Wikidata's is); long queries go by POST.
        if len(encoded) < 1800:
            separator = "&" if "?" in self.endpoint else "?"
            url, data = self.endpoint + separator + encoded, None
        else:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            url, data = self.endpoint, encoded.encode()
        body = self.http.send(url, data=data, headers=headers, name=self.endpoint).body
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            preview = body[:60].decode("utf-8", "replace").replace("\n", " ")
            raise EndpointError(
                f"{self.endpoint} answered something that is not JSON: {preview!r}"
            ) from None
