"""Generate a synthetic knowledge graph in this project's ontology, for benchmarks.

Organisations with founders and members, models (with parameter counts, release dates, partOf
suites, trained on datasets), awards with receipts, and one source sentence per fact group, each
a named graph described in the sources graph, as in ``graph/``. Deterministic for a given size.

A hub, ``id:EleutherAI`` (the bundled queries' default) with ``id:The_Pile``, is tied to every
``HUB_EVERY``-th organisation by a founder, a role, a co-developed model, a model trained on The
Pile, an award receipt, a funding, a collaboration, a praise and a contradiction between two
claims; so every offline bundled query has an answer that grows with the size.

Usage: python bench/generate.py --triples 10000 -o /tmp/kg-10k.trig
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

PREFIXES = """@prefix kg: <https://w3id.org/eleutherai-kg/ontology/> .
@prefix id: <https://w3id.org/eleutherai-kg/id/> .
@prefix src: <https://w3id.org/eleutherai-kg/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix claim: <https://w3id.org/eleutherai-kg/claim/> .
"""
ARTICLE = "<https://en.wikipedia.org/wiki/EleutherAI>"
SOURCES = "<https://w3id.org/eleutherai-kg/graph/sources>"
#: One organisation in this many is tied to the hub.
HUB_EVERY = 2
HUB = """src:syn-hub {
    id:EleutherAI a kg:ResearchGroup ; rdfs:label "EleutherAI"@en ;
        kg:foundingDate "2020-07-07"^^xsd:date .
    id:The_Pile a kg:Dataset ; rdfs:label "The Pile"@en ; kg:developer id:EleutherAI .
}
"""
HUB_SOURCE = (
    '    src:syn-hub a kg:SourceSentence ; rdfs:label "Synthetic hub sentence"@en ;\n'
    f'        kg:inArticle {ARTICLE} ; kg:section "Synthetic" ; kg:position 1 ;\n'
    '        kg:quote "EleutherAI, founded in 2020, released The Pile."@en .'
)
HUB_TRIPLES = 4 + 6 + 6  # the article, the hub graph, its source sentence


#: The defects ``generate(..., defects=N)`` plants, in turn, one per organisation: each breaks
#: one shape (a SHACL-SPARQL rule, a cardinality, a datatype), so fast and plain validation can
#: be compared on a report that is not empty (bench/run.py --defects).
DEFECTS = ("released before its developer was founded", "person without a label", "text count")


def organisation(
    i: int, rng: random.Random, defect: int | None = None
) -> tuple[list[str], list[str], int]:
    """Return the sentence graphs, the source descriptions and the triple count for one org.

    ``defect`` (an index into :data:`DEFECTS`) plants that defect in this organisation.
    """
    graphs: list[str] = []
    sources: list[str] = []
    count = 0

    def sentence(body: str, n: int) -> None:
        nonlocal count
        name = f"src:syn-{i}-{len(graphs) + 1}"
        graphs.append(f"{name} {{\n{body}\n}}\n")
        sources.append(
            f'    {name} a kg:SourceSentence ; rdfs:label "Synthetic {i}, sentence '
            f'{len(graphs)}"@en ;\n        kg:inArticle {ARTICLE} ; kg:section "Synthetic" ;\n'
            f"        kg:position {len(graphs)} ; kg:referenceNumber {i + 1} ;\n"
            f'        kg:quote "Synthetic sentence {len(graphs)} about organisation {i}."@en .'
        )
        count += n + 7

    org = f"id:Org-{i}"
    people = [f"id:Person-{i}-{k}" for k in range(3)]
    body = f'    {org} a kg:ResearchGroup ; rdfs:label "Organisation {i}"@en ;\n'
    # Founded 2000-2018, so that every model (released 2019-2024) comes after its developer
    # (shape:ReleaseAfterFoundingShape).
    body += f'        kg:foundingDate "{2000 + rng.randrange(19)}-07-01"^^xsd:date ;\n'
    body += f'        skos:altLabel "Org {i}"@en ; kg:founder {", ".join(people)} .\n'
    body += "\n".join(
        f"    {p} a kg:Person ; "
        + ("" if defect == 1 and k == 0 else f'rdfs:label "Person {i} {k}"@en ; ')
        + f"kg:memberOf {org} ."
        for k, p in enumerate(people)
    )
    sentence(body, 4 + 3 + 3 * 3)
    suite = f"id:Suite-{i}"
    data = f"id:Dataset-{i}"
    body = f'    {suite} a kg:ModelSuite ; rdfs:label "Suite {i}"@en ; kg:developer {org} .\n'
    body += f'    {data} a kg:Dataset ; rdfs:label "Dataset {i}"@en ; kg:developer {org} .\n'
    for k in range(3):
        year = 2019 + rng.randrange(6)
        month = 1 + rng.randrange(12)
        released = "1990-01-01" if defect == 0 and k == 0 else f"{year}-{month:02d}-01"
        count_value = rng.randrange(10**6, 10**11)
        parameters = '"many"' if defect == 2 and k == 0 else str(count_value)
        body += (
            f'    id:Model-{i}-{k} a kg:LanguageModel ; rdfs:label "Model {i}-{k}"@en ;\n'
            f"        kg:developer {org} ; kg:partOf {suite} ; kg:trainedOn {data} ;\n"
            f"        kg:parameterCount {parameters} ;\n"
            f'        kg:releaseDate "{released}"^^xsd:date .\n'
        )
    sentence(body, 6 + 3 * 7)
    body = (
        f'    id:Award-{i} a kg:Award ; rdfs:label "Award {i}"@en ; kg:presentedBy {org} .\n'
        f'    id:Receipt-{i} a kg:AwardReceipt ; rdfs:label "award receipt {i}"@en ;\n'
        f"        kg:recipient {org} ; kg:forAward id:Award-{i} ;\n"
        f'        kg:date "{2020 + rng.randrange(5)}"^^xsd:gYear .'
    )
    sentence(body, 8)
    if i % HUB_EVERY == 0:
        sentence(_hub_links(i, org, people, rng), 57)
    return graphs, sources, count


def _hub_links(i: int, org: str, people: list[str], rng: random.Random) -> str:
    """The facts tying organisation ``i`` to the hub, one of each kind a bundled query reads."""
    year = 2021 + rng.randrange(4)
    founded = [f"{2000 + k}-07-01" for k in (rng.randrange(19), rng.randrange(19))]
    return f"""    id:EleutherAI kg:founder {people[0]} .
    id:Role-{i} a kg:Role ; rdfs:label "Person {i} 1 advises EleutherAI ({year})"@en ;
        kg:roleIn id:EleutherAI ; kg:roleHolder {people[1]} ; kg:roleName "advisor"@en ;
        kg:heldIn "{year}"^^xsd:gYear ; kg:dateText "in {year}"@en .
    id:Model-{i}-hub a kg:LanguageModel ; rdfs:label "Model {i}-hub"@en ;
        kg:developer id:EleutherAI ; kg:trainedOn id:The_Pile ;
        kg:parameterCount {rng.randrange(10**6, 10**11)} ;
        kg:releaseDate "{year}-{1 + rng.randrange(12):02d}-01"^^xsd:date .
    id:Model-{i}-0 kg:trainedOn id:The_Pile .
    id:HubReceipt-{i} a kg:AwardReceipt ; rdfs:label "award receipt {i} (EleutherAI)"@en ;
        kg:recipient id:EleutherAI ; kg:forAward id:Award-{i} ; kg:date "{year}"^^xsd:gYear .
    id:Funding-{i} a kg:Funding ; rdfs:label "funding from Organisation {i}"@en ;
        kg:recipient id:EleutherAI ; kg:supporter {org} ; kg:supportForm "GPU time"@en ;
        kg:date "{year}"^^xsd:gYear ; kg:dateText "in {year}"@en .
    id:Collaboration-{i} a kg:Collaboration ; rdfs:label "Collaboration {i}"@en ;
        kg:participant id:EleutherAI , {org} ; kg:ledBy {org} ; kg:produced id:Model-{i}-hub ;
        kg:purpose "to train Model {i}-hub"@en .
    id:Praise-{i} a kg:Praise ; rdfs:label "Person {i} 2 praises Organisation {i}"@en ;
        kg:about {org} ; kg:by {people[2]} ; kg:gist "praised its open models"@en .
    claim:founding-{i}-a a kg:Claim ; kg:claimSubject {org} ; kg:claimProperty kg:foundingDate ;
        kg:claimValue "{founded[0]}"^^xsd:date ; kg:valueAsStated "{founded[0]}"@en ;
        kg:statedIn src:syn-{i}-1 .
    claim:founding-{i}-b a kg:Claim ; kg:claimSubject {org} ; kg:claimProperty kg:foundingDate ;
        kg:claimValue "{founded[1]}"^^xsd:date ; kg:valueAsStated "{founded[1]}"@en ;
        kg:statedIn src:syn-{i}-4 .
    claim:conflict-founding-{i} a kg:Contradiction ;
        rdfs:label "Organisation {i}'s founding: {founded[0]} or {founded[1]}"@en ;
        kg:hasClaim claim:founding-{i}-a , claim:founding-{i}-b ;
        kg:preferredClaim claim:founding-{i}-a ;
        kg:rationale "The first sentence is preferred."@en ."""


def generate(triples: int, seed: int = 5, defects: int = 0) -> str:
    """Return a TriG document of about ``triples`` triples.

    ``defects``: plant one of :data:`DEFECTS`, in turn, in each of the first this many
    organisations (0: the graph conforms to the shapes).
    """
    rng = random.Random(seed)
    graphs: list[str] = [HUB]
    sources: list[str] = [HUB_SOURCE]
    total, i = HUB_TRIPLES, 0
    while total < triples:
        g, s, n = organisation(i, rng, i % len(DEFECTS) if i < defects else None)
        graphs += g
        sources += s
        total += n
        i += 1
    article = (
        f"    {ARTICLE} a kg:SourceArticle ;\n"
        '        rdfs:label "EleutherAI (English Wikipedia article)"@en ;'
        "\n        kg:pageId 73176768 ;\n        <http://purl.org/dc/terms/license> "
        "<https://creativecommons.org/licenses/by-sa/4.0/> ."
    )
    body = "\n".join([article, *sources])
    return PREFIXES + "".join(graphs) + f"{SOURCES} {{\n{body}\n}}\n"


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, required=True)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--defects", type=int, default=0, help="organisations given a defect")
    args = parser.parse_args()
    args.output.write_text(generate(args.triples, args.seed, args.defects), encoding="utf-8")


if __name__ == "__main__":
    main()
