"""The options two parsers read: click's command line and the answer-cache fast path.

``kgtool query NAME`` is answered from the answer cache before click is imported
(:mod:`kgtool.cli.entry`), so that parser must accept exactly what click accepts, with the same
meaning. Both build their options from the definitions here, which import only the standard
library: click through :func:`kgtool.cli.options.click_option`, the fast path by reading
:data:`FAST_PATH` directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from kgtool.core.errors import ParameterError
from kgtool.io.formats import RDF_FORMAT_SPELLINGS as INPUT_FORMATS
from kgtool.io.formats import RDF_FORMATS, RESULT_FORMATS, find_rdf_format, find_result_format
from kgtool.store.base import STORE_CHOICES


@dataclass(frozen=True)
class Flag:
    """One command-line option, as both parsers need it.

    Attributes:
        decls: click's declarations: the option strings (``--reasoned/--asserted`` for an
            on/off pair) and, when it differs from the long option, the parameter's name.
        help: The ``--help`` text.
        kind: ``value`` takes a value; ``flag`` is on when given; ``switch`` is an on/off pair.
        choices: The values allowed (None: any).
        default: The value when the option is not given.
        multiple: Whether the option may be repeated (its value is then a tuple).
        metavar: How ``--help`` shows the value.
        directory: Whether the value is a folder path (a file there is refused).
        show_default: Whether ``--help`` shows the default.
        remembered: Kept for the whole command line (``ctx.obj``) instead of passed to the
            command: read by :func:`kgtool.cli.options.load_graph`.
    """

    decls: tuple[str, ...]
    help: str
    kind: Literal["value", "flag", "switch"] = "value"
    choices: tuple[str, ...] | None = None
    default: object = None
    multiple: bool = False
    metavar: str | None = None
    directory: bool = False
    show_default: bool = False
    remembered: bool = False

    @property
    def opts(self) -> tuple[str, ...]:
        """The option strings that turn it on (or give its value), e.g. ``("--reasoned",)``.

        >>> REASONED.opts, REASONED.off_opts
        (('--reasoned',), ('--asserted',))
        """
        return tuple(d.split("/")[0] for d in self.decls if d.startswith("-"))

    @property
    def off_opts(self) -> tuple[str, ...]:
        """The option strings that turn a switch off (empty for other kinds)."""
        return tuple(d.split("/")[1] for d in self.decls if d.startswith("-") and "/" in d)

    @property
    def name(self) -> str:
        """The parameter's name, as click derives it.

        >>> QUERY_FORMAT.name, CACHE_DIR.name
        ('fmt', 'cache_dir')
        """
        named = [d for d in self.decls if not d.startswith("-")]
        if named:
            return named[0]
        longest = max(self.opts, key=len)
        return longest.lstrip("-").replace("-", "_")


DATA = Flag(
    ("--data", "data"),
    "Facts file or folder (repeatable; replaces the bundled graph/; - is stdin).",
    multiple=True,
    metavar="PATH",
)
ONTOLOGY = Flag(
    ("--ontology", "ontology"),
    "Ontology file (repeatable; replaces the bundled ontology).",
    multiple=True,
    metavar="PATH",
)
SHAPES = Flag(
    ("--shapes", "shapes"),
    "SHACL shapes file (repeatable; replaces the bundled shapes).",
    multiple=True,
    metavar="PATH",
)
INPUT_FORMAT = Flag(
    ("--input-format",),
    "Format of the --data files (default: from the extension; needed for -).",
    choices=tuple(sorted(INPUT_FORMATS)),
)
STORE = Flag(
    ("--store",),
    "Triple store: Oxigraph, rdflib memory, or auto (Oxigraph, the engine of record).",
    choices=STORE_CHOICES,
    default="auto",
    show_default=True,
    remembered=True,
)
CACHE_DIR = Flag(
    ("--cache-dir",),
    "Where stored inputs, closures and answers are cached (default: $XDG_CACHE_HOME/kgtool).",
    directory=True,
    remembered=True,
)
NO_CACHE = Flag(
    ("--no-cache",),
    "Neither read nor write the on-disk caches (stored inputs, closures, query answers).",
    kind="flag",
    default=False,
    remembered=True,
)
#: The options of every command that reads the graph, the server included.
GRAPH_FLAGS: tuple[Flag, ...] = (DATA, ONTOLOGY, SHAPES, INPUT_FORMAT, STORE, CACHE_DIR, NO_CACHE)

PARAM = Flag(
    ("--param", "params"),
    "Repeatable.",
    multiple=True,
    metavar="NAME=VALUE",
)
REASONED = Flag(
    ("--reasoned/--asserted",),
    "Query the asserted triples plus the inferred ones, or the asserted ones only.",
    kind="switch",
    default=False,
    show_default=True,
)
#: Every spelling ``kgtool query --format`` takes: the result formats' names, aliases and media
#: types, then the RDF formats' (for CONSTRUCT and DESCRIBE). ``xml`` is in both tables and
#: keeps its meaning here, SPARQL XML results; ``srx`` and ``rdfxml`` say which is meant.
QUERY_FORMAT_SPELLINGS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [
            *(n for f in RESULT_FORMATS for n in (f.name, *f.aliases, f.media_type)),
            *(n for f in RDF_FORMATS for n in (*f.names, *f.media_types)),
        ]
    )
)
QUERY_FORMAT = Flag(
    ("--format", "fmt"),
    "table, csv, tsv, json (srj), xml (srx), or a media type; CONSTRUCT/DESCRIBE: an RDF "
    "format (ttl, nt, nq, trig, jsonld, rdfxml; table means Turtle). Default: from the -o "
    "extension, else table.",
    choices=QUERY_FORMAT_SPELLINGS,
    default="table",
    metavar="FORMAT",
)

#: The options of ``kgtool query`` the answer-cache fast path understands: together with a query
#: name they are the whole of its answer key (:func:`kgtool.query.answers.answer_key`). Any other
#: option, and anything in doubt, goes to click.
FAST_PATH: tuple[Flag, ...] = (PARAM, QUERY_FORMAT, REASONED, STORE, CACHE_DIR)


def query_format_name(fmt: str) -> str | None:
    """Return kgtool's name of a ``kgtool query --format`` spelling, or None if unknown.

    A name both tables know (``xml``) means SPARQL XML results here, as it always has for
    ``query``; the renderer writes RDF/XML for it when the query returns a graph.

    >>> query_format_name("srj"), query_format_name("ttl"), query_format_name("nope")
    ('json', 'turtle', None)
    """
    found = find_result_format(fmt) or find_rdf_format(fmt)
    return None if found is None else found.name


def parse_params(values: Sequence[str]) -> dict[str, str]:
    """Read ``--param NAME=VALUE`` values.

    >>> parse_params(["organization=Open AI"])
    {'organization': 'Open AI'}

    Raises:
        ParameterError: If a value has no ``=`` or no name.
    """
    params: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"--param takes name=value, not {item!r}")
        params[name.strip()] = value
    return params
