"""IRIs of the project's namespaces and named graphs.

The ontology's own terms are generated into :mod:`kgtool.core.vocab` from ``ontology/`` and
used here as ``KG``; this module holds the fixed bases that everything else is built on.
"""

from typing import TypeVar

from rdflib import Dataset, Graph, Namespace, URIRef

from kgtool.core import iris, vocab
from kgtool.core.patches import ordered_memory_store

BASE = iris.BASE

#: Classes and properties of the ontology (slash IRIs, so each term can resolve to its own page):
#: the generated vocabulary, so that a term the ontology does not define fails where it is used.
KG = vocab.KG
#: Entities described by the article.
ID = Namespace(BASE + "id/")
#: Source sentences; each is also the name of the named graph holding the facts it states.
SRC = Namespace(BASE + "source/")
#: SHACL shapes.
SHAPE = Namespace(BASE + "shapes/")
#: Claims and contradictions (the article disagreeing with itself).
CLAIM = Namespace(BASE + "claim/")

SCHEMA = Namespace("http://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
PROV = Namespace("http://www.w3.org/ns/prov#")
VOID = Namespace("http://rdfs.org/ns/void#")
#: SSSOM mapping metadata and the semantic mapping vocabulary, for the provenance of suggested
#: links (https://mapping-commons.github.io/sssom/).
SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
#: Wikidata's SPARQL endpoint and Wikibase ontology.
WIKIDATA_SPARQL = URIRef("https://query.wikidata.org/sparql")
WIKIBASE = Namespace("http://wikiba.se/ontology#")
#: Where accepted link suggestions (``kgtool link suggest --accept``) go.
LINK = Namespace(BASE + "link/")

ONTOLOGY_IRI = URIRef(BASE + "ontology")
DATASET_IRI = URIRef(BASE + "dataset")
ARTICLE_IRI = URIRef("https://en.wikipedia.org/wiki/EleutherAI")

#: Named graphs of the dataset. Facts from the article live in one graph per source sentence.
GRAPH_ONTOLOGY = URIRef(iris.GRAPH_ONTOLOGY)
GRAPH_SOURCES = URIRef(BASE + "graph/sources")
GRAPH_EDITORIAL = URIRef(BASE + "graph/editorial")
GRAPH_WIKIDATA = URIRef(BASE + "graph/wikidata")
GRAPH_VOID = URIRef(BASE + "graph/void")
#: Written by ``kgtool link suggest --accept`` and ``kgtool link enrich``, never by hand.
GRAPH_WIKIDATA_SUGGESTED = URIRef(BASE + "graph/wikidata-suggested")
GRAPH_WIKIDATA_ENRICHMENT = URIRef(BASE + "graph/wikidata-enrichment")
#: Written only by the reasoner, never by hand.
GRAPH_INFERRED = URIRef(iris.GRAPH_INFERRED)

#: The prefixes bound in every serialisation the project writes (one table, in
#: :mod:`kgtool.core.iris`, for the code that runs without rdflib too).
PREFIXES = iris.PREFIXES


G = TypeVar("G", bound=Graph)


def bind_prefixes(graph: G) -> G:
    """Bind the project prefixes (and only those next to rdflib's core ones) on ``graph``.

    Args:
        graph: Any rdflib graph or dataset.

    Returns:
        The same graph, for chaining.

    >>> bind_prefixes(Graph()).namespace_manager.store.namespace("kg") is not None
    True
    """
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    return graph


def new_graph(identifier: URIRef | None = None) -> Graph:
    """Return an empty in-memory graph with the project prefixes, iterating in insertion order.

    >>> len(new_graph())
    0
    """
    return bind_prefixes(Graph(store=ordered_memory_store(), identifier=identifier))


def new_dataset() -> Dataset:
    """Return an empty in-memory ``Dataset`` whose default graph is the union of all graphs.

    It iterates in the order the quads were added, the same in every process.
    """
    return bind_prefixes(Dataset(store=ordered_memory_store(), default_union=True))
