"""The values the command line offers in ``--format``, ``--store``, ``--profile``... (issue 5).

Click needs them when ``kgtool.cli`` is imported, before any command runs; the modules that
define them import rdflib, owlrl or pyshacl, which costs a quarter of a second. So the CLI reads
these copies, and ``tests/test_coldstart.py`` checks that each equals the library's own.
"""

from __future__ import annotations

#: :data:`kgtool.load.FORMAT_ALIASES` keys: the ``--input-format`` spellings.
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
#: :data:`kgtool.load.STORE_CHOICES`.
STORE_CHOICES: tuple[str, ...] = ("auto", "memory", "oxigraph")
#: :data:`kgtool.query.TABLE_FORMATS`.
TABLE_FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "xml")
#: :data:`kgtool.query.GRAPH_FORMATS`.
GRAPH_FORMATS: tuple[str, ...] = ("turtle", "nt", "nquads", "trig", "jsonld", "xml")
#: :data:`kgtool.export.EXPORT_FORMATS`.
EXPORT_FORMATS: tuple[str, ...] = ("turtle", "jsonld", "nt", "nquads", "trig", "xml")
#: :data:`kgtool.reason.PROFILES`.
PROFILES: tuple[str, ...] = ("owlrl", "rdfs")
#: :data:`kgtool.validate.INFERENCE_CHOICES`.
INFERENCE_CHOICES: tuple[str, ...] = ("none", "rdfs", "owlrl")
#: :data:`kgtool.reason.ENGINES`.
ENGINES: tuple[str, ...] = ("auto", "owlrl", "fast")
#: :data:`kgtool.validate.ENGINES`.
VALIDATION_ENGINES: tuple[str, ...] = ("auto", "pyshacl", "fast")
