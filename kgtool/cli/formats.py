"""How a command picks its output format: ``--format`` when given, else the ``-o`` extension.

The names, aliases, media types and extensions all come from :mod:`kgtool.io.formats`, the
one table; this module only turns a user's spelling into kgtool's name, as Oxigraph and
Jena's riot do (``--format ttl``, ``--format application/n-triples``, ``-o out.jsonld``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kgtool.cli.flags import query_format_name
from kgtool.io.formats import (
    RDF_FORMAT_NAMES,
    find_rdf_format,
    rdf_format_of_path,
    result_format_of_path,
)


class RdfFormatType(click.ParamType):
    """An RDF syntax by any name, alias or media type; the value is kgtool's name."""

    name = "format"

    def get_metavar(self, param: click.Parameter, *args: Any, **kwargs: Any) -> str:
        """Show the canonical names in ``--help``."""
        return "[" + "|".join(RDF_FORMAT_NAMES) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """Return kgtool's name of the format ``value`` names, or fail with the choices."""
        found = find_rdf_format(str(value))
        if found is None:
            self.fail(
                f"{value!r} is not an RDF format (choose from {', '.join(RDF_FORMAT_NAMES)}, "
                "an alias such as ttl, nq or rdfxml, or a media type)",
                param,
                ctx,
            )
        return found.name


RDF_FORMAT = RdfFormatType()


def rdf_output_format(fmt: str | None, output: str | None, default: str = "turtle") -> str:
    """Return the RDF format to write: ``fmt``, else the one ``output``'s extension names.

    Args:
        fmt: The ``--format`` value (kgtool's name), or None when not given.
        output: The ``-o`` path, or None / ``-`` for stdout.
        default: The format for stdout without ``--format``.

    Raises:
        click.UsageError: If the extension names no RDF format.

    >>> rdf_output_format(None, "out.jsonld"), rdf_output_format("nt", "out.jsonld")
    ('jsonld', 'nt')
    >>> rdf_output_format(None, None)
    'turtle'
    """
    if fmt is not None:
        return fmt
    if output is None or output == "-" or Path(output).is_dir():
        return default  # a folder: the writer says it cannot write there
    found = rdf_format_of_path(output)
    if found is None:
        raise click.UsageError(
            f"cannot tell the RDF format of {output!r} from its extension; give --format"
        )
    return found.name


def query_output_format(fmt: str, given: bool, output: str | None) -> str:
    """Return the format ``kgtool query`` renders in, in kgtool's name.

    Args:
        fmt: The ``--format`` value as typed (a result or RDF format spelling).
        given: Whether the user gave ``--format`` (else ``fmt`` is the default).
        output: The ``-o`` path, whose extension decides when ``--format`` is not given.

    >>> query_output_format("table", False, "founders.srj")
    'json'
    >>> query_output_format("rdfxml", True, None), query_output_format("srx", True, None)
    ('xml', 'xml')
    """
    if not given and output is not None and output != "-":
        by_path = result_format_of_path(output) or rdf_format_of_path(output)
        if by_path is None:
            raise click.UsageError(
                f"cannot tell the format of {output!r} from its extension; give --format"
            )
        return by_path.name
    name = query_format_name(fmt)
    if name is None:
        raise click.UsageError(f"unknown format {fmt!r}")
    return name
