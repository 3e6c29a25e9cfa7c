"""Queries: names, files, stdin, typed parameters, offline guards, result formats, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef, Variable

from kgtool.core.errors import QueryRunError, UsageError
from kgtool.core.namespaces import ID, KG
from kgtool.graph import KnowledgeGraph
from kgtool.query.catalog import parse_header
from kgtool.query.run import find_query, run_query
from tests.conftest import FACTS, ONTOLOGY, QUERIES, Invoke

#: A term of the fixture ontology (tests/data/lib), not of the bundled one.
FOUNDED = URIRef(str(KG) + "founded")

Q = ["--queries", str(QUERIES)]


def test_queries_lists_titles_and_parameters(invoke: Invoke) -> None:
    result = invoke(["queries", *Q], fixture=False)
    assert result.exit_code == 0
    assert "founders      Founders of an organization" in result.stdout
    assert "--param min=<integer>" in result.stdout


def test_bundled_query_table(invoke: Invoke) -> None:
    result = invoke(["query", "founders", *Q])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["founder", "name"]
    assert lines[2].split() == ["id:Connor-Leahy", "Connor", "Leahy"]
    assert lines[-1] == "(2 rows)"


@pytest.mark.parametrize(
    "value",
    [
        "EleutherAI",
        "id:EleutherAI",
        "EleutherAI Institute",
        "<https://w3id.org/eleutherai-kg/id/EleutherAI>",
    ],
)
def test_entity_parameter_by_label_prefixed_name_or_iri(invoke: Invoke, value: str) -> None:
    result = invoke(["query", "founders", *Q, "--param", f"org={value}", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["name"] for r in rows] == ["Connor Leahy", "Sid Black"]


def test_entity_parameter_binds_not_formats(kg: KnowledgeGraph) -> None:
    outcome = run_query(kg, QUERIES / "founders.rq", {"org": "CoreWeave"})
    assert outcome.bindings["org"] == ID.CoreWeave
    assert list(outcome.result) == []


def test_integer_parameter(invoke: Invoke) -> None:
    result = invoke(["query", "models-since", *Q, "--param", "min=1000", "--format", "tsv"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "?model\t?count"
    assert "<https://w3id.org/eleutherai-kg/id/GPT-J-6B>" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["models-since", "--param", "min=lots"], "is declared integer"),
        (["models-since"], "'min' (integer) is required"),
        (["models-since", "--param", "mni=3"], "this query declares: min"),
        (["founders", "--param", "org=Nobody Here"], "no entity is labelled"),
        (["founders", "--param", "org"], "name=value"),
    ],
)
def test_parameter_errors_exit_2(invoke: Invoke, args: list[str], message: str) -> None:
    result = invoke(["query", *args, *Q])
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.parametrize(
    "ptype, good, bad",
    [
        ("decimal", "1.5", "x"),
        ("boolean", "true", "yes"),
        ("date", "2020-07-07", "2020-13-01"),
        ("gYear", "2021", "21"),
        ("gYearMonth", "2021-07", "2021-7"),
        ("iri", "kg:founder", "nope"),
    ],
)
def test_parameter_types(kg: KnowledgeGraph, ptype: str, good: str, bad: str) -> None:
    from kgtool.core.errors import ParameterError
    from kgtool.query.run import ParameterSpec, convert_parameter

    spec = ParameterSpec("p", ptype)
    convert_parameter(spec, good, kg.store.union())
    with pytest.raises(ParameterError):
        convert_parameter(spec, bad, kg.store.union())


def test_unknown_query_name_lists_known(invoke: Invoke) -> None:
    result = invoke(["query", "foundres", *Q])
    assert result.exit_code == 2
    assert "known: agents, founders, models-since" in result.stderr


def test_syntax_error_names_line_and_column(invoke: Invoke) -> None:
    text = "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?s = )\n}"
    result = invoke(["query", "-"], input=text)
    assert result.exit_code == 2
    assert "line 3, column" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_prefix_names_line_and_column(invoke: Invoke) -> None:
    result = invoke(["query", "-"], input="# nope: in a comment\nSELECT * {\n  ?s nope:x ?o }")
    assert result.exit_code == 2
    assert "line 3, column 6: unknown prefix 'nope'" in result.stderr


@pytest.mark.parametrize(
    "text, message",
    [
        ("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", "updates"),
        ("DROP ALL", "updates"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "--allow-service"),
    ],
)
def test_refused_forms_exit_2(invoke: Invoke, text: str, message: str) -> None:
    result = invoke(["query", "-"], input=text)
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_query_run_failure_exits_1(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, store: str
) -> None:
    from kgtool.store.base import STORES

    def boom(*args: object, **kwargs: object) -> None:
        raise ValueError("store went away")

    monkeypatch.setattr(STORES[store].load(), "query_answer", boom)
    result = invoke(["query", "agents", "--store", store, "--no-cache", *Q])
    assert result.exit_code == 1
    assert "failed while running: store went away" in result.stderr


def test_run_query_raises_query_run_error(
    kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        kg.store, "query_answer", lambda *a, **k: (_ for _ in ()).throw(ValueError("x"))
    )
    with pytest.raises(QueryRunError):
        run_query(kg, "SELECT * WHERE { ?s ?p ?o }")


def test_reasoned_and_asserted_views(invoke: Invoke) -> None:
    asserted = invoke(["query", "agents", *Q, "--format", "json"])
    reasoned = invoke(["query", "agents", *Q, "--format", "json", "--reasoned"])
    assert json.loads(asserted.stdout)["results"]["bindings"] == []
    assert len(json.loads(reasoned.stdout)["results"]["bindings"]) == 5


def test_file_query_and_xml(invoke: Invoke) -> None:
    result = invoke(["query", str(QUERIES / "agents.rq"), "--reasoned", "--format", "xml"])
    assert result.exit_code == 0
    assert "<sparql" in result.stdout and "CoreWeave" in result.stdout


def test_ask_and_construct(invoke: Invoke) -> None:
    ask = invoke(["query", "-"], input="ASK { ?x kg:founder id:Sid-Black }")
    assert ask.stdout == "true\n"
    construct = invoke(
        ["query", "-", "--format", "turtle"],
        input="CONSTRUCT { ?p kg:founded ?o } WHERE { ?o kg:founder ?p }",
    )
    assert construct.exit_code == 0
    g = Graph().parse(data=construct.stdout, format="turtle")
    assert (ID["Sid-Black"], FOUNDED, ID.EleutherAI) in g


def test_run_all_skips_queries_needing_parameters(invoke: Invoke) -> None:
    result = invoke(["query", "--all", *Q])
    assert result.exit_code == 0
    assert "## founders: Founders of an organization" in result.stdout
    assert "(skipped: needs --param min)" in result.stdout


def test_query_and_all_are_exclusive(invoke: Invoke) -> None:
    assert invoke(["query", "agents", "--all", *Q]).exit_code == 2
    assert invoke(["query", *Q]).exit_code == 2


def test_header_parsing() -> None:
    header = find_query("founders", QUERIES).header
    assert header.title == "Founders of an organization"
    assert header.problem == "who founded a given organization?"
    assert header.example == "kgtool query founders --param org=EleutherAI"
    assert parse_header("SELECT * {}").parameters == []


# ------------------------------------------------------------------ the one runner's options


def test_max_rows_stops_a_large_answer(kg: KnowledgeGraph) -> None:
    from kgtool.query.run import ResultTooLargeError

    everything = "SELECT * WHERE { ?s ?p ?o }"
    total = len(run_query(kg, everything).result.bindings)
    assert len(run_query(kg, everything, max_rows=total).result.bindings) == total
    with pytest.raises(ResultTooLargeError):
        run_query(kg, everything, max_rows=total - 1)
    with pytest.raises(ResultTooLargeError):
        run_query(kg, "CONSTRUCT WHERE { ?s ?p ?o }", max_rows=total - 1)


def test_unbound_values_are_left_out(kg: KnowledgeGraph) -> None:
    # The implicit group of an aggregate over nothing is one solution; SAMPLE leaves ?x unbound.
    grouped = "SELECT (SAMPLE(?o) AS ?x) WHERE { ?s <urn:nothing> ?o }"
    assert run_query(kg, grouped).result.bindings == [{}]
    optional = "SELECT ?s ?nothing WHERE { ?s a kg:Person OPTIONAL { ?s <urn:no> ?nothing } }"
    rows = run_query(kg, optional).result.bindings
    assert rows and all(set(map(str, row)) == {"s"} for row in rows)


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_given_graphs_override_the_querys_from(store: str) -> None:
    from kgtool.store.base import QueryDataset

    kg = KnowledgeGraph.load(data=[FACTS], ontology=[ONTOLOGY], shapes=[], store=store)
    text = f"SELECT DISTINCT ?g FROM NAMED {EDITORIAL} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    chosen = QueryDataset(named=(GRAPHS + "wikidata",))
    rows = run_query(kg, text, graphs=chosen).result
    assert [str(row[0]) for row in rows] == [GRAPHS + "wikidata"]  # type: ignore[index]


def test_an_evaluator_runs_the_checked_query_elsewhere() -> None:
    from rdflib.query import Result

    from kgtool.core.errors import ParameterError, UsageError

    seen: list[tuple[str, dict[str, object]]] = []

    def evaluate(named: object, prepared: object, bindings: dict[str, object]) -> Result:
        seen.append((getattr(named, "name", ""), bindings))
        answer = Result("ASK")
        answer.askAnswer = True
        return answer

    outcome = run_query(None, QUERIES / "founders.rq", {"org": "id:X"}, evaluate=evaluate)
    assert outcome.result.askAnswer is True
    assert seen == [("founders", {"org": ID.X})]
    with pytest.raises(ParameterError):  # labels are looked up locally: none without a graph
        run_query(None, QUERIES / "founders.rq", {"org": "Some label"}, evaluate=evaluate)
    with pytest.raises(UsageError):  # the local checks still apply
        run_query(None, "INSERT DATA { <a:b> <a:c> <a:d> }", evaluate=evaluate)
    assert len(seen) == 1


def test_service_is_refused_by_its_own_error_and_needs_a_federation_hook(
    kg: KnowledgeGraph,
) -> None:
    import contextlib

    from kgtool.core.errors import UsageError
    from kgtool.query.prepare import ServiceRefusedError

    text = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    with pytest.raises(ServiceRefusedError, match="--allow-service"):
        run_query(kg, text)
    with pytest.raises(UsageError, match="federation"):
        run_query(kg, text, allow_service=True)
    opened: list[str] = []

    @contextlib.contextmanager
    def hook() -> object:
        opened.append("open")
        yield None

    silent = "SELECT * WHERE { SERVICE SILENT <urn:x> { ?s ?p ?o } }"  # urn: is no network
    run_query(kg, silent, allow_service=True, federation=hook)
    assert opened == ["open"]


def test_plan_all_gives_each_query_its_parameters_or_a_reason() -> None:
    from kgtool.query.run import plan_all

    plan = {p.query.name: p for p in plan_all({"org": "id:X", "other": "1"}, queries_dir=QUERIES)}
    assert plan["founders"].params == {"org": "id:X"} and plan["founders"].skipped is None
    assert plan["models-since"].skipped == "needs --param min"
    assert plan["agents"].params == {}


def test_text_table_aligns_columns() -> None:
    from kgtool.query.render import text_table

    assert text_table(["a", "long"], [["xyz", "1"]]) == "a    long\n---  ----\nxyz  1\n"


# -- solutions that bind nothing, and groups over nothing --------------------------------------

_DATA = """@prefix : <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
:a :p :b .
:s :n "0"^^xsd:integer ; :flag false ; :label "" .
"""


@pytest.fixture(params=["memory", "oxigraph"])
def small_kg(request: pytest.FixtureRequest, tmp_path: Path) -> KnowledgeGraph:
    data = tmp_path / "data.ttl"
    data.write_text(_DATA, encoding="utf-8")
    return KnowledgeGraph.load(data=[data], ontology=[], shapes=[], store=request.param)


@pytest.mark.parametrize(
    "text",
    [
        "PREFIX : <http://example.org/> SELECT * { :a :p* :a }",
        "SELECT ?x { OPTIONAL { ?s <urn:nothing> ?x } }",
        "SELECT (IF(1/0, 1, 2) AS ?x) {}",
        "SELECT (COALESCE(1/0) AS ?x) {}",
        "SELECT (MAX(?x) AS ?m) { ?s <urn:nothing> ?x }",
    ],
    ids=["reachability", "optional", "if-error", "coalesce-error", "max-of-nothing"],
)
def test_reachability_query_returns_one_empty_row(small_kg: KnowledgeGraph, text: str) -> None:
    assert run_query(small_kg, text).result.bindings == [{}]


def test_count_zero_is_bound(small_kg: KnowledgeGraph) -> None:
    result = run_query(small_kg, "SELECT (COUNT(*) AS ?n) { ?s <urn:nothing> ?o }").result
    assert result.bindings == [{Variable("n"): Literal(0)}]


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?s (COUNT(*) AS ?n) { ?s <urn:nothing> ?o } GROUP BY ?s",
        "SELECT (COUNT(*) AS ?n) { ?s <urn:nothing> ?o } GROUP BY ?s",
        "SELECT * { { SELECT (MAX(?o) AS ?m) { ?s <urn:nothing> ?o } GROUP BY ?s } }",
    ],
)
def test_group_by_over_no_solutions_has_no_rows(small_kg: KnowledgeGraph, text: str) -> None:
    assert run_query(small_kg, text).result.bindings == []


def test_group_by_over_no_solutions_without_the_patch_is_rdflib_s(
    small_kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On an rdflib the patch was not tested with, rdflib's own answer stands (one empty row).
    import kgtool.core.patches as patches

    monkeypatch.setattr(patches, "aggregate_join_usable", lambda: False)
    rows = run_query(small_kg, "SELECT ?s { ?s <urn:nothing> ?o } GROUP BY ?s").result.bindings
    assert rows == ([] if small_kg.store.capabilities.sparql_text else [{}])


# -- SELECT * columns ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, columns",
    [
        ("SELECT * { ?x :name ?n . ?g :m ?x }", ["x", "n", "g"]),
        ("SELECT * { ?s :n ?n ; :flag ?f . BIND(1 AS ?b) ?s :label ?l }", list("snfbl")),
        ("SELECT * { GRAPH ?g { ?z ?p ?o } OPTIONAL { ?o ?q ?a } }", list("gzpoqa")),
        ("SELECT * { { SELECT ?k (1 AS ?one) { ?k ?p2 ?o2 } } ?k ?w ?v }", ["k", "one", "w", "v"]),
        ("SELECT * { ?m ?n ?o MINUS { ?a ?b ?c } }", ["m", "n", "o"]),
    ],
)
def test_select_star_columns_in_order_of_first_appearance(
    small_kg: KnowledgeGraph, text: str, columns: list[str]
) -> None:
    prefixed = "PREFIX : <http://example.org/> " + text
    names = [str(v) for v in run_query(small_kg, prefixed).result.vars or []]
    # rdflib also projects variables a MINUS or FILTER only reads; they come last, by name.
    assert names[: len(columns)] == columns


def test_a_query_file_resolves_relative_iris_against_its_own_uri(tmp_path: Path) -> None:
    # As a document does: <thing> in q.rq means <file:///.../thing>, on both stores.
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?x WHERE { BIND(<thing> AS ?x) }\n", "utf-8")
    expected = URIRef((tmp_path / "thing").resolve().as_uri())
    for store in ("memory", "oxigraph"):
        kg = KnowledgeGraph.load(data=[], ontology=[], shapes=[], store=store)
        (row,) = run_query(kg, query).result.bindings
        assert row[Variable("x")] == expected, store


def test_oxigraph_runs_plain_text_without_rdflibs_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    import kgtool.query.run as runner

    kg = KnowledgeGraph.load(data=[FACTS], ontology=[ONTOLOGY], shapes=[], store="oxigraph")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("rdflib's parser was called")

    monkeypatch.setattr(runner, "parsed", refuse)
    outcome = run_query(kg, "SELECT ?s WHERE { ?s a kg:Person } ORDER BY ?s")
    assert outcome.result.bindings


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT ?s WHERE { \\u0053ERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT ?s WHERE { sErViCe SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused_on_every_store_in_every_spelling(text: str) -> None:
    from kgtool.query.prepare import ServiceRefusedError

    for store in ("memory", "oxigraph"):
        kg = KnowledgeGraph.load(data=[FACTS], ontology=[ONTOLOGY], shapes=[], store=store)
        with pytest.raises(ServiceRefusedError):
            run_query(kg, text)


GRAPHS = "https://w3id.org/eleutherai-kg/graph/"
EDITORIAL, WIKIDATA = f"<{GRAPHS}editorial>", f"<{GRAPHS}wikidata>"


def _rows(kg: KnowledgeGraph, text: str) -> list[tuple[str, ...]]:
    return sorted(tuple(str(v) for v in row) for row in run_query(kg, text).result)  # type: ignore[union-attr]


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_from_makes_the_default_graph_the_merge_of_the_stored_graphs_named(store: str) -> None:
    kg = KnowledgeGraph.load(data=[FACTS], ontology=[ONTOLOGY], shapes=[], store=store)
    one = _rows(kg, f"SELECT ?s ?p ?o FROM {EDITORIAL} WHERE {{ ?s ?p ?o }}")
    assert len(one) == len(kg.store.named_graph(URIRef(GRAPHS + "editorial")))
    both = _rows(kg, f"SELECT ?s ?p ?o FROM {EDITORIAL} FROM {WIKIDATA} WHERE {{ ?s ?p ?o }}")
    assert set(one) < set(both) and len(both) == len(set(both))
    assert _rows(kg, "SELECT * FROM <urn:x:absent> WHERE { ?s ?p ?o }") == []
    # FROM alone leaves no named graph visible.
    assert _rows(kg, f"SELECT * FROM {EDITORIAL} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}") == []


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_from_named_makes_only_those_graphs_visible(store: str) -> None:
    kg = KnowledgeGraph.load(data=[FACTS], ontology=[ONTOLOGY], shapes=[], store=store)
    text = f"SELECT DISTINCT ?g FROM NAMED {WIKIDATA} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert _rows(kg, text) == [(GRAPHS + "wikidata",)]
    # FROM NAMED alone leaves the default graph empty.
    assert _rows(kg, f"SELECT * FROM NAMED {WIKIDATA} WHERE {{ ?s ?p ?o }}") == []


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_from_never_fetches_its_iri(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    kg = KnowledgeGraph.load(data=[FACTS], ontology=[ONTOLOGY], shapes=[], store=store)
    attempts: list[object] = []

    def connect(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)
    text = "SELECT * FROM <http://127.0.0.1:9/x> FROM NAMED <http://127.0.0.1:9/y> WHERE {"
    assert _rows(kg, text + " { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }") == []
    assert attempts == []


def test_select_star_keeps_first_appearance_order_on_oxigraph() -> None:
    kg = KnowledgeGraph.load(data=[FACTS], ontology=[ONTOLOGY], shapes=[], store="oxigraph")
    outcome = run_query(kg, "SELECT * WHERE { ?x a kg:Person . ?x rdfs:label ?a } LIMIT 1")
    assert [str(v) for v in outcome.result.vars or []] == ["x", "a"]


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_a_syntax_error_names_its_line_and_column_on_every_store(store: str) -> None:
    from kgtool.core.errors import QuerySyntaxError

    kg = KnowledgeGraph.load(data=[FACTS], ontology=[ONTOLOGY], shapes=[], store=store)
    with pytest.raises(QuerySyntaxError) as caught:
        run_query(kg, "SELECT ?s\nWHERE { ?s ?p }")
    assert caught.value.line == 2
    assert caught.value.column is not None
    with pytest.raises(UsageError, match="read-only"):
        run_query(kg, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_a_query_nested_past_the_limit_is_refused_before_oxigraph_runs_it() -> None:
    from kgtool.core.errors import QuerySyntaxError

    kg = KnowledgeGraph.load(data=[FACTS], ontology=[ONTOLOGY], shapes=[], store="oxigraph")
    with pytest.raises(QuerySyntaxError, match="more than 1000 deep"):
        run_query(kg, "ASK { " + "OPTIONAL { " * 5_000 + "}" * 5_000 + " }")
    assert run_query(kg, "ASK { " + "OPTIONAL { " * 50 + "}" * 50 + " }").result.askAnswer


def test_a_long_one_line_query_is_text_not_a_file_name(invoke: Invoke) -> None:
    text = "SELECT ?s WHERE { " + "?s ?p ?o . " * 40 + "} LIMIT 1"
    result = invoke(["query", text, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("s\n")
