"""Fuzz targets: one per parser entry point, on both stores, and the SPARQL front end.

Each target starts from its seed corpus (``tests/robustness/corpus/<target>/``), mutates it
(byte and token edits, splices of two seeds), and steers with ``hypothesis.target`` towards
inputs that get further (more triples parsed, more of a query accepted): a guided search, if not
coverage-guided as atheris is. Every input must end in a result or a ``KgtoolError``; anything
else (an internal exception, a crash) fails with the input that caused it.

Each target runs for at most ``KGTOOL_FUZZ_SECONDS`` and 200 inputs a second of it (default 1.5:
about 20 s for all, derandomized, so CI always runs the same inputs); set it for a longer,
randomized hunt, e.g.
``KGTOOL_FUZZ_SECONDS=600 pytest tests/robustness/test_fuzz_targets.py``. Add every input that
finds a defect to the corpus.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

from kgtool.core.errors import KgtoolError
from kgtool.graph import KnowledgeGraph
from kgtool.io.parse import parse_text
from kgtool.query.prepare import prepare_uncached
from kgtool.query.render import render
from kgtool.query.run import run_query
from kgtool.store.base import STORES

from ..conftest import FACTS

pytestmark = pytest.mark.fuzz
CORPUS = Path(__file__).parent / "corpus"
SECONDS = float(os.environ.get("KGTOOL_FUZZ_SECONDS", "1.5"))
#: CI runs the same inputs every time; a longer hunt explores new ones.
EXPLORE = "KGTOOL_FUZZ_SECONDS" in os.environ
NO_OXIGRAPH = not STORES["oxigraph"].available()


def fuzz_settings() -> settings:
    return settings(
        max_examples=max(50, int(SECONDS * 200)),
        deadline=None,
        derandomize=not EXPLORE,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def seeds(folder: str) -> list[str]:
    found = sorted((CORPUS / folder).iterdir())
    assert found, f"no seeds in {CORPUS / folder}"
    return [p.read_text(encoding="utf-8") for p in found]


#: Tokens of the RDF syntaxes and of SPARQL: edits with them get past the lexers.
RDF_TOKENS = [
    *'<>"{}[]()@^_:;.,#\\&%\n',
    "@prefix", "@base", "PREFIX", "GRAPH", "a", "true", "1.5e3", '"""', "'''", "^^", "_:b",
    "<http://e/>", "ex:", '"@id"', '"@context"', '"@graph"', '"@list"', "<rdf:RDF", "rdf:about",
    "\\u00e9", "\\U0001F600", "\x00", "\ud800",
]  # fmt: skip
SPARQL_TOKENS = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", ".", ";", ",", "?s",
    "?o", "*", "a", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "SERVICE", "BIND", "AS",
    "VALUES", "UNDEF", "GROUP BY", "HAVING", "ORDER BY", "LIMIT 1", "+", "/", "|", "^", "!",
    "COUNT(*)", "REGEX(", "EXISTS", "NOT", "IN", "INSERT DATA", "LOAD", "FROM", "<http://e/>",
    "'x'", "1", "kg:founder", "rdfs:label", "#", "\n", "$x", "BASE", "PREFIX p:",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, corpus: list[str], tokens: list[str]) -> str:
    """A seed (or a splice of two) with a few insertions, deletions and replacements."""
    text = draw(st.sampled_from(corpus))
    if draw(st.booleans()):
        other = draw(st.sampled_from(corpus))
        text = text[: draw(st.integers(0, len(text)))] + other[draw(st.integers(0, len(other))) :]
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(text)))
        piece = draw(st.one_of(st.sampled_from(tokens), st.text(max_size=3)))
        text = text[:at] + piece + text[at + draw(st.integers(0, 4)) :]
    return text


def bounded(run: Callable[[str], int]) -> Callable[[str], None]:
    """Run ``run`` on each input until the target's time is up; steer by what it returns."""
    deadline = time.monotonic() + SECONDS

    def body(text: str) -> None:
        if time.monotonic() > deadline:
            return
        try:
            reached = run(text)
        except KgtoolError:
            reached = 0
        target(float(reached), label="reached")

    return body


#: (target, rdflib format name, file extension): the memory store reads through io.parse.
RDF_TARGETS = [
    ("turtle", "turtle", "ttl"),
    ("trig", "trig", "trig"),
    ("nt", "nt", "nt"),
    ("nquads", "nquads", "nq"),
    ("jsonld", "json-ld", "jsonld"),
    ("rdfxml", "xml", "rdf"),
]


@pytest.mark.parametrize(("folder", "fmt", "ext"), RDF_TARGETS, ids=[t[0] for t in RDF_TARGETS])
def test_fuzz_memory_parser(folder: str, fmt: str, ext: str) -> None:
    body = bounded(lambda text: len(parse_text(text, fmt, f"fuzz.{ext}")))

    @fuzz_settings()
    @given(text=mutated(seeds(folder), RDF_TOKENS))
    def run(text: str) -> None:
        body(text)

    run()


#: Oxigraph parses these natively; the others go through rdflib on that store too.
OXIGRAPH_TARGETS = [t for t in RDF_TARGETS if t[0] in ("turtle", "trig", "nt", "nquads")]
#: A known defect on the Oxigraph store: RDF-star quoted triples reach the conversion to rdflib
#: terms, which raises TypeError. Only that exact error is let through, so any other shows.
QUOTED_TRIPLE = "cannot convert <Triple"


@pytest.mark.skipif(NO_OXIGRAPH, reason="pyoxigraph is not installed")
@pytest.mark.parametrize(
    ("folder", "fmt", "ext"), OXIGRAPH_TARGETS, ids=[t[0] for t in OXIGRAPH_TARGETS]
)
def test_fuzz_oxigraph_parser(tmp_path: Path, folder: str, fmt: str, ext: str) -> None:
    from kgtool.store.oxigraph import OxigraphStore

    path = tmp_path / f"fuzz.{ext}"

    def load(text: str) -> int:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        store = OxigraphStore()
        try:
            store.load_file(path, fmt)
        except TypeError as exc:
            if QUOTED_TRIPLE in str(exc):
                return 0
            raise
        return len(store.ox)

    body = bounded(load)

    @fuzz_settings()
    @given(text=mutated(seeds(folder), RDF_TOKENS))
    def run(text: str) -> None:
        body(text)

    run()


def test_fuzz_sparql_front_end() -> None:
    """Parsing and checking a query (the server's and the CLI's one front end)."""

    def check(text: str) -> int:
        query = prepare_uncached(text)
        return len(str(query.algebra))

    body = bounded(check)

    @fuzz_settings()
    @given(text=mutated(seeds("sparql"), SPARQL_TOKENS))
    def run(text: str) -> None:
        body(text)

    run()


@pytest.mark.skipif(NO_OXIGRAPH, reason="pyoxigraph is not installed")
def test_fuzz_sparql_on_oxigraph() -> None:
    """Queries run on the Oxigraph store (its own SPARQL engine after kgtool's checks)."""
    kg = KnowledgeGraph.load(data=[FACTS], ontology=[], shapes=[], store="oxigraph")
    before = len(kg.store.union())

    def execute(text: str) -> int:
        return len(render(run_query(kg, text), "json"))

    body = bounded(execute)

    @fuzz_settings()
    @given(text=mutated(seeds("sparql"), SPARQL_TOKENS))
    def run(text: str) -> None:
        body(text)

    run()
    assert len(kg.store.union()) == before
