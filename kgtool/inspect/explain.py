"""Explain a triple: its source sentences if asserted, its derivation if inferred (``why``).

The explainer runs the OWL 2 RL / RDFS rules that matter for this ontology backwards
(https://www.w3.org/TR/owl2-profiles/#Reasoning_in_OWL_2_RL_and_RDF_Graphs_using_Rules):
``rdfs:subPropertyOf`` and ``rdfs:subClassOf`` (prp-spo1, cax-sco, scm-sco, scm-spo, and
scm-dom1/2, scm-rng1/2 for domains and ranges),
``owl:equivalentProperty`` / ``owl:equivalentClass`` (prp-eqp, cax-eqc), ``owl:inverseOf``
(prp-inv), ``rdfs:domain`` / ``rdfs:range`` (prp-dom, prp-rng), ``owl:TransitiveProperty``
(prp-trp), ``owl:SymmetricProperty`` (prp-symp) and ``owl:sameAs`` (eq-sym, eq-rep-s/o). Every
premise must hold in the reasoned view; premises are explained in turn down to asserted leaves,
up to a depth bound. A step no rule here accounts for is reported as such, not guessed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from kgtool.core.errors import NotEntailedError
from kgtool.core.namespaces import bind_prefixes
from kgtool.core.terms import Triple, parse_term, shorten
from kgtool.graph import KnowledgeGraph
from kgtool.inspect.describe import Provenance, provenance
from kgtool.reason.engine import reason

_SHOW = bind_prefixes(Graph())
MAX_DEPTH = 8


@dataclass
class Explanation:
    """A node of a derivation tree."""

    triple: Triple
    asserted: bool
    rule: str = ""
    sources: list[Provenance] = field(default_factory=list)
    premises: list[Explanation] = field(default_factory=list)

    def show_triple(self) -> str:
        """The triple in prefixed-name Turtle syntax."""
        return " ".join(
            t.n3(_SHOW.namespace_manager) if not isinstance(t, URIRef) else shorten(_SHOW, t)
            for t in self.triple
        )

    def to_text(self, indent: int = 0) -> str:
        """Render the tree, one premise per indented line, leaves with their sources."""
        pad = "  " * indent
        if self.asserted:
            lines = [f"{pad}{self.show_triple()}  (asserted)"]
            lines.extend(f"{pad}    from {p.to_text()}" for p in self.sources)
        else:
            lines = [f"{pad}{self.show_triple()}  (inferred by {self.rule})"]
            lines.extend(p.to_text(indent + 1).rstrip("\n") for p in self.premises)
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly form of the tree."""
        return {
            "triple": self.show_triple(),
            "asserted": self.asserted,
            "rule": self.rule,
            "sources": [p.__dict__ for p in self.sources],
            "premises": [p.to_dict() for p in self.premises],
        }

    def to_json(self) -> str:
        """Render as JSON."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


class _View:
    """The few triples an explanation looks at, asked of the store pattern by pattern.

    Every lookup is a store index scan bound on one or two terms, remembered for the rest of the
    explanation: the cost grows with the derivation, not with the data (copying the views into
    rdflib graphs took seconds at 50 k triples). Answers come sorted, so that the derivation
    chosen among equally short ones is the same on every store.
    """

    def __init__(self, kg: KnowledgeGraph, reasoned: bool):
        self.store = kg.store
        self.reasoned = reasoned
        self._found: dict[tuple[Node | None, Node | None, Node | None], list[Triple]] = {}

    def _match(self, pattern: tuple[Node | None, Node | None, Node | None]) -> list[Triple]:
        found = self._found.get(pattern)
        if found is None:
            found = sorted(self.store.triples(pattern, self.reasoned), key=_n3_key)
            self._found[pattern] = found
        return found

    def __contains__(self, t: Triple) -> bool:
        return bool(self._match(t))

    def subjects(self, p: Node, o: Node) -> list[Node]:
        return [t[0] for t in self._match((None, p, o))]

    def objects(self, s: Node, p: Node) -> list[Node]:
        return [t[2] for t in self._match((s, p, None))]


def _n3_key(t: Triple) -> tuple[str, ...]:
    return tuple(x.n3() for x in t)


class _Explainer:
    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        self.asserted = _View(kg, reasoned=False)
        self.full = _View(kg, reasoned=True)

    def candidates(self, t: Triple) -> Iterator[tuple[str, list[Triple]]]:
        s, p, o = t
        g = self.full
        if p == RDF.type:
            for d in g.subjects(RDFS.subClassOf, o):
                yield "rdfs:subClassOf (cax-sco)", [(s, RDF.type, d), (d, RDFS.subClassOf, o)]
            for d in g.objects(o, OWL.equivalentClass):
                yield (
                    "owl:equivalentClass (cax-eqc)",
                    [(s, RDF.type, d), (o, OWL.equivalentClass, d)],
                )
            for d in g.subjects(OWL.equivalentClass, o):
                yield (
                    "owl:equivalentClass (cax-eqc)",
                    [(s, RDF.type, d), (d, OWL.equivalentClass, o)],
                )
            for q in g.subjects(RDFS.domain, o):
                for x in g.objects(s, q):
                    yield "rdfs:domain (prp-dom)", [(s, q, x), (q, RDFS.domain, o)]
            for q in g.subjects(RDFS.range, o):
                for x in g.subjects(q, s):
                    yield "rdfs:range (prp-rng)", [(x, q, s), (q, RDFS.range, o)]
        if p in (RDFS.subClassOf, RDFS.subPropertyOf):
            for m in g.objects(s, p):
                if m not in (s, o) and (m, p, o) in g:
                    yield f"{shorten(_SHOW, p)} is transitive (scm)", [(s, p, m), (m, p, o)]
        if p in (RDFS.domain, RDFS.range):
            kind = "dom" if p == RDFS.domain else "rng"
            for c in g.subjects(RDFS.subClassOf, o):
                if c != o:
                    yield (
                        f"{shorten(_SHOW, p)} of a subclass (scm-{kind}1)",
                        [(s, p, c), (c, RDFS.subClassOf, o)],
                    )
            for q in g.objects(s, RDFS.subPropertyOf):
                if q != s:
                    yield (
                        f"{shorten(_SHOW, p)} of a super-property (scm-{kind}2)",
                        [(q, p, o), (s, RDFS.subPropertyOf, q)],
                    )
        if p == OWL.sameAs:
            yield "owl:sameAs is symmetric (eq-sym)", [(o, OWL.sameAs, s)]
        for q in g.subjects(RDFS.subPropertyOf, p):
            if q != p:
                yield "rdfs:subPropertyOf (prp-spo1)", [(s, q, o), (q, RDFS.subPropertyOf, p)]
        for q in g.objects(p, OWL.equivalentProperty):
            yield "owl:equivalentProperty (prp-eqp)", [(s, q, o), (p, OWL.equivalentProperty, q)]
        for q in g.subjects(OWL.equivalentProperty, p):
            yield "owl:equivalentProperty (prp-eqp)", [(s, q, o), (q, OWL.equivalentProperty, p)]
        for q in g.objects(p, OWL.inverseOf):
            yield "owl:inverseOf (prp-inv)", [(o, q, s), (p, OWL.inverseOf, q)]
        for q in g.subjects(OWL.inverseOf, p):
            yield "owl:inverseOf (prp-inv)", [(o, q, s), (q, OWL.inverseOf, p)]
        if (p, RDF.type, OWL.SymmetricProperty) in g:
            yield (
                "owl:SymmetricProperty (prp-symp)",
                [(o, p, s), (p, RDF.type, OWL.SymmetricProperty)],
            )
        if (p, RDF.type, OWL.TransitiveProperty) in g:
            for m in g.objects(s, p):
                if m not in (s, o) and (m, p, o) in g:
                    yield (
                        "owl:TransitiveProperty (prp-trp)",
                        [(s, p, m), (m, p, o), (p, RDF.type, OWL.TransitiveProperty)],
                    )
        for alias in _ordered(g.objects(s, OWL.sameAs), g.subjects(OWL.sameAs, s)):
            if alias != s:
                yield "owl:sameAs (eq-rep-s)", [(alias, p, o), (s, OWL.sameAs, alias)]
        if p != OWL.sameAs:
            for alias in _ordered(g.objects(o, OWL.sameAs), g.subjects(OWL.sameAs, o)):
                if alias != o:
                    yield "owl:sameAs (eq-rep-o)", [(s, p, alias), (o, OWL.sameAs, alias)]

    def explain(self, t: Triple, depth: int, path: frozenset[Triple]) -> Explanation:
        if t in self.asserted:
            return Explanation(t, asserted=True, sources=provenance(self.kg, t))
        if depth <= 0:
            return Explanation(t, asserted=False, rule="(depth bound reached)")
        # Prefer derivations whose premises are asserted: shorter trees for people.
        options = [
            (rule, premises)
            for rule, premises in self.candidates(t)
            if all(q in self.full and q not in path and q != t for q in premises)
        ]
        if not options:
            return Explanation(t, asserted=False, rule="a rule kgtool cannot explain")
        options.sort(key=lambda rp: sum(q not in self.asserted for q in rp[1]))
        rule, premises = options[0]
        inner = path | {t}
        return Explanation(
            t,
            asserted=False,
            rule=rule,
            premises=[self.explain(q, depth - 1, inner) for q in premises],
        )


def _ordered(*found: list[Node]) -> list[Node]:
    """The distinct terms of several lookups, sorted (a set's order changes from run to run)."""
    return sorted({n for part in found for n in part}, key=lambda n: n.n3())


def explain_triple(kg: KnowledgeGraph, triple: Triple, max_depth: int = MAX_DEPTH) -> Explanation:
    """Explain a triple already in RDF terms.

    Args:
        kg: The knowledge graph; reasoned first (owlrl) if it has not been.
        triple: The triple.
        max_depth: How many inference steps to follow.

    Returns:
        The derivation tree (a single asserted leaf for an asserted triple).

    Raises:
        NotEntailedError: If the triple is neither asserted nor inferred.
        InconsistencyError: If reasoning finds the data inconsistent.
    """
    if triple in _View(kg, reasoned=False):
        return Explanation(triple, asserted=True, sources=provenance(kg, triple))
    if not kg.store.has_inferred():
        reason(kg)
    if triple not in _View(kg, reasoned=True):
        shown = Explanation(triple, asserted=False).show_triple()
        raise NotEntailedError(f"{shown} is neither asserted nor inferred")
    return _Explainer(kg).explain(triple, max_depth, frozenset())


def why(kg: KnowledgeGraph, subject: str, predicate: str, obj: str) -> Explanation:
    """Explain the triple typed as ``subject predicate object``.

    Args:
        kg: The knowledge graph.
        subject: IRI, prefixed name or label.
        predicate: IRI or prefixed name (``a`` means ``rdf:type``).
        obj: IRI, prefixed name, label or a Turtle literal (``'"2020"^^xsd:gYear'``).

    Returns:
        The explanation tree.

    Raises:
        TermError: If a term cannot be read.
        NotEntailedError: If the triple is neither asserted nor inferred.

    >>> from rdflib import Dataset
    >>> kg = KnowledgeGraph.from_dataset(Dataset())
    >>> why(kg, "id:a", "kg:founder", "id:b")
    Traceback (most recent call last):
    ...
    kgtool.core.errors.NotEntailedError: id:a kg:founder id:b is neither asserted nor inferred
    """

    # Labels are looked up among asserted facts (owl:sameAs copies them onto aliases), and only
    # the label triples reading the text typed are asked for.
    def term(text: str) -> Node:
        return parse_term(kg.store.labelled(text.strip()), text)

    s = term(subject)
    p = RDF.type if predicate.strip() == "a" else term(predicate)
    return explain_triple(kg, (s, p, term(obj)))
