"""OWL 2 RL and RDFS reasoning: owlrl, the fast rule engine, and the closure cache."""

from __future__ import annotations

from kgtool.core.lazy import lazy_exports

#: Public names of this package and the modules that define them (imported on first use).
_API: dict[str, str] = {
    "reason": "kgtool.reason.engine",
    "ReasoningResult": "kgtool.reason.engine",
    "PROFILES": "kgtool.reason.engine",
    "ENGINES": "kgtool.reason.engine",
}

__getattr__ = lazy_exports(__name__, _API)
