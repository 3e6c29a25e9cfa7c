"""Golden answers for the bundled queries.

Every expected row below was written by hand from the article text (graph/source/), not by
running the query and pasting its output. A failing test prints a row-level diff. Cells that
aggregate several values ("; "-separated) are compared as sets, since SPARQL does not order
GROUP_CONCAT.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import pytest
from click.testing import CliRunner

from kgtool.cli.main import cli
from kgtool.core.errors import ParameterError
from kgtool.core.terms import shorten
from kgtool.graph import KnowledgeGraph
from kgtool.query.catalog import list_queries
from kgtool.query.run import run_query, uses_service

Row = tuple[str, ...]
#: Queries that run offline; federated ones (SERVICE) are tested in test_link.py.
LOCAL = [q for q in list_queries() if not uses_service(q)]


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.load()


def rows(kg: KnowledgeGraph, name: str, params: dict[str, str] | None = None) -> list[Row]:
    outcome = run_query(kg, name, params)
    graph = kg.store.union()
    out = []
    for row in outcome.result:
        out.append(
            tuple(
                "" if v is None else shorten(graph, v) if not hasattr(v, "language") else str(v)
                for v in row
            )
        )
    return out


def normalise(table: Sequence[Row], set_columns: Sequence[int]) -> list[Row]:
    fixed = []
    for row in table:
        cells = list(row)
        for i in set_columns:
            cells[i] = "; ".join(sorted(p for p in cells[i].split("; ") if p))
        fixed.append(tuple(cells))
    return fixed


def assert_rows(
    actual: Sequence[Row], expected: Sequence[Row], set_columns: Sequence[int] = ()
) -> None:
    a = normalise(actual, set_columns)
    e = normalise(expected, set_columns)
    if a != e:
        diff = "\n".join(
            difflib.unified_diff(
                [" | ".join(r) for r in e],
                [" | ".join(r) for r in a],
                "expected",
                "actual",
                lineterm="",
            )
        )
        pytest.fail("rows differ:\n" + diff)


APACHE = "Apache License 2.0"
DEMOCRATIZE = "EleutherAI's work to democratize GPT-3"


def test_founders(kg: KnowledgeGraph) -> None:
    # Lead: "formed ... by Connor Leahy , Sid Black, and Leo Gao"; History: "Len Gao".
    assert_rows(
        rows(kg, "founders"),
        [
            ("id:Connor_Leahy", "Connor Leahy", ""),
            ("id:Leo_Gao", "Leo Gao", "Len Gao"),
            ("id:Sid_Black", "Sid Black", ""),
        ],
    )


def test_founders_of_an_organization_without_any(kg: KnowledgeGraph) -> None:
    assert rows(kg, "founders", {"organization": "OpenAI"}) == []


def test_founders_of_an_unknown_organization(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError):
        rows(kg, "founders", {"organization": "No Such Lab"})


def test_models(kg: KnowledgeGraph) -> None:
    # History: GPT-Neo models March 21, 2021; GPT-J-6B June 9, 2021 (six billion);
    # GPT-NeoX-20B Feb 10, 2022; Apache 2.0 for "these language models" (GPT-Neo, GPT-J);
    # GPT models list: 125M, 1.3B, 2.7B, Pythia (13B), a model suite.
    assert_rows(
        rows(kg, "models"),
        [
            ("id:GPT-Neo", "GPT-Neo", "model suite", "2021-03-21", "", APACHE),
            (
                "id:GPT-Neo-125M",
                "GPT-Neo 125M",
                "language model",
                "2021-03-21",
                "125000000",
                APACHE,
            ),
            (
                "id:GPT-Neo-1.3B",
                "GPT-Neo 1.3B",
                "language model",
                "2021-03-21",
                "1300000000",
                APACHE,
            ),
            (
                "id:GPT-Neo-2.7B",
                "GPT-Neo 2.7B",
                "language model",
                "2021-03-21",
                "2700000000",
                APACHE,
            ),
            ("id:GPT-J-6B", "GPT-J-6B", "language model", "2021-06-09", "6000000000", APACHE),
            ("id:GPT-NeoX-20B", "GPT-NeoX-20B", "language model", "2022-02-10", "20000000000", ""),
            ("id:Pythia", "Pythia", "model suite", "", "13000000000", ""),
        ],
    )


def test_models_by_another_developer(kg: KnowledgeGraph) -> None:
    # The Pile: "Meta AI 's Open Pre-trained Transformers, LLaMA , and Galactica".
    assert [r[1] for r in rows(kg, "models", {"developer": "Meta AI"})] == [
        "Galactica",
        "LLaMA",
        "Open Pre-trained Transformers",
    ]


def test_pile_users(kg: KnowledgeGraph) -> None:
    assert_rows(
        rows(kg, "pile-users"),
        [
            (
                "id:Chinese-Transformer-XL",
                "Chinese-Transformer-XL",
                "id:BAAI",
                "Beijing Academy of Artificial Intelligence",
            ),
            ("id:Galactica", "Galactica", "id:Meta_AI", "Meta AI"),
            ("id:LLaMA", "LLaMA", "id:Meta_AI", "Meta AI"),
            ("id:OPT", "Open Pre-trained Transformers", "id:Meta_AI", "Meta AI"),
            (
                "id:Megatron-Turing_NLG",
                "Megatron-Turing Natural Language Generation",
                "id:Microsoft",
                "Microsoft",
            ),
            ("id:BioMedLM-2.7B", "BioMedLM 2.7B", "id:Stanford_University", "Stanford University"),
            ("id:YaLM-100B", "YaLM 100B", "id:Yandex", "Yandex"),
        ],
    )


def test_pile_users_of_a_dataset_nobody_used(kg: KnowledgeGraph) -> None:
    assert rows(kg, "pile-users", {"dataset": "GPT-J-6B"}) == []


def test_timeline(kg: KnowledgeGraph) -> None:
    got = [(r[0], r[1], r[3], r[4]) for r in rows(kg, "timeline")]
    assert_rows(
        got,
        [
            ("2020-07-07", "July 7, 2020", "founding of EleutherAI", "founding"),
            # History: "rebranding to "EleutherAI" later that month" (the article's words only).
            ("2020-07", "later that month", "renaming of LibreAI to EleutherAI", "renaming"),
            ("2020-12-30", "December 30, 2020", "release of The Pile", "release"),
            ("2021-01", "January 2021", "release of DALL-E", "release"),
            ("2021-03-21", "March 21, 2021", "release of the GPT-Neo models", "release"),
            ("2021-06-09", "June 9, 2021", "release of GPT-J-6B", "release"),
            ("2021", "2021", "AI Innovation Award nomination 2021", "award nomination"),
            ("2021", "2021", "Best of Open Source Software Award 2021", "award receipt"),
            ("2021", "2021", "UNESCO Netexplo Global Innovation Award 2021", "award receipt"),
            ("2021", "by early 2021", "funding from CoreWeave", "funding"),
            ("2021", "by early 2021", "funding from SpellML", "funding"),
            ("2022-02-10", "Feb 10, 2022", "release of GPT-NeoX-20B", "release"),
            ("2022", "2022", "Best of Open Source Software Award 2022", "award receipt"),
            # History: "In 2022, many EleutherAI members participated in the BigScience Research
            # Workshop": the year dates the members' taking part, not the workshop.
            (
                "2022",
                "In 2022",
                "EleutherAI members take part in the BigScience Research Workshop",
                "participation",
            ),
            ("2023", "early 2023", "incorporation of EleutherAI", "incorporation"),
            ("2024-07", "July 2024", "Proof News investigation of The Pile", "investigation"),
        ],
    )


def test_timeline_is_the_same_in_the_reasoned_view(kg: KnowledgeGraph) -> None:
    from kgtool.reason.engine import reason

    reasoned = KnowledgeGraph.load()
    reason(reasoned)
    plain = [r[2] for r in run_query(kg, "timeline").result]
    assert [r[2] for r in run_query(reasoned, "timeline", reasoned=True).result] == plain


def test_leadership(kg: KnowledgeGraph) -> None:
    got = [(r[1], r[2], r[3]) for r in rows(kg, "leadership")]
    assert_rows(
        got,
        [
            ("Curtis Huebner", "runs the non-profit research institute", "2023"),
            ("Shivanshu Purohit", "runs the non-profit research institute", "2023"),
            ("Stella Biderman", "runs the non-profit research institute", "2023"),
            ("Stella Biderman", "executive director", "2025"),
            ("Quentin Anthony", "head of HPC", "2025"),
            ("Nora Belrose", "head of interpretability", "2025"),
            ("Aviya Skowron", "head of policy and ethics", "2025"),
        ],
    )


def test_leadership_of_stability_ai(kg: KnowledgeGraph) -> None:
    # VQGAN-CLIP: "Stability AI CEO Emad Mostaque".
    assert [(r[1], r[2]) for r in rows(kg, "leadership", {"organization": "Stability AI"})] == [
        ("Emad Mostaque", "CEO")
    ]


def test_funders(kg: KnowledgeGraph) -> None:
    gpus = (
        "access to powerful GPU clusters that are necessary for large scale machine learning "
        "research"
    )
    assert_rows(
        rows(kg, "funders"),
        [
            # History: "by early 2021 they had accepted funding": an upper bound, not a date.
            ("id:CoreWeave", "CoreWeave", "funding", gpus, "", "", "by early 2021", "2021"),
            (
                "id:Google",
                "Google",
                "compute grant",
                "compute through Google's TPU Research Cloud Program",
                "TPU Research Cloud",
                "",
                "",
                "",
            ),
            ("id:SpellML", "SpellML", "funding", gpus, "", "", "by early 2021", "2021"),
        ],
    )


def test_awards(kg: KnowledgeGraph) -> None:
    got = [(r[0], r[1], r[3], r[4], r[5]) for r in rows(kg, "awards")]
    assert_rows(
        got,
        [
            ("2021", "nominated", "AI Innovation Award", "VentureBeat", DEMOCRATIZE),
            ("2021", "won", "Best of Open Source Software Award", "InfoWorld", DEMOCRATIZE),
            (
                "2021",
                "won",
                "UNESCO Netexplo Global Innovation Award",
                "Netexplo; UNESCO",
                DEMOCRATIZE,
            ),
            ("2022", "won", "Best of Open Source Software Award", "InfoWorld", DEMOCRATIZE),
        ],
        set_columns=[3],
    )


def test_collaborations(kg: KnowledgeGraph) -> None:
    assert_rows(
        rows(kg, "collaborations"),
        [
            (
                "id:BigScience",
                "BigScience Research Workshop",
                "",
                "",
                "BLOOM",
                "multitask finetuning; training BLOOM; designing evaluation libraries",
                "2022",
            ),
            (
                "id:OpenFold-collaboration",
                "OpenFold training collaboration",
                "Stability AI; NVIDIA; Columbia University; Harvard University",
                # History: "biologists led by Columbia University and Harvard University": the
                # universities led the biologists, not the collaboration.
                "",
                "OpenFold",
                "",
                "",
            ),
        ],
        set_columns=[2, 3, 5],
    )


def test_reception(kg: KnowledgeGraph) -> None:
    got = [(r[0], r[1], r[2], r[3], r[4]) for r in rows(kg, "reception")]
    assert_rows(
        got,
        [
            ("praise", "", "", "", "GPT-J-6B; GPT-Neo"),
            ("praise", "Emad Mostaque", "", "Stability AI", "VQGAN-CLIP"),
            ("praise", "Gary Marcus", "cognitive scientist", "", "EleutherAI"),
            (
                "praise",
                "Maximilian Gahntz",
                "senior policy researcher",
                "Mozilla Foundation",
                "EleutherAI",
            ),
            ("criticism", "Kyle Wiggers", "technology journalist", "", "EleutherAI"),
            (
                "criticism",
                "YouTubers and others who had their work published on the platform",
                "",
                "",
                "The Pile",
            ),
        ],
        set_columns=[4],
    )


def test_conflicts(kg: KnowledgeGraph) -> None:
    got = [(r[0], r[1], r[2], r[4], r[5], r[7]) for r in rows(kg, "conflicts")]
    assert_rows(
        got,
        [
            (
                "A founder's name: Leo Gao or Len Gao",
                "id:Leo_Gao",
                "rdfs:label",
                "Leo Gao",
                "Lead",
                "true",
            ),
            (
                "A founder's name: Leo Gao or Len Gao",
                "id:Leo_Gao",
                "rdfs:label",
                "Len Gao",
                "History",
                "false",
            ),
            (
                "GPT-J-6B's release: June 9, 2021 or March 2021",
                "id:GPT-J-6B",
                "kg:releaseDate",
                "June 9, 2021",
                "History",
                "true",
            ),
            (
                "GPT-J-6B's release: June 9, 2021 or March 2021",
                "id:GPT-J-6B",
                "kg:releaseDate",
                "March 2021",
                "Research / GPT models",
                "false",
            ),
        ],
    )


LINKED = {
    "Apache License 2.0": "wd:Q13785927",
    "Columbia University": "wd:Q49088",
    "DALL-E": "wd:Q105078662",
    "DeepMind": "wd:Q15733006",
    "Discord": "wd:Q22907849",
    "GPT-3": "wd:Q95726734",
    "GPT-J-6B": "wd:Q116937684",
    "Google": "wd:Q95",
    "Harvard University": "wd:Q13371",
    "Hugging Face": "wd:Q108943604",
    "Microsoft": "wd:Q2283",
    "Mozilla Foundation": "wd:Q55672",
    "NVIDIA": "wd:Q182477",
    "OpenAI": "wd:Q21708200",
    "Stanford University": "wd:Q41506",
    "UNESCO": "wd:Q7809",
    "Yandex": "wd:Q5281",
    "YouTube": "wd:Q866",
}
UNLINKED = [
    # people
    "Aviya Skowron",
    "Connor Leahy",
    "Curtis Huebner",
    "Emad Mostaque",
    "Gary Marcus",
    "Katherine Crowson",
    "Kyle Wiggers",
    "Leo Gao",
    "Maximilian Gahntz",
    "Nora Belrose",
    "Quentin Anthony",
    "Ryan Murdock",
    "Shivanshu Purohit",
    "Sid Black",
    "Stella Biderman",
    # groups of people the article names without an organization
    "many EleutherAI members",
    "engineers at EleutherAI, Stability AI, and NVIDIA",
    "biologists led by Columbia University and Harvard University",
    "YouTubers and others who had their work published on the platform",
    "researchers at EleutherAI",
    "the authors",
    # organizations (EleutherAI three times: a non-profit research group that became a research
    # institute)
    "EleutherAI",
    "EleutherAI",
    "EleutherAI",
    "CoreWeave",
    "SpellML",
    "Stability AI",
    "Meta AI",
    "Beijing Academy of Artificial Intelligence",
    "InfoWorld",
    "VentureBeat",
    "Proof News",
    "Netexplo",
    # works (VQGAN-CLIP twice: a technique and a text-to-image model)
    "The Pile",
    "GPT-Neo",
    "GPT-Neo 125M",
    "GPT-Neo 1.3B",
    "GPT-Neo 2.7B",
    "GPT-Neo model series",
    "GPT-NeoX-20B",
    "Pythia",
    "BLOOM",
    "OpenFold",
    "AlphaFold2",
    "Megatron-Turing Natural Language Generation",
    "Open Pre-trained Transformers",
    "LLaMA",
    "Galactica",
    "BioMedLM 2.7B",
    "Chinese-Transformer-XL",
    "YaLM 100B",
    "CLIP",
    "VQGAN",
    "VQGAN-CLIP",
    "VQGAN-CLIP",
    "DeepDream",
    "The Pile paper",
    "retrospective on GPT-Neo",
    # awards, programme, topics, word
    "UNESCO Netexplo Global Innovation Award",
    "Best of Open Source Software Award",
    "AI Innovation Award",
    "TPU Research Cloud",
    "interpretability",
    "artificial intelligence",
    "large language models",
    "multitask finetuning",
    "evaluation libraries",
    "AI alignment",
    "scientific research",
    "scaling",
    "open-source AI research",
    "text-to-image synthesis",
    "verifiable training",
    "social biases",
    "memorization",
    "eleutheria",
]


def test_wikidata_links(kg: KnowledgeGraph) -> None:
    table = rows(kg, "wikidata-links")
    linked = [r for r in table if r[3]]
    assert {r[1]: r[3] for r in linked} == LINKED
    assert table[: len(linked)] == linked, "linked entities come first"
    assert sorted(r[1] for r in table if not r[3]) == sorted(UNLINKED)


def test_entity(kg: KnowledgeGraph) -> None:
    got = {(r[0], r[1], r[2]) for r in rows(kg, "entity", {"entity": "GPT-J"})}
    assert got == {
        ("out", "rdf:type", "kg:LanguageModel"),
        ("out", "rdfs:label", "GPT-J-6B"),
        ("out", "skos:altLabel", "GPT-J"),
        ("out", "kg:developer", "id:EleutherAI"),
        ("out", "kg:parameterCount", "6000000000"),
        ("out", "kg:releaseDate", "2021-06-09"),
        # History: "EleutherAI followed this up with GPT-J-6B" (this: the GPT-Neo release).
        ("out", "kg:follows", "id:GPT-Neo"),
        # GPT models list and History: "open-source GPT-3-style", "open-source GPT-3-like".
        ("out", "kg:openSource", "true"),
        ("out", "kg:similarTo", "id:GPT-3"),
        ("out", "kg:license", "id:Apache-2.0"),
        ("out", "kg:distinction", "the largest open-source GPT-3-like model in the world"),
        (
            "out",
            "kg:distinction",
            "the largest open-source GPT-3-style language model in the world at the time of "
            "release",
        ),
        ("out", "owl:sameAs", "wd:Q116937684"),
        ("in", "kg:hasPart", "id:GPT-Neo-series"),
        ("in", "kg:subject", "id:GPT-J-6B-release"),
        ("in", "kg:about", "id:reception-new-wave-of-startups"),
        ("in", "kg:claimSubject", "claim:GPT-J-6B-release-history"),
        ("in", "kg:claimSubject", "claim:GPT-J-6B-release-list"),
        # "six billion", "6 billion", "6B": rounded figures, each a claim flagged approximate.
        ("in", "kg:claimSubject", "claim:GPT-J-6B-parameters-history"),
        ("in", "kg:claimSubject", "claim:GPT-J-6B-parameters-series"),
        ("in", "kg:claimSubject", "claim:GPT-J-6B-parameters-list"),
        # The dataset's VoID description names GPT-J-6B as its example resource.
        ("in", "void:exampleResource", "<https://w3id.org/eleutherai-kg/dataset>"),
    }


def test_entity_needs_its_parameter(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError):
        rows(kg, "entity")
    with pytest.raises(ParameterError):
        rows(kg, "entity", {"entity": "no such thing"})


def test_sources(kg: KnowledgeGraph) -> None:
    got = [(r[0], r[1], r[4]) for r in rows(kg, "sources", {"entity": "The Pile"})]
    assert_rows(
        got,
        [
            ("7", "History", "8"),
            ("19", "History", ""),
            ("20", "History", "20; 21"),
            ("26", "Research / The Pile", ""),
            ("27", "Research / The Pile", "24; 25; 26; 27; 28; 29; 30; 31"),
            ("28", "Research / The Pile", "32"),
        ],
        set_columns=[2],
    )


def test_every_bundled_query_has_a_golden_test() -> None:
    """Federated queries (SERVICE) get theirs in test_link.py, against a local server."""
    tested = {
        name[len("test_") :].replace("_", "-") for name in globals() if name.startswith("test_")
    }
    assert {q.name for q in LOCAL} <= tested


@pytest.mark.parametrize("fmt", ["csv", "json", "table", "tsv", "xml"])
@pytest.mark.parametrize(
    "name", [q.name for q in LOCAL if all(p.default for p in q.header.parameters)]
)
def test_cli_formats(name: str, fmt: str) -> None:
    result = CliRunner().invoke(cli, ["query", name, "--format", fmt])
    assert result.exit_code == 0, result.output
    assert result.output.strip()


def test_query_all_prints_every_query() -> None:
    result = CliRunner().invoke(cli, ["query", "--all"])
    assert result.exit_code == 0, result.output
    for q in list_queries():
        assert q.name in result.output
