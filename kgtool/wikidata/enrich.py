"""``kgtool link enrich``: pull statements about linked items into a file of their own.

Labels in other languages and chosen statements (default: official website, inception,
publication date) keep Wikidata's own terms and go into one named graph that describes its own
provenance, in a TriG file of the user's (``--output``, by default :data:`ENRICHMENT_FILE` in the
working directory), never into the article's facts or the installed package.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD
from rdflib.term import BNode

from kgtool.core.errors import UsageError
from kgtool.core.namespaces import GRAPH_WIKIDATA_ENRICHMENT, PROV, WDT
from kgtool.core.version import __version__
from kgtool.graph import KnowledgeGraph
from kgtool.remote.http import SparqlClient, batches, now, values
from kgtool.wikidata.items import wikidata_links
from kgtool.wikidata.output import write_named_graph

#: Statements ``kgtool link enrich`` pulls by default: official website, inception,
#: publication date (PIDs verified in graph/wikidata-qids.md).
DEFAULT_ENRICH_PROPERTIES: tuple[str, ...] = ("P856", "P571", "P577")
#: Where ``link enrich`` writes unless ``--output`` says otherwise: the working directory.
ENRICHMENT_FILE = Path("wikidata-enrichment.trig")
_PID_RE = re.compile(r"^P[1-9]\d*$")


_ENRICH = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?item ?p ?value WHERE {{
  VALUES ?item {{ {items} }}
  {{ ?item rdfs:label ?value . {lang_filter} BIND(rdfs:label AS ?p) }}
  UNION {{ VALUES ?p {{ {props} }} ?item ?p ?value . }}
}}"""


@dataclass
class Enrichment:
    """Statements pulled from the endpoint about linked items."""

    graph: Graph
    items: int
    statements: int
    endpoint: str
    fetched: list[str]


def enrich(
    kg: KnowledgeGraph,
    client: SparqlClient,
    properties: Sequence[str] = DEFAULT_ENRICH_PROPERTIES,
    languages: Sequence[str] | None = None,
    batch_size: int = 50,
) -> Enrichment:
    """Pull labels in other languages and chosen statements about every linked item.

    The statements keep Wikidata's own terms (``wd:Q… wdt:P856 <…>``; labels as
    ``skos:prefLabel``, which Wikidata's RDF also uses), so they join the article's facts only
    through ``owl:sameAs`` and can be queried together or apart.

    Args:
        kg: The knowledge graph.
        client: The endpoint client.
        properties: PIDs of the statements to pull.
        languages: Label languages to pull (default: all but English, which the article has).
        batch_size: Items per query.

    Returns:
        The statements and counts.

    Raises:
        UsageError: If a PID or language tag is malformed.
        EndpointError, OfflineError: See :meth:`SparqlClient.select`.
    """
    for pid in properties:
        if not _PID_RE.match(pid):
            raise UsageError(f"{pid!r} is not a Wikidata property ID (P followed by digits)")
    for lang in languages or ():
        if not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", lang):
            raise UsageError(f"{lang!r} is not a language tag")
    if languages:
        tags = ", ".join(json.dumps(t.lower()) for t in languages)
        lang_filter = f"FILTER(LCASE(LANG(?value)) IN ({tags}))"
    else:
        lang_filter = 'FILTER(LANG(?value) != "en")'
    props = values(WDT[p] for p in sorted(set(properties))) or "rdfs:label"
    items = sorted({item for _, item in wikidata_links(kg)})
    graph = Graph()
    for batch in batches(items, batch_size):
        query = _ENRICH.format(items=values(batch), lang_filter=lang_filter, props=props)
        for row in client.select(query):
            item, prop, value = row.get("item"), row.get("p"), row.get("value")
            if isinstance(item, URIRef) and isinstance(prop, URIRef) and value is not None:
                if isinstance(value, BNode):
                    continue  # unknown values ("some value") have no meaning outside Wikidata
                if prop == RDFS.label:
                    # skos:prefLabel, as in Wikidata's own RDF: through owl:sameAs the reasoner
                    # would otherwise give our entity a second rdfs:label.
                    prop = SKOS.prefLabel
                graph.add((item, prop, value))
    return Enrichment(graph, len(items), len(graph), client.endpoint, client.fetched)


def write_enrichment(result: Enrichment, dest: Path, when: str | None = None) -> None:
    """Replace ``dest`` with the enrichment graph and its provenance, atomically.

    The named graph describes itself: ``prov:wasDerivedFrom`` the endpoint,
    ``prov:generatedAtTime``, ``dcterms:source`` per item, and the tool.

    Raises:
        ExportError: If it cannot be written (the old file is then intact).
    """
    stamp = when or (max(result.fetched) if result.fetched else now())
    graph = Graph()
    for triple in result.graph:
        graph.add(triple)
    me = GRAPH_WIKIDATA_ENRICHMENT
    graph.add((me, RDF.type, PROV.Entity))
    graph.add((me, PROV.wasDerivedFrom, URIRef(result.endpoint)))
    graph.add(
        (
            me,
            PROV.generatedAtTime,
            Literal(stamp, datatype=XSD.dateTime),
        )
    )
    graph.add((me, DCTERMS.creator, Literal(f"kgtool {__version__} link enrich")))
    for item in sorted({s for s in result.graph.subjects() if isinstance(s, URIRef)}):
        graph.add((me, DCTERMS.source, item))
    header = (
        "# Statements about linked Wikidata items, pulled by `kgtool link enrich`, in Wikidata's\n"
        "# own terms (CC0), apart from the article's facts. Written by kgtool; rerun to refresh.\n"
    )
    write_named_graph(dest, me, graph, header)
