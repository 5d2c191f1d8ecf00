"""What scoring needs to know. Every value can be set with a ``MIZAN_`` environment variable.

The server's own settings (address, processes, API keys, request limits) extend this class in
:mod:`service.settings`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Settings of scoring, shared by the library, the command line, training and the service."""

    model_config = SettingsConfigDict(env_prefix="MIZAN_", env_file=None, extra="ignore")

    model_dir: Path | None = Field(
        default=None, description="Model bundle folder; default: the bundle models/DEFAULT names."
    )
    models_root: Path = Field(default=REPO_ROOT / "models", description="Where bundles live.")
    corpora_dir: Path = Field(
        default=REPO_ROOT.parent / "shared" / "corpora", description="Labelled corpora."
    )
    store_url: str = Field(default="sqlite:///mizan.db", description="SQLAlchemy URL of the store.")
    max_text_chars: int = Field(default=100_000, ge=100)
    score_timeout_s: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="Scoring time budget for one article, in seconds: past it the service "
        "answers with an error and recycles the scoring process, and the batch command puts "
        "the row in its errors file.",
    )
    unreliable_below: float | None = Field(
        default=None, ge=0, le=1, description="Override the bundle's unreliable threshold."
    )
    reliable_above: float | None = Field(
        default=None, ge=0, le=1, description="Override the bundle's reliable threshold."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment."""
    return Settings()
