"""The names a user may choose for ``--profile``, ``--engine`` and ``--inference``: each list
defined once, here (formats are in :mod:`kgtool.io.formats`, stores in :mod:`kgtool.store.base`).

Standard library only, so that click can build the command line's options before rdflib, owlrl
or pySHACL is imported (a quarter of a second); the library modules that act on these names
(:mod:`kgtool.reason.engine`, :mod:`kgtool.validate.engine`) import them from here.

>>> "fast" in ENGINES
True
"""

from __future__ import annotations

#: Reasoning profiles.
PROFILES: tuple[str, ...] = ("owlrl", "rdfs")
#: Reasoning engines: owlrl itself, the compiled rules of :mod:`kgtool.reason.fast`, or ``auto``.
ENGINES: tuple[str, ...] = ("auto", "owlrl", "fast")
#: What pySHACL infers before validating.
INFERENCE_CHOICES: tuple[str, ...] = ("none", "rdfs", "owlrl")
#: Validation engines: plain pySHACL, or pySHACL with whole-graph SPARQL constraints (same report).
VALIDATION_ENGINES: tuple[str, ...] = ("auto", "pyshacl", "fast")
