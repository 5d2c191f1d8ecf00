"""What the library remembers of earlier articles: the values the store gives the signals.

:class:`ArticleMemory` is the read-only view signals use (an author's history, an outlet's
archive); :class:`AuthorProfile` and :class:`ArchiveMatch` are the values it returns. The
store (:mod:`mizan.detector.store`) implements it, tests implement it with a small fake; neither the
signals nor the store import each other for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class ArchiveMatch:
    """An earlier article of the same outlet that looks like a near-duplicate."""

    article_id: str
    similarity: float
    shared_passage: str = ""
    published_at: str | None = None
    outlet: str | None = None


@dataclass(frozen=True)
class AuthorProfile:
    """What the store knows about an author from earlier articles."""

    author: str
    article_count: int
    topic_counts: Mapping[str, int]
    articles_per_day: float = 0.0
    bio: str | None = None
    kind: str = "person"
    """``"person"``, ``"agency"`` (a wire service) or ``"desk"`` (a newsroom desk)."""
    bio_topic: str | None = None
    """The beat read from the stored bio (its most probable topic), when clear."""
    first_seen: str | None = None
    last_seen: str | None = None
    topic_shares: Mapping[str, float] = field(default_factory=dict)
    """Mean topic probabilities over the author's articles (sums to 1 when known)."""


class ArticleMemory(Protocol):
    """Read access to earlier articles (author history, outlet archive).

    The store implements this; signals only read through it, so they stay testable with
    a small in-memory fake.
    """

    def author_profile(self, author: str, exclude_id: str | None = None) -> AuthorProfile | None:
        """Return the stored profile of ``author`` without article ``exclude_id``, or ``None``."""
        ...

    def near_duplicates(
        self, text: str, outlet: str | None, exclude_id: str | None = None
    ) -> Sequence[ArchiveMatch]:
        """Return earlier articles of ``outlet`` whose text nearly equals ``text``."""
        ...
