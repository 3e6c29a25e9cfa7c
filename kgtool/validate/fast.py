"""Run pySHACL with each SHACL-SPARQL constraint evaluated once over the whole graph.

pySHACL runs a SPARQL-based constraint (https://www.w3.org/TR/shacl/#sparql-constraints) once
per focus node, with ``$this`` pre-bound: ~13 ms a node in rdflib, most of the validation time on
big graphs. Here each such query runs *once*, with ``$this`` left free, in pyoxigraph over a copy
of the data graph (named graphs kept, default graph = their union, as pySHACL sees it); its
solutions are then handed out per focus node: those that bind ``$this`` to the focus node, plus
those that leave ``$this`` unbound (a query that never constrains ``$this``). Everything else,
core constraints, focus nodes, result messages and the report graph, stays pySHACL's own code,
so the report is the one plain pySHACL writes. Oxigraph keeps some literals by value
(``"01"^^xsd:integer`` as ``"1"``); where the data holds such a literal as written, a whole-graph
run would see another term, so pySHACL then runs the SPARQL constraints itself.

That hand-out equals pre-binding (https://www.w3.org/TR/shacl/#pre-binding) only for some
queries, decided from the query's algebra (:func:`fits_whole_graph_run`): ``$this`` is projected
and bound by a triple or path pattern of the top-level inner join, and every other occurrence is
in a filter or ``BIND`` over that join; or ``$this`` is only ever an output (projected, grouped
by), never bound, so every focus node gets the same rows. Any other query (``$this`` only in a
``FILTER``, ``BIND``, ``UNION`` branch, sub-select, ``OPTIONAL``, ``MINUS``, ``VALUES`` or
``GRAPH``) is evaluated per focus node by pySHACL itself, as are queries that pre-bind more than
``$this`` (``$value``, ``$currentShape``). Every constraint of ``ontology/shapes.ttl`` fits
(tests/validate/test_fast.py checks the report against plain pySHACL).

Core constraints stay pySHACL's, with one change of data structure: on every (nested) shape
evaluation pySHACL tests each predicate of the shape for membership in its *list* of ~40
constraint parameters, comparing rdflib terms one by one in Python; on big graphs that was over
half of the time left. Within the block the list answers ``in`` from a set, so the constraints
found, their order and the report are unchanged. And each constraint's query text, which pySHACL
makes again for every focus node, is made once (:func:`_made_once`).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from rdflib import Dataset, Variable
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from kgtool.core.patches import (
    CONSTRAINT_PARAMETERS,
    SPARQL_APPLY_PREFIXES,
    SPARQL_CONSTRAINT,
    SPARQL_PREBIND,
)
from kgtool.store.base import Store, open_store

#: pySHACL's evaluation hook is patched process-wide; one fast validation at a time.

Row = dict[str, Node]


_THIS = Variable("this")
#: Algebra nodes through which a pattern is still part of the top-level inner join: solution
#: modifiers, filters and BINDs over it, inner joins, the left side of an OPTIONAL.
_TRANSPARENT = frozenset({"SelectQuery", "Project", "Distinct", "Reduced", "Slice", "OrderBy"})


def _is_this(node: Any) -> bool:
    return isinstance(node, Variable) and node == _THIS


def _mentions(node: Any) -> bool:
    """Whether ``?this`` occurs anywhere in an algebra node (patterns, expressions, VALUES)."""
    if isinstance(node, Variable):
        return _is_this(node)
    if isinstance(node, CompValue):
        return any(_mentions(v) for k, v in node.items() if k != "_vars")
    if isinstance(node, dict):
        return any(_mentions(k) or _mentions(v) for k, v in node.items())
    if isinstance(node, (list, tuple, set, frozenset)):
        return any(_mentions(item) for item in node)
    return False


def _bound_at_top(node: Any) -> bool:
    """Whether a triple or path pattern of the top-level inner join binds ``?this``."""
    if not isinstance(node, CompValue):
        return False
    if node.name == "BGP":
        return any(_is_this(s) or _is_this(o) for s, _, o in node.triples)
    if node.name in _TRANSPARENT or node.name in ("Filter", "Extend", "LeftJoin"):
        return _bound_at_top(node.get("p") if node.name != "LeftJoin" else node.p1)
    if node.name == "Join":
        return _bound_at_top(node.p1) or _bound_at_top(node.p2)
    return False


def _only_at_top(node: Any) -> bool:
    """Whether every occurrence of ``?this`` is in the top-level join or an expression over it.

    An expression (FILTER, BIND, ORDER BY) may read ``?this`` only where its own pattern binds
    it: there every solution of the free run has the focus node in ``?this``, as pre-binding.
    """
    if not isinstance(node, CompValue):
        return not _mentions(node)
    name = node.name
    if name == "BGP":
        return True
    if name in _TRANSPARENT:
        return _only_at_top(node.p)
    if name in ("Filter", "Extend", "OrderBy"):
        if name == "Extend" and _is_this(node.var):
            return False
        return _only_at_top(node.p) and (not _mentions(node.expr) or _bound_at_top(node.p))
    if name == "Join":
        return _only_at_top(node.p1) and _only_at_top(node.p2)
    if name == "LeftJoin":
        return _only_at_top(node.p1) and not _mentions(node.p2) and not _mentions(node.get("expr"))
    return not _mentions(node)


def _only_as_output(node: Any) -> bool:
    """Whether ``?this`` is never bound nor read: only projected, grouped by or sampled.

    Then the free run leaves it unbound in every solution and the rows are the same for every
    focus node; pySHACL reports an unbound ``?this`` at the focus node, as a pre-bound one.
    """
    if isinstance(node, Variable):
        return not _is_this(node)
    if isinstance(node, CompValue):
        name = node.name
        if name == "Aggregate_Sample" and _is_this(node.vars):
            return True
        if name == "Extend" and _is_this(node.var):
            # rdflib's rewriting of a projected group key: ?this = SAMPLE(?this).
            expr = node.expr
            if not (isinstance(expr, Variable) and str(expr).startswith("__agg_")):
                return False
            return _only_as_output(node.p)
        skip = {"_vars", "PV"}
        if name == "Group" and isinstance(node.get("expr"), list):
            if not all(isinstance(v, Variable) for v in node.expr):
                return False
            skip.add("expr")
        return all(_only_as_output(v) for k, v in node.items() if k not in skip)
    if isinstance(node, dict):
        return all(_only_as_output(k) and _only_as_output(v) for k, v in node.items())
    if isinstance(node, (list, tuple, set, frozenset)):
        return all(_only_as_output(item) for item in node)
    return True


@functools.lru_cache(maxsize=1024)
def fits_whole_graph_run(query: str) -> bool:
    """Whether one run with ``$this`` free, split by ``?this``, answers ``query`` pre-bound.

    Decided from rdflib's algebra of the query, never from its text.

    >>> fits_whole_graph_run("SELECT $this ?v WHERE { $this <urn:p> ?v FILTER (?v != $this) }")
    True
    >>> fits_whole_graph_run("SELECT $this WHERE { FILTER ($this = <urn:bad>) }")
    False
    >>> fits_whole_graph_run("SELECT $this WHERE { { $this <urn:p> ?v } UNION { ?v <urn:q> 1 } }")
    False
    """
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(query).algebra
    except Exception:  # pySHACL reports what its own parse makes of it
        return False
    if algebra.name != "SelectQuery":
        return False
    if _only_as_output(algebra):
        return True
    projected = any(_is_this(v) for v in algebra.get("PV") or ())
    return projected and _bound_at_top(algebra) and _only_at_top(algebra)


def _kept_as_written(data: Dataset) -> bool:
    """Whether Oxigraph holds every literal of ``data`` as it is written there.

    It keeps the XSD types it knows by value (:mod:`kgtool.store.lexical`): in a copy,
    ``"01"^^xsd:integer`` becomes ``"1"``, so a whole-graph run would bind ``$this`` and
    ``$value`` to terms the data does not hold, and a filter on their text would decide
    otherwise than pySHACL over the data.
    """
    from rdflib import Literal

    from kgtool.store.convert import to_ox
    from kgtool.store.lexical import find_rewrite, typed

    literals = {
        o for _s, _p, o, _g in data.quads((None, None, None, None)) if isinstance(o, Literal)
    }
    return find_rewrite("data", typed(to_ox(o) for o in literals)) is None


class _WholeGraph:
    """Answers SHACL-SPARQL queries from one whole-graph run each, grouped by ``$this``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.answers: dict[str, tuple[dict[Node, list[Row]], list[Row]]] = {}

    @classmethod
    def over(cls, data: Dataset, store: Store | None) -> _WholeGraph | None:
        """Whole-graph runs over ``data`` in ``store`` (one that sees its terms), or in a copy
        of ``data``; None where a copy would not hold ``data``'s literals as written."""
        if store is not None:
            return cls(store)
        if not _kept_as_written(data):
            return None
        # The Oxigraph store answers SPARQL text natively, with rdflib's union semantics.
        copy = open_store("oxigraph")
        copy.add_dataset(data)
        return cls(copy)

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
def whole_graph_sparql(data: Dataset, store: Store | None = None) -> Iterator[None]:
    """Within this block, pySHACL answers SPARQL constraints from whole-graph runs over ``data``.

    Args:
        data: The data graph pySHACL will validate (the same object).
        store: A store whose SPARQL sees exactly ``data``'s quads and terms (see
            :meth:`~kgtool.store.base.Store.queries_dataset_terms`); None: a copy is made,
            unless it would not hold ``data``'s literals as written: then pySHACL runs each
            SPARQL constraint per focus node itself.

    Yields:
        Nothing; call ``pyshacl.validate`` inside.
    """
    original: Any = SPARQL_CONSTRAINT.current() if SPARQL_CONSTRAINT.usable() else None
    answers = _WholeGraph.over(data, store)

    def validate_query(self: Any, query: str, init_binds: dict[str, Node], target: Any) -> Any:
        if answers is None or set(init_binds) != {"this"} or not fits_whole_graph_run(query):
            return original(self, query, init_binds, target)
        return _violations(answers.rows(query, init_binds["this"]))

    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP

    # pySHACL memoizes the parameter pair on its module (shape.py) and reads it from there.
    parameters = (_SetList(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)
    pre_bind, apply_prefixes = _made_once()
    # Where a patch does not fit the installed pySHACL, pySHACL runs as it is (same report).
    with (
        SPARQL_CONSTRAINT.applied(validate_query),
        CONSTRAINT_PARAMETERS.applied(parameters),
        SPARQL_PREBIND.applied(pre_bind),
        SPARQL_APPLY_PREFIXES.applied(apply_prefixes),
    ):
        yield


def _made_once() -> tuple[Callable[..., Any], Callable[..., Any]]:
    """pySHACL's ``pre_bind_variables`` and ``apply_prefixes``, each made once per constraint.

    For a SPARQL constraint pySHACL calls them for every focus node, and what they make does
    not depend on it: the query text (checked by the same regular expressions each time, for
    the shape's path) and the initial bindings, where only ``$this`` changes. So each result is
    kept for the block; a call that pre-binds ``$value`` or more variables, or that raises (a
    query SHACL forbids), is made as pySHACL makes it.
    """
    usable = SPARQL_PREBIND.usable() and SPARQL_APPLY_PREFIXES.usable()
    original_bind: Any = SPARQL_PREBIND.current() if usable else None
    original_prefixes: Any = SPARQL_APPLY_PREFIXES.current() if usable else None
    bound: dict[Any, tuple[dict[str, Any], str, bool]] = {}
    prefixed: dict[tuple[Any, str], str] = {}

    def pre_bind(
        self: Any, thisnode: Any, valuenode: Any = None, extravars: Any = None
    ) -> tuple[dict[str, Any], str]:
        if valuenode is not None or extravars:
            return original_bind(self, thisnode, valuenode, extravars)
        made = bound.get(self)
        if made is None:
            bindings, text = original_bind(self, thisnode)
            others = {k: v for k, v in bindings.items() if k != "this"}
            made = bound[self] = (others, text, "this" in bindings)
        others, text, binds_this = made
        return ({**others, "this": thisnode} if binds_this else dict(others)), text

    def apply_prefixes(self: Any, sparql: str) -> str:
        key = (self, sparql)
        text = prefixed.get(key)
        if text is None:
            text = prefixed[key] = original_prefixes(self, sparql)
        return text

    return pre_bind, apply_prefixes
