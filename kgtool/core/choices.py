"""The names a user may choose for ``--store``, ``--profile``, ``--engine``, ``--inference`` and a
query's results format: each list defined once, here.

Standard library only, so that click can build the command line's options before rdflib, owlrl
or pySHACL is imported (a quarter of a second); the library modules that act on these names
(:mod:`kgtool.graph`, :mod:`kgtool.reason.engine`, :mod:`kgtool.validate.engine`,
:mod:`kgtool.query.render`) import them from here.

>>> "oxigraph" in STORE_CHOICES
True
"""

from __future__ import annotations

#: Store backends; ``auto`` picks Oxigraph for big inputs (:func:`kgtool.graph.resolve_store`).
STORE_CHOICES: tuple[str, ...] = ("auto", "memory", "oxigraph")
#: Reasoning profiles.
PROFILES: tuple[str, ...] = ("owlrl", "rdfs")
#: Reasoning engines: owlrl itself, the compiled rules of :mod:`kgtool.reason.fast`, or ``auto``.
ENGINES: tuple[str, ...] = ("auto", "owlrl", "fast")
#: What pySHACL infers before validating.
INFERENCE_CHOICES: tuple[str, ...] = ("none", "rdfs", "owlrl")
#: Validation engines: plain pySHACL, or pySHACL with whole-graph SPARQL constraints (same report).
VALIDATION_ENGINES: tuple[str, ...] = ("auto", "pyshacl", "fast")
#: Formats of SELECT and ASK answers (``xml`` is SPARQL XML results).
TABLE_FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "xml")

# The RDF syntaxes below belong in the one RDF-format table of ``kgtool.io``; they stand here,
# checked against the library's own lists by tests/cli/test_entry.py, until the command line can
# take them from that table.

#: The ``--input-format`` spellings (:data:`kgtool.io.parse.FORMAT_ALIASES`).
INPUT_FORMATS: tuple[str, ...] = (
    "turtle",
    "ttl",
    "trig",
    "nt",
    "ntriples",
    "n-triples",
    "nquads",
    "nq",
    "n-quads",
    "jsonld",
    "json-ld",
    "xml",
    "rdfxml",
    "rdf/xml",
)
#: RDF formats of CONSTRUCT and DESCRIBE answers.
GRAPH_FORMATS: tuple[str, ...] = ("turtle", "nt", "nquads", "trig", "jsonld", "xml")
#: :data:`kgtool.io.serialize.EXPORT_FORMATS`.
EXPORT_FORMATS: tuple[str, ...] = ("turtle", "jsonld", "nt", "nquads", "trig", "xml")
