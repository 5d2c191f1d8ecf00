"""The store's tables, as SQLAlchemy 2.0 declarative models (the current schema version).

The models describe the newest schema; :mod:`mizan.detector.store.migrations` brings an older
database to it. Times are naive UTC datetimes so SQLite and PostgreSQL store the same
values.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ID_LENGTH = 256
"""Longest article id (the same limit as ``ArticleInput.id``)."""

AUTHOR_KEY_LENGTH = 300
TOPIC_LENGTH = 32
VERDICT_LENGTH = 16
REVIEWER_LENGTH = 128


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""


class SchemaVersion(Base):
    """One applied migration: the version it brought the database to, and when."""

    __tablename__ = "mizan_schema_version"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    description: Mapped[str] = mapped_column(String(200))
    applied_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Article(Base):
    """A published article: fields as sent, normalised outlet, topics and MinHash signature.

    ``seq`` numbers rows in insertion order, so an index can load only the rows added since
    it last looked.
    """

    __tablename__ = "articles"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    outlet: Mapped[str | None] = mapped_column(String(500))
    outlet_key: Mapped[str | None] = mapped_column(String(500), index=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(500))
    author_bio: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime)
    topic: Mapped[str | None] = mapped_column(String(TOPIC_LENGTH))
    topic_probabilities: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    word_count: Mapped[int] = mapped_column(Integer)


class ArticleAuthor(Base):
    """Which authors (by key) signed which article, in byline order."""

    __tablename__ = "article_authors"
    __table_args__ = (Index("ix_article_authors_author_key", "author_key"),)

    article_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    author_key: Mapped[str] = mapped_column(String(AUTHOR_KEY_LENGTH), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class Author(Base):
    """What is known of one author: bio, beat from the bio, counts and first/last seen.

    ``first_seen``/``last_seen`` are publication times when known, else ingestion times;
    ``first_published``/``last_published`` and ``dated_article_count`` only count articles
    with a publication time (they give the articles-per-day rate).
    """

    __tablename__ = "authors"

    key: Mapped[str] = mapped_column(String(AUTHOR_KEY_LENGTH), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(16), default="person", server_default="person")
    bio: Mapped[str | None] = mapped_column(Text)
    bio_topic: Mapped[str | None] = mapped_column(String(TOPIC_LENGTH))
    article_count: Mapped[int] = mapped_column(Integer)
    dated_article_count: Mapped[int] = mapped_column(Integer)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime)
    first_published: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_published: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuthorTopic(Base):
    """Per author and topic: articles whose most probable topic it is, and summed probability."""

    __tablename__ = "author_topics"

    author_key: Mapped[str] = mapped_column(
        String(AUTHOR_KEY_LENGTH), ForeignKey("authors.key", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(TOPIC_LENGTH), primary_key=True)
    article_count: Mapped[int] = mapped_column(Integer)
    probability_sum: Mapped[float] = mapped_column(Float)


class Feedback(Base):
    """An editor's verdict on an article, with an optional note and the article as scored."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    verdict: Mapped[str] = mapped_column(String(VERDICT_LENGTH))
    note: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[str] = mapped_column(String(REVIEWER_LENGTH))
    model_verdict: Mapped[str | None] = mapped_column(String(VERDICT_LENGTH))
    model_version: Mapped[str | None] = mapped_column(String(64))
    article: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


articles: Table = Base.metadata.tables["articles"]
article_authors: Table = Base.metadata.tables["article_authors"]
authors: Table = Base.metadata.tables["authors"]
author_topics: Table = Base.metadata.tables["author_topics"]
feedback: Table = Base.metadata.tables["feedback"]
schema_version: Table = Base.metadata.tables["mizan_schema_version"]
