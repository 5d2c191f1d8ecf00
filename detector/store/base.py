"""What every part of :class:`~mizan.detector.store.archive.ArticleStore` shares.

:class:`StoreBase` holds the database engines (one for reading, one marked for writing), and
names the few methods one part of the store calls on another, so each part type-checks on
its own. Also here: the UTC time conversions and the chunking of long parameter lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from mizan.detector.store.database import StoreError
from mizan.detector.store.migrations import current_version

if TYPE_CHECKING:
    from mizan.detector.store.records import PreparedArticle, TopicScorer

PARAMETER_CHUNK = 500
"""Most values bound to one ``IN (...)`` list."""


def epoch(moment: dt.datetime | None) -> int | None:
    """Return a naive UTC time as Unix seconds (``None`` stays ``None``)."""
    return None if moment is None else int(moment.replace(tzinfo=dt.UTC).timestamp())


def iso(moment: dt.datetime | None) -> str | None:
    """Return a naive UTC time as ISO 8601 with its offset (``None`` stays ``None``)."""
    return None if moment is None else moment.replace(tzinfo=dt.UTC).isoformat()


def iso_from_epoch(seconds: int | None) -> str | None:
    """Return Unix seconds as an ISO 8601 UTC time (``None`` stays ``None``)."""
    if seconds is None:
        return None
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat()


def chunks(items: Sequence[Any], size: int = PARAMETER_CHUNK) -> Iterator[Sequence[Any]]:
    """Yield ``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_statement(connection: Connection, table: Table) -> Any:
    """Return the dialect's ``INSERT`` for ``table`` (it has ``ON CONFLICT`` clauses).

    Raises:
        StoreError: the database is neither SQLite nor PostgreSQL.
    """
    dialect = connection.dialect.name
    if dialect == "sqlite":
        return sqlite.insert(table)
    if dialect == "postgresql":
        return postgresql.insert(table)
    raise StoreError(f"the store supports SQLite and PostgreSQL, not {dialect}")


class StoreBase:
    """The state every part of the store reads: the URL, the engines and the topic scorer."""

    url: str
    engine: Engine
    _writer: Engine
    topics: TopicScorer | None

    @property
    def backend(self) -> str:
        """The database kind: ``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @property
    def schema_version(self) -> int:
        """The database's schema version."""
        with self.engine.connect() as connection:
            return current_version(connection)

    # Implemented by the author part; articles call it inside their write transaction.
    def _insert_authors(self, connection: Connection, records: Sequence[PreparedArticle]) -> None:
        raise NotImplementedError

    # Implemented by the near-duplicate index part; articles call it after a commit.
    def _index_stored(self, records: Sequence[PreparedArticle]) -> None:
        raise NotImplementedError

    @property
    def index_size(self) -> int:
        """Number of articles in the near-duplicate index (0 before it is built)."""
        raise NotImplementedError
