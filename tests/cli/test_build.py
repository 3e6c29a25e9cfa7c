"""``build --check`` and ``canonicalize --check`` guard the checkout's files, not an installed copy.

Here the imported kgtool (this repository, on PYTHONPATH) plays the installed copy, and a copy
of the sources in a temporary folder plays the checkout being edited.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("checkout")
    for name in ("kgtool", "ontology", "graph", "queries"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def _kgtool(args: list[str], cwd: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KGTOOL_CACHE_DIR": str(cache)}
    env.pop("KGTOOL_RUNNING_IN_CHECKOUT", None)
    return subprocess.run(
        [sys.executable, "-m", "kgtool", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_canonicalize_check_reads_the_checkout_it_runs_in(checkout: Path, tmp_path: Path) -> None:
    edited = sorted((checkout / "graph").glob("*.trig"))[0]
    original = edited.read_text("utf-8")
    edited.write_text(original + "\n\n# an edit that is not canonical\n", "utf-8")
    try:
        done = _kgtool(["canonicalize", "--check"], checkout / "graph", tmp_path)
    finally:
        edited.write_text(original, "utf-8")
    assert done.returncode == 1, done.stderr
    assert f"checkout at {checkout.resolve()}" in done.stderr
    assert f"would rewrite {edited.resolve()}" in done.stderr


def test_build_check_reads_the_checkout_it_runs_in(checkout: Path, tmp_path: Path) -> None:
    readme = checkout / "queries" / "README.md"
    original = readme.read_text("utf-8")
    readme.write_text(original + "\nA hand edit of a generated file.\n", "utf-8")
    try:
        done = _kgtool(["build", "--check"], checkout, tmp_path)
    finally:
        readme.write_text(original, "utf-8")
    assert done.returncode == 1, done.stderr
    assert f"checkout at {checkout.resolve()}" in done.stderr
    assert f"stale: {readme.resolve()}" in done.stderr


def test_outside_a_checkout_it_says_which_files_it_checked(tmp_path: Path) -> None:
    done = _kgtool(["canonicalize", "--check"], tmp_path, tmp_path)
    assert "not in an eleutherai-kg checkout; using " in done.stderr
