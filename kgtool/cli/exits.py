"""The exit codes of ``kgtool``, named, and the quiet end on a closed output pipe.

0 ok; 1 validation violations, failed checks, inconsistency, or a query that fails to run;
2 usage or input error (pySHACL and httpie document theirs the same way), and output that
cannot be written (a full disk under stdout, as under ``-o``); 141 the reader of the output
went away (``kgtool query --all | head -1``).

On a broken pipe kgtool stops at once and says nothing, the way ripgrep and the C tools do, and
exits 141, which is what a shell reports for ``cat`` or ``grep`` stopped by SIGPIPE (128 + 13).
A plain pipeline takes ``head``'s status, so users see 0; under ``set -o pipefail`` the pipeline
fails as it does with those tools, rather than passing off a cut-short report (a ``validate``
that would have exited 1) as a success. click's own handler exits 1, and Python's default
prints a traceback. Standard library only: the answer-cache fast path uses it too.
"""

from __future__ import annotations

import errno
import os
import signal
import sys

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE


def exit_on_sigterm(signum: int, frame: object) -> None:
    """A SIGTERM handler: ``kill`` unwinds like Ctrl-C, so temporary files are removed."""
    raise SystemExit(128 + signum)


def silence_stdout() -> None:
    """Point stdout at /dev/null, so the flush at exit cannot fail on the closed pipe again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (a test runner's buffer): nothing will be flushed to a pipe
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


#: What a write to a full, broken or over-quota device raises: the output could not be written,
#: which says nothing about kgtool or its input.
OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def output_failed(exc: OSError) -> int | None:
    """Say that the output could not be written and return the exit status (2, as for a file
    ``-o`` names), or None when ``exc`` is not such a failure.

    >>> output_failed(OSError(errno.ENOENT, "No such file or directory")) is None
    True
    """
    if exc.errno not in OUTPUT_ERRNOS or exc.filename is not None:
        return None
    try:
        sys.stderr.write(f"Error: cannot write the output ({exc.strerror or exc})\n")
        sys.stderr.flush()
    except OSError:
        pass
    silence_stdout()  # what is still buffered for stdout cannot be written either
    return EXIT_USAGE
