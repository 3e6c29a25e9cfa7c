"""Faults in real processes: ``kill -9`` at random points, and a disk that fills up.

Each killed command runs as a real ``kgtool`` process in a folder of its own, with an old output
file and a fresh cache folder, and gets ``SIGKILL`` after a seeded random delay spread over the
command's measured duration (so some kills land while it loads, some while it writes, some after
it is done). After every kill the target is the old file or the complete new one (byte for byte
what an undisturbed run writes), and every cache entry is absent or exactly the undisturbed run's
entry. Then a few of the killed folders are run again: the next run answers right and sweeps the
killed writer's temp file.

``KGTOOL_FAULT_KILLS`` sets the kills per command (default 32).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from kgtool.core import paths
from kgtool.io.cache import unseal
from kgtool.store import snapshot
from tests.remote.servers import FACTS as LINK_FACTS
from tests.remote.servers import wikidata  # noqa: F401  (the fixture endpoint)

from ..conftest import FACTS, ONTOLOGY, QUERIES, SHAPES
from . import procs

KILLS = int(os.environ.get("KGTOOL_FAULT_KILLS", "32"))
#: How many of the killed folders are run again to the end.
RERUNS = 4
OLD = b"<urn:old:s> <urn:old:p> <urn:old:o> .\n"
LIB = ["--data", str(FACTS), "--ontology", str(ONTOLOGY), "--shapes", str(SHAPES)]


def link_inputs(url: str) -> list[str]:
    """The link fixture's facts and the bundled ontology (its class mappings), against ``url``."""
    return ["--data", str(LINK_FACTS), "--ontology", str(paths.ontology_file()), "--endpoint", url]


@dataclass(frozen=True)
class Command:
    """A command that writes ``target`` (None: stdout only) and maybe cache entries."""

    id: str
    args: Callable[[str], list[str]]  # given the endpoint URL (only ``link`` uses it)
    target: str | None
    old: bytes | None = OLD


COMMANDS = [
    Command("export", lambda _: ["export", *LIB, "-o", "out.ttl"], "out.ttl"),
    Command("export-nq", lambda _: ["export", *LIB, "--format", "nq", "-o", "out.nq"], "out.nq"),
    # reason builds the closure entry of the cache, then writes the inferred triples.
    Command(
        "reason",
        lambda _: ["reason", "--data", str(FACTS), "--ontology", str(ONTOLOGY), "-o", "out.ttl"],
        "out.ttl",
    ),
    Command("source-update", lambda _: ["source", "update", "-o", "out.trig"], "out.trig"),
    # query builds the answer entry of the cache and prints to stdout.
    Command(
        "query-answer-cache",
        lambda _: ["query", "founders", *LIB, "--queries", str(QUERIES), "--format", "csv"],
        None,
    ),
    Command(
        "link-suggest-accept",
        lambda url: ["link", "suggest", "--accept", "-o", "links.trig", *link_inputs(url)],
        "links.trig",
        old=None,  # --accept merges into an existing file: start from none
    ),
]


def cache_entries(cache: Path) -> dict[str, bytes]:
    """The finished entries of a cache folder (temp files and folders of killed writers are
    hidden). A stored copy of the inputs is one entry, compared by whether it is whole: RocksDB's
    files are not the same bytes from one build to the next (an identity, file numbers)."""
    if not cache.exists():
        return {}
    entries: dict[str, bytes] = {}
    for p in sorted(cache.rglob("*")):
        relative = p.relative_to(cache)
        if any(part.startswith(".") for part in relative.parts) or not p.is_file():
            continue
        parts = relative.parts
        if len(parts) >= 3 and parts[1] == snapshot.KIND:
            folder = cache / parts[0] / parts[1] / parts[2]
            whole = snapshot._record(folder, parts[2]) is not None
            entries[Path(*parts[:3]).as_posix()] = b"whole" if whole else b"damaged"
            continue
        entries[relative.as_posix()] = p.read_bytes()
    return entries


def comparable(name: str, data: bytes) -> bytes | dict[str, object]:
    """An entry as compared: an endpoint record without the time it was fetched, rows sorted.

    (The endpoint is free to send the rows of a query without ORDER BY in any order.)
    """
    if name.startswith("kgtool/sparql/"):
        body = unseal("sparql", Path(name).stem, data)
        if body is None:
            return data  # not a whole record: compared as it is
        record = json.loads(body)
        record.pop("fetched", None)
        rows = record["answer"].get("results", {}).get("bindings")
        if rows is not None:
            rows.sort(key=lambda row: json.dumps(row, sort_keys=True))
        return record
    return data


def printed(stdout: bytes) -> bytes:
    """What a run printed, but the time the endpoint's answers were fetched (link's footer)."""
    return re.sub(rb"fetched [0-9T:.+-]+", b"fetched (time)", stdout)


@dataclass
class Reference:
    output: bytes | None
    stdout: bytes
    entries: dict[str, bytes | dict[str, object]]
    seconds: float


def prepare(folder: Path, command: Command) -> None:
    folder.mkdir()
    if command.target and command.old is not None:
        (folder / command.target).write_bytes(command.old)


def reference_run(folder: Path, command: Command, url: str) -> Reference:
    prepare(folder, command)
    started = time.monotonic()
    done = procs.run(command.args(url), cwd=folder, cache=folder / "cache")
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr.decode()
    output = (folder / command.target).read_bytes() if command.target else None
    assert output != command.old
    entries = {k: comparable(k, v) for k, v in cache_entries(folder / "cache").items()}
    return Reference(output, printed(done.stdout), entries, seconds)


def check_state(folder: Path, command: Command, ref: Reference) -> None:
    """The target is the old file or the whole new one; each entry is absent or whole."""
    if command.target:
        target = folder / command.target
        if target.exists():
            assert target.read_bytes() in (command.old, ref.output), f"{target}: half written"
        else:
            assert command.old is None, f"{target}: the old file is gone"
        visible = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
        assert set(visible) <= {command.target, "cache"}, visible
    for name, data in cache_entries(folder / "cache").items():
        assert name in ref.entries, f"{name}: an entry no undisturbed run writes"
        assert comparable(name, data) == ref.entries[name], f"{name}: a damaged entry"


@pytest.fixture(scope="module")
def endpoint(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("wikidata"))


@pytest.mark.server  # link talks to the fixture endpoint on 127.0.0.1
@pytest.mark.parametrize("command", COMMANDS, ids=[c.id for c in COMMANDS])
def test_kill_9_at_random_points(tmp_path: Path, command: Command, endpoint: str) -> None:
    ref = reference_run(tmp_path / "reference", command, endpoint)
    rng = random.Random(f"kill-9/{command.id}")
    # Spread over the undisturbed run's duration and a little past it (process start included).
    delays = [rng.uniform(0.0, ref.seconds * 1.1) for _ in range(KILLS)]

    def killed(i: int) -> tuple[Path, int | None]:
        folder = tmp_path / f"kill-{i:02d}"
        prepare(folder, command)
        proc = procs.start(command.args(endpoint), cwd=folder, cache=folder / "cache")
        time.sleep(delays[i])
        finished = proc.poll()
        procs.kill(proc)
        return folder, finished

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(killed, range(KILLS)))
    for folder, _ in results:
        check_state(folder, command, ref)
    # At least some kills landed while the command ran (else the test proves nothing).
    assert sum(finished is None for _, finished in results) >= KILLS // 4
    for folder, _ in results[:: max(1, KILLS // RERUNS)]:
        again = procs.run(command.args(endpoint), cwd=folder, cache=folder / "cache")
        assert again.returncode == 0, again.stderr.decode()
        assert b"Traceback" not in again.stderr
        assert printed(again.stdout) == ref.stdout
        if command.target:
            assert (folder / command.target).read_bytes() == ref.output
            assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
        check_state(folder, command, ref)
        assert set(cache_entries(folder / "cache")) == set(ref.entries)


# ------------------------------------------------------------------------------- disk full


@contextlib.contextmanager
def full_disk(folder: Path, old: bytes) -> Iterator[Path]:
    """A 1 MB tmpfs at ``folder`` holding ``old`` as ``out.trig``, then filled to the last byte."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip() or 'not root'}")
    try:
        (folder / "out.trig").write_bytes(old)
        with contextlib.suppress(OSError), (folder / "filler").open("wb", buffering=0) as handle:
            while True:
                handle.write(b"\0" * 4096)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


FULL_DISK_WRITES = {
    "export": ["export", *LIB, "-o", "{out}"],
    "reason": ["reason", "--data", str(FACTS), "--ontology", str(ONTOLOGY), "-o", "{out}"],
    "source-update": ["source", "update", "-o", "{out}"],
}


@pytest.mark.parametrize("name", sorted(FULL_DISK_WRITES))
def test_full_disk_fails_the_write_and_keeps_the_old_file(tmp_path: Path, name: str) -> None:
    with full_disk(tmp_path / "disk", OLD) as disk:
        out = disk / "out.trig"
        args = [a.replace("{out}", str(out)) for a in FULL_DISK_WRITES[name]]
        done = procs.run(args, cwd=tmp_path)
        err = done.stderr.decode()
        assert done.returncode == 2, err
        assert f"{out}: cannot write (No space left on device)" in err
        assert "Traceback" not in err
        assert out.read_bytes() == OLD
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "out.trig"]


def test_full_disk_under_the_cache_still_answers(tmp_path: Path) -> None:
    args = ["query", "founders", *LIB, "--queries", str(QUERIES), "--format", "csv"]
    expected = procs.run([*args, "--no-cache"], cwd=tmp_path)
    assert expected.returncode == 0
    with full_disk(tmp_path / "disk", b"") as disk:
        for command in (args, ["reason", "--data", str(FACTS), "--ontology", str(ONTOLOGY)]):
            done = procs.run([*command, "--cache-dir", str(disk / "cache")], cwd=tmp_path)
            assert done.returncode == 0, done.stderr.decode()
            assert b"Traceback" not in done.stderr
        # The query answered as without a cache; no entry and no temp file was left.
        again = procs.run([*args, "--cache-dir", str(disk / "cache")], cwd=tmp_path)
        assert again.stdout == expected.stdout
        left = [p for p in (disk / "cache").rglob("*") if p.is_file()]
        assert left == []
