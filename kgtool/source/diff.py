"""Diff a revision of the article against the graph: sentences, the facts they state, references.

Each known sentence is ``unchanged`` (same words; typography, whitespace and reference numbers
may differ), ``edited`` (with a word-level diff) or ``removed``; each sentence the graph lacks is
``new``. Each asserted fact (a triple in a sentence's named graph) is ``supported`` when one of
its sentences is unchanged, ``review`` when none is but one was edited, ``unsupported`` when every
sentence that stated it is gone. The JSON document is described in ``docs/source.md``.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from kgtool.core.namespaces import GRAPH_SOURCES, KG, SRC, bind_prefixes
from kgtool.graph import KnowledgeGraph
from kgtool.source.align import (
    KnownSentence,
    Match,
    Revision,
    RevisionError,
    align,
    known_sentences,
    words,
)

#: Sentence statuses and the fact status each one gives.
SENTENCE_STATUSES = ("unchanged", "edited", "removed", "new")
FACT_STATUSES = ("supported", "review", "unsupported")
#: With no header to say which article a revision is, this share of the graph's sentences must
#: be found in it.
CONTENT_EVIDENCE = 0.25


@dataclass(frozen=True)
class SentenceChange:
    """What became of one sentence."""

    match: Match
    status: str
    new_text: str | None
    diff: str | None
    moved: bool

    @property
    def iris(self) -> tuple[URIRef, ...]:
        """The known sentences of the match (two for a merge, none for a new sentence)."""
        return tuple(s.iri for s in self.match.old)


@dataclass(frozen=True)
class Fact:
    """An asserted triple and the sentences (named graphs) that state it."""

    subject: Node
    predicate: Node
    object: Node
    sentences: tuple[URIRef, ...]
    status: str


@dataclass(frozen=True)
class ReferenceMove:
    """A known sentence whose reference numbers differ in the revision."""

    iri: URIRef
    old: tuple[int, ...]
    new: tuple[int, ...]


@dataclass
class SourceDiff:
    """The diff of a revision against the graph."""

    revision: Revision
    changes: list[SentenceChange]
    facts: list[Fact]
    references: list[ReferenceMove]
    renumbered: dict[int, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every fact is still supported (the exit code is then 0)."""
        return all(f.status == "supported" for f in self.facts)

    def counts(self) -> dict[str, dict[str, int]]:
        """Count sentences (known ones, plus new) and facts by status."""
        sentences = dict.fromkeys(SENTENCE_STATUSES, 0)
        for change in self.changes:
            sentences[change.status] += max(len(change.iris), 1)
        facts = dict.fromkeys(FACT_STATUSES, 0)
        for fact in self.facts:
            facts[fact.status] += 1
        return {"sentences": sentences, "facts": facts}

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON document (see ``docs/source.md``)."""
        sentences = []
        for change in self.changes:
            for old in change.match.old or (None,):
                sentences.append(_sentence_json(change, old))
        return {
            "sentences": sentences,
            "facts": [
                {
                    "subject": ntriples(f.subject),
                    "predicate": ntriples(f.predicate),
                    "object": ntriples(f.object),
                    "status": f.status,
                    "sentences": [str(s) for s in f.sentences],
                }
                for f in self.facts
            ],
            "references": [
                {"id": str(r.iri), "old": list(r.old), "new": list(r.new)} for r in self.references
            ],
            "renumbered": [{"old": o, "new": n} for o, n in sorted(self.renumbered.items())],
            "revision": {
                "path": self.revision.path,
                "title": self.revision.title,
                "url": self.revision.url,
                "page_id": self.revision.page_id,
            },
            "summary": self.counts(),
        }

    def to_json(self) -> str:
        """Return :meth:`to_dict` as indented JSON (keys in a fixed order)."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_text(self) -> str:
        """Return a report for people: the counts, then every change and every fact at risk."""
        names = bind_prefixes(Graph()).namespace_manager

        def short(node: Node) -> str:
            return node.n3(names)

        counts = self.counts()
        rev = self.revision
        about = ", ".join(x for x in (rev.url, f"page {rev.page_id}" if rev.page_id else None) if x)
        lines = [
            f"Revision: {rev.title or rev.path}" + (f" ({about})" if about else ""),
            "Sentences: " + ", ".join(f"{n} {s}" for s, n in counts["sentences"].items()),
            "Facts: " + ", ".join(f"{n} {s}" for s, n in counts["facts"].items()),
        ]
        for change in self.changes:
            if change.status == "unchanged" and not change.moved:
                continue
            who = " + ".join(short(i) for i in change.iris)
            where = (
                ", ".join(f"{s.section} #{s.position}" for s in change.match.new)
                or f"was {change.match.old[0].section} #{change.match.old[0].position}"
            )
            label = change.status + (" (moved)" if change.moved else "")
            extra = f" [{change.match.kind}]" if change.match.kind in ("split", "merged") else ""
            lines.append("")
            lines.append(f"{label}{extra}: {who + ' ' if who else ''}({where})")
            if change.diff is not None:
                lines.append("  " + change.diff)
            elif change.status == "removed":
                lines.append("  " + change.match.old[0].quote)
            elif change.status == "new" and change.new_text is not None:
                lines.append("  " + change.new_text)
        if self.renumbered:
            lines.append("")
            lines.append(f"References renumbered: {_runs(self.renumbered)}")
        # The JSON lists every move; here only those the renumbering does not explain.
        unexplained = [
            m
            for m in self.references
            if tuple(sorted(self.renumbered.get(n, n) for n in m.old)) != m.new
        ]
        if unexplained:
            lines.append("")
            lines.append("References moved:")
            for move in unexplained:
                lines.append(f"  {short(move.iri)}: {list(move.old)} -> {list(move.new)}")
        at_risk = [f for f in self.facts if f.status != "supported"]
        if at_risk:
            lines.append("")
            lines.append("Facts to look at:")
            for fact in at_risk:
                lines.append(
                    f"  {fact.status}: {short(fact.subject)} {short(fact.predicate)} "
                    f"{short(fact.object)} ({', '.join(short(s) for s in fact.sentences)})"
                )
        return "\n".join(lines) + "\n"


def ntriples(term: Node) -> str:
    """Return a term as N-Triples writes it (rdflib's ``n3()`` writes Turtle's long strings).

    >>> ntriples(Literal('two\\nlines "quoted"', lang="en"))
    '"two\\\\nlines \\\\"quoted\\\\""@en'
    >>> ntriples(Literal(5)), ntriples(URIRef("urn:x"))
    ('"5"^^<http://www.w3.org/2001/XMLSchema#integer>', '<urn:x>')
    """
    if not isinstance(term, Literal):
        return term.n3()
    text = str(term)
    for raw, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r")):
        text = text.replace(raw, escaped)
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype is not None and term.datatype != XSD.string:
        return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'


def _runs(renumbered: dict[int, int]) -> str:
    """Write a renumbering compactly: consecutive numbers shifted alike as one range.

    >>> _runs({3: 4, 4: 5, 5: 6, 9: 2})
    '3..5 -> 4..6, 9 -> 2'
    """
    runs: list[list[int]] = []  # [first old, last old, shift]
    for old, new in sorted(renumbered.items()):
        if runs and old == runs[-1][1] + 1 and new - old == runs[-1][2]:
            runs[-1][1] = old
        else:
            runs.append([old, old, new - old])
    return ", ".join(
        f"{a} -> {a + d}" if a == b else f"{a}..{b} -> {a + d}..{b + d}" for a, b, d in runs
    )


def _sentence_json(change: SentenceChange, old: KnownSentence | None) -> dict[str, Any]:
    new = change.match.new
    return {
        "id": str(old.iri) if old else None,
        "status": change.status,
        "quote": old.quote if old else None,
        "new_text": change.new_text,
        "match": change.match.kind,
        "similarity": round(change.match.score, 3),
        "diff": change.diff,
        "moved": change.moved,
        "old_position": old.position if old else None,
        "new_positions": [s.position for s in new],
        "old_section": old.section if old else None,
        "new_section": new[0].section if new else None,
    }


def word_diff(old: str, new: str) -> str:
    """Return a word-level diff in ``wdiff`` notation: ``[-removed-]`` and ``{+added+}``.

    Typography, whitespace and reference markers are normalized first, so only words show.

    >>> word_diff("Its founders are Len Gao . [ 4 ]", "Its founders are Leo Gao.")
    'Its founders are [-Len-] {+Leo+} Gao.'
    """
    a, b = words(old), words(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(a[i1:i2])
            continue
        if i2 > i1:
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(out)


def _moved(matches: list[Match]) -> set[int]:
    """Indexes of aligned matches outside the longest run kept in order (the ones that moved)."""
    aligned = [
        (n, m.old[0].position, m.new[0].position) for n, m in enumerate(matches) if m.old and m.new
    ]
    aligned.sort(key=lambda t: t[1])
    # Longest increasing subsequence of new positions, in old order (patience sorting).
    tails: list[int] = []
    tail_at: list[int] = []
    parent = [-1] * len(aligned)
    for k, (_n, _old, new) in enumerate(aligned):
        at = bisect_left(tails, new)
        if at == len(tails):
            tails.append(new)
            tail_at.append(k)
        else:
            tails[at] = new
            tail_at[at] = k
        parent[k] = tail_at[at - 1] if at else -1
    keep: set[int] = set()
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        keep.add(aligned[k][0])
        k = parent[k]
    return {n for n, _o, _new in aligned if n not in keep}


def check_article(kg: KnowledgeGraph, revision: Revision, matches: list[Match]) -> None:
    """Refuse a revision of another article.

    The header decides when it names the article: the page id (stable across renames), else
    the URL, else the title. Without any of them, a quarter of the graph's sentences must be
    found in the text.

    Raises:
        RevisionError: If the revision is not of the graph's article.
    """
    sources = kg.store.named_graph(GRAPH_SOURCES)
    articles = [a for a in sources.subjects(RDF.type, KG.SourceArticle) if isinstance(a, URIRef)]
    if len(articles) == 1:
        article = articles[0]
        page = sources.value(article, KG.pageId)
        if revision.page_id is not None and page is not None:
            if str(page) != str(revision.page_id):
                raise RevisionError(
                    f"{revision.path}: page id {revision.page_id}, but the graph's article "
                    f"<{article}> is page {page}: not this article"
                )
            return
        if revision.url is not None:
            if revision.url.rstrip("/") != str(article).rstrip("/"):
                raise RevisionError(
                    f"{revision.path}: URL {revision.url}, but the graph's article is "
                    f"<{article}>: not this article"
                )
            return
        if revision.title is not None:
            title = str(article).rstrip("/").rsplit("/", 1)[-1].replace("_", " ")
            if revision.title.strip() != title:
                raise RevisionError(
                    f"{revision.path}: titled {revision.title!r}, but the graph's article is "
                    f"{title!r}: not this article"
                )
            return
    known = sum(len(m.old) for m in matches if m.old and m.new)
    total = sum(len(m.old) for m in matches)
    if total and known < CONTENT_EVIDENCE * total:
        raise RevisionError(
            f"{revision.path}: only {known} of the graph's {total} sentences are in it, and its "
            "header does not name the article: not this article"
        )


def _facts(kg: KnowledgeGraph, statuses: dict[URIRef, str]) -> list[Fact]:
    """Every triple in a sentence's named graph, with the status its sentences give it."""
    sources = kg.store.named_graph(GRAPH_SOURCES)
    described = {s for s in sources.subjects(RDF.type, KG.SourceSentence)}
    stated: dict[tuple[Node, Node, Node], set[URIRef]] = {}
    for name in kg.store.graph_names():
        # A graph under src: that the sources graph no longer describes still holds facts.
        if name not in described and not str(name).startswith(str(SRC)):
            continue
        for triple in kg.store.named_graph(name):
            stated.setdefault(triple, set()).add(name)
    facts = []
    for (s, p, o), names in stated.items():
        found = {statuses.get(n, "removed") for n in names}
        status = (
            "supported"
            if "unchanged" in found
            else "review"
            if "edited" in found
            else "unsupported"
        )
        facts.append(Fact(s, p, o, tuple(sorted(names, key=str)), status))
    facts.sort(key=lambda f: (ntriples(f.subject), ntriples(f.predicate), ntriples(f.object)))
    return facts


def diff_revision(kg: KnowledgeGraph, revision: Revision) -> SourceDiff:
    """Diff ``revision`` against the graph's sentences and the facts they state.

    Args:
        kg: The knowledge graph (its sources graph and sentence graphs).
        revision: The revision, from :func:`kgtool.source.align.read_revision`.

    Returns:
        The diff; ``ok`` is True when every fact is still supported.

    Raises:
        RevisionError: If the revision is not of the graph's article.

    >>> from kgtool.core import paths
    >>> from kgtool.source.align import read_revision
    >>> kg = KnowledgeGraph.load()
    >>> text = (paths.graph_dir() / "source" / "eleutherai-wikipedia.txt").read_text("utf-8")
    >>> from kgtool.source.align import parse_revision
    >>> rev = parse_revision(text.replace("Len Gao", "Leo Gao"), "new.txt", known_sentences(kg))
    >>> report = diff_revision(kg, rev)
    >>> report.counts()["sentences"], report.ok
    ({'unchanged': 45, 'edited': 1, 'removed': 0, 'new': 0}, False)
    >>> [c.diff for c in report.changes if c.status == "edited"]
    ['Its founding members are Connor Leahy, [-Len-] {+Leo+} Gao, and Sid Black.']
    """
    known = known_sentences(kg)
    matches = align(known, revision.sentences, revision.paragraphs)
    check_article(kg, revision, matches)
    moved = _moved(matches)
    changes = []
    statuses: dict[URIRef, str] = {}
    references: list[ReferenceMove] = []
    seen: dict[int, set[int]] = {}
    for n, match in enumerate(matches):
        if not match.new:
            status, new_text, diff = "removed", None, None
        elif not match.old:
            status, new_text, diff = "new", revision.span(match.new), None
        else:
            new_text = revision.span(match.new)
            unchanged = match.kind in ("exact", "normalized")
            status = "unchanged" if unchanged else "edited"
            old_text = " ".join(s.quote for s in match.old)
            diff = None if unchanged else word_diff(old_text, new_text)
        section_moved = bool(match.old and match.new) and any(
            o.section != match.new[0].section for o in match.old
        )
        changes.append(SentenceChange(match, status, new_text, diff, n in moved or section_moved))
        for old in match.old:
            statuses[old.iri] = status
        if match.old and match.new:
            new_refs = tuple(sorted({r for s in match.new for r in s.references}))
            old_refs = tuple(sorted({r for s in match.old for r in s.references}))
            if new_refs != old_refs:
                for old in match.old:
                    references.append(ReferenceMove(old.iri, old.references, new_refs))
            if len(old_refs) == len(new_refs):
                for a, b in zip(old_refs, new_refs, strict=True):
                    seen.setdefault(a, set()).add(b)
    # A reference renumbered consistently: every sentence that cited it cites one new number.
    renumbered = {a: next(iter(b)) for a, b in seen.items() if len(b) == 1 and a not in b}
    return SourceDiff(revision, changes, _facts(kg, statuses), references, renumbered)
