"""The same query run gives the same bytes in every process, whatever its hash seed.

Python seeds string hashing per process, so anything that takes an order from a set or a hash
(rdflib's ``SELECT *`` columns, its memory store's triples) shows up only across processes:
these tests start real ones, each with another ``PYTHONHASHSEED``, which ``CliRunner`` cannot.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ("1", "2", "3")


def _outputs(tmp_path: Path, *args: str) -> list[bytes]:
    outputs = []
    for seed in SEEDS:
        env = {
            **os.environ,
            "PYTHONHASHSEED": seed,
            "PYTHONPATH": str(ROOT),
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
        }
        done = subprocess.run(
            [sys.executable, "-m", "kgtool", "query", "--all", "--no-cache", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        outputs.append(done.stdout)
    return outputs


@pytest.mark.slow
def test_query_all_prints_the_same_bytes_in_every_process(tmp_path: Path) -> None:
    first, *others = _outputs(tmp_path)
    assert all(other == first for other in others)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "tsv"])
def test_query_all_on_oxigraph_prints_the_same_bytes_in_every_process(
    tmp_path: Path, fmt: str
) -> None:
    # Oxigraph's solution order does not depend on the process, so any difference here comes
    # from the runner or the writers (SELECT * columns, blank node labels, key order).
    pytest.importorskip("pyoxigraph")
    first, *others = _outputs(tmp_path, "--store", "oxigraph", "--format", fmt)
    assert first and all(other == first for other in others)
