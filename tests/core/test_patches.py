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


#: Pieces of a string constant's body: text, both quotes, line breaks, every kind of escape,
#: a bad escape and a lone backslash.
_STRING_PIECES = ["a", "é", " ", '"', "'", "\n", "\r", "\\", "\\n", '\\"', "\\'", "\\u0041",
                  "\\U0001F600", "\\x"]  # fmt: skip
#: What follows the body: the closing delimiter, more statements, or an unterminated end.
_STRING_TAILS = [
    "{q} .\n",
    "{q} .\n<http://b> <http://p> 'z' .\n",
    "",
    "\n",
    "{q}\n",
    " . {q}",
    "\n{q1}",
]


def _parsed_or_error(doc: str) -> tuple[object, ...]:
    from rdflib import Graph

    try:
        graph = Graph().parse(data=doc, format="turtle")
    except Exception as exc:  # rdflib's own failure modes are part of what is compared
        return (type(exc).__name__, getattr(exc, "lines", None), str(exc))
    return ("ok", sorted(repr(o) for o in graph.objects()))


def test_string_constants_parse_as_rdflib_does() -> None:
    import random

    generator = random.Random(16)
    compared = 0
    for _ in range(3000):
        q = generator.choice(['"', "'", '"""', "'''"])
        body = "".join(generator.choices(_STRING_PIECES, k=generator.randint(0, 8)))
        tail = generator.choice(_STRING_TAILS).format(q=q, q1=q[0])
        doc = "@prefix : <http://x/> .\n\n<http://a> <http://p> " + q + body + tail
        theirs = _parsed_or_error(doc)
        with patches.linear_string_constants() as applied:
            assert applied
            ours = _parsed_or_error(doc)
        if theirs[0] in ("AssertionError", "IndexError") and ours[0] == "BadSyntax":
            # rdflib's bare failure on a string that runs to the end becomes its BadSyntax.
            assert "unterminated string literal" in str(ours[2]), repr(doc)
            continue
        assert ours == theirs, repr(doc)
        compared += 1
    assert compared > 2000
