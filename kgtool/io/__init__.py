"""Reading and writing RDF and SPARQL text: formats, safe parsing, serialization, canonical files,
atomic writes, the cache."""
