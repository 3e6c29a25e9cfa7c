"""The network: the one HTTP client, SPARQL endpoints (push, query --endpoint), SERVICE."""
