"""kgtool link check, and the answer record --offline replays, against local servers."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from kgtool.core import paths
from kgtool.core.namespaces import ID
from kgtool.graph import KnowledgeGraph
from kgtool.io.cache import default_cache_dir, unseal
from kgtool.remote.http import SparqlClient
from kgtool.wikidata.check import check_links
from tests.conftest import Invoke
from tests.remote.servers import FACTS, FlakyServer
from tests.wikidata.conftest import LINK_ARGS, NEEDS_ONTOLOGY, link, statuses

pytestmark = NEEDS_ONTOLOGY


def test_check_reports_each_kind_oflink(invoke: Invoke, wikidata: str, tmp_path: Path) -> None:
    result = link(invoke, ["check", "--format", "json"], wikidata, tmp_path / "cache")
    assert result.exit_code == 1, result.output
    assert statuses(result.stdout) == {
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
    result = link(invoke, ["check"], wikidata, tmp_path / "cache")
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
    online = link(invoke, ["check", "--format", "json"], wikidata, cache)
    assert online.exit_code == 1
    files = sorted((cache / "sparql").iterdir())
    assert files and all(f.suffix == ".json" for f in files)  # no temp file left behind
    body = unseal("sparql", files[0].stem, files[0].read_bytes())
    assert body is not None, "an endpoint record is sealed with its key and digest"
    record = json.loads(body)
    assert set(record) == {"endpoint", "query", "fetched", "answer"}

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("--offline opened a connection")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    offline = link(invoke, ["check", "--format", "json", "--offline"], wikidata, cache)
    assert offline.exit_code == 1, offline.output
    assert statuses(offline.stdout) == statuses(online.stdout)
    assert json.loads(offline.stdout)["fetched"] == [record["fetched"]]
    text = link(invoke, ["check", "--offline"], wikidata, cache)
    assert f"answers cached on {record['fetched']}" in text.stdout


def test_offline_without_a_cached_answer_is_a_usage_error(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    result = link(invoke, ["check", "--offline"], wikidata, tmp_path / "empty")
    assert result.exit_code == 2
    assert "no cached answer" in result.stderr
    assert not (tmp_path / "empty" / "sparql").exists()


def test_answers_are_the_sparql_kind_of_the_one_cache(
    invoke: Invoke, wikidata: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KGTOOL_CACHE_DIR", str(tmp_path))
    argv = ["link", "check", *LINK_ARGS, "--endpoint", wikidata]
    assert invoke(argv, fixture=False).exit_code == 1
    records = list((default_cache_dir() / "sparql").glob("*.json"))
    assert len(records) == 1  # 8 links, one batch, one query
    assert invoke([*argv, "--offline"], fixture=False).exit_code == 1


def test_no_cache_reads_and_writes_nothing(
    invoke: Invoke, wikidata: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KGTOOL_CACHE_DIR", str(tmp_path / "env"))
    cache = tmp_path / "cache"
    link(invoke, ["check"], wikidata, cache)  # a record that --no-cache must not read
    assert cache.is_dir()
    result = link(invoke, ["check", "--no-cache"], "http://127.0.0.1:9/sparql", cache)
    assert result.exit_code == 2 and "cannot connect" in result.stderr
    result = link(invoke, ["check", "--no-cache", "--format", "json"], wikidata, tmp_path / "n")
    assert result.exit_code == 1, result.output
    assert not (tmp_path / "n").exists() and not (tmp_path / "env").exists()


def test_offline_with_no_cache_is_a_usage_error(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    result = link(invoke, ["check", "--offline", "--no-cache"], wikidata, tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --offline answers from the cache, and --no-cache turns it off: drop one\n"
    )


def test_cli_429_then_200_succeeds(
    invoke: Invoke, flaky: tuple[str, FlakyServer], tmp_path: Path
) -> None:
    base, server = flaky
    result = link(invoke, ["check", "--retries", "1"], base + "/429-now-then-200", tmp_path)
    assert result.exit_code == 1  # the server knows no item: every link is "missing"
    assert "8 links: 8 missing" in result.stdout
    assert [p for p, _ in server.seen] == ["/429-now-then-200", "/429-now-then-200"]


def test_endpoint_from_the_environment(
    invoke: Invoke, flaky: tuple[str, FlakyServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, server = flaky
    monkeypatch.setenv("KGTOOL_WIKIDATA_ENDPOINT", base + "/from-env")
    argv = ["link", "check", *LINK_ARGS, "--cache-dir", str(tmp_path)]
    assert invoke(argv, fixture=False).exit_code == 1
    assert [p for p, _ in server.seen] == ["/from-env"]
