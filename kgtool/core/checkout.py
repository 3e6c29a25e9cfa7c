"""Find the eleutherai-kg checkout a command runs in, from the current directory.

``kgtool build --check`` and ``kgtool canonicalize --check`` guard the files a contributor
edits. After a plain ``pip install .`` the imported kgtool carries its own copy of the sources
(:func:`kgtool.core.paths.data_root`), so those commands must look for the checkout first: the
nearest folder, from the current one upwards, whose ``pyproject.toml`` names the project and
that holds ``ontology/`` and ``graph/``. Standard library only.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

PROJECT_NAME = "eleutherai-kg"


def is_checkout(folder: Path) -> bool:
    """Whether ``folder`` is the root of an eleutherai-kg checkout.

    >>> is_checkout(Path("/"))
    False
    """
    pyproject = folder / "pyproject.toml"
    if not pyproject.is_file():
        return False
    if not (folder / "ontology").is_dir() or not (folder / "graph").is_dir():
        return False
    try:
        project = tomllib.loads(pyproject.read_text("utf-8")).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(project, dict) and project.get("name") == PROJECT_NAME


def find_checkout(start: Path | None = None) -> Path | None:
    """Return the root of the checkout that holds ``start`` (default: the current folder).

    Returns:
        The resolved root, or None outside any checkout.

    >>> find_checkout(Path("/")) is None
    True
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_checkout(folder):
            return folder
    return None
