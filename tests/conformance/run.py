"""Run one W3C test on one path, and read the list of known failures.

:func:`check` is what the pytest module and the table script share: it raises when the path's
answer is wrong (:class:`~tests.conformance.compare.Mismatch`, or whatever the path raised when
it should have answered) and returns when it is right.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import Namespace

from tests.conformance.compare import (
    Mismatch,
    Report,
    compare_quads,
    compare_report,
    compare_sparql,
    read_expected,
    read_rdf,
)
from tests.conformance.manifest import SUITES, Case, cases
from tests.conformance.paths import TestPath, paths_for

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
KNOWN_FAILURES = Path(__file__).resolve().parent / "known_failures.toml"


class UnexpectedSuccess(AssertionError):
    """A negative test's input was accepted."""


@lru_cache(maxsize=64)
def _manifest_graph(path: Path) -> Graph:
    # Read exactly (lexical forms kept), as the report's values are compared with the data's.
    from tests.conformance.compare import read_rdf as _read

    graph = Graph()
    for s, p, o, _ in _read(path).quads:
        graph.add((s, p, o))
    return graph


def _local_iri(case: Case) -> URIRef:
    assert case.manifest is not None
    return URIRef(
        case.manifest.as_uri().rsplit(".ttl", 1)[0].rsplit("/", 1)[0]
        + "/"
        + case.iri.rsplit("/", 1)[-1]
    )


def check(case: Case, path: TestPath) -> None:
    """Run ``case`` on ``path``; return if the answer is right, raise if it is not.

    Raises:
        Mismatch: The answer differs from the expected one.
        UnexpectedSuccess: A negative syntax test was accepted.
        Exception: Whatever the path raised on an input it should have accepted.
    """
    if case.kind == "negative-syntax" or case.extra.get("failure"):
        try:
            answer = path.run(case)
        except Exception:
            return
        if case.kind == "validate" and isinstance(answer, Report):
            raise UnexpectedSuccess("expected a failure (sht:Failure), got a report")
        raise UnexpectedSuccess("the input was accepted; it is not valid")
    answer = path.run(case)
    if case.kind == "positive-syntax":
        return
    if case.family == "sparql":
        assert case.result is not None and case.query is not None
        compare_sparql(read_expected(case.result), answer, case.query.read_text("utf-8"))
    elif case.family == "rdf":
        assert case.result is not None
        compare_quads(read_rdf(case.result, case.base), answer)  # type: ignore[arg-type]
    else:
        assert case.manifest is not None and isinstance(answer, Report)
        manifest = _manifest_graph(case.manifest)
        test = _local_iri(case)
        expected = manifest.value(test, MF.result)
        if expected is None:
            raise Mismatch(f"no mf:result for {test} in {case.manifest}")
        compare_report(manifest, expected, answer)


@dataclass(frozen=True)
class KnownFailure:
    """One listed failure: the test on the path, why, and where upstream tracks it."""

    test: str
    path: str
    cause: str
    section: str
    issue: str = ""


@lru_cache(maxsize=1)
def known_failures() -> dict[tuple[str, str], KnownFailure]:
    """Read ``known_failures.toml``: ``{(test IRI, path name): entry}``."""
    doc = tomllib.loads(KNOWN_FAILURES.read_text("utf-8"))
    out: dict[tuple[str, str], KnownFailure] = {}
    for section in ("upstream", "kgtool"):
        for entry in doc.get(section, []):
            paths = entry["path"] if isinstance(entry["path"], list) else [entry["path"]]
            for p in paths:
                key = (entry["test"], p)
                if key in out:
                    raise ValueError(f"known_failures.toml lists {key} twice")
                out[key] = KnownFailure(
                    entry["test"], p, entry["cause"], section, entry.get("issue", "")
                )
    return out


def all_cases() -> list[tuple[Case, TestPath]]:
    """Every (case, path) pair the suite runs, suite by suite."""
    return [(c, p) for suite in SUITES for c in cases(suite) for p in paths_for(SUITES[suite][1])]
