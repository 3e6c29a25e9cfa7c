"""The one table of formats kgtool reads and writes: RDF syntaxes and SPARQL result formats.

Every other module asks this table (by name, alias, media type or file extension) instead of
keeping its own list, as Oxigraph's ``RdfFormat`` does for its crates. It imports only the
standard library, so the command line can build its options before rdflib is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class RdfFormat:
    """One RDF syntax and every name it goes by.

    Attributes:
        name: kgtool's name, used in ``--format`` and in messages.
        label: The syntax's own name.
        aliases: Other accepted short names (lower case).
        extensions: File extensions, with the dot, the first being the one kgtool writes.
        media_types: Media types, the registered one first.
        rdflib: rdflib's parser and serializer name.
        oxigraph: The ``pyoxigraph.RdfFormat`` member, where Oxigraph parses and writes it
            exactly as rdflib reads it (JSON-LD and RDF/XML stay on rdflib, which refuses
            remote contexts and external entities the way kgtool needs).
        quads: Whether the syntax carries named graphs.
    """

    name: str
    label: str
    aliases: tuple[str, ...]
    extensions: tuple[str, ...]
    media_types: tuple[str, ...]
    rdflib: str
    oxigraph: str | None
    quads: bool

    @property
    def names(self) -> tuple[str, ...]:
        """kgtool's name and the short aliases."""
        return (self.name, *self.aliases)

    @property
    def media_type(self) -> str:
        """The registered media type."""
        return self.media_types[0]


RDF_FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat(
        "turtle",
        "Turtle",
        ("ttl",),
        (".ttl", ".turtle"),
        ("text/turtle", "application/x-turtle"),
        "turtle",
        "TURTLE",
        False,
    ),
    RdfFormat(
        "jsonld",
        "JSON-LD",
        ("json-ld",),
        (".jsonld", ".json"),
        ("application/ld+json",),
        "json-ld",
        None,
        True,
    ),
    RdfFormat(
        "nt",
        "N-Triples",
        ("ntriples", "n-triples"),
        (".nt",),
        ("application/n-triples",),
        "nt",
        "N_TRIPLES",
        False,
    ),
    RdfFormat(
        "nquads",
        "N-Quads",
        ("nq", "n-quads"),
        (".nq",),
        ("application/n-quads",),
        "nquads",
        "N_QUADS",
        True,
    ),
    RdfFormat(
        "trig",
        "TriG",
        (),
        (".trig",),
        ("application/trig", "application/x-trig"),
        "trig",
        "TRIG",
        True,
    ),
    RdfFormat(
        "xml",
        "RDF/XML",
        # ``xml`` stays kgtool's name for RDF/XML, as before; ``rdfxml`` is the unambiguous one
        # (where results are meant, ``xml`` is SPARQL XML, whose own name is ``srx``).
        ("rdfxml", "rdf/xml", "rdf", "owl"),
        (".rdf", ".owl", ".xml"),
        ("application/rdf+xml",),
        "xml",
        None,
        False,
    ),
)

_BY_NAME: dict[str, RdfFormat] = {n: f for f in RDF_FORMATS for n in (*f.names, *f.media_types)}
_BY_RDFLIB: dict[str, RdfFormat] = {f.rdflib: f for f in RDF_FORMATS}
_BY_EXTENSION: dict[str, RdfFormat] = {e: f for f in RDF_FORMATS for e in f.extensions}

#: kgtool's names of the RDF formats, in the table's order.
RDF_FORMAT_NAMES: tuple[str, ...] = tuple(f.name for f in RDF_FORMATS)
#: The names and short aliases ``--input-format`` and ``--format`` offer for an RDF syntax
#: (:func:`find_rdf_format` also takes media types).
RDF_FORMAT_SPELLINGS: tuple[str, ...] = tuple(n for f in RDF_FORMATS for n in f.names)
#: The file extensions kgtool reads as RDF.
RDF_EXTENSIONS: tuple[str, ...] = tuple(_BY_EXTENSION)


def find_rdf_format(name: str) -> RdfFormat | None:
    """Return the format a name, alias, media type or rdflib name selects, or None.

    >>> find_rdf_format("TTL").label
    'Turtle'
    >>> find_rdf_format("application/ld+json").name
    'jsonld'
    >>> find_rdf_format("csv") is None
    True
    """
    key = name.strip().lower()
    return _BY_NAME.get(key) or _BY_RDFLIB.get(key)


def rdf_format_of_path(path: str | PurePath) -> RdfFormat | None:
    """Return the format a file's extension names, or None.

    >>> rdf_format_of_path("graph/article.trig").name
    'trig'
    >>> rdf_format_of_path("notes.txt") is None
    True
    """
    return _BY_EXTENSION.get(PurePath(str(path)).suffix.lower())


@dataclass(frozen=True)
class ResultFormat:
    """One way to write the answer of a SELECT or ASK query.

    Attributes:
        name: kgtool's name.
        aliases: Other accepted spellings, media types included.
        media_type: The registered media type (``text/plain`` for the aligned table).
        extension: The file extension kgtool writes.
        read_extensions: Other extensions that select it in ``-o FILE`` (``.json``, ``.xml``).
    """

    name: str
    aliases: tuple[str, ...]
    media_type: str
    extension: str
    read_extensions: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """kgtool's name and the short aliases (media types left out)."""
        return (self.name, *(a for a in self.aliases if "/" not in a))


RESULT_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("table", ("text", "text/plain"), "text/plain", ".txt"),
    ResultFormat("csv", ("text/csv",), "text/csv", ".csv"),
    ResultFormat("tsv", ("text/tab-separated-values",), "text/tab-separated-values", ".tsv"),
    ResultFormat(
        "json",
        ("srj", "application/sparql-results+json"),
        "application/sparql-results+json",
        ".srj",
        (".json",),
    ),
    ResultFormat(
        "xml",
        ("srx", "application/sparql-results+xml"),
        "application/sparql-results+xml",
        ".srx",
        (".xml",),
    ),
)
#: kgtool's names of the result formats, in the table's order.
RESULT_FORMAT_NAMES: tuple[str, ...] = tuple(f.name for f in RESULT_FORMATS)
#: The names and short aliases of the result formats (media types are accepted too).
RESULT_FORMAT_SPELLINGS: tuple[str, ...] = tuple(n for f in RESULT_FORMATS for n in f.names)
_RESULTS_BY_NAME: dict[str, ResultFormat] = {
    n: f for f in RESULT_FORMATS for n in (f.name, *f.aliases)
}
_RESULTS_BY_EXTENSION: dict[str, ResultFormat] = {
    e: f for f in RESULT_FORMATS for e in (f.extension, *f.read_extensions)
}


def find_result_format(name: str) -> ResultFormat | None:
    """Return the result format a name, alias or media type selects, or None.

    >>> find_result_format("srj").name
    'json'
    """
    return _RESULTS_BY_NAME.get(name.strip().lower())


def result_format_of_path(path: str | PurePath) -> ResultFormat | None:
    """Return the result format a file's extension names, or None.

    >>> result_format_of_path("founders.srj").name, result_format_of_path("f.csv").name
    ('json', 'csv')
    >>> result_format_of_path("founders.ttl") is None
    True
    """
    return _RESULTS_BY_EXTENSION.get(PurePath(str(path)).suffix.lower())
