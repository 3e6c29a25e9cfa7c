"""Eight real processes query and reason in one cache folder for twenty rounds.

Each process runs every command of :data:`COMMANDS` once a round (through the full command line,
in-process, so a round costs milliseconds rather than a process start) and, at random, deletes
an entry of the shared cache first, so entries are rebuilt while others read them. Every answer
of every round must be byte for byte the answer of a run without a cache, and afterwards every
entry in the folder must be whole: exactly what a lone process writes.
``KGTOOL_CONCURRENCY_ROUNDS`` sets the rounds (default 20).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from kgtool.io.cache import CacheSettings
from kgtool.store import snapshot

from ..conftest import FACTS, ONTOLOGY, QUERIES, SHAPES
from . import procs

PROCESSES = 8
ROUNDS = int(os.environ.get("KGTOOL_CONCURRENCY_ROUNDS", "20"))
LIB = ["--data", str(FACTS), "--ontology", str(ONTOLOGY), "--shapes", str(SHAPES)]
COMMANDS = [
    ["query", "founders", *LIB, "--queries", str(QUERIES), "--format", "csv"],
    ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", *LIB, "--format", "tsv"],
    ["reason", "--data", str(FACTS), "--ontology", str(ONTOLOGY), "--format", "nt"],
]

WORKER = """
import hashlib, json, os, random, sys
from pathlib import Path
from click.testing import CliRunner
from kgtool.cli.main import cli
from kgtool.reason import engine

commands, rounds, seed, cache = json.loads(sys.argv[1])
rng = random.Random(seed)
for r in range(rounds):
    if rng.random() < 0.4:
        # Others create and remove entries meanwhile: a folder may go while it is listed.
        entries = []
        for root, _dirs, files in os.walk(cache):
            entries += [Path(root) / f for f in files if f[0] != "."]
        if entries:
            rng.choice(sorted(entries)).unlink(missing_ok=True)
    for i, args in enumerate(commands):
        engine._CACHE.clear()  # the closure of this process's last round: read the disk again
        result = CliRunner().invoke(cli, [*args, "--cache-dir", cache], catch_exceptions=True)
        digest = hashlib.sha256(result.stdout_bytes).hexdigest()
        print(json.dumps([r, i, result.exit_code, digest, result.stderr[-300:]]), flush=True)
"""


def entries(cache: Path) -> dict[str, bytes]:
    """The cache's entries; a stored copy of the inputs is one, compared by being whole (its
    RocksDB files are not the same bytes from one build to the next)."""
    found: dict[str, bytes] = {}
    for p in sorted(cache.rglob("*")):
        parts = p.relative_to(cache).parts
        if any(part.startswith(".") for part in parts) or not p.is_file():
            continue
        if parts[0] == snapshot.KIND:
            whole = snapshot._record(cache / parts[0] / parts[1], parts[1]) is not None
            found["/".join(parts[:2])] = b"whole" if whole else b"damaged"
            continue
        found["/".join(parts)] = p.read_bytes()
    return found


def test_eight_processes_share_one_cache(tmp_path: Path) -> None:
    expected = []
    for args in COMMANDS:
        done = procs.run([*args, "--no-cache"], cwd=tmp_path)
        assert done.returncode == 0, done.stderr.decode()
        expected.append(hashlib.sha256(done.stdout).hexdigest())
    # What a lone process leaves in the cache.
    alone = tmp_path / "alone"
    for args in COMMANDS:
        assert procs.run([*args, "--cache-dir", str(alone)], cwd=tmp_path).returncode == 0
    reference = entries(alone)
    assert {name.split("/")[0] for name in reference} == {"answers", "closures", "stores"}

    shared = tmp_path / "shared"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, json.dumps([COMMANDS, ROUNDS, seed, str(shared)])],
            cwd=tmp_path,
            env=procs.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in range(PROCESSES)
    ]
    answers = 0
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        for line in out.splitlines():
            round_, i, code, digest, stderr = json.loads(line)
            assert code == 0, f"round {round_}, {COMMANDS[i][:2]}: {stderr}"
            assert "Traceback" not in stderr
            assert digest == expected[i], f"round {round_}, {COMMANDS[i][:2]}: another answer"
            answers += 1
    assert answers == PROCESSES * ROUNDS * len(COMMANDS)

    left = entries(shared)
    assert not [p for p in shared.rglob("*.tmp")]
    for name, data in left.items():
        assert data == reference.get(name), f"{name}: damaged, or an entry no lone run writes"
    # And the library reads each as a whole entry of its own key.
    for name in left:
        kind, file = name.split("/")
        if kind == snapshot.KIND:
            continue  # whole, as compared above
        suffix = ".answer" if kind == "answers" else ".nt"
        sealed = CacheSettings(shared).kind(kind, suffix, sealed=True)
        assert sealed.read(file.removesuffix(suffix)) is not None
