"""The server's defaults."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("starlette")

from kgtool.serve.app import ServeSettings


def test_two_query_workers_per_core_by_default() -> None:
    assert ServeSettings().workers == 2 * (os.cpu_count() or 1)
