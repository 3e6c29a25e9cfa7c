"""The layer contracts hold, and docs/architecture.md describes the ones enforced."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "architecture.md").read_text("utf-8")
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
LINT = shutil.which("lint-imports")

needs_linter = pytest.mark.skipif(LINT is None, reason="import-linter is not installed")


def _lint(package_parent: Path) -> subprocess.CompletedProcess[str]:
    assert LINT is not None
    return subprocess.run(
        [LINT, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=package_parent,
        env={"PYTHONPATH": str(package_parent), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


@needs_linter
def test_the_import_contracts_are_kept() -> None:
    run = _lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


@needs_linter
def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "kgtool", tmp_path / "kgtool", ignore=shutil.ignore_patterns("_data"))
    terms = tmp_path / "kgtool" / "core" / "terms.py"
    terms.write_text(terms.read_text("utf-8") + "\nfrom kgtool.query import run  # upward\n")
    run = _lint(tmp_path)
    assert run.returncode == 1
    assert "kgtool.core.terms -> kgtool.query.run" in run.stdout


def _documented_layers() -> list[str]:
    block = DOC.split("<!-- layers: begin -->")[1].split("<!-- layers: end -->")[0]
    return re.findall(r"^- `([^`]+)`$", block, flags=re.M)


def test_the_documented_layers_are_the_enforced_ones() -> None:
    (layers,) = [c for c in CONFIG["contracts"] if c["type"] == "layers"]
    assert _documented_layers() == layers["layers"]


def test_every_package_the_architecture_names_exists() -> None:
    named = set(re.findall(r"`(kgtool(?:\.[a-z_]+)+)`", DOC))
    for layer in _documented_layers():
        named.update(part.strip() for part in layer.split("|"))
    assert named
    missing = sorted(n for n in named if importlib.util.find_spec(n) is None)
    assert not missing


def test_every_package_is_in_a_layer() -> None:
    layered = {p.strip() for layer in _documented_layers() for p in layer.split("|")}
    packages = {
        f"kgtool.{p.name}" if p.is_dir() else f"kgtool.{p.stem}"
        for p in (ROOT / "kgtool").iterdir()
        if (p.is_dir() and (p / "__init__.py").exists())
        or (p.suffix == ".py" and p.stem not in ("__init__", "__main__"))
    }
    assert packages == layered


def test_no_module_outside_the_stores_probes_a_store() -> None:
    probe = re.compile(r"(getattr|hasattr)\([^)]*store|isinstance\([^)]*Store\b|import pyoxigraph")
    offenders = []
    for path in (ROOT / "kgtool").rglob("*.py"):
        if path.parent.name == "store":
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if probe.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders
