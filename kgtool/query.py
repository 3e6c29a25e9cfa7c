"""Run SPARQL queries (bundled by name, from a file, or ad hoc) over the union of the graphs.

Bundled queries carry a Markdown header (``# # Title``, ``# **Problem:**``, ``# **Returns:**``,
``# **Parameters:**``) whose parameter list declares names, types and defaults; values are bound
with ``initBindings``, never pasted into the text (https://www.w3.org/TR/sparql11-query/).
The command is read-only and offline: updates, ``SERVICE`` (unless allowed) and ``FROM`` are
refused before evaluation, since rdflib would otherwise fetch them from the network.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pyparsing import ParseException
from rdflib import Graph, Literal
from rdflib.namespace import XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import BNode, Node, Variable

from kgtool import paths
from kgtool.errors import (
    KgtoolError,
    ParameterError,
    QueryRunError,
    QuerySyntaxError,
    TermError,
    UnknownQueryError,
    UsageError,
)
from kgtool.load import KnowledgeGraph, read_text
from kgtool.namespaces import PREFIXES
from kgtool.store import bind_prefixes
from kgtool.terms import expand_iri, resolve_entity, shorten

PARAMETER_TYPES: tuple[str, ...] = (
    "iri",
    "entity",
    "string",
    "integer",
    "decimal",
    "boolean",
    "date",
    "gYear",
    "gYearMonth",
)
TABLE_FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS: tuple[str, ...] = ("turtle", "nt", "nquads", "trig", "jsonld", "xml")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_PARAM_RE = re.compile(
    r"^-\s*`(?P<name>[A-Za-z_]\w*)`\s*\((?P<type>\w+)(?:\s*,\s*default:\s*(?P<default>[^)]*))?\)"
    r"\s*:?\s*(?P<description>.*)$"
)
_FIELD_RE = re.compile(r"^\*\*(?P<field>[A-Za-z ]+):\*\*\s*(?P<text>.*)$")


@dataclass(frozen=True)
class ParameterSpec:
    """One declared query parameter."""

    name: str
    type: str
    default: str | None = None
    description: str = ""


@dataclass
class QueryHeader:
    """The Markdown header of a query file."""

    title: str = ""
    problem: str = ""
    returns: str = ""
    example: str = ""
    parameters: list[ParameterSpec] = field(default_factory=list)


@dataclass
class NamedQuery:
    """A query with the name it runs under (file stem, path, or ``<text>``)."""

    name: str
    text: str
    header: QueryHeader
    path: Path | None = None


def parse_header(text: str) -> QueryHeader:
    """Read the Markdown header (the leading ``#`` comment lines) of a query.

    Args:
        text: The query text.

    Returns:
        The header; fields that are absent stay empty.

    Raises:
        UsageError: If a parameter declares an unknown type.

    >>> h = parse_header('''# # Founders
    ... # **Parameters:**
    ... #   - `org` (entity, default: id:EleutherAI): the organization
    ... SELECT * {}''')
    >>> h.title, h.parameters[0].type, h.parameters[0].default
    ('Founders', 'entity', 'id:EleutherAI')
    """
    header = QueryHeader()
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        if body.startswith("# ") and not header.title:
            header.title = body[2:].strip()
            continue
        param = _PARAM_RE.match(body)
        if param and current == "parameters":
            ptype = param.group("type")
            if ptype not in PARAMETER_TYPES:
                raise UsageError(
                    f"parameter {param.group('name')!r} has unknown type {ptype!r} "
                    f"(known: {', '.join(PARAMETER_TYPES)})"
                )
            default = param.group("default")
            header.parameters.append(
                ParameterSpec(
                    name=param.group("name"),
                    type=ptype,
                    default=default.strip().strip("`") if default is not None else None,
                    description=param.group("description").strip(),
                )
            )
            continue
        match = _FIELD_RE.match(body)
        if match:
            current = match.group("field").strip().lower()
            value = match.group("text").strip()
            if current in ("problem", "returns", "solution", "example"):
                key = "returns" if current == "solution" else current
                setattr(header, key, value.strip("`") if key == "example" else value)
        elif current in ("problem", "returns", "solution") and body:
            key = "returns" if current == "solution" else current
            setattr(header, key, (getattr(header, key) + " " + body).strip())
    return header


def list_queries(queries_dir: Path | None = None) -> list[NamedQuery]:
    """Return the bundled queries (``*.rq`` directly in the folder), sorted by name.

    Args:
        queries_dir: Where to look; the bundled ``queries/`` by default.

    Returns:
        The queries with their headers.

    Raises:
        InputError: If a file cannot be read.
        UsageError: If a header declares an unknown parameter type.
    """
    folder = queries_dir if queries_dir is not None else paths.queries_dir()
    if not folder.is_dir():
        return []
    return [_named_from_file(f) for f in sorted(folder.glob("*.rq"))]


def list_checks(checks_dir: Path | None = None) -> list[NamedQuery]:
    """Return the quality checks (``*-violation.rq``), sorted by name."""
    folder = checks_dir if checks_dir is not None else paths.checks_dir()
    if not folder.is_dir():
        return []
    return [_named_from_file(f) for f in sorted(folder.glob("*-violation.rq"))]


def _named_from_file(path: Path) -> NamedQuery:
    text = read_text(path)
    return NamedQuery(name=path.stem, text=text, header=parse_header(text), path=path)


def find_query(name_or_text: str | Path, queries_dir: Path | None = None) -> NamedQuery:
    """Resolve a bundled query name, a ``.rq`` file path, or SPARQL text.

    Args:
        name_or_text: The query's name (file stem), a path to a file, or the query itself.
        queries_dir: Where bundled queries live (default: the bundled ``queries/``).

    Returns:
        The query.

    Raises:
        UnknownQueryError: If it looks like a name but no bundled query has it.
        InputError: If a file cannot be read.

    >>> find_query("SELECT * WHERE { ?s ?p ?o }").name
    '<text>'
    """
    if isinstance(name_or_text, Path):
        return _named_from_file(name_or_text)
    candidate = Path(name_or_text)
    if name_or_text.endswith(".rq") or (
        "\n" not in name_or_text and len(name_or_text) < 4096 and candidate.is_file()
    ):
        return _named_from_file(candidate)
    if _NAME_RE.match(name_or_text):
        known = list_queries(queries_dir)
        for q in known:
            if q.name == name_or_text:
                return q
        names = ", ".join(q.name for q in known) or "(none)"
        raise UnknownQueryError(f"no bundled query is named {name_or_text!r}; known: {names}")
    return NamedQuery(name="<text>", text=name_or_text, header=parse_header(name_or_text))


def _walk(node: Any) -> Any:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)


def prepare(text: str, allow_service: bool = False) -> Query:
    """Parse a read-only SPARQL query (memoized: rdflib takes ~10-90 ms to parse one).

    See :func:`prepare_uncached` for the arguments and errors.

    >>> prepare("ASK {}") is prepare("ASK {}")
    True
    """
    return _prepare_cached(text, allow_service)


@functools.lru_cache(maxsize=256)
def _prepare_cached(text: str, allow_service: bool) -> Query:
    # Issue 5: a store that runs queries natively (Oxigraph) answers in well under a
    # millisecond, so parsing the same bundled query again would dominate.
    return prepare_uncached(text, allow_service)


def prepare_uncached(text: str, allow_service: bool = False) -> Query:
    """Parse a read-only SPARQL query with the project prefixes predeclared.

    Args:
        text: The query.
        allow_service: Let ``SERVICE`` clauses through (they make network calls).

    Returns:
        The prepared query.

    Raises:
        QuerySyntaxError: If it does not parse; with the line and column in ``text``.
        UsageError: If it is an update, or uses ``SERVICE`` (not allowed) or ``FROM``.

    >>> prepare("SELECT ?s WHERE { ?s a kg:Person }").algebra.name
    'SelectQuery'
    """
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        # rdflib parses an empty text as an empty *update*; say what is really wrong (issue 8).
        raise QuerySyntaxError("the query is empty (only blanks or comments)")
    try:
        query = prepareQuery(text, initNs=PREFIXES)
    except ParseException as exc:
        if _is_update(text):
            raise UsageError(
                "SPARQL updates (INSERT, DELETE, LOAD, CLEAR, DROP...) are refused: "
                "kgtool query is read-only"
            ) from None
        line, column = exc.lineno, exc.col
        raise QuerySyntaxError(
            f"SPARQL syntax error at line {line}, column {column}: {exc.msg}"
            f"\n  {exc.line}\n  {' ' * (column - 1)}^",
            line=line,
            column=column,
        ) from None
    except Exception as exc:  # rdflib raises plain exceptions for e.g. unknown prefixes
        prefix = re.search(r"Unknown namespace prefix : (\S*)", str(exc))
        if prefix:
            where = _position(text, prefix.group(1) + ":")
            if where:
                raise QuerySyntaxError(
                    f"SPARQL error at line {where[0]}, column {where[1]}: unknown prefix "
                    f"{prefix.group(1)!r} (predeclared: {', '.join(PREFIXES)})",
                    line=where[0],
                    column=where[1],
                ) from None
        raise QuerySyntaxError(f"SPARQL error: {exc}") from None
    nodes = list(_walk(query.algebra))
    if not allow_service and any(n.name == "ServiceGraphPattern" for n in nodes):
        raise UsageError(
            "the query uses SERVICE, which calls a remote endpoint; pass --allow-service to run it"
        )
    if query.algebra.get("datasetClause"):
        raise UsageError(
            "FROM / FROM NAMED are not supported (rdflib would fetch them from the web); "
            "use GRAPH <name> { ... } instead"
        )
    return query


def _position(text: str, needle: str) -> tuple[int, int] | None:
    """Return the 1-based line and column of the first ``needle`` outside comments."""
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0] if not line.lstrip().startswith("#") else ""
        match = re.search(r"(?<![\w:])" + re.escape(needle), code)
        if match:
            return number, match.start() + 1
    return None


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:
        return False
    return True


#: Where ``entity`` parameters are looked up: a graph, or a function giving, for the text typed,
#: a graph that holds at least the label triples reading that text (see :func:`label_lookup`).
LabelSource = Graph | Callable[[str], Graph]


def label_lookup(store: Any) -> Callable[[str], Graph]:
    """Return a lazy :data:`LabelSource` for a store's asserted triples.

    A store that can find label triples itself (Oxigraph: ``labelled``) is asked for those
    alone; otherwise the asserted union is used. Nothing is computed until an ``entity``
    parameter is given as a label, so binding IRIs costs nothing at any size (issue 5).

    >>> from kgtool.store import MemoryStore
    >>> len(label_lookup(MemoryStore())("EleutherAI"))
    0
    """
    labelled = getattr(store, "labelled", None)
    if callable(labelled):
        return labelled
    return lambda _text: store.union(reasoned=False)


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

    >>> convert_parameter(ParameterSpec("year", "gYear"), "2021", Graph())
    rdflib.term.Literal('2021', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYear'))
    """

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
    params = dict(params or {})
    declared = {p.name: p for p in header.parameters}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        names = ", ".join(declared) or "none"
        raise ParameterError(
            f"unknown parameter {', '.join(map(repr, unknown))}; this query declares: {names}"
        )
    bindings: dict[str, Node] = {}
    for spec in header.parameters:
        value = params.get(spec.name, spec.default)
        if value is None:
            raise ParameterError(
                f"parameter {spec.name!r} ({spec.type}) is required: --param {spec.name}=VALUE"
            )
        bindings[spec.name] = convert_parameter(spec, value, graph)
    return bindings


@dataclass
class QueryOutcome:
    """A query's result, with what ran."""

    query: NamedQuery
    result: Result
    bindings: dict[str, Node]

    @property
    def kind(self) -> str:
        """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``."""
        return str(self.result.type)


def run_query(
    kg: KnowledgeGraph,
    query: str | Path | NamedQuery,
    params: dict[str, str] | None = None,
    reasoned: bool = False,
    allow_service: bool = False,
    queries_dir: Path | None = None,
    service_map: dict[str, str] | None = None,
) -> QueryOutcome:
    """Run a query over the union of the graphs (plus the inferred graph when ``reasoned``).

    Args:
        kg: The knowledge graph; call :func:`kgtool.reason.reason` first for the reasoned view.
        query: A bundled name, a ``.rq`` path, SPARQL text, or a :class:`NamedQuery`.
        params: Parameter values by name, as typed by the user.
        reasoned: Include ``GRAPH_INFERRED`` in the union.
        allow_service: Let ``SERVICE`` clauses call remote endpoints (through
            :func:`kgtool.link.federation`: User-Agent, timeout, retries, 429).
        queries_dir: Where bundled queries live.
        service_map: SERVICE IRI → URL to call instead (a mirror); see
            :func:`kgtool.link.parse_service_map`.

    Returns:
        The outcome; the result rows are already computed.

    Raises:
        UnknownQueryError, QuerySyntaxError, ParameterError, UsageError: Exit code 2.
        QueryRunError: If evaluation fails (exit code 1).

    >>> from rdflib import Dataset
    >>> kg = KnowledgeGraph.from_dataset(Dataset())
    >>> run_query(kg, "ASK { ?s ?p ?o }").result.askAnswer
    False
    """
    named = query if isinstance(query, NamedQuery) else find_query(query, queries_dir)
    prepared = prepare(named.text, allow_service=allow_service)
    bindings = bind_parameters(named.header, params, label_lookup(kg.store))
    try:
        with contextlib.ExitStack() as stack:
            if allow_service:
                from kgtool.link import federation  # the network stays out of plain queries

                stack.enter_context(federation(service_map))
            # A store that runs SPARQL natively (Oxigraph) gets the text; `prepare` above
            # still did the checks (read-only, no SERVICE, no FROM) and syntax errors.
            runnable = named.text if getattr(kg.store, "accepts_text", False) else prepared
            result = kg.store.query(runnable, init_bindings=bindings, reasoned=reasoned)
            if result.type == "SELECT" and runnable is prepared:
                # rdflib evaluates lazily; materialise so that errors surface here. rdflib also
                # answers a GROUP BY over no solutions with one row of nothing (SPARQL says no
                # rows): drop rows in which every variable is unbound. An aggregate over nothing
                # (SAMPLE of no value) comes back as an explicit None, which rdflib's own XML
                # writer then rejects: leave such variables unbound, as SPARQL does. (Oxigraph's
                # rows come without None values, and without empty rows: see oxstore._to_result.)
                result.bindings = [
                    {var: value for var, value in row.items() if value is not None}
                    for row in result.bindings
                    if any(value is not None for value in row.values())
                ]
    except KgtoolError:
        raise  # an unreachable SERVICE endpoint is exit 2, not a failed query
    except Exception as exc:
        raise QueryRunError(f"query {named.name} failed while running: {exc}") from exc
    return QueryOutcome(query=named, result=result, bindings=bindings)


def _cell(graph: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    return shorten(graph, node)


def _nt(node: Node | None) -> str:
    return "" if node is None else node.n3()


def render_table(outcome: QueryOutcome) -> str:
    """Render SELECT rows as an aligned text table (prefixed names, plain literal text)."""
    result = outcome.result
    if result.type == "ASK":
        return ("true" if result.askAnswer else "false") + "\n"
    names = [str(v) for v in (result.vars or [])]
    graph = bind_prefixes(Graph())
    rows = [[_cell(graph, row.get(Variable(n))) for n in names] for row in result.bindings]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def render_tsv(outcome: QueryOutcome) -> str:
    """Render SELECT rows as SPARQL 1.1 TSV (terms in N-Triples syntax)."""
    result = outcome.result
    if result.type == "ASK":
        return ("true" if result.askAnswer else "false") + "\n"
    names = [str(v) for v in (result.vars or [])]
    lines = ["\t".join("?" + n for n in names)]
    for row in result.bindings:
        lines.append("\t".join(_nt(row.get(Variable(n))) for n in names))
    return "\n".join(lines) + "\n"


def render(outcome: QueryOutcome, fmt: str = "table") -> str:
    """Render a query result in a results format (SELECT/ASK) or an RDF format (CONSTRUCT).

    Args:
        outcome: What :func:`run_query` returned.
        fmt: ``table``, ``csv``, ``tsv``, ``json``, ``xml`` for rows; an RDF format
            (``turtle``, ``nt``, ``jsonld``...) for graphs. ``table`` on a graph gives Turtle.

    Returns:
        The text.

    Raises:
        UsageError: If the format does not fit the query form.
    """
    result = outcome.result
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        from kgtool.export import serialize_graph

        graph = result.graph
        assert graph is not None
        if fmt != "table" and fmt not in GRAPH_FORMATS:
            raise UsageError(
                f"format {fmt!r} does not fit a {result.type} query, which returns a graph; "
                f"use one of {', '.join(GRAPH_FORMATS)}"
            )
        return serialize_graph(graph, "turtle" if fmt == "table" else fmt)
    if fmt == "table":
        return render_table(outcome)
    if fmt == "tsv":
        return render_tsv(outcome)
    if fmt == "csv" and result.type == "ASK":
        return ("true" if result.askAnswer else "false") + "\n"
    if fmt in ("csv", "json", "xml"):
        data = result.serialize(format=fmt)
        text = data.decode("utf-8") if isinstance(data, bytes) else str(data)
        if fmt == "json":
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        return text if text.endswith("\n") else text + "\n"
    raise UsageError(
        f"format {fmt!r} does not fit a {result.type} query; use one of {', '.join(TABLE_FORMATS)}"
    )


def is_rdf_format(fmt: str) -> bool:
    """Return whether ``fmt`` names an RDF format (for CONSTRUCT/DESCRIBE results)."""
    return fmt in GRAPH_FORMATS


_COMMENT_RE = re.compile(r"#[^\n]*")
_WHERE_RE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_FORM_BRACE_RE = re.compile(r"\b(?:SELECT|ASK|DESCRIBE)\b[^{]*\{", re.IGNORECASE)


def inline_bindings(text: str, bindings: dict[str, Node] | None) -> str:
    """Bind variables in SPARQL text with a ``VALUES`` row at the top of the WHERE group.

    For engines that take text only (Oxigraph, remote endpoints): the row is joined with the
    whole group, so FILTERs in it see the values, as rdflib's ``initBindings`` do. A trailing
    ``VALUES`` would not do: it is joined after the group's filters (SPARQL 1.1 section 18.2.4.3).

    Args:
        text: The query.
        bindings: Values by variable name (no blank nodes).

    Returns:
        The query with the row inserted (unchanged when there is nothing to bind).

    Raises:
        UsageError: If the query has no WHERE group to put the row in.

    >>> from rdflib import URIRef
    >>> inline_bindings("SELECT ?x WHERE { ?x ?p ?o }", {"o": URIRef("urn:a")})
    'SELECT ?x WHERE { VALUES (?o) { (<urn:a>) } ?x ?p ?o }'
    """
    if not bindings:
        return text
    # Comments blanked out (same length) so that a brace in a comment is not taken.
    code = _COMMENT_RE.sub(lambda m: " " * len(m.group(0)), text)
    match = _WHERE_RE.search(code) or _FORM_BRACE_RE.search(code)
    if match is None:
        raise UsageError("cannot bind parameters: the query has no WHERE { ... } group")
    names = list(bindings)
    row = " ".join(bindings[n].n3() for n in names)
    clause = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }}"
    return text[: match.end()] + clause + text[match.end() :]


def uses_service(query: NamedQuery) -> bool:
    """Return whether a query calls ``SERVICE`` (it then needs network access).

    >>> uses_service(find_query("SELECT * { SERVICE <http://e/sparql> { ?s ?p ?o } }"))
    True
    """
    try:
        prepared = prepare(query.text, allow_service=True)
    except UsageError:
        return False
    return any(n.name == "ServiceGraphPattern" for n in _walk(prepared.algebra))
