"""The names ``kgtool.wikidata.link`` used to hold, re-exported for one release.

Linking now lives in one module per workflow (:mod:`kgtool.wikidata.check`, ``suggest``,
``enrich``, ``quickstatements``, with what they share in :mod:`kgtool.wikidata.items`), over the
network layer (:mod:`kgtool.remote.http`, :mod:`kgtool.remote.federation`). Import from there.
"""

from __future__ import annotations

from kgtool.remote.federation import SERVICE_ALIASES, federation, parse_service_map
from kgtool.remote.http import (
    CONTACT,
    AnswerCache,
    CachedAnswer,
    Row,
    SparqlClient,
    parse_results,
    user_agent,
)
from kgtool.wikidata.check import (
    LABEL_THRESHOLD,
    WRONG_STATUSES,
    CheckReport,
    LinkCheck,
    check_links,
)
from kgtool.wikidata.enrich import DEFAULT_ENRICH_PROPERTIES, Enrichment, enrich, write_enrichment
from kgtool.wikidata.items import (
    ENDPOINT_ENV,
    LINKABLE_ROOTS,
    WIKIDATA_ENDPOINT,
    ItemFacts,
    fetch_items,
    label_similarity,
    qid,
    resolve_endpoint,
    wikidata_classes,
    wikidata_links,
)
from kgtool.wikidata.quickstatements import ENGLISH_WIKIPEDIA, QuickStatements, quickstatements
from kgtool.wikidata.suggest import (
    AcceptedLink,
    Candidate,
    Suggestion,
    SuggestReport,
    choose_links,
    suggest_links,
    unlinked_entities,
    write_accepted,
)

__all__ = [
    "CONTACT",
    "DEFAULT_ENRICH_PROPERTIES",
    "ENDPOINT_ENV",
    "ENGLISH_WIKIPEDIA",
    "LABEL_THRESHOLD",
    "LINKABLE_ROOTS",
    "SERVICE_ALIASES",
    "WIKIDATA_ENDPOINT",
    "WRONG_STATUSES",
    "AcceptedLink",
    "AnswerCache",
    "CachedAnswer",
    "Candidate",
    "CheckReport",
    "Enrichment",
    "ItemFacts",
    "LinkCheck",
    "QuickStatements",
    "Row",
    "SparqlClient",
    "SuggestReport",
    "Suggestion",
    "check_links",
    "choose_links",
    "enrich",
    "federation",
    "fetch_items",
    "label_similarity",
    "parse_results",
    "parse_service_map",
    "qid",
    "quickstatements",
    "resolve_endpoint",
    "suggest_links",
    "unlinked_entities",
    "user_agent",
    "wikidata_classes",
    "wikidata_links",
    "write_accepted",
    "write_enrichment",
]
