"""kgtool: reason over, validate, query and export the EleutherAI knowledge graph.

The library's entry points are importable from here (``from kgtool import KnowledgeGraph``) and
from their packages (``from kgtool.reason import reason``), loaded on first use so that
``import kgtool`` stays cheap. Modules of the first edition's flat
layout (``kgtool.load``, ``kgtool.oxstore``, ...) still import, as aliases of their new homes,
with a :class:`DeprecationWarning`; they go in the next release.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings
from types import ModuleType
from typing import Any

from kgtool.core.lazy import lazy_exports
from kgtool.core.version import __version__

#: Public names and the modules that define them.
_API: dict[str, str] = {
    "KnowledgeGraph": "kgtool.graph",
    "run_query": "kgtool.query.run",
    "query_rows": "kgtool.query.rows",
    "Rows": "kgtool.query.rows",
    "describe": "kgtool.inspect.describe",
    "why": "kgtool.inspect.explain",
    "coverage": "kgtool.inspect.coverage",
    "KgtoolError": "kgtool.core.errors",
}

#: Modules of the flat layout and where they live now.
MOVED_MODULES: dict[str, str] = {
    "kgtool.load": "kgtool.graph",
    "kgtool.inputs": "kgtool.io.inputs",
    "kgtool.canonical": "kgtool.io.canonical",
    "kgtool.errors": "kgtool.core.errors",
    "kgtool.namespaces": "kgtool.core.namespaces",
    "kgtool.paths": "kgtool.core.paths",
    "kgtool.terms": "kgtool.core.terms",
    "kgtool.vocab": "kgtool.core.vocab",
    "kgtool.oxstore": "kgtool.store.oxigraph",
    "kgtool.fastreason": "kgtool.reason.fast",
    "kgtool.cache": "kgtool.reason.closure_cache",
    "kgtool.fastvalidate": "kgtool.validate.fast",
    "kgtool.answers": "kgtool.query.answers",
    "kgtool.check": "kgtool.query.check",
    "kgtool.describe": "kgtool.inspect.describe",
    "kgtool.explain": "kgtool.inspect.explain",
    "kgtool.diagram": "kgtool.inspect.diagram",
    "kgtool.querypool": "kgtool.serve.pool",
    "kgtool.conneg": "kgtool.serve.conneg",
    "kgtool.entry": "kgtool.cli.entry",
    "kgtool.choices": "kgtool.core.choices",
}


class _MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports a module of the flat layout as its new module, with a deprecation warning."""

    def __init__(self) -> None:
        self._specs: dict[str, Any] = {}

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname not in MOVED_MODULES:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: Any) -> ModuleType:
        new = MOVED_MODULES[spec.name]
        warnings.warn(
            f"{spec.name} moved to {new}; the old name goes in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        module = importlib.import_module(new)
        self._specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Give the module back its own spec, which the import system replaced by the alias's."""
        for old, real in self._specs.items():
            if (
                real is not None
                and real.name == MOVED_MODULES[old]
                and module.__name__ == real.name
            ):
                module.__spec__ = real


sys.meta_path.append(_MovedModuleFinder())

__getattr__ = lazy_exports(__name__, _API)

__all__ = ["__version__", *_API]
