"""The one cache: entries written whole, anything else in their place is a miss."""

from __future__ import annotations

from pathlib import Path

from kgtool.io.cache import CacheSettings


def test_an_entry_reads_back_as_written(tmp_path: Path) -> None:
    kind = CacheSettings(tmp_path).kind("answers", ".answer")
    kind.write("k", b"text")
    assert kind.read("k") == b"text"


def test_no_cache_reads_and_writes_nothing(tmp_path: Path) -> None:
    kind = CacheSettings.resolve(tmp_path, no_cache=True).kind("answers")
    kind.write("k", b"text")
    assert kind.read("k") is None
    assert list(tmp_path.iterdir()) == []


def test_a_link_planted_where_an_entry_goes_is_a_miss(tmp_path: Path) -> None:
    kind = CacheSettings(tmp_path / "cache").kind("answers", ".answer")
    secret = tmp_path / "elsewhere.txt"
    secret.write_bytes(b"not an answer")
    path = kind.path("k")
    assert path is not None
    path.parent.mkdir(parents=True)
    path.symlink_to(secret)
    assert kind.read("k") is None
    kind.write("k", b"answer")  # replaces the link itself, never writes through it
    assert secret.read_bytes() == b"not an answer"
    assert not path.is_symlink() and kind.read("k") == b"answer"


def test_a_folder_planted_where_an_entry_goes_is_a_miss(tmp_path: Path) -> None:
    kind = CacheSettings(tmp_path).kind("answers", ".answer")
    path = kind.path("k")
    assert path is not None
    path.mkdir(parents=True)
    assert kind.read("k") is None
    kind.write("k", b"answer")  # cannot replace a folder: ignored, the command goes on
    assert kind.read("k") is None


def test_old_entries_are_pruned_past_the_cap(tmp_path: Path) -> None:
    kind = CacheSettings(tmp_path).kind("answers", ".answer", max_entries=4)
    for i in range(6):
        kind.write(f"k{i}", b"x")
    assert len(list((tmp_path / "answers").glob("*.answer"))) <= 4


def test_a_sealed_entry_under_another_keys_name_is_a_miss(tmp_path: Path) -> None:
    kind = CacheSettings(tmp_path).kind("answers", ".answer", sealed=True)
    kind.write("a", b"answer a")
    kind.write("b", b"answer b")
    path_a, path_b = kind.path("a"), kind.path("b")
    assert path_a is not None and path_b is not None
    assert kind.read("a") == b"answer a"
    path_a.write_bytes(path_b.read_bytes())  # b's whole, valid entry where a's goes
    assert kind.read("a") is None
    assert kind.read("b") == b"answer b"


def test_a_damaged_sealed_entry_is_a_miss(tmp_path: Path) -> None:
    kind = CacheSettings(tmp_path).kind("closures", ".nt", sealed=True)
    kind.write("k", b"<urn:a> <urn:b> <urn:c> .\n")
    path = kind.path("k")
    assert path is not None
    whole = path.read_bytes()
    for damaged in (whole[:-1], whole[:-3] + b"d> .\n", whole + b"<urn:x> <urn:y> <urn:z> .\n"):
        path.write_bytes(damaged)
        assert kind.read("k") is None
    path.write_bytes(whole)
    assert kind.read("k") == b"<urn:a> <urn:b> <urn:c> .\n"
