"""The W3C RDF 1.1, SPARQL 1.1 and SHACL test suites on every path: plain engines and kgtool's.

Each (test, path) pair is one pytest case, named by the test's IRI and the path. A pair listed in
``known_failures.toml`` is a strict expected failure: if it starts passing, the run fails, so the
list stays true. (Strictness is checked here rather than with ``xfail(strict=True)``, so that
pytest does not format a full traceback for each of the hundreds of expected failures.) A kgtool
path may only be listed under ``[upstream]`` when its plain engine is listed for the same test
(kgtool inherits the failure); otherwise it is kgtool's own defect and belongs under ``[kgtool]``.
"""

from __future__ import annotations

import pytest

from tests.conformance.paths import paths_for
from tests.conformance.run import all_cases, check, known_failures

_PAIRS = all_cases()


@pytest.mark.parametrize(
    ("case", "path"), [pytest.param(c, p, id=f"{c.iri} {p.name}") for c, p in _PAIRS]
)
def test_w3c(case, path) -> None:  # type: ignore[no-untyped-def]
    known = known_failures().get((case.iri, path.name))
    if known is None:
        check(case, path)
        return
    failure = None
    try:
        check(case, path)
    except Exception as exc:
        failure = type(exc).__name__
    if failure is not None:
        # Outside the except block, so no traceback is attached (formatting one for each of
        # hundreds of rdflib stacks took minutes).
        pytest.xfail(f"{known.cause} [{failure}]")
    pytest.fail(
        f"listed in known_failures.toml ({known.section}: {known.cause}) but passes now: "
        "remove the entry"
    )


def test_known_failures_are_attributed() -> None:
    """Upstream entries on a kgtool path need the plain engine listed too; kgtool entries say so."""
    known = known_failures()
    plain_of = {p.name: p.plain for fam in ("sparql", "rdf", "shacl") for p in paths_for(fam)}
    run = {(c.iri, p.name) for c, p in _PAIRS}
    problems = []
    for (test, path), entry in known.items():
        if (test, path) not in run:
            problems.append(f"{test} {path}: not a test this suite runs")
        plain = plain_of.get(path)
        if entry.section == "upstream" and plain is not None and (test, plain) not in known:
            problems.append(f"{test} {path}: listed as upstream, but {plain} passes it")
        if entry.section == "kgtool" and not entry.cause.startswith("kgtool:"):
            problems.append(f"{test} {path}: a [kgtool] cause starts with 'kgtool:'")
        if entry.section == "kgtool" and plain is None:
            problems.append(f"{test} {path}: a plain engine's failure is not kgtool's")
    assert not problems, "\n".join(problems)
