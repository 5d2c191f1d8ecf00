"""The contracts every signal follows: Signal, SignalResult, Evidence, SignalContext."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from detector.article import Document

EvidenceField = Literal["title", "body", "author_bio"]


@dataclass(frozen=True)
class Evidence:
    """A span of the submitted text that made a signal fire, with the reason.

    ``start`` and ``end`` are character offsets into the submitted ``field`` (``body`` is
    the page text or body the caller sent, or the text extracted from HTML).
    """

    start: int
    end: int
    text: str
    reason: str
    field: EvidenceField = "body"
    weight: float = 1.0

    def to_dict(self) -> dict[str, object]:
        """Return the JSON shape used in reports."""
        return {
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class SignalResult:
    """What one signal says about one document."""

    name: str
    version: str
    score: float
    features: Mapping[str, float]
    evidence: Sequence[Evidence] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, object]:
        """Return the JSON shape used in reports."""
        return {
            "name": self.name,
            "version": self.version,
            "score": round(self.score, 4),
            "features": {key: round(value, 6) for key, value in self.features.items()},
            "evidence": [item.to_dict() for item in self.evidence],
        }


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


@dataclass(frozen=True)
class SignalContext:
    """What a signal may use besides the document itself."""

    memory: ArticleMemory | None = None


class Signal(ABC):
    """A signal family: a name, a version, stable feature names and ``extract()``."""

    name: str = ""
    version: str = "1"
    feature_names: tuple[str, ...] = ()

    @abstractmethod
    def extract(self, doc: Document, context: SignalContext) -> SignalResult:
        """Score ``doc``; return features (all of ``feature_names``) and evidence."""

    def result(
        self, score: float, features: Mapping[str, float], evidence: Sequence[Evidence] = ()
    ) -> SignalResult:
        """Build a :class:`SignalResult`, checking that exactly the declared features are set."""
        missing = set(self.feature_names) - set(features)
        extra = set(features) - set(self.feature_names)
        if missing or extra:
            raise ValueError(
                f"signal {self.name!r} features do not match its declared names: "
                f"missing {sorted(missing)}, unexpected {sorted(extra)}"
            )
        ordered = {name: float(features[name]) for name in self.feature_names}
        clipped = min(1.0, max(0.0, float(score)))
        ranked = sorted(evidence, key=lambda item: (item.field, item.start, item.end))
        return SignalResult(self.name, self.version, clipped, ordered, tuple(ranked))
