"""The on-disk cache as hostile input, through real ``kgtool`` processes.

An entry of each sealed kind (a query answer, a reasoning closure) is damaged in every way a disk,
a crash or another user can damage it: truncated, byte-flipped (to a plausible value and at
random), replaced by another key's whole entry, emptied, made a folder, made unreadable, or
replaced by a link to a file that looks like an entry. The next run prints exactly what a run
without a cache prints, never a traceback, and never writes through the link. A recorded endpoint
answer damaged the same ways is, to ``--offline``, no record (exit 2), never an answer. A link
planted where ``-o`` goes is replaced, and the file it pointed to is left as it was.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kgtool.core import paths

from ..conftest import FACTS, ONTOLOGY, QUERIES, SHAPES
from . import procs

LIB = ["--data", str(FACTS), "--ontology", str(ONTOLOGY), "--shapes", str(SHAPES)]
SMALL = "@prefix kg: <https://w3id.org/eleutherai-kg/ontology/> .\n<urn:x:a> a kg:Person .\n"

#: Per kind: its folder, and two commands (different keys), given a folder for extra inputs.
KINDS: dict[str, tuple[str, Callable[[Path], list[list[str]]]]] = {
    "answers": (
        "answers",
        lambda _: [
            ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", *LIB, "--format", "csv"],
            ["query", "founders", *LIB, "--queries", str(QUERIES), "--format", "csv"],
        ],
    ),
    "closures": (
        "closures",
        lambda folder: [
            ["reason", "--data", str(FACTS), "--ontology", str(ONTOLOGY), "--format", "nt"],
            [
                "reason",
                "--data",
                str(folder / "small.ttl"),
                "--ontology",
                str(ONTOLOGY),
                "--format",
                "nt",
            ],
        ],
    ),
}


def truncate_half(entry: Path, other: Path) -> None:
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2])


def truncate_at_a_line(entry: Path, other: Path) -> None:
    # The nastiest cut: whole lines, so whatever parses the body finds nothing malformed.
    lines = entry.read_bytes().splitlines(keepends=True)
    entry.write_bytes(b"".join(lines[:-1]))


def flip_plausibly(entry: Path, other: Path) -> None:
    # A digit or letter of the body becomes another one: still a well-formed answer or triple.
    data = bytearray(entry.read_bytes())
    body = data.index(b"\n") + 1
    at = next(i for i in range(len(data) - 1, body, -1) if chr(data[i]).isalnum())
    data[at] = ord("7") if chr(data[at]).isdigit() and data[at] != ord("7") else ord("q")
    if bytes(data) == entry.read_bytes():
        data[at] = ord("z")
    entry.write_bytes(bytes(data))


def flip_random_bytes(entry: Path, other: Path) -> None:
    data = bytearray(entry.read_bytes())
    rng = random.Random(f"{entry.parent.name}/flip")
    for _ in range(3):
        at = rng.randrange(len(data))
        data[at] ^= 1 << rng.randrange(8)
    entry.write_bytes(bytes(data))


def swap_with_another_key(entry: Path, other: Path) -> None:
    entry.write_bytes(other.read_bytes())


def empty(entry: Path, other: Path) -> None:
    entry.write_bytes(b"")


def make_a_folder(entry: Path, other: Path) -> None:
    entry.unlink()
    entry.mkdir()
    (entry / "inside").write_bytes(other.read_bytes())


def link_to_lookalike(entry: Path, other: Path) -> None:
    # A link to a file outside the cache holding another key's valid entry.
    outside = entry.parents[3] / "outside-entry"  # beside the cache folder
    outside.write_bytes(other.read_bytes())
    entry.unlink()
    entry.symlink_to(outside)


def make_unreadable(entry: Path, other: Path) -> None:
    entry.chmod(0)


DAMAGES = [
    truncate_half,
    truncate_at_a_line,
    flip_plausibly,
    flip_random_bytes,
    swap_with_another_key,
    empty,
    make_a_folder,
    link_to_lookalike,
    make_unreadable,
]


@dataclass(frozen=True)
class Filled:
    """A cache holding the entries of both commands of a kind, and what the first prints."""

    inputs: Path
    cache: Path
    entry: str  # the first command's entry, relative to the cache
    other: str  # the second command's
    expected: bytes


@pytest.fixture(scope="module", params=sorted(KINDS))
def filled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Filled:
    inputs = tmp_path_factory.mktemp(f"cache-{request.param}")
    (inputs / "small.ttl").write_text(SMALL, encoding="utf-8")
    folder, commands = KINDS[request.param]
    cache = inputs / "cache"
    entries = cache / "kgtool" / folder
    names = []
    for command in commands(inputs):
        before = set(entries.glob("*")) if entries.exists() else set()
        done = procs.run(command, cwd=inputs, cache=cache)
        assert done.returncode == 0, done.stderr.decode()
        (new,) = set(entries.glob("*")) - before
        names.append(new.relative_to(cache).as_posix())
    expected = procs.run([*commands(inputs)[0], "--no-cache"], cwd=inputs)
    assert expected.returncode == 0, expected.stderr.decode()
    return Filled(inputs, cache, names[0], names[1], expected.stdout)


@pytest.mark.parametrize("damage", DAMAGES, ids=[d.__name__.replace("_", "-") for d in DAMAGES])
def test_a_damaged_entry_is_never_a_wrong_answer(
    tmp_path: Path, filled: Filled, damage: Callable[[Path, Path], None]
) -> None:
    if damage is make_unreadable and os.geteuid() == 0:
        pytest.skip("root reads a file whatever its mode: an unreadable entry cannot be made")
    cache = tmp_path / "cache"
    shutil.copytree(filled.cache, cache)
    entry, other = cache / filled.entry, cache / filled.other
    whole = entry.read_bytes()
    assert whole != other.read_bytes()
    kind = entry.parent.name
    command = KINDS[kind][1](filled.inputs)[0]

    damage(entry, other)
    outside = tmp_path / "outside-entry"
    planted = outside.read_bytes() if outside.exists() else None
    done = procs.run(command, cwd=tmp_path, cache=cache)
    assert done.returncode == 0, done.stderr.decode()
    assert b"Traceback" not in done.stderr
    assert done.stdout == filled.expected
    if planted is not None:
        assert outside.read_bytes() == planted  # never written through the link
        assert not entry.is_symlink()
    if damage is not make_a_folder:
        assert entry.read_bytes() == whole  # rebuilt whole, as an undisturbed run writes it
    assert not [p for p in entry.parent.iterdir() if p.name.endswith(".tmp")]


OUTPUTS = {
    "export": ["export", *LIB, "-o", "{out}"],
    "reason": ["reason", "--data", str(FACTS), "--ontology", str(ONTOLOGY), "-o", "{out}"],
    "source-update": ["source", "update", "-o", "{out}"],
}


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_a_link_planted_at_the_output_is_replaced_not_written_through(
    tmp_path: Path, name: str
) -> None:
    """``-o out.trig`` where out.trig links elsewhere: the link is replaced, its target kept."""
    expected_out = tmp_path / "expected.trig"
    args = [a.replace("{out}", str(expected_out)) for a in OUTPUTS[name]]
    assert procs.run(args, cwd=tmp_path).returncode == 0
    victim = tmp_path / "victim.trig"
    victim.write_bytes(b"# someone else's file\n")
    out = tmp_path / "out.trig"
    out.symlink_to(victim)
    args = [a.replace("{out}", str(out)) for a in OUTPUTS[name]]
    done = procs.run(args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert victim.read_bytes() == b"# someone else's file\n"
    assert not out.is_symlink()
    assert out.read_bytes() == expected_out.read_bytes()


# ------------------------------------------------------------------------- endpoint records

#: One link, so its check asks the endpoint another query (another record) than the fixture's.
ONE_LINK = (
    "@prefix id: <https://w3id.org/eleutherai-kg/id/> .\n"
    "@prefix kg: <https://w3id.org/eleutherai-kg/ontology/> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
    "@prefix wd: <http://www.wikidata.org/entity/> .\n"
    'id:Harvard_University a kg:University ; rdfs:label "Harvard University"@en ;\n'
    "    owl:sameAs wd:Q13371 .\n"
)


@dataclass(frozen=True)
class Recorded:
    """A cache holding the records of two ``link check`` runs, and the first run's command."""

    cache: Path
    entry: str  # the first run's record, relative to the cache
    other: str  # the second run's
    offline: list[str]  # the first run, replayed


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory, wikidata: str) -> Recorded:
    inputs = tmp_path_factory.mktemp("records")
    (inputs / "one-link.trig").write_text(ONE_LINK, encoding="utf-8")
    cache = inputs / "cache"
    records = cache / "kgtool" / "sparql"
    ontology = ["--ontology", str(paths.ontology_file())]
    runs = [["--data", str(FACTS)], ["--data", str(inputs / "one-link.trig")]]
    names, outputs = [], []
    for data in runs:
        before = set(records.glob("*")) if records.exists() else set()
        command = ["link", "check", "--format", "json", *data, *ontology, "--endpoint", wikidata]
        done = procs.run(command, cwd=inputs, cache=cache)
        assert done.returncode in (0, 1), done.stderr.decode()  # 1: some links disagree
        (new,) = set(records.glob("*")) - before
        names.append(new.relative_to(cache).as_posix())
        outputs.append((command, done.stdout))
    offline = [*outputs[0][0], "--offline"]
    replayed = procs.run(offline, cwd=inputs, cache=cache)
    # An intact record replays the online answer; only the report's own flag says how.
    online = json.loads(outputs[0][1])
    assert json.loads(replayed.stdout) == {**online, "offline": True}, replayed.stderr.decode()
    return Recorded(cache, names[0], names[1], offline)


@pytest.mark.skipif(not paths.ontology_file().exists(), reason="link check needs the ontology")
@pytest.mark.parametrize("damage", DAMAGES, ids=[d.__name__.replace("_", "-") for d in DAMAGES])
def test_a_damaged_endpoint_record_is_never_replayed(
    tmp_path: Path, recorded: Recorded, damage: Callable[[Path, Path], None]
) -> None:
    """``--offline`` over a damaged record says it has none; it never replays another answer."""
    if damage is make_unreadable and os.geteuid() == 0:
        pytest.skip("root reads a file whatever its mode: an unreadable entry cannot be made")
    cache = tmp_path / "cache"
    shutil.copytree(recorded.cache, cache)
    entry, other = cache / recorded.entry, cache / recorded.other
    assert entry.read_bytes() != other.read_bytes()

    damage(entry, other)
    done = procs.run(recorded.offline, cwd=tmp_path, cache=cache)
    assert b"Traceback" not in done.stderr
    assert (done.returncode, done.stdout) == (2, b""), done.stdout.decode()
    assert b"--offline: no cached answer" in done.stderr, done.stderr.decode()
