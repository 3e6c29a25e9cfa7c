"""kgtool link and SERVICE federation (issue 6), against servers started here on 127.0.0.1.

A real ``oxigraph serve`` holds a Wikidata-shaped fixture (tests/data/link/wikidata.ttl); a small
HTTP server of the test's own plays the failure modes (429 then 200, a hang past the timeout,
invalid JSON). Nothing here touches the internet.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, SKOS, XSD

from kgtool.core import paths
from kgtool.core.errors import EndpointError, OfflineError
from kgtool.core.namespaces import (
    GRAPH_WIKIDATA_ENRICHMENT,
    GRAPH_WIKIDATA_SUGGESTED,
    ID,
    SEMAPV,
    SSSOM,
    WD,
    WDT,
)
from kgtool.io.parse import parse_file
from kgtool.wikidata.link import AnswerCache, SparqlClient, user_agent
from tests.conftest import Invoke, assert_isomorphic, free_port, oxigraph_server

DATA = Path(__file__).parents[1] / "data" / "link"
WIKIDATA_FIXTURE = DATA / "wikidata.ttl"
FACTS = DATA / "facts.trig"
LINK_ARGS = ["--data", str(FACTS), "--ontology", str(paths.ontology_file())]
EMPTY_RESULTS = b'{"head": {"vars": ["item"]}, "results": {"bindings": []}}'

pytestmark = pytest.mark.skipif(
    not paths.ontology_file().exists(), reason="the bundled ontology is needed for class mappings"
)


def _oxigraph() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        pytest.skip("the oxigraph binary (PyPI package oxigraph) is not installed")
    return found


@pytest.fixture(scope="module")
def wikidata(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real SPARQL server on 127.0.0.1 loaded with the Wikidata-shaped fixture."""
    binary = _oxigraph()
    store = tmp_path_factory.mktemp("oxigraph")
    subprocess.run(
        [binary, "load", "--location", str(store), "--file", str(WIKIDATA_FIXTURE)],
        check=True,
        capture_output=True,
    )
    with oxigraph_server(binary, store) as base:
        yield base + "/query"


class _FlakyServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _FlakyHandler)
        self.seen: list[tuple[str, str]] = []
        self.release = threading.Event()
        self.lock = threading.Lock()


class _FlakyHandler(BaseHTTPRequestHandler):
    server: _FlakyServer

    def log_message(self, format: str, *args: Any) -> None:  # keep stderr quiet
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self._answer()

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _answer(self) -> None:
        path = self.path.split("?", 1)[0]
        with self.server.lock:
            self.server.seen.append((path, self.headers.get("User-Agent", "")))
            hits = sum(1 for p, _ in self.server.seen if p == path)
        if path == "/429-then-200":
            if hits == 1:
                self._send(429, b"slow down", {"Retry-After": "2"})
            else:
                self._send(200, EMPTY_RESULTS)
        elif path == "/429-now-then-200":
            if hits == 1:
                self._send(429, b"slow down", {"Retry-After": "0"})
            else:
                self._send(200, EMPTY_RESULTS)
        elif path == "/429-for-an-hour":
            self._send(429, b"come back later", {"Retry-After": "3600"})
        elif path == "/hang":
            self.server.release.wait(30)  # released when the test ends
        elif path == "/garbage":
            self._send(200, b"<html>this is not JSON</html>")
        elif path == "/not-results":
            self._send(200, b'{"hello": "world"}')
        else:
            self._send(200, EMPTY_RESULTS)


@pytest.fixture
def flaky() -> Iterator[tuple[str, _FlakyServer]]:
    """A local HTTP server of our own that misbehaves on purpose, by path."""
    server = _FlakyServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _link(invoke: Invoke, args: list[str], endpoint: str, cache: Path) -> Any:
    argv = ["link", *args, *LINK_ARGS, "--endpoint", endpoint, "--cache-dir", str(cache)]
    return invoke(argv, fixture=False)


def _statuses(stdout: str) -> dict[str, str]:
    report = json.loads(stdout)
    return {link["entity"].rsplit("/", 1)[1]: link["status"] for link in report["links"]}


# --------------------------------------------------------------------------- link check


def test_check_reports_each_kind_of_link(invoke: Invoke, wikidata: str, tmp_path: Path) -> None:
    result = _link(invoke, ["check", "--format", "json"], wikidata, tmp_path / "cache")
    assert result.exit_code == 1, result.output
    assert _statuses(result.stdout) == {
        "Apache-2.0": "agree",
        "Discord": "missing",
        "GPT-3": "agree",
        "GPT-J-6B": "agree",
        "Google": "type differs",
        "Harvard_University": "label differs",
        "Microsoft": "redirected",
        "OpenAI": "agree",
    }
    links = {entry["entity"]: entry for entry in json.loads(result.stdout)["links"]}
    assert links[str(ID.Microsoft)]["detail"] == "now wd:Q2283"
    assert links[str(ID.Harvard_University)]["wikidataLabel"] == "Columbia University"


def test_check_text_table_and_summary(invoke: Invoke, wikidata: str, tmp_path: Path) -> None:
    result = _link(invoke, ["check"], wikidata, tmp_path / "cache")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["entity", "item", "status", "wikidata", "label", "detail"]
    assert "id:Harvard_University  wd:Q49088      label differs  Columbia University" in (
        result.stdout
    )
    assert lines[-1].startswith(
        "8 links: 4 agree, 1 label differs, 1 missing, 1 redirected, 1 type differs "
        f"({wikidata}; answers fetched "
    )


def test_check_exits_0_when_every_link_agrees(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    good = tmp_path / "good.trig"
    good.write_text(
        "@prefix id: <https://w3id.org/eleutherai-kg/id/> .\n"
        "@prefix kg: <https://w3id.org/eleutherai-kg/ontology/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix wd: <http://www.wikidata.org/entity/> .\n"
        'id:Harvard_University a kg:University ; rdfs:label "Harvard University"@en ;\n'
        "    owl:sameAs wd:Q13371 .\n",
        encoding="utf-8",
    )
    argv = ["link", "check", "--data", str(good), "--endpoint", wikidata]
    result = invoke([*argv, "--cache-dir", str(tmp_path / "c")], fixture=False)
    assert result.exit_code == 0, result.output
    assert "1 link: 1 agree" in result.stdout


def test_check_batches_items_into_one_query(wikidata: str) -> None:
    from kgtool.graph import KnowledgeGraph
    from kgtool.wikidata.link import check_links

    kg = KnowledgeGraph.load(data=[FACTS], ontology=[paths.ontology_file()], shapes=[])
    client = SparqlClient(wikidata)
    check_links(kg, client, batch_size=3)
    assert client.requests == 3  # 8 links in batches of 3, not 8 requests
    client = SparqlClient(wikidata)
    check_links(kg, client)
    assert client.requests == 1


def test_offline_repeats_the_last_check_without_the_network(
    invoke: Invoke, wikidata: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    online = _link(invoke, ["check", "--format", "json"], wikidata, cache)
    assert online.exit_code == 1
    files = sorted((cache / "sparql").iterdir())
    assert files and all(f.suffix == ".json" for f in files)  # no temp file left behind
    record = json.loads(files[0].read_text(encoding="utf-8"))
    assert set(record) == {"endpoint", "query", "fetched", "answer"}

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("--offline opened a connection")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    offline = _link(invoke, ["check", "--format", "json", "--offline"], wikidata, cache)
    assert offline.exit_code == 1, offline.output
    assert _statuses(offline.stdout) == _statuses(online.stdout)
    assert json.loads(offline.stdout)["fetched"] == [record["fetched"]]
    text = _link(invoke, ["check", "--offline"], wikidata, cache)
    assert f"answers cached on {record['fetched']}" in text.stdout


def test_offline_without_a_cached_answer_is_a_usage_error(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    result = _link(invoke, ["check", "--offline"], wikidata, tmp_path / "empty")
    assert result.exit_code == 2
    assert "no cached answer" in result.stderr
    assert not (tmp_path / "empty").exists()


# --------------------------------------------------------------------------- the client


def test_user_agent_names_tool_contact_and_rdflib() -> None:
    import rdflib

    from kgtool.core.version import __version__

    assert user_agent() == (
        f"kgtool/{__version__} (https://w3id.org/eleutherai-kg; eleutherai-kg contributors) "
        f"rdflib/{rdflib.__version__}"
    )


def test_429_then_200_waits_as_retry_after_says(flaky: tuple[str, _FlakyServer]) -> None:
    base, server = flaky
    waits: list[float] = []
    client = SparqlClient(base + "/429-then-200", sleep=waits.append)
    assert client.select("SELECT ?item {}") == []
    assert waits == [2.0]
    assert [ua for _, ua in server.seen] == [user_agent(), user_agent()]


def test_retry_after_longer_than_allowed_fails_at_once(flaky: tuple[str, _FlakyServer]) -> None:
    base, server = flaky
    waits: list[float] = []
    client = SparqlClient(base + "/429-for-an-hour", sleep=waits.append)
    with pytest.raises(EndpointError, match=r"asks to wait 3600 s \(Retry-After\)"):
        client.select("SELECT ?item {}")
    assert waits == [] and len(server.seen) == 1


def test_hang_past_the_timeout_is_retried_then_fails(flaky: tuple[str, _FlakyServer]) -> None:
    base, server = flaky
    waits: list[float] = []
    client = SparqlClient(base + "/hang", timeout=0.2, retries=2, sleep=waits.append)
    with pytest.raises(EndpointError, match=r"no answer within 0.2 s \(after 3 tries\)"):
        client.select("SELECT ?item {}")
    assert waits == [1.0, 2.0]  # exponential backoff
    assert len(server.seen) == 3


@pytest.mark.parametrize(
    ("path", "message"),
    [("/garbage", "not JSON"), ("/not-results", "not SPARQL JSON results")],
)
def test_garbage_is_an_endpoint_error(
    flaky: tuple[str, _FlakyServer], path: str, message: str
) -> None:
    base, _server = flaky
    with pytest.raises(EndpointError, match=message):
        SparqlClient(base + path, retries=0).select("SELECT ?item {}")


def test_endpoint_down_is_an_endpoint_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    waits: list[float] = []
    with pytest.raises(EndpointError, match="cannot connect"):
        SparqlClient(url, retries=1, sleep=waits.append).select("SELECT ?item {}")
    assert waits == []  # refused: down, not busy, so no point waiting


def test_offline_client_never_connects(tmp_path: Path) -> None:
    client = SparqlClient("http://127.0.0.1:9/sparql", offline=True, cache=AnswerCache(tmp_path))
    with pytest.raises(OfflineError):
        client.select("SELECT ?item {}")


@pytest.mark.parametrize("path", ["/garbage", "/hang", "/429-for-an-hour"])
def test_cli_endpoint_failures_exit_2_and_touch_nothing(
    invoke: Invoke, flaky: tuple[str, _FlakyServer], tmp_path: Path, path: str
) -> None:
    base, _server = flaky
    cache = tmp_path / "cache"
    target = tmp_path / "suggested.trig"
    target.write_text("# earlier links\n", encoding="utf-8")
    args = ["suggest", "--accept", "-o", str(target), "--timeout", "0.2", "--retries", "0"]
    result = _link(invoke, args, base + path, cache)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.output
    assert target.read_text(encoding="utf-8") == "# earlier links\n"
    assert not cache.exists()
    enrich_to = tmp_path / "enriched.trig"
    args = ["enrich", "-o", str(enrich_to), "--timeout", "0.2", "--retries", "0"]
    result = _link(invoke, args, base + path, cache)
    assert result.exit_code == 2 and not enrich_to.exists()


def test_cli_429_then_200_succeeds(
    invoke: Invoke, flaky: tuple[str, _FlakyServer], tmp_path: Path
) -> None:
    base, server = flaky
    result = _link(invoke, ["check", "--retries", "1"], base + "/429-now-then-200", tmp_path)
    assert result.exit_code == 1  # the server knows no item: every link is "missing"
    assert "8 links: 8 missing" in result.stdout
    assert [p for p, _ in server.seen] == ["/429-now-then-200", "/429-now-then-200"]


def test_endpoint_from_the_environment(
    invoke: Invoke, flaky: tuple[str, _FlakyServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, server = flaky
    monkeypatch.setenv("KGTOOL_WIKIDATA_ENDPOINT", base + "/from-env")
    argv = ["link", "check", *LINK_ARGS, "--cache-dir", str(tmp_path)]
    assert invoke(argv, fixture=False).exit_code == 1
    assert [p for p, _ in server.seen] == ["/from-env"]


# --------------------------------------------------------------------------- link suggest


def test_suggest_ranks_candidates(invoke: Invoke, wikidata: str, tmp_path: Path) -> None:
    result = _link(invoke, ["suggest", "--format", "json"], wikidata, tmp_path)
    assert result.exit_code == 0, result.output
    ranked = {
        s["entity"].rsplit("/", 1)[1]: [
            (c["item"].rsplit("/", 1)[1], c["score"]) for c in s["candidates"]
        ]
        for s in json.loads(result.stdout)["suggestions"]
    }
    assert ranked == {
        "Connor_Leahy": [("Q990000111", 0.925), ("Q990000112", 0.675)],
        "GPT-2": [("Q990000101", 1.0), ("Q990000102", 0.6), ("Q990000103", 0.6)],
        "NVIDIA": [("Q182477", 0.925)],
        "Sid_Black": [],
    }


def test_suggest_text_is_a_review_table(invoke: Invoke, wikidata: str, tmp_path: Path) -> None:
    result = _link(invoke, ["suggest", "GPT-2"], wikidata, tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2].split() == [
        "id:GPT-2", "wd:Q990000101", "1.00", "1.00", "yes", "yes", "GPT-2",
        "fixture:", "language", "model", "developed", "by", "OpenAI",
    ]  # fmt: skip
    assert "1 unlinked entities, 1 with candidates" in result.stdout


def _expected_links(*pairs: tuple[URIRef, URIRef]) -> Graph:
    graph = Graph()
    for entity, item in pairs:
        graph.add((entity, OWL.sameAs, item))
    return graph


def test_accept_writes_a_separate_file_with_provenance(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    facts_before = FACTS.read_bytes()
    target = tmp_path / "graph" / "wikidata-suggested.trig"
    target.parent.mkdir()
    result = _link(invoke, ["suggest", "--accept", "-o", str(target)], wikidata, tmp_path / "c")
    assert result.exit_code == 0, result.output
    assert "Accepted 3 links" in result.stderr
    graph = parse_file(target).graph(GRAPH_WIKIDATA_SUGGESTED)
    links = Graph()
    for triple in graph.triples((None, OWL.sameAs, None)):
        links.add(triple)
    assert_isomorphic(
        _expected_links(
            (ID.Connor_Leahy, WD.Q990000111), (ID["GPT-2"], WD.Q990000101), (ID.NVIDIA, WD.Q182477)
        ),
        links,
    )
    axiom = next(graph.subjects(OWL.annotatedSource, ID["GPT-2"]))
    assert graph.value(axiom, OWL.annotatedTarget) == WD.Q990000101
    assert graph.value(axiom, SSSOM.mapping_justification) == SEMAPV.CompositeMatching
    # The file's lexical form is kept as written (1e+00); the value is what matters.
    confidence = graph.value(axiom, SSSOM.confidence)
    assert isinstance(confidence, Literal) and confidence.eq(Literal(1.0, datatype=XSD.double))
    assert graph.value(axiom, SSSOM.mapping_date).datatype == XSD.date  # type: ignore[union-attr]
    assert graph.value(axiom, URIRef("http://purl.org/dc/terms/source")) == URIRef(wikidata)
    assert FACTS.read_bytes() == facts_before

    assert invoke(["canonicalize", "--check", str(target)], fixture=False).exit_code == 0
    again = _link(invoke, ["suggest", "--accept", "-o", str(target)], wikidata, tmp_path / "c")
    assert again.exit_code == 0
    assert len(parse_file(target).graph(GRAPH_WIKIDATA_SUGGESTED)) == len(graph)


def test_pick_chooses_a_candidate_by_hand(invoke: Invoke, wikidata: str, tmp_path: Path) -> None:
    target = tmp_path / "s.trig"
    args = ["suggest", "--pick", "GPT-2=Q990000102", "-o", str(target)]
    result = _link(invoke, args, wikidata, tmp_path / "c")
    assert result.exit_code == 0, result.output
    graph = parse_file(target).graph(GRAPH_WIKIDATA_SUGGESTED)
    assert graph.value(ID["GPT-2"], OWL.sameAs) == WD.Q990000102
    axiom = next(graph.subjects(OWL.annotatedSource, ID["GPT-2"]))
    assert graph.value(axiom, SSSOM.mapping_justification) == SEMAPV.ManualMappingCuration

    bad = ["suggest", "--pick", "GPT-2=Q95", "-o", str(target)]
    result = _link(invoke, bad, wikidata, tmp_path / "c")
    assert result.exit_code == 2
    assert "not among the candidates" in result.stderr


def test_accepted_links_are_checked_like_the_others(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    target = tmp_path / "s.trig"
    _link(invoke, ["suggest", "--accept", "-o", str(target)], wikidata, tmp_path / "c")
    argv = ["link", "check", "--format", "json", "--data", str(FACTS), "--data", str(target)]
    argv += ["--ontology", str(paths.ontology_file()), "--endpoint", wikidata]
    result = invoke([*argv, "--cache-dir", str(tmp_path / "c")], fixture=False)
    statuses = _statuses(result.stdout)
    assert statuses["GPT-2"] == statuses["Connor_Leahy"] == statuses["NVIDIA"] == "agree"


# --------------------------------------------------------------------------- link enrich


def test_enrich_writes_wikidata_statements_with_provenance(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    target = tmp_path / "e.trig"
    result = _link(invoke, ["enrich", "-o", str(target)], wikidata, tmp_path / "c")
    assert result.exit_code == 0, result.output
    graph = parse_file(target).graph(GRAPH_WIKIDATA_ENRICHMENT)
    facts = Graph()
    for s, p, o in graph:
        if s != GRAPH_WIKIDATA_ENRICHMENT:
            facts.add((s, p, o))
    dt = "http://www.w3.org/2001/XMLSchema#dateTime"
    expected = Graph().parse(
        format="turtle",
        data=f"""
        @prefix wd: <http://www.wikidata.org/entity/> .
        @prefix wdt: <http://www.wikidata.org/prop/direct/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        wd:Q21708200 skos:prefLabel "OpenAI"@de, "オープンAI"@ja ;
            wdt:P571 "2015-12-11T00:00:00Z"^^<{dt}> ;
            wdt:P856 <https://openai.example/> .
        wd:Q95726734 skos:prefLabel "GPT-3"@fr ;
            wdt:P577 "2020-06-11T00:00:00Z"^^<{dt}> .
        """,
    )
    assert_isomorphic(expected, facts)
    assert invoke(["canonicalize", "--check", str(target)], fixture=False).exit_code == 0
    me = GRAPH_WIKIDATA_ENRICHMENT
    assert graph.value(me, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) == URIRef(wikidata)
    assert graph.value(me, URIRef("http://www.w3.org/ns/prov#generatedAtTime")) is not None


def test_enrich_chooses_languages_and_properties(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    target = tmp_path / "e.trig"
    args = ["enrich", "--lang", "ja", "--property", "P856", "-o", str(target)]
    assert _link(invoke, args, wikidata, tmp_path / "c").exit_code == 0
    graph = parse_file(target).graph(GRAPH_WIKIDATA_ENRICHMENT)
    assert set(graph.objects(WD.Q21708200, SKOS.prefLabel)) == {Literal("オープンAI", lang="ja")}
    assert graph.value(WD.Q21708200, WDT.P571) is None
    bad = _link(invoke, ["enrich", "--property", "website", "-o", str(target)], wikidata, tmp_path)
    assert bad.exit_code == 2


# --------------------------------------------------------------------------- quickstatements


def test_quickstatements_for_facts_wikidata_lacks(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    result = _link(invoke, ["quickstatements"], wikidata, tmp_path)
    assert result.exit_code == 0, result.output
    ref = 'S143\tQ328\tS4656\t"https://en.wikipedia.org/wiki/EleutherAI"'
    assert result.stdout.splitlines() == [
        f"Q116937684\tP275\tQ13785927\t{ref}",
        f"Q116937684\tP577\t+2021-06-09T00:00:00Z/11\t{ref}",
    ]
    assert "conflict: Q95726734 P577: the article says 2020-05-28, Wikidata has 2020-06-11" in (
        result.stderr
    )
    assert "2 statements Wikidata lacks; 2 it already has; 1 conflicts." in result.stderr


# --------------------------------------------------------------------------- federation


def _query(invoke: Invoke, args: list[str]) -> Any:
    return invoke(["query", *args, *LINK_ARGS], fixture=False)


def test_bundled_federated_query_goes_to_the_mapped_endpoint(invoke: Invoke, wikidata: str) -> None:
    args = ["wikidata-inception", "--allow-service", "--service-map", f"wikidata={wikidata}"]
    result = _query(invoke, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "entity,label,item,articleDate,wikidataInception",
        "https://w3id.org/eleutherai-kg/id/OpenAI,OpenAI,http://www.wikidata.org/entity/Q21708200,"
        "2015-12,2015-12-11T00:00:00Z",
    ]


def test_federated_labels_query_takes_its_parameter(invoke: Invoke, wikidata: str) -> None:
    args = ["wikidata-labels", "--allow-service", "--service-map", f"wikidata={wikidata}"]
    result = _query(invoke, [*args, "--param", "lang=ja", "--format", "tsv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        '<https://w3id.org/eleutherai-kg/id/OpenAI>\t"OpenAI"@en\t'
        '<http://www.wikidata.org/entity/Q21708200>\t"オープンAI"@ja'
    ]


def test_service_sends_our_user_agent_in_batches(
    invoke: Invoke, flaky: tuple[str, _FlakyServer]
) -> None:
    base, server = flaky
    args = ["wikidata-labels", "--allow-service", "--service-map", f"wikidata={base}/mirror"]
    result = _query(invoke, args)
    assert result.exit_code == 0, result.output
    assert server.seen == [("/mirror", user_agent())]  # 8 linked entities, one request


def test_service_needs_allow_service(invoke: Invoke) -> None:
    result = _query(invoke, ["wikidata-inception"])
    assert result.exit_code == 2
    assert "--allow-service" in result.stderr


def test_query_all_skips_service_queries_offline(invoke: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "queries"
    folder.mkdir()
    for name in ("wikidata-inception.rq", "wikidata-labels.rq"):
        shutil.copy(paths.queries_dir() / name, folder / name)
    (folder / "count.rq").write_text("# # Count\nSELECT (COUNT(*) AS ?n) { ?s ?p ?o }\n")
    result = _query(invoke, ["--all", "--queries", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("(skipped: uses SERVICE") == 2
    assert "## count: Count" in result.stdout


def test_unreachable_service_is_exit_2(invoke: Invoke) -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    args = ["wikidata-inception", "--allow-service", "--service-map", f"wikidata={url}"]
    result = _query(invoke, args)
    assert result.exit_code == 2
    assert "cannot connect" in result.stderr


def test_service_map_must_be_name_equals_url(invoke: Invoke) -> None:
    result = _query(invoke, ["wikidata-inception", "--service-map", "nowhere"])
    assert result.exit_code == 2
    assert "NAME=URL" in result.stderr
