"""What the Wikidata workflows share: the endpoint, QIDs, links, item facts, label similarity.

Every workflow (check, suggest, enrich, QuickStatements) asks one endpoint through
:class:`kgtool.remote.http.SparqlClient`, many items per query (one ``VALUES`` block per batch),
never one request per entity. The default endpoint is Wikidata's query service;
``--endpoint`` or ``KGTOOL_WIKIDATA_ENDPOINT`` points at a mirror (QLever, a local copy, a test
server).
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from kgtool.core.namespaces import KG, WD, WIKIDATA_SPARQL
from kgtool.graph import KnowledgeGraph
from kgtool.remote.http import SparqlClient, batches, check_url, values

#: Wikidata's public SPARQL endpoint, the default of every ``kgtool link`` command.
WIKIDATA_ENDPOINT = str(WIKIDATA_SPARQL)
#: Environment variable that replaces the default endpoint.
ENDPOINT_ENV = "KGTOOL_WIKIDATA_ENDPOINT"
#: Classes whose instances can be linked (events, claims and sentences cannot).
LINKABLE_ROOTS: tuple[URIRef, ...] = (
    KG.Agent,
    KG.Work,
    KG.Award,
    KG.Program,
    KG.Workshop,
    KG.ResearchTopic,
)
_QID_RE = re.compile(r"^Q[1-9]\d*$")
_PID_RE = re.compile(r"^P[1-9]\d*$")


def resolve_endpoint(endpoint: str | None = None) -> str:
    """Return the endpoint to use: the argument, else ``$KGTOOL_WIKIDATA_ENDPOINT``, else Wikidata.

    Raises:
        UsageError: If the URL is not http(s).

    >>> resolve_endpoint("http://127.0.0.1:7878/query")
    'http://127.0.0.1:7878/query'
    """
    return check_url(endpoint or os.environ.get(ENDPOINT_ENV) or WIKIDATA_ENDPOINT)


def qid(item: Node) -> str:
    """Return the QID of a Wikidata entity IRI (``wd:Q95`` → ``Q95``), else ``""``.

    >>> qid(WD.Q95), qid(URIRef("http://example.org/x"))
    ('Q95', '')
    """
    text = str(item)
    if isinstance(item, URIRef) and text.startswith(str(WD)):
        local = text[len(str(WD)) :]
        return local if _QID_RE.match(local) else ""
    return ""


# --------------------------------------------------------------------------- labels


def _tokens(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.findall(r"[^\W_]+", folded)


def label_similarity(a: str, b: str) -> float:
    """Score how alike two labels are, from 0 to 1, ignoring case, spacing and punctuation.

    Equal token sequences score 1; when one label's words all occur in the other (``GPT-J`` and
    ``GPT-J-6B``, ``DeepMind`` and ``Google DeepMind``) the score is at least 0.9; otherwise it
    is the character similarity of the normalised strings.

    >>> label_similarity("NVIDIA", "Nvidia")
    1.0
    >>> label_similarity("GPT-J", "GPT-J-6B")
    0.9
    >>> label_similarity("Harvard University", "Columbia University") < 0.85
    True
    """
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    if ta == tb or "".join(ta) == "".join(tb):
        return 1.0
    ratio = difflib.SequenceMatcher(None, " ".join(ta), " ".join(tb)).ratio()
    if set(ta) <= set(tb) or set(tb) <= set(ta):
        return round(max(0.9, ratio), 4)
    return round(ratio, 4)


def english(labels: Iterable[Node]) -> list[str]:
    """Return the English (or multilingual, ``mul``) labels among ``labels``, sorted.

    >>> english([Literal("a", lang="en"), Literal("b", lang="de"), Literal("c")])
    ['a', 'c']
    """
    return sorted(
        str(v) for v in labels if isinstance(v, Literal) and (v.language or "en") in ("en", "mul")
    )


def names(union: Graph, entity: URIRef) -> list[str]:
    """Return the entity's English labels and alt labels, sorted."""
    return sorted(
        set(english(union.objects(entity, RDFS.label)))
        | set(english(union.objects(entity, SKOS.altLabel)))
    )


def best_label_score(ours: Sequence[str], theirs: Sequence[str]) -> float:
    """Return the best :func:`label_similarity` of any of ours with any of theirs.

    >>> best_label_score(["GPT-J"], ["GPT-J-6B", "EleutherAI"])
    0.9
    """
    return max((label_similarity(a, b) for a in ours for b in theirs), default=0.0)


# --------------------------------------------------------------------------- our side


def _superclasses(ontology: Graph, classes: Iterable[Node]) -> set[Node]:
    seen: set[Node] = set()
    todo = list(classes)
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(ontology.objects(current, RDFS.subClassOf))
    return seen


def wikidata_classes(kg: KnowledgeGraph, entity: URIRef) -> set[URIRef]:
    """Return the Wikidata classes the entity's classes map to (``skos:exact/closeMatch``).

    Superclasses count: a ``kg:University`` is a ``kg:Organization``, which maps to Q43229.
    """
    union = kg.store.union()
    found: set[URIRef] = set()
    for cls in _superclasses(union, union.objects(entity, RDF.type)):
        for prop in (SKOS.exactMatch, SKOS.closeMatch):
            found.update(o for o in union.objects(cls, prop) if isinstance(o, URIRef) and qid(o))
    return found


def is_linkable(union: Graph, entity: URIRef) -> bool:
    """Whether the entity is an instance of one of :data:`LINKABLE_ROOTS` (or a subclass)."""
    return bool(_superclasses(union, union.objects(entity, RDF.type)) & set(LINKABLE_ROOTS))


def mapped_properties(kg: KnowledgeGraph) -> dict[URIRef, str]:
    """Return each of our properties the ontology maps (``skos:exactMatch``) to a Wikidata one.

    A property mapped to several keeps the lowest-numbered PID, so the choice is stable.

    Returns:
        Our property → PID (``kg:releaseDate`` → ``"P577"``).
    """
    found: dict[URIRef, str] = {}
    for prop, target in kg.store.union().subject_objects(SKOS.exactMatch):
        text = str(target)
        local = text[len(str(WD)) :] if text.startswith(str(WD)) else ""
        if not isinstance(prop, URIRef) or not _PID_RE.match(local):
            continue
        if prop not in found or int(local[1:]) < int(found[prop][1:]):
            found[prop] = local
    return found


def wikidata_links(kg: KnowledgeGraph) -> list[tuple[URIRef, URIRef]]:
    """Return every ``(entity, item)`` with ``entity owl:sameAs item`` and item a Wikidata item."""
    union = kg.store.union()
    return sorted(
        (s, o)
        for s, o in union.subject_objects(OWL.sameAs)
        if isinstance(s, URIRef) and isinstance(o, URIRef) and qid(o) and not qid(s)
    )


# --------------------------------------------------------------------------- their side


@dataclass
class ItemFacts:
    """What the endpoint says about one item."""

    item: URIRef
    labels: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    classes: list[URIRef] = field(default_factory=list)
    redirect: URIRef | None = None
    is_a: set[URIRef] = field(default_factory=set)

    @property
    def exists(self) -> bool:
        """Whether the endpoint knows the item at all."""
        return bool(self.labels or self.aliases or self.descriptions or self.classes)

    @property
    def label(self) -> str:
        """The English label (or the multilingual one), else ``""``."""
        return self.labels[0] if self.labels else ""


_DESCRIBE = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?item ?kind ?value WHERE {{
  VALUES ?item {{ {items} }}
  {{ ?item rdfs:label ?value . FILTER(LANG(?value) IN ("en", "mul")) BIND("label" AS ?kind) }}
  UNION {{ ?item skos:altLabel ?value . FILTER(LANG(?value) IN ("en", "mul"))
           BIND("alias" AS ?kind) }}
  UNION {{ ?item schema:description ?value . FILTER(LANG(?value) = "en")
           BIND("description" AS ?kind) }}
  UNION {{ ?item wdt:P31 ?value . BIND("class" AS ?kind) }}
  UNION {{ ?item owl:sameAs ?value . BIND("redirect" AS ?kind) }}{isa}
}}"""
_ISA = """
  UNION {{ VALUES ?value {{ {targets} }} ?item wdt:P31/wdt:P279* ?value . BIND("isa" AS ?kind) }}"""


def fetch_items(
    client: SparqlClient,
    items: Iterable[URIRef],
    targets: Iterable[URIRef] = (),
    batch_size: int = 50,
) -> dict[URIRef, ItemFacts]:
    """Ask for labels, aliases, descriptions, P31 classes and redirects of items, in batches.

    Args:
        client: The endpoint client.
        items: Wikidata item IRIs.
        targets: Classes to test membership of (``P31/P279*``), e.g. the classes our ontology
            maps to.
        batch_size: Items per query.

    Returns:
        Facts per item (every item asked about has an entry, empty when unknown).

    Raises:
        EndpointError, OfflineError: See :meth:`SparqlClient.select`.
    """
    wanted = sorted(set(items))
    facts = {item: ItemFacts(item) for item in wanted}
    target_list = sorted(set(targets))
    isa = _ISA.format(targets=values(target_list)) if target_list else ""
    for batch in batches(wanted, batch_size):
        for row in client.select(_DESCRIBE.format(items=values(batch), isa=isa)):
            item, kind, value = row.get("item"), str(row.get("kind", "")), row.get("value")
            if not isinstance(item, URIRef) or item not in facts or value is None:
                continue
            entry = facts[item]
            if kind == "label" and isinstance(value, Literal):
                entry.labels.append(str(value))
            elif kind == "alias" and isinstance(value, Literal):
                entry.aliases.append(str(value))
            elif kind == "description" and isinstance(value, Literal):
                entry.descriptions.append(str(value))
            elif kind == "class" and isinstance(value, URIRef):
                entry.classes.append(value)
            elif kind == "redirect" and isinstance(value, URIRef) and value != item:
                entry.redirect = value
            elif kind == "isa" and isinstance(value, URIRef):
                entry.is_a.add(value)
    for entry in facts.values():
        # English labels first, then the multilingual ones; the order is stable.
        entry.labels = sorted(set(entry.labels))
        entry.aliases = sorted(set(entry.aliases))
        entry.descriptions = sorted(set(entry.descriptions))
        entry.classes = sorted(set(entry.classes))
    return facts
