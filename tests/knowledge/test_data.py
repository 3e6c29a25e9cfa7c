"""The knowledge itself: ontology, facts, provenance, shapes, canonical files.

These tests read the bundled ontology/ and graph/ and check the promises the README makes about
them: OWL 2 RL consistency, SHACL conformance, a source sentence for every asserted fact, verbatim
quotes, contradictions kept as data, only verified Wikidata links, canonical Turtle, and that a
user can ask in plain schema.org terms after reasoning.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from kgtool.build import build
from kgtool.core import paths
from kgtool.core.namespaces import (
    GRAPH_EDITORIAL,
    GRAPH_SOURCES,
    GRAPH_WIKIDATA,
    ID,
    KG,
    SCHEMA,
    SRC,
    WD,
)
from kgtool.export import render_export
from kgtool.graph import KnowledgeGraph
from kgtool.io.canonical import canonical_text
from kgtool.reason.engine import reason
from kgtool.validate.engine import validate
from tests.conftest import assert_isomorphic

ARTICLE_TEXT = (paths.graph_dir() / "source" / "eleutherai-wikipedia.txt").read_text("utf-8")
CANONICAL_FILES = [
    paths.ontology_file(),
    paths.shapes_file(),
    *sorted(paths.graph_dir().glob("*.trig")),
]


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.load()


@pytest.fixture(scope="module")
def reasoned() -> KnowledgeGraph:
    kg = KnowledgeGraph.load()
    reason(kg)
    return kg


def sentence_graphs(kg: KnowledgeGraph) -> dict[URIRef, Graph]:
    sources = kg.store.named_graph(GRAPH_SOURCES)
    return {
        URIRef(s): kg.store.named_graph(URIRef(s))
        for s in sources.subjects(RDF.type, KG.SourceSentence)
    }


# --- ontology -------------------------------------------------------------------------------


def test_ontology_header(kg: KnowledgeGraph) -> None:
    onto = kg.ontology
    header = URIRef("https://w3id.org/eleutherai-kg/ontology")
    assert (header, RDF.type, OWL.Ontology) in onto
    for predicate in ("versionIRI",):
        assert onto.value(header, OWL[predicate]) is not None
    for predicate in ("title", "license", "created", "modified", "creator"):
        assert onto.value(header, URIRef("http://purl.org/dc/terms/" + predicate)) is not None


def test_every_term_is_documented(kg: KnowledgeGraph) -> None:
    onto = kg.ontology
    missing = []
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in onto.subjects(RDF.type, kind):
            needed = [RDFS.label, RDFS.comment, RDFS.isDefinedBy]
            if kind != OWL.Class:
                needed += [RDFS.domain, RDFS.range]
            missing += [f"{term} {p}" for p in needed if onto.value(term, p) is None]
    assert missing == []


def test_naming_conventions(kg: KnowledgeGraph) -> None:
    onto = kg.ontology
    for term in onto.subjects(RDF.type, OWL.Class):
        if str(term).startswith(str(KG)):
            assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", str(term)[len(str(KG)) :]), term
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in onto.subjects(RDF.type, kind):
            assert re.fullmatch(r"[a-z][A-Za-z0-9]*", str(term)[len(str(KG)) :]), term


def test_every_class_and_property_is_aligned_to_schema_org(kg: KnowledgeGraph) -> None:
    """Every class reaches a schema.org class; the properties the issue names are aligned."""
    onto = kg.ontology
    for cls in onto.subjects(RDF.type, OWL.Class):
        supers = set(onto.transitive_objects(cls, RDFS.subClassOf))
        assert any(str(s).startswith(str(SCHEMA)) for s in supers) or cls in (
            KG.Agent,
            KG.Claim,
            KG.Contradiction,
            KG.EditorialNote,
            # A statement the article attributes or hedges, and a loose group of people: schema.org
            # has no class for either (schema:Claim is pending; a group is no schema:Organization).
            KG.AttributedClaim,
            KG.Group,
        ), f"{cls} has no schema.org superclass"
    for ours, theirs in [
        (KG.founder, SCHEMA.founder),
        (KG.foundingDate, SCHEMA.foundingDate),
        (KG.releaseDate, SCHEMA.datePublished),
        (KG.developer, SCHEMA.creator),
        (KG.funder, SCHEMA.funder),
        (KG.award, SCHEMA.award),
        (KG.license, SCHEMA.license),
        (KG.member, SCHEMA.member),
        (KG.memberOf, SCHEMA.memberOf),
        (RDFS.label, SCHEMA.name),
        (OWL.sameAs, SCHEMA.sameAs),
    ]:
        assert (ours, RDFS.subPropertyOf, theirs) in onto


def test_wikidata_property_mappings(kg: KnowledgeGraph) -> None:
    from rdflib.namespace import SKOS

    expected = {
        KG.founder: "P112",
        KG.foundingDate: "P571",
        KG.developer: "P178",
        KG.releaseDate: "P577",
        KG.license: "P275",
        KG.award: "P166",
        KG.nominatedFor: "P1411",
    }
    for term, pid in expected.items():
        assert (term, SKOS.exactMatch, WD[pid]) in kg.ontology


def test_owl_constructs_that_earn_their_keep(kg: KnowledgeGraph) -> None:
    onto = kg.ontology
    assert (KG.founder, OWL.inverseOf, KG.founderOf) in onto
    assert (KG.Person, OWL.disjointWith, KG.Organization) in onto
    assert (KG.partOf, RDF.type, OWL.TransitiveProperty) in onto
    assert (KG.releaseDate, RDF.type, OWL.FunctionalProperty) in onto


def test_ontology_and_facts_are_owl_rl_consistent(reasoned: KnowledgeGraph) -> None:
    # reason() raises InconsistencyError on any clash owlrl reports.
    inferred = reasoned.store.inferred()
    assert inferred is not None and len(inferred) > 0
    assert not list(inferred.subjects(RDF.type, OWL.Nothing))


# --- schema.org view after reasoning ----------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "predicate", "obj"),
    [
        (ID.EleutherAI, SCHEMA.name, Literal("EleutherAI", lang="en")),
        (ID.EleutherAI, SCHEMA.founder, ID.Connor_Leahy),
        (ID.EleutherAI, SCHEMA.foundingDate, Literal("2020-07-07", datatype=XSD.date)),
        (ID["GPT-J-6B"], SCHEMA.datePublished, Literal("2021-06-09", datatype=XSD.date)),
        (ID["GPT-J-6B"], SCHEMA.creator, ID.EleutherAI),
        (ID.EleutherAI, SCHEMA.funder, ID.CoreWeave),
        (ID.EleutherAI, SCHEMA.award, ID.Netexplo_Global_Innovation_Award),
        (ID["GPT-J-6B"], SCHEMA.license, ID["Apache-2.0"]),
        (ID.Katherine_Crowson, SCHEMA.memberOf, ID.EleutherAI),
        (ID.EleutherAI, SCHEMA.member, ID.Katherine_Crowson),
        (ID.OpenAI, SCHEMA.sameAs, WD.Q21708200),
        (ID.Connor_Leahy, KG.founderOf, ID.EleutherAI),
        (ID["GPT-Neo-125M"], KG.partOf, ID["GPT-Neo-series"]),
    ],
    ids=lambda t: t.n3().rsplit("/", 1)[-1].rstrip(">") if hasattr(t, "n3") else str(t),
)
def test_plain_schema_org_questions_after_reasoning(
    reasoned: KnowledgeGraph, subject: URIRef, predicate: URIRef, obj: URIRef
) -> None:
    assert (subject, predicate, obj) in reasoned.store.union(reasoned=True)
    assert (subject, predicate, obj) not in reasoned.store.union(reasoned=False) or predicate in (
        KG.partOf,
    )


# --- facts and provenance -------------------------------------------------------------------


def test_every_quote_is_verbatim_in_the_shipped_article(kg: KnowledgeGraph) -> None:
    sources = kg.store.named_graph(GRAPH_SOURCES)
    positions = []
    for sentence in sources.subjects(RDF.type, KG.SourceSentence):
        quote = str(sources.value(sentence, KG.quote))
        at = ARTICLE_TEXT.find(quote)
        assert at >= 0, f"{sentence}: quote not found verbatim"
        positions.append((int(sources.value(sentence, KG.position)), at, sentence))
    # kg:position follows the order of the sentences in the article.
    assert [s for _, _, s in sorted(positions)] == [
        s for _, _, s in sorted(positions, key=lambda t: t[1])
    ]


def test_reference_numbers_stand_at_their_sentence(kg: KnowledgeGraph) -> None:
    """Each kg:referenceNumber is a marker inside the sentence or right after it."""
    sources = kg.store.named_graph(GRAPH_SOURCES)
    for sentence in sources.subjects(RDF.type, KG.SourceSentence):
        quote = str(sources.value(sentence, KG.quote))
        at = ARTICLE_TEXT.find(quote)
        tail = ARTICLE_TEXT[at + len(quote) :]
        after = re.match(r"((?:\s*\[ \d+ \])*)", tail)
        around = quote + (after.group(1) if after else "")
        markers = {int(n) for n in re.findall(r"\[ (\d+) \]", around)}
        # Markers inside a sentence that belong to its first words (lead-1's pronunciation) count.
        numbers = {int(n) for n in sources.objects(sentence, KG.referenceNumber)}
        assert numbers <= markers, f"{sentence}: {numbers - markers} not at the sentence"
        assert markers <= numbers, f"{sentence}: markers {markers - numbers} not recorded"


def test_every_asserted_fact_has_a_source(kg: KnowledgeGraph) -> None:
    """Every triple about an entity stands in a sentence graph (sameAs: in the Wikidata graph)."""
    graphs = sentence_graphs(kg)
    sourced: set[tuple] = set()
    for graph in graphs.values():
        sourced.update(graph)
    wikidata = set(kg.store.named_graph(GRAPH_WIKIDATA))
    unsourced = [
        t
        for t in kg.store.union()
        if str(t[0]).startswith(str(ID)) and t not in sourced and t not in wikidata
    ]
    assert unsourced == []
    assert all(p == OWL.sameAs for _s, p, _o in wikidata)


def test_sentence_graphs_and_sentence_descriptions_match(kg: KnowledgeGraph) -> None:
    graphs = sentence_graphs(kg)
    named = {n for n in kg.store.graph_names() if str(n).startswith(str(SRC))}
    assert set(graphs) == named
    assert all(len(g) > 0 for g in graphs.values())
    assert len(graphs) == 46


def test_every_entity_has_one_english_label(kg: KnowledgeGraph) -> None:
    union = kg.store.union()
    entities = {s for s in union.subjects(RDF.type, None) if str(s).startswith(str(ID))}
    assert len(entities) > 100
    for entity in entities:
        labels = list(union.objects(entity, RDFS.label))
        assert len(labels) == 1, f"{entity}: {labels}"
        assert isinstance(labels[0], Literal)
        if (entity, RDF.type, KG.Word) in union:
            # A word is labelled in its own language ("eleutheria", Greek in Latin letters).
            language = str(union.value(entity, KG.language))
            assert labels[0].language.split("-")[0] == language, labels[0].language
        else:
            assert labels[0].language == "en"


def test_typed_literals(kg: KnowledgeGraph) -> None:
    union = kg.store.union()
    assert union.value(ID["GPT-NeoX-20B"], KG.parameterCount) == Literal(20_000_000_000)
    incorporation = ID["EleutherAI-incorporation"]
    assert union.value(incorporation, KG.date) == Literal("2023", datatype=XSD.gYear)
    assert union.value(incorporation, KG.dateText) == Literal("early 2023", lang="en")
    assert union.value(ID["Proof_News-investigation"], KG.date) == Literal(
        "2024-07", datatype=XSD.gYearMonth
    )
    size = union.value(ID.The_Pile, KG.size)
    assert union.value(size, SCHEMA.value) == Literal(886)
    assert union.value(size, SCHEMA.unitText) == Literal("GB")


def test_contradictions_are_data(kg: KnowledgeGraph) -> None:
    """Both spellings of a founder and both GPT-J release dates are kept, each with its source."""
    union = kg.store.union()
    editorial = kg.store.named_graph(GRAPH_EDITORIAL)
    contradictions = set(editorial.subjects(RDF.type, KG.Contradiction))
    assert len(contradictions) == 2
    values = {}
    for c in contradictions:
        claims = set(editorial.objects(c, KG.hasClaim))
        assert len(claims) == 2
        preferred = editorial.value(c, KG.preferredClaim)
        assert preferred in claims
        assert editorial.value(c, KG.rationale) is not None
        for claim in claims:
            sentence = union.value(claim, KG.statedIn)
            assert (sentence, RDF.type, KG.SourceSentence) in union
            # The claim itself stands in the graph of the sentence that makes it.
            assert (
                claim,
                KG.claimValue,
                union.value(claim, KG.claimValue),
            ) in kg.store.named_graph(sentence)
            values[str(union.value(claim, KG.valueAsStated))] = claim == preferred
    assert values == {
        "Leo Gao": True,
        "Len Gao": False,
        "June 9, 2021": True,
        "March 2021": False,
    }
    # The graph asserts the preferred values and keeps the other name as a hidden label (a
    # presumed misspelling that search still finds, not a name to show).
    assert union.value(ID["GPT-J-6B"], KG.releaseDate) == Literal("2021-06-09", datatype=XSD.date)
    assert (
        ID.Leo_Gao,
        URIRef("http://www.w3.org/2004/02/skos/core#hiddenLabel"),
        Literal("Len Gao", lang="en"),
    ) in union


def _verified_qids() -> dict[str, str]:
    text = (paths.graph_dir() / "wikidata-qids.md").read_text("utf-8")
    items = text.split("## Items", 1)[1].split("## Properties", 1)[0]
    rows = {}
    for line in items.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and re.fullmatch(r"Q\d+", cells[1]):
            rows[cells[1]] = cells[2]
    return rows


def test_wikidata_links_use_only_verified_qids(kg: KnowledgeGraph) -> None:
    verified = _verified_qids()
    links = list(kg.store.named_graph(GRAPH_WIKIDATA).subject_objects(OWL.sameAs))
    assert len(links) == 18
    union = kg.store.union()
    for entity, item in links:
        qid = str(item).rsplit("/", 1)[-1]
        assert qid in verified, f"{entity} -> {qid} is not in graph/wikidata-qids.md"
        ours = str(union.value(entity, RDFS.label)).lower()
        theirs = verified[qid].lower()
        assert ours in theirs or theirs in ours or ours.split()[0] in theirs, (ours, theirs)
    # The wrong Discord QID that one public list gives is not used.
    assert (ID.Discord, OWL.sameAs, WD.Q1848638) not in union


# --- shapes ---------------------------------------------------------------------------------


def test_shipped_graph_conforms(kg: KnowledgeGraph) -> None:
    report = validate(kg)
    assert report.conforms, report.to_text()


def test_shipped_graph_conforms_after_reasoning() -> None:
    kg = KnowledgeGraph.load()
    report = validate(kg, inference="owlrl")
    assert report.counts()["Violation"] == 0, report.to_text()


def test_a_node_shape_for_every_class(kg: KnowledgeGraph) -> None:
    targets = set(kg.shapes.objects(None, SH.targetClass))
    classes = {c for c in kg.ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(KG))}
    assert classes - targets == set()


def test_a_named_property_shape_for_every_property_used(kg: KnowledgeGraph) -> None:
    paths_used = set(kg.shapes.objects(None, SH.path))
    facts = Graph()
    for graph in sentence_graphs(kg).values():
        facts += graph
    facts += kg.store.named_graph(GRAPH_EDITORIAL)
    facts += kg.store.named_graph(GRAPH_SOURCES)
    used = {p for p in facts.predicates() if p != RDF.type}
    assert used - paths_used == set()
    for shape in kg.shapes.subjects(RDF.type, SH.PropertyShape):
        assert isinstance(shape, URIRef), "property shapes get IRIs, not blank nodes"
        for predicate in (SH.name, SH.message, RDFS.label, RDFS.comment, RDFS.seeAlso):
            assert kg.shapes.value(shape, predicate) is not None, (shape, predicate)


def test_no_shape_targets_nothing(kg: KnowledgeGraph) -> None:
    from kgtool.validate.engine import idle_shapes

    assert idle_shapes(kg) == []


# --- files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CANONICAL_FILES, ids=lambda p: p.name)
def test_committed_turtle_is_canonical(path: Path) -> None:
    assert path.read_text("utf-8") == canonical_text(path), "run `kgtool canonicalize`"


def test_derived_files_are_fresh(kg: KnowledgeGraph) -> None:
    assert build(kg, check=True) == [], "run `kgtool build`"


def test_jsonld_and_trig_forms_are_isomorphic(kg: KnowledgeGraph) -> None:
    trig = Dataset()
    trig.parse(data=render_export(kg, "trig"), format="trig")
    jsonld = Dataset()
    jsonld.parse(data=render_export(kg, "jsonld"), format="json-ld")
    names = {g.identifier for g in trig.graphs() if len(g)}
    assert names == {g.identifier for g in jsonld.graphs() if len(g)}
    for name in names:
        assert_isomorphic(trig.graph(name), jsonld.graph(name))
    turtle = Graph().parse(data=render_export(kg, "turtle"), format="turtle")
    assert_isomorphic(kg.store.union(), turtle)


def test_readme_counts_match_the_void_description(kg: KnowledgeGraph) -> None:
    from kgtool.core.namespaces import DATASET_IRI, VOID

    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    void = kg.store.union()
    triples = int(void.value(DATASET_IRI, VOID.triples))
    entities = int(void.value(DATASET_IRI, VOID.entities))
    assert f"{triples:,} triples outside the VoID graph, {entities} entities" in readme


def test_readme_counts_the_ontology(kg: KnowledgeGraph) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    onto = kg.ontology
    classes = len(set(onto.subjects(RDF.type, OWL.Class)))
    objects = len(set(onto.subjects(RDF.type, OWL.ObjectProperty)))
    datatypes = len(set(onto.subjects(RDF.type, OWL.DatatypeProperty)))
    assert f"{classes} classes, {objects} object and {datatypes} datatype properties" in readme


# --- quality checks (queries/checks/*-violation.rq) -----------------------------------------

CHECK_DIR = paths.checks_dir()
CHECKS = sorted(CHECK_DIR.glob("*-violation.rq"))
CHECK_FIXTURES = Path(__file__).parents[1] / "data" / "checks"


def test_shipped_graph_passes_every_check(kg: KnowledgeGraph) -> None:
    from kgtool.query.check import check

    report = check(kg)
    assert report.passed, report.to_text()


@pytest.mark.parametrize("query", CHECKS, ids=lambda p: p.stem)
def test_every_check_fires_on_its_fixture(query: Path, tmp_path: Path) -> None:
    """tests/data/checks/<check>.trig holds the defect the check exists for (style guide §20)."""
    import shutil

    from kgtool.query.check import check

    fixture = CHECK_FIXTURES / f"{query.stem}.trig"
    assert fixture.exists(), f"{query.name} has no fixture {fixture.name}"
    only = tmp_path / "checks"
    only.mkdir()
    shutil.copy(query, only / query.name)
    report = check(KnowledgeGraph.load(data=[fixture]), only)
    assert not report.passed, f"{query.stem} does not fire on {fixture.name}"


_LABEL_CHECK_DATA = r"""
@prefix kg: <https://w3id.org/eleutherai-kg/ontology/> .
@prefix id: <https://w3id.org/eleutherai-kg/id/> .
@prefix src: <https://w3id.org/eleutherai-kg/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/eleutherai-kg/graph/sources> {
    src:s1 a kg:SourceSentence ; kg:quote "They   trained\nFOO ." .
    src:s2 a kg:SourceSentence ; kg:quote "bar was next" .
    src:s3 a kg:SourceSentence ; kg:quote _:notText .
}
src:s1 {
    id:A a kg:Model ; rdfs:label "trained foo." .
    id:B a kg:Model ; rdfs:label "foo.\nbar" .
    id:C a kg:Model ; rdfs:label "foo. bar" .
    id:D a kg:Model ; rdfs:label "" .
}
"""


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
@pytest.mark.parametrize("sentences", [True, False], ids=["sentences", "no-sentences"])
def test_label_not_in_article_reads_each_sentence_apart(
    store: str, sentences: bool, tmp_path: Path
) -> None:
    """A label is in the article when one sentence holds it: never across two sentences (even
    with a line break in the label), a quote that is not text hides nothing, and the empty
    label is in any article that has a sentence."""
    from rdflib import Variable

    from kgtool.query.run import run_query

    text = _LABEL_CHECK_DATA
    if not sentences:
        text = re.sub(
            r"<https://w3id.org/eleutherai-kg/graph/sources> \{.*?\n\}", "", text, flags=re.S
        )
    data = tmp_path / "labels.trig"
    data.write_text(text, encoding="utf-8")
    kg = KnowledgeGraph.load(data=[data], store=store)
    outcome = run_query(kg, CHECK_DIR / "label-not-in-article-violation.rq")
    found = {str(row[Variable("entity")]).rsplit("/", 1)[1] for row in outcome.result.bindings}
    assert found == ({"B", "C"} if sentences else {"A", "B", "C", "D"})


def test_reasoning_adds_no_reflexive_sameas(reasoned: KnowledgeGraph) -> None:
    inferred = reasoned.store.inferred()
    reflexive = [t for t in inferred if t[0] == t[2]]
    assert reflexive == []


def test_reasoning_types_no_suite_or_series_as_a_model(reasoned: KnowledgeGraph) -> None:
    union = reasoned.store.union(reasoned=True)
    for collection in (KG.ModelSuite, KG.ModelSeries):
        for entity in union.subjects(RDF.type, collection):
            assert (entity, RDF.type, KG.Model) not in union, entity


def test_article_level_facts_are_in_the_article_graph(kg: KnowledgeGraph) -> None:
    """Categories and See also are facts of the article as a whole, not of a sentence."""
    from kgtool.core.namespaces import ARTICLE_IRI

    article = kg.store.named_graph(URIRef("https://w3id.org/eleutherai-kg/graph/article"))
    categories = set(article.objects(ARTICLE_IRI, KG.inCategory))
    assert len(categories) == 5
    assert len(set(article.objects(ARTICLE_IRI, KG.seeAlsoArticle))) == 1
    # The pronunciation is in the lead's first sentence, so it stands in that sentence's graph.
    lead = kg.store.named_graph(SRC["lead-1"])
    ipa = "/\u0259\u02c8lu\u02d0\u03b8\u0259r/"  # the IPA in lead-1
    assert lead.value(ID.EleutherAI, KG.pronunciation) == Literal(ipa, lang="en-fonipa")


def test_hedged_statements_are_claims_not_facts(kg: KnowledgeGraph) -> None:
    union = kg.store.union()
    assert (ID.EleutherAI, KG.openSourceCounterpartOf, ID.OpenAI) not in union
    assert (ID["VQGAN-CLIP"], KG.motivatedFoundingOf, ID.Stability_AI) not in union
    hedges = {str(h) for h in union.objects(None, KG.hedge)}
    assert {"considered", "According to their website", "was credited by"} <= hedges
