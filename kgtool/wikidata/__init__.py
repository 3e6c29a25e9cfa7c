"""Linking to Wikidata: check, suggest, enrich, QuickStatements."""
