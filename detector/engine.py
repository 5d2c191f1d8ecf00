"""The one entry point: ``DetectorEngine.score(article) -> Report``."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

from pydantic import ValidationError

from mizan.detector.article import ArticleInput, Document, parse_article
from mizan.detector.errors import InvalidArticleError
from mizan.detector.memory import ArticleMemory
from mizan.detector.model import (
    Contribution,
    RulesModel,
    ScoringModel,
    Thresholds,
    default_bundle_dir,
    load_model,
)
from mizan.detector.report_shape import ThresholdsOut, part_data, report_data
from mizan.detector.settings import Settings, get_settings
from mizan.detector.signals import DEFAULT_SIGNALS, registry
from mizan.detector.signals.base import Evidence, Signal, SignalContext, SignalResult
from mizan.detector.text import VisibleText, strip_format_characters

TOP_FEATURES = 8
# Features are counts, shares and log-ratios; a value past this is an overflow (a 400-digit
# figure), held here so that every feature, score and report stays finite JSON.
FEATURE_LIMIT = 1e6
# The text fields whose invisible characters are removed before parsing; evidence on them is
# mapped back to what the caller sent.
_VISIBLE_FIELDS = ("title", "body", "html", "author", "author_bio", "outlet")


def finite(value: float, limit: float = FEATURE_LIMIT) -> float:
    """Return ``value`` clamped into ``[-limit, limit]``, with NaN read as 0."""
    if math.isnan(value):
        return 0.0
    return max(-limit, min(limit, value))


CORROBORATING_WEIGHT = 1.0
"""Evidence of at least this weight is a finding that corroborates another signal's held evidence.

Mild indications carry less (style's connective-led sentences, statistics' round projections).
"""


@runtime_checkable
class HoldsEvidence(Protocol):
    """A signal result holding evidence back until another signal's finding corroborates it."""

    def released(self, corroborated: bool) -> SignalResult:
        """Return the plain result, with the held evidence added when ``corroborated``."""
        ...


def corroborated(results: Sequence[SignalResult], index: int) -> bool:
    """Whether a signal other than ``results[index]`` reports a finding of full weight."""
    return any(
        item.weight >= CORROBORATING_WEIGHT
        for other, result in enumerate(results)
        if other != index
        for item in result.evidence
    )


def settle_held_evidence(
    results: Sequence[SignalResult], explain: bool = True
) -> list[SignalResult]:
    """Release or drop the evidence that results hold back, once every signal has run.

    A signal may hold evidence that is ordinary on its own (templating's headline printed
    again and restated paragraphs, site chrome on wire pages too): it is shown when another
    signal reports a finding of full weight on the same page (see
    :data:`CORROBORATING_WEIGHT`), and dropped otherwise, or unread when not ``explain``.
    Held evidence never corroborates.
    """
    # Most results are plain: their exact type skips the (slower) protocol check.
    return [
        result.released(explain and corroborated(results, index))
        if type(result) is not SignalResult and isinstance(result, HoldsEvidence)
        else result
        for index, result in enumerate(results)
    ]


def visible_article(article: ArticleInput) -> tuple[ArticleInput, dict[str, VisibleText]]:
    """Remove invisible format characters from the article's text fields.

    Returns the cleaned article and, for each field that changed, the map back to the
    offsets the caller sent.
    """
    changed: dict[str, VisibleText] = {}
    for name in _VISIBLE_FIELDS:
        value = getattr(article, name)
        if value:
            visible = strip_format_characters(value)
            if visible.index is not None:
                changed[name] = visible
    if not changed:
        return article, changed
    cleaned = article.model_copy(update={name: item.text for name, item in changed.items()})
    return cleaned, changed


def _sent_offsets(result: SignalResult, fields: Mapping[str, VisibleText]) -> SignalResult:
    """Map ``result``'s evidence from the cleaned fields back to the text as sent."""
    evidence: list[Evidence] = []
    for item in result.evidence:
        visible = fields.get(item.field)
        if visible is None:
            evidence.append(item)
            continue
        start, end = visible.span(item.start, item.end)
        evidence.append(replace(item, start=start, end=end, text=visible.original[start:end]))
    return replace(result, evidence=tuple(evidence))


@lru_cache(maxsize=1)
def _single_threaded_blas() -> None:
    """Keep BLAS/OpenMP to one thread in this process.

    One article is far too small a problem for threaded linear algebra: extra threads only
    contend, and they make parallel worker processes several times slower. Throughput comes
    from processes (``--workers``), each scoring single-threaded.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


@dataclass(frozen=True)
class Report:
    """What Mizan says about one article; :meth:`to_dict` is the JSON the API returns.

    Every field of :class:`mizan.detector.report_shape.ReportOut` is read from the attribute of the
    same name (``model`` from ``model_name`` and ``model_version``); ``elapsed_ms`` is not
    reported.
    """

    id: str | None
    reliability: float
    verdict: str
    thresholds: Thresholds
    signals: Sequence[SignalResult]
    top_features: Sequence[Contribution]
    language: str
    model_name: str
    model_version: str
    ai_generated: float | None = None
    credibility: float | None = None
    title: str = ""
    author: str | None = None
    extracted_body: str | None = None
    features: Mapping[str, float] = field(default_factory=dict)
    elapsed_ms: float = 0.0

    @property
    def model(self) -> dict[str, str]:
        """The model bundle that produced the report (the ``model`` field of the JSON)."""
        return {"name": self.model_name, "version": self.model_version}

    def to_dict(self, include_features: bool = False) -> dict[str, Any]:
        """Return the report as plain JSON-ready data, field by field as :class:`ReportOut`.

        The fields, their order and rounding are :class:`mizan.detector.report_shape.ReportOut`'s,
        and those of the models it nests for the signals, their evidence, the thresholds and the
        contributions; ``features`` (every feature value) is written only with
        ``include_features``.
        """
        return report_data(self, include_features=include_features)


def validation_message(error: ValidationError) -> str:
    """Say what is wrong with an article in one plain line (the first problem, its field)."""
    first = error.errors()[0]
    location = ".".join(str(part) for part in first.get("loc", ())) or "article"
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    return f"{location}: {message}"


def coerce_article(article: ArticleInput | Mapping[str, Any] | str) -> ArticleInput:
    """Accept an :class:`ArticleInput`, a mapping of its fields, or plain text as the body."""
    if isinstance(article, ArticleInput):
        return article
    if isinstance(article, str):
        return ArticleInput(body=article)
    if isinstance(article, Mapping):
        try:
            return ArticleInput.model_validate(dict(article))
        except ValidationError as error:
            raise InvalidArticleError(validation_message(error)) from None
    raise InvalidArticleError(f"cannot score an object of type {type(article).__name__}")


class DetectorEngine:
    """Parse an article, run every signal, combine the features with a model into a Report."""

    def __init__(
        self,
        model: ScoringModel | None = None,
        signals: Sequence[str] = DEFAULT_SIGNALS,
        memory: ArticleMemory | None = None,
        thresholds: Thresholds | None = None,
    ) -> None:
        _single_threaded_blas()
        self.signals: tuple[Signal, ...] = tuple(registry.get(name) for name in signals)
        self.feature_names: tuple[str, ...] = tuple(
            name
            for signal in self.signals
            for name in (f"{signal.name}.score", *signal.feature_names)
        )
        self.model: ScoringModel = model or RulesModel(self.feature_names)
        self.thresholds = thresholds or self.model.thresholds
        self.context = SignalContext(memory=memory)

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, memory: ArticleMemory | None = None
    ) -> DetectorEngine:
        """Build the engine with the bundle the settings name (default bundle, else rules-v0)."""
        settings = settings or get_settings()
        engine = cls(memory=memory)
        bundle = settings.model_dir or default_bundle_dir(settings.models_root)
        if bundle is not None:
            engine.model = load_model(bundle, engine.feature_names)
            engine.thresholds = engine.model.thresholds
        if settings.unreliable_below is not None:
            engine.thresholds = replace(
                engine.thresholds, unreliable_below=settings.unreliable_below
            )
        if settings.reliable_above is not None:
            engine.thresholds = replace(engine.thresholds, reliable_above=settings.reliable_above)
        return engine

    def model_info(self) -> dict[str, Any]:
        """Describe the loaded model: name, version, thresholds, signals and features."""
        return {
            "name": self.model.name,
            "version": self.model.version,
            "thresholds": part_data(ThresholdsOut, self.thresholds),
            "signals": [{"name": s.name, "version": s.version} for s in self.signals],
            "feature_names": list(self.feature_names),
        }

    def parse(self, article: ArticleInput | Mapping[str, Any] | str) -> Document:
        """Parse an article into a :class:`Document` (raises InvalidArticleError on bad input).

        Invisible format characters are removed first, so the document's offsets are into
        the visible text; :meth:`score` maps evidence back to the text as sent.
        """
        return self._parse(article)[0]

    def _parse(
        self, article: ArticleInput | Mapping[str, Any] | str
    ) -> tuple[Document, dict[str, VisibleText]]:
        cleaned, fields = visible_article(coerce_article(article))
        return parse_article(cleaned), fields

    def extract(
        self, doc: Document, explain: bool = True
    ) -> tuple[list[SignalResult], dict[str, float]]:
        """Run every signal on ``doc``; return the results and the flat feature vector.

        Evidence a signal holds back is settled once all signals ran (see
        :func:`settle_held_evidence`); with ``explain=False`` it is dropped unread.
        """
        results = []
        features: dict[str, float] = {}
        for signal in self.signals:
            result = signal.extract(doc, self.context)
            result = replace(
                result,
                score=min(1.0, max(0.0, finite(result.score))),
                features={name: finite(value) for name, value in result.features.items()},
            )
            results.append(result)
            features[f"{result.name}.score"] = result.score
            features.update(result.features)
        return settle_held_evidence(results, explain), features

    def score(
        self, article: ArticleInput | Mapping[str, Any] | str, explain: bool = True
    ) -> Report:
        """Score one article. With ``explain=False`` evidence and contributions are left out."""
        started = time.perf_counter()
        doc, fields = self._parse(article)
        results, features = self.extract(doc, explain=explain)
        if fields:
            results = [_sent_offsets(result, fields) for result in results]
        prediction = self.model.predict(features, doc)
        ranked = sorted(
            (item for item in prediction.contributions if item.contribution != 0.0),
            key=lambda item: -abs(item.contribution),
        )
        if not explain:
            results = [replace(result, evidence=()) for result in results]
        return Report(
            id=doc.id,
            reliability=prediction.reliability,
            verdict=self.thresholds.verdict(prediction.reliability),
            thresholds=self.thresholds,
            signals=results,
            top_features=ranked[:TOP_FEATURES] if explain else (),
            language=doc.language,
            model_name=self.model.name,
            model_version=self.model.version,
            ai_generated=prediction.ai_generated,
            credibility=prediction.credibility,
            title=doc.title,
            author=doc.author,
            extracted_body=doc.body if doc.source_format == "html" else None,
            features=features,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )

    def score_many(
        self, articles: Iterable[ArticleInput | Mapping[str, Any] | str], explain: bool = True
    ) -> Iterator[Report]:
        """Score articles one after another, in order (a thin wrapper over :meth:`score`)."""
        for article in articles:
            yield self.score(article, explain=explain)
