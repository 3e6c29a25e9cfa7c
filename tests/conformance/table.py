"""Print the conformance table: each W3C suite by path, passed/total, kgtool next to its engine.

Usage::

    python -m tests.conformance.table            # Markdown, one table per family
    python -m tests.conformance.table --failures # also list what fails where the engine passes

A cell is ``passed/total``. Under the tables, "kgtool's own" counts the tests a kgtool path fails
although the plain engine it wraps passes them: the failures kgtool introduces.
"""

from __future__ import annotations

import argparse
import logging
import warnings
from collections import defaultdict

from tests.conformance.manifest import SUITES, cases
from tests.conformance.paths import paths_for
from tests.conformance.run import check


def run_all() -> dict[tuple[str, str, str], bool]:
    """Return {(suite, test IRI, path): passed} for every pair the suite runs."""
    results: dict[tuple[str, str, str], bool] = {}
    for suite, (_, family) in SUITES.items():
        for case in cases(suite):
            for path in paths_for(family):
                try:
                    check(case, path)
                except Exception:
                    results[(suite, case.iri, path.name)] = False
                else:
                    results[(suite, case.iri, path.name)] = True
    return results


def render(results: dict[tuple[str, str, str], bool], failures: bool = False) -> str:
    """Render the tables as Markdown."""
    lines: list[str] = []
    own: dict[tuple[str, str], list[str]] = defaultdict(list)
    for family, title in (
        ("sparql", "SPARQL 1.1 query evaluation"),
        ("rdf", "RDF 1.1 syntax and evaluation"),
        ("shacl", "SHACL Core and SHACL-SPARQL"),
    ):
        paths = paths_for(family)
        lines.append(f"\n### {title}\n")
        lines.append("| suite | " + " | ".join(p.name for p in paths) + " |")
        lines.append("|---|" + "---:|" * len(paths))
        totals = defaultdict(lambda: [0, 0])
        for suite, (_, fam) in SUITES.items():
            if fam != family:
                continue
            cells = []
            for p in paths:
                mine = [ok for (s, _, name), ok in results.items() if s == suite and name == p.name]
                passed, total = sum(mine), len(mine)
                totals[p.name][0] += passed
                totals[p.name][1] += total
                cells.append(f"{passed}/{total}")
            lines.append(f"| {suite} | " + " | ".join(cells) + " |")
        lines.append(
            "| **all** | "
            + " | ".join(f"**{totals[p.name][0]}/{totals[p.name][1]}**" for p in paths)
            + " |"
        )
        for p in paths:
            if p.plain is None:
                continue
            for (suite, test, name), ok in results.items():
                if SUITES[suite][1] != family or name != p.name or ok:
                    continue
                if results.get((suite, test, p.plain)):
                    own[(family, p.name)].append(test)
        counts = ", ".join(f"{p.name} {len(own[(family, p.name)])}" for p in paths if p.plain)
        lines.append(f"\nkgtool's own failures (the plain engine passes): {counts}.")
    if failures:
        lines.append("\n### Failures kgtool introduces\n")
        for (family, name), tests in own.items():
            lines.append(f"- {family} on {name}:")
            lines.extend(f"  - {t}" for t in sorted(tests))
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run every case on every path and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--failures", action="store_true", help="list kgtool's own failures")
    args = parser.parse_args()
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    warnings.simplefilter("ignore")
    print(render(run_all(), failures=args.failures), end="")


if __name__ == "__main__":
    main()
