"""Find the input files a command reads, without importing rdflib (cold start).

:mod:`kgtool.graph` parses these files; the answer cache (:mod:`kgtool.query.answers`) hashes them
before anything heavy is imported, so both must agree on which files a command reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from kgtool.core import paths
from kgtool.core.errors import InputError
from kgtool.io.formats import RDF_EXTENSIONS


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into the sorted list of RDF files to load.

    Folders are walked recursively; files in them whose extension is not an RDF one (``.txt``,
    ``.md``...) are skipped. A file named explicitly must exist.

    Args:
        inputs: Files, folders, or ``-`` for stdin.

    Returns:
        The files, folders expanded in sorted order.

    Raises:
        InputError: If a named path does not exist, or a folder holds no RDF file.

    >>> expand_inputs(["-"])
    [PosixPath('-')]
    """
    files: list[Path] = []
    for item in inputs:
        p = Path(item)
        if str(item) == "-":
            files.append(p)
        elif p.is_dir():
            found = [
                f
                for f in sorted(p.rglob("*"))
                if f.is_file() and f.suffix.lower() in RDF_EXTENSIONS
            ]
            if not found:
                # Reading nothing would quietly stand for an empty graph (an empty ontology).
                known = " ".join(sorted(RDF_EXTENSIONS))
                raise InputError(f"{item}: no RDF file in this folder (looked for {known})")
            files.extend(found)
        elif p.exists():
            files.append(p)
        else:
            raise InputError(f"{item}: no such file or directory")
    return files


def existing(files: list[Path]) -> list[Path]:
    """Return the files that exist (the bundled ones may be missing in a fresh checkout)."""
    return [f for f in files if f.exists()]


def ontology_files(ontology: Sequence[str | Path] | None) -> list[Path]:
    """Return the ontology files to read (None: the bundled ontology)."""
    return existing([paths.ontology_file()]) if ontology is None else expand_inputs(ontology)


def data_files(data: Sequence[str | Path] | None) -> list[Path]:
    """Return the fact files to read (None: every RDF file below the bundled ``graph/``)."""
    if data is None:
        return expand_inputs([paths.graph_dir()] if paths.graph_dir().is_dir() else [])
    return expand_inputs(data)


def shapes_files(shapes: Sequence[str | Path] | None) -> list[Path]:
    """Return the SHACL files to read (None: the bundled shapes)."""
    return existing([paths.shapes_file()]) if shapes is None else expand_inputs(shapes)
