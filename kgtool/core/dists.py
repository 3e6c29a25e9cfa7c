"""The installed version of a distribution, found without importing ``importlib.metadata``.

Cache keys hold the versions of the libraries that shape an answer (rdflib, pyoxigraph...).
``importlib.metadata`` imports the ``email`` package to read one header, about 17 ms of a cold
query that otherwise takes a few tens; the version is read here the way it finds it: the first
``NAME-VERSION.dist-info`` folder along ``sys.path``, its ``METADATA`` ``Version:`` line.
Anything else (an egg, a zip, an unreadable file) is left to ``importlib.metadata``.
"""

from __future__ import annotations

import os
import re
import sys


def _normalized(name: str) -> str:
    # Wheel and dist-info names use underscores for runs of "-", "_" and "." (PEP 503, 427).
    return re.sub(r"[-_.]+", "_", name).lower()


def _from_dist_info(name: str) -> str | None:
    wanted = _normalized(name)
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for item in names:
            stem, dot, suffix = item.rpartition(".")
            if suffix != "dist-info" or not dot:
                continue
            project, _, _ = stem.partition("-")
            if _normalized(project) != wanted:
                continue
            try:
                with open(os.path.join(entry, item, "METADATA"), encoding="utf-8") as handle:
                    for line in handle:
                        if line.startswith("Version:"):
                            return line[len("Version:") :].strip()
                        if not line.strip():
                            break  # the headers end at the first blank line
            except OSError:
                pass
            return None  # found but unreadable: let importlib.metadata decide
    return None


def installed_version(name: str) -> str | None:
    """Return the installed version of distribution ``name``, or None if it is not installed.

    >>> from importlib import metadata
    >>> installed_version("rdflib") == metadata.version("rdflib")
    True
    >>> installed_version("no-such-distribution-here") is None
    True
    """
    found = _from_dist_info(name)
    if found is not None:
        return found
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
