"""The exception hierarchy of the kgtool library.

The library raises only these; :mod:`kgtool.cli.main` alone turns them into messages on stderr and
exit
codes (0 ok, 1 violations / inconsistency / a query that fails to run, 2 usage or input error).
"""

from __future__ import annotations


class KgtoolError(Exception):
    """Base class of every error the kgtool library raises."""

    exit_code: int = 2


class InputError(KgtoolError):
    """An input file or stream is missing, unreadable, of unknown format or malformed."""

    exit_code = 2


class UsageError(KgtoolError):
    """The caller asked for something that cannot be done (unknown name, refused operation)."""

    exit_code = 2


class ParameterError(UsageError):
    """A query parameter is unknown, missing or does not fit its declared type."""


class UnknownQueryError(UsageError):
    """No bundled query has the given name."""


class TermError(UsageError):
    """A term typed by the user is not an IRI, prefixed name, known label or Turtle literal."""


class QuerySyntaxError(UsageError):
    """A SPARQL query does not parse; carries the 1-based line and column."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


class QueryRunError(KgtoolError):
    """A well-formed SPARQL query failed while it ran."""

    exit_code = 1


class ValidationFailed(KgtoolError):
    """The data does not conform to the shapes (raised only by callers that ask for it)."""

    exit_code = 1


class InconsistencyError(KgtoolError):
    """The reasoner found the data inconsistent with the ontology; carries the clash messages."""

    exit_code = 1

    def __init__(self, messages: list[str]):
        super().__init__("the data is inconsistent: " + "; ".join(messages))
        self.messages = messages


class NotEntailedError(KgtoolError):
    """A triple is neither asserted nor inferred, so there is nothing to explain."""

    exit_code = 1


class ExportError(KgtoolError):
    """Writing an output file failed; the previous file, if any, is left intact."""

    exit_code = 2


class GraphvizMissingError(UsageError):
    """Drawing needs Graphviz's ``dot`` program, which is not installed."""


class EndpointError(KgtoolError):
    """A SPARQL endpoint is unreachable, too slow, refuses the request or answers garbage."""

    exit_code = 2


class OfflineError(UsageError):
    """``--offline`` was asked for, but the cache holds no answer to a query that is needed."""
