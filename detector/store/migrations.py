"""Schema versions of the store and the upgrades between them.

Every migration is a numbered step with a description and an ``upgrade(connection)``
function; each step keeps its own table definitions (it describes the schema as it was then,
so later changes to :mod:`mizan.detector.store.schema` never change what an old step does).
:func:`upgrade` runs the missing steps in one transaction, under a lock (``BEGIN IMMEDIATE``
on SQLite, an advisory lock on PostgreSQL) so two processes starting at once upgrade once,
and records each step in ``mizan_schema_version``. A database newer than this code is
refused rather than guessed at.

To change the schema: add a step at the end of :data:`MIGRATIONS` and update the models in
:mod:`mizan.detector.store.schema`; ``tests/detector/test_store.py`` checks that the migrated
database and the models agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection

from mizan.detector.errors import MizanError
from mizan.detector.store.names import author_kind
from mizan.detector.store.records import utc_now

VERSION_TABLE = "mizan_schema_version"
WRITE_OPTION = "mizan_write"
"""Execution option that makes a SQLite transaction start with ``BEGIN IMMEDIATE``."""

_ADVISORY_LOCK_ID = 0x6D697A616E  # "mizan"


class SchemaError(MizanError):
    """The database schema cannot be used or upgraded by this version of Mizan."""


@dataclass(frozen=True)
class Migration:
    """One schema step: the version it brings the database to."""

    version: int
    description: str
    upgrade: Callable[[Connection], None]


def _version_table(metadata: MetaData) -> Table:
    return Table(
        VERSION_TABLE,
        metadata,
        Column("version", Integer, primary_key=True, autoincrement=False),
        Column("description", String(200), nullable=False),
        Column("applied_at", DateTime, nullable=False),
    )


def _create_version_1(connection: Connection) -> None:
    """Articles, their authors, author profiles with topic counts, and editor feedback."""
    metadata = MetaData()
    Table(
        "articles",
        metadata,
        Column("seq", Integer, primary_key=True, autoincrement=True),
        Column("id", String(256), nullable=False, unique=True),
        Column("outlet", String(500)),
        Column("outlet_key", String(500), index=True),
        Column("title", Text, nullable=False),
        Column("body", Text, nullable=False),
        Column("url", Text),
        Column("author", String(500)),
        Column("author_bio", Text),
        Column("language", String(8), nullable=False),
        Column("published_at", DateTime, index=True),
        Column("ingested_at", DateTime, nullable=False),
        Column("topic", String(32)),
        Column("topic_probabilities", JSON),
        Column("signature", LargeBinary, nullable=False),
        Column("word_count", Integer, nullable=False),
    )
    Table(
        "article_authors",
        metadata,
        Column(
            "article_id",
            String(256),
            ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("author_key", String(300), primary_key=True),
        Column("position", Integer, nullable=False),
        Index("ix_article_authors_author_key", "author_key"),
    )
    Table(
        "authors",
        metadata,
        Column("key", String(300), primary_key=True),
        Column("display_name", String(500), nullable=False),
        Column("bio", Text),
        Column("bio_topic", String(32)),
        Column("article_count", Integer, nullable=False),
        Column("dated_article_count", Integer, nullable=False),
        Column("first_seen", DateTime, nullable=False),
        Column("last_seen", DateTime, nullable=False),
        Column("first_published", DateTime),
        Column("last_published", DateTime),
    )
    Table(
        "author_topics",
        metadata,
        Column(
            "author_key",
            String(300),
            ForeignKey("authors.key", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("topic", String(32), primary_key=True),
        Column("article_count", Integer, nullable=False),
        Column("probability_sum", Float, nullable=False),
    )
    Table(
        "feedback",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("article_id", String(256), nullable=False, index=True),
        Column("verdict", String(16), nullable=False),
        Column("note", Text),
        Column("reviewer_id", String(128), nullable=False),
        Column("model_verdict", String(16)),
        Column("model_version", String(64)),
        Column("article", JSON),
        Column("created_at", DateTime, nullable=False, index=True),
    )
    metadata.create_all(connection)


def _add_author_kind(connection: Connection) -> None:
    """Give authors a kind (person, news agency or newsroom desk), read from their names."""
    connection.execute(
        text("ALTER TABLE authors ADD COLUMN kind VARCHAR(16) DEFAULT 'person' NOT NULL")
    )
    metadata = MetaData()
    authors = Table(
        "authors",
        metadata,
        Column("key", String(300), primary_key=True),
        Column("display_name", String(500)),
        Column("kind", String(16)),
    )
    updates: dict[str, list[str]] = {"agency": [], "desk": []}
    for key, display_name in connection.execute(select(authors.c.key, authors.c.display_name)):
        found = author_kind(display_name)
        if found in updates:
            updates[found].append(key)
    for kind, keys in updates.items():
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            connection.execute(update(authors).where(authors.c.key.in_(chunk)).values(kind=kind))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "articles, authors, author topics and feedback", _create_version_1),
    Migration(2, "author kind: person, news agency or newsroom desk", _add_author_kind),
)
LATEST_VERSION = MIGRATIONS[-1].version


def current_version(connection: Connection) -> int:
    """Return the schema version of the database (0 for an empty database)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return 0
    version_table = _version_table(MetaData())
    found = connection.execute(
        select(version_table.c.version).order_by(version_table.c.version.desc()).limit(1)
    ).scalar()
    return int(found or 0)


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _ADVISORY_LOCK_ID})


def upgrade(engine: Engine, target: int = LATEST_VERSION) -> list[int]:
    """Bring the database to schema ``target``; return the versions applied.

    Raises:
        SchemaError: the database is newer than this code, or ``target`` is unknown.
    """
    if not 0 <= target <= LATEST_VERSION:
        raise SchemaError(
            f"unknown schema version {target}; this Mizan knows 1 to {LATEST_VERSION}"
        )
    applied: list[int] = []
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            _lock(connection)
            version = current_version(connection)
            if version > LATEST_VERSION:
                raise SchemaError(
                    f"the store's schema is version {version}, newer than this Mizan "
                    f"(which knows versions up to {LATEST_VERSION}); upgrade Mizan"
                )
            version_table = _version_table(MetaData())
            version_table.create(connection, checkfirst=True)
            for migration in MIGRATIONS:
                if version < migration.version <= target:
                    migration.upgrade(connection)
                    connection.execute(
                        version_table.insert().values(
                            version=migration.version,
                            description=migration.description,
                            applied_at=utc_now(),
                        )
                    )
                    applied.append(migration.version)
    return applied
