"""Progress lines on stderr for slow steps (load, reason, validate, export, push).

Shown only on a terminal with tqdm installed, and only once a step has taken
:data:`PROGRESS_DELAY` seconds; ``KGTOOL_PROGRESS=always`` or ``never`` overrides the terminal
test. ``kgtool --verbose`` also prints each step's time when it ends (on any stderr);
``kgtool --quiet`` shows none. Results never mix with progress: results go to stdout, progress
to stderr.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

#: ``progress(done, total)``, as the library reports work (kgtool.graph, kgtool.validate.engine).
Progress = Callable[[int, int], None]

#: Seconds a step runs before its progress line appears: only slow steps show one.
PROGRESS_DELAY = 2.0

#: ``quiet``, ``normal`` or ``verbose``: set by the ``kgtool`` group for the command it runs.
_verbosity = "normal"


def set_verbosity(level: str) -> None:
    """Set how much the steps say: ``quiet``, ``normal`` or ``verbose``."""
    global _verbosity
    _verbosity = level


def verbosity() -> str:
    """How much the steps say (see :func:`set_verbosity`)."""
    return _verbosity


@contextlib.contextmanager
def _timed(desc: str) -> Iterator[None]:
    """With ``--verbose``, print how long the step took, on stderr."""
    if _verbosity != "verbose":
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        sys.stderr.write(f"{desc}: {time.perf_counter() - start:.2f} s\n")
        sys.stderr.flush()


def progress_enabled() -> bool:
    """Show progress on stderr when it is a terminal and tqdm is installed.

    ``KGTOOL_PROGRESS=always`` or ``never`` overrides the terminal test (scripts, tests).
    """
    mode = os.environ.get("KGTOOL_PROGRESS", "auto").strip().lower()
    if mode in ("never", "0", "off", "no") or _verbosity == "quiet":
        return False
    if mode not in ("always", "1", "on", "yes") and not sys.stderr.isatty():
        return False
    try:
        import tqdm  # noqa: F401  (the progress extra)
    except ImportError:
        return False
    return True


def progress_bar(total: int, desc: str, unit: str) -> Any:
    """Return a tqdm bar on stderr when progress is shown (see progress_enabled), else None."""
    if not progress_enabled():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=" " + unit, file=sys.stderr, leave=False)


@contextlib.contextmanager
def counting(desc: str, unit: str, scale: bool = False) -> Iterator[Progress | None]:
    """Like :func:`_counting`, timed with ``--verbose``."""
    with _timed(desc), _counting(desc, unit, scale) as progress:
        yield progress


@contextlib.contextmanager
def activity(desc: str) -> Iterator[None]:
    """Like :func:`_activity`, timed with ``--verbose``."""
    with _timed(desc), _activity(desc):
        yield


@contextlib.contextmanager
def _counting(desc: str, unit: str, scale: bool = False) -> Iterator[Progress | None]:
    """Yield a ``progress(done, total)`` callback drawing a bar on stderr, or None when off.

    For steps that report their work (load: bytes read; validate: shapes done). The bar appears
    once the step has taken PROGRESS_DELAY seconds and is erased at the end.
    """
    if not progress_enabled():
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(
        total=None,
        desc=desc,
        unit=unit,
        unit_scale=scale,
        unit_divisor=1024 if scale else 1000,
        file=sys.stderr,
        leave=False,
        delay=PROGRESS_DELAY,
    )

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
        if done >= total:
            bar.refresh()  # tqdm redraws at most every 0.1 s: show the finished count too

    try:
        yield update
    finally:
        bar.close()


@contextlib.contextmanager
def _activity(desc: str) -> Iterator[None]:
    """Show ``desc`` and the time spent on stderr while a step without known size runs.

    The line appears once the step has taken PROGRESS_DELAY seconds and is erased at the end;
    nothing is shown when progress is off. For steps whose library call reports no work done
    (reason, export), so the line counts time.
    """
    if not progress_enabled():
        yield
        return
    from tqdm import tqdm

    done = threading.Event()
    bars: list[Any] = []

    def show() -> None:
        bars.append(
            tqdm(
                total=None,
                desc=desc,
                bar_format="{desc}: {elapsed}",
                file=sys.stderr,
                leave=False,
            )
        )

    def tick() -> None:
        if not bars and done.wait(PROGRESS_DELAY):
            return
        if not bars:
            show()
        while not done.wait(0.5):
            bars[0].refresh()

    if PROGRESS_DELAY <= 0:
        show()  # at once, in this thread (deterministic for tests)
    thread = threading.Thread(target=tick, name=f"progress-{desc}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        for bar in bars:
            bar.close()
