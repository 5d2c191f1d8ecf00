"""The article store: published articles, author profiles, the outlet archive and feedback.

:class:`ArticleStore` implements :class:`~mizan.detector.memory.ArticleMemory`, so it can be
handed to ``DetectorEngine(memory=store)``. One interface, any SQLAlchemy database: a SQLite
file by default, PostgreSQL by URL.

Writing is transactional: a batch of articles, their author links and the author counters
are committed together or not at all, so killing a process during ingest loses only the
batch in flight and leaves every count consistent with the stored articles. Ingest is
idempotent by article id: an id already stored is skipped (``INSERT ... ON CONFLICT DO
NOTHING``), also when two processes ingest the same rows at once.

The near-duplicate index (:class:`~mizan.detector.store.lsh.ArchiveIndex`) lives in memory. It is
built from the database on first use (or by :meth:`ArticleStore.build_index`), updated at
once by this process's own writes, and picks up rows that other processes wrote at most
``refresh_interval_s`` seconds later.

:class:`ArticleStore` is one facade over one part per responsibility, each in its module:

- :mod:`~mizan.detector.store.articles`: writing and reading articles;
- :mod:`~mizan.detector.store.authors`: author counters and profiles;
- :mod:`~mizan.detector.store.duplicates`: the near-duplicate index;
- :mod:`~mizan.detector.store.topic_backfill`: topics classified again, author topics rebuilt;
- :mod:`~mizan.detector.store.feedback`: editors' verdicts;
- :mod:`~mizan.detector.store.checks`: counts and the consistency check.
"""

from __future__ import annotations

from typing import Any, Literal

from mizan.detector.settings import Settings, get_settings
from mizan.detector.store.articles import ArticleRecords, StoredArticle, StoreResult
from mizan.detector.store.authors import AuthorRecords
from mizan.detector.store.checks import StoreChecks
from mizan.detector.store.database import StoreError, create_store_engine
from mizan.detector.store.duplicates import NearDuplicateIndex
from mizan.detector.store.feedback import (
    MAX_NOTE_CHARS,
    VERDICTS,
    FeedbackEntry,
    FeedbackLog,
    FeedbackRecord,
)
from mizan.detector.store.lsh import LshBackend
from mizan.detector.store.migrations import LATEST_VERSION, WRITE_OPTION, upgrade
from mizan.detector.store.records import TopicScorer, default_topic_scorer
from mizan.detector.store.topic_backfill import TopicBackfill

__all__ = [
    "MAX_NOTE_CHARS",
    "VERDICTS",
    "ArticleStore",
    "FeedbackEntry",
    "FeedbackRecord",
    "StoreResult",
    "StoredArticle",
]


class ArticleStore(
    ArticleRecords, AuthorRecords, NearDuplicateIndex, TopicBackfill, FeedbackLog, StoreChecks
):
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
        self.topics = default_topic_scorer() if isinstance(topics, str) else topics
        self._init_index(index_backend, refresh_interval_s)

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
