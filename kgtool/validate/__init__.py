"""SHACL validation: pySHACL, and the fast path that gives the same report."""
