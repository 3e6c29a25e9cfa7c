"""Quad stores behind one interface with declared capabilities: rdflib's memory store and
Oxigraph."""

from __future__ import annotations

from kgtool.core.lazy import lazy_exports

#: Public names of this package and the modules that define them (imported on first use).
_API: dict[str, str] = {
    "Store": "kgtool.store.base",
    "Capabilities": "kgtool.store.base",
    "STORES": "kgtool.store.base",
    "open_store": "kgtool.store.base",
    "MemoryStore": "kgtool.store.memory",
}

__getattr__ = lazy_exports(__name__, _API)
