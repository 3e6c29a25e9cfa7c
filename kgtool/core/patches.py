"""Every use kgtool makes of a third-party library's internals, in one place, each checked.

kgtool leans on private parts of rdflib and pySHACL where their public API has no way to do what it
needs (answer SHACL-SPARQL constraints from one whole-graph run, report validation progress, build
literals without re-parsing them, read a huge N-Triples line or Turtle string in one step). Each
such use is a :class:`Patch`: the distribution it touches, the versions the test suite ran it on,
and the internal it needs. Before a patch is applied, the installed version must be one of those and
the internal must exist; otherwise the caller is told so (:meth:`Patch.usable` is False,
:meth:`Patch.applied` yields False) and takes the unpatched path, slower but right. Attribute swaps
are undone when their block ends, under one lock, so concurrent validations never see each other's
hooks.
"""

from __future__ import annotations

import functools
import importlib
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from typing import Any

#: Held while an attribute swap is in force (re-entrant: one block may apply several patches).
_LOCK = threading.RLock()
_MISSING = object()


def _release(version: str) -> tuple[int, ...]:
    """Return the numeric release part of a version string.

    >>> _release("0.40.1"), _release("7.6.0.post1"), _release("1.0rc1")
    ((0, 40, 1), (7, 6, 0), (1, 0))
    """
    parts = []
    for piece in version.split("."):
        match = re.match(r"\d+", piece)
        if match is None:
            break
        parts.append(int(match.group()))
        if match.end() != len(piece):
            break
    return tuple(parts)


@dataclass(frozen=True)
class Patch:
    """One use of a library internal.

    Attributes:
        name: How kgtool calls it.
        distribution: The PyPI distribution whose internals it uses.
        tested: The versions it was tested on: lowest included, highest excluded.
        module: The module holding the internal.
        attribute: The internal, dotted from the module (``Class.method`` or a name).
        why: What kgtool gains, and what the unpatched path does instead.
        lazy: The internal is a name the library sets on first use and reads back (so it may
            be absent before then); only its module must exist.
    """

    name: str
    distribution: str
    tested: tuple[str, str]
    module: str
    attribute: str
    why: str
    lazy: bool = False

    def installed_version(self) -> str | None:
        """Return the installed version of the distribution, or None."""
        try:
            return metadata.version(self.distribution)
        except metadata.PackageNotFoundError:
            return None

    def usable(self) -> bool:
        """Whether the installed version was tested and the internal is there."""
        return _usable(self)

    def _owner(self) -> tuple[Any, str]:
        owner: Any = importlib.import_module(self.module)
        *path, last = self.attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        return owner, last

    def current(self) -> Any:
        """Return the internal as it is now.

        Raises:
            AttributeError: If the internal does not exist in the installed version.
        """
        owner, last = self._owner()
        return getattr(owner, last)

    @contextmanager
    def applied(self, value: Any) -> Iterator[bool]:
        """Put ``value`` in place of the internal for the block; yield whether it was.

        Yields False, changing nothing, when the patch is not usable: the caller then does
        its work the unpatched way.
        """
        if not self.usable():
            yield False
            return
        owner, last = self._owner()
        with _LOCK:
            previous = owner.__dict__.get(last, _MISSING) if hasattr(owner, "__dict__") else None
            setattr(owner, last, value)
            try:
                yield True
            finally:
                if previous is _MISSING:
                    delattr(owner, last)
                else:
                    setattr(owner, last, previous)


@functools.cache
def _usable(patch: Patch) -> bool:
    version = patch.installed_version()
    if version is None:
        return False
    low, high = (_release(v) for v in patch.tested)
    if not low <= _release(version) < high:
        return False
    try:
        if patch.lazy:
            patch._owner()
        else:
            patch.current()
    except (ImportError, AttributeError):
        return False
    return True


#: pySHACL evaluates a SHACL-SPARQL constraint once per focus node; the fast validation engine
#: answers those calls from one run per constraint (:mod:`kgtool.validate.fast`).
SPARQL_CONSTRAINT = Patch(
    "pyshacl-sparql-constraint",
    "pyshacl",
    ("0.40", "0.41"),
    "pyshacl.constraints.sparql.sparql_based_constraints",
    "SPARQLBasedConstraint._validate_sparql_query",
    "one whole-graph query per constraint instead of one per focus node; else per node",
)
#: pySHACL makes a SPARQL constraint's query text again for every focus node: the same text
#: checked by the same regular expressions, with the same prefixes prepended, each time.
SPARQL_PREBIND = Patch(
    "pyshacl-sparql-prebind",
    "pyshacl",
    ("0.40", "0.41"),
    "pyshacl.helper.sparql_query_helper",
    "SPARQLQueryHelper.pre_bind_variables",
    "a constraint's query text checked and made once per validation; else once per focus node",
)
SPARQL_APPLY_PREFIXES = Patch(
    "pyshacl-sparql-apply-prefixes",
    "pyshacl",
    ("0.40", "0.41"),
    "pyshacl.helper.sparql_query_helper",
    "SPARQLQueryHelper.apply_prefixes",
    "a constraint's prefixes written once per validation; else once per focus node",
)
#: pySHACL looks a shape's constraint parameters up in a list, term by term: a set is faster.
CONSTRAINT_PARAMETERS = Patch(
    "pyshacl-constraint-parameters",
    "pyshacl",
    ("0.40", "0.41"),
    "pyshacl.shape",
    "CONSTRAINT_PARAMS",
    "set lookups for constraint parameters (half of large validations); else list scans",
    lazy=True,
)
#: pySHACL has no progress callback: wrapping ``Shape.validate`` counts the shapes checked.
SHAPE_VALIDATE = Patch(
    "pyshacl-shape-validate",
    "pyshacl",
    ("0.40", "0.41"),
    "pyshacl.shape",
    "Shape.validate",
    "a progress bar of the shapes checked; else the time spent",
)
#: pySHACL collects a SPARQL constraint's prefixes from ``sh:prefixes/sh:declare`` only; SHACL
#: (section 5.2.1) follows ``sh:prefixes/owl:imports*/sh:declare``.
SPARQL_PREFIXES = Patch(
    "pyshacl-sparql-prefixes",
    "pyshacl",
    ("0.40", "0.41"),
    "pyshacl.helper.sparql_query_helper",
    "SPARQLQueryHelper.collect_prefixes",
    "the prefixes declared by the ontologies sh:prefixes imports; else only its own",
)
#: Building a plain or language-tagged ``Literal`` through its constructor re-validates what
#: Oxigraph has validated; setting its slots directly is three times cheaper.
LITERAL_SLOTS = Patch(
    "rdflib-literal-slots",
    "rdflib",
    ("7.1", "7.7"),
    "rdflib.term",
    "Literal",
    "string literals from Oxigraph answers without rdflib's checks; else the constructor",
)
#: rdflib's N-Triples reader grows its buffer 2 KiB at a time and rescans it: quadratic.
NTRIPLES_BUFFER = Patch(
    "rdflib-ntriples-bufsiz",
    "rdflib",
    ("7.1", "7.7"),
    "rdflib.plugins.parsers.ntriples",
    "bufsiz",
    "a long line read in one step (linear); else rdflib's quadratic growth",
)
#: rdflib answers an explicit ``GROUP BY`` over no solutions with one empty row, where SPARQL
#: has no group and so no row; only the implicit group of an aggregate query makes one.
AGGREGATE_JOIN = Patch(
    "rdflib-aggregate-join",
    "rdflib",
    ("7.1", "7.7"),
    "rdflib.plugins.sparql.evaluate",
    "evalAggregateJoin",
    "no row for a GROUP BY over no solutions; else rdflib's one empty row",
)
#: rdflib's ``Result`` yields its rows lazily only through iteration, which skips the empty ones
#: (solutions that bind nothing); reading its pending rows directly keeps them.
RESULT_ROWS = Patch(
    "rdflib-result-rows",
    "rdflib",
    ("7.1", "7.7"),
    "rdflib.query",
    "Result.bindings",
    "a SELECT answer read row by row, empty rows kept; else read whole (more memory)",
)
#: rdflib rewrites the lexical form of every typed literal it parses to the canonical one
#: (``"01"^^xsd:integer`` becomes ``"1"``), a process-wide default with no per-parse option.
#: In RDF 1.1 the lexical form is data, so kgtool's parse path turns it off for the parse.
NORMALIZE_LITERALS = Patch(
    "rdflib-normalize-literals",
    "rdflib",
    ("7.1", "7.7"),
    "rdflib",
    "NORMALIZE_LITERALS",
    "lexical forms kept as written; else rdflib's canonical forms",
)
#: rdflib's memory store keeps each graph's triples, and its list of graphs, in Python sets, so
#: a full scan (and with it query solution order, GROUP_CONCAT, exports of unsorted formats)
#: follows string hashing, which is seeded per process. Insertion-ordered containers in their
#: place make the order the order the triples were added.
ORDERED_MEMORY = Patch(
    "rdflib-ordered-memory",
    "rdflib",
    ("7.1", "7.7"),
    "rdflib.plugins.stores.memory",
    "Memory",
    "the same iteration order in every process; else an order that varies with PYTHONHASHSEED",
)
#: rdflib's memory store lists the graphs of each triple it yields, as a generator over a list
#: made at once, though reading a dataset's default (union) graph never looks at them: a sixth of
#: validating 100 k triples. A generator that looks them up when read gives the same graphs.
MEMORY_CONTEXTS = Patch(
    "rdflib-memory-contexts",
    "rdflib",
    ("7.1", "7.7"),
    "rdflib.plugins.stores.memory",
    "Memory._Memory__contexts",
    "a triple's graphs looked up only when read; else listed for every triple yielded",
)
#: rdflib's Turtle/TriG/N3 reader builds a string constant by appending to a ``str`` piece by
#: piece, a piece per line in a long (triple-quoted) string. Each append may copy the whole
#: string (when the allocator cannot grow it in place, as for a fresh process's large blocks):
#: quadratic, minutes for a literal of a million lines.
STRING_CONSTANTS = Patch(
    "rdflib-n3-strconst",
    "rdflib",
    ("7.1", "7.7"),
    "rdflib.plugins.parsers.notation3",
    "SinkParser.strconst",
    "string constants collected and joined once (linear); else rdflib's quadratic appends",
)
#: uvicorn gives a connection no deadline until it has answered a request on it; kgtool's HTTP
#: protocol (:mod:`kgtool.serve.connections`) extends uvicorn's and re-arms a request-head
#: deadline when a response is complete.
UVICORN_RESPONSE_COMPLETE = Patch(
    "uvicorn-response-complete",
    "uvicorn",
    ("0.29", "0.56"),
    "uvicorn.protocols.http.h11_impl",
    "H11Protocol.on_response_complete",
    "idle and half-sent request heads closed after --timeout; else held up to the connection limit",
)
#: Every patch, by name.
PATCHES: dict[str, Patch] = {
    p.name: p
    for p in (
        SPARQL_CONSTRAINT,
        SPARQL_PREBIND,
        SPARQL_APPLY_PREFIXES,
        CONSTRAINT_PARAMETERS,
        SHAPE_VALIDATE,
        LITERAL_SLOTS,
        NTRIPLES_BUFFER,
        STRING_CONSTANTS,
        AGGREGATE_JOIN,
        RESULT_ROWS,
        NORMALIZE_LITERALS,
        ORDERED_MEMORY,
        MEMORY_CONTEXTS,
        UVICORN_RESPONSE_COMPLETE,
    )
}

_LITERAL_SLOTS = ("_language", "_datatype", "_value", "_ill_typed")


@functools.cache
def _literal_slots_usable() -> bool:
    if not LITERAL_SLOTS.usable():
        return False
    from rdflib.term import Literal

    return all(
        any(name in getattr(k, "__slots__", ()) for k in Literal.__mro__) for name in _LITERAL_SLOTS
    )


def string_literal(lexical: str, language: str | None) -> Any:
    """Return ``Literal(lexical, lang=language)``, without rdflib's per-call checks when safe.

    For a plain or language-tagged string rdflib's constructor only validates the tag (Oxigraph
    has already) and sets four slots, at ~2 µs a call, a third of a query's time on answers
    made of labels. Where the slots are not the tested ones, the constructor is used.

    >>> from rdflib import Literal
    >>> string_literal("GPT-J", "en") == Literal("GPT-J", lang="en")
    True
    """
    from rdflib.term import Literal

    if not _literal_slots_usable():
        return Literal(lexical, lang=language or None)
    literal = str.__new__(Literal, lexical)
    literal._language = language or None
    literal._datatype = None
    literal._value = lexical
    literal._ill_typed = None
    return literal


@contextmanager
def literals_as_written() -> Iterator[bool]:
    """Keep lexical forms as written in literals rdflib builds in the block; yield whether.

    Held under the patch lock, so a concurrent parse cannot restore rdflib's default midway.
    Where the patch is not usable the block runs with rdflib's normalisation.

    >>> from rdflib import Literal, XSD
    >>> with literals_as_written():
    ...     str(Literal("01", datatype=XSD.integer))
    '01'
    >>> str(Literal("01", datatype=XSD.integer))
    '1'
    """
    with NORMALIZE_LITERALS.applied(False) as applied:
        yield applied


def ensure_ntriples_buffer(size: int) -> None:
    """Let rdflib's N-Triples reader take ``size`` characters in one read (it only grows).

    Without the patch a long line still parses, in time quadratic in its length.
    """
    if not NTRIPLES_BUFFER.usable():
        return
    module = importlib.import_module(NTRIPLES_BUFFER.module)
    with _LOCK:
        setattr(
            module, NTRIPLES_BUFFER.attribute, max(getattr(module, NTRIPLES_BUFFER.attribute), size)
        )


#: The rdflib internals :func:`string_constant` uses, besides the one it replaces: module names,
#: then parser methods.
_STRING_CONSTANT_NEEDS = (("interesting", "BadSyntax"), ("uEscape", "UEscape"))
#: What ends a run of a long string's text: a quote or an escape. A line break does not (it is
#: only counted), so a string of a million lines is one run, not a million.
_LONG_STRING_STOPS = re.compile(r"""[\\"']""")


@functools.cache
def _string_constants_usable() -> bool:
    if not STRING_CONSTANTS.usable():
        return False
    module = importlib.import_module(STRING_CONSTANTS.module)
    names, methods = _STRING_CONSTANT_NEEDS
    return all(hasattr(module, n) for n in names) and all(
        hasattr(module.SinkParser, m) for m in methods
    )


def _count_breaks(parser: Any, text: str, start: int, end: int) -> int:
    """Count the line breaks in ``text[start:end]`` on the parser, as rdflib does one by one.

    rdflib counts every CR and every LF (CRLF is two) and starts the next line after the last;
    returns that start, or ``start`` when the run has no break.
    """
    breaks = text.count("\n", start, end) + text.count("\r", start, end)
    if not breaks:
        return start
    parser.lines += breaks
    parser.startOfLine = max(text.rfind("\n", start, end), text.rfind("\r", start, end)) + 1
    return int(parser.startOfLine)


def string_constant(parser: Any, text: str, i: int, delim: str) -> tuple[int, str]:
    """rdflib's ``SinkParser.strconst`` in linear time: the same value, end and line count.

    rdflib appends each piece (a line of a long string, the text between escapes) to a growing
    ``str``; here the pieces are collected and joined once, and a long string's lines are
    counted per run instead of being pieces of their own. Where rdflib fails on a string that
    runs to the end of the text with a bare assertion or an index error, this raises its
    ``BadSyntax`` (which names the line); every other error is rdflib's, at the same place.

    Args:
        parser: The ``SinkParser`` (this replaces its method).
        text: The document.
        i: Where the string's characters start (after the opening delimiter).
        delim: The opening delimiter: one or three of ``"`` or ``'``.

    Returns:
        Where the text goes on after the closing delimiter, and the string's value.

    >>> from rdflib import Graph
    >>> doc = "<http://a> <http://p> '''a ''b''\\n\\\\u0063\\n\\"d''''' ."
    >>> with STRING_CONSTANTS.applied(string_constant):
    ...     ours = next(Graph().parse(data=doc, format="turtle").objects())
    >>> ours == next(Graph().parse(data=doc, format="turtle").objects())
    True
    >>> print(ours)
    a ''b''
    c
    "d''
    """
    n3 = importlib.import_module(STRING_CONSTANTS.module)
    quote = delim[0]
    long = delim == quote * 3
    stops = _LONG_STRING_STOPS if long else n3.interesting
    startline = parser.lines  # rdflib reports escape errors at the string's first line
    parts: list[str] = []
    j, end = i, len(text)
    while j < end:
        if text[j] == quote:
            if not long:
                return j + 1, "".join(parts)
            # Up to two quotes just before the closing three belong to the string.
            for extra in (2, 1, 0):
                if text.startswith(quote * (3 + extra), j):
                    parts.append(quote * extra)
                    return j + 3 + extra, "".join(parts)
            parts.append(quote)
            j += 1
            continue
        match = stops.search(text, j)
        if match is None:
            if long:
                # rdflib consumes the rest's line breaks before it finds no closing quote.
                _count_breaks(parser, text, j, end)
                last = max(text.rfind("\n", j, end), text.rfind("\r", j, end))
                i = last if last >= 0 else j
            else:
                i = j
            raise n3.BadSyntax(
                parser._thisDoc, parser.lines, text, i, "unterminated string literal"
            )
        i = match.start()
        if long:
            _count_breaks(parser, text, j, i)
        parts.append(text[j:i])
        ch = text[i]
        if ch == quote:
            # rdflib stops at each line break and meets a quote right after one at the top of
            # the loop, so an unterminated string's error points at the break, as here.
            if long and i > j and text[i - 1] in "\r\n":
                j, i = i, i - 1
            else:
                j = i
        elif ch in "\"'":
            parts.append(ch)
            j = i + 1
        elif ch in "\r\n":  # only a short string stops at a line break
            raise n3.BadSyntax(
                parser._thisDoc, startline, text, i, "newline found in string literal"
            )
        else:  # a backslash
            j = i + 1
            if j == end:
                raise n3.BadSyntax(
                    parser._thisDoc, startline, text, i, "unterminated string literal (2)"
                )
            ch = text[j]
            k = "abfrtvn\\\"'".find(ch)
            if k >= 0:
                parts.append("\a\b\f\r\t\v\n\\\"'"[k])
                j += 1
            elif ch == "u":
                j, ch = parser.uEscape(text, j + 1, startline)
                parts.append(ch)
            elif ch == "U":
                j, ch = parser.UEscape(text, j + 1, startline)
                parts.append(ch)
            else:
                raise n3.BadSyntax(parser._thisDoc, parser.lines, text, i, "bad escape")
    raise n3.BadSyntax(parser._thisDoc, parser.lines, text, i, "unterminated string literal")


@contextmanager
def linear_string_constants() -> Iterator[bool]:
    """Read Turtle, TriG and N3 string constants in linear time in the block; yield whether.

    Where the installed rdflib's parser is not the tested one, its own method is kept: the
    same results, quadratic in a string's length.
    """
    if not _string_constants_usable():
        yield False
        return
    with STRING_CONSTANTS.applied(string_constant) as applied:
        yield applied


#: The rdflib internals :func:`aggregate_join` calls, besides the one it replaces.
_AGGREGATE_JOIN_NEEDS = ("evalPart", "_eval", "Aggregator", "FrozenBindings")


@functools.cache
def aggregate_join_usable() -> bool:
    """Whether :func:`aggregate_join` fits the installed rdflib (else rdflib's own is kept)."""
    if not AGGREGATE_JOIN.usable():
        return False
    module = importlib.import_module(AGGREGATE_JOIN.module)
    return all(hasattr(module, name) for name in _AGGREGATE_JOIN_NEEDS)


def aggregate_join(ctx: Any, agg: Any) -> Iterator[Any]:
    """rdflib's ``evalAggregateJoin`` with SPARQL's groups: no ``GROUP BY`` row without solutions.

    SPARQL 1.1 section 18.5 (Group): ``GROUP BY`` partitions the solutions, so no solution
    makes no group and no row; without ``GROUP BY`` every solution is in one implicit group,
    which exists even when empty (``COUNT(*)`` of nothing is one row, 0). rdflib makes the
    empty row in both cases. Which case it is comes from the algebra: the ``Group`` node has
    ``expr`` exactly when the query says ``GROUP BY``.

    >>> from rdflib import Graph
    >>> with AGGREGATE_JOIN.applied(aggregate_join):
    ...     grouped = list(Graph().query("SELECT ?s { ?s ?p ?o } GROUP BY ?s"))
    ...     counted = list(Graph().query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"))
    >>> grouped, [int(row.n) for row in counted]
    ([], [0])
    """
    evaluate = importlib.import_module(AGGREGATE_JOIN.module)
    rows = evaluate.evalPart(ctx, agg.p)
    if agg.p.expr is None:
        implicit = evaluate.Aggregator(aggregations=agg.A)
        for row in rows:
            implicit.update(row)
        yield evaluate.FrozenBindings(ctx, implicit.get_bindings())
        return
    groups: dict[Any, Any] = {}
    for row in rows:
        key = tuple(evaluate._eval(e, row, False) for e in agg.p.expr)
        group = groups.get(key)
        if group is None:
            group = groups[key] = evaluate.Aggregator(aggregations=agg.A)
        group.update(row)
    for group in groups.values():
        yield evaluate.FrozenBindings(ctx, group.get_bindings())


def result_rows(result: Any) -> Iterator[Any]:
    """Yield a SELECT result's solutions one at a time, the empty ones included.

    Iterating an rdflib ``Result`` drops a solution that binds no variable, and its
    ``bindings`` list keeps them but computes every row first. Where the pending rows are the
    tested attribute they are read one by one (so a caller can stop at a row limit); otherwise
    from ``bindings``.

    >>> from rdflib import Graph
    >>> list(result_rows(Graph().query("SELECT * { OPTIONAL { ?s ?p ?o } }")))
    [{}]
    """
    pending = getattr(result, "_genbindings", None) if RESULT_ROWS.usable() else None
    if pending is None:
        yield from result.bindings
        return
    result._genbindings = None  # taken over: rdflib must not read it again
    yield from pending


class _OrderedSet(dict[Any, None]):
    """The part of ``set`` rdflib's memory store uses, keeping insertion order."""

    def add(self, item: Any) -> None:
        self[item] = None

    def remove(self, item: Any) -> None:
        del self[item]

    def discard(self, item: Any) -> None:
        self.pop(item, None)

    def copy(self) -> _OrderedSet:
        return _OrderedSet(self)


class _OrderedSetValues(dict[Any, _OrderedSet]):
    """A dict whose values, sets where rdflib stores them, are kept as :class:`_OrderedSet`."""

    def __setitem__(self, key: Any, value: Any) -> None:
        if not isinstance(value, _OrderedSet):
            value = _OrderedSet.fromkeys(value)
        super().__setitem__(key, value)


#: The store's private containers (name-mangled) that are sets; each must be one in a new store.
_MEMORY_SETS = ("_Memory__contextTriples", "_Memory__all_contexts")


@functools.cache
def _ordered_memory_usable() -> bool:
    if not ORDERED_MEMORY.usable():
        return False
    memory = ORDERED_MEMORY.current()()
    triples = getattr(memory, _MEMORY_SETS[0], None)
    contexts = getattr(memory, _MEMORY_SETS[1], None)
    return (
        isinstance(triples, dict)
        and all(isinstance(v, set) for v in triples.values())
        and isinstance(contexts, set)
    )


def ordered_memory_store() -> Any:
    """Return a new rdflib memory store that iterates in insertion order.

    Where the installed rdflib's containers are not the tested ones, rdflib's own store is
    returned: right answers, in an order that may change from process to process.

    >>> from rdflib import Graph, URIRef
    >>> g = Graph(store=ordered_memory_store())
    >>> for name in "zyxabc":
    ...     _ = g.add((URIRef(f"urn:{name}"), URIRef("urn:p"), URIRef("urn:o")))
    >>> [str(s)[-1] for s, _, _ in g]
    ['z', 'y', 'x', 'a', 'b', 'c']
    """
    memory = ORDERED_MEMORY.current()()
    if _ordered_memory_usable():
        triples = _OrderedSetValues()
        for key, value in getattr(memory, _MEMORY_SETS[0]).items():
            triples[key] = value
        setattr(memory, _MEMORY_SETS[0], triples)
        setattr(memory, _MEMORY_SETS[1], _OrderedSet.fromkeys(getattr(memory, _MEMORY_SETS[1])))
    return memory


def lazy_memory_contexts(self: Any, triple: Any) -> Iterator[Any]:
    """rdflib's ``Memory.__contexts``, in the form of a generator function: nothing is looked
    up until the first graph is read (see :data:`MEMORY_CONTEXTS`).

    >>> from rdflib import Dataset, URIRef
    >>> ds = Dataset(default_union=True)
    >>> _ = ds.graph(URIRef("urn:g")).add((URIRef("urn:a"), URIRef("urn:p"), URIRef("urn:b")))
    >>> def graphs():
    ...     return [[g.identifier for g in found] for _t, found in ds.store.triples((None,) * 3)]
    >>> with MEMORY_CONTEXTS.applied(lazy_memory_contexts):
    ...     graphs()
    [[rdflib.term.URIRef('urn:g')]]
    >>> graphs()
    [[rdflib.term.URIRef('urn:g')]]
    """
    for name in self._Memory__get_context_for_triple(triple, skipQuoted=True):
        if name is not None:
            yield self._Memory__context_obj_map.get(name, name)
