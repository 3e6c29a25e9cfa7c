"""Rebuild the files that are derived from the hand-edited sources.

The sources are ``ontology/``, ``graph/`` (except ``void.trig``) and ``queries/*.rq``. From them
this module builds: the JSON-LD context (``ontology/context.jsonld``), the VoID/DCAT description
of the dataset (``graph/void.trig``, https://www.w3.org/TR/void/), the Python vocabulary module
(``kgtool/vocab.py``, an rdflib ``DefinedNamespace`` so that a typo in a term name fails) and the
query index (``queries/README.md``). ``kgtool build --check`` (run by the tests) fails when any of
them is stale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS

from kgtool.core import paths
from kgtool.core.namespaces import (
    ARTICLE_IRI,
    DATASET_IRI,
    GRAPH_EDITORIAL,
    GRAPH_ONTOLOGY,
    GRAPH_SOURCES,
    GRAPH_VOID,
    GRAPH_WIKIDATA,
    ID,
    KG,
    ONTOLOGY_IRI,
    PROV,
    VOID,
)
from kgtool.export import write_atomic
from kgtool.graph import KnowledgeGraph
from kgtool.io.canonical import canonical_trig
from kgtool.io.parse import read_text
from kgtool.io.serialize import context_json
from kgtool.query.catalog import list_checks, list_queries

ATTRIBUTION = (
    "Derived from the Wikipedia article 'EleutherAI' (https://en.wikipedia.org/wiki/EleutherAI), "
    "CC BY-SA 4.0."
)
CC_BY_SA = URIRef("https://creativecommons.org/licenses/by-sa/4.0/")


def build_void(kg: KnowledgeGraph) -> str:
    """Describe the dataset in VoID and DCAT, with counts taken from the data.

    The counts cover every graph but the description itself (``graph/void``).

    Args:
        kg: The knowledge graph, loaded with or without an existing ``graph/void.trig``.

    Returns:
        The canonical TriG text of ``graph/void.trig``.
    """
    data = Graph()
    for name in kg.store.graph_names():
        if name == GRAPH_VOID:
            continue
        for triple in kg.store.named_graph(name):
            data.add(triple)
    entities = {s for s in data.subjects() if str(s).startswith(str(ID))}
    classes = set(data.objects(None, RDF.type))
    properties = set(data.predicates())
    vocabularies = sorted(
        {_namespace_of(term) for term in properties | classes if isinstance(term, URIRef)}
    )

    ds = Dataset()
    g = ds.graph(GRAPH_VOID)
    d = DATASET_IRI
    g.add((d, RDF.type, VOID.Dataset))
    g.add((d, RDF.type, DCAT.Dataset))
    g.add((d, DCTERMS.title, Literal("EleutherAI knowledge graph", lang="en")))
    g.add(
        (
            d,
            DCTERMS.description,
            Literal(
                "The facts of the English Wikipedia article 'EleutherAI' as RDF, each in the named "
                "graph of the sentence that states it. " + ATTRIBUTION,
                lang="en",
            ),
        )
    )
    g.add((d, DCTERMS.license, CC_BY_SA))
    g.add((d, DCTERMS.source, ARTICLE_IRI))
    g.add((d, PROV.wasDerivedFrom, ARTICLE_IRI))
    g.add((ARTICLE_IRI, KG.pageId, Literal(73176768)))
    for predicate in (DCTERMS.created, DCTERMS.modified):
        value = kg.ontology.value(ONTOLOGY_IRI, predicate)
        if value is not None:
            g.add((d, predicate, value))
    g.add((d, DCTERMS.conformsTo, ONTOLOGY_IRI))
    g.add((d, VOID.triples, Literal(len(data))))
    g.add((d, VOID.entities, Literal(len(entities))))
    g.add((d, VOID.classes, Literal(len(classes))))
    g.add((d, VOID.properties, Literal(len(properties))))
    g.add((d, VOID.distinctSubjects, Literal(len(set(data.subjects())))))
    g.add((d, VOID.distinctObjects, Literal(len(set(data.objects())))))
    g.add((d, VOID.uriSpace, Literal(str(ID))))
    g.add((d, VOID.exampleResource, ID["GPT-J-6B"]))
    for vocabulary in vocabularies:
        g.add((d, VOID.vocabulary, URIRef(vocabulary)))
    subsets = [
        (GRAPH_ONTOLOGY, "The OWL ontology"),
        (GRAPH_SOURCES, "The source article and its sentences, quoted verbatim"),
        (GRAPH_EDITORIAL, "Contradictions in the article and editorial notes"),
        (GRAPH_WIKIDATA, "owl:sameAs links to verified Wikidata items"),
    ]
    for name, title in subsets:
        if name not in kg.store.graph_names():
            continue
        g.add((d, VOID.subset, name))
        g.add((name, RDF.type, VOID.Dataset))
        g.add((name, DCTERMS.title, Literal(title, lang="en")))
        g.add((name, VOID.triples, Literal(len(kg.store.named_graph(name)))))
    return canonical_trig(ds)


def _namespace_of(term: URIRef) -> str:
    text = str(term)
    cut = max(text.rfind("#"), text.rfind("/"))
    return text[: cut + 1]


def build_vocab(ontology: Graph) -> str:
    """Write the ontology's terms as an rdflib ``DefinedNamespace`` module.

    >>> g = Graph().parse(data='''@prefix kg: <https://w3id.org/eleutherai-kg/ontology/> .
    ... @prefix owl: <http://www.w3.org/2002/07/owl#> .
    ... kg:founder a owl:ObjectProperty .''', format="turtle")
    >>> "    founder: URIRef" in build_vocab(g)
    True
    """
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
    terms: dict[str, str] = {}
    for kind in kinds:
        for term in ontology.subjects(RDF.type, kind):
            text = str(term)
            if isinstance(term, URIRef) and text.startswith(str(KG)) and text != str(KG):
                label = ontology.value(term, RDFS.label)
                terms[text[len(str(KG)) :]] = str(label) if label is not None else ""
    lines = [
        '"""The ontology\'s terms as Python names (generated by ``kgtool build``; do not edit).',
        "",
        "``KG.founder`` is the IRI of ``kg:founder``; a name that is not in the ontology raises",
        "``AttributeError``, so a typo in code fails at once.",
        '"""',
        "",
        "from rdflib import URIRef",
        "from rdflib.namespace import DefinedNamespace, Namespace",
        "",
        "",
        "class KG(DefinedNamespace):",
        '    """Terms of https://w3id.org/eleutherai-kg/ontology/."""',
        "",
        "    _fail = True",
        f'    _NS = Namespace("{KG}")',
        "",
    ]
    for name in sorted(terms, key=lambda n: (n[0].islower(), n)):
        comment = f"  # {terms[name]}" if terms[name] else ""
        lines.append(f"    {name}: URIRef{comment}")
    return "\n".join(lines) + "\n"


def queries_readme(queries_dir: Path | None = None) -> str:
    """Write ``queries/README.md``: the families of queries and one line per query."""
    lines = [
        "# Bundled queries",
        "",
        "Generated from the queries' headers by `kgtool build`; do not edit by hand.",
        "",
        "Two families (as in the OBO Ontology Development Kit's `src/sparql/`):",
        "",
        "- **Competency queries** (`*.rq`): questions users ask of the graph. Each runs as",
        "  `kgtool query NAME`; its header gives the question, the columns and the parameters.",
        "- **Quality checks** (`checks/*-violation.rq`): each returns `?entity ?property ?value`",
        "  for every problem it finds and nothing on a clean graph. `kgtool check` runs them all",
        "  and exits 1 when any returns rows.",
        "",
        "## Competency queries",
        "",
        "| name | question | parameters |",
        "| --- | --- | --- |",
    ]
    for q in list_queries(queries_dir):
        params = ", ".join(
            f"`{p.name}` ({p.type}{', default ' + p.default if p.default else ''})"
            for p in q.header.parameters
        )
        lines.append(f"| `{q.name}` | {q.header.problem} | {params or '—'} |")
    lines += ["", "## Quality checks", "", "| name | problem |", "| --- | --- |"]
    checks_dir = queries_dir / "checks" if queries_dir else None
    for q in list_checks(checks_dir):
        lines.append(f"| `{q.name}` | {q.header.problem} |")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Output:
    """One derived file and how to build it."""

    path: Path
    build: Callable[[], str]


def outputs(kg: KnowledgeGraph) -> list[Output]:
    """Return the derived files of the bundled sources, in build order."""
    root = paths.data_root()
    return [
        Output(root / "ontology" / "context.jsonld", lambda: context_json(kg.ontology)),
        Output(root / "graph" / "void.trig", lambda: _void_text(kg)),
        Output(Path(__file__).parent / "core" / "vocab.py", lambda: build_vocab(kg.ontology)),
        Output(root / "queries" / "README.md", lambda: queries_readme()),
    ]


def _void_text(kg: KnowledgeGraph) -> str:
    header = (
        "# The dataset's own description (VoID and DCAT), with counts of every other graph.\n"
        "# Generated by `kgtool build`; do not edit by hand.\n"
        f"# {ATTRIBUTION}\n\n"
    )
    return header + build_void(kg)


def build(kg: KnowledgeGraph, check: bool = False) -> list[Path]:
    """Rebuild every derived file (or, with ``check``, only find the stale ones).

    Args:
        kg: The bundled knowledge graph.
        check: Write nothing; only report.

    Returns:
        The files that changed (or would change).
    """
    changed: list[Path] = []
    for output in outputs(kg):
        text = output.build()
        current = read_text(output.path) if output.path.exists() else None
        if current != text:
            changed.append(output.path)
            if not check:
                write_atomic(output.path, text)
    return changed
