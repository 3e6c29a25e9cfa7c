"""Revisions of the article written for the tests, each made from the shipped text by edits."""

from __future__ import annotations

import re
from pathlib import Path

from kgtool.core import paths

SHIPPED_PATH = paths.graph_dir() / "source" / "eleutherai-wikipedia.txt"
SHIPPED = SHIPPED_PATH.read_text("utf-8")
DATA = Path(__file__).resolve().parents[1] / "data" / "source"

LEN_GAO = (
    "Its founding members are Connor Leahy, Len Gao,",
    "Its founding members are Connor Leahy, Leo Gao,",
)
DATE_FIXED = ("on July 7, 2020, under", "on July 8, 2020, under")
REMOVED = ("In 2025, Stella Biderman served as executive director. ", "")
NEW = (
    "Aviya Skowron served as head of policy and ethics. ",
    "Aviya Skowron served as head of policy and ethics. "
    "The group later opened a small office for its volunteers. ",
)
REORDERED = (
    "In 2025, Stella Biderman served as executive director. "
    "Aviya Skowron served as head of policy and ethics. ",
    "Aviya Skowron served as head of policy and ethics. "
    "In 2025, Stella Biderman served as executive director. ",
)
SPLIT = (
    "Nora Belrose served as head of interpretability, and Quentin Anthony was head of HPC.",
    "Nora Belrose served as head of interpretability. Quentin Anthony was head of HPC.",
)
MERGED = (
    "In 2025, Stella Biderman served as executive director. Aviya Skowron served",
    "In 2025, Stella Biderman served as executive director, and Aviya Skowron served",
)
TYPOGRAPHY = (
    'under the tentative name "LibreAI" before rebranding to "EleutherAI" later that month,',
    "under the tentative\u00a0name \u201cLibreAI\u201d before  rebranding to"
    " \u201cEleutherAI\u201d later that month,",
)


def revise(text: str, *edits: tuple[str, str]) -> str:
    """Apply ``(old, new)`` replacements, each of which must occur exactly once."""
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def move_paragraph(text: str, starts: str, before: str) -> str:
    """Move the line (paragraph) starting with ``starts`` to just before the line ``before``."""
    lines = text.split("\n")
    (moved,) = [n for n, line in enumerate(lines) if line.startswith(starts)]
    line = lines.pop(moved)
    (target,) = [n for n, other in enumerate(lines) if other.startswith(before)]
    lines.insert(target, line)
    return "\n".join(lines)


def renumber(text: str, first: int, by: int = 1) -> str:
    """Shift every reference marker numbered ``first`` or more by ``by`` (a reference inserted)."""

    def shift(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f"[ {n + by if n >= first else n} ]"

    return re.sub(r"\[ (\d+) \]", shift, text)
