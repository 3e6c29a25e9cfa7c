"""SPARQL queries: the bundled catalog, the one runner, result rendering, quality checks."""

from __future__ import annotations

from kgtool.core.lazy import lazy_exports

#: Public names of this package and the modules that define them (imported on first use).
_API: dict[str, str] = {
    "run_query": "kgtool.query.run",
    "QueryOutcome": "kgtool.query.run",
    "query_rows": "kgtool.query.rows",
    "Rows": "kgtool.query.rows",
    "bind_parameters": "kgtool.query.run",
    "prepare": "kgtool.query.prepare",
    "find_query": "kgtool.query.catalog",
    "list_queries": "kgtool.query.catalog",
    "list_checks": "kgtool.query.catalog",
    "NamedQuery": "kgtool.query.catalog",
    "parse_header": "kgtool.query.catalog",
    "TABLE_FORMATS": "kgtool.query.render",
    "GRAPH_FORMATS": "kgtool.query.render",
}

__getattr__ = lazy_exports(__name__, _API)
