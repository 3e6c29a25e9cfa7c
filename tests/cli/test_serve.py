"""``kgtool serve`` without its extra: a usage error (exit 2) that says what to install."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import Invoke


def test_serve_without_the_extra_exits_2(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # `import uvicorn` now raises ImportError
    result = invoke(["serve"], fixture=False)
    assert result.exit_code == 2
    assert "pip install 'eleutherai-kg[serve]'" in result.stderr
