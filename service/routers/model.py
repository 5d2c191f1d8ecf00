"""``GET /v1/model``: which model bundle answers, its thresholds, signals and features."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from mizan.service.dependencies import EngineDep
from mizan.service.schemas import ModelInfo, error_responses

router = APIRouter(prefix="/v1", tags=["model"])


@router.get(
    "/model",
    response_model=ModelInfo,
    summary="Describe the loaded model",
    responses=error_responses(401, 503),
)
async def model_info(engine: EngineDep) -> dict[str, Any]:
    """Return the model's name, version, verdict thresholds, signals and feature names."""
    return engine.model_info()
