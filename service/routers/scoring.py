"""``POST /v1/score`` and ``POST /v1/score/batch``.

Scoring is CPU-bound, so it runs in the thread pool and never blocks the event loop.
"""

# No ``from __future__ import annotations`` here: the batch body model is built per app
# (its item limit comes from the settings) and FastAPI must see it as a real annotation.

from collections.abc import Callable
from typing import Annotated, Any, TypeVar, cast

import anyio
from fastapi import APIRouter, Body, HTTPException, Query

from detector.article import ArticleInput
from detector.engine import DetectorEngine, Report
from detector.errors import InvalidArticleError, MizanError
from service.dependencies import EngineDep, MetricsDep, SettingsDep
from service.schemas import (
    BATCH_REQUEST_EXAMPLES,
    BATCH_RESPONSE_EXAMPLES,
    SCORE_REQUEST_EXAMPLES,
    SCORE_RESPONSE_EXAMPLES,
    BatchRequest,
    BatchResponse,
    ReportOut,
    batch_request_model,
    error_responses,
)

# Raw HTML carries markup around the text, so it may be this many times longer.
HTML_MARKUP_FACTOR = 5

POLICY = (
    "Send `Content-Type: application/json` (UTF-8). Unknown fields are rejected with 422 "
    "rather than ignored, so a misspelt field never goes unnoticed. An article needs a "
    "non-empty `body` (article text or raw page text) or `html`."
)

ExplainQuery = Annotated[
    bool, Query(description="Include evidence spans and top feature contributions.")
]
FeaturesQuery = Annotated[bool, Query(description="Include every feature value.")]


def check_text_limits(article: ArticleInput, max_text_chars: int, where: str = "") -> None:
    """Answer 413 when the article's text is longer than the configured limit."""
    limits = (("body", max_text_chars), ("html", max_text_chars * HTML_MARKUP_FACTOR))
    for field, limit in limits:
        text = getattr(article, field)
        if text is not None and len(text) > limit:
            raise HTTPException(
                status_code=413,
                detail=f"{where}{field} has {len(text)} characters; the limit is {limit}",
            )


T = TypeVar("T")


class CpuGate:
    """Run CPU-bound scoring in one worker thread per process, off the event loop.

    Scoring holds the GIL, so more threads only add switching; waiting requests queue on the
    event loop instead, and health checks stay answered.
    """

    def __init__(self) -> None:
        self._limiter: anyio.CapacityLimiter | None = None

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run ``function(*args)`` in the scoring thread."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(1)
        return await anyio.to_thread.run_sync(function, *args, limiter=self._limiter)


def score_all(engine: DetectorEngine, articles: list[ArticleInput], explain: bool) -> list[Report]:
    """Score articles in order; an article the engine refuses names its index."""
    reports = []
    for index, article in enumerate(articles):
        try:
            reports.append(engine.score(article, explain=explain))
        except MizanError as error:
            raise InvalidArticleError(f"articles[{index}]: {error}") from error
    return reports


def build_router(max_batch_items: int) -> APIRouter:
    """Build the scoring router; the batch body allows at most ``max_batch_items`` articles."""
    router = APIRouter(prefix="/v1", tags=["scoring"])
    batch_model = batch_request_model(max_batch_items)
    gate = CpuGate()

    @router.post(
        "/score",
        response_model=ReportOut,
        response_model_exclude_unset=True,
        summary="Score one article",
        description=POLICY,
        responses={
            200: {"content": {"application/json": {"examples": SCORE_RESPONSE_EXAMPLES}}},
            **error_responses(400, 401, 413, 415, 422, 503),
        },
    )
    async def score(
        article: Annotated[ArticleInput, Body(openapi_examples=SCORE_REQUEST_EXAMPLES)],
        engine: EngineDep,
        settings: SettingsDep,
        metrics: MetricsDep,
        explain: ExplainQuery = True,
        features: FeaturesQuery = False,
    ) -> dict[str, Any]:
        """Return a calibrated reliability, a verdict and the evidence for one article."""
        check_text_limits(article, settings.max_text_chars)
        report = await gate.run(engine.score, article, explain)
        metrics.observe_score(report.verdict, report.reliability)
        return report.to_dict(include_features=features)

    @router.post(
        "/score/batch",
        response_model=BatchResponse,
        response_model_exclude_unset=True,
        summary="Score several articles",
        description=(
            f"Score 1 to {max_batch_items} articles; reports come back in the order sent. "
            "If any article is invalid the whole batch is answered with 422 (or 413 for size) "
            f"and `detail` names it as `articles[i]`. {POLICY}"
        ),
        responses={
            200: {"content": {"application/json": {"examples": BATCH_RESPONSE_EXAMPLES}}},
            **error_responses(400, 401, 413, 415, 422, 503),
        },
    )
    async def score_batch(
        batch: Annotated[batch_model, Body(openapi_examples=BATCH_REQUEST_EXAMPLES)],  # type: ignore[valid-type]
        engine: EngineDep,
        settings: SettingsDep,
        metrics: MetricsDep,
        explain: ExplainQuery = True,
        features: FeaturesQuery = False,
    ) -> dict[str, Any]:
        """Return one report per article, in the order the articles were sent."""
        articles = cast(BatchRequest, batch).articles
        for index, article in enumerate(articles):
            check_text_limits(article, settings.max_text_chars, where=f"articles[{index}].")
        reports = await gate.run(score_all, engine, articles, explain)
        for report in reports:
            metrics.observe_score(report.verdict, report.reliability)
        return {"reports": [report.to_dict(include_features=features) for report in reports]}

    return router
