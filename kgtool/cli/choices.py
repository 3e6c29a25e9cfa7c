"""The values the command line offers in ``--format``, ``--store``, ``--profile``... (issue 5).

Click needs them when ``kgtool.cli.main`` is imported, before any command runs; the modules that
define them import rdflib, owlrl or pyshacl, which costs a quarter of a second. So the CLI reads
these copies, and ``tests/cli/test_entry.py`` checks that each equals the library's own.
"""

from __future__ import annotations

from kgtool.io.formats import RDF_FORMAT_SPELLINGS

#: The ``--input-format`` spellings: every name of :mod:`kgtool.io.formats` (a cheap import).
INPUT_FORMATS: tuple[str, ...] = RDF_FORMAT_SPELLINGS
#: :data:`kgtool.graph.STORE_CHOICES`.
STORE_CHOICES: tuple[str, ...] = ("auto", "memory", "oxigraph")
#: :data:`kgtool.query.run.TABLE_FORMATS`.
TABLE_FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "xml")
#: :data:`kgtool.query.run.GRAPH_FORMATS`.
GRAPH_FORMATS: tuple[str, ...] = ("turtle", "nt", "nquads", "trig", "jsonld", "xml")
#: :data:`kgtool.export.EXPORT_FORMATS`.
EXPORT_FORMATS: tuple[str, ...] = ("turtle", "jsonld", "nt", "nquads", "trig", "xml")
#: :data:`kgtool.reason.engine.PROFILES`.
PROFILES: tuple[str, ...] = ("owlrl", "rdfs")
#: :data:`kgtool.validate.engine.INFERENCE_CHOICES`.
INFERENCE_CHOICES: tuple[str, ...] = ("none", "rdfs", "owlrl")
#: :data:`kgtool.reason.engine.ENGINES`.
ENGINES: tuple[str, ...] = ("auto", "owlrl", "fast")
#: :data:`kgtool.validate.engine.ENGINES`.
VALIDATION_ENGINES: tuple[str, ...] = ("auto", "pyshacl", "fast")
