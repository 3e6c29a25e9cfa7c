"""The bundled queries: finding them by name, file or text, and reading their headers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kgtool.core import paths
from kgtool.core.errors import (
    UnknownQueryError,
    UsageError,
)
from kgtool.io.parse import read_text

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
        "\n" not in name_or_text and len(name_or_text) < 4096 and _is_file(candidate)
    ):
        return _named_from_file(candidate)
    if _NAME_RE.match(name_or_text):
        return bundled_query(name_or_text, queries_dir)
    return text_query(name_or_text)


def _is_file(path: Path) -> bool:
    """Whether ``path`` names a file; a text that cannot be a path (a name component over the
    system's 255 bytes, a NUL) is no file, not an error."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def bundled_query(name: str, queries_dir: Path | None = None) -> NamedQuery:
    """Return the bundled query of this exact name; never reads a file named by ``name``.

    For names that come from outside (a URL path), where :func:`find_query` would also read a
    file.

    Raises:
        UnknownQueryError: If no bundled query has the name.

    >>> bundled_query("../pyproject")
    Traceback (most recent call last):
    ...
    kgtool.core.errors.UnknownQueryError: no bundled query is named '../pyproject'; known: ...
    """
    known = list_queries(queries_dir)
    for q in known:
        if q.name == name:
            return q
    names = ", ".join(q.name for q in known) or "(none)"
    raise UnknownQueryError(f"no bundled query is named {name!r}; known: {names}")


def text_query(text: str) -> NamedQuery:
    """Wrap ad-hoc SPARQL text, with the parameters its header declares, as a query to run.

    >>> text_query("ASK {}").name
    '<text>'
    """
    return NamedQuery(name="<text>", text=text, header=parse_header(text))
