"""Linking to Wikidata, one module per workflow: check, suggest, enrich, quickstatements."""
