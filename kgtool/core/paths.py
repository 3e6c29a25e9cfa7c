"""Find the bundled ontology, shapes, facts and queries, installed or in a checkout.

A wheel carries them as ``kgtool/_data/{ontology,graph,queries}`` (see ``pyproject.toml``); an
editable install or a plain checkout reads them from the repository root.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def data_root() -> Path:
    """Return the directory that holds ``ontology/``, ``graph/`` and ``queries/``.

    Returns:
        ``kgtool/_data`` when it exists (an installed wheel), else the repository root.

    >>> (data_root() / "graph").name
    'graph'
    """
    bundled = _PACKAGE_DIR / "_data"
    if bundled.is_dir():
        return bundled
    return _PACKAGE_DIR.parent


def ontology_file() -> Path:
    """Return the path of the bundled OWL ontology (it may not exist yet in a fresh checkout)."""
    return data_root() / "ontology" / "eleutherai.ttl"


def shapes_file() -> Path:
    """Return the path of the bundled SHACL shapes."""
    return data_root() / "ontology" / "shapes.ttl"


def graph_dir() -> Path:
    """Return the folder of the bundled facts (every RDF file below it is loaded)."""
    return data_root() / "graph"


def queries_dir() -> Path:
    """Return the folder of the bundled SPARQL queries (``*.rq``)."""
    return data_root() / "queries"


def checks_dir() -> Path:
    """Return the folder of the bundled quality checks (``*-violation.rq``)."""
    return queries_dir() / "checks"


def context_file() -> Path:
    """Return the path of the JSON-LD context built from the ontology."""
    return data_root() / "ontology" / "context.jsonld"
