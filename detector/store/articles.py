"""Stored articles: writing them (idempotent by id, one transaction a batch) and reading them.

Writing is transactional: a batch of articles, their author links and the author counters
(:class:`~mizan.detector.store.authors.AuthorRecords`) are committed together or not at all. An id
already stored is skipped (``INSERT ... ON CONFLICT DO NOTHING``), also when two processes
ingest the same rows at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from mizan.detector.article import ArticleInput
from mizan.detector.store import schema
from mizan.detector.store.base import StoreBase, chunks, insert_statement, iso
from mizan.detector.store.records import PreparedArticle, prepare_article


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


class ArticleRecords(StoreBase):
    """Write articles and read them back (a part of :class:`~mizan.detector.store.ArticleStore`)."""

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
            for chunk in chunks(wanted):
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
        self._index_stored(fresh)
        return [record.id for record in fresh]

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
            insert_statement(connection, articles)
            .on_conflict_do_nothing(index_elements=[articles.c.id])
            .returning(articles.c.id)
        )
        return {row[0] for row in connection.execute(statement, rows)}

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
            published_at=iso(row.published_at),
            ingested_at=iso(row.ingested_at) or "",
            topic=row.topic,
            topic_probabilities=row.topic_probabilities,
            word_count=row.word_count,
        )
