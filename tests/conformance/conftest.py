"""Keep rdflib's complaints about ill-typed test literals (which the suites contain on purpose)
out of the output, for these tests only: other tests watch rdflib's warnings."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _quiet_rdflib_terms() -> Iterator[None]:
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)
