"""What scoring needs to know. Every value can be set with a ``MIZAN_`` environment variable.

The server's own settings (address, processes, API keys, request limits) extend this class in
:mod:`mizan.service.settings`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

MAX_TEXT_CHARS = 200_000
"""The library's ceiling on an article's text, in characters: the one definition of it.

Two layers hold an article's length, and this constant binds them:

* The library enforces this ceiling. :class:`~mizan.detector.article.ArticleInput` rejects a
  ``body`` longer than it (and an ``html`` over five times it) as a validation error, and
  :func:`~mizan.detector.article.parse_article` rejects the text it parses when longer
  (:class:`~mizan.detector.errors.InvalidArticleError`); nothing is ever truncated. Stores built
  with :func:`~mizan.detector.store.pipeline.ingest_articles` (training's) use it, so they do not
  depend on a server setting.
* The applications enforce :attr:`Settings.max_text_chars` (``MIZAN_MAX_TEXT_CHARS``,
  default :data:`DEFAULT_MAX_TEXT_CHARS`) through :mod:`mizan.detector.contract`: the API answers a
  longer ``body`` (or an ``html`` over five times it) with 413, ``mizan score``, ``mizan
  batch`` and ``mizan ingest`` reject the article or row. The setting may not exceed this
  ceiling, so the limit an application announces is the one that applies.
"""

DEFAULT_MAX_TEXT_CHARS = 100_000
"""The default of ``MIZAN_MAX_TEXT_CHARS``: half the library's :data:`MAX_TEXT_CHARS`."""


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
    max_text_chars: int = Field(
        default=DEFAULT_MAX_TEXT_CHARS,
        ge=100,
        le=MAX_TEXT_CHARS,
        description="Longest article body the applications accept, in characters (five "
        "times that for HTML); at most the library's ceiling, MAX_TEXT_CHARS.",
    )
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
