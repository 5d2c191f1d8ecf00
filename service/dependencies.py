"""Dependencies the routers share: the settings, the metrics, the engine and the scorer.

They are ``async def``: FastAPI runs a plain ``def`` dependency in the thread pool, a
thread hop per dependency per request for what is an attribute read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from mizan.detector.engine import DetectorEngine
from mizan.service.metrics import ServiceMetrics
from mizan.service.runtime import EngineSlot
from mizan.service.scorers import Scorer
from mizan.service.settings import ServiceSettings

RETRY_AFTER_SECONDS = "5"


async def get_app_settings(request: Request) -> ServiceSettings:
    """Return the settings the app was created with."""
    settings: ServiceSettings = request.app.state.settings
    return settings


async def get_metrics(request: Request) -> ServiceMetrics:
    """Return the app's metrics."""
    metrics: ServiceMetrics = request.app.state.metrics
    return metrics


async def get_engine_slot(request: Request) -> EngineSlot:
    """Return the slot that holds the engine once it is loaded."""
    slot: EngineSlot = request.app.state.engine_slot
    return slot


def not_ready_detail(slot: EngineSlot) -> str:
    """Say why the engine cannot answer yet."""
    if slot.status == "failed":
        return f"the detector engine failed to load: {slot.error}"
    return "the model is still loading; retry in a few seconds"


async def get_engine(slot: Annotated[EngineSlot, Depends(get_engine_slot)]) -> DetectorEngine:
    """Return the loaded engine, or answer 503 while it is loading (or failed to load)."""
    engine = slot.engine
    if engine is None:
        raise HTTPException(
            status_code=503,
            detail=not_ready_detail(slot),
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )
    return engine


async def get_scorer(request: Request) -> Scorer:
    """Return the app's scorer (scoring thread or scoring processes)."""
    scorer: Scorer = request.app.state.scorer
    return scorer


SettingsDep = Annotated[ServiceSettings, Depends(get_app_settings)]
MetricsDep = Annotated[ServiceMetrics, Depends(get_metrics)]
EngineDep = Annotated[DetectorEngine, Depends(get_engine)]
EngineSlotDep = Annotated[EngineSlot, Depends(get_engine_slot)]
ScorerDep = Annotated[Scorer, Depends(get_scorer)]
