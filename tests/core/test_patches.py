"""Third-party internals are used only where the installed version was tested, and undone after."""

from __future__ import annotations

import pytest

from kgtool.core import patches
from kgtool.core.patches import PATCHES, Patch


@pytest.mark.parametrize("name", sorted(PATCHES))
def test_every_patch_fits_the_installed_versions(name: str) -> None:
    # The pins in pyproject.toml admit only tested versions, so each patch applies here.
    assert PATCHES[name].usable(), f"{name}: {PATCHES[name].installed_version()} untested"


def test_an_untested_version_leaves_the_library_alone() -> None:
    untested = Patch("x", "rdflib", ("0.0", "0.1"), "rdflib.term", "Literal", "test")
    before = untested.current()
    with untested.applied(object()) as applied:
        assert applied is False
        assert untested.current() is before


def test_a_missing_internal_is_not_usable() -> None:
    gone = Patch("x", "rdflib", ("7.0", "99"), "rdflib.term", "NoSuchThing", "test")
    assert not gone.usable()
    with gone.applied(object()) as applied:
        assert applied is False


def test_a_swap_is_undone_when_its_block_ends() -> None:
    patch = patches.SHAPE_VALIDATE
    original = patch.current()
    marker = object()
    with patch.applied(marker) as applied:
        assert applied and patch.current() is marker
    assert patch.current() is original


def test_a_swap_is_undone_when_its_block_fails() -> None:
    patch = patches.SHAPE_VALIDATE
    original = patch.current()
    with pytest.raises(RuntimeError), patch.applied(object()):
        raise RuntimeError("boom")
    assert patch.current() is original


def test_string_literal_falls_back_to_the_constructor(monkeypatch: pytest.MonkeyPatch) -> None:
    from rdflib import Literal

    monkeypatch.setattr(patches, "_literal_slots_usable", lambda: False)
    made = patches.string_literal("GPT-J", "en")
    assert made == Literal("GPT-J", lang="en") and made.language == "en"
