"""SPARQL queries: the bundled catalog, the one runner, result rendering, quality checks."""
