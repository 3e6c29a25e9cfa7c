"""Run SPARQL queries (bundled by name, from a file, or ad hoc) over the union of the graphs.

Bundled queries carry a Markdown header (``# # Title``, ``# **Problem:**``, ``# **Returns:**``,
``# **Parameters:**``) whose parameter list declares names, types and defaults; values are bound
with ``initBindings``, never pasted into the text (https://www.w3.org/TR/sparql11-query/).
The command is read-only and offline: updates and ``SERVICE`` (unless allowed) are refused
before evaluation, and ``FROM`` / ``FROM NAMED`` choose among the loaded graphs, never fetching
one (rdflib's engine would fetch a graph it does not hold from the web).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from kgtool.core.errors import (
    KgtoolError,
    ParameterError,
    QueryRunError,
    QuerySyntaxError,
    TermError,
    UsageError,
)
from kgtool.core.iris import expand_iri_text
from kgtool.core.plain import PlainAnswer, PlainTerm
from kgtool.graph import KnowledgeGraph
from kgtool.io.sparql_text import check_nesting
from kgtool.query.catalog import (
    NamedQuery,
    ParameterSpec,
    QueryHeader,
    find_query,
    list_queries,
)
from kgtool.query.prepare import needs_parse, ordered_vars, parsed, uses_service
from kgtool.store.base import QueryDataset, Store, without_dataset_clause

if TYPE_CHECKING:
    # Typing only: rdflib (a third of a second to import; its SPARQL grammar another tenth) is
    # imported when a parameter is bound or a query parsed or run by rdflib, never on
    # Oxigraph's native path, whose answers are written without it.
    from rdflib import Graph
    from rdflib.plugins.sparql.sparql import Query
    from rdflib.query import Result
    from rdflib.term import Node, Variable

    from kgtool.store.oxigraph import OxigraphAnswer

#: Where ``entity`` parameters are looked up: a graph, or a function giving, for the text typed,
#: a graph that holds at least the label triples reading that text (see :func:`label_lookup`).
LabelSource: TypeAlias = "Graph | Callable[[str], Graph]"


def _no_labels(text: str) -> Graph:
    """No label triples: where an evaluator has no graph of its own to look labels up in."""
    from rdflib import Graph

    return Graph()


def label_lookup(store: Store) -> Callable[[str], Graph]:
    """Return a lazy :data:`LabelSource` for a store's asserted triples.

    The store is asked for the label triples reading the text typed, and only when an
    ``entity`` parameter is given as a label, so binding IRIs costs nothing at any size.

    >>> from kgtool.store.memory import MemoryStore
    >>> len(label_lookup(MemoryStore())("EleutherAI"))
    0
    """
    return store.labelled


_GYEAR_RE = re.compile(r"^-?\d{4,}$")
_GYEARMONTH_RE = re.compile(r"^-?\d{4,}-(0[1-9]|1[0-2])$")


def convert_parameter(spec: ParameterSpec, value: str, graph: LabelSource) -> Node:
    """Turn a parameter value typed by the user into the RDF term its type declares.

    Args:
        spec: The declaration.
        value: The text.
        graph: Where ``entity`` labels are looked up (a graph, or see :func:`label_lookup`).

    Returns:
        The term to bind.

    Raises:
        ParameterError: If the value does not fit the type.

    >>> from rdflib import Graph
    >>> convert_parameter(ParameterSpec("year", "gYear"), "2021", Graph())
    rdflib.term.Literal('2021', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYear'))
    """

    import datetime
    from decimal import Decimal, InvalidOperation

    from rdflib import Graph, Literal
    from rdflib.namespace import XSD

    from kgtool.core.terms import expand_iri, resolve_entity

    def bad(expected: str) -> ParameterError:
        return ParameterError(
            f"parameter {spec.name!r} is declared {spec.type}: {value!r} is not {expected}"
        )

    kind = spec.type
    if kind == "entity":
        iri = expand_iri(value)
        if iri is not None:
            return iri
        try:
            return resolve_entity(
                graph if isinstance(graph, Graph) else graph(value.strip()), value
            )
        except TermError as exc:
            raise ParameterError(f"parameter {spec.name!r}: {exc}") from None
    if kind == "iri":
        iri = expand_iri(value)
        if iri is None:
            raise bad("an IRI or a prefixed name")
        return iri
    if kind == "string":
        return Literal(value)
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise bad("an integer")
        return Literal(int(value), datatype=XSD.integer)
    if kind == "decimal":
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise bad("a decimal number") from None
        if not number.is_finite():
            raise bad("a decimal number")
        return Literal(number, datatype=XSD.decimal)
    if kind == "boolean":
        lowered = value.strip().lower()
        if lowered not in ("true", "false", "1", "0"):
            raise bad("true or false")
        return Literal(lowered in ("true", "1"), datatype=XSD.boolean)
    if kind == "date":
        try:
            datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise bad("a date (YYYY-MM-DD)") from None
        return Literal(value.strip(), datatype=XSD.date)
    if kind == "gYear":
        if not _GYEAR_RE.match(value.strip()):
            raise bad("a year (YYYY)")
        return Literal(value.strip(), datatype=XSD.gYear)
    if kind == "gYearMonth":
        if not _GYEARMONTH_RE.match(value.strip()):
            raise bad("a year and month (YYYY-MM)")
        return Literal(value.strip(), datatype=XSD.gYearMonth)
    raise ParameterError(f"parameter {spec.name!r} has unknown type {kind!r}")  # pragma: no cover


def bind_parameters(
    header: QueryHeader, params: dict[str, str] | None, graph: LabelSource
) -> dict[str, Node]:
    """Check the given parameters against the declarations and convert them.

    Args:
        header: The query's header with its declarations.
        params: Values by name, as typed.
        graph: Where entity labels are looked up (a graph, or see :func:`label_lookup`).

    Returns:
        Bindings for ``initBindings`` (declared defaults filled in).

    Raises:
        ParameterError: For an unknown name, a missing value or a value of the wrong type.
    """
    return {
        spec.name: convert_parameter(spec, value, graph)
        for spec, value in _given_values(header, params)
    }


def _given_values(
    header: QueryHeader, params: dict[str, str] | None
) -> list[tuple[ParameterSpec, str]]:
    """Each declared parameter with its value as typed (or its default), checked for presence."""
    params = dict(params or {})
    declared = {p.name: p for p in header.parameters}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        names = ", ".join(declared) or "none"
        raise ParameterError(
            f"unknown parameter {', '.join(map(repr, unknown))}; this query declares: {names}"
        )
    values = []
    for spec in header.parameters:
        value = params.get(spec.name, spec.default)
        if value is None:
            raise ParameterError(
                f"parameter {spec.name!r} ({spec.type}) is required: --param {spec.name}=VALUE"
            )
        values.append((spec, value))
    return values


def _iri_bindings(
    header: QueryHeader, params: dict[str, str] | None
) -> dict[str, PlainTerm] | None:
    """The bindings as plain IRIs, when every value is an ``entity`` or ``iri`` written as an IRI.

    Such values need no label lookup and no rdflib term (what :func:`convert_parameter` would
    give is the same IRI); None for anything else, which :func:`bind_parameters` converts.
    """
    bindings: dict[str, PlainTerm] = {}
    for spec, value in _given_values(header, params):
        iri = expand_iri_text(value) if spec.type in ("entity", "iri") else None
        if iri is None:
            return None
        bindings[spec.name] = PlainTerm("uri", iri)
    return bindings


class _RdflibBindings(Mapping[str, "Node"]):
    """Plain bindings read as rdflib terms (rdflib is imported when one is read)."""

    def __init__(self, plain: dict[str, PlainTerm]) -> None:
        self._plain = plain

    def __getitem__(self, name: str) -> Node:
        return self._plain[name].to_rdflib()

    def __iter__(self) -> Iterator[str]:
        return iter(self._plain)

    def __len__(self) -> int:
        return len(self._plain)


@dataclass
class QueryOutcome:
    """A query's result, with what ran."""

    query: NamedQuery
    #: rdflib's ``Result``, or Oxigraph's answer, which offers the same attributes (converted
    #: to rdflib terms on first use) beside its plain values.
    result: Result | OxigraphAnswer
    bindings: Mapping[str, Node]

    @property
    def kind(self) -> str:
        """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``."""
        return str(self.result.type)

    def plain(self) -> PlainAnswer:
        """The SELECT or ASK answer as plain values, what the results writers read."""
        if isinstance(self.result, PlainAnswer):
            return self.result
        return PlainAnswer.of_rdflib(self.result)


class ResultTooLargeError(QueryRunError):
    """A query returned more rows (or triples) than the caller allows."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the result has more than {limit} rows")
        self.limit = limit


#: Opens what lets ``SERVICE`` clauses reach the network while a query runs (the caller's
#: federation hook: the query layer itself never touches the network).
Federation = Callable[[], AbstractContextManager[object]]
#: Evaluates a checked query elsewhere (a remote endpoint): the query, the parsed query (its
#: checks already passed) and the bindings in, an rdflib ``Result`` out.
Evaluator = Callable[[NamedQuery, "Query", "dict[str, Node]"], "Result"]


def run_query(
    kg: KnowledgeGraph | None,
    query: str | Path | NamedQuery,
    params: dict[str, str] | None = None,
    reasoned: bool = False,
    allow_service: bool = False,
    queries_dir: Path | None = None,
    federation: Federation | None = None,
    *,
    max_rows: int | None = None,
    graphs: QueryDataset | None = None,
    evaluate: Evaluator | None = None,
    labels: LabelSource | None = None,
) -> QueryOutcome:
    """Run a query: the one runner of the command line, the server and ``--endpoint``.

    Resolves the query, checks it (read-only; no ``SERVICE`` unless allowed), binds its
    parameters, evaluates it over the union of the graphs (plus the inferred graph when
    ``reasoned``), or over the dataset its ``FROM`` / ``FROM NAMED`` or ``graphs`` choose among
    them, and materialises the rows, stopping at ``max_rows``.

    Args:
        kg: The knowledge graph; call :func:`kgtool.reason.engine.reason` first for the reasoned
            view. None with ``evaluate``: ``entity`` parameters must then be IRIs.
        query: A bundled name, a ``.rq`` path, SPARQL text, or a :class:`NamedQuery`.
        params: Parameter values by name, as typed by the user.
        reasoned: Include ``GRAPH_INFERRED`` in the union.
        allow_service: Let ``SERVICE`` clauses call remote endpoints (needs ``federation``).
        queries_dir: Where bundled queries live.
        federation: Opened around the evaluation when ``allow_service``: the remote layer's
            SERVICE client (User-Agent, timeout, retries, 429, ``--service-map``).
        max_rows: Most SELECT rows (or CONSTRUCT/DESCRIBE triples) to accept (None: any).
        graphs: Evaluate over this dataset of ``kg``'s graphs, in place of the query's own
            ``FROM`` / ``FROM NAMED`` (the SPARQL protocol's ``default-graph-uri`` /
            ``named-graph-uri``, which override them).
        evaluate: Evaluate somewhere else instead (``--endpoint``).
        labels: Where ``entity`` parameters given as labels are looked up (default: ``kg``'s
            store; the endpoint's data with ``evaluate``).

    Returns:
        The outcome; the result rows are already computed.

    Raises:
        UnknownQueryError, QuerySyntaxError, ParameterError, UsageError: Exit code 2;
            :class:`ServiceRefusedError` for ``SERVICE`` without ``allow_service``.
        ResultTooLargeError: If the answer is larger than ``max_rows`` (exit code 1).
        QueryRunError: If evaluation fails (exit code 1).

    >>> from rdflib import Dataset
    >>> kg = KnowledgeGraph.from_dataset(Dataset())
    >>> run_query(kg, "ASK { ?s ?p ?o }").result.askAnswer
    False
    """
    if allow_service and federation is None and evaluate is None:
        raise UsageError("allow_service needs a federation hook to make the SERVICE calls")
    named = query if isinstance(query, NamedQuery) else find_query(query, queries_dir)
    # A query read from a file resolves its relative IRIs against the file, as a document does.
    base = named.path.resolve().as_uri() if named.path is not None else None
    text_store = kg is not None and evaluate is None and kg.store.capabilities.sparql_text
    prepared: Query | None = None
    star: tuple[Variable, ...] | None = None
    if text_store:
        check_nesting(named.text)  # Oxigraph's recursion would overflow the stack instead
    if not text_store or needs_parse(named.text):
        prepared, star = parsed(named.text, allow_service, base)
    if labels is None:
        labels = label_lookup(kg.store) if kg is not None else _no_labels
    # Oxigraph takes SPARQL text: IRI values are written into it without rdflib's terms.
    plain = _iri_bindings(named.header, params) if text_store and prepared is None else None
    bindings: Mapping[str, Node]
    given: Mapping[str, Node] | Mapping[str, PlainTerm]
    if plain is not None:
        bindings, given = _RdflibBindings(plain), plain
    else:
        bindings = given = bind_parameters(named.header, params, labels)
    try:
        result: Result | OxigraphAnswer
        with contextlib.ExitStack() as stack:
            if allow_service and federation is not None:
                stack.enter_context(federation())
            if prepared is not None and evaluate is None:
                # rdflib may evaluate: only then do its patches (a version check each) matter.
                from kgtool.core.patches import (
                    AGGREGATE_JOIN,
                    aggregate_join,
                    aggregate_join_usable,
                )

                if aggregate_join_usable():
                    # Evaluation is lazy: the rows are computed below, inside this block.
                    stack.enter_context(AGGREGATE_JOIN.applied(aggregate_join))
            if evaluate is not None:
                assert prepared is not None
                result = evaluate(named, prepared, dict(bindings))  # FROM is the endpoint's to read
            else:
                assert kg is not None, "run_query needs a graph or an evaluator"
                # One dataset for FROM / FROM NAMED and the protocol's parameters, which
                # override them; the store picks its graphs and never fetches one.
                if graphs is None and prepared is not None:
                    graphs = QueryDataset.of(prepared)
                # A store that runs SPARQL natively (Oxigraph) gets the text; what it cannot
                # check (SERVICE) or read as kgtool does (FROM) `parsed` above did (see
                # needs_parse). An allowed SERVICE runs in rdflib, whose hook sends it through
                # kgtool's own client (the service map, timeouts, retries): a store never
                # calls out itself.
                federated = prepared is not None and allow_service and uses_service(named)
                runnable: Any = named.text
                if not text_store or federated:
                    runnable = without_dataset_clause(prepared)
                try:
                    result = kg.store.query_answer(
                        runnable,
                        init_bindings=given,
                        reasoned=reasoned,
                        base=base,
                        graphs=graphs,
                    )
                except QuerySyntaxError:
                    if prepared is None:
                        # Worded as for every store where rdflib refuses it too (an update,
                        # an empty text, the position); else Oxigraph's own words stand.
                        parsed(named.text, allow_service, base)
                    raise
            _materialise(result, max_rows)
            if star is not None and result.type == "SELECT":
                result.vars = ordered_vars(list(result.vars or []), star)
    except KgtoolError:
        raise  # an unreachable SERVICE endpoint is exit 2, not a failed query
    except MemoryError:
        raise  # the server reports its memory limit; nothing to add here
    except Exception as exc:
        raise QueryRunError(f"query {named.name} failed while running: {exc}") from exc
    return QueryOutcome(query=named, result=result, bindings=bindings)


def _materialise(result: Result | OxigraphAnswer, max_rows: int | None) -> None:
    """Compute every row now, so that evaluation errors and the row limit surface here."""
    if isinstance(result, PlainAnswer):
        # Oxigraph's rows were read while the store was queried.
        if max_rows is not None and len(result.rows) > max_rows:
            raise ResultTooLargeError(max_rows)
        return
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        if max_rows is not None and result.graph is not None and len(result.graph) > max_rows:
            raise ResultTooLargeError(max_rows)
        return
    if result.type != "SELECT":
        return
    names = list(result.vars or [])
    rows: list[dict[Variable, Any]] = []
    # Row by row, so a huge answer stops at the limit instead of filling memory. A row with no
    # variable bound is a solution like any other (a reachability test, an OPTIONAL with no
    # match); rdflib gives an aggregate over nothing (SAMPLE of no value) as an explicit None,
    # which stays unbound, as SPARQL has it.
    from kgtool.core.patches import result_rows

    for row in result_rows(result):
        rows.append({v: value for v in names if (value := row.get(v)) is not None})
        if max_rows is not None and len(rows) > max_rows:
            raise ResultTooLargeError(max_rows)
    result.bindings = rows  # type: ignore[assignment]


@dataclass(frozen=True)
class PlannedQuery:
    """One step of ``--all``: a bundled query with the parameters it gets, or why it is skipped.

    Attributes:
        query: The bundled query.
        params: The given parameters it declares.
        skipped: Why it does not run (a sentence for the user), or None when it runs.
    """

    query: NamedQuery
    params: dict[str, str]
    skipped: str | None = None


def plan_all(
    params: dict[str, str] | None = None,
    allow_service: bool = False,
    queries_dir: Path | None = None,
) -> list[PlannedQuery]:
    """Plan ``--all``: every bundled query in name order, here or on an endpoint alike.

    Each query gets the given parameters it declares. One that needs a parameter not given is
    skipped, and so is one using ``SERVICE`` unless ``allow_service``.

    Args:
        params: Parameter values by name, shared by every query.
        allow_service: Run queries that use ``SERVICE``.
        queries_dir: Where bundled queries live.

    Returns:
        The plan; run each step that is not skipped with :func:`run_query`.

    >>> [p.skipped for p in plan_all() if p.query.name == "sources"]
    ['needs --param entity']
    """
    given = dict(params or {})
    plan = []
    for named in list_queries(queries_dir):
        declared = [p.name for p in named.header.parameters]
        missing = [p.name for p in named.header.parameters if p.default is None]
        missing = [name for name in missing if name not in given]
        mine = {k: v for k, v in given.items() if k in declared}
        if missing:
            skipped: str | None = f"needs --param {', '.join(missing)}"
        elif not allow_service and uses_service(named):
            skipped = "uses SERVICE, which needs the network; add --allow-service"
        else:
            skipped = None
        plan.append(PlannedQuery(named, mine, skipped))
    return plan
