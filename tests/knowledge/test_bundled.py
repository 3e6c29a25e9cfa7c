"""The bundled data (ontology/, graph/, queries/): skipped until the lead's files exist.

Every query must run on graph/ (style guide §20), the committed JSON-LD context must equal the
one built from the ontology, and the bundled data must load, conform and be consistent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kgtool.core import paths
from kgtool.graph import KnowledgeGraph
from kgtool.io.serialize import build_context
from kgtool.query.catalog import list_checks, list_queries
from kgtool.query.run import run_query
from kgtool.reason.engine import reason
from kgtool.validate.engine import validate

HAVE_ONTOLOGY = paths.ontology_file().exists()
needs_bundle = pytest.mark.skipif(not HAVE_ONTOLOGY, reason="bundled ontology not present yet")
QUERY_FILES = sorted(paths.queries_dir().glob("*.rq")) + sorted(
    paths.checks_dir().glob("*-violation.rq")
)


@pytest.fixture(scope="module")
def bundled() -> KnowledgeGraph:
    kg = KnowledgeGraph.load()
    reason(kg)
    return kg


@needs_bundle
def test_bundled_data_is_consistent_and_conforms(bundled: KnowledgeGraph) -> None:
    assert validate(bundled).counts()["Violation"] == 0


@needs_bundle
@pytest.mark.skipif(not paths.context_file().exists(), reason="no ontology/context.jsonld yet")
def test_committed_context_is_built_from_the_ontology(bundled: KnowledgeGraph) -> None:
    committed = json.loads(paths.context_file().read_text(encoding="utf-8"))
    assert committed == build_context(bundled.ontology)


@needs_bundle
@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.name)
def test_every_bundled_query_runs(bundled: KnowledgeGraph, path: Path) -> None:
    from kgtool.query.run import find_query, uses_service

    named = find_query(path)
    if any(p.default is None for p in named.header.parameters):
        pytest.skip("needs a parameter without default")
    if uses_service(named):
        pytest.skip(
            "uses SERVICE (network); run against a local server in tests/wikidata/test_suggest.py"
        )
    run_query(bundled, named, reasoned=True)


@needs_bundle
def test_bundled_listings_parse() -> None:
    assert all(q.header.title for q in list_queries()), "every query needs a # # Title"
    list_checks()
