"""Linking to Wikidata, one module per workflow: check, suggest, enrich, compare, QuickStatements.

What they share is in :mod:`kgtool.wikidata.items` and :mod:`kgtool.wikidata.output`.
"""
