"""The contracts every signal follows: Signal, SignalResult, Evidence, SignalContext."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from mizan.detector.memory import ArticleMemory
from mizan.detector.report_shape import EvidenceOut, SignalOut, part_data

if TYPE_CHECKING:
    from mizan.detector.article import Document

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

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape used in reports: the fields of :class:`EvidenceOut`."""
        return part_data(EvidenceOut, self)


@dataclass(frozen=True)
class SignalResult:
    """What one signal says about one document."""

    name: str
    version: str
    score: float
    features: Mapping[str, float]
    evidence: Sequence[Evidence] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape used in reports: the fields of :class:`SignalOut`."""
        return part_data(SignalOut, self)


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
