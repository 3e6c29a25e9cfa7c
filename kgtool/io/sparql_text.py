"""SPARQL text helpers."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kgtool.core.errors import (
    QuerySyntaxError,
    UsageError,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from rdflib.term import Node

    from kgtool.core.plain import PlainTerm


def position_of(text: str, needle: str) -> tuple[int, int] | None:
    """Return the 1-based line and column of the first ``needle`` outside comments."""
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0] if not line.lstrip().startswith("#") else ""
        match = re.search(r"(?<![\w:])" + re.escape(needle), code)
        if match:
            return number, match.start() + 1
    return None


def is_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate  # the grammar is slow to build

    try:
        parseUpdate(text)
    except Exception:
        return False
    return True


_COMMENT_RE = re.compile(r"#[^\n]*")


_WHERE_RE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


_FORM_BRACE_RE = re.compile(r"\b(?:SELECT|ASK|DESCRIBE)\b[^{]*\{", re.IGNORECASE)


def inline_bindings(
    text: str, bindings: Mapping[str, Node] | Mapping[str, PlainTerm] | None
) -> str:
    """Bind variables in SPARQL text with a ``VALUES`` row at the top of the WHERE group.

    For engines that take text only (Oxigraph, remote endpoints): the row is joined with the
    whole group, so FILTERs in it see the values, as rdflib's ``initBindings`` do. A trailing
    ``VALUES`` would not do: it is joined after the group's filters (SPARQL 1.1 section 18.2.4.3).

    Args:
        text: The query.
        bindings: Values by variable name (no blank nodes): rdflib or plain terms.

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


#: The deepest nesting of groups, brackets and parentheses a query may have. Oxigraph's parser
#: and evaluator recurse: past about 2,500 levels (measured: 2,000 runs, 3,000 overflows the
#: stack) the process dies instead of refusing the query.
MAX_NESTING = 1000
#: What nests in SPARQL, and what holds brackets that do not (IRIs, strings, comments).
_NESTING_RE = re.compile(
    r"""(?P<skip><[^<>"{}|^`\\\x00-\x20]*>"""
    r'''|"""(?:[^"\\]|\\.|"(?!""))*"""'''
    r"""|'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\#[^\n]*)"""
    r"|(?P<open>[{(\[])|(?P<close>[})\]])"
)


def check_nesting(text: str, limit: int = MAX_NESTING) -> None:
    """Refuse a query nested deeper than ``limit`` (see :data:`MAX_NESTING`).

    Raises:
        QuerySyntaxError: With the line and column where the nesting passes the limit.

    >>> check_nesting("SELECT * { { ?s ?p ?o } }")
    >>> try:
    ...     check_nesting("ASK { " + "{ " * 5 + "}" * 5 + " }", limit=3)
    ... except QuerySyntaxError as exc:
    ...     print(exc.line, exc.column)
    1 11
    """
    depth = 0
    for match in _NESTING_RE.finditer(text):
        if match.lastgroup == "open":
            depth += 1
            if depth > limit:
                start = match.start()
                line = text.count("\n", 0, start) + 1
                column = start - (text.rfind("\n", 0, start) + 1) + 1
                raise QuerySyntaxError(
                    f"the query nests groups, brackets or parentheses more than {limit} deep "
                    f"(at line {line}, column {column})",
                    line=line,
                    column=column,
                )
        elif match.lastgroup == "close":
            depth = max(depth - 1, 0)
