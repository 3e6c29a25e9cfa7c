"""Reports that look into the knowledge graph: what it holds, and where it came from."""
