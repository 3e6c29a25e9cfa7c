"""SERVICE through kgtool's client: --allow-service, --service-map, VALUES batches.

The mapped endpoint is a real ``oxigraph serve`` on 127.0.0.1 (or the tests' own HTTP server);
nothing here touches the internet.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from kgtool.core import paths
from kgtool.remote.http import user_agent
from tests.conftest import Invoke, free_port
from tests.remote.servers import FACTS, FlakyServer

LINK_ARGS = ["--data", str(FACTS), "--ontology", str(paths.ontology_file())]
pytestmark = pytest.mark.skipif(
    not paths.ontology_file().exists(), reason="the bundled ontology is needed for class mappings"
)


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
    invoke: Invoke, flaky: tuple[str, FlakyServer]
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
