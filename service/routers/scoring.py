"""``POST /v1/score`` and ``POST /v1/score/batch``.

Scoring is CPU-bound, so it never runs on the event loop: the app's scorer
(:mod:`mizan.service.scorers`) runs it in a scoring thread or in the scoring processes.
"""

# No ``from __future__ import annotations`` here: the batch body model is built per app
# (its item limit comes from the settings) and FastAPI must see it as a real annotation.

from collections.abc import Sequence
from typing import Annotated, cast

from fastapi import APIRouter, Body, HTTPException, Query, Response

from mizan.detector.article import ArticleInput
from mizan.detector.contract import text_limit_problem
from mizan.service.dependencies import (
    RETRY_AFTER_SECONDS,
    EngineDep,
    MetricsDep,
    ScorerDep,
    SettingsDep,
)
from mizan.service.schemas import (
    BATCH_REQUEST_EXAMPLES,
    SCORE_REQUEST_EXAMPLES,
    BatchRequest,
    BatchResponse,
    ReportOut,
    batch_request_model,
    error_responses,
)
from mizan.service.scorers import Scored, Scorer, ScorerUnavailable

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
    """Answer 413 when the article's text is longer than the contract's limit."""
    problem = text_limit_problem(article, max_text_chars)
    if problem is not None:
        raise HTTPException(status_code=413, detail=f"{where}{problem}")


JSON = "application/json"


async def run_scorer(
    scorer: Scorer,
    articles: Sequence[ArticleInput],
    explain: bool,
    include_features: bool,
    batch: bool,
) -> list[Scored]:
    """Score with ``scorer``; answer 503 while the scoring processes (re)start."""
    try:
        return await scorer.score(articles, explain, include_features, batch)
    except ScorerUnavailable as error:
        raise HTTPException(
            status_code=503, detail=str(error), headers={"Retry-After": RETRY_AFTER_SECONDS}
        ) from error


def build_router(max_batch_items: int) -> APIRouter:
    """Build the scoring router; the batch body allows at most ``max_batch_items`` articles."""
    router = APIRouter(prefix="/v1", tags=["scoring"])
    batch_model = batch_request_model(max_batch_items)

    @router.post(
        "/score",
        response_model=ReportOut,
        response_model_exclude_unset=True,
        summary="Score one article",
        description=POLICY,
        responses=error_responses(400, 401, 413, 415, 422, 503),
    )
    async def score(
        article: Annotated[ArticleInput, Body(openapi_examples=SCORE_REQUEST_EXAMPLES)],
        _engine: EngineDep,
        scorer: ScorerDep,
        settings: SettingsDep,
        metrics: MetricsDep,
        explain: ExplainQuery = True,
        features: FeaturesQuery = False,
    ) -> Response:
        """Return a calibrated reliability, a verdict and the evidence for one article."""
        check_text_limits(article, settings.max_text_chars)
        [scored] = await run_scorer(scorer, [article], explain, features, batch=False)
        metrics.observe_score(scored.verdict, scored.reliability)
        return Response(content=scored.body, media_type=JSON)

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
        responses=error_responses(400, 401, 413, 415, 422, 503),
    )
    async def score_batch(
        batch: Annotated[batch_model, Body(openapi_examples=BATCH_REQUEST_EXAMPLES)],  # type: ignore[valid-type]
        _engine: EngineDep,
        scorer: ScorerDep,
        settings: SettingsDep,
        metrics: MetricsDep,
        explain: ExplainQuery = True,
        features: FeaturesQuery = False,
    ) -> Response:
        """Return one report per article, in the order the articles were sent."""
        articles = cast(BatchRequest, batch).articles
        for index, article in enumerate(articles):
            check_text_limits(article, settings.max_text_chars, where=f"articles[{index}].")
        scored = await run_scorer(scorer, articles, explain, features, batch=True)
        for item in scored:
            metrics.observe_score(item.verdict, item.reliability)
        body = b'{"reports":[' + b",".join(item.body for item in scored) + b"]}"
        return Response(content=body, media_type=JSON)

    return router
