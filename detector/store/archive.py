"""The article store: published articles, author profiles, the outlet archive and feedback.

:class:`ArticleStore` implements :class:`~detector.signals.base.ArticleMemory`, so it can be
handed to ``DetectorEngine(memory=store)``. One interface, any SQLAlchemy database: a SQLite
file by default, PostgreSQL by URL.

Writing is transactional: a batch of articles, their author links and the author counters
are committed together or not at all, so killing a process during ingest loses only the
batch in flight and leaves every count consistent with the stored articles. Ingest is
idempotent by article id: an id already stored is skipped (``INSERT ... ON CONFLICT DO
NOTHING``), also when two processes ingest the same rows at once.

The near-duplicate index (:class:`~detector.store.lsh.ArchiveIndex`) lives in memory. It is
built from the database on first use (or by :meth:`ArticleStore.build_index`), updated at
once by this process's own writes, and picks up rows that other processes wrote at most
``refresh_interval_s`` seconds later.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from sqlalchemy import (
    JSON,
    ColumnElement,
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from detector.article import ArticleInput
from detector.errors import InvalidArticleError
from detector.settings import Settings, get_settings
from detector.signals.base import ArchiveMatch, AuthorProfile
from detector.store import schema
from detector.store.database import StoreError, create_store_engine
from detector.store.lsh import (
    MATCH_SIMILARITY,
    ArchiveIndex,
    LshBackend,
    fingerprint,
    normalized_outlet,
    shared_passage,
    signature_from_bytes,
)
from detector.store.migrations import LATEST_VERSION, WRITE_OPTION, current_version, upgrade
from detector.store.names import parse_byline, primary_author
from detector.store.records import (
    PreparedArticle,
    TopicScorer,
    default_topic_scorer,
    prepare_article,
    utc_now,
)

VERDICTS: tuple[str, ...] = ("unreliable", "review", "reliable")
"""Verdicts an editor can give (the same words as a report's verdict)."""

MAX_NOTE_CHARS = 5_000
INDEX_LOAD_ROWS = 10_000
"""Rows read per query while (re)building the index."""

REFRESH_LOOKBACK_ROWS = 5_000
"""On refresh, rows this far behind the newest indexed one are read again: on PostgreSQL a
transaction that took a lower number may commit after a higher one was already read."""

PASSAGE_MATCHES = 3
"""Shared passages are extracted for this many of the most similar matches."""

_PARAMETER_CHUNK = 500


def _epoch(moment: dt.datetime | None) -> int | None:
    return None if moment is None else int(moment.replace(tzinfo=dt.UTC).timestamp())


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.replace(tzinfo=dt.UTC).isoformat()


def _iso_from_epoch(seconds: int | None) -> str | None:
    if seconds is None:
        return None
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat()


def _chunks(items: Sequence[Any], size: int = _PARAMETER_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredArticle:
    """An article as the store keeps it."""

    id: str
    title: str
    body: str
    outlet: str | None
    url: str | None
    author: str | None
    author_bio: str | None
    authors: tuple[str, ...]
    language: str
    published_at: str | None
    ingested_at: str
    topic: str | None
    topic_probabilities: Mapping[str, float] | None
    word_count: int

    def to_dict(self) -> dict[str, Any]:
        """Return the article as JSON-ready data."""
        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "outlet": self.outlet,
            "url": self.url,
            "author": self.author,
            "author_bio": self.author_bio,
            "authors": list(self.authors),
            "language": self.language,
            "published_at": self.published_at,
            "ingested_at": self.ingested_at,
            "topic": self.topic,
            "topic_probabilities": dict(self.topic_probabilities or {}),
            "word_count": self.word_count,
        }

    def as_input(self) -> ArticleInput:
        """Return the article as an :class:`ArticleInput`, to score it again."""
        return ArticleInput(
            id=self.id,
            title=self.title or None,
            body=self.body,
            url=self.url,
            author=self.author,
            author_bio=self.author_bio,
            outlet=self.outlet,
            published_at=self.published_at,
            language="ar" if self.language == "ar" else "en" if self.language == "en" else None,
        )


@dataclass(frozen=True)
class StoreResult:
    """What happened to one article sent to the store."""

    id: str
    stored: bool
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedbackEntry:
    """An editor's verdict on an article, before it is stored.

    Attributes:
        article_id: The article the verdict is about (stored or only scored).
        verdict: ``"unreliable"``, ``"review"`` or ``"reliable"``.
        reviewer_id: Who gave the verdict.
        note: Why, in the editor's words.
        model_verdict: The verdict the model gave, when the editor confirms or overrules it.
        model_version: The model version that gave it.
        article: The article as it was scored (its ArticleInput fields), so training can use
            feedback on articles that are not in the archive.
    """

    article_id: str
    verdict: str
    reviewer_id: str
    note: str | None = None
    model_verdict: str | None = None
    model_version: str | None = None
    article: Mapping[str, Any] | None = None

    def validated(self) -> FeedbackEntry:
        """Return the entry with text fields stripped, or raise on a bad value.

        Raises:
            InvalidArticleError: an empty id or reviewer, an unknown verdict, a long note.
        """
        article_id = self.article_id.strip()
        reviewer_id = self.reviewer_id.strip()
        note = self.note.strip() if self.note else None
        if not article_id or len(article_id) > schema.ID_LENGTH:
            raise InvalidArticleError(f"article_id must have 1 to {schema.ID_LENGTH} characters")
        if not reviewer_id or len(reviewer_id) > schema.REVIEWER_LENGTH:
            raise InvalidArticleError(
                f"reviewer_id must have 1 to {schema.REVIEWER_LENGTH} characters"
            )
        for name, value in (("verdict", self.verdict), ("model_verdict", self.model_verdict)):
            if value is not None and value not in VERDICTS:
                raise InvalidArticleError(f"{name} must be one of {', '.join(VERDICTS)}")
        if note is not None and len(note) > MAX_NOTE_CHARS:
            raise InvalidArticleError(
                f"note has {len(note)} characters; the limit is {MAX_NOTE_CHARS}"
            )
        article = dict(self.article) if self.article is not None else None
        if article is not None:
            ArticleInput.model_validate(article)
        return FeedbackEntry(
            article_id,
            self.verdict,
            reviewer_id,
            note or None,
            self.model_verdict,
            self.model_version,
            article,
        )


@dataclass(frozen=True)
class FeedbackRecord:
    """A stored feedback entry."""

    id: int
    created_at: str
    entry: FeedbackEntry

    def to_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready data."""
        entry = self.entry
        return {
            "id": self.id,
            "article_id": entry.article_id,
            "verdict": entry.verdict,
            "note": entry.note,
            "reviewer_id": entry.reviewer_id,
            "model_verdict": entry.model_verdict,
            "model_version": entry.model_version,
            "article": dict(entry.article) if entry.article is not None else None,
            "created_at": self.created_at,
        }


@dataclass
class _AuthorBatch:
    """Counters of one author over the articles of one batch."""

    display_name: str
    kind: str
    bio: str | None = None
    bio_topic: str | None = None
    article_count: int = 0
    dated_article_count: int = 0
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    first_published: dt.datetime | None = None
    last_published: dt.datetime | None = None
    topics: dict[str, list[float]] = field(default_factory=dict)

    def add(self, record: PreparedArticle, single_author: bool) -> None:
        seen = record.published_at or record.ingested_at
        self.article_count += 1
        self.first_seen = seen if self.first_seen is None else min(self.first_seen, seen)
        self.last_seen = seen if self.last_seen is None else max(self.last_seen, seen)
        if record.published_at is not None:
            published = record.published_at
            self.dated_article_count += 1
            if self.first_published is None or published < self.first_published:
                self.first_published = published
            if self.last_published is None or published > self.last_published:
                self.last_published = published
        # A bio under a byline of several authors cannot be told apart; keep only sole ones.
        if single_author and record.author_bio:
            self.bio, self.bio_topic = record.author_bio, record.bio_topic
        topic = record.topic
        if topic is not None and record.topic_probabilities:
            counters = self.topics.setdefault(topic, [0, 0.0])
            counters[0] += 1
            counters[1] += float(record.topic_probabilities[topic])


@lru_cache(maxsize=1)
def _author_queries() -> tuple[Select[Any], Select[Any]]:
    """Return the queries of :meth:`ArticleStore.author_profile`, built once.

    The profile: the author row once per topic row (or once, with no topics), for the
    ``author_key`` parameter; the excluded article: its topic and publication time, when it
    is ``article_id`` and filed under ``author_key``.
    """
    authors, author_topics = schema.authors, schema.author_topics
    articles, links = schema.articles, schema.article_authors
    profile = (
        select(
            authors,
            author_topics.c.topic,
            author_topics.c.article_count.label("topic_article_count"),
            author_topics.c.probability_sum,
        )
        .join(author_topics, author_topics.c.author_key == authors.c.key, isouter=True)
        .where(authors.c.key == bindparam("author_key"))
    )
    excluded = (
        select(articles.c.topic, articles.c.topic_probabilities, articles.c.published_at)
        .join(links, links.c.article_id == articles.c.id)
        .where(
            and_(
                articles.c.id == bindparam("article_id"),
                links.c.author_key == bindparam("author_key"),
            )
        )
    )
    return profile, excluded


@lru_cache(maxsize=1)
def _bodies_query() -> Select[Any]:
    """Return the query of the bodies of the articles whose ids are the ``ids`` parameter."""
    articles = schema.articles
    return select(articles.c.id, articles.c.body).where(
        articles.c.id.in_(bindparam("ids", expanding=True))
    )


def _earlier(current: ColumnElement[Any], new: ColumnElement[Any]) -> ColumnElement[Any]:
    """Return the earlier of two nullable times, in SQL that SQLite and PostgreSQL both run."""
    return case(
        (current.is_(None), new),
        (new.is_(None), current),
        (new < current, new),
        else_=current,
    )


def _later(current: ColumnElement[Any], new: ColumnElement[Any]) -> ColumnElement[Any]:
    return case(
        (current.is_(None), new),
        (new.is_(None), current),
        (new > current, new),
        else_=current,
    )


# --- the store ----------------------------------------------------------------------------


class ArticleStore:
    """Published articles, author profiles and the outlet archive, in one SQL database.

    Args:
        url: SQLAlchemy URL; ``sqlite:///mizan.db`` (a file, created on first use),
            ``sqlite://`` (in memory) or ``postgresql+psycopg://user@host/db``.
        topics: Topic scorer for stored articles; ``"default"``: the shipped topic
            classifier when its bundle exists; ``None``: store no topics.
        index_backend: LSH backend of the near-duplicate index (default: in memory).
        refresh_interval_s: How often the index looks for rows written by other processes.
        upgrade_schema: Upgrade an older database automatically (else refuse to open it).
    """

    def __init__(
        self,
        url: str = "sqlite:///mizan.db",
        *,
        topics: TopicScorer | Literal["default"] | None = "default",
        index_backend: LshBackend | None = None,
        refresh_interval_s: float = 1.0,
        upgrade_schema: bool = True,
    ) -> None:
        self.url = url
        self.engine = create_store_engine(url)
        self._writer = self.engine.execution_options(**{WRITE_OPTION: True})
        if upgrade_schema:
            upgrade(self.engine)
        else:
            version = self.schema_version
            if version != LATEST_VERSION:
                raise StoreError(
                    f"the store's schema is version {version}, this Mizan needs "
                    f"{LATEST_VERSION}; open it with upgrade_schema=True to upgrade"
                )
        self.topics: TopicScorer | None = (
            default_topic_scorer() if isinstance(topics, str) else topics
        )
        self.refresh_interval_s = refresh_interval_s
        self._index = ArchiveIndex(index_backend)
        self._index_lock = threading.Lock()
        self._index_ready = False
        self._indexed_seq = 0
        self._last_refresh = 0.0

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **options: Any) -> ArticleStore:
        """Open the store that ``settings.store_url`` names (``MIZAN_STORE_URL``)."""
        settings = settings or get_settings()
        return cls(settings.store_url, **options)

    def close(self) -> None:
        """Close every pooled database connection."""
        self.engine.dispose()

    def __enter__(self) -> ArticleStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def backend(self) -> str:
        """The database kind: ``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @property
    def schema_version(self) -> int:
        """The database's schema version."""
        with self.engine.connect() as connection:
            return current_version(connection)

    # -- writing -------------------------------------------------------------------------

    def prepare(self, article: ArticleInput, article_id: str | None = None) -> PreparedArticle:
        """Parse ``article`` and compute what the store keeps (no database access)."""
        return prepare_article(article, self.topics, article_id)

    def add(self, article: ArticleInput) -> StoreResult:
        """Store one published article (skipped when its id is already stored).

        Raises:
            InvalidArticleError: no article text or a bad ``published_at``.
        """
        record = self.prepare(article)
        stored = self.add_prepared([record])
        return StoreResult(record.id, bool(stored), tuple(name.key for name in record.authors))

    def add_many(self, articles: Iterable[ArticleInput]) -> list[StoreResult]:
        """Store several articles in one transaction; already stored ids are skipped."""
        records = [self.prepare(article) for article in articles]
        stored = set(self.add_prepared(records))
        results = []
        for record in records:
            results.append(
                StoreResult(
                    record.id, record.id in stored, tuple(name.key for name in record.authors)
                )
            )
            stored.discard(record.id)
        return results

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        """Return which of ``ids`` are already stored."""
        wanted = list(dict.fromkeys(ids))
        found: set[str] = set()
        articles = schema.articles
        with self.engine.connect() as connection:
            for chunk in _chunks(wanted):
                rows = connection.execute(select(articles.c.id).where(articles.c.id.in_(chunk)))
                found.update(row[0] for row in rows)
        return found

    def add_prepared(self, records: Sequence[PreparedArticle]) -> list[str]:
        """Write prepared articles in one transaction; return the ids newly stored."""
        unique: dict[str, PreparedArticle] = {}
        for record in records:
            unique.setdefault(record.id, record)
        if not unique:
            return []
        with self._writer.begin() as connection:
            inserted = self._insert_articles(connection, list(unique.values()))
            fresh = [record for record in unique.values() if record.id in inserted]
            self._insert_authors(connection, fresh)
        if fresh and self._index_ready:
            self._index.add_many(
                [record.id for record in fresh],
                [record.outlet_key for record in fresh],
                [record.published_epoch for record in fresh],
                np.stack([record.signature_values() for record in fresh]),
            )
        return [record.id for record in fresh]

    def _insert_statement(self, connection: Connection, table: Table) -> Any:
        dialect = connection.dialect.name
        if dialect == "sqlite":
            return sqlite.insert(table)
        if dialect == "postgresql":
            return postgresql.insert(table)
        raise StoreError(f"the store supports SQLite and PostgreSQL, not {dialect}")

    def _insert_articles(
        self, connection: Connection, records: Sequence[PreparedArticle]
    ) -> set[str]:
        rows = [
            {
                "id": record.id,
                "outlet": record.outlet,
                "outlet_key": record.outlet_key,
                "title": record.title,
                "body": record.body,
                "url": record.url,
                "author": record.author,
                "author_bio": record.author_bio,
                "language": record.language,
                "published_at": record.published_at,
                "ingested_at": record.ingested_at,
                "topic": record.topic,
                "topic_probabilities": (
                    dict(record.topic_probabilities) if record.topic_probabilities else None
                ),
                "signature": record.signature,
                "word_count": record.word_count,
            }
            for record in records
        ]
        articles = schema.articles
        statement = (
            self._insert_statement(connection, articles)
            .on_conflict_do_nothing(index_elements=[articles.c.id])
            .returning(articles.c.id)
        )
        return {row[0] for row in connection.execute(statement, rows)}

    def _insert_authors(self, connection: Connection, records: Sequence[PreparedArticle]) -> None:
        links: list[dict[str, Any]] = []
        batch: dict[str, _AuthorBatch] = {}
        for record in records:
            for position, name in enumerate(record.authors):
                links.append(
                    {"article_id": record.id, "author_key": name.key, "position": position}
                )
                counters = batch.get(name.key)
                if counters is None:
                    counters = batch[name.key] = _AuthorBatch(name.display, name.kind)
                counters.display_name, counters.kind = name.display, name.kind
                counters.add(record, single_author=len(record.authors) == 1)
        if not links:
            return
        connection.execute(insert(schema.article_authors), links)
        authors = schema.authors
        statement = self._insert_statement(connection, authors)
        new = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=[authors.c.key],
            set_={
                "display_name": new.display_name,
                "kind": new.kind,
                "bio": func.coalesce(new.bio, authors.c.bio),
                "bio_topic": case((new.bio.is_not(None), new.bio_topic), else_=authors.c.bio_topic),
                "article_count": authors.c.article_count + new.article_count,
                "dated_article_count": authors.c.dated_article_count + new.dated_article_count,
                "first_seen": _earlier(authors.c.first_seen, new.first_seen),
                "last_seen": _later(authors.c.last_seen, new.last_seen),
                "first_published": _earlier(authors.c.first_published, new.first_published),
                "last_published": _later(authors.c.last_published, new.last_published),
            },
        )
        connection.execute(
            statement,
            [
                {
                    "key": key,
                    "display_name": counters.display_name,
                    "kind": counters.kind,
                    "bio": counters.bio,
                    "bio_topic": counters.bio_topic,
                    "article_count": counters.article_count,
                    "dated_article_count": counters.dated_article_count,
                    "first_seen": counters.first_seen,
                    "last_seen": counters.last_seen,
                    "first_published": counters.first_published,
                    "last_published": counters.last_published,
                }
                for key, counters in batch.items()
            ],
        )
        topic_rows = [
            {
                "author_key": key,
                "topic": topic,
                "article_count": int(count),
                "probability_sum": total,
            }
            for key, counters in batch.items()
            for topic, (count, total) in counters.topics.items()
        ]
        if topic_rows:
            author_topics = schema.author_topics
            topic_statement = self._insert_statement(connection, author_topics)
            topic_statement = topic_statement.on_conflict_do_update(
                index_elements=[author_topics.c.author_key, author_topics.c.topic],
                set_={
                    "article_count": author_topics.c.article_count
                    + topic_statement.excluded.article_count,
                    "probability_sum": author_topics.c.probability_sum
                    + topic_statement.excluded.probability_sum,
                },
            )
            connection.execute(topic_statement, topic_rows)

    # -- reading -------------------------------------------------------------------------

    def count_articles(self) -> int:
        """Return the number of stored articles."""
        with self.engine.connect() as connection:
            return int(
                connection.execute(select(func.count()).select_from(schema.articles)).scalar_one()
            )

    def get_article(self, article_id: str) -> StoredArticle | None:
        """Return the stored article ``article_id``, or ``None``."""
        articles, links = schema.articles, schema.article_authors
        with self.engine.connect() as connection:
            row = connection.execute(select(articles).where(articles.c.id == article_id)).first()
            if row is None:
                return None
            keys = (
                connection.execute(
                    select(links.c.author_key)
                    .where(links.c.article_id == article_id)
                    .order_by(links.c.position)
                )
                .scalars()
                .all()
            )
        return StoredArticle(
            id=row.id,
            title=row.title,
            body=row.body,
            outlet=row.outlet,
            url=row.url,
            author=row.author,
            author_bio=row.author_bio,
            authors=tuple(keys),
            language=row.language,
            published_at=_iso(row.published_at),
            ingested_at=_iso(row.ingested_at) or "",
            topic=row.topic,
            topic_probabilities=row.topic_probabilities,
            word_count=row.word_count,
        )

    def author_profile(self, author: str, exclude_id: str | None = None) -> AuthorProfile | None:
        """Return what the store knows of the (first) author of a byline, or ``None``.

        Args:
            author: A byline as printed ("لندن: رنيم حنوش") or a name.
            exclude_id: An article left out of the counts (the article being scored, when it
                is itself stored, so that it does not count as its author's history).
        """
        name = primary_author(author)
        if name is None:
            return None
        profile_query, excluded_query = _author_queries()
        with self.engine.connect() as connection:
            rows = connection.execute(profile_query, {"author_key": name.key}).all()
            if not rows:
                return None
            excluded = None
            if exclude_id is not None:
                excluded = connection.execute(
                    excluded_query, {"article_id": exclude_id, "author_key": name.key}
                ).first()
        row = rows[0]
        article_count = int(row.article_count)
        dated_count = int(row.dated_article_count)
        topic_counts = {r.topic: int(r.topic_article_count) for r in rows if r.topic is not None}
        topic_sums = {r.topic: float(r.probability_sum) for r in rows if r.topic is not None}
        if excluded is not None:
            article_count -= 1
            dated_count -= excluded.published_at is not None
            if excluded.topic in topic_counts:
                topic_counts[excluded.topic] -= 1
                probability = (excluded.topic_probabilities or {}).get(excluded.topic, 0.0)
                topic_sums[excluded.topic] = max(0.0, topic_sums[excluded.topic] - probability)
            if article_count <= 0:
                return None
        topic_counts = {topic: count for topic, count in topic_counts.items() if count > 0}
        per_day = 0.0
        if dated_count > 0 and row.first_published is not None and row.last_published is not None:
            days = (row.last_published.date() - row.first_published.date()).days + 1
            per_day = dated_count / max(1, days)
        total = sum(topic_sums.values())
        return AuthorProfile(
            author=row.display_name,
            article_count=article_count,
            topic_counts=topic_counts,
            articles_per_day=per_day,
            bio=row.bio,
            kind=row.kind,
            bio_topic=row.bio_topic,
            first_seen=_iso(row.first_seen),
            last_seen=_iso(row.last_seen),
            topic_shares=(
                {topic: value / total for topic, value in topic_sums.items()} if total > 0 else {}
            ),
        )

    def author_keys(self, byline: str) -> list[str]:
        """Return the author keys the store would file ``byline`` under."""
        return [name.key for name in parse_byline(byline)]

    def top_authors(self, limit: int = 20, kind: str | None = "person") -> list[AuthorProfile]:
        """Return the authors with the most stored articles (for inspection)."""
        authors = schema.authors
        query = select(authors.c.key, authors.c.display_name).order_by(
            authors.c.article_count.desc(), authors.c.key
        )
        if kind is not None:
            query = query.where(authors.c.kind == kind)
        with self.engine.connect() as connection:
            rows = connection.execute(query.limit(limit)).all()
        profiles = [self.author_profile(display) for _, display in rows]
        return [profile for profile in profiles if profile is not None]

    # -- the near-duplicate index ----------------------------------------------------------

    def build_index(self) -> int:
        """(Re)build the near-duplicate index from the database; return its size."""
        with self._index_lock:
            self._index.clear()
            self._indexed_seq = 0
            self._load_index(0)
            self._index_ready = True
            self._last_refresh = time.monotonic()
            return len(self._index)

    def refresh_index(self) -> int:
        """Index rows that other processes stored since the last look; return how many."""
        with self._index_lock:
            if not self._index_ready:
                self._load_index(0)
                self._index_ready = True
                self._last_refresh = time.monotonic()
                return len(self._index)
            added = self._refresh()
            self._last_refresh = time.monotonic()
            return added

    def _refresh(self) -> int:
        articles = schema.articles
        with self.engine.connect() as connection:
            newest = connection.execute(select(func.max(articles.c.seq))).scalar()
        if newest is None or int(newest) <= self._indexed_seq:
            return 0
        return self._load_index(max(0, self._indexed_seq - REFRESH_LOOKBACK_ROWS))

    def _load_index(self, after_seq: int) -> int:
        articles = schema.articles
        added = 0
        cursor = after_seq
        while True:
            with self.engine.connect() as connection:
                rows = connection.execute(
                    select(
                        articles.c.seq,
                        articles.c.id,
                        articles.c.outlet_key,
                        articles.c.published_at,
                        articles.c.signature,
                    )
                    .where(articles.c.seq > cursor)
                    .order_by(articles.c.seq)
                    .limit(INDEX_LOAD_ROWS)
                ).all()
            if not rows:
                break
            signatures = np.stack([signature_from_bytes(row.signature) for row in rows])
            added += self._index.add_many(
                [row.id for row in rows],
                [row.outlet_key for row in rows],
                [_epoch(row.published_at) for row in rows],
                signatures,
            )
            cursor = int(rows[-1].seq)
            self._indexed_seq = max(self._indexed_seq, cursor)
        return added

    def _ensure_index(self) -> None:
        if self._index_ready and time.monotonic() - self._last_refresh < self.refresh_interval_s:
            return
        self.refresh_index()

    @property
    def index_size(self) -> int:
        """Number of articles in the near-duplicate index (0 before it is built)."""
        return len(self._index)

    def near_duplicates(
        self,
        text: str,
        outlet: str | None,
        exclude_id: str | None = None,
        *,
        min_similarity: float = MATCH_SIMILARITY,
        limit: int = 50,
    ) -> list[ArchiveMatch]:
        """Return stored articles whose text nearly equals ``text``, most similar first.

        Args:
            text: The article text (the templating signal sends ``Document.content_text``).
            outlet: Only articles of this outlet; ``None``: articles of every outlet.
            exclude_id: An article id left out (the article being scored).
            min_similarity: Smallest estimated Jaccard similarity of word 5-shingles.
            limit: Most matches returned.

        Returns:
            Matches with their similarity, publication time and, for the
            :data:`PASSAGE_MATCHES` most similar, the longest passage shared with ``text``.
        """
        self._ensure_index()
        prints = fingerprint(text)
        if prints.is_empty:
            return []
        outlet_key = normalized_outlet(outlet) if outlet is not None else None
        if outlet is not None and outlet_key is None:
            return []
        matches = self._index.query(prints.signature, outlet_key, exclude_id, min_similarity, limit)
        if not matches:
            return []
        bodies = self._bodies([match.article_id for match in matches[:PASSAGE_MATCHES]])
        results = []
        for match in matches:
            body = bodies.get(match.article_id)
            results.append(
                ArchiveMatch(
                    article_id=match.article_id,
                    similarity=match.similarity,
                    shared_passage=shared_passage(prints.shingles, body) if body else "",
                    published_at=_iso_from_epoch(match.published),
                    outlet=match.outlet_key,
                )
            )
        return results

    def _bodies(self, article_ids: Sequence[str]) -> dict[str, str]:
        if not article_ids:
            return {}
        with self.engine.connect() as connection:
            rows = connection.execute(_bodies_query(), {"ids": list(article_ids)})
            return {row.id: row.body for row in rows}

    # -- topics ----------------------------------------------------------------------------

    def recompute_topics(self, only_missing: bool = True, batch_rows: int = 1_000) -> int:
        """Classify stored articles with :attr:`topics` and rebuild the author topic counts.

        Use after ingesting without a topic model. Returns the number of articles classified.

        Raises:
            StoreError: the store has no topic scorer.
        """
        if self.topics is None:
            raise StoreError("no topic model is loaded; train one with `python -m training.topics`")
        articles = schema.articles
        classified = 0
        cursor = 0
        while True:
            query = select(
                articles.c.seq,
                articles.c.id,
                articles.c.title,
                articles.c.body,
                articles.c.language,
            ).where(articles.c.seq > cursor)
            if only_missing:
                query = query.where(articles.c.topic.is_(None))
            with self.engine.connect() as connection:
                rows = connection.execute(query.order_by(articles.c.seq).limit(batch_rows)).all()
            if not rows:
                break
            updates = []
            for row in rows:
                record = prepare_article(
                    ArticleInput(
                        title=row.title or None,
                        body=row.body,
                        language=row.language if row.language in ("ar", "en") else None,
                    ),
                    self.topics,
                    article_id=row.id,
                )
                updates.append(
                    {
                        "row_id": row.id,
                        "new_topic": record.topic,
                        "new_probabilities": dict(record.topic_probabilities or {}),
                    }
                )
            with self._writer.begin() as connection:
                connection.execute(
                    articles.update()
                    .where(articles.c.id == bindparam("row_id"))
                    .values(
                        topic=bindparam("new_topic"),
                        topic_probabilities=bindparam("new_probabilities", type_=JSON),
                    ),
                    updates,
                )
            classified += len(rows)
            cursor = int(rows[-1].seq)
        self._rebuild_author_topics()
        return classified

    def _rebuild_author_topics(self) -> None:
        articles, links, author_topics = (
            schema.articles,
            schema.article_authors,
            schema.author_topics,
        )
        with self._writer.begin() as connection:
            connection.execute(delete(author_topics))
            rows = connection.execute(
                select(links.c.author_key, articles.c.topic, articles.c.topic_probabilities)
                .join(articles, articles.c.id == links.c.article_id)
                .where(articles.c.topic.is_not(None))
            )
            totals: dict[tuple[str, str], list[float]] = {}
            for key, topic, probabilities in rows:
                counters = totals.setdefault((key, topic), [0, 0.0])
                counters[0] += 1
                counters[1] += float((probabilities or {}).get(topic, 0.0))
            if totals:
                connection.execute(
                    insert(author_topics),
                    [
                        {
                            "author_key": key,
                            "topic": topic,
                            "article_count": int(count),
                            "probability_sum": total,
                        }
                        for (key, topic), (count, total) in totals.items()
                    ],
                )

    # -- feedback --------------------------------------------------------------------------

    def add_feedback(self, entry: FeedbackEntry) -> FeedbackRecord:
        """Store an editor's verdict and return the stored record.

        Raises:
            InvalidArticleError: the entry does not validate.
        """
        valid = entry.validated()
        created_at = utc_now()
        feedback = schema.feedback
        with self._writer.begin() as connection:
            result = connection.execute(
                insert(feedback).values(
                    article_id=valid.article_id,
                    verdict=valid.verdict,
                    note=valid.note,
                    reviewer_id=valid.reviewer_id,
                    model_verdict=valid.model_verdict,
                    model_version=valid.model_version,
                    article=dict(valid.article) if valid.article is not None else None,
                    created_at=created_at,
                )
            )
            primary_key = result.inserted_primary_key
            if primary_key is None:  # pragma: no cover - both backends return the new id
                raise StoreError("the database did not return the id of the stored feedback")
            identifier = int(primary_key[0])
        return FeedbackRecord(identifier, _iso(created_at) or "", valid)

    def list_feedback(
        self,
        *,
        after_id: int = 0,
        limit: int = 1_000,
        article_id: str | None = None,
        verdict: str | None = None,
        reviewer_id: str | None = None,
        since: dt.datetime | None = None,
    ) -> list[FeedbackRecord]:
        """Return stored feedback in the order it was given, ``limit`` at a time.

        Pass the last record's ``id`` as ``after_id`` to read the next page.
        """
        feedback = schema.feedback
        query = select(feedback).where(feedback.c.id > after_id)
        if article_id is not None:
            query = query.where(feedback.c.article_id == article_id)
        if verdict is not None:
            query = query.where(feedback.c.verdict == verdict)
        if reviewer_id is not None:
            query = query.where(feedback.c.reviewer_id == reviewer_id)
        if since is not None:
            query = query.where(feedback.c.created_at >= since)
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(feedback.c.id).limit(limit)).all()
        return [
            FeedbackRecord(
                int(row.id),
                _iso(row.created_at) or "",
                FeedbackEntry(
                    article_id=row.article_id,
                    verdict=row.verdict,
                    reviewer_id=row.reviewer_id,
                    note=row.note,
                    model_verdict=row.model_verdict,
                    model_version=row.model_version,
                    article=row.article,
                ),
            )
            for row in rows
        ]

    def iter_feedback(self, page_rows: int = 1_000) -> Iterator[FeedbackRecord]:
        """Yield every stored feedback record, oldest first."""
        after_id = 0
        while True:
            page = self.list_feedback(after_id=after_id, limit=page_rows)
            if not page:
                return
            yield from page
            after_id = page[-1].id

    def latest_verdicts(
        self, verdicts: Sequence[str] = ("unreliable", "reliable")
    ) -> dict[str, FeedbackRecord]:
        """Return each article's most recent feedback whose verdict is in ``verdicts``.

        An editor may change their mind; the last word counts. Training folds these in.
        """
        latest: dict[str, FeedbackRecord] = {}
        for record in self.iter_feedback():
            latest[record.entry.article_id] = record
        return {key: record for key, record in latest.items() if record.entry.verdict in verdicts}

    # -- checks ----------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Return counts for inspection: articles, authors, outlets, feedback, schema."""
        with self.engine.connect() as connection:

            def count(table: Table) -> int:
                return int(connection.execute(select(func.count()).select_from(table)).scalar_one())

            outlets = connection.execute(
                select(func.count(func.distinct(schema.articles.c.outlet_key)))
            ).scalar_one()
            with_topics = connection.execute(
                select(func.count())
                .select_from(schema.articles)
                .where(schema.articles.c.topic.is_not(None))
            ).scalar_one()
            return {
                "backend": self.backend,
                "schema_version": current_version(connection),
                "articles": count(schema.articles),
                "articles_with_topics": int(with_topics),
                "authors": count(schema.authors),
                "outlets": int(outlets),
                "feedback": count(schema.feedback),
                "index_size": self.index_size,
            }

    def verify(self) -> list[str]:
        """Check the database and the author counters; return the problems found (none: ``[]``)."""
        problems: list[str] = []
        articles, links, authors = schema.articles, schema.article_authors, schema.authors
        with self.engine.connect() as connection:
            if self.backend == "sqlite":
                result = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
                if result != "ok":
                    problems.append(f"SQLite integrity check: {result}")
            linked = (
                select(links.c.author_key, func.count().label("linked"))
                .group_by(links.c.author_key)
                .subquery()
            )
            mismatched = connection.execute(
                select(authors.c.key, authors.c.article_count, linked.c.linked)
                .join(linked, linked.c.author_key == authors.c.key, isouter=True)
                .where(func.coalesce(linked.c.linked, 0) != authors.c.article_count)
                .limit(10)
            ).all()
            for key, counted, actual in mismatched:
                problems.append(
                    f"author {key!r} counts {counted} articles but {actual or 0} are linked"
                )
            orphans = connection.execute(
                select(func.count())
                .select_from(links)
                .join(articles, articles.c.id == links.c.article_id, isouter=True)
                .where(articles.c.id.is_(None))
            ).scalar_one()
            if orphans:
                problems.append(f"{orphans} author links point at no article")
        return problems
