"""A query's answer for Python code: rows as dicts of Python values, or a pandas DataFrame.

Shaped after what rdflib's ``Graph.query`` and pyoxigraph's ``Store.query`` users expect:
iterate the rows, read ``.vars`` (the projected variable names, in order) and ``.bindings``
(the raw RDF terms); an ASK answer is ``bool(rows)``, a CONSTRUCT answer is ``.graph``. Values
are converted with rdflib's ``toPython``: ``xsd:integer`` gives ``int``, ``xsd:date`` gives
``datetime.date``, an IRI becomes its ``str``, and a literal whose text does not fit
its datatype stays the ``Literal``. pandas is optional: :meth:`Rows.to_dataframe` imports it
when called and raises :class:`~kgtool.core.errors.UsageError` when it is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import Graph
from rdflib.term import Node

from kgtool.core.errors import UsageError
from kgtool.query.run import QueryOutcome, run_query

if TYPE_CHECKING:
    from pathlib import Path

    from kgtool.graph import KnowledgeGraph


def python_value(term: Node | None) -> Any:
    """Return a term as a Python value (None for an unbound variable).

    >>> from rdflib import Literal, URIRef
    >>> from rdflib.namespace import XSD
    >>> python_value(Literal("42", datatype=XSD.integer)), python_value(None)
    (42, None)
    >>> python_value(URIRef("https://example.org/a"))
    'https://example.org/a'
    """
    if term is None:
        return None
    to_python = getattr(term, "toPython", None)
    return to_python() if to_python is not None else term


@dataclass(frozen=True)
class Rows:
    """The answer of one query (see the module doc).

    Attributes:
        kind: ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``.
        vars: The projected variables' names, in the query's order (empty for ASK/CONSTRUCT).
        bindings: One mapping per row from variable name to RDF term (unbound names absent).
        answer: The ASK answer (None for the other forms).
        graph: The CONSTRUCT or DESCRIBE graph (None for the other forms).
    """

    kind: str
    vars: tuple[str, ...]
    bindings: tuple[Mapping[str, Node], ...]
    answer: bool | None = None
    graph: Graph | None = None

    @classmethod
    def from_outcome(cls, outcome: QueryOutcome) -> Rows:
        """Wrap what :func:`kgtool.query.run.run_query` returned."""
        result = outcome.result
        kind = str(result.type)
        if kind == "ASK":
            return cls(kind, (), (), answer=bool(result.askAnswer))
        if kind in ("CONSTRUCT", "DESCRIBE"):
            return cls(kind, (), (), graph=result.graph)
        names = tuple(str(v) for v in (result.vars or []))
        rows = tuple(
            {str(k): v for k, v in row.items() if v is not None} for row in result.bindings
        )
        return cls(kind, names, rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Yield each row as ``{variable: value}``, each variable present (None: unbound)."""
        for row in self.bindings:
            yield {name: python_value(row.get(name)) for name in self.vars}

    def __len__(self) -> int:
        """The number of rows (of triples, for a graph answer)."""
        if self.graph is not None:
            return len(self.graph)
        return len(self.bindings)

    def __bool__(self) -> bool:
        """The ASK answer; otherwise whether there is any row (or triple)."""
        if self.answer is not None:
            return self.answer
        return len(self) > 0

    def to_dicts(self) -> list[dict[str, Any]]:
        """Every row as a dict of Python values (see :meth:`__iter__`)."""
        return list(self)

    def to_dataframe(self) -> Any:
        """Return the rows as a ``pandas.DataFrame``, one column per variable, Python values.

        Raises:
            UsageError: If pandas is not installed, or the answer is not rows.
        """
        if self.kind != "SELECT":
            raise UsageError(f"a {self.kind} answer has no rows to put in a DataFrame")
        try:
            import pandas
        except ImportError:
            raise UsageError("to_dataframe needs pandas: pip install pandas") from None
        return pandas.DataFrame(self.to_dicts(), columns=list(self.vars))


def query_rows(
    kg: KnowledgeGraph,
    query: str | Path,
    params: Mapping[str, str] | None = None,
    reasoned: bool = False,
    queries_dir: Path | None = None,
) -> Rows:
    """Run a bundled query, a ``.rq`` file or SPARQL text and return its :class:`Rows`.

    Args:
        kg: The knowledge graph; call :func:`kgtool.reason.engine.reason` first for
            ``reasoned``.
        query: A bundled query's name (``founders``), a ``.rq`` path, or SPARQL text.
        params: The bundled query's parameters, by name, as on the command line
            (``{"organization": "OpenAI"}``: labels, prefixed names and IRIs all work).
        reasoned: Include the inferred triples.
        queries_dir: Where bundled queries live (default: the shipped ``queries/``).

    Raises:
        UnknownQueryError, QuerySyntaxError, ParameterError: If the query cannot run as asked.
        QueryRunError: If evaluation fails.

    >>> from rdflib import Dataset, Literal, URIRef
    >>> from kgtool.graph import KnowledgeGraph
    >>> ds = Dataset()
    >>> _ = ds.add((URIRef("urn:a"), URIRef("urn:age"), Literal(3), URIRef("urn:g")))
    >>> rows = query_rows(KnowledgeGraph.from_dataset(ds), "SELECT ?s ?age { ?s <urn:age> ?age }")
    >>> rows.vars, [row["age"] for row in rows]
    (('s', 'age'), [3])
    """
    outcome = run_query(kg, query, dict(params or {}), reasoned, queries_dir=queries_dir)
    return Rows.from_outcome(outcome)
