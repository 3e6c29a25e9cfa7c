"""SHACL validation and OWL RL reasoning: exit codes, reports, inferred graph kept apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from kgtool.core.namespaces import GRAPH_INFERRED, ID, KG
from kgtool.graph import KnowledgeGraph
from kgtool.reason.engine import reason
from kgtool.validate.engine import validate
from tests.conftest import FACTS, INVALID, ONTOLOGY, SHAPES, Invoke

#: A term of the fixture ontology (tests/data/lib), not of the bundled one.
FOUNDED = URIRef(str(KG) + "founded")


def test_valid_data_conforms_but_warns(invoke: Invoke) -> None:
    result = invoke(["validate"])
    assert result.exit_code == 0, result.output
    assert "0 violations, 1 warning" in result.stdout


def test_warning_fails_with_fail_on_warning(invoke: Invoke) -> None:
    assert invoke(["validate", "--fail-on", "warning"]).exit_code == 1


def test_violation_exits_1_and_names_the_shape(invoke: Invoke) -> None:
    result = invoke(["validate", "--data", str(INVALID / "ModelShape-no-developer.trig")])
    assert result.exit_code == 1
    assert "shape:ModelShape-developer" in result.stdout
    assert "id:Orphan-Model" in result.stdout


def test_json_report() -> None:
    kg = KnowledgeGraph.load(
        data=[FACTS, INVALID / "ModelShape-no-developer.trig"], ontology=[ONTOLOGY], shapes=[SHAPES]
    )
    report = json.loads(validate(kg).to_json())
    assert report["conforms"] is False
    assert report["counts"] == {"Violation": 1, "Warning": 1, "Info": 0}
    assert report["results"][0]["severity"] == "Violation"


def test_turtle_report_is_a_shacl_report(invoke: Invoke) -> None:
    result = invoke(["validate", "--format", "turtle"])
    g = Graph().parse(data=result.stdout, format="turtle")
    assert (None, RDF.type, SH.ValidationReport) in g


def test_validation_sees_across_named_graphs(kg: KnowledgeGraph) -> None:
    # id:EleutherAI's label and its founders sit in different sentence graphs; a per-graph
    # validation would miss the founder in src:history-2. One merged graph sees everything.
    assert validate(kg, inference="rdfs").counts()["Violation"] == 0


def test_reason_infers_into_its_own_graph(kg: KnowledgeGraph) -> None:
    before = len(kg.store.union())
    result = reason(kg)
    inferred = (ID["Connor-Leahy"], FOUNDED, ID.EleutherAI)
    assert inferred in result.inferred
    assert result.inferred.identifier == GRAPH_INFERRED
    assert inferred not in kg.store.union(reasoned=False)
    assert inferred in kg.store.union(reasoned=True)
    assert len(kg.store.union()) == before


def test_reason_drops_noise(kg: KnowledgeGraph) -> None:
    from rdflib.namespace import OWL

    inferred = reason(kg).inferred
    assert (ID.EleutherAI, OWL.sameAs, ID.EleutherAI) not in inferred
    assert (ID.EleutherAI, RDF.type, OWL.Thing) not in inferred
    assert not any(str(s).startswith(str(OWL)) for s in inferred.subjects())


def test_rdfs_profile_infers_less(kg: KnowledgeGraph) -> None:
    rdfs = reason(kg, "rdfs").inferred
    assert (ID["GPT-J-6B"], RDF.type, KG.Model) in rdfs
    assert (ID["Connor-Leahy"], FOUNDED, ID.EleutherAI) not in rdfs


def test_reason_cli_writes_graph_and_counts(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke(["reason"])
    assert result.exit_code == 0
    assert "Inferred " in result.stderr
    g = Graph().parse(data=result.stdout, format="turtle")
    assert (ID["The-Pile"], KG.partOf, ID.Datasets) in g
    out = tmp_path / "inferred.ttl"
    result = invoke(["reason", "-o", str(out)])
    assert result.exit_code == 0 and "Inferred " in result.stdout
    assert len(Graph().parse(out)) == len(g)


def test_inconsistency_exits_1(invoke: Invoke) -> None:
    result = invoke(["reason", "--data", str(INVALID / "PersonShape-disjoint-clash.trig")])
    assert result.exit_code == 1
    assert "inconsistent" in result.stderr and "Janus" in result.stderr
    assert result.stdout == ""


def test_reason_trig_names_the_inferred_graph(invoke: Invoke) -> None:
    from kgtool.io.parse import parse_text

    result = invoke(["reason", "--format", "trig"])
    ds = parse_text(result.stdout, "trig", "out.trig")
    assert [g.identifier for g in ds.graphs() if len(g)] == [GRAPH_INFERRED]


def test_broken_shapes_are_an_input_error(invoke: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "shapes.ttl"
    bad.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        f"<http://e/S> a sh:NodeShape ; sh:targetClass <{KG.Person}> ;\n"
        '  sh:sparql [ sh:select "SELECT $this WHERE { broken" ] .\n',
        encoding="utf-8",
    )
    result = invoke(
        ["validate", "--data", str(FACTS), "--ontology", str(ONTOLOGY), "--shapes", str(bad)],
        fixture=False,
    )
    assert result.exit_code == 2, result.output
    assert "shapes cannot be used" in result.stderr


_IMPORTED_PREFIX_SHAPES = """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<urn:x:vocab> sh:declare [ sh:prefix "zz" ; sh:namespace "http://example.org/zz#"^^xsd:anyURI ] .
<urn:x:prefixes> owl:imports <urn:x:vocab> .
<urn:x:Shape> a sh:NodeShape ;
    sh:targetNode <http://example.org/zz#a> ;
    sh:sparql [ sh:prefixes <urn:x:prefixes> ;
        sh:select "SELECT $this ?value WHERE { $this zz:p ?value }" ] .
"""


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
def test_sparql_constraint_reads_prefixes_declared_by_imported_ontologies(
    tmp_path: Path, store: str, engine: str
) -> None:
    # sh:prefixes/owl:imports*/sh:declare (SHACL 5.2.1); the data binds no "zz" prefix.
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(_IMPORTED_PREFIX_SHAPES, encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text("<http://example.org/zz#a> <http://example.org/zz#p> 1 .\n", "utf-8")
    kg = KnowledgeGraph.load(data=[data], ontology=[], shapes=[shapes], store=store)
    report = validate(kg, engine=engine)
    assert not report.conforms
    assert [r.focus_node for r in report.results] == ["<http://example.org/zz#a>"]


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
@pytest.mark.parametrize("store", ["memory", "oxigraph"])
@pytest.mark.parametrize("with_rule", [False, True], ids=["no-rule", "rule"])
def test_validation_leaves_the_data_as_it_was(
    store: str, with_rule: bool, engine: str, tmp_path: Path
) -> None:
    # pySHACL validates in place unless a SHACL rule could add to the data graph; then it works
    # on a copy, so the rule's triples count in the report but never reach the store's view.
    data = tmp_path / "data.ttl"
    data.write_text("@prefix ex: <http://example.org/> .\nex:a a ex:Thing .\n", encoding="utf-8")
    rule = (
        """
ex:RuleShape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:rule [ a sh:TripleRule ; sh:subject sh:this ; sh:predicate ex:tag ; sh:object "made" ] .
"""
        if with_rule
        else ""
    )
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix ex: <http://example.org/> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "ex:TagShape a sh:NodeShape ; sh:targetClass ex:Thing ;\n"
        "    sh:property [ sh:path ex:tag ; sh:minCount 1 ] .\n" + rule,
        encoding="utf-8",
    )
    kg = KnowledgeGraph.load(data=[data], ontology=[], shapes=[shapes], store=store)
    view = kg.store.dataset(reasoned=False)
    before, prefixes = len(view), sorted(view.namespaces())
    report = validate(kg, engine=engine)
    assert report.conforms is with_rule  # the rule's tag satisfies the shape
    view = kg.store.dataset(reasoned=False)
    assert len(view) == before == 1
    assert sorted(view.namespaces()) == prefixes  # nor its prefixes, which exports write
