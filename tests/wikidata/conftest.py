"""Fixtures and helpers of the ``kgtool link`` tests: the local servers, and a CLI shortcut."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

import kgtool
from kgtool.core import paths
from kgtool.core.namespaces import KG
from kgtool.wikidata.values import OurValue, Statement
from tests.conftest import Invoke
from tests.remote.servers import FACTS, flaky, wikidata

__all__ = [
    "LINK_ARGS",
    "NEEDS_ONTOLOGY",
    "date",
    "flaky",
    "link",
    "package_files",
    "stated",
    "statuses",
    "wikidata",
]

#: The fixture facts with the bundled ontology (its classes map to Wikidata classes).
LINK_ARGS = ["--data", str(FACTS), "--ontology", str(paths.ontology_file())]
NEEDS_ONTOLOGY = pytest.mark.skipif(
    not paths.ontology_file().exists(), reason="the bundled ontology is needed for class mappings"
)


def link(invoke: Invoke, args: list[str], endpoint: str, cache: Path) -> Any:
    """Run ``kgtool link ARGS`` on the fixture facts against ``endpoint``, caching in ``cache``."""
    argv = ["link", *args, *LINK_ARGS, "--endpoint", endpoint, "--cache-dir", str(cache)]
    return invoke(argv, fixture=False)


def statuses(stdout: str) -> dict[str, str]:
    """Read ``link check --format json``: entity local name → status."""
    report = json.loads(stdout)
    return {entry["entity"].rsplit("/", 1)[1]: entry["status"] for entry in report["links"]}


def package_files() -> dict[Path, tuple[int, int]]:
    """Return every file of the installed package and its bundled data, with mtime and size.

    Compiled bytecode is left out: importing a module may write it, and it is not user data.
    """
    roots = {Path(kgtool.__file__).parent, paths.graph_dir()}
    found: dict[Path, tuple[int, int]] = {}
    for root in roots:
        for path in root.rglob("*"):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            stat = path.stat()
            found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


def date(text: str, datatype: URIRef = XSD.date) -> OurValue:
    """One of our release dates (``xsd:date`` unless told)."""
    return OurValue(KG.releaseDate, Literal(text, datatype=datatype))


def stated(
    value: object, rank: str = "normal", precision: int | None = None, n: int = 1
) -> Statement:
    """A Wikidata statement of ``value`` (a string with a ``T`` is an ``xsd:dateTime``)."""
    node = URIRef(f"urn:statement-{n}")
    if isinstance(value, str) and "T" in value:
        return Statement(node, Literal(value, datatype=XSD.dateTime), rank, precision)
    term = value if isinstance(value, (URIRef, Literal)) else Literal(value)
    return Statement(node, term, rank, precision)
