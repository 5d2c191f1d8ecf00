"""The server's settings: the scoring settings plus address, processes, API keys and limits.

Every value can be set with a ``MIZAN_`` environment variable, as the scoring settings of
:mod:`mizan.detector.settings` that this class extends.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from mizan.detector.settings import Settings


class ServiceSettings(Settings):
    """Settings of the HTTP API and ``mizan serve``, on top of the scoring settings."""

    api_keys: list[str] = Field(default_factory=list, description="Accepted X-API-Key values.")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64, description="uvicorn worker processes.")
    scorers: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Scoring processes per server process, fed from one queue; 0: score in "
        "a thread of the server process (`mizan serve` defaults to one per CPU).",
    )
    log_level: str = "info"
    max_body_bytes: int = Field(default=1_000_000, ge=1_000)
    max_batch_items: int = Field(default=100, ge=1)


@lru_cache(maxsize=1)
def get_settings() -> ServiceSettings:
    """Return the server's settings, read once from the environment."""
    return ServiceSettings()
