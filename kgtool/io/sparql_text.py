"""SPARQL text helpers."""

from __future__ import annotations

import re

from rdflib.term import Node

from kgtool.core.errors import (
    UsageError,
)


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
