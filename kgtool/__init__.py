"""kgtool: reason over, validate, query and export the EleutherAI knowledge graph."""

__version__ = "0.1.0"
