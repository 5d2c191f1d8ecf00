"""Authors: the counters kept per author as articles are stored, and the profiles read from them.

An author's row counts the articles filed under the author key (see
:mod:`mizan.detector.store.names`), their first and last times, the sole-author bio and, per
topic, the articles and their summed topic probability. They are updated in the same
transaction as the articles, so they always agree with the stored articles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, case, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from mizan.detector.memory import AuthorProfile
from mizan.detector.store import schema
from mizan.detector.store.base import StoreBase, insert_statement, iso
from mizan.detector.store.names import parse_byline, primary_author
from mizan.detector.store.records import PreparedArticle


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
    """Return the queries of :meth:`AuthorRecords.author_profile`, built once.

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


class AuthorRecords(StoreBase):
    """Author counters and profiles (a part of :class:`~mizan.detector.store.ArticleStore`)."""

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
        statement = insert_statement(connection, authors)
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
            topic_statement = insert_statement(connection, author_topics)
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
            first_seen=iso(row.first_seen),
            last_seen=iso(row.last_seen),
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
