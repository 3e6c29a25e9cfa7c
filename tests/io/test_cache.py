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
