"""What the server's pages show: the graph indexed by IRI path, labels, links, provenance, and
the descriptions of the endpoint (SPARQL 1.1 Service Description) and of the dataset (VoID)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD, Namespace
from rdflib.term import Node

from kgtool.core.errors import UsageError
from kgtool.core.namespaces import DATASET_IRI, GRAPH_VOID, PREFIXES, VOID, WD, bind_prefixes
from kgtool.core.terms import expand_iri, shorten
from kgtool.export import render_export
from kgtool.graph import KnowledgeGraph
from kgtool.inspect import diagram
from kgtool.inspect.describe import provenance
from kgtool.io.formats import RDF_FORMATS, find_rdf_format
from kgtool.io.serialize import canonical_graph
from kgtool.serve.conneg import GRAPH_TYPES, RESULT_TYPES
from kgtool.serve.timeline import timeline_events, timeline_svg

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
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
_SHOW = bind_prefixes(Graph())


@dataclass
class Value:
    """One value of a property on an HTML page."""

    text: str
    href: str | None = None
    note: str = ""  # language or datatype of a literal
    sources: list[dict[str, str]] = field(default_factory=list)


class Site:
    """What the pages need: the graph, which IRIs resolve here, labels and cached renderings."""

    def __init__(self, kg: KnowledgeGraph, reasoned: bool) -> None:
        """Index the subjects of ``kg`` by the path of their IRI."""
        self.kg = kg
        self.reasoned = reasoned
        self.union = kg.store.union(reasoned)
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
        self._timeline: str | None = None

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
            self._downloads[fmt] = render_export(self.kg, fmt, reasoned=self.reasoned)
        return self._downloads[fmt]

    def timeline(self) -> str:
        """Return (and cache) the SVG timeline of the dated events; empty when there are none."""
        if self._timeline is None:
            local = self.href  # events link to their local pages only
            events = timeline_events(
                self.kg,
                lambda n: h if (h := local(n)) and h.startswith("/") else None,
                self.reasoned,
            )
            self._timeline = timeline_svg(events)
        return self._timeline

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


def _format_iri(label: str) -> URIRef:
    # W3C's formats namespace names each syntax by its label, "/" written "_" (RDF/XML: RDF_XML).
    return FORMATS[label.replace("/", "_")]


def service_description(site: Site, endpoint: str) -> Graph:
    """Describe the endpoint (SPARQL 1.1 Service Description).

    Every format the endpoint answers in is listed, from the one format table: the SPARQL
    result formats for SELECT and ASK, every RDF syntax for CONSTRUCT and DESCRIBE.
    """
    g = bind_prefixes(Graph())
    g.bind("sd", SD)
    g.bind("formats", FORMATS)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for result in RESULT_TYPES:
        g.add((service, SD.resultFormat, FORMATS["SPARQL_Results_" + result.name.upper()]))
    for fmt in RDF_FORMATS:
        g.add((service, SD.resultFormat, _format_iri(fmt.label)))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    dataset = BNode("dataset")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode("default")
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(len(site.union))))
    for i, name in enumerate(sorted(site.kg.store.graph_names())):
        node = BNode(f"g{i}")
        g.add((dataset, SD.namedGraph, node))
        g.add((node, SD.name, name))
    return g


def service_description_text(site: Site, endpoint: str, fmt: str) -> str:
    """The Service Description in an RDF format, with ``sd:`` and ``formats:`` as its prefixes.

    :func:`kgtool.io.serialize.serialize_graph` binds the project prefixes only, so these
    terms would come out as ``ns1:``; the canonical copy it makes is written here with the two
    vocabulary prefixes added. JSON-LD gets a context of the same prefixes, so every IRI in a
    known namespace is a prefixed name.
    """
    graph = canonical_graph(service_description(site, endpoint))
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    found = find_rdf_format(fmt)
    if found is None:
        raise UsageError(f"unknown RDF format {fmt!r}")
    if found.name == "jsonld":
        context = {**PREFIXES, "sd": str(SD), "formats": str(FORMATS)}
        return graph.serialize(format="json-ld", context=context, indent=2)
    if found.quads:
        ds = Dataset()
        for prefix, ns in graph.namespaces():
            ds.bind(prefix, ns)
        for triple in graph:
            ds.default_graph.add(triple)
        return ds.serialize(format=found.rdflib)
    text = graph.serialize(format=found.rdflib)
    return "".join(sorted(text.splitlines(keepends=True))) if found.name == "nt" else text


def dataset_node(void: Graph, base: str) -> URIRef:
    """The dataset itself among the VoID datasets (the others are its subsets)."""
    return DATASET_IRI if (DATASET_IRI, None, None) in void else URIRef(base)


def void_description(site: Site, base: str) -> Graph:
    """Describe the dataset (VoID): the bundled description plus endpoint, dumps and counts."""
    g = bind_prefixes(Graph())
    for triple in site.kg.store.named_graph(GRAPH_VOID):
        g.add(triple)
    dataset = dataset_node(g, base)
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(base + "sparql")))
    g.set((dataset, VOID.triples, Literal(len(site.union))))
    for ext in DOWNLOADS:
        g.add((dataset, VOID.dataDump, URIRef(f"{base}download/dataset.{ext}")))
    return g


def description(site: Site, iri: URIRef, quads: bool) -> Graph | Dataset:
    """The triples about ``iri`` (as subject or object); with graph names for quad formats."""
    if not quads:
        g = bind_prefixes(Graph())
        for triple in site.union.triples((iri, None, None)):
            g.add(triple)
        for triple in site.union.triples((None, None, iri)):
            g.add(triple)
        return g
    ds = bind_prefixes(Dataset())
    source = site.kg.store.dataset(site.reasoned)
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


def resource_context(site: Site, iri: URIRef) -> dict[str, Any]:
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
