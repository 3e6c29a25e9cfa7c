"""The package's own surface: the library API from ``kgtool``, and the flat layout's old names."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import kgtool
from kgtool import MOVED_MODULES


@pytest.mark.parametrize("old", sorted(MOVED_MODULES))
def test_old_module_names_still_import_with_a_warning(old: str) -> None:
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match="moved to"):
        module = importlib.import_module(old)
    assert module is importlib.import_module(MOVED_MODULES[old])


def test_the_api_is_importable_from_the_packages() -> None:
    from kgtool import KnowledgeGraph, run_query
    from kgtool.query import run_query as run_query_too
    from kgtool.reason import reason
    from kgtool.store import MemoryStore
    from kgtool.validate import validate

    assert KnowledgeGraph.__module__ == "kgtool.graph"
    assert run_query is run_query_too
    assert callable(reason) and callable(validate) and MemoryStore().capabilities is not None
    with pytest.raises(AttributeError):
        kgtool.no_such_thing  # noqa: B018


def test_importing_kgtool_loads_no_rdflib() -> None:
    code = "import sys, kgtool; print('rdflib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
