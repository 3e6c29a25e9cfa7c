"""SPARQL ``SERVICE`` for rdflib through kgtool's HTTP client, and ``--service-map``.

rdflib's own SERVICE call (SPARQL 1.1 Federated Query, https://www.w3.org/TR/sparql11-federated-query/)
has no timeout, no retry and a generic User-Agent, and sends one request per solution. While
:func:`federation` is open, an rdflib ``CUSTOM_EVALS`` hook runs SERVICE through
:class:`kgtool.remote.http.SparqlClient` instead, redirected by ``--service-map`` and with the
solutions of the pattern before it sent along in ``VALUES`` batches.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from rdflib.term import Node, Variable

from kgtool.core.errors import EndpointError, UsageError
from kgtool.core.namespaces import WIKIDATA_SPARQL
from kgtool.remote.http import SparqlClient, batches, check_url

#: Short names accepted by ``--service-map NAME=URL``.
SERVICE_ALIASES: dict[str, str] = {"wikidata": str(WIKIDATA_SPARQL)}


def parse_service_map(values: Iterable[str]) -> dict[str, str]:
    """Read ``--service-map NAME=URL`` values; NAME is ``wikidata`` or a SERVICE IRI.

    Raises:
        UsageError: If a value is malformed or NAME is unknown.

    >>> parse_service_map(["wikidata=http://127.0.0.1:7878/query"])
    {'https://query.wikidata.org/sparql': 'http://127.0.0.1:7878/query'}
    """
    mapping: dict[str, str] = {}
    for value in values:
        name, sep, url = value.partition("=")
        name, url = name.strip(), url.strip()
        if not sep or not name or not url:
            raise UsageError(f"--service-map takes NAME=URL, not {value!r}")
        source = SERVICE_ALIASES.get(name.lower(), name)
        if urllib.parse.urlsplit(source).scheme not in ("http", "https"):
            known = ", ".join(SERVICE_ALIASES)
            raise UsageError(
                f"--service-map: {name!r} is neither a known name ({known}) nor an http(s) IRI"
            )
        mapping[source] = check_url(url)
    return mapping


_SERVICE_RE = re.compile(r"^service\s+(silent\s+)?<([^>]*)>\s*\{(.*)\}\s*$", re.DOTALL | re.I)
_VAR_RE = re.compile(r"[?$]([A-Za-z_][\w]*)")


@contextmanager
def federation(
    service_map: Mapping[str, str] | None = None,
    client_factory: Callable[[str], SparqlClient] | None = None,
) -> Iterator[list[str]]:
    """Let rdflib run ``SERVICE`` through :class:`SparqlClient` while the context is open.

    This hook (an rdflib ``CUSTOM_EVALS`` entry) redirects the IRI through ``service_map`` and,
    when SERVICE is joined to a pattern evaluated first, sends that pattern's solutions along in
    ``VALUES`` batches.

    Args:
        service_map: SERVICE IRI → the URL to call instead.
        client_factory: Builds the client for a URL (default: :class:`SparqlClient`).

    Yields:
        The list of URLs called, in order (for reports and tests).

    >>> from rdflib.plugins.sparql import CUSTOM_EVALS
    >>> before = dict(CUSTOM_EVALS)
    >>> with federation() as called:
    ...     len(CUSTOM_EVALS) == len(before) + 1
    True
    >>> CUSTOM_EVALS == before
    True
    """
    from rdflib.plugins.sparql import CUSTOM_EVALS
    from rdflib.plugins.sparql.sparql import FrozenBindings, QueryContext

    mapping = dict(service_map or {})
    make = client_factory or (lambda url: SparqlClient(url))
    clients: dict[str, SparqlClient] = {}
    called: list[str] = []

    def client_for(url: str) -> SparqlClient:
        if url not in clients:
            clients[url] = make(url)
        return clients[url]

    def remote(ctx: QueryContext, part: Any, seeds: list[FrozenBindings]) -> list[FrozenBindings]:
        match = _SERVICE_RE.match(str(part.get("service_string", "")))
        if not match:
            raise UsageError("SERVICE with a variable endpoint is not supported")
        silent, iri, body = bool(match.group(1)), match.group(2), match.group(3)
        url = mapping.get(iri, iri)
        prologue = ctx.prologue
        prefixes = ""
        if prologue is not None:
            prefixes = "".join(
                f"PREFIX {p}: {ns.n3()}\n" for p, ns in prologue.namespace_manager.namespaces()
            )
        used = sorted(set(_VAR_RE.findall(body)))
        rows: list[dict[str, Node]] = []
        try:
            keys = sorted(
                {v for v in used if seeds and all(s.get(Variable(v)) is not None for s in seeds)}
            )
            tuples = sorted(
                {tuple(s[Variable(v)] for v in keys) for s in seeds}, key=lambda t: str(t)
            )
            chunks: list[Sequence[tuple[Any, ...]]] = list(batches(tuples, 50)) if keys else [[]]
            for chunk in chunks:
                values = ""
                if keys:
                    cells = " ".join("(" + " ".join(t.n3() for t in row) + ")" for row in chunk)
                    values = f"\n  VALUES ({' '.join('?' + k for k in keys)}) {{ {cells} }}"
                query = f"{prefixes}SELECT * WHERE {{ {body}{values}\n}}"
                called.append(url)
                rows.extend(client_for(url).select(query))
        except EndpointError:
            if silent:
                return [FrozenBindings(ctx, {})]
            raise
        return [FrozenBindings(ctx, {Variable(k): v for k, v in r.items()}) for r in rows]

    def evaluate(ctx: QueryContext, part: Any) -> Any:
        from rdflib.plugins.sparql.evaluate import evalPart

        if part.name == "Join" and getattr(part.p2, "name", "") == "ServiceGraphPattern":
            left = list(evalPart(ctx, part.p1))
            if not left:
                return iter(())
            return _join(left, set(remote(ctx, part.p2, left)))
        if part.name == "ServiceGraphPattern":
            seed = ctx.solution()
            return _join([seed], set(remote(ctx, part, [seed])))
        raise NotImplementedError

    key = f"kgtool-service-{id(evaluate)}"
    CUSTOM_EVALS[key] = evaluate
    try:
        yield called
    finally:
        CUSTOM_EVALS.pop(key, None)


def _join(left: Iterable[Any], right: set[Any]) -> Iterator[Any]:
    """Join two sets of solutions: every compatible pair, merged (SPARQL 1.1, 18.5 Join).

    Uses only the public ``compatible`` and ``merge`` of rdflib's solution mappings.
    """
    for a in left:
        for b in right:
            if a.compatible(b):
                yield a.merge(b)
