"""``kgtool link check``: is each ``owl:sameAs`` link to Wikidata still right?

Each link is ``agree``, ``label differs``, ``type differs``, ``redirected`` or ``missing``,
decided from one batch of item facts (:func:`kgtool.wikidata.items.fetch_items`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef

from kgtool.core.namespaces import bind_prefixes
from kgtool.core.terms import shorten
from kgtool.graph import KnowledgeGraph
from kgtool.query.render import text_table as table
from kgtool.remote.http import SparqlClient
from kgtool.wikidata.items import (
    best_label_score,
    fetch_items,
    names,
    wikidata_classes,
    wikidata_links,
)
from kgtool.wikidata.output import answers_note, report_json

#: Statuses of ``link check`` that make the exit code 1.
WRONG_STATUSES = frozenset({"label differs", "type differs", "redirected", "missing"})
#: Below this label similarity a link's label "differs".
LABEL_THRESHOLD = 0.85


@dataclass
class LinkCheck:
    """The verdict on one ``owl:sameAs`` link."""

    entity: URIRef
    item: URIRef
    status: str
    wikidata_label: str = ""
    detail: str = ""
    label_score: float = 0.0

    @property
    def wrong(self) -> bool:
        """Whether the link looks wrong (exit code 1).

        >>> LinkCheck(URIRef("urn:e"), URIRef("urn:i"), "missing").wrong
        True
        """
        return self.status in WRONG_STATUSES


@dataclass
class CheckReport:
    """The verdicts on all links, and where the answers came from."""

    checks: list[LinkCheck]
    endpoint: str
    fetched: list[str]
    offline: bool

    @property
    def wrong(self) -> list[LinkCheck]:
        """The links that look wrong."""
        return [c for c in self.checks if c.wrong]

    def summary(self) -> str:
        """One line: counts per status, the endpoint and the answers' date.

        >>> CheckReport([], "http://e/sparql", [], False).summary()
        '0 links: none (http://e/sparql; no query needed)'
        """
        counts: dict[str, int] = {}
        for c in self.checks:
            counts[c.status] = counts.get(c.status, 0) + 1
        parts = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        source = answers_note(self.fetched, self.offline)
        noun = "link" if len(self.checks) == 1 else "links"
        return f"{len(self.checks)} {noun}: {parts or 'none'} ({self.endpoint}; {source})"

    def to_text(self) -> str:
        """An aligned table, one line per link, then the summary."""
        graph = bind_prefixes(Graph())
        header = ("entity", "item", "status", "wikidata label", "detail")
        rows = [
            (
                shorten(graph, c.entity),
                shorten(graph, c.item),
                c.status,
                c.wikidata_label,
                c.detail,
            )
            for c in self.checks
        ]
        return table(header, rows) + self.summary() + "\n"

    def to_json(self) -> str:
        """The verdicts as JSON."""
        return report_json(
            self,
            links=[
                {
                    "entity": str(c.entity),
                    "item": str(c.item),
                    "status": c.status,
                    "wikidataLabel": c.wikidata_label,
                    "detail": c.detail,
                    "labelScore": c.label_score,
                }
                for c in self.checks
            ],
        )


def check_links(kg: KnowledgeGraph, client: SparqlClient, batch_size: int = 50) -> CheckReport:
    """Check every ``owl:sameAs`` link to a Wikidata item against the endpoint.

    Each link is ``agree``, ``label differs`` (no English label or alias of the item is like
    ours), ``type differs`` (the item's ``P31`` classes do not reach, through ``P279*``, the
    Wikidata class our ontology maps the entity's class to), ``redirected`` or ``missing``.

    Args:
        kg: The knowledge graph.
        client: The endpoint client.
        batch_size: Items per query.

    Returns:
        The report.

    Raises:
        EndpointError, OfflineError: See :meth:`SparqlClient.select`.
    """
    union = kg.store.union()
    links = wikidata_links(kg)
    expected = {entity: wikidata_classes(kg, entity) for entity, _ in links}
    targets = set().union(*expected.values()) if expected else set()
    facts = fetch_items(client, (item for _, item in links), targets, batch_size)
    checks: list[LinkCheck] = []
    graph = bind_prefixes(Graph())
    for entity, item in links:
        info = facts[item]
        ours = names(union, entity)
        if info.redirect is not None and not info.labels:
            checks.append(
                LinkCheck(entity, item, "redirected", "", f"now {shorten(graph, info.redirect)}")
            )
            continue
        if not info.exists:
            checks.append(LinkCheck(entity, item, "missing", "", "no such item at the endpoint"))
            continue
        score = best_label_score(ours, info.labels + info.aliases)
        wanted = expected[entity]
        if score < LABEL_THRESHOLD:
            detail = (
                f"ours: {', '.join(ours) or '(none)'}; similarity {score:.2f}"
                if info.labels
                else "the item has no English label"
            )
            checks.append(LinkCheck(entity, item, "label differs", info.label, detail, score))
        elif wanted and info.classes and not (info.is_a & wanted):
            detail = (
                f"P31 {', '.join(shorten(graph, c) for c in info.classes)}; expected "
                f"a subclass of {', '.join(shorten(graph, c) for c in sorted(wanted))}"
            )
            checks.append(LinkCheck(entity, item, "type differs", info.label, detail, score))
        else:
            note = "" if info.classes or not wanted else "no P31 to compare"
            checks.append(LinkCheck(entity, item, "agree", info.label, note, score))
    return CheckReport(checks, client.endpoint, client.fetched, client.offline)
