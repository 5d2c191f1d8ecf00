"""``POST /v1/articles`` (store a published article), ``GET /v1/articles/{id}`` and authors.

Stored articles are the memory behind the beat and templating signals: an author's earlier
topics and the outlet's archive of near-duplicates. Storing is idempotent by id: sending an
article whose id is already stored answers 200 with ``"stored": false`` and changes nothing;
a new article answers 201. An article without an id gets a content id (``sha256-...``).

The store is opened from ``MIZAN_STORE_URL`` the first time a request needs it, unless the
app already holds one in ``app.state.store``.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from mizan.detector.article import ArticleInput
from mizan.detector.store import ArticleStore, StoreResult, parse_byline
from mizan.service.dependencies import SettingsDep
from mizan.service.routers.scoring import check_text_limits
from mizan.service.schemas import ErrorOut, error_responses

router = APIRouter(prefix="/v1", tags=["articles"])

_store_lock = threading.Lock()

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No stored article or author of that name."}
}


async def get_store(request: Request) -> ArticleStore:
    """Return the app's article store, opening the one the settings name on first use."""
    store: ArticleStore | None = getattr(request.app.state, "store", None)
    if store is not None:
        return store
    with _store_lock:
        store = getattr(request.app.state, "store", None)
        if store is None:
            store = ArticleStore.from_settings(request.app.state.settings)
            request.app.state.store = store
    return store


StoreDep = Annotated[ArticleStore, Depends(get_store)]


# --- shapes ---------------------------------------------------------------------------------


class AuthorOut(BaseModel):
    """An author found in a byline."""

    key: str = Field(description="Matching key: the same for every spelling of the name.")
    display: str = Field(description="The name as written, without dateline and prefixes.")
    kind: str = Field(description="person, agency (wire service) or desk (newsroom desk).")


class StoredOut(BaseModel):
    """What happened to an article sent to the store."""

    id: str = Field(description="The article id (the caller's, or a content id).")
    stored: bool = Field(description="False when an article with this id was already stored.")
    authors: list[str] = Field(description="Author keys the article is filed under.")


class StoreBatchIn(BaseModel):
    """Several published articles stored in one transaction."""

    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleInput] = Field(min_length=1)


class StoreBatchOut(BaseModel):
    """One result per article, in the order sent."""

    results: list[StoredOut]


class StoredArticleOut(BaseModel):
    """A stored article with what the store derived from it."""

    id: str
    title: str
    body: str
    outlet: str | None
    url: str | None
    author: str | None
    author_bio: str | None
    authors: list[str]
    language: str
    published_at: str | None = Field(description="Publication time in UTC (ISO 8601).")
    ingested_at: str
    topic: str | None
    topic_probabilities: dict[str, float]
    word_count: int


class AuthorProfileOut(BaseModel):
    """What the store knows of an author from their stored articles."""

    byline: str
    authors: list[AuthorOut] = Field(description="Every author the byline names.")
    author: str = Field(description="The author profiled: the byline's first person.")
    kind: str
    article_count: int
    topic_counts: dict[str, int] = Field(description="Articles per most probable topic.")
    topic_shares: dict[str, float] = Field(description="Mean topic probabilities.")
    articles_per_day: float
    bio: str | None
    bio_topic: str | None = Field(description="The beat read from the bio, when clear.")
    first_seen: str | None
    last_seen: str | None


def _stored_out(result: StoreResult) -> dict[str, Any]:
    return {"id": result.id, "stored": result.stored, "authors": list(result.authors)}


# --- routes ---------------------------------------------------------------------------------


@router.post(
    "/articles",
    response_model=StoredOut,
    status_code=201,
    summary="Store a published article",
    responses={
        200: {"model": StoredOut, "description": "Already stored: nothing changed."},
        **error_responses(400, 401, 413, 415, 422),
    },
)
async def store_article(
    article: Annotated[ArticleInput, Body()],
    store: StoreDep,
    settings: SettingsDep,
    response: Response,
) -> dict[str, Any]:
    """Store an article that was published, for author profiles and outlet near-duplicates."""
    check_text_limits(article, settings.max_text_chars)
    result = await run_in_threadpool(store.add, article)
    if not result.stored:
        response.status_code = 200
    return _stored_out(result)


@router.post(
    "/articles/batch",
    response_model=StoreBatchOut,
    summary="Store several published articles",
    responses=error_responses(400, 401, 413, 415, 422),
)
async def store_articles(
    batch: Annotated[StoreBatchIn, Body()], store: StoreDep, settings: SettingsDep
) -> dict[str, Any]:
    """Store up to ``MIZAN_MAX_BATCH_ITEMS`` articles in one transaction (all or none)."""
    if len(batch.articles) > settings.max_batch_items:
        raise HTTPException(
            status_code=413,
            detail=(
                f"too many articles in one batch: {len(batch.articles)}; "
                f"the limit is {settings.max_batch_items}"
            ),
        )
    for index, article in enumerate(batch.articles):
        check_text_limits(article, settings.max_text_chars, where=f"articles[{index}].")
    results = await run_in_threadpool(store.add_many, batch.articles)
    return {"results": [_stored_out(result) for result in results]}


@router.get(
    "/articles/{article_id}",
    response_model=StoredArticleOut,
    summary="Read a stored article",
    responses={**error_responses(401), **NOT_FOUND},
)
async def read_article(article_id: str, store: StoreDep) -> dict[str, Any]:
    """Return a stored article (to show it again or score it again)."""
    found = await run_in_threadpool(store.get_article, article_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no stored article has the id {article_id!r}")
    return found.to_dict()


@router.get(
    "/authors",
    response_model=AuthorProfileOut,
    summary="Profile the author of a byline",
    responses={**error_responses(401, 422), **NOT_FOUND},
)
async def author_profile(
    store: StoreDep,
    byline: Annotated[
        str,
        Query(min_length=1, max_length=500, description="A byline as printed, or a name."),
    ],
) -> dict[str, Any]:
    """Return the stored profile of the first person a byline names (or its agency/desk)."""
    names = parse_byline(byline)
    if not names:
        raise HTTPException(status_code=422, detail=f"byline {byline!r} names no author")
    profile = await run_in_threadpool(store.author_profile, byline)
    if profile is None:
        raise HTTPException(status_code=404, detail=f"no stored articles by {names[0].display!r}")
    return {
        "byline": byline,
        "authors": [{"key": n.key, "display": n.display, "kind": n.kind} for n in names],
        "author": profile.author,
        "kind": profile.kind,
        "article_count": profile.article_count,
        "topic_counts": dict(profile.topic_counts),
        "topic_shares": {topic: round(share, 4) for topic, share in profile.topic_shares.items()},
        "articles_per_day": round(profile.articles_per_day, 3),
        "bio": profile.bio,
        "bio_topic": profile.bio_topic,
        "first_seen": profile.first_seen,
        "last_seen": profile.last_seen,
    }
