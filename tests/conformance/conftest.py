"""Keep rdflib's complaints about ill-typed test literals (which the suites contain on purpose)
out of the output."""

import logging

logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
