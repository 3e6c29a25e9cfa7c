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

import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from rdflib import Dataset, Graph
from rdflib.term import Node

#: pySHACL's evaluation hook is patched process-wide; one fast validation at a time.
_LOCK = threading.Lock()

Row = dict[str, Node]


class _WholeGraph:
    """Answers SHACL-SPARQL queries from one whole-graph run each, grouped by ``$this``."""

    def __init__(self, data: Dataset) -> None:
        import pyoxigraph as ox

        from kgtool.store.oxigraph import to_ox

        self.store = ox.Store()
        quads = []
        for s, p, o, g in data.quads((None, None, None, None)):
            name = g.identifier if isinstance(g, Graph) else g
            graph = ox.DefaultGraph() if name is None else to_ox(name)
            if str(name) == "urn:x-rdflib:default":
                graph = ox.DefaultGraph()
            quads.append(ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph))
        self.store.extend(quads)
        self.answers: dict[str, tuple[dict[Node, list[Row]], list[Row]]] = {}

    def rows(self, query: str, focus: Node) -> list[Row]:
        """Return the solutions of ``query`` with ``$this`` pre-bound to ``focus``."""
        if query not in self.answers:
            self.answers[query] = self._run(query)
        by_this, unbound = self.answers[query]
        return by_this.get(focus, []) + unbound

    def _run(self, query: str) -> tuple[dict[Node, list[Row]], list[Row]]:
        from kgtool.store.oxigraph import from_ox

        by_this: dict[Node, list[Row]] = defaultdict(list)
        unbound: list[Row] = []
        solutions: Any = self.store.query(query, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            row = {n: from_ox(solution[n]) for n in names if solution[n] is not None}
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
def _fast_parameter_lookup() -> Iterator[None]:
    """Within this block pySHACL finds a shape's constraint parameters by set lookup."""
    from pyshacl import shape as shape_module

    try:
        from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
    except ImportError:  # another pySHACL layout: validate without this shortcut
        yield
        return
    missing = object()
    # pySHACL memoizes the pair on its module (shape.py, Shape.validate) and reads it there.
    previous = getattr(shape_module, "CONSTRAINT_PARAMS", missing)
    shape_module.CONSTRAINT_PARAMS = (  # type: ignore[attr-defined]
        _SetList(ALL_CONSTRAINT_PARAMETERS),
        CONSTRAINT_PARAMETERS_MAP,
    )
    try:
        yield
    finally:
        if previous is missing:
            del shape_module.CONSTRAINT_PARAMS  # type: ignore[attr-defined]
        else:
            shape_module.CONSTRAINT_PARAMS = previous  # type: ignore[attr-defined]


@contextmanager
def whole_graph_sparql(data: Dataset) -> Iterator[None]:
    """Within this block, pySHACL answers SPARQL constraints from whole-graph runs over ``data``.

    Args:
        data: The data graph pySHACL will validate (the same object).

    Yields:
        Nothing; call ``pyshacl.validate`` inside.
    """
    from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint

    original = SPARQLBasedConstraint._validate_sparql_query
    answers = _WholeGraph(data)

    def validate_query(self: Any, query: str, init_binds: dict[str, Node], target: Any) -> Any:
        if set(init_binds) != {"this"}:
            return original(self, query, init_binds, target)
        return _violations(answers.rows(query, init_binds["this"]))

    with _LOCK, _fast_parameter_lookup():
        SPARQLBasedConstraint._validate_sparql_query = validate_query  # type: ignore[method-assign]
        try:
            yield
        finally:
            SPARQLBasedConstraint._validate_sparql_query = original  # type: ignore[method-assign]
