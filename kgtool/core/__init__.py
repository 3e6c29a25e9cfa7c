"""The bottom layer: namespaces, errors, terms, bundled file paths and the generated vocabulary.
Imports nothing else of kgtool."""
