"""What a caller sends: :class:`ArticleInput`, one article's fields.

Its field limits are the library's ceiling (:data:`mizan.detector.settings.MAX_TEXT_CHARS` for
``body``, five times that for ``html``); the applications apply their own, lower limit
(``MIZAN_MAX_TEXT_CHARS``) through :mod:`mizan.detector.contract`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mizan.detector.settings import MAX_TEXT_CHARS


class ArticleInput(BaseModel):
    """One article as a caller sends it: any subset of fields, but a body or HTML is required."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    id: str | None = Field(default=None, max_length=256, description="Caller's article id.")
    title: str | None = Field(default=None, max_length=2_000)
    body: str | None = Field(
        default=None,
        max_length=MAX_TEXT_CHARS,
        description="Article body, or the raw page text as copied from a news site.",
    )
    html: str | None = Field(default=None, max_length=5 * MAX_TEXT_CHARS, description="Raw HTML.")
    url: str | None = Field(default=None, max_length=4_000)
    author: str | None = Field(default=None, max_length=500)
    author_bio: str | None = Field(default=None, max_length=5_000)
    outlet: str | None = Field(default=None, max_length=500)
    published_at: str | None = Field(default=None, max_length=64)
    language: Literal["ar", "en"] | None = Field(
        default=None, description="Language override; detected from the text when absent."
    )

    @model_validator(mode="after")
    def _needs_text(self) -> ArticleInput:
        if not (self.body and self.body.strip()) and not (self.html and self.html.strip()):
            raise ValueError("an article needs a non-empty 'body' (text or page text) or 'html'")
        return self
