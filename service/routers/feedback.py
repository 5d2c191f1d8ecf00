"""``POST /v1/feedback`` (an editor's verdict on an article) and ``GET /v1/feedback`` (export).

Feedback is written to the article store in its own transaction before the answer is sent,
so it survives a restart. Each submission is kept (an editor may change their mind; the
latest verdict per article is the one training uses). The article itself may be sent along
as it was scored, so feedback on articles that are not in the archive can still be learnt
from.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from mizan.detector.article import ArticleInput
from mizan.detector.store import FeedbackEntry, FeedbackRecord
from mizan.detector.store.archive import MAX_NOTE_CHARS
from mizan.detector.store.schema import ID_LENGTH, REVIEWER_LENGTH
from mizan.service.routers.articles import StoreDep
from mizan.service.schemas import error_responses

router = APIRouter(prefix="/v1", tags=["feedback"])

Verdict = Literal["unreliable", "review", "reliable"]
MAX_EXPORT_ROWS = 10_000
MAX_RECORD_ID = 2**63 - 1
"""Largest record id a 64-bit database integer holds; larger query values are refused (422)."""


class FeedbackIn(BaseModel):
    """An editor's verdict on an article."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    article_id: str = Field(min_length=1, max_length=ID_LENGTH, description="The article's id.")
    verdict: Verdict = Field(description="The editor's verdict.")
    reviewer_id: str = Field(
        min_length=1, max_length=REVIEWER_LENGTH, description="Who gives the verdict."
    )
    note: str | None = Field(default=None, max_length=MAX_NOTE_CHARS, description="Why.")
    model_verdict: Verdict | None = Field(
        default=None, description="The model's verdict that the editor confirms or overrules."
    )
    model_version: str | None = Field(
        default=None, max_length=64, description="The model version that gave it."
    )
    article: ArticleInput | None = Field(
        default=None, description="The article as it was scored (optional)."
    )


class FeedbackOut(BaseModel):
    """A stored feedback record."""

    id: int = Field(description="Increasing record number; use it to page the export.")
    article_id: str
    verdict: Verdict
    note: str | None
    reviewer_id: str
    model_verdict: Verdict | None
    model_version: str | None
    article: dict[str, Any] | None
    created_at: str = Field(description="When it was stored, UTC (ISO 8601).")


class FeedbackPage(BaseModel):
    """Feedback records in the order they were given."""

    feedback: list[FeedbackOut]
    next_after_id: int | None = Field(
        description="Pass as after_id to read the next page; null on the last page."
    )


FEEDBACK_EXAMPLES: dict[str, dict[str, Any]] = {
    "overrule": {
        "summary": "An editor overrules the model (Arabic note)",
        "value": {
            "article_id": "ar-2211",
            "verdict": "unreliable",
            "reviewer_id": "desk-editor-7",
            "note": "الخبير المذكور لا ينتمي إلى أي جامعة معروفة",
            "model_verdict": "review",
        },
    },
    "confirm": {
        "summary": "An editor confirms the model",
        "value": {
            "article_id": "en-1042",
            "verdict": "unreliable",
            "reviewer_id": "j.doe",
            "model_verdict": "unreliable",
        },
    },
}


def _out(record: FeedbackRecord) -> dict[str, Any]:
    return record.to_dict()


@router.post(
    "/feedback",
    response_model=FeedbackOut,
    status_code=201,
    summary="Record an editor's verdict",
    responses=error_responses(400, 401, 413, 415, 422),
)
async def add_feedback(
    feedback: Annotated[FeedbackIn, Body(openapi_examples=FEEDBACK_EXAMPLES)],
    store: StoreDep,
) -> dict[str, Any]:
    """Store a verdict; it is kept across restarts and exported by ``GET /v1/feedback``."""
    entry = FeedbackEntry(
        article_id=feedback.article_id,
        verdict=feedback.verdict,
        reviewer_id=feedback.reviewer_id,
        note=feedback.note or None,
        model_verdict=feedback.model_verdict,
        model_version=feedback.model_version,
        article=(
            feedback.article.model_dump(exclude_none=True) if feedback.article is not None else None
        ),
    )
    record = await run_in_threadpool(store.add_feedback, entry)
    return _out(record)


@router.get(
    "/feedback",
    response_model=FeedbackPage,
    summary="Export editor feedback",
    responses=error_responses(401, 422),
)
async def export_feedback(
    store: StoreDep,
    after_id: Annotated[
        int, Query(ge=0, le=MAX_RECORD_ID, description="Return records after this id.")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_EXPORT_ROWS, description="Records per page.")] = 1000,
    article_id: Annotated[str | None, Query(max_length=ID_LENGTH)] = None,
    verdict: Verdict | None = None,
    reviewer_id: Annotated[str | None, Query(max_length=REVIEWER_LENGTH)] = None,
    since: Annotated[
        dt.datetime | None, Query(description="Only records stored at or after this time.")
    ] = None,
) -> dict[str, Any]:
    """Return stored feedback, oldest first, one page at a time."""
    if since is not None and since.tzinfo is not None:
        since = since.astimezone(dt.UTC).replace(tzinfo=None)
    records = await run_in_threadpool(
        lambda: store.list_feedback(
            after_id=after_id,
            limit=limit,
            article_id=article_id,
            verdict=verdict,
            reviewer_id=reviewer_id,
            since=since,
        )
    )
    next_after_id = records[-1].id if len(records) == limit else None
    return {"feedback": [_out(record) for record in records], "next_after_id": next_after_id}
