"""Store many published articles fast: worker processes prepare, one process writes.

Preparing an article (parsing, the MinHash signature, topic probabilities) is CPU work with
no database in it, so :func:`ingest_rows` hands batches of rows to worker processes and
writes each prepared batch in one transaction, in input order, while the workers prepare
the next ones. Ids already stored are looked up before a batch is sent, so re-running an
ingest after a crash only prepares the rows that are missing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mizan.detector.article import MAX_TEXT_CHARS, ArticleInput
from mizan.detector.contract import check_article, default_max_text_chars
from mizan.detector.errors import MizanError
from mizan.detector.pool import batches, ordered_results, worker_pool
from mizan.detector.store.archive import ArticleStore
from mizan.detector.store.records import (
    PreparedArticle,
    TopicScorer,
    content_id,
    default_topic_scorer,
    prepare_article,
)

DEFAULT_BATCH_ROWS = 500
"""Rows per worker task and per write transaction."""

MAX_REPORTED_PROBLEMS = 1_000
"""Rejected rows kept in the summary (all are counted)."""


@dataclass(frozen=True)
class IngestRow:
    """One input row: its number (from 1) and article fields, or why it cannot be stored.

    ``id`` names a rejected row whose id was read (an unknown field, for instance).
    """

    number: int
    fields: Mapping[str, Any] | None
    problem: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class IngestProblem:
    """A row that was not stored, and why."""

    row: int
    id: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Return the problem as JSON-ready data."""
        return {"row": self.row, "id": self.id, "reason": self.reason}


@dataclass
class IngestSummary:
    """What an ingest did."""

    rows: int = 0
    stored: int = 0
    already_stored: int = 0
    rejected: int = 0
    elapsed_s: float = 0.0
    problems: list[IngestProblem] = field(default_factory=list)

    @property
    def articles_per_second(self) -> float:
        """Rows handled per second (stored, skipped and rejected)."""
        return self.rows / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as JSON-ready data (problems left out)."""
        return {
            "rows": self.rows,
            "stored": self.stored,
            "already_stored": self.already_stored,
            "rejected": self.rejected,
            "elapsed_s": round(self.elapsed_s, 3),
            "articles_per_second": round(self.articles_per_second, 1),
        }

    def line(self) -> str:
        """Return a one-line summary for the terminal."""
        return (
            f"ingested {self.rows} rows in {self.elapsed_s:.1f} s "
            f"({self.articles_per_second:.0f}/s): {self.stored} stored, "
            f"{self.already_stored} already stored, {self.rejected} rejected"
        )


def _row_id(fields: Mapping[str, Any]) -> str:
    identifier = fields.get("id")
    if isinstance(identifier, str) and identifier.strip():
        return identifier
    return content_id(fields)


# Worker-process state: the topic scorer is loaded once per process.
_worker_topics: TopicScorer | None = None
_worker_max_text_chars: int | None = None


def _init_worker(use_topics: bool, max_text_chars: int | None) -> None:
    global _worker_topics, _worker_max_text_chars
    _worker_topics = default_topic_scorer() if use_topics else None
    _worker_max_text_chars = max_text_chars


def prepare_rows(
    rows: Sequence[tuple[int, str, Mapping[str, Any]]],
    topics: TopicScorer | None,
    max_text_chars: int | None = None,
) -> list[PreparedArticle | IngestProblem]:
    """Prepare ``(row number, id, fields)`` rows; a failing row gives an :class:`IngestProblem`.

    Each row is checked against the input contract (:func:`mizan.detector.contract.check_article`:
    field names, unknown fields rejected, types, text limits) as the API checks it;
    ``max_text_chars`` defaults to the settings' ``MIZAN_MAX_TEXT_CHARS``.
    """
    limit = default_max_text_chars() if max_text_chars is None else max_text_chars
    prepared: list[PreparedArticle | IngestProblem] = []
    for number, identifier, fields in rows:
        try:
            article = check_article(fields, limit)
            prepared.append(prepare_article(article, topics, article_id=identifier))
        except MizanError as error:
            prepared.append(IngestProblem(number, identifier, str(error)))
    return prepared


def _prepare_in_worker(
    rows: Sequence[tuple[int, str, Mapping[str, Any]]],
) -> list[PreparedArticle | IngestProblem]:
    return prepare_rows(rows, _worker_topics, _worker_max_text_chars)


def ingest_rows(
    store: ArticleStore,
    rows: Iterable[IngestRow],
    *,
    workers: int | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    use_topics: bool = True,
    on_batch: Callable[[IngestSummary], None] | None = None,
    max_text_chars: int | None = None,
) -> IngestSummary:
    """Store every row's article; ids already stored are skipped.

    Args:
        store: The store written to.
        rows: Input rows (article fields, or a problem found while reading).
        workers: Preparing processes; ``1`` prepares in this process; default: one per CPU.
        batch_rows: Rows per task and per transaction.
        use_topics: Compute topic probabilities (with the store's topic scorer in this
            process, the shipped classifier in worker processes).
        on_batch: Called with the running summary after each batch is written.
        max_text_chars: The body limit of the input contract; default: the settings'
            ``MIZAN_MAX_TEXT_CHARS``, as in the API.

    Returns:
        Counts, elapsed time and the first :data:`MAX_REPORTED_PROBLEMS` rejected rows.
    """
    started = time.perf_counter()
    summary = IngestSummary()
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    topics = store.topics if use_topics else None
    limit = default_max_text_chars() if max_text_chars is None else max_text_chars

    def reject(problem: IngestProblem) -> None:
        summary.rejected += 1
        if len(summary.problems) < MAX_REPORTED_PROBLEMS:
            summary.problems.append(problem)

    def write(prepared: list[PreparedArticle | IngestProblem]) -> None:
        records = [item for item in prepared if isinstance(item, PreparedArticle)]
        for item in prepared:
            if isinstance(item, IngestProblem):
                reject(item)
        stored = store.add_prepared(records)
        summary.stored += len(stored)
        # Rows whose id another writer stored meanwhile, or repeated within the input.
        summary.already_stored += len(records) - len(stored)
        if on_batch is not None:
            on_batch(summary)

    def batches_to_prepare() -> Iterator[list[tuple[int, str, Mapping[str, Any]]]]:
        for batch in batches(rows, max(1, batch_rows)):
            summary.rows += len(batch)
            tasks: list[tuple[int, str, Mapping[str, Any]]] = []
            for row in batch:
                if row.fields is None:
                    reject(IngestProblem(row.number, row.id, row.problem or "unreadable row"))
                else:
                    tasks.append((row.number, _row_id(row.fields), row.fields))
            existing = store.existing_ids(identifier for _, identifier, _ in tasks)
            summary.already_stored += sum(1 for _, identifier, _ in tasks if identifier in existing)
            yield [task for task in tasks if task[1] not in existing]

    if workers <= 1:
        for tasks in batches_to_prepare():
            write(prepare_rows(tasks, topics, limit))
    else:
        with worker_pool(workers, _init_worker, (use_topics, limit)) as pool:
            for prepared in ordered_results(
                pool, _prepare_in_worker, batches_to_prepare(), max_pending=workers
            ):
                write(prepared)
    summary.elapsed_s = time.perf_counter() - started
    return summary


def ingest_articles(
    store: ArticleStore,
    articles: Iterable[ArticleInput | Mapping[str, Any]],
    **options: Any,
) -> IngestSummary:
    """Store articles (ArticleInput objects or field mappings) with :func:`ingest_rows`.

    Training builds a store from its training rows this way, so features computed on the
    test split only see training articles. The text limit is the library's own
    (:data:`~mizan.detector.article.MAX_TEXT_CHARS`) unless ``max_text_chars`` is given, so the
    store training builds does not depend on a server setting.
    """
    options.setdefault("max_text_chars", MAX_TEXT_CHARS)

    def rows() -> Iterator[IngestRow]:
        for number, article in enumerate(articles, start=1):
            if isinstance(article, ArticleInput):
                fields = article.model_dump(exclude_none=True)
            else:
                fields = dict(article)
            yield IngestRow(number, fields)

    return ingest_rows(store, rows(), **options)
