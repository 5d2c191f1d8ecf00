"""The training memory: a store of train-split articles that the memory features read.

At scoring time the beat and templating signals read an :class:`~mizan.detector.store.ArticleStore`
(the author's earlier articles, the outlet's archive). Training gives them the same kind of
store, built from the **train split only**: every train row that names an author or an
outlet (before any down-sampling, so author histories are as long as the corpus allows).
Validation and test rows are scored against it too but never added, so nothing of them
leaks into any row's features. A train row is scored with itself left out
(``exclude_id``), as an article that is already stored is when it is scored again.

The database is cached as ``<folder>/<fingerprint>.db`` (training keeps it beside the feature
cache); the fingerprint covers the rows stored, so a change of corpus, split or seed builds
a new one.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from mizan.detector.store import ArticleStore
from mizan.detector.store.pipeline import ingest_articles
from mizan.training.records import article_fields, corpus_fingerprint, row_records

logger = logging.getLogger(__name__)

MEMORY_FORMAT = "1"
"""Bumped when what a training memory stores changes."""


@dataclass(frozen=True)
class TrainingMemory:
    """Where a training memory is and what it holds."""

    url: str
    """SQLAlchemy URL of the store (a SQLite file)."""
    key: str
    """Fingerprint of the stored rows; part of the feature-cache key."""
    articles: int
    """Articles stored."""

    def to_dict(self) -> dict[str, Any]:
        """Describe the memory for bundle metadata (without the machine-specific path)."""
        return {"rows_sha256": self.key, "articles": self.articles}


def memory_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the train-split rows that name an author or an outlet, in a stable order."""
    named = frame["author"].notna() | frame["outlet"].notna()
    rows = frame[(frame["split"] == "train") & named]
    return rows.sort_values("id", kind="stable")


def _fingerprint(rows: pd.DataFrame) -> str:
    return f"{MEMORY_FORMAT}-{corpus_fingerprint(rows)[:16]}"


def _articles(rows: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """Yield the rows as the article fields feature extraction reads, ``None``s left out.

    Plain fields, not ``ArticleInput``: a row the store cannot take is rejected by ingest
    like any other row instead of stopping the build.
    """
    for record in row_records(rows):
        yield {key: value for key, value in article_fields(record).items() if value is not None}


def build_training_memory(
    frame: pd.DataFrame,
    folder: Path | None,
    workers: int | None = None,
) -> TrainingMemory:
    """Store the train rows of ``frame`` that name an author or outlet; reuse a cached store.

    Args:
        frame: Corpus rows with their ``split`` assigned (before any sampling).
        folder: Where the SQLite file is kept; ``None``: a new temporary folder.
        workers: Processes preparing rows for the store (topics, signatures).

    Returns:
        The memory's URL, fingerprint and article count.
    """
    rows = memory_rows(frame)
    key = _fingerprint(rows)
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="mizan-memory-"))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{key}.db"
    url = f"sqlite:///{path}"
    if path.is_file():
        with ArticleStore(url) as store:
            count = store.count_articles()
        logger.info("training memory: %d articles from cache %s", count, path.name)
        return TrainingMemory(url, key, count)
    partial = path.with_suffix(f".partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    with ArticleStore(f"sqlite:///{partial}") as store:
        summary = ingest_articles(store, _articles(rows), workers=workers)
        count = store.count_articles()
    partial.replace(path)  # only a complete store is ever found under its key
    logger.info(
        "training memory: stored %d of %d train rows (%d rejected) in %.0f s",
        summary.stored,
        len(rows),
        summary.rejected,
        summary.elapsed_s,
    )
    return TrainingMemory(url, key, count)
