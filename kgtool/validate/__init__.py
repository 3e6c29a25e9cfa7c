"""SHACL validation: pySHACL, and the fast path that gives the same report."""

from __future__ import annotations

from kgtool.core.lazy import lazy_exports

#: Public names of this package and the modules that define them (imported on first use).
_API: dict[str, str] = {
    "validate": "kgtool.validate.engine",
    "ValidationReport": "kgtool.validate.engine",
    "ValidationResult": "kgtool.validate.engine",
    "INFERENCE_CHOICES": "kgtool.validate.engine",
    "ENGINES": "kgtool.validate.engine",
}

__getattr__ = lazy_exports(__name__, _API)
