"""Quad stores behind one interface with declared capabilities: rdflib's memory store and Oxigraph."""
