"""``kgtool serve``: a read-only SPARQL endpoint, linked-data pages and a query page.

A Starlette application (run by uvicorn) over the same library calls as the CLI:

- ``/sparql`` speaks the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/): GET,
  POST form and POST ``application/sparql-query``, ``default-graph-uri`` / ``named-graph-uri``,
  results by content negotiation, and a Service Description
  (https://www.w3.org/TR/sparql11-service-description/) when there is no query. Queries run in
  the killable workers of :mod:`kgtool.serve.pool` (time and size limits); updates and ``LOAD``
  are refused, ``SERVICE`` too unless allowed. ``$name=value`` parameters bind the parameters a
  query's header declares (as RDF4J's protocol binds ``$name`` variables).
- Every IRI that is a subject in the graph resolves at its own path (only scheme and host
  change), as HTML for browsers and Turtle / JSON-LD / N-Triples / TriG for machines
  (https://www.w3.org/TR/cooluris/).
- ``/`` describes the dataset (VoID) with a timeline of its dated events, ``/query`` is the
  query page (the vendored Yasgui in ``static/yasgui``), ``/queries/NAME`` runs a bundled query
  with URL parameters, ``/download/…`` serves the whole graph in every format.

The optional extra ``eleutherai-kg[serve]`` provides Starlette, uvicorn and Jinja2.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, RDF
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kgtool.core.errors import KgtoolError
from kgtool.core.namespaces import PREFIXES
from kgtool.core.version import __version__
from kgtool.graph import KnowledgeGraph
from kgtool.io.cache import code_fingerprint, digest
from kgtool.io.serialize import serialize_dataset, serialize_graph
from kgtool.query.catalog import list_queries
from kgtool.reason.closure_cache import files_key
from kgtool.serve.body import BodyLimit
from kgtool.serve.caching import HttpCache
from kgtool.serve.conneg import GRAPH_TYPES, HTML, RESULT_TYPES, MediaType, negotiate
from kgtool.serve.pool import GraphSpec, Limits, QueryPool, QueryRequest, QueryResponse
from kgtool.serve.site import (
    DOWNLOADS,
    Site,
    Value,
    dataset_node,
    description,
    resource_context,
    service_description_text,
    void_description,
)

_PACKAGE = Path(__file__).resolve().parent
_MIME_BY_FORMAT = {t.name: t.mime for t in GRAPH_TYPES}


@dataclass(frozen=True)
class ServeSettings:
    """How to run the server.

    Attributes:
        spec: What to load (the same options as every other command).
        limits: Per-query time, size and ``SERVICE`` policy.
        workers: Query worker processes (default: two per core).
        max_body: Largest request body accepted, in bytes (larger: 413).
        body_timeout: Seconds a request body may take to arrive whole (slower: 408).
    """

    spec: GraphSpec = field(default_factory=GraphSpec)
    limits: Limits = field(default_factory=Limits)
    #: Two per core. Queries on Oxigraph take milliseconds, so a worker is mostly free; but one
    #: held by a runaway query until the time limit, and then being replaced, serves nobody.
    #: Measured on 2 cores (bench/serve_load.py --runaway, 8 clients): with one worker per core
    #: the others' p99 went from 18 ms to 1.9 s beside a runaway; with two, 30 ms to 43 ms.
    workers: int = field(default_factory=lambda: 2 * (os.cpu_count() or 1))
    max_body: int = 1_000_000
    body_timeout: float = 30.0


def _error(status: int, message: str) -> Response:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status)


def _from(response: QueryResponse, extra: dict[str, str] | None = None) -> Response:
    headers = {"Vary": "Accept"}
    headers.update(extra or {})
    return Response(
        response.body, status_code=response.status, media_type=response.media_type, headers=headers
    )


def _dataset_key(site: Site, settings: ServeSettings, queries: list[tuple[str, str]]) -> str | None:
    """Digest everything an answer depends on besides the request, or None (no HTTP caching).

    The input files' bytes (not hashable for stdin), the view, the limits, the bundled queries
    and kgtool's own code; with SERVICE allowed, answers depend on other servers too.
    """
    kg = site.kg
    files = files_key(kg.sources, kg.input_format) if kg.sources else None
    if files is None or settings.limits.allow_service:
        return None
    parts = [files, str(site.reasoned), repr(settings.limits), code_fingerprint()]
    return digest([*parts, *(f"{name}\0{text}" for name, text in queries)])


def create_app(settings: ServeSettings, kg: KnowledgeGraph | None = None) -> Starlette:
    """Build the web application.

    Args:
        settings: What to load, limits and sizes.
        kg: The graph, if already loaded (else ``settings.spec`` is loaded now, so input
            errors show before the server binds its port).

    Returns:
        The ASGI application; its lifespan starts and stops the query workers.

    Raises:
        InputError: If the graph does not load.
    """
    site = Site(kg if kg is not None else settings.spec.load(), settings.spec.reasoned)
    pool = QueryPool(settings.spec, settings.limits, settings.workers)
    env = Environment(
        loader=PackageLoader("kgtool.serve", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    queries_dir = Path(settings.spec.queries_dir) if settings.spec.queries_dir else None
    bundled = list_queries(queries_dir)
    dataset = _dataset_key(site, settings, [(q.name, q.text) for q in bundled])

    def page(name: str, status: int = 200, csp: str = _CSP, **context: Any) -> Response:
        html = env.get_template(name).render(version=__version__, **context)
        return Response(
            html,
            status_code=status,
            media_type="text/html; charset=utf-8",
            headers={"Vary": "Accept", "Content-Security-Policy": csp},
        )

    def rdf(graph: Graph | Dataset, chosen: MediaType) -> Response:
        if isinstance(graph, Dataset):
            text = serialize_dataset(graph, chosen.name, site.kg.ontology)
        else:
            text = serialize_graph(graph, chosen.name)
        return Response(
            text, media_type=f"{chosen.mime}; charset=utf-8", headers={"Vary": "Accept"}
        )

    def wants(request: Request, offers: tuple[MediaType, ...]) -> MediaType | None:
        return negotiate(
            offers, request.headers.get("accept"), request.query_params.getlist("format")
        )

    async def home(request: Request) -> Response:
        base = str(request.base_url)
        chosen = wants(request, (HTML, *GRAPH_TYPES))
        if chosen is None:
            return _error(406, "available: text/html and the RDF formats")
        void = void_description(site, base)
        if chosen is not HTML:
            return rdf(void, chosen)
        dataset = dataset_node(void, base)
        by_class: dict[str, list[Value]] = defaultdict(list)
        for s, c in site.union.subject_objects(RDF.type):
            href = site.href(s)
            if isinstance(s, URIRef) and href and href.startswith("/") and isinstance(c, URIRef):
                by_class[site.label(c)].append(site.value(s))
        timeline = await asyncio.to_thread(site.timeline)
        return page(
            "home.html",
            title=str(void.value(dataset, DCTERMS.title) or "Knowledge graph"),
            timeline=Markup(timeline),  # built escaped by kgtool.serve.timeline
            description=str(void.value(dataset, DCTERMS.description) or ""),
            triples=len(site.union),
            graphs=len(site.kg.store.graph_names()),
            queries=bundled,
            downloads=[(ext, fmt) for ext, fmt in DOWNLOADS.items()],
            classes=sorted(
                (name, sorted(values, key=lambda v: v.text.lower()))
                for name, values in by_class.items()
            ),
        )

    async def sparql(request: Request) -> Response:
        url = request.query_params
        formats = tuple(url.getlist("format"))
        accept = request.headers.get("accept", "")
        if request.method == "GET":
            if "update" in url:
                return _error(400, "SPARQL Update is never sent with GET; this server is read-only")
            texts = url.getlist("query")
            if not texts:
                chosen = negotiate((HTML, *GRAPH_TYPES), accept, formats)
                if chosen is HTML:
                    return RedirectResponse("/query", status_code=303)
                chosen = chosen or GRAPH_TYPES[0]
                text = service_description_text(site, str(request.url_for("sparql")), chosen.name)
                return Response(
                    text, media_type=f"{chosen.mime}; charset=utf-8", headers={"Vary": "Accept"}
                )
            default, named = url.getlist("default-graph-uri"), url.getlist("named-graph-uri")
            bindings = _bindings(url.multi_items())
        else:
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            body = await request.body()
            try:
                decoded = body.decode("utf-8")
            except UnicodeDecodeError:
                return _error(400, "the request body is not UTF-8")
            if kind == "application/x-www-form-urlencoded":
                form = parse_qs(decoded, keep_blank_values=True)
                if "update" in form:
                    return _error(403, "SPARQL Update is refused: this endpoint is read-only")
                texts = form.get("query", [])
                default = form.get("default-graph-uri", [])
                named = form.get("named-graph-uri", [])
                formats = formats or tuple(form.get("format", []))
                bindings = _bindings((k, v) for k, vs in form.items() for v in vs)
                if not texts:
                    return _error(400, "the form has no query parameter")
            elif kind == "application/sparql-query":
                texts = [decoded]
                default, named = url.getlist("default-graph-uri"), url.getlist("named-graph-uri")
                bindings = _bindings(url.multi_items())
            elif kind == "application/sparql-update":
                return _error(403, "SPARQL Update is refused: this endpoint is read-only")
            else:
                return _error(
                    415,
                    "POST a query as application/sparql-query or as an "
                    "application/x-www-form-urlencoded form with a query parameter",
                )
        if len(texts) != 1:
            return _error(400, "give exactly one query parameter")
        request_ = QueryRequest(
            text=texts[0],
            params=bindings,
            default_graphs=tuple(default),
            named_graphs=tuple(named),
            accept=accept,
            formats=formats,
        )
        return _from(await pool.run(request_))

    async def bundled_query(request: Request) -> Response:
        name = request.path_params["name"]
        params = {k: v for k, v in request.query_params.items() if k != "format"}
        query = QueryRequest(
            text=name,
            bundled=True,
            params=params,
            accept=request.headers.get("accept", ""),
            formats=tuple(request.query_params.getlist("format")),
        )
        return _from(await pool.run(query))

    async def queries_index(request: Request) -> Response:
        chosen = wants(request, (HTML, MediaType("application/json", "json", ("json",))))
        if chosen is HTML:
            return RedirectResponse("/query", status_code=303)
        return Response(
            json.dumps(_queries_json(bundled), indent=2, ensure_ascii=False),
            media_type="application/json",
        )

    async def query_page(request: Request) -> Response:
        config = {
            "endpoint": "/sparql",
            "queries": _queries_json(bundled),
            "prefixes": PREFIXES,
            "bases": site.bases,
            # What a result can be downloaded as: rows in the result formats, graphs in the RDF
            # ones (the endpoint answers 406 to anything else).
            "downloads": {
                "rows": [[t.name, t.mime] for t in RESULT_TYPES],
                "graph": [[t.name, t.mime] for t in GRAPH_TYPES],
            },
        }
        return page("query.html", title="Query", config=config, csp=_QUERY_CSP)

    async def download(request: Request) -> Response:
        ext = request.path_params["ext"]
        if ext not in DOWNLOADS:
            return _error(404, f"no such download; available: {', '.join(DOWNLOADS)}")
        fmt = DOWNLOADS[ext]
        mime = _MIME_BY_FORMAT.get(fmt, "text/plain")
        text = await asyncio.to_thread(site.download, fmt)
        return Response(text, media_type=f"{mime}; charset=utf-8")

    async def drawing(request: Request) -> Response:
        iri = site.by_path.get(unquote(request.query_params.get("path", "")))
        if iri is None:
            return _error(404, "no such resource")
        depth = 2 if request.query_params.get("depth") == "2" else 1
        try:
            svg = await asyncio.to_thread(site.svg, iri, depth)
        except KgtoolError as exc:
            return _error(503, str(exc))
        return Response(
            svg,
            media_type="image/svg+xml",
            headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
        )

    async def resource(request: Request) -> Response:
        path = request.url.path
        iri = site.by_path.get(unquote(path))
        if iri is None:
            chosen = wants(request, (HTML,))
            if chosen is HTML:
                return page("notfound.html", status=404, title="Not found", path=path)
            return _error(404, f"nothing is described at {path}")
        chosen = wants(request, (HTML, *GRAPH_TYPES))
        if chosen is None:
            offered = ", ".join(t.mime for t in (HTML, *GRAPH_TYPES))
            return _error(406, f"available: {offered}")
        # Built in a thread, as the other pages are: the event loop keeps accepting requests
        # and handing queries to the workers meanwhile.
        if chosen is HTML:
            context = await asyncio.to_thread(resource_context, site, iri)
            return page("resource.html", **context)
        quads = chosen.name in ("trig", "nquads")
        return await asyncio.to_thread(lambda: rdf(description(site, iri, quads), chosen))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            await pool.close()

    routes = [
        Route("/", home, methods=["GET", "HEAD"]),
        Route("/sparql", sparql, methods=["GET", "POST", "HEAD"], name="sparql"),
        Route("/query", query_page, methods=["GET", "HEAD"]),
        Route("/queries", queries_index, methods=["GET", "HEAD"]),
        Route("/queries/{name}", bundled_query, methods=["GET", "HEAD"]),
        Route("/download/dataset.{ext}", download, methods=["GET", "HEAD"]),
        Route("/_diagram", drawing, methods=["GET", "HEAD"]),
        Mount("/static", app=StaticFiles(directory=_PACKAGE / "static"), name="static"),
        Route("/{path:path}", resource, methods=["GET", "HEAD"]),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            # CORS outermost, so errors (413 included) are readable by browser clients elsewhere.
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=["Content-Type", "Vary"],
            ),
            Middleware(BodyLimit, max_body=settings.max_body, body_timeout=settings.body_timeout),
            Middleware(HttpCache, dataset=dataset),
        ],
    )
    app.state.site = site
    app.state.pool = pool
    return app


#: Pages run only the package's own script and style; no inline script, nothing remote.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
#: The query page runs the vendored Yasgui, still only from this server. Its results table's
#: column resizer adds ``<style>`` elements and its markup strings carry ``style`` attributes,
#: which ``style-src 'self'`` alone blocks, so styles may be inline there. Scripts stay 'self'
#: only: Yasgui needs no 'unsafe-eval' (its one ``eval`` is a JSON fallback for old browsers).
_QUERY_CSP = _CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def _bindings(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The ``$name=value`` request parameters: values for the parameters a query's header declares.

    RDF4J and GraphDB bind variables from ``$name`` parameters the same way; here the values are
    typed and checked as the header declares them (an undeclared name is a 400), so the query page
    can run an edited bundled query with its parameters.
    """
    return {k[1:]: v for k, v in items if k.startswith("$") and len(k) > 1}


def _queries_json(bundled: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": q.name,
            "title": q.header.title or q.name,
            "problem": q.header.problem,
            "text": q.text,
            "parameters": [
                {"name": p.name, "type": p.type, "default": p.default, "description": p.description}
                for p in q.header.parameters
            ],
        }
        for q in bundled
    ]
