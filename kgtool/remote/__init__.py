"""The network: SPARQL endpoints (push, query --endpoint) and SERVICE federation."""
