"""Run the bundled quality checks: ``queries/checks/*-violation.rq``, each a SELECT of
``?entity ?property ?value`` rows that should be empty (as ROBOT's report queries).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.query import ResultRow
from rdflib.term import Node, Variable

from kgtool.core.errors import QueryRunError
from kgtool.core.namespaces import bind_prefixes
from kgtool.core.terms import shorten
from kgtool.graph import KnowledgeGraph
from kgtool.query.catalog import list_checks
from kgtool.query.run import run_query

_SHOW = bind_prefixes(Graph())


@dataclass
class CheckResult:
    """The rows one check returned (each a violation)."""

    name: str
    title: str
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when the check found nothing."""
        return not self.rows


@dataclass
class CheckReport:
    """Every check's result."""

    checks: list[CheckResult]

    @property
    def passed(self) -> bool:
        """True when every check found nothing.

        >>> CheckReport([]).passed
        True
        """
        return all(c.passed for c in self.checks)

    def to_text(self) -> str:
        """Render for people: one line per check, violations indented below."""
        lines = []
        for c in self.checks:
            status = (
                "ok" if c.passed else f"{len(c.rows)} violation{'s' if len(c.rows) != 1 else ''}"
            )
            lines.append(f"{c.name}: {status}" + (f"  ({c.title})" if c.title else ""))
            lines.extend(f"  {e}  {p}  {v}" for e, p, v in c.rows)
        failed = sum(not c.passed for c in self.checks)
        lines.append(f"{len(self.checks)} checks, {failed} failed.")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """Render as JSON."""
        return json.dumps([asdict(c) for c in self.checks], indent=2, ensure_ascii=False) + "\n"


def _cell(row: ResultRow, name: str) -> str:
    value: Node | None = row.get(Variable(name))
    if value is None:
        return ""
    return (
        shorten(_SHOW, value)
        if not hasattr(value, "language")
        else value.n3(_SHOW.namespace_manager)
    )


def check(
    kg: KnowledgeGraph, checks_dir: Path | None = None, reasoned: bool = False
) -> CheckReport:
    """Run every ``*-violation.rq`` check.

    Args:
        kg: The knowledge graph.
        checks_dir: Where the checks live (default: the bundled ``queries/checks/``).
        reasoned: Run over the reasoned view (reason first).

    Returns:
        One result per check, sorted by name.

    Raises:
        QueryRunError: If a check does not select ``?entity ?property ?value``.
        QuerySyntaxError: If a check does not parse.

    >>> from rdflib import Dataset
    >>> check(KnowledgeGraph.from_dataset(Dataset()), Path("/nonexistent")).passed
    True
    """
    results = []
    for query in list_checks(checks_dir):
        outcome = run_query(kg, query, reasoned=reasoned)
        names = [str(v) for v in (outcome.result.vars or [])]
        if names[:3] != ["entity", "property", "value"]:
            raise QueryRunError(
                f"check {query.name} must select ?entity ?property ?value, not {names}"
            )
        rows = sorted(
            (_cell(r, "entity"), _cell(r, "property"), _cell(r, "value"))  # type: ignore[arg-type]
            for r in outcome.result.bindings
        )
        results.append(CheckResult(query.name, query.header.title, rows))
    return CheckReport(results)
