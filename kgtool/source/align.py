"""Read a revision of the article and align its sentences with the graph's ``kg:SourceSentence``s.

A revision is a text file in the layout of ``graph/source/``: ``Key: value`` header lines (Title,
URL, PageID), a line of dashes, then the page text with one paragraph per line, headings on lines
of their own and reference markers written ``[ 12 ]``. Its sentences are cut the way the shipped
quotes were: a quote ends at its final punctuation and closing quotes; the markers right after it
are its reference numbers but not part of it; markers inside it stay.

Alignment pairs known sentences with new ones in rounds: verbatim equal, then equal once Unicode,
whitespace and reference numbers are normalized away, then by word-level similarity
(:class:`difflib.SequenceMatcher`), where one known sentence may match two adjacent new ones (a
split) and two consecutive known ones may match one new one (a merge).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kgtool.core import paths
from kgtool.core.errors import InputError
from kgtool.core.namespaces import GRAPH_SOURCES, KG
from kgtool.graph import KnowledgeGraph
from kgtool.io.parse import read_text


class RevisionError(InputError):
    """A revision is not a text file, holds no sentences, or is not the graph's article."""


#: A reference marker as the plain-text article writes it: ``[ 12 ]``, ``[ citation needed ]``.
MARKER = r"\[[ \t\u00a0]*[^\[\]\n]{1,40}?[ \t\u00a0]*\]"
_MARKER = re.compile(MARKER)
_CLOSERS = "'\"\u2019\u201d)"
_BOUNDARY = re.compile(
    rf"(?P<end>[.!?](?:[ \t\u00a0]*[{_CLOSERS}])*)(?P<refs>(?:\s*{MARKER})*)\s+"
    rf"(?=[\"'\u201c\u2018(]?[A-Z0-9])"
)
_TAIL = re.compile(rf"(?P<body>.*?)(?P<refs>(?:\s*{MARKER})*)\s*\Z", re.S)
_ENDS = re.compile(rf"(?:[.!?][{_CLOSERS}\s]*|{MARKER})\s*\Z")
# A full stop after these is not a sentence end ("Dr. Smith", "J. Smith", "U.S. law").
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\bMr|\bMrs|\bMs|\bDr|\bProf|\bSt|\bJr|\bSr|\bvs|\be\.g|\bi\.e|\bU\.S)\Z"
)
_HEADER = re.compile(r"([A-Za-z][A-Za-z ]{0,30}):[ \t]*(.*)")
#: Headings that end the body: what follows them is not prose about the subject.
END_HEADINGS = frozenset(
    {
        "See also",
        "References",
        "Notes",
        "External links",
        "Further reading",
        "Citations",
        "Sources",
        "Bibliography",
        "Footnotes",
    }
)
#: Least word-level similarity at which a sentence counts as an edit of another.
SIMILARITY = 0.6
LEAD = "Lead"

_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
        "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None,
    }
)  # fmt: skip


@dataclass(frozen=True)
class NewSentence:
    """A sentence of a revision, verbatim, with where it stands."""

    text: str
    position: int  # 1-based, over the body's sentences
    section: str
    references: tuple[int, ...]
    citation_needed: bool
    paragraph: int
    start: int  # offsets into the paragraph's text
    end: int


@dataclass(frozen=True)
class KnownSentence:
    """A ``kg:SourceSentence`` of the graph."""

    iri: URIRef
    quote: str
    position: int
    section: str
    references: tuple[int, ...]


@dataclass
class Revision:
    """A revision of the article: what its header says and its body's sentences."""

    path: str
    title: str | None
    url: str | None
    page_id: int | None
    sentences: list[NewSentence]
    paragraphs: list[str] = field(default_factory=list)

    def span(self, parts: tuple[NewSentence, ...]) -> str:
        """Return the verbatim text from the first part's start to the last part's end.

        Parts of one paragraph make one contiguous quote (a split sentence keeps one quote);
        parts of different paragraphs are joined by a space.
        """
        if len({p.paragraph for p in parts}) == 1:
            return self.paragraphs[parts[0].paragraph][parts[0].start : parts[-1].end]
        return " ".join(p.text for p in parts)


@dataclass(frozen=True)
class Match:
    """Known sentences paired with new ones.

    ``kind`` is ``exact``, ``normalized``, ``similar``, ``split`` (one known, two new),
    ``merged`` (two known, one new), ``removed`` (no new) or ``new`` (no known).
    """

    kind: str
    old: tuple[KnownSentence, ...]
    new: tuple[NewSentence, ...]
    score: float


def normalize(text: str) -> str:
    """Return ``text`` with typography, whitespace and reference markers normalized away.

    >>> normalize("Its founders\\u00a0are \\u201cLeo\\u201d Gao . [ 4 ]")
    'Its founders are "Leo" Gao.'
    """
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)
    text = _MARKER.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r" ([.,;:!?)])", r"\1", text)
    return text.replace("( ", "(")


def words(text: str) -> list[str]:
    """Return the words of ``text`` after :func:`normalize` (punctuation stays on its word)."""
    return normalize(text).split()


def _numbers(markers: str) -> tuple[list[int], bool]:
    numbers, citation_needed = [], False
    for marker in _MARKER.findall(markers):
        inner = marker.strip("[] \t\u00a0")
        if inner.isdigit():
            numbers.append(int(inner))
        elif inner.lower() == "citation needed":
            citation_needed = True
    return numbers, citation_needed


def _ends_sentence(text: str) -> bool:
    return bool(_ENDS.search(text.rstrip()))


def _is_heading(line: str) -> bool:
    return (
        len(line) <= 80
        and len(line.split()) <= 10
        and not _ends_sentence(line)
        and not _MARKER.search(line)
        and not line[:1].islower()
    )


def _is_prose(line: str) -> bool:
    return len(line.split()) >= 6 and (_ends_sentence(line) or bool(_BOUNDARY.search(line)))


def split_sentences(paragraph: str) -> list[tuple[int, int, list[int], bool]]:
    """Cut a paragraph into sentences: ``(start, end, reference numbers, citation needed)``.

    >>> text = 'It began. [ 6 ] Its name is "Eleuther. " [ 3 ] Gao [ 4 ] joined.'
    >>> [(text[s:e], refs) for s, e, refs, _ in split_sentences(text)]
    [('It began.', [6]), ('Its name is "Eleuther. "', [3]), ('Gao [ 4 ] joined.', [4])]
    """
    found = []
    start = 0
    for m in _BOUNDARY.finditer(paragraph):
        if m.start() < start:
            continue
        head = paragraph[start : m.start("end")]
        if paragraph[m.start("end")] == "." and _ABBREVIATION.search(head):
            continue
        end = m.end("end")
        inner, _ = _numbers(paragraph[start:end])
        trailing, citation = _numbers(m.group("refs"))
        found.append((start, end, sorted({*inner, *trailing}), citation))
        start = m.end()
    tail = _TAIL.match(paragraph, start)
    if tail and tail.group("body").strip():
        end = tail.end("body")
        while end > start and paragraph[end - 1].isspace():
            end -= 1
        inner, _ = _numbers(paragraph[start:end])
        trailing, citation = _numbers(tail.group("refs"))
        found.append((start, end, sorted({*inner, *trailing}), citation))
    return found


def _section_paths(known: list[KnownSentence]) -> dict[str, list[str]]:
    """Map each heading the graph knows to its section path ("The Pile" -> Research, The Pile)."""
    paths: dict[str, list[str]] = {}
    for sentence in known:
        parts = sentence.section.split(" / ")
        for depth in range(1, len(parts) + 1):
            paths.setdefault(parts[depth - 1], parts[:depth])
    paths.pop(LEAD, None)
    return paths


def parse_revision(
    text: str, path: str = "<revision>", known: list[KnownSentence] | None = None
) -> Revision:
    """Parse a revision's text: its header and its body's sentences, with sections.

    The body starts at the first line of prose after the header (the article's navigation box
    comes before it) and ends at a heading such as "See also" or "References". A line that does
    not end a sentence and is followed by another line continues into it (the shipped text
    breaks some paragraphs). Headings the graph knows get their known section path; a new
    heading right under another one is its subsection, any other new heading a top-level one
    (plain text does not show heading levels).

    Args:
        text: The file's text.
        path: Its name, for messages.
        known: The graph's sentences, whose sections tell the heading levels.

    Returns:
        The revision.

    Raises:
        RevisionError: If the text is not text (NUL bytes) or has no sentences.

    >>> rev = parse_revision("Title: X\\n-----\\nnav\\nIt is a test of the parser. [ 1 ] "
    ...     "So it is.\\nHistory\\nIt began on a Monday in the year 2020.\\nSee also\\nY.")
    >>> [(s.position, s.section, s.text, s.references) for s in rev.sentences]
    [(1, 'Lead', 'It is a test of the parser.', (1,)), (2, 'Lead', 'So it is.', ()), \
(3, 'History', 'It began on a Monday in the year 2020.', ())]
    """
    if "\x00" in text:
        raise RevisionError(f"{path}: not a text file (it holds NUL bytes)")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header: dict[str, str] = {}
    i = 0
    while i < len(lines) and (m := _HEADER.fullmatch(lines[i].strip())):
        header[m.group(1).strip().lower()] = m.group(2).strip()
        i += 1
    if header:
        while i < len(lines) and not lines[i].strip():
            i += 1
        if i < len(lines) and re.fullmatch(r"-{3,}", lines[i].strip()):
            i += 1
    while i < len(lines) and not _is_prose(lines[i].strip()):
        i += 1
    headings = _section_paths(known or [])
    paragraphs: list[tuple[str, list[str]]] = []  # (text, section path)
    section: list[str] = [LEAD]
    current: str | None = None
    after_heading = False
    for raw in lines[i:]:
        line = raw.strip()
        if not line:
            current = None
            continue
        if current is not None and not _ends_sentence(current):
            current = current + "\n" + raw.rstrip("\n")
            paragraphs[-1] = (current, paragraphs[-1][1])
            continue
        if _is_heading(line):
            if line in END_HEADINGS:
                break
            if line in headings:
                section = headings[line]
            elif after_heading and section != [LEAD]:
                section = [*section, line]
            else:
                section = [line]
            after_heading = True
            current = None
            continue
        after_heading = False
        current = raw.strip()
        paragraphs.append((current, section))
    sentences: list[NewSentence] = []
    for number, (paragraph, path_parts) in enumerate(paragraphs):
        for start, end, refs, citation in split_sentences(paragraph):
            sentences.append(
                NewSentence(
                    text=paragraph[start:end],
                    position=len(sentences) + 1,
                    section=" / ".join(path_parts),
                    references=tuple(refs),
                    citation_needed=citation,
                    paragraph=number,
                    start=start,
                    end=end,
                )
            )
    if not sentences:
        raise RevisionError(f"{path}: no sentences found (is this the article's text?)")
    page = header.get("pageid", "")
    return Revision(
        path=path,
        title=header.get("title") or None,
        url=header.get("url") or None,
        page_id=int(page) if page.isdigit() else None,
        sentences=sentences,
        paragraphs=[p for p, _ in paragraphs],
    )


def bundled_revision() -> Path:
    """Return the revision the bundled graph was made from (``graph/source/``)."""
    return paths.graph_dir() / "source" / "eleutherai-wikipedia.txt"


def read_revision(path: str | Path, known: list[KnownSentence] | None = None) -> Revision:
    """Read and parse a revision file (see :func:`parse_revision`).

    Raises:
        InputError: If the file is missing, unreadable or not UTF-8.
        RevisionError: If it is not text or has no sentences.
    """
    return parse_revision(read_text(path), str(path), known)


def known_sentences(kg: KnowledgeGraph) -> list[KnownSentence]:
    """Return the graph's ``kg:SourceSentence``s in article order.

    >>> kg = KnowledgeGraph.load()
    >>> first = known_sentences(kg)[0]
    >>> first.iri.n3(), first.section, first.references
    ('<https://w3id.org/eleutherai-kg/source/lead-1>', 'Lead', (2,))
    """
    sources = kg.store.named_graph(GRAPH_SOURCES)
    found = []
    for iri in set(sources.subjects(RDF.type, KG.SourceSentence)):
        if not isinstance(iri, URIRef):
            continue
        position = sources.value(iri, KG.position)
        found.append(
            KnownSentence(
                iri=iri,
                quote=str(sources.value(iri, KG.quote) or ""),
                position=int(position.toPython()) if isinstance(position, Literal) else 0,
                section=str(sources.value(iri, KG.section) or LEAD),
                references=tuple(
                    sorted(
                        int(n.toPython())
                        for n in sources.objects(iri, KG.referenceNumber)
                        if isinstance(n, Literal)
                    )
                ),
            )
        )
    return sorted(found, key=lambda s: (s.position, str(s.iri)))


def _ratio(a: list[str], b: list[str]) -> float:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY:
        return 0.0
    return matcher.ratio()


def align(
    known: list[KnownSentence], new: list[NewSentence], paragraphs: list[str] | None = None
) -> list[Match]:
    """Pair the graph's sentences with a revision's; every sentence ends up in one match.

    Args:
        known: The graph's sentences, in article order.
        new: The revision's, in article order.
        paragraphs: The revision's paragraphs, to find quotes that span two sentences.

    Returns:
        The matches: the known sentences' in their order, then the new sentences' (``new``).

    >>> k = [KnownSentence(URIRef("s:1"), "Its founders are Len Gao and Sid Black.", 1, "H", ())]
    >>> n = parse_revision("Its founders are Leo Gao and Sid Black. And they made a model.")
    >>> n = n.sentences
    >>> [(m.kind, [s.text for s in m.new]) for m in align(k, n)]
    [('similar', ['Its founders are Leo Gao and Sid Black.']), ('new', ['And they made a model.'])]
    """
    matches: list[Match] = []
    free_old = set(range(len(known)))
    free_new = set(range(len(new)))

    def place(i: int, j: int) -> float:
        # Relative place in the article: breaks ties between equally good candidates.
        return abs(i / max(len(known), 1) - j / max(len(new), 1))

    # Two adjacent sentences of one paragraph, as one text: a known quote that spans both is a
    # split that `source update` already recorded.
    spans: dict[tuple[int, ...], str] = {(j,): s.text for j, s in enumerate(new)}
    if paragraphs is not None:
        for j in range(len(new) - 1):
            first, second = new[j], new[j + 1]
            if first.paragraph == second.paragraph:
                spans[(j, j + 1)] = paragraphs[first.paragraph][first.start : second.end]
    for kind, key in (("exact", str), ("normalized", normalize)):
        by_key: dict[str, list[tuple[int, ...]]] = defaultdict(list)
        for js, text in sorted(spans.items()):
            by_key[key(text)].append(js)
        taken: dict[str, Match] = {}
        for i in sorted(free_old):
            wanted = key(known[i].quote)
            options = [js for js in by_key.get(wanted, []) if all(j in free_new for j in js)]
            if options:
                js = min(options, key=lambda js: (len(js), place(i, js[0])))
                free_old.discard(i)
                free_new.difference_update(js)
                taken[wanted] = Match(kind, (known[i],), tuple(new[j] for j in js), 1.0)
                matches.append(taken[wanted])
            elif wanted in taken:
                # Known sentences with one quote: a merge that `source update` recorded.
                free_old.discard(i)
                earlier = taken[wanted]
                matches[matches.index(earlier)] = taken[wanted] = Match(
                    kind, (*earlier.old, known[i]), earlier.new, 1.0
                )

    old_words = {i: words(known[i].quote) for i in free_old}
    new_words = {j: words(new[j].text) for j in free_new}
    # (score, preference, placement, kind, old indexes, new indexes); 1:1 wins a tie.
    candidates: list[tuple[float, int, float, str, tuple[int, ...], tuple[int, ...]]] = []
    new_pairs = [
        (j, j + 1)
        for j in sorted(free_new)
        if j + 1 in free_new and new[j].paragraph == new[j + 1].paragraph
    ]
    old_order = sorted(free_old)
    old_pairs = [(a, b) for a, b in itertools.pairwise(old_order) if b == a + 1]
    for i in free_old:
        for j in free_new:
            score = _ratio(old_words[i], new_words[j])
            if score >= SIMILARITY:
                candidates.append((score, 0, place(i, j), "similar", (i,), (j,)))
        for j, k in new_pairs:
            score = _ratio(old_words[i], new_words[j] + new_words[k])
            if score >= SIMILARITY:
                candidates.append((score, 1, place(i, j), "split", (i,), (j, k)))
    for a, b in old_pairs:
        for j in free_new:
            score = _ratio(old_words[a] + old_words[b], new_words[j])
            if score >= SIMILARITY:
                candidates.append((score, 1, place(a, j), "merged", (a, b), (j,)))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2], c[4], c[5]))
    for score, _pref, _place, kind, olds, news in candidates:
        if all(i in free_old for i in olds) and all(j in free_new for j in news):
            free_old.difference_update(olds)
            free_new.difference_update(news)
            matches.append(
                Match(kind, tuple(known[i] for i in olds), tuple(new[j] for j in news), score)
            )
    for i in free_old:
        matches.append(Match("removed", (known[i],), (), 0.0))
    for j in free_new:
        matches.append(Match("new", (), (new[j],), 0.0))
    order = {s.iri: n for n, s in enumerate(known)}
    return sorted(
        matches,
        key=lambda m: (0, order[m.old[0].iri], 0) if m.old else (1, 0, m.new[0].position),
    )
