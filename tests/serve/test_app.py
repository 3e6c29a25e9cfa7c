"""kgtool serve: a real server on 127.0.0.1 driven by real clients.

One server per module, started with ``kgtool serve`` in a subprocess on a free port, over the
fixture graph; SPARQLWrapper for every result format and method, httpx for the protocol's error
cases and the safety limits, headless Chromium for the pages (skipped only without ``chromium``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from jinja2 import Environment, PackageLoader
from rdflib import Dataset, Graph, Literal, URIRef
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, TSV, TURTLE, XML, SPARQLWrapper

from tests.conftest import QUERIES
from tests.serve.server import LIMITS, Server

ID = "https://w3id.org/eleutherai-kg/id/"
#: Every (a, b, c) combination of triples, three deep: far more rows than any limit allows.
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with Server(*LIMITS) as running:
        yield running


def client(server: Server, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    sparql = SPARQLWrapper(server.url + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    if method == POST:
        sparql.setMethod(POST)
    return sparql


SELECT = "SELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name } ORDER BY ?name"
NAMES = ["<script>alert('x')</script><b>bold</b>", "Connor Leahy", "Sid Black"]


# ---------------------------------------------------------------- SPARQL protocol, real client


@pytest.mark.parametrize("method", ["GET", POST])
@pytest.mark.parametrize("request_method", ["postdirectly", "urlencoded"])
def test_select_json(server: Server, method: str, request_method: str) -> None:
    sparql = client(server, SELECT, JSON, method)
    sparql.setRequestMethod(request_method)
    data = sparql.queryAndConvert()
    assert [b["name"]["value"] for b in data["results"]["bindings"]] == NAMES  # type: ignore[index]


@pytest.mark.parametrize("method", ["GET", POST])
def test_select_xml(server: Server, method: str) -> None:
    document = client(server, SELECT, XML, method).queryAndConvert()
    names = [n.firstChild.data for n in document.getElementsByTagName("literal")]  # type: ignore[union-attr]
    assert names == NAMES


@pytest.mark.parametrize("method", ["GET", POST])
def test_select_csv_and_tsv(server: Server, method: str) -> None:
    csv = client(server, SELECT, CSV, method).queryAndConvert()
    assert csv.decode().splitlines()[0] == "name"  # type: ignore[union-attr]
    assert "Connor Leahy" in csv.decode()  # type: ignore[union-attr]
    tsv = client(server, SELECT, TSV, method).queryAndConvert()
    lines = tsv.decode().splitlines()  # type: ignore[union-attr]
    assert lines[:3] == ["?name", f'"{NAMES[0]}"@en', '"Connor Leahy"@en']


def test_ask(server: Server) -> None:
    assert client(server, "ASK { ?s kg:founder ?o }", JSON).queryAndConvert()["boolean"] is True  # type: ignore[index]


@pytest.mark.parametrize("fmt", [TURTLE, N3, XML, JSONLD])
@pytest.mark.parametrize("method", ["GET", POST])
def test_construct_every_rdf_format(server: Server, fmt: str, method: str) -> None:
    query = f"CONSTRUCT {{ <{ID}GPT-J-6B> ?p ?o }} WHERE {{ <{ID}GPT-J-6B> ?p ?o }}"
    result = client(server, query, fmt, method).queryAndConvert()
    graph = result if isinstance(result, Graph) else Graph().parse(data=result, format="turtle")
    assert (URIRef(ID + "GPT-J-6B"), None, Literal(6000000000)) in graph
    assert len(graph) == 4


def test_dataset_parameters(server: Server) -> None:
    url = server.url + "/sparql"
    only_intro = {"default-graph-uri": "https://w3id.org/eleutherai-kg/source/intro-1"}
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    r = httpx.get(url, params={"query": q, **only_intro}, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.text.splitlines() == ["n", "10"]
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    named = {"named-graph-uri": "https://w3id.org/eleutherai-kg/source/history-2"}
    r = httpx.get(url, params={"query": q, **named}, headers={"Accept": "text/csv"})
    assert r.text.splitlines() == ["g", "https://w3id.org/eleutherai-kg/source/history-2"]


SD = "http://www.w3.org/ns/sparql-service-description#"
SVG_NS = "{http://www.w3.org/2000/svg}"
#: Every format the endpoint answers in, by its W3C format IRI.
FORMATS = [
    f"http://www.w3.org/ns/formats/{name}"
    for name in [
        "JSON-LD",
        "N-Quads",
        "N-Triples",
        "RDF_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_JSON",
        "SPARQL_Results_TSV",
        "SPARQL_Results_XML",
        "TriG",
        "Turtle",
    ]
]


def test_service_description(server: Server) -> None:
    r = httpx.get(server.url + "/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    assert "@prefix sd: <" + SD + ">" in r.text and "ns1:" not in r.text
    g = Graph().parse(data=r.text, format="turtle")
    service = URIRef(server.url + "/sparql")
    assert (service, URIRef(SD + "endpoint"), None) in g
    assert sorted(str(f) for f in g.objects(service, URIRef(SD + "resultFormat"))) == FORMATS


@pytest.mark.parametrize(
    ("accept", "parser"),
    [
        ("application/ld+json", "json-ld"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_service_description_in_every_rdf_format(server: Server, accept: str, parser: str) -> None:
    r = httpx.get(server.url + "/sparql", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    g = Dataset().parse(data=r.text, format=parser)
    assert len(list(g.objects(URIRef(server.url + "/sparql"), URIRef(SD + "resultFormat")))) == 10
    assert "ns1" not in r.text


def test_service_description_json_ld_uses_prefixed_names(server: Server) -> None:
    r = httpx.get(server.url + "/sparql", headers={"Accept": "application/ld+json"})
    body = r.text[r.text.index('"@graph"') :]
    assert SD not in body and "http://www.w3.org/ns/formats/" not in body
    assert '"sd:resultFormat"' in body and '"formats:TriG"' in body


@pytest.mark.parametrize("path", ["/sparql", "/", "/eleutherai-kg/id/EleutherAI"])
def test_json_ld_writes_prefixed_names_throughout(server: Server, path: str) -> None:
    """One form per output: no IRI of a namespace in the context is written in full."""
    r = httpx.get(server.url + path, headers={"Accept": "application/ld+json"})
    document = json.loads(r.text)
    namespaces = [v for v in document["@context"].values() if isinstance(v, str)]

    def full_iris(node: object) -> list[str]:
        if isinstance(node, dict):
            return [i for k, v in node.items() for i in full_iris(k) + full_iris(v)]
        if isinstance(node, list):
            return [i for v in node for i in full_iris(v)]
        return [node] if isinstance(node, str) and node.startswith(tuple(namespaces)) else []

    graph = {k: v for k, v in document.items() if k != "@context"}
    # void:uriSpace is a literal that spells a namespace on purpose.
    assert [i for i in full_iris(graph) if i != ID] == []


def test_service_description_is_deterministic(server: Server) -> None:
    texts = {httpx.get(server.url + "/sparql?format=turtle").text for _ in range(3)}
    assert len(texts) == 1


def test_cors(server: Server) -> None:
    r = httpx.get(
        server.url + "/sparql", params={"query": "ASK {}"}, headers={"Origin": "http://elsewhere"}
    )
    assert r.headers["access-control-allow-origin"] == "*"


def test_bundled_query_with_typed_parameter(server: Server) -> None:
    r = httpx.get(server.url + "/queries/founders", params={"org": "EleutherAI", "format": "csv"})
    assert r.status_code == 200
    assert r.text.splitlines()[1:] == [f"{ID}Connor-Leahy,Connor Leahy", f"{ID}Sid-Black,Sid Black"]
    r = httpx.get(server.url + "/queries/models-since", params={"min": "soon"})
    assert r.status_code == 400 and "is declared" in r.text
    assert httpx.get(server.url + "/queries/no-such-query").status_code == 404


# ---------------------------------------------------------------- protocol errors (W3C cases)


@pytest.mark.parametrize(
    ("method", "kwargs", "status"),
    [
        pytest.param("GET", {"params": {"query": "SELEKT * {}"}}, 400, id="malformed-query"),
        pytest.param(
            "GET", {"params": {"query": ["ASK {}", "ASK {}"]}}, 400, id="multiple-queries"
        ),
        pytest.param(
            "POST",
            {"content": "ASK {}", "headers": {"Content-Type": "text/plain"}},
            415,
            id="wrong-media-type",
        ),
        pytest.param(
            "POST",
            {
                "content": b"ASK { ?s ?p '\xff' }",
                "headers": {"Content-Type": "application/sparql-query"},
            },
            400,
            id="non-utf8",
        ),
        pytest.param("GET", {"params": {"update": "CLEAR ALL"}}, 400, id="update-via-get"),
        pytest.param(
            "POST",
            {"data": {"query": "INSERT DATA { <a:s> <a:p> <a:o> }"}},
            400,
            id="update-via-query-endpoint",
        ),
        pytest.param(
            "POST", {"data": {"update": "INSERT DATA { <a:s> <a:p> <a:o> }"}}, 403, id="update-form"
        ),
        pytest.param(
            "POST",
            {
                "content": "LOAD <http://example.org/x>",
                "headers": {"Content-Type": "application/sparql-update"},
            },
            403,
            id="load",
        ),
        pytest.param("PUT", {"content": "ASK {}"}, 405, id="wrong-method"),
    ],
)
def test_protocol_errors(server: Server, method: str, kwargs: dict, status: int) -> None:
    r = httpx.request(method, server.url + "/sparql", **kwargs)
    assert r.status_code == status
    if status != 405:
        assert r.text.strip()


# ---------------------------------------------------------------- safety


def test_service_refused_and_listener_sees_nothing(server: Server) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.setblocking(False)
        port = listener.getsockname()[1]
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        r = httpx.get(server.url + "/sparql", params={"query": query})
        assert r.status_code == 403
        assert "--allow-service" in r.text
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_runaway_query_is_stopped_while_others_get_answers(server: Server) -> None:
    outcome: dict[str, httpx.Response] = {}

    def runaway() -> None:
        outcome["r"] = httpx.get(server.url + "/sparql", params={"query": CARTESIAN}, timeout=60)

    thread = threading.Thread(target=runaway)
    thread.start()
    answers = []
    while thread.is_alive():
        r = httpx.get(server.url + "/queries/founders", params={"format": "csv"}, timeout=60)
        answers.append(r.status_code)
        time.sleep(0.1)
    thread.join()
    assert outcome["r"].status_code == 503
    assert "time limit" in outcome["r"].text
    assert answers and set(answers) == {200}
    # The stopped worker is replaced: the server keeps answering queries afterwards.
    for _ in range(3):
        assert (
            httpx.get(server.url + "/sparql", params={"query": "ASK {}"}, timeout=60).status_code
            == 200
        )


def test_result_size_limit(server: Server) -> None:
    r = httpx.get(server.url + "/sparql", params={"query": "SELECT * { ?a ?b ?c . ?d ?e ?f }"})
    assert r.status_code == 500
    assert "500 rows" in r.text


def test_ten_megabyte_body_gets_413(server: Server) -> None:
    body = b"#" * (10 * 1024 * 1024)
    r = httpx.post(
        server.url + "/sparql",
        content=body,
        headers={"Content-Type": "application/sparql-query"},
        timeout=60,
    )
    assert r.status_code == 413


def test_a_body_that_stops_arriving_gets_408(server: Server) -> None:
    # A chunked body without its last chunk: answered at the time limit, not held forever.
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        s.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n5\r\nASK {\r\n"
        )
        assert s.recv(65536).startswith(b"HTTP/1.1 408 ")


def test_oversized_headers_get_431(server: Server) -> None:
    r = httpx.get(server.url + "/sparql", params={"query": "ASK {}"}, headers={"X-Big": "a" * 9000})
    assert r.status_code == 431
    assert "8192 bytes" in r.text
    cookie = {"Cookie": "a" * 6000}
    assert httpx.get(server.url + "/sparql", params={"query": "ASK {}"}, headers=cookie).is_success


def test_label_with_markup_is_escaped(server: Server) -> None:
    r = httpx.get(server.url + "/eleutherai-kg/id/Markup", headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert "<script>alert" not in r.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in r.text
    assert "a &amp; b &lt; c" in r.text


# ---------------------------------------------------------------- linked data


@pytest.mark.parametrize(
    ("accept", "fmt", "parser"),
    [
        ("text/turtle", None, "turtle"),
        ("application/ld+json", None, "json-ld"),
        ("application/n-triples", None, "nt"),
        ("text/html", "turtle", "turtle"),
        ("text/html", "nt", "nt"),
    ],
)
def test_entity_as_data(server: Server, accept: str, fmt: str | None, parser: str) -> None:
    params = {"format": fmt} if fmt else {}
    r = httpx.get(
        server.url + "/eleutherai-kg/id/EleutherAI", params=params, headers={"Accept": accept}
    )
    assert r.status_code == 200
    assert "Accept" in r.headers["vary"]
    g = Graph().parse(data=r.text, format=parser)
    eleuther = URIRef(ID + "EleutherAI")
    assert (
        eleuther,
        URIRef(f"{ID.replace('id/', 'ontology/')}founder"),
        URIRef(ID + "Sid-Black"),
    ) in g
    # Incoming links are part of the description.
    assert (URIRef(ID + "GPT-J-6B"), None, eleuther) in g


def test_entity_page(server: Server) -> None:
    r = httpx.get(server.url + "/eleutherai-kg/id/EleutherAI", headers={"Accept": "text/html"})
    page = r.text
    assert r.headers["content-type"].startswith("text/html")
    assert "<h1>EleutherAI</h1>" in page
    assert 'href="/eleutherai-kg/id/Connor-Leahy"' in page  # facts link to local pages
    assert 'href="/eleutherai-kg/ontology/founder"' in page  # so do properties
    assert 'href="/eleutherai-kg/source/intro-1"' in page  # and the source sentence
    assert "Referenced by" in page and 'href="/eleutherai-kg/id/GPT-J-6B"' in page


def test_ontology_term_and_sentence_resolve(server: Server) -> None:
    r = httpx.get(server.url + "/eleutherai-kg/ontology/founder", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    r = httpx.get(server.url + "/eleutherai-kg/source/intro-1", headers={"Accept": "text/html"})
    assert "Facts stated by this sentence" in r.text
    assert httpx.get(server.url + "/eleutherai-kg/id/Nobody").status_code == 404


def test_home_shows_the_dataset_title_not_a_subset(server: Server) -> None:
    page = httpx.get(server.url + "/", headers={"Accept": "text/html"}).text
    assert "<h1>Fixture knowledge graph</h1>" in page
    assert "<p>The serve tests&#39; dataset.</p>" in page


def test_home_and_downloads(server: Server) -> None:
    page = httpx.get(server.url + "/", headers={"Accept": "text/html"}).text
    for link in ('href="/query"', 'href="/query?name=founders"', 'href="/download/dataset.trig"'):
        assert link in page
    for ext, parser in [("ttl", "turtle"), ("nt", "nt"), ("rdf", "xml"), ("trig", "trig")]:
        r = httpx.get(server.url + f"/download/dataset.{ext}")
        assert r.status_code == 200
        assert len(Dataset().parse(data=r.text, format=parser)) > 50
    r = httpx.get(server.url + "/download/dataset.jsonld")
    assert len(Dataset().parse(data=r.text, format="json-ld")) > 50
    void = Graph().parse(
        data=httpx.get(server.url + "/", headers={"Accept": "text/turtle"}).text, format="turtle"
    )
    assert (
        None,
        URIRef("http://rdfs.org/ns/void#sparqlEndpoint"),
        URIRef(server.url + "/sparql"),
    ) in void


def timeline_of(page: str) -> ET.Element:
    start = page.index("<svg", page.index('<figure class="timeline">'))
    return ET.fromstring(page[start : page.index("</svg>", start) + len("</svg>")])


def test_home_timeline_from_the_timeline_query(server: Server) -> None:
    page = httpx.get(server.url + "/", headers={"Accept": "text/html"}).text
    svg = timeline_of(page)  # inline, well-formed, drawn without JavaScript
    texts = ["".join(t.itertext()) for t in svg.iter(SVG_NS + "text")]
    assert texts == [
        "2020-07-07",
        "founding of the fixturefounding; “July 7, 2020”",
        "2021",
        '"><img src=x onerror=alert(1)><script>alert(2)</script>event',
        "by 2022-03",
        "javascript:alert(3)event",
    ]
    links = [a.get("href") for a in svg.iter(SVG_NS + "a")]
    assert links == ["/eleutherai-kg/id/Fixture-founding", "/eleutherai-kg/id/Hostile-event"]
    assert "<img src=x" not in page and "<script>alert" not in page


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("entity", ["Markup", "Hostile-event"])
def test_neighbourhood_diagram_escapes_labels(server: Server, entity: str) -> None:
    r = httpx.get(server.url + "/_diagram", params={"path": f"/eleutherai-kg/id/{entity}"})
    assert r.headers["content-type"] == "image/svg+xml"
    assert "default-src 'none'" in r.headers["content-security-policy"]
    svg = ET.fromstring(r.content)
    assert not [e for e in svg.iter() if e.tag.split("}")[-1] in ("script", "img", "foreignObject")]
    assert not [k for e in svg.iter() for k in e.attrib if k.lower().startswith("on")]
    hrefs = [v for e in svg.iter() for k, v in e.attrib.items() if k.endswith("href")]
    assert hrefs and all(h.startswith("/eleutherai-kg/") for h in hrefs)
    assert "&lt;script&gt;" in r.text


def test_entity_page_without_graphviz_says_so() -> None:
    env = Environment(loader=PackageLoader("kgtool.serve", "templates"), autoescape=True)
    context = {"title": "x", "iri": "http://e/x", "path": "/x", "formats": [], "diagram": False}
    page = env.get_template("resource.html").render(version="0", **context)
    assert 'id="no-diagram"' in page and "<img" not in page


# ---------------------------------------------------------------- headless Chromium

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(os.environ.get("KGTOOL_ARTIFACTS", tempfile.gettempdir())) / "kgtool-artifacts"


def chromium(url: str, *args: str) -> str:
    return chromium_run(url, *args).stdout


def chromium_run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=10000",
                *args,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    return done


needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (CI installs it)"
)


def screenshot(url: str, name: str) -> Path:
    """Save a screenshot of ``url`` among the test run's artifacts and print where it is."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / name
    chromium(url, f"--screenshot={shot}", "--window-size=1200,1000")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"screenshot: {shot}")
    return shot


def query_page(server: Server, **params: str) -> str:
    return server.url + "/query?" + urlencode({**params, "run": "1"})


def download_formats(dom: str) -> list[str]:
    start = dom.index('id="downloads"')
    links = dom[start : dom.index("</p>", start)]
    return re.findall(r"format=(\w+)", links)


@needs_chromium
def test_browser_entity_page(server: Server) -> None:
    url = server.url + "/eleutherai-kg/id/Markup"
    dom = chromium(url, "--dump-dom")
    assert "<h1>&lt;script&gt;alert('x')&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;</h1>" in dom
    screenshot(url, "entity-page.png")


@needs_chromium
def test_browser_home_page_timeline(server: Server) -> None:
    dom = chromium(server.url + "/", "--dump-dom")
    svg = timeline_of(dom)
    assert len(list(svg.iter(SVG_NS + "circle"))) == 3
    # The hostile label is still text after the browser parsed the page: no element was made.
    assert "<img src=" not in dom and "<script>alert" not in dom
    assert "&lt;img src=x onerror=alert(1)&gt;" in dom
    screenshot(server.url + "/", "home-page.png")


@needs_chromium
def test_browser_query_page_runs_a_query(server: Server) -> None:
    """The query, given in the page's URL (headless Chromium cannot type), runs in Yasgui."""
    query = (
        "PREFIX kg: <https://w3id.org/eleutherai-kg/ontology/>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + SELECT
    )
    url = query_page(server, query=query)
    dom = chromium(url, "--dump-dom")
    assert 'class="dataTable' in dom  # Yasr's table: paging and sorting
    assert "Connor Leahy" in dom and "Sid Black" in dom
    assert "3 rows" in dom
    # A label with markup is shown as text by the results table too.
    assert "&lt;script&gt;alert('x')&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in dom
    assert "<b>bold</b>" not in dom
    assert 'aria-label="Next"' in dom  # the pager
    # A SELECT result downloads as rows only: Turtle would answer 406.
    assert download_formats(dom) == ["json", "csv", "tsv", "xml"]
    screenshot(url, "query-page-select.png")


@needs_chromium
def test_browser_query_page_breaks_no_content_security_rule(server: Server) -> None:
    """Everything the page loads or runs is allowed by its CSP: nothing blocked, nothing remote."""
    url = query_page(server, name="founders")
    done = chromium_run(url, "--dump-dom", "--enable-logging=stderr", "--log-level=0")
    assert "2 rows" in done.stdout
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert not [line for line in console if "Content Security Policy" in line], console


@needs_chromium
def test_browser_bundled_query_with_its_parameter(server: Server) -> None:
    url = query_page(server, name="founders")
    dom = chromium(url, "--dump-dom")
    assert 'name="org"' in dom and 'value="id:EleutherAI"' in dom  # the declared parameter
    assert "Founders of an organization" in dom  # opened in a tab named by its title
    assert "id:Connor-Leahy" in dom and "2 rows" in dom
    assert 'href="/eleutherai-kg/id/Connor-Leahy"' in dom  # result IRIs link to local pages
    screenshot(url, "query-page-bundled.png")
    # Another value for the parameter is sent with the query: that model has no founders.
    dom = chromium(query_page(server, name="founders", **{"$org": "id:GPT-J-6B"}), "--dump-dom")
    assert 'value="id:GPT-J-6B"' in dom and "0 rows" in dom


@needs_chromium
def test_browser_chart_of_counts(server: Server) -> None:
    query = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)"
    )
    url = query_page(server, query=query, view="chart")
    dom = chromium(url, "--dump-dom")
    chart = dom[dom.index('<svg viewBox="0 0 760') :]
    chart = chart[: chart.index("</svg>")]
    assert 'role="img"' in chart and 'aria-label="?n by ?class"' in chart
    assert chart.count("<rect") >= 3
    screenshot(url, "query-page-chart.png")


@needs_chromium
def test_browser_construct_offers_graph_downloads(server: Server) -> None:
    query = f"CONSTRUCT {{ <{ID}GPT-J-6B> ?p ?o }} WHERE {{ <{ID}GPT-J-6B> ?p ?o }}"
    dom = chromium(query_page(server, query=query), "--dump-dom")
    assert download_formats(dom) == ["turtle", "jsonld", "nt", "nquads", "trig", "xml"]


def test_query_page_loads_nothing_from_elsewhere(server: Server) -> None:
    r = httpx.get(server.url + "/query")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "http" not in csp and "unsafe-eval" not in csp
    sources = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert "/static/yasgui/yasgui.min.js" in sources
    assert all(s.startswith("/") for s in sources), sources
    for asset in ("yasgui.min.js", "yasgui.min.css", "LICENSE", "README.md"):
        assert httpx.get(server.url + "/static/yasgui/" + asset).status_code == 200
    config = json.loads(re.search(r'<script id="config"[^>]*>(.*?)</script>', r.text, re.S)[1])  # type: ignore[index]
    assert config["endpoint"] == "/sparql"
    assert [p["name"] for p in _by_name(config["queries"], "founders")["parameters"]] == ["org"]


def _by_name(queries: list[dict], name: str) -> dict:
    return next(q for q in queries if q["name"] == name)


def test_parameters_of_an_edited_bundled_query_bind_as_declared(server: Server) -> None:
    """``$name`` request parameters bind the parameters a query's header declares."""
    text = (QUERIES / "founders.rq").read_text(encoding="utf-8")
    edited = text.replace("ORDER BY ?name", "ORDER BY DESC(?name)")
    url = server.url + "/sparql"
    for request in (
        lambda: httpx.get(url, params={"query": edited, "$org": "EleutherAI", "format": "csv"}),
        lambda: httpx.post(url, data={"query": edited, "$org": "EleutherAI", "format": "csv"}),
    ):
        r = request()
        assert r.status_code == 200, r.text
        assert [line.split(",")[1] for line in r.text.splitlines()[1:]] == [
            "Sid Black",
            "Connor Leahy",
        ]
    r = httpx.get(url, params={"query": "ASK {}", "$nope": "1"})
    assert r.status_code == 400 and "unknown parameter 'nope'" in r.text


@pytest.mark.parametrize("accept", ["text/xml", "application/xml"])
def test_select_as_generic_xml(server: Server, accept: str) -> None:
    r = httpx.get(server.url + "/sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+xml")


def test_select_as_turtle_is_not_acceptable(server: Server) -> None:
    r = httpx.get(server.url + "/sparql", params={"query": SELECT, "format": "turtle"})
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.text
