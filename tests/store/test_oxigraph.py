"""The Oxigraph store answers every bundled query as the memory store does.

Each query runs on both stores, over the asserted and the reasoned view, on the shipped graph and
on the test fixtures; rows are compared as multisets (engines may order ties differently), blank
nodes by position only, CONSTRUCT results by isomorphism.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDFS, BNode, Dataset, Graph, Literal, URIRef

pytest.importorskip("pyoxigraph")
import pyoxigraph as ox

from kgtool.core import paths
from kgtool.core.errors import InputError, ParameterError
from kgtool.graph import KnowledgeGraph
from kgtool.query.prepare import prepare
from kgtool.query.run import (
    NamedQuery,
    bind_parameters,
    find_query,
    label_lookup,
    run_query,
    uses_service,
)
from kgtool.reason.engine import reason
from kgtool.store.convert import from_ox, to_ox
from kgtool.store.oxigraph import UNION_GRAPH, OxigraphStore
from tests.conftest import DATA, FACTS, ONTOLOGY, QUERIES, SHAPES, assert_isomorphic


def _query_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("*.rq"), *folder.glob("checks/*.rq")])


# Federated queries (SERVICE) need a remote endpoint; test_link.py runs them against a local one.
BUNDLED = [p for p in _query_files(paths.queries_dir()) if not uses_service(find_query(p))]
FIXTURE_QUERIES = _query_files(QUERIES)


def _pair(**kwargs: Any) -> tuple[KnowledgeGraph, KnowledgeGraph]:
    memory = KnowledgeGraph.load(store="memory", **kwargs)
    oxi = KnowledgeGraph.load(store="oxigraph", **kwargs)
    # Reason once (owlrl is slow) and hand both stores the same inferred graph.
    inferred = reason(memory).inferred
    oxi.store.set_inferred(inferred)
    return memory, oxi


@pytest.fixture(scope="module")
def shipped() -> tuple[KnowledgeGraph, KnowledgeGraph]:
    if not paths.ontology_file().exists():
        pytest.skip("no bundled ontology")
    return _pair()


@pytest.fixture(scope="module")
def fixtures() -> tuple[KnowledgeGraph, KnowledgeGraph]:
    return _pair(data=[FACTS], ontology=[ONTOLOGY], shapes=[SHAPES])


_GROUP_CONCAT = re.compile(
    r"GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?separator\s*=\s*\"(?P<sep>[^\"]*)\"\s*\)"
    r"\s*AS\s*\?(?P<var>\w+)",
    re.IGNORECASE,
)


def _norm(node: Any, separator: str | None = None) -> Any:
    if isinstance(node, BNode):
        return "_:b"
    if separator is not None and isinstance(node, Literal):
        # SPARQL leaves GROUP_CONCAT's order open, and SPARQL 1.1 (rdflib) drops a shared
        # language tag that Oxigraph keeps (as SPARQL 1.2 does): compare the parts as a set.
        return tuple(sorted(str(node).split(separator))) if separator else str(node)
    return node


SAMPLE_VALUES = {
    "entity": "id:EleutherAI",
    "iri": "id:EleutherAI",
    "integer": "1000",
    "string": "EleutherAI",
    "date": "2021-01-01",
    "gYear": "2021",
}


def _answer(kg: KnowledgeGraph, named: NamedQuery, reasoned: bool, params: dict[str, str]) -> Any:
    concat = {m.group("var"): m.group("sep") for m in _GROUP_CONCAT.finditer(named.text)}
    outcome = run_query(kg, named, params, reasoned=reasoned)
    result = outcome.result
    if result.type == "ASK":
        return result.askAnswer
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return result.graph
    names = list(result.vars or [])
    rows = Counter(
        tuple(_norm(row.get(v), concat.get(str(v))) for v in names) for row in result.bindings
    )
    return [str(v) for v in names], rows


#: Known engine differences, by query file name: each is reported to the lead, not papered over.
#: Queries whose answers are known to differ between the engines, with the reason (none now).
KNOWN_DIFFERENCES: dict[str, str] = {}


def _compare(pair: tuple[KnowledgeGraph, KnowledgeGraph], path: Path, reasoned: bool) -> None:
    if path.name in KNOWN_DIFFERENCES:
        pytest.xfail(KNOWN_DIFFERENCES[path.name])
    named = find_query(path)
    # Values for parameters without a default, by declared type (exercises the binding path).
    params = {p.name: SAMPLE_VALUES[p.type] for p in named.header.parameters if p.default is None}
    expected = _answer(pair[0], named, reasoned, params)
    actual = _answer(pair[1], named, reasoned, params)
    if isinstance(expected, Graph):
        assert_isomorphic(expected, actual)
    else:
        assert actual == expected


@pytest.mark.parametrize("reasoned", [False, True], ids=["asserted", "reasoned"])
@pytest.mark.parametrize("path", BUNDLED, ids=[p.name for p in BUNDLED])
def test_bundled_query_same_on_both_stores(
    shipped: tuple[KnowledgeGraph, KnowledgeGraph], path: Path, reasoned: bool
) -> None:
    _compare(shipped, path, reasoned)


@pytest.mark.parametrize("reasoned", [False, True], ids=["asserted", "reasoned"])
@pytest.mark.parametrize("path", FIXTURE_QUERIES, ids=[p.name for p in FIXTURE_QUERIES])
def test_fixture_query_same_on_both_stores(
    fixtures: tuple[KnowledgeGraph, KnowledgeGraph], path: Path, reasoned: bool
) -> None:
    _compare(fixtures, path, reasoned)


def test_parameters_bound_like_rdflib(fixtures: tuple[KnowledgeGraph, KnowledgeGraph]) -> None:
    text = "SELECT ?o WHERE { ?s rdfs:label ?o } ORDER BY ?o"
    named = NamedQuery(name="<text>", text=text, header=find_query(text).header)
    memory, oxi = fixtures
    subject = next(iter(memory.store.union().subjects()))
    answers = []
    for kg in (memory, oxi):
        bindings = bind_parameters(named.header, {}, kg.store.union())
        bindings["s"] = subject
        result = kg.store.query(text if kg is oxi else prepare(text), bindings)
        answers.append(sorted(row[0] for row in result))
    assert answers[0] == answers[1]


def test_views_match_memory_store(fixtures: tuple[KnowledgeGraph, KnowledgeGraph]) -> None:
    memory, oxi = fixtures
    assert oxi.store.graph_names() == memory.store.graph_names()
    for reasoned in (False, True):
        assert_isomorphic(memory.store.union(reasoned), oxi.store.union(reasoned))
        assert len(oxi.store.dataset(reasoned)) == len(memory.store.dataset(reasoned))
    assert_isomorphic(memory.ontology, oxi.ontology)
    assert_isomorphic(memory.shapes, oxi.shapes)  # Oxigraph parses the shapes too
    for name in memory.store.graph_names():
        assert_isomorphic(memory.store.named_graph(name), oxi.store.named_graph(name))
    triple = next(iter(memory.store.named_graph(memory.store.graph_names()[-1])))
    assert oxi.store.graphs_containing(triple) == memory.store.graphs_containing(triple)


def test_union_is_a_set_of_triples() -> None:
    # The same triple stated by two sentences matches once, as in rdflib's union graph.
    store = OxigraphStore()
    g = Graph().add((URIRef("urn:a"), URIRef("urn:p"), Literal("x")))
    store.add_graph(URIRef("urn:g1"), g)
    store.add_graph(URIRef("urn:g2"), g)
    result = store.query("SELECT ?s WHERE { ?s ?p ?o }")
    assert len(list(result)) == 1
    assert store.graphs_containing(next(iter(g))) == [URIRef("urn:g1"), URIRef("urn:g2")]


def test_terms_round_trip() -> None:
    for term in (
        URIRef("urn:x"),
        Literal("plain"),
        Literal("chat", lang="fr"),
        Literal(3),
        Literal("2021-01-01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")),
    ):
        assert from_ox(to_ox(term)) == term


def test_malformed_file_gives_the_memory_store_error() -> None:
    bad = DATA / "malformed.ttl"
    errors = []
    for store in ("memory", "oxigraph"):
        with pytest.raises(InputError) as info:
            KnowledgeGraph.load(data=[bad], ontology=[ONTOLOGY], shapes=[SHAPES], store=store)
        errors.append(str(info.value))
    assert errors[0] == errors[1]
    assert "malformed.ttl:" in errors[0]


def test_cli_store_option(invoke: Any) -> None:
    memory = invoke(["query", "founders", "--queries", str(QUERIES), "--store", "memory"])
    oxi = invoke(["query", "founders", "--queries", str(QUERIES), "--store", "oxigraph"])
    assert memory.exit_code == 0, memory.output
    assert oxi.exit_code == 0, oxi.output
    assert oxi.output == memory.output


@pytest.mark.parametrize("fmt", ["nt", "nquads"])
@pytest.mark.parametrize("reasoned", [False, True], ids=["asserted", "reasoned"])
def test_oxigraph_line_export_is_the_same_bytes(fmt: str, reasoned: bool) -> None:
    """The Oxigraph fast path for N-Triples/N-Quads prints exactly what the rdflib path prints."""
    from kgtool.export import render_export

    memory = KnowledgeGraph.load(store="memory")
    oxigraph = KnowledgeGraph.load(store="oxigraph")
    if reasoned:
        reason(memory)
        reason(oxigraph)
    assert oxigraph.store.native_export(fmt, reasoned) is not None  # the fast path is taken
    assert render_export(oxigraph, fmt, reasoned) == render_export(memory, fmt, reasoned)


def test_oxigraph_line_export_leaves_blank_nodes_to_the_canonical_path() -> None:
    from kgtool.export import render_export

    ds = Dataset()
    ds.graph(URIRef("urn:g")).add((BNode(), URIRef("urn:p"), Literal("x")))
    kg = KnowledgeGraph.from_dataset(ds)
    store = OxigraphStore()
    store.add_dataset(ds)
    ox_kg = KnowledgeGraph(store=store, ontology_graph=kg.ontology, shapes_graph=kg.shapes)
    assert store.native_export("nt") is None
    assert render_export(ox_kg, "nt") == render_export(kg, "nt")


# A view in which no triple sits in two graphs is queried through Oxigraph's own union
# (use_default_graph_as_union); one with such a triple through a deduplicated copy. The shipped
# graph and the fixtures have such triples (a fact stated by two sentences), so the tests above
# cover the copy; the graphs below, the shipped graph with each triple kept in one graph only,
# cover the native union, asserted (nothing inferred stored) and reasoned.


def _deduplicated(tmp: Path) -> Path:
    memory = KnowledgeGraph.load(store="memory")
    seen: set[Any] = set()
    out = Dataset()
    for name in [*memory.store.graph_names()]:
        for triple in memory.store.named_graph(name):
            if triple not in seen:
                seen.add(triple)
                out.graph(name).add(triple)
    path = tmp / "deduplicated.trig"
    out.serialize(path, format="trig")
    return path


@pytest.fixture(scope="module")
def deduplicated(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Any]:
    if not paths.ontology_file().exists():
        pytest.skip("no bundled ontology")
    path = _deduplicated(tmp_path_factory.mktemp("dedup"))
    plain = (
        KnowledgeGraph.load(data=[path], store="memory"),
        KnowledgeGraph.load(data=[path], store="oxigraph"),
    )
    return {False: plain, True: _pair(data=[path])}


@pytest.mark.parametrize("reasoned", [False, True], ids=["asserted", "reasoned"])
@pytest.mark.parametrize("path", BUNDLED, ids=[p.name for p in BUNDLED])
def test_bundled_query_same_through_native_union(
    deduplicated: dict[bool, Any], path: Path, reasoned: bool
) -> None:
    pair = deduplicated[reasoned]
    _compare(pair, path, reasoned)
    # The native union was used: no deduplicated copy was built.
    assert not pair[1].store.ox.contains_named_graph(UNION_GRAPH)


def test_shipped_graph_has_a_triple_in_two_graphs(
    shipped: tuple[KnowledgeGraph, KnowledgeGraph],
) -> None:
    # Keeps the differential tests above on the deduplicating path.
    memory = shipped[0]
    assert any(
        len(memory.store.graphs_containing(t)) > 1 for t in memory.store.union(reasoned=False)
    )


def test_triple_in_two_graphs_after_native_queries() -> None:
    # A store first queried natively, then given a triple a second time, switches to the copy.
    store = OxigraphStore()
    g = Graph().add((URIRef("urn:a"), URIRef("urn:p"), Literal("x")))
    store.add_graph(URIRef("urn:g1"), g)
    assert len(list(store.query("SELECT ?s WHERE { ?s ?p ?o }"))) == 1
    assert not store.ox.contains_named_graph(UNION_GRAPH)
    store.add_graph(None, g)
    store.add_graph(URIRef("urn:g2"), g)
    assert len(list(store.query("SELECT ?s WHERE { ?s ?p ?o }"))) == 1
    graphs = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert sorted(str(row[0]) for row in graphs) == ["urn:g1", "urn:g2"]


def test_entity_parameter_by_label_on_oxigraph(
    fixtures: tuple[KnowledgeGraph, KnowledgeGraph],
) -> None:
    # A label is resolved by a small query on the store, with the memory store's answer/errors.
    text = (
        "# # T\n# **Parameters:**\n#   - `e` (entity): an entity\n"
        "SELECT ?p WHERE { ?e ?p ?o } ORDER BY ?p"
    )
    named = NamedQuery(name="<text>", text=text, header=find_query(text).header)
    memory, oxi = fixtures
    label = next(
        str(o)
        for s, o in memory.store.union().subject_objects(URIRef(str(RDFS.label)))
        if isinstance(s, URIRef)
    )
    answers = [
        bind_parameters(named.header, {"e": label}, label_lookup(kg.store)) for kg in fixtures
    ]
    assert answers[0] == answers[1]
    for kg in (memory, oxi):
        with pytest.raises(ParameterError, match="no entity is labelled"):
            bind_parameters(named.header, {"e": "no such label"}, label_lookup(kg.store))


def test_ask_on_oxigraph() -> None:
    # pyoxigraph 0.5 answers ASK with a QueryBoolean (the store used to fail on it).
    store = OxigraphStore()
    store.add_graph(URIRef("urn:g"), Graph().add((URIRef("urn:a"), URIRef("urn:p"), Literal(1))))
    assert store.query("ASK { ?s ?p 1 }").askAnswer is True
    assert store.query("ASK { ?s ?p 2 }").askAnswer is False


@pytest.mark.parametrize(
    ("lexical", "datatype"),
    [
        (lexical, f"http://www.w3.org/2001/XMLSchema#{name}")
        for name, values in {
            "integer": ["0", "7", "-7", "+7", "007", "-0", "123456789012345678901234", "1.0", "x"],
            "date": [
                "2021-03-01",
                "20210301",
                "2021-3-1",
                "2021-02-30",
                "2021-03-01Z",
                "-0044-03-15",
            ],
        }.items()
        for lexical in values
    ],
)
def test_typed_literals_convert_as_rdflib_parses_them(lexical: str, datatype: str) -> None:
    # from_ox builds common typed literals from their value (faster); the term is the one the
    # memory store's parse path makes: the lexical form as written ("007" stays "007").
    expected = Literal(lexical, datatype=URIRef(datatype), normalize=False)
    actual = from_ox(ox.Literal(lexical, datatype=ox.NamedNode(datatype)))
    assert (str(actual), actual.datatype, actual.value) == (
        str(expected),
        expected.datatype,
        expected.value,
    )
    assert actual == expected


def test_malformed_shapes_give_the_memory_store_error() -> None:
    errors = []
    for store in ("memory", "oxigraph"):
        with pytest.raises(InputError) as info:
            kg = KnowledgeGraph.load(
                data=[FACTS], ontology=[ONTOLOGY], shapes=[DATA / "malformed.ttl"], store=store
            )
            assert kg.shapes is None  # parsed on first use: this raises
        errors.append(str(info.value))
    assert errors[0] == errors[1]
    assert "malformed.ttl:" in errors[0]


@pytest.mark.parametrize(
    ("lexical", "language"),
    [("a", "en"), ("", "en"), ("GPT-J", None), ("", None), ("x\ud800y", None), ("é\n\t", "fr-ca")],
)
def test_string_literals_are_the_ones_rdflib_makes(lexical: str, language: str | None) -> None:
    from rdflib import Literal

    from kgtool.store.convert import string_literal

    fast, slow = string_literal(lexical, language), Literal(lexical, lang=language)
    assert type(fast) is type(slow) and fast == slow and hash(fast) == hash(slow)
    assert [getattr(fast, s) for s in Literal.__slots__] == [
        getattr(slow, s) for s in Literal.__slots__
    ]
    assert fast.n3() == slow.n3() and fast.eq(slow)


def test_a_file_oxigraph_refuses_is_an_input_error_naming_file_and_line(tmp_path: Path) -> None:
    # rdflib accepts both lines (a lone surrogate escape, a bare-word in an IRI), Oxigraph does
    # not: the file is invalid Turtle, so rdflib's lenient triples must not be kept.
    f = tmp_path / "bad.ttl"
    f.write_text(
        "<http://e/s> <http://e/p> <http://e/o> .\n<http://e/s> <http://e/p> <\\ud800> .\n"
    )
    with pytest.raises(InputError, match=r"bad\.ttl"):
        KnowledgeGraph.load(data=[f], ontology=[], shapes=[], store="oxigraph")
    f.write_text("<http://e/s> <http://e/p> <http://e/o> .\n<http://e/s> <http://e/p> .\n")
    with pytest.raises(InputError, match=r"bad\.ttl:2: malformed turtle"):
        KnowledgeGraph.load(data=[f], ontology=[], shapes=[], store="oxigraph")
    with pytest.raises(InputError, match=r"bad\.ttl:2: malformed turtle"):
        OxigraphStore().read_graph([f])


def test_a_token_over_oxigraphs_limit_is_read_by_rdflib(tmp_path: Path) -> None:
    # Oxigraph refuses a single token over 16 MiB (MemoryError); the file is valid.
    f = tmp_path / "big.nt"
    value = "x" * (17 << 20)
    f.write_text(f'<http://e/s> <http://e/p> "{value}" .\n', encoding="utf-8")
    kg = KnowledgeGraph.load(data=[f], ontology=[], shapes=[], store="oxigraph")
    assert [len(str(o)) for _, _, o in kg.store.union()] == [len(value)]


def test_typed_literals_come_back_as_stored() -> None:
    # from_ox must not re-normalise: "PT0S" is not rewritten to "P0D", "01" stays "01".
    for lexical, datatype in (("PT0S", "dayTimeDuration"), ("01", "integer"), ("1E0", "double")):
        dt = f"http://www.w3.org/2001/XMLSchema#{datatype}"
        term = from_ox(ox.Literal(lexical, datatype=ox.NamedNode(dt)))
        assert isinstance(term, Literal)
        assert (str(term), str(term.datatype)) == (lexical, dt)


def test_shapes_keep_lexical_forms_and_prefixes(tmp_path: Path) -> None:
    f = tmp_path / "shapes.ttl"
    f.write_text("@prefix ex: <http://e/> .\nex:s ex:max 4.0, 01 .\n", encoding="utf-8")
    graph = OxigraphStore().read_graph([f])
    assert sorted(str(o) for o in graph.objects()) == ["01", "4.0"]
    assert ("ex", URIRef("http://e/")) in set(graph.namespaces())


def test_a_triple_term_is_an_input_error_naming_file_and_line(tmp_path: Path) -> None:
    data = tmp_path / "star.ttl"
    data.write_text(
        '<http://a> <http://p> "x" .\n<http://a> <http://p> "y" {| <http://q> 1 |} .\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"star\.ttl:2: RDF 1\.2 triple terms"):
        OxigraphStore().load_files([], [data])
    plain = tmp_path / "tilde.ttl"
    plain.write_text("<http://a> <http://p> <http://x/~u> .\n", encoding="utf-8")
    store = OxigraphStore()
    store.load_files([], [plain])  # a ~ in an IRI is no triple term
    assert len(store.union()) == 1


def test_triples_match_the_memory_store_pattern_by_pattern() -> None:
    # A triple stated in two graphs and in the default graph is one triple of the view, and the
    # inferred graph belongs to the reasoned view only.
    a, b, c, p = (URIRef(f"urn:{x}") for x in "abcp")
    ds = Dataset()
    ds.add((a, p, b, URIRef("urn:g1")))
    ds.add((a, p, b, URIRef("urn:g2")))
    ds.add((a, p, Literal(1)))
    ds.add((b, RDFS.label, Literal("B"), URIRef("urn:g1")))
    inferred = Graph()
    inferred.add((b, p, c))
    inferred.add((a, p, b))
    stores = {}
    for kind in ("memory", "oxigraph"):
        kg = KnowledgeGraph.load(data=[], store=kind)
        kg.store.add_dataset(ds)
        kg.store.set_inferred(inferred)
        stores[kind] = kg.store
    patterns = [
        (None, None, None),
        (a, None, None),
        (None, p, b),
        (None, None, Literal(1)),
        (Literal(1), None, None),
        (None, Literal(1), None),
        (b, p, c),
    ]
    for reasoned in (False, True):
        for pattern in patterns:
            found = {k: sorted(s.triples(pattern, reasoned)) for k, s in stores.items()}
            assert found["oxigraph"] == found["memory"], (pattern, reasoned)
            assert len(found["oxigraph"]) == len(set(found["oxigraph"]))


def test_a_closure_that_does_not_parse_leaves_no_inferred_graph() -> None:
    store = OxigraphStore()
    store.add_graph(None, Graph().add((URIRef("urn:a"), URIRef("urn:p"), URIRef("urn:b"))))
    good = b"".join(b"<urn:s%d> <urn:p> <urn:o> .\n" % i for i in range(5000))
    assert store.load_inferred(good) and store.has_inferred()
    assert not store.load_inferred(good + b"<urn:broken> <urn:p .\n")
    assert not store.has_inferred()
    assert len(store.ox) == 1
    assert store.load_inferred(b"") and store.has_inferred()  # an empty closure is kept


@pytest.mark.parametrize("threshold", [1, 10**9], ids=["bulk", "transaction"])
def test_added_quads_are_the_same_however_they_are_written(
    monkeypatch: pytest.MonkeyPatch, threshold: int
) -> None:
    import kgtool.store.oxigraph as module

    monkeypatch.setattr(module, "BULK_EXTEND_QUADS", threshold)
    data = Dataset()
    for i in range(50):
        data.graph(URIRef(f"urn:g{i % 3}")).add(
            (URIRef(f"urn:s{i % 7}"), URIRef("urn:p"), Literal(i))
        )
    data.add((BNode("b"), URIRef("urn:p"), Literal("x", lang="en")))
    store = OxigraphStore()
    store.add_dataset(data)
    store.set_inferred(Graph().add((URIRef("urn:s0"), RDFS.label, Literal("zero"))))
    expected = OxigraphStore()
    monkeypatch.setattr(module, "BULK_EXTEND_QUADS", 10**9)
    expected.add_dataset(data)
    expected.set_inferred(Graph().add((URIRef("urn:s0"), RDFS.label, Literal("zero"))))
    assert list(store.ox) == list(expected.ox)  # the same quads, in the same order
    assert len(list(store.ox)) == 52


@pytest.mark.parametrize(
    ("body", "again"),
    [
        ('ex:a ex:p ex:b, "x"@en .', True),
        ("ex:a ex:p [ ex:q ex:b ] .", False),  # a parse labels the blank node anew
        ('ex:a ex:p "01"^^xsd:integer .', False),  # the store keeps 1, not the 01 written
        ("ex:a ex:p ex:b .", "edited"),
    ],
    ids=["plain", "blank-node", "by-value", "edited"],
)
def test_the_reasoner_reads_the_inputs_again_only_where_they_are_the_store(
    tmp_path: Path, body: str, again: bool | str
) -> None:
    data = tmp_path / "data.ttl"
    head = (
        "@prefix ex: <http://example.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    )
    data.write_text(head + body + "\n", encoding="utf-8")
    ontology = tmp_path / "ontology.ttl"
    ontology.write_text(head + "ex:p a <http://www.w3.org/2002/07/owl#ObjectProperty> .\n")
    store = OxigraphStore()
    store.load_files([ontology], [data])
    if again == "edited":
        data.write_text(head + "ex:a ex:p ex:c .\n", encoding="utf-8")
    read_again = store._inputs_again()
    assert (read_again is not None) is (again is True)
    triples, known = store.asserted_for_reasoning()
    # Whichever way they were read, they are the store's own triples, terms and all.
    expected = {
        (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
        for q in store.ox
        if q.graph_name != UNION_GRAPH
    }
    assert triples == expected and len(triples) >= 2
    assert all(
        known[term]
        in {q.subject for q in store.ox}
        | {q.predicate for q in store.ox}
        | {q.object for q in store.ox}
        for triple in triples
        for term in triple
    )
