"""Operational endpoints: liveness, readiness and Prometheus metrics (never behind a key)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from mizan.service.dependencies import (
    RETRY_AFTER_SECONDS,
    EngineSlotDep,
    MetricsDep,
    not_ready_detail,
)
from mizan.service.errors import error_response
from mizan.service.metrics import CONTENT_TYPE_LATEST
from mizan.service.schemas import Health, ModelRef, Readiness, error_responses

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health, summary="Liveness probe")
async def healthz() -> Health:
    """Answer 200 as long as the process serves requests, even while the model loads."""
    return Health()


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Readiness probe",
    responses=error_responses(503),
)
async def readyz(request: Request, slot: EngineSlotDep) -> Readiness | Response:
    """Answer 200 once the engine and every scoring process are loaded, else 503 and why.

    503 also while crashed scoring processes restart.
    """
    engine = slot.engine
    scorer = request.app.state.scorer
    if engine is None or not scorer.ready:
        detail = not_ready_detail(slot) if engine is None else scorer.not_ready_reason
        headers = {"Retry-After": RETRY_AFTER_SECONDS}
        return error_response(503, detail, "not_ready", request.scope, headers=headers)
    return Readiness(model=ModelRef(name=engine.model.name, version=engine.model.version))


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format."}},
)
async def metrics(service_metrics: MetricsDep) -> Response:
    """Return request counts, latencies, error kinds and verdict counts."""
    return Response(content=service_metrics.render(), media_type=CONTENT_TYPE_LATEST)
