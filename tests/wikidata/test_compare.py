"""kgtool link compare: the graph's values beside Wikidata's statements.

The verdicts are tested on values made here (how two values match is test_values.py); the
command against a real ``oxigraph serve`` holding the Wikidata-shaped fixture
(tests/data/link/wikidata.ttl), with the facts of tests/data/link/compare.trig, whose planted
disputes are the graph's editorial notes.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from click.testing import Result
from rdflib import URIRef
from rdflib.namespace import XSD

from kgtool.core import paths
from kgtool.core.namespaces import ID, KG, WD
from kgtool.graph import KnowledgeGraph
from kgtool.remote.http import SparqlClient
from kgtool.wikidata.compare import AGREE, DIFFER, WE_LACK, WIKIDATA_LACKS, compare, judge
from kgtool.wikidata.values import (
    DAY,
    OurValue,
)
from tests.conftest import Invoke
from tests.remote.servers import DATA, FlakyServer
from tests.wikidata.conftest import NEEDS_ONTOLOGY, date, stated

COMPARE_FACTS = DATA / "compare.trig"
ENTITY, ITEM = URIRef("urn:e"), URIRef("urn:i")


# --------------------------------------------------------------------------- dates and ranks


def test_year_agrees_with_a_day_in_it_only_as_less_precise() -> None:
    [verdict] = judge(
        ENTITY,
        ITEM,
        "P577",
        [date("2023", XSD.gYear)],
        [stated("2023-04-03T00:00:00Z", precision=DAY)],
    )
    assert (verdict.status, verdict.detail) == (AGREE, "ours less precise")
    [verdict] = judge(
        ENTITY,
        ITEM,
        "P577",
        [date("2022", XSD.gYear)],
        [stated("2023-04-03T00:00:00Z", precision=DAY)],
        True,
    )
    assert verdict.status == DIFFER


def test_a_deprecated_statement_never_agrees() -> None:
    apache = OurValue(KG.license, ID["Apache-2.0"], item=WD.Q13785927)
    theirs = [stated(WD.Q334661, "preferred"), stated(WD.Q13785927, "deprecated", n=2)]
    [verdict] = judge(ENTITY, ITEM, "P275", [apache], theirs)
    assert verdict.status == DIFFER
    assert verdict.detail == "Wikidata deprecates this value"
    assert [s.rank for s in verdict.theirs] == ["preferred", "deprecated"]


def test_only_deprecated_statements_leave_the_value_lacking() -> None:
    [verdict] = judge(
        ENTITY,
        ITEM,
        "P577",
        [date("2021-03-21")],
        [stated("2020-01-01T00:00:00Z", "deprecated", DAY)],
        True,
    )
    assert verdict.status == WIKIDATA_LACKS
    assert verdict.detail == "Wikidata's statements are deprecated"


@pytest.mark.parametrize("rank", ["preferred", "normal"])
def test_preferred_and_normal_statements_agree(rank: str) -> None:
    [verdict] = judge(
        ENTITY, ITEM, "P577", [date("2021-03-21")], [stated("2021-03-21T00:00:00Z", rank, DAY)]
    )
    assert verdict.status == AGREE and verdict.theirs[0].rank == rank


def test_a_functional_value_differs_from_any_other_value() -> None:
    ours = [date("2021-03-21")]
    theirs = [
        stated("2021-03-21T00:00:00Z", precision=DAY),
        stated("2021-03-22T00:00:00Z", precision=DAY, n=2),
    ]
    statuses = [c.status for c in judge(ENTITY, ITEM, "P577", ours, theirs, functional=True)]
    assert statuses == [AGREE, WE_LACK]
    ours = [date("2021-03-21"), date("2021-03-23")]
    statuses = [c.status for c in judge(ENTITY, ITEM, "P577", ours, theirs, functional=True)]
    assert statuses == [AGREE, DIFFER]  # the second date cannot also be right


def test_a_set_valued_property_differs_only_when_nothing_agrees() -> None:
    connor = OurValue(KG.founder, ID.Connor_Leahy, item=WD.Q990000111)
    sid = OurValue(KG.founder, ID.Sid_Black, names=("Sid Black",))
    theirs = [stated(WD.Q990000111)]
    assert [(c.status, c.detail) for c in judge(ENTITY, ITEM, "P112", [connor, sid], theirs)] == [
        (AGREE, ""),
        (WIKIDATA_LACKS, "not linked to Wikidata"),
    ]
    assert [c.status for c in judge(ENTITY, ITEM, "P112", [sid], theirs)] == [DIFFER]
    assert [c.status for c in judge(ENTITY, ITEM, "P112", [], theirs)] == [WE_LACK]


# --------------------------------------------------------------------------- against a real server

#: The table ``link compare`` prints for the fixture facts (the summary line, dated, apart).
EXPECTED_TEXT = (DATA / "compare-table.txt").read_text(encoding="utf-8")


def run(
    invoke: Invoke, args: list[str], endpoint: str, cache: Path, facts: Path = COMPARE_FACTS
) -> Result:
    """Run ``kgtool link ARGS`` on ``facts`` (the compare fixture) against ``endpoint``."""
    argv = ["link", *args, "--data", str(facts), "--ontology", str(paths.ontology_file())]
    return invoke([*argv, "--endpoint", endpoint, "--cache-dir", str(cache)], fixture=False)


@NEEDS_ONTOLOGY
def test_compare_text_groups_by_entity(invoke: Invoke, wikidata: str, tmp_path: Path) -> None:
    result = run(invoke, ["compare"], wikidata, tmp_path)
    assert result.exit_code == 1, result.output
    *table, summary = result.stdout.splitlines()
    assert "\n".join(table) + "\n" == EXPECTED_TEXT
    assert summary.startswith(
        f"14 values: 6 agree, 3 differ, 4 wikidata-lacks, 1 we-lack ({wikidata}; answers fetched "
    )


@NEEDS_ONTOLOGY
def test_compare_json_surfaces_the_editorial_disputes(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    result = run(invoke, ["compare", "--format", "json"], wikidata, tmp_path)
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["endpoint"] == wikidata and report["offline"] is False
    assert report["counts"] == {"agree": 6, "differ": 3, "wikidata-lacks": 4, "we-lack": 1}
    assert report["properties"][str(KG.parameterCount)] == "P990000001"
    found = {
        (c["entity"].rsplit("/", 1)[1], c["wikidataProperty"], c["status"]): c
        for c in report["comparisons"]
    }
    pile = found[("The_Pile", "P577", DIFFER)]
    assert pile["ours"] == {
        "property": str(KG.releaseDate),
        "value": '"2020-12-30"^^<http://www.w3.org/2001/XMLSchema#date>',
        "item": None,
        "sentences": ["https://w3id.org/eleutherai-kg/source/history-4"],
    }
    [theirs] = pile["theirs"]
    assert theirs["value"] == '"2020-12-31T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>'
    assert (theirs["rank"], theirs["precision"]) == ("normal", DAY)
    assert theirs["references"] == [[{"property": "P143", "value": f"<{WD.Q328}>"}]]
    pythia = found[("Pythia", "P990000001", DIFFER)]
    assert pythia["theirs"][0]["value"].startswith('"12000000000"')
    neo = found[("GPT-Neo", "P275", DIFFER)]
    assert neo["detail"] == "Wikidata deprecates this value"
    assert [(s["value"], s["rank"]) for s in neo["theirs"]] == [
        (f"<{WD.Q334661}>", "preferred"),
        (f"<{WD.Q13785927}>", "deprecated"),
    ]
    assert neo["theirs"][0]["qualifiers"] == [
        {
            "property": "P580",
            "value": '"2021-03-21T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>',
        }
    ]
    assert found[("Pythia", "P577", AGREE)]["detail"] == "ours less precise"
    assert found[("EleutherAI", "P571", AGREE)]["detail"] == "ours more precise"
    assert found[("GPT-Neo", "P156", WE_LACK)]["ours"] is None
    assert ("GPT-J-6B", "P275", WIKIDATA_LACKS) in found
    keys = [(c["entity"], int(c["wikidataProperty"][1:])) for c in report["comparisons"]]
    assert keys == sorted(keys)


@NEEDS_ONTOLOGY
def test_compare_exits_0_when_nothing_differs(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    facts = tmp_path / "agree.trig"
    facts.write_text(
        "@prefix kg: <https://w3id.org/eleutherai-kg/ontology/> .\n"
        "@prefix id: <https://w3id.org/eleutherai-kg/id/> .\n"
        "@prefix src: <https://w3id.org/eleutherai-kg/source/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix wd: <http://www.wikidata.org/entity/> .\n"
        'src:s { id:GPT-Neo kg:releaseDate "2021-03"^^xsd:gYearMonth . }\n'
        "<https://w3id.org/eleutherai-kg/graph/wikidata> {\n"
        "    id:GPT-Neo owl:sameAs wd:Q990000203 .\n}\n",
        encoding="utf-8",
    )
    result = run(invoke, ["compare", "--format", "json"], wikidata, tmp_path / "c", facts)
    assert result.exit_code == 0, result.output
    # A we-lack or wikidata-lacks value is not a failure: only a differing one is.
    assert json.loads(result.stdout)["counts"] == {
        "agree": 1,
        "differ": 0,
        "wikidata-lacks": 0,
        "we-lack": 2,  # followed by GPT-J, and the MIT licence (not the deprecated Apache)
    }


@NEEDS_ONTOLOGY
def test_compare_endpoint_down_or_offline_without_answers_is_exit_2(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    down = run(invoke, ["compare"], "http://127.0.0.1:9/sparql", tmp_path / "a")
    assert down.exit_code == 2 and "cannot connect" in down.stderr
    assert "Traceback" not in down.output
    offline = run(invoke, ["compare", "--offline"], wikidata, tmp_path / "b")
    assert offline.exit_code == 2 and "no cached answer" in offline.stderr
    bad = run(invoke, ["compare", "--format", "csv"], wikidata, tmp_path / "c")
    assert bad.exit_code == 2


@NEEDS_ONTOLOGY
def test_compare_garbage_from_the_endpoint_is_exit_2(
    invoke: Invoke, flaky: tuple[str, FlakyServer], tmp_path: Path
) -> None:
    base, _server = flaky
    result = run(invoke, ["compare", "--format", "json"], base + "/garbage", tmp_path)
    assert result.exit_code == 2
    assert "is not JSON" in result.stderr and "Traceback" not in result.output
    assert result.stdout == ""
    assert not (tmp_path / "sparql").exists()  # nothing recorded from a failed run


@NEEDS_ONTOLOGY
def test_compare_offline_replays_the_recorded_answers(
    invoke: Invoke, wikidata: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    online = run(invoke, ["compare", "--format", "json"], wikidata, tmp_path)
    assert online.exit_code == 1

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("--offline opened a connection")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    offline = run(invoke, ["compare", "--format", "json", "--offline"], wikidata, tmp_path)
    assert offline.exit_code == 1, offline.output
    assert json.loads(offline.stdout)["comparisons"] == json.loads(online.stdout)["comparisons"]


@NEEDS_ONTOLOGY
def test_compare_batches_items_into_values_queries(wikidata: str) -> None:
    kg = KnowledgeGraph.load(data=[COMPARE_FACTS], ontology=[paths.ontology_file()], shapes=[])
    client = SparqlClient(wikidata)
    report = compare(kg, client, batch_size=3)
    assert client.requests == 3  # 7 linked items in batches of 3, not one request per item
    client = SparqlClient(wikidata)
    assert compare(kg, client).comparisons == report.comparisons
    assert client.requests == 1


@NEEDS_ONTOLOGY
def test_quickstatements_writes_the_values_compare_finds_lacking(
    invoke: Invoke, wikidata: str, tmp_path: Path
) -> None:
    result = run(invoke, ["quickstatements"], wikidata, tmp_path)
    assert result.exit_code == 0, result.output
    ref = 'S143\tQ328\tS4656\t"https://en.wikipedia.org/wiki/EleutherAI"'
    assert result.stdout.splitlines() == [
        f"Q116937684\tP275\tQ13785927\t{ref}",
        f"Q116937684\tP577\t+2021-06-09T00:00:00Z/11\t{ref}",
    ]
    assert result.stderr.splitlines() == [
        "conflict: Q990000201 P577: the article says 2020-12-30, Wikidata has 2020-12-31T00:00:00Z",
        "conflict: Q990000202 P990000001: the article says 13000000000, Wikidata has 12000000000",
        "conflict: Q990000203 P275: the article says Q13785927, Wikidata has "
        "Q334661 (preferred), Q13785927 (deprecated)",
        "cannot write: Q990000121 P112: id:Leo_Gao (not linked to Wikidata, or text)",
        "cannot write: Q990000121 P112: id:Sid_Black (not linked to Wikidata, or text)",
        "2 statements Wikidata lacks; 6 it already has; 3 conflicts; 2 cannot be written.",
    ]
