"""Turning a published article into what the store keeps: :func:`prepare_article`.

Preparation is pure CPU work (parsing, normalisation, the MinHash signature, topic
probabilities) and needs no database, so ingest runs it in worker processes and only the
writing happens in the process that holds the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from functools import lru_cache

import numpy as np

from mizan.detector.article import ArticleInput, parse_article
from mizan.detector.errors import InvalidArticleError, ModelBundleError
from mizan.detector.store.lsh import (
    fingerprint_of_normalized,
    matching_text,
    normalized_outlet,
    signature_bytes,
)
from mizan.detector.store.names import AuthorName, parse_byline
from mizan.detector.topics import TOPICS, default_topic_classifier

TopicScorer = Callable[[str, str | None], Mapping[str, float]]
"""Topic probabilities of normalised text: ``scorer(normalized_text, language)``."""

BIO_TOPIC_MIN_PROBABILITY = 0.4
"""The beat read from a bio is its most probable topic, when at least this probable."""

MAX_FIELD_CHARS = 500
"""Longest outlet and byline kept (the limits of ``ArticleInput`` and of the columns)."""

EARLIEST_PUBLICATION = dt.datetime(1900, 1, 1)
LATEST_PUBLICATION = dt.datetime(2100, 1, 1)


def utc_now() -> dt.datetime:
    """Return the current UTC time as a naive datetime (how the store keeps times)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def parse_published_at(value: str | None) -> dt.datetime | None:
    """Read a publication time: ISO 8601 (date or date and time) or an RFC 2822 date.

    Times with a zone are converted to UTC; times without one are taken as UTC. The
    result is a naive UTC datetime, or ``None`` for a missing value.

    Raises:
        InvalidArticleError: the value is not a date, or lies before 1900 or after 2100.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    moment: dt.datetime | None = None
    try:
        moment = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            moment = None
    if moment is None:
        raise InvalidArticleError(
            f"published_at {value!r} is not a date: use ISO 8601, e.g. 2015-07-21 or "
            "2015-07-21T02:51:32+03:00"
        )
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    if not EARLIEST_PUBLICATION <= moment < LATEST_PUBLICATION:
        raise InvalidArticleError(f"published_at {value!r} is outside the years 1900 to 2099")
    return moment


def content_id(article: ArticleInput | Mapping[str, object]) -> str:
    """Return a stable id for an article sent without one (hash of outlet, title and text).

    The same article gives the same id however often it is sent, so storing it again is a
    no-op; two different archives that both lack ids cannot collide.
    """
    fields = article.model_dump() if isinstance(article, ArticleInput) else article
    digest = hashlib.sha256()
    for name in ("outlet", "title", "body", "html"):
        value = fields.get(name)
        digest.update((value if isinstance(value, str) else "").encode("utf-8"))
        digest.update(b"\x00")
    return "sha256-" + digest.hexdigest()[:32]


@dataclass(frozen=True)
class PreparedArticle:
    """One article ready to be written: its fields, authors, topics and signature."""

    id: str
    outlet: str | None
    outlet_key: str | None
    title: str
    body: str
    url: str | None
    author: str | None
    author_bio: str | None
    authors: tuple[AuthorName, ...]
    language: str
    published_at: dt.datetime | None
    topic_probabilities: Mapping[str, float] | None
    bio_topic: str | None
    signature: bytes
    word_count: int
    ingested_at: dt.datetime = field(default_factory=utc_now)

    @property
    def topic(self) -> str | None:
        """The most probable topic, or ``None`` when topics were not computed."""
        if not self.topic_probabilities:
            return None
        return max(self.topic_probabilities.items(), key=lambda item: item[1])[0]

    @property
    def published_epoch(self) -> int | None:
        """Publication time in epoch seconds (UTC), or ``None``."""
        if self.published_at is None:
            return None
        return int(self.published_at.replace(tzinfo=dt.UTC).timestamp())

    def signature_values(self) -> np.ndarray:
        """Return the MinHash values as an array."""
        return np.frombuffer(self.signature, dtype="<u4").astype(np.uint32)


def bio_topic(bio: str | None, topics: TopicScorer | None) -> str | None:
    """Return the beat read from an author bio: its most probable topic, if probable enough."""
    if not bio or not bio.strip() or topics is None:
        return None
    probabilities = topics(matching_text(bio), None)
    if not probabilities:
        return None
    topic, probability = max(probabilities.items(), key=lambda item: item[1])
    return topic if probability >= BIO_TOPIC_MIN_PROBABILITY else None


def prepare_article(
    article: ArticleInput, topics: TopicScorer | None = None, article_id: str | None = None
) -> PreparedArticle:
    """Parse ``article`` and compute everything the store keeps about it.

    The signature is taken over the article text without boilerplate
    (``Document.content_text``), the same text the templating signal asks about.

    Args:
        article: The published article.
        topics: Topic scorer; ``None`` stores the article without topic probabilities.
        article_id: The id to store it under; default: ``article.id``, else
            :func:`content_id`.

    Raises:
        InvalidArticleError: no article text, or a bad ``published_at``.
    """
    doc = parse_article(article)
    identifier = article_id or article.id or content_id(article)
    if not identifier.strip():
        raise InvalidArticleError("an article id must not be blank")
    published_at = parse_published_at(doc.published_at)
    normalized_content = matching_text(doc.content_text)
    prints = fingerprint_of_normalized(normalized_content)
    probabilities: Mapping[str, float] | None = None
    if topics is not None:
        language = doc.language if doc.language in ("ar", "en") else None
        probabilities = dict(topics(matching_text(doc.title) + "\n" + normalized_content, language))
    authors = tuple(parse_byline(doc.author))
    # Metadata read from HTML has no length limit; the columns do.
    outlet = doc.outlet[:MAX_FIELD_CHARS] if doc.outlet else None
    outlet_key = normalized_outlet(outlet)
    return PreparedArticle(
        id=identifier,
        outlet=outlet,
        outlet_key=outlet_key[:MAX_FIELD_CHARS] if outlet_key else None,
        title=doc.title,
        body=doc.body,
        url=doc.url,
        author=doc.author[:MAX_FIELD_CHARS] if doc.author else None,
        author_bio=doc.author_bio,
        authors=authors,
        language=doc.language,
        published_at=published_at,
        topic_probabilities=probabilities,
        bio_topic=bio_topic(doc.author_bio, topics),
        signature=signature_bytes(prints.signature),
        word_count=len(prints.words),
    )


@lru_cache(maxsize=1)
def default_topic_scorer() -> TopicScorer | None:
    """Return the shipped topic classifier as a scorer, or ``None`` when no bundle exists."""
    try:
        classifier = default_topic_classifier()
    except (ModelBundleError, OSError):
        return None

    def scorer(normalized_text: str, language: str | None) -> Mapping[str, float]:
        vector = classifier.probabilities_of_normalized(normalized_text, language)
        return {topic: float(value) for topic, value in zip(TOPICS, vector, strict=True)}

    return scorer
