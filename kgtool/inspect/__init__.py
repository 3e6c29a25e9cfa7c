"""Looking at the graph: describe, why (explanations), diagrams."""
