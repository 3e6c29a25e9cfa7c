"""Public names of a package, imported from their modules on first use (PEP 562).

A package re-exports its API without importing it: ``import kgtool.reason`` stays cheap, and
``from kgtool.reason import reason`` imports the engine only then.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, api: Mapping[str, str]) -> Callable[[str], Any]:
    """Return a module ``__getattr__`` that finds ``name`` in module ``api[name]``.

    Args:
        package: The package's name, for the error message.
        api: Public name → the module that defines it.

    >>> getattr_ = lazy_exports("kgtool.core", {"PREFIXES": "kgtool.core.namespaces"})
    >>> "kg" in getattr_("PREFIXES")
    True
    """

    def __getattr__(name: str) -> Any:
        if name in api:
            return getattr(importlib.import_module(api[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
