"""Speaker classes, the reasons evidence gives for them, and the attribution record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Category = Literal["sourced", "expert", "weak", "anonymous", "other"]

UNSOURCED_CATEGORIES: frozenset[str] = frozenset({"expert", "weak", "anonymous"})
REASONS: dict[str, str] = {
    "expert": "expert quoted with no affiliation or source",
    "weak": "expert quoted by title or first name only, with no affiliation or source",
    "anonymous": "statement attributed to anonymous sources or unnamed experts",
}

REASON_VOX_POP = "ordinary person introduced by name, job and place only, with nothing to trace"
REASON_PERSONA = "persona name signing machine-written text"
REASON_CREDENTIAL = "first-person credential with nothing to trace"
REASON_CREDIT = "source line that names no outlet"


@dataclass(frozen=True)
class Attribution:
    """One attributed statement and how its speaker was classified.

    ``start`` and ``end`` are offsets of the speaker phrase in ``doc.body``.
    """

    start: int
    end: int
    text: str
    category: Category
    titled: bool
    repeat: bool
    name_tokens: frozenset[str]
    reason: str | None = None
