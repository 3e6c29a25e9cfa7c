"""Parse and check a read-only SPARQL query: syntax errors with their position, updates and
SERVICE refused, and the column order of ``SELECT *``."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from kgtool.core.errors import (
    QuerySyntaxError,
    UsageError,
)
from kgtool.core.iris import PREFIXES
from kgtool.io.sparql_text import is_update, position_of
from kgtool.query.catalog import (
    NamedQuery,
)

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query
    from rdflib.term import Variable

# rdflib's SPARQL parser (pyparsing, CompValue) is imported by the functions that parse: its
# grammar takes ~0.1 s to build, which a query on Oxigraph's native path never needs.


class ServiceRefusedError(UsageError):
    """A query uses ``SERVICE``, which calls a remote endpoint, and that was not allowed."""


def _walk(node: Any) -> Any:
    from rdflib.plugins.sparql.parserutils import CompValue

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


def prepare(text: str, allow_service: bool = False, base: str | None = None) -> Query:
    """Parse a read-only SPARQL query (memoized: rdflib takes ~10-90 ms to parse one).

    See :func:`prepare_uncached` for the arguments and errors.

    >>> prepare("ASK {}") is prepare("ASK {}")
    True
    """
    return parsed(text, allow_service, base)[0]


@functools.lru_cache(maxsize=256)
def parsed(
    text: str, allow_service: bool, base: str | None = None
) -> tuple[Query, tuple[Variable, ...] | None]:
    # A store that runs queries natively (Oxigraph) answers in well under a millisecond, so
    # parsing the same bundled query again would dominate.
    return _prepare(text, allow_service, base)


#: Parts of a group graph pattern that bind no variable visible outside them.
_OUT_OF_SCOPE = frozenset({"Filter", "MinusGraphPattern", "Builtin_EXISTS", "Builtin_NOTEXISTS"})


def _in_scope(node: Any) -> Any:
    """Yield the variables a parsed graph pattern binds, in the order the query writes them."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    if isinstance(node, Variable):
        yield node
    elif isinstance(node, CompValue):
        if node.name in _OUT_OF_SCOPE:
            return
        if node.name == "Bind":
            yield node["var"]  # the expression's variables are read, not bound
            return
        if node.name == "SubSelect" and "projection" in node:
            for item in node["projection"]:
                yield item["var"] if "var" in item else item["evar"]
            return
        for value in node.values():
            yield from _in_scope(value)
    elif isinstance(node, (list, tuple, ParseResults)):
        for item in node:
            yield from _in_scope(item)


def star_order(tree: Any) -> tuple[Variable, ...] | None:
    """Return the columns of a parsed ``SELECT *`` in order of first appearance (else None).

    SPARQL leaves the order of ``SELECT *`` open; rdflib takes it from a set, so it changes
    with the process's hash seed. The order the variables are first written in, as Jena and
    Oxigraph give, is read from the parse tree (the algebra has reordered the triples).

    >>> from rdflib.plugins.sparql.parser import parseQuery
    >>> star_order(parseQuery("SELECT * { ?x <p:n> ?n . ?g <p:m> ?x FILTER(?f) }"))
    (rdflib.term.Variable('x'), rdflib.term.Variable('n'), rdflib.term.Variable('g'))
    >>> star_order(parseQuery("SELECT ?g { ?g ?p ?o }")) is None
    True
    """
    query = tree[1]
    # CompValue.get answers a missing key with the key itself: test with `in`.
    if query.name != "SelectQuery" or "projection" in query:
        return None
    seen: dict[Variable, None] = {}
    for part in ("where", "valuesClause"):
        present = query[part] if part in query else None  # noqa: SIM401 (see above)
        for variable in _in_scope(present):
            seen.setdefault(variable, None)
    return tuple(seen)


def ordered_vars(names: list[Variable], order: tuple[Variable, ...]) -> list[Variable]:
    """The store's columns in ``order``; any the parse tree did not show go last, by name."""
    rank = {v: i for i, v in enumerate(order)}
    return sorted(names, key=lambda v: (rank.get(v, len(rank)), str(v)))


def prepare_uncached(text: str, allow_service: bool = False, base: str | None = None) -> Query:
    """Parse a read-only SPARQL query with the project prefixes predeclared.

    Args:
        text: The query.
        allow_service: Let ``SERVICE`` clauses through (they make network calls).
        base: The IRI the query's relative IRIs resolve against (its file's URI).

    Returns:
        The prepared query.

    Raises:
        QuerySyntaxError: If it does not parse; with the line and column in ``text``.
        UsageError: If it is an update, or uses ``SERVICE`` (not allowed).

    >>> prepare("SELECT ?s WHERE { ?s a kg:Person }").algebra.name
    'SelectQuery'
    """
    return _prepare(text, allow_service, base)[0]


def _prepare(
    text: str, allow_service: bool, base: str | None = None
) -> tuple[Query, tuple[Variable, ...] | None]:
    """:func:`prepare_uncached`, with the ``SELECT *`` column order (:func:`star_order`)."""
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        # rdflib parses an empty text as an empty *update*; say what is really wrong.
        raise QuerySyntaxError("the query is empty (only blanks or comments)")
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
        # Read before translating: the translation rewrites parts of the tree in place.
        star = star_order(tree)
        query = translateQuery(tree, base, PREFIXES)
        query._original_args = (text, PREFIXES, base)  # as rdflib's prepareQuery leaves it
    except ParseException as exc:
        if is_update(text):
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
            where = position_of(text, prefix.group(1) + ":")
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
        raise ServiceRefusedError(
            "the query uses SERVICE, which calls a remote endpoint; pass --allow-service to run it"
        )
    return query, star


#: SPARQL 1.1 section 19.2: codepoint escapes are replaced in the whole text before parsing.
_ESCAPE_RE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: Text in which SERVICE or FROM may be written: only a parse can tell whether either is. A
#: keyword is a word of its own, so an IRI or name that merely holds one (``containsDataFrom``)
#: does not count; one that holds it as a word (``<http://e/from>``) still does.
_SERVICE_OR_FROM_RE = re.compile(r"\b(?:service|from)\b", re.IGNORECASE)
_GAP = r"(?:\s|#[^\n]*(?:\n|$))*"
#: A ``SELECT *`` (comments may stand between the words).
_SELECT_STAR_RE = re.compile(rf"SELECT{_GAP}(?:(?:DISTINCT|REDUCED){_GAP})?\*", re.IGNORECASE)


def _unescaped(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _ESCAPE_RE.sub(replace, text)


def needs_parse(text: str) -> bool:
    r"""Whether a query for a store that parses SPARQL itself must still be parsed here first.

    Oxigraph parses and refuses malformed text itself, and its SELECT answers carry their
    variables; what it cannot do is refuse SERVICE (it would call the endpoint), hand the runner
    the dataset FROM / FROM NAMED describe (:class:`kgtool.store.base.QueryDataset`), or give
    ``SELECT *`` its columns in order of first appearance (it sorts them by name). So the
    rdflib parse, 10-90 ms a query, runs only where the text could hold one of those: any
    ``service`` or ``from`` word in it, in any case, after codepoint escapes are replaced (a literal
    or a comment with the word just takes the slower path), or a ``SELECT *``.

    >>> needs_parse("SELECT ?s WHERE { ?s ?p ?o }")
    False
    >>> needs_parse("ASK { ?s ?p <http://e/containsDataFrom> }")
    False
    >>> needs_parse("SELECT ?s FROM<http://e/g> { ?s ?p ?o }")
    True
    >>> needs_parse("SELECT ?s WHERE { \\u0053ERVICE <http://e/> { ?s ?p ?o } }")
    True
    >>> needs_parse("select # all\n * { ?s ?p ?o }")
    True
    """
    plain = _unescaped(text)
    return bool(_SERVICE_OR_FROM_RE.search(plain) or _SELECT_STAR_RE.search(plain))


def uses_service(query: NamedQuery) -> bool:
    """Return whether a query calls ``SERVICE`` (it then needs network access).

    >>> from kgtool.query.catalog import find_query
    >>> uses_service(find_query("SELECT * { SERVICE <http://e/sparql> { ?s ?p ?o } }"))
    True
    """
    try:
        prepared = prepare(query.text, allow_service=True)
    except UsageError:
        return False
    return any(n.name == "ServiceGraphPattern" for n in _walk(prepared.algebra))
