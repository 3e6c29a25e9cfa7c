"""Run pySHACL with each SHACL-SPARQL constraint evaluated once over the whole graph (issue 5).

pySHACL runs a SPARQL-based constraint (https://www.w3.org/TR/shacl/#sparql-constraints) once
per focus node, with ``$this`` pre-bound: ~13 ms a node in rdflib, most of the validation time on
big graphs. Here each such query runs *once*, with ``$this`` left free, in pyoxigraph over a copy
of the data graph (named graphs kept, default graph = their union, as pySHACL sees it); its
solutions are then handed out per focus node: those that bind ``$this`` to the focus node, plus
those that leave ``$this`` unbound (a query that never constrains ``$this``). Everything else,
core constraints, focus nodes, result messages and the report graph, stays pySHACL's own code,
so the report is the one plain pySHACL writes.

That hand-out equals pre-binding when ``$this`` is a plain join variable of the query, or unused,
as in every constraint of ``ontology/shapes.ttl`` (checked by tests/validate/test_fast.py against
plain pySHACL). Queries that pre-bind more than ``$this`` (``$value``, ``$currentShape``) are left
to pySHACL.

Core constraints stay pySHACL's, with one change of data structure: on every (nested) shape
evaluation pySHACL tests each predicate of the shape for membership in its *list* of ~40
constraint parameters, comparing rdflib terms one by one in Python; on big graphs that was over
half of the time left. Within the block the list answers ``in`` from a set, so the constraints
found, their order and the report are unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from rdflib import Dataset
from rdflib.term import Node

from kgtool.core.patches import CONSTRAINT_PARAMETERS, SPARQL_CONSTRAINT
from kgtool.store.base import open_store

#: pySHACL's evaluation hook is patched process-wide; one fast validation at a time.

Row = dict[str, Node]


class _WholeGraph:
    """Answers SHACL-SPARQL queries from one whole-graph run each, grouped by ``$this``."""

    def __init__(self, data: Dataset) -> None:
        # The Oxigraph store answers SPARQL text natively, with rdflib's union semantics.
        self.store = open_store("oxigraph")
        self.store.add_dataset(data)
        self.answers: dict[str, tuple[dict[Node, list[Row]], list[Row]]] = {}

    def rows(self, query: str, focus: Node) -> list[Row]:
        """Return the solutions of ``query`` with ``$this`` pre-bound to ``focus``."""
        if query not in self.answers:
            self.answers[query] = self._run(query)
        by_this, unbound = self.answers[query]
        return by_this.get(focus, []) + unbound

    def _run(self, query: str) -> tuple[dict[Node, list[Row]], list[Row]]:
        by_this: dict[Node, list[Row]] = defaultdict(list)
        unbound: list[Row] = []
        for solution in self.store.query(query).bindings:
            row: Row = {str(name): value for name, value in solution.items()}
            this = row.get("this")
            (by_this[this] if this is not None else unbound).append(row)
        return by_this, unbound


def _violations(rows: list[Row]) -> list[Any]:
    """Turn solutions into pySHACL's violation tuples, exactly as its ``_validate_sparql_query``."""
    violations: list[Any] = []
    dedup_set: set[bool] = set()
    for found in rows:
        var_dict = dict(found)
        f = var_dict.pop("failure", None)
        if f is not None:
            if True in dedup_set:
                continue
            violations.append((True, var_dict))
            dedup_set.add(True)
        else:
            p = var_dict.pop("path", None)
            v = var_dict.pop("value", None)
            t = var_dict.pop("this", None)
            if (p is not None) or (v is not None) or (t is not None):
                if (t, p, v, var_dict) in violations:
                    continue
                violations.append((t, p, v, var_dict))
    return violations


class _SetList(list[Any]):
    """A list whose ``in`` is a set lookup; ``copy`` and ``append`` keep it one."""

    def __init__(self, items: Iterable[Any] = ()) -> None:
        super().__init__(items)
        self._members = set(self)

    def __contains__(self, item: object) -> bool:
        return item in self._members

    def copy(self) -> _SetList:
        return _SetList(self)

    def append(self, item: Any) -> None:
        super().append(item)
        self._members.add(item)


@contextmanager
def whole_graph_sparql(data: Dataset) -> Iterator[None]:
    """Within this block, pySHACL answers SPARQL constraints from whole-graph runs over ``data``.

    Args:
        data: The data graph pySHACL will validate (the same object).

    Yields:
        Nothing; call ``pyshacl.validate`` inside.
    """
    original: Any = SPARQL_CONSTRAINT.current() if SPARQL_CONSTRAINT.usable() else None
    answers = _WholeGraph(data)

    def validate_query(self: Any, query: str, init_binds: dict[str, Node], target: Any) -> Any:
        if set(init_binds) != {"this"}:
            return original(self, query, init_binds, target)
        return _violations(answers.rows(query, init_binds["this"]))

    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP

    # pySHACL memoizes the parameter pair on its module (shape.py) and reads it from there.
    parameters = (_SetList(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)
    # Where a patch does not fit the installed pySHACL, pySHACL runs as it is (same report).
    with SPARQL_CONSTRAINT.applied(validate_query), CONSTRAINT_PARAMETERS.applied(parameters):
        yield
