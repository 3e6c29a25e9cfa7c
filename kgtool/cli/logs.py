"""What the libraries under kgtool log, turned into short lines on stderr for the command line.

rdflib logs a warning with the whole Python traceback for every literal whose text does not
fit its datatype (``"abc"^^xsd:integer``): a user's file with such a value would fill the
terminal. The command line (never the library, whose callers configure logging as they
like) installs one handler on the ``rdflib`` logger: those warnings are counted and shown as
one line at the end of the run, other warnings as one line each without a traceback, and
nothing at all with ``--quiet``. ``--traceback`` shows the records as Python would.
"""

from __future__ import annotations

import logging

import click

#: The loggers whose warnings the command line shows: rdflib's, and kgtool's own (the
#: loader's note that it kept literals as written, say).
_LOGGERS = ("rdflib", "kgtool")
#: The start of rdflib's message for a literal it cannot convert (rdflib.term).
_ILL_TYPED = "Failed to convert Literal lexical form to value"


class CliLogHandler(logging.Handler):
    """Counts ill-typed literal warnings and prints the others as one line each."""

    def __init__(self, quiet: bool = False) -> None:
        super().__init__(logging.WARNING)
        self.quiet = quiet
        #: One entry per distinct complaint: rdflib converts the same literal more than once.
        self.ill_typed: dict[str, None] = {}

    def emit(self, record: logging.LogRecord) -> None:
        """Count or print one record (never raises: logging must not fail a command)."""
        try:
            message = record.getMessage()
            if message.startswith(_ILL_TYPED):
                self.ill_typed.setdefault(_describe_ill_typed(record))
                return
            if not self.quiet:
                click.echo(f"Warning: {message.splitlines()[0]}", err=True)
        except Exception:  # a broken handler must not break the command
            self.handleError(record)

    def summary(self) -> str | None:
        """The one line about ill-typed literals, or None when there were none."""
        if not self.ill_typed:
            return None
        count = len(self.ill_typed)
        first = next(iter(self.ill_typed))
        if count == 1:
            return f"Warning: 1 literal does not fit its datatype, kept as written ({first})."
        return (
            f"Warning: {count} literals do not fit their datatypes, kept as written "
            f"(the first: {first})."
        )


def _describe_ill_typed(record: logging.LogRecord) -> str:
    """``xsd:integer: <the converter's complaint>`` from rdflib's record."""
    message = record.getMessage()
    datatype = message.partition("Datatype=")[2].partition(",")[0].strip()
    detail = ""
    if record.exc_info and record.exc_info[1] is not None:
        detail = str(record.exc_info[1]).splitlines()[0] if str(record.exc_info[1]) else ""
    xsd = "http://www.w3.org/2001/XMLSchema#"
    shown = "xsd:" + datatype[len(xsd) :] if datatype.startswith(xsd) else f"<{datatype}>"
    return f"{shown}: {detail}" if detail else shown


def install(quiet: bool, traceback: bool) -> CliLogHandler | None:
    """Route the warnings of rdflib's and kgtool's loggers through one :class:`CliLogHandler`.

    Returns:
        The handler (print its :meth:`~CliLogHandler.summary` at the end of the run), or None
        with ``--traceback``, which leaves logging as Python has it.
    """
    if traceback:
        return None
    handler = CliLogHandler(quiet)
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if isinstance(h, CliLogHandler)]:
            logger.removeHandler(old)
        logger.addHandler(handler)
        # Not passed on to the root logger, whose last-resort handler prints tracebacks.
        logger.propagate = False
    return handler


def uninstall(handler: CliLogHandler) -> None:
    """Remove the handler again (the CLI runs many times in one process under tests)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        logger.removeHandler(handler)
        if not any(isinstance(h, CliLogHandler) for h in logger.handlers):
            logger.propagate = True
