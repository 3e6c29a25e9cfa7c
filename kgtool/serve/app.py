"""``kgtool serve``: a read-only SPARQL endpoint, linked-data pages and a query page.

A Starlette application (run by uvicorn) over the same library calls as the CLI:

- ``/sparql`` speaks the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/): GET,
  POST form and POST ``application/sparql-query``, ``default-graph-uri`` / ``named-graph-uri``,
  results by content negotiation, and a Service Description
  (https://www.w3.org/TR/sparql11-service-description/) when there is no query. Queries run in
  the killable workers of :mod:`kgtool.serve.pool` (time and size limits); updates and ``LOAD``
  are refused, ``SERVICE`` too unless allowed.
- Every IRI that is a subject in the graph resolves at its own path (only scheme and host
  change), as HTML for browsers and Turtle / JSON-LD / N-Triples / TriG for machines
  (https://www.w3.org/TR/cooluris/).
- ``/`` describes the dataset (VoID), ``/query`` is the query page, ``/queries/NAME`` runs a
  bundled query with URL parameters, ``/download/…`` serves the whole graph in every format.

The optional extra ``kgtool[serve]`` provides Starlette, uvicorn and Jinja2.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, Namespace
from rdflib.term import Node
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kgtool import __version__
from kgtool.core.errors import KgtoolError
from kgtool.core.namespaces import DATASET_IRI, GRAPH_VOID, PREFIXES, VOID, WD, bind_prefixes
from kgtool.core.terms import expand_iri, shorten
from kgtool.export import render_export, serialize_dataset, serialize_graph
from kgtool.graph import KnowledgeGraph
from kgtool.inspect import diagram
from kgtool.inspect.describe import provenance
from kgtool.query.catalog import list_queries
from kgtool.serve.conneg import GRAPH_TYPES, HTML, MediaType, negotiate
from kgtool.serve.pool import GraphSpec, Limits, QueryPool, QueryRequest, QueryResponse

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
_PACKAGE = Path(__file__).resolve().parent
#: Paths the server itself answers; an entity whose IRI path is one of these is not served.
RESERVED = ("/", "/sparql", "/query", "/queries", "/download", "/static", "/_diagram")
#: Whole-graph downloads: file extension → export format.
DOWNLOADS: dict[str, str] = {
    "ttl": "turtle",
    "trig": "trig",
    "nq": "nquads",
    "nt": "nt",
    "jsonld": "jsonld",
    "rdf": "xml",
}
_MIME_BY_FORMAT = {t.name: t.mime for t in GRAPH_TYPES}
_SHOW = bind_prefixes(Graph())
#: Don't drain more than this of a request body that is already too large; close instead.
_DRAIN_CAP = 64 * 1024 * 1024


@dataclass(frozen=True)
class ServeSettings:
    """How to run the server.

    Attributes:
        spec: What to load (the same options as every other command).
        limits: Per-query time, size and ``SERVICE`` policy.
        workers: Query worker processes.
        max_body: Largest request body accepted, in bytes (larger: 413).
    """

    spec: GraphSpec = field(default_factory=GraphSpec)
    limits: Limits = field(default_factory=Limits)
    workers: int = 2
    max_body: int = 1_000_000


@dataclass
class Value:
    """One value of a property on an HTML page."""

    text: str
    href: str | None = None
    note: str = ""  # language or datatype of a literal
    sources: list[dict[str, str]] = field(default_factory=list)


class Site:
    """What the pages need: the graph, which IRIs resolve here, labels and cached renderings."""

    def __init__(self, kg: KnowledgeGraph, settings: ServeSettings) -> None:
        """Index the subjects of ``kg`` by the path of their IRI."""
        self.kg = kg
        self.settings = settings
        self.union = kg.store.union(settings.spec.reasoned)
        self.by_path: dict[str, URIRef] = {}
        for subject in sorted({s for s in self.union.subjects() if isinstance(s, URIRef)}):
            self._index(subject)
        for name in kg.store.graph_names():
            self._index(name)
        self.bases = sorted(
            {f"{urlsplit(i).scheme}://{urlsplit(i).netloc}" for i in self.by_path.values()}
        )
        self._downloads: dict[str, str] = {}
        self._svg: dict[tuple[URIRef, int], bytes] = {}

    def _index(self, iri: URIRef) -> None:
        parts = urlsplit(str(iri))
        if parts.scheme not in ("http", "https") or parts.query or parts.fragment:
            return
        path = unquote(parts.path) or "/"
        if path in RESERVED or path.startswith(("/static/", "/download/", "/queries/")):
            return
        self.by_path.setdefault(path, iri)

    def href(self, node: Node) -> str | None:
        """Return the local page of ``node``, its own IRI if that is a web link, else None."""
        if not isinstance(node, URIRef):
            return None
        parts = urlsplit(str(node))
        path = unquote(parts.path) or "/"
        if self.by_path.get(path) == node:
            return quote(path, safe="/:@!$&'()*+,;=-._~")
        return str(node) if parts.scheme in ("http", "https") else None

    def label(self, node: Node) -> str:
        """Return the ``rdfs:label`` of ``node``, else its prefixed name."""
        value = self.union.value(node, RDFS.label) if isinstance(node, URIRef) else None
        if value is not None:
            return str(value)
        return str(node) if isinstance(node, Literal) else shorten(_SHOW, node)

    def value(self, node: Node) -> Value:
        """Describe a term for the page: linked label, or literal with its language/datatype."""
        if isinstance(node, Literal):
            note = node.language or (
                shorten(_SHOW, node.datatype)
                if node.datatype and node.datatype != XSD.string
                else ""
            )
            return Value(str(node), note=note)
        if isinstance(node, BNode):
            return Value(f"_:{node}")
        return Value(self.label(node), href=self.href(node), note=shorten(_SHOW, node))

    def download(self, fmt: str) -> str:
        """Return (and cache) the whole dataset in an export format."""
        if fmt not in self._downloads:
            self._downloads[fmt] = render_export(self.kg, fmt, reasoned=self.settings.spec.reasoned)
        return self._downloads[fmt]

    def svg(self, iri: URIRef, depth: int) -> bytes:
        """Return (and cache) the neighbourhood drawing of ``iri``."""
        key = (iri, depth)
        if key not in self._svg:
            local = self.href  # links inside the drawing go to local pages only
            source = diagram.neighbourhood_dot(
                self.union,
                iri,
                depth,
                link=lambda n: h if (h := local(n)) and h.startswith("/") else None,
            )
            self._svg[key] = diagram.render(source, "svg")
        return self._svg[key]


def _error(status: int, message: str) -> Response:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status)


def _from(response: QueryResponse, extra: dict[str, str] | None = None) -> Response:
    headers = {"Vary": "Accept"}
    headers.update(extra or {})
    return Response(
        response.body, status_code=response.status, media_type=response.media_type, headers=headers
    )


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
            response = _error(
                413, f"the request body is larger than this server's limit of {self.max_body} bytes"
            )
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


def service_description(site: Site, endpoint: str) -> Graph:
    """Describe the endpoint (SPARQL 1.1 Service Description)."""
    g = bind_prefixes(Graph())
    g.bind("sd", SD)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV"):
        g.add((service, SD.resultFormat, FORMATS[fmt]))
    for fmt in ("SPARQL_Results_TSV", "Turtle", "JSON-LD", "N-Triples", "RDF_XML"):
        g.add((service, SD.resultFormat, FORMATS[fmt]))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    dataset = BNode("dataset")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode("default")
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(len(site.union))))
    for name in site.kg.store.graph_names():
        node = BNode(f"g{abs(hash(name))}")
        g.add((dataset, SD.namedGraph, node))
        g.add((node, SD.name, name))
    return g


def void_description(site: Site, base: str) -> Graph:
    """Describe the dataset (VoID): the bundled description plus endpoint, dumps and counts."""
    g = bind_prefixes(Graph())
    for triple in site.kg.store.named_graph(GRAPH_VOID):
        g.add(triple)
    dataset = DATASET_IRI if (DATASET_IRI, None, None) in g else URIRef(base)
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(base + "sparql")))
    g.set((dataset, VOID.triples, Literal(len(site.union))))
    for ext in DOWNLOADS:
        g.add((dataset, VOID.dataDump, URIRef(f"{base}download/dataset.{ext}")))
    return g


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
    site = Site(kg if kg is not None else settings.spec.load(), settings)
    pool = QueryPool(settings.spec, settings.limits, settings.workers)
    env = Environment(
        loader=PackageLoader("kgtool.serve", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    queries_dir = Path(settings.spec.queries_dir) if settings.spec.queries_dir else None
    bundled = list_queries(queries_dir)

    def page(name: str, status: int = 200, **context: Any) -> Response:
        html = env.get_template(name).render(version=__version__, **context)
        return Response(
            html,
            status_code=status,
            media_type="text/html; charset=utf-8",
            headers={"Vary": "Accept", "Content-Security-Policy": _CSP},
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
        dataset = next(iter(void.subjects(RDF.type, VOID.Dataset)))
        by_class: dict[str, list[Value]] = defaultdict(list)
        for s, c in site.union.subject_objects(RDF.type):
            href = site.href(s)
            if isinstance(s, URIRef) and href and href.startswith("/") and isinstance(c, URIRef):
                by_class[site.label(c)].append(site.value(s))
        return page(
            "home.html",
            title=str(void.value(dataset, DCTERMS.title) or "Knowledge graph"),
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
                return rdf(
                    service_description(site, str(request.url_for("sparql"))),
                    chosen or GRAPH_TYPES[0],
                )
            default, named = url.getlist("default-graph-uri"), url.getlist("named-graph-uri")
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
                if not texts:
                    return _error(400, "the form has no query parameter")
            elif kind == "application/sparql-query":
                texts = [decoded]
                default, named = url.getlist("default-graph-uri"), url.getlist("named-graph-uri")
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
        }
        return page("query.html", title="Query", config=config)

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
        if chosen is HTML:
            return page("resource.html", **_resource_context(site, iri))
        return rdf(_description(site, iri, chosen.name in ("trig", "nquads")), chosen)

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
            Middleware(BodyLimit, max_body=settings.max_body),
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


def _description(site: Site, iri: URIRef, quads: bool) -> Graph | Dataset:
    """The triples about ``iri`` (as subject or object); with graph names for quad formats."""
    if not quads:
        g = bind_prefixes(Graph())
        for triple in site.union.triples((iri, None, None)):
            g.add(triple)
        for triple in site.union.triples((None, None, iri)):
            g.add(triple)
        return g
    ds = bind_prefixes(Dataset())
    source = site.kg.store.dataset(site.settings.spec.reasoned)
    for pattern in ((iri, None, None), (None, None, iri)):
        for s, p, o, g_ in source.quads(pattern):
            name = g_.identifier if isinstance(g_, Graph) else g_
            ds.graph(name or DATASET_DEFAULT_GRAPH_ID).add((s, p, o))
    return ds


def _sources(site: Site, triple: tuple[Node, Node, Node]) -> list[dict[str, str]]:
    found = []
    for p in provenance(site.kg, triple):
        graph_iri = expand_iri(p.graph)
        found.append(
            {
                "kind": p.kind,
                "graph": p.graph,
                "href": site.href(graph_iri) or "" if graph_iri is not None else "",
                "quote": p.quote,
                "section": p.section,
            }
        )
    return found


def _resource_context(site: Site, iri: URIRef) -> dict[str, Any]:
    union = site.union
    outgoing: dict[URIRef, list[Value]] = defaultdict(list)
    for p, o in union.predicate_objects(iri):
        if p == RDF.type or not isinstance(p, URIRef):
            continue
        value = site.value(o)
        value.sources = _sources(site, (iri, p, o))
        outgoing[p].append(value)
    incoming: dict[URIRef, list[Value]] = defaultdict(list)
    for s, p in union.subject_predicates(iri):
        if isinstance(p, URIRef):
            value = site.value(s)
            value.sources = _sources(site, (s, p, iri))
            incoming[p].append(value)

    def grouped(found: dict[URIRef, list[Value]]) -> list[tuple[Value, list[Value]]]:
        return sorted(
            ((site.value(p), sorted(v, key=lambda x: x.text)) for p, v in found.items()),
            key=lambda item: item[0].text.lower(),
        )

    wikidata = sorted(
        str(o)
        for prop in (OWL.sameAs, SKOS.exactMatch)
        for o in union.objects(iri, prop)
        if str(o).startswith(str(WD))
    )
    stated = []
    if iri in site.kg.store.graph_names():
        for s, p, o in sorted(site.kg.store.named_graph(iri)):
            stated.append((site.value(s), site.value(p), site.value(o)))
    return {
        "title": site.label(iri),
        "iri": str(iri),
        "short": shorten(_SHOW, iri),
        "types": sorted(
            (site.value(t) for t in union.objects(iri, RDF.type)), key=lambda v: v.text
        ),
        "outgoing": grouped(outgoing),
        "incoming": grouped(incoming),
        "wikidata": [(w, "https://www.wikidata.org/wiki/" + w[len(str(WD)) :]) for w in wikidata],
        "stated": stated,
        "diagram": diagram.dot_available(),
        "path": unquote(urlsplit(str(iri)).path),
        "formats": [(t.name, t.mime) for t in GRAPH_TYPES],
    }
