"""The near-duplicate index: stored articles whose text nearly equals a new one.

The index (:class:`~mizan.detector.store.lsh.ArchiveIndex`) lives in memory. It is built from the
database on first use (or by :meth:`NearDuplicateIndex.build_index`), updated at once by this
process's own writes, and picks up rows that other processes wrote at most
``refresh_interval_s`` seconds later.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy import bindparam, func, select
from sqlalchemy.sql import Select

from mizan.detector.memory import ArchiveMatch
from mizan.detector.store import schema
from mizan.detector.store.base import StoreBase, epoch, iso_from_epoch
from mizan.detector.store.lsh import (
    MATCH_SIMILARITY,
    ArchiveIndex,
    LshBackend,
    fingerprint,
    normalized_outlet,
    shared_passage,
    signature_from_bytes,
)
from mizan.detector.store.records import PreparedArticle

INDEX_LOAD_ROWS = 10_000
"""Rows read per query while (re)building the index."""

REFRESH_LOOKBACK_ROWS = 5_000
"""On refresh, rows this far behind the newest indexed one are read again: on PostgreSQL a
transaction that took a lower number may commit after a higher one was already read."""

PASSAGE_MATCHES = 3
"""Shared passages are extracted for this many of the most similar matches."""


@lru_cache(maxsize=1)
def _bodies_query() -> Select[Any]:
    """Return the query of the bodies of the articles whose ids are the ``ids`` parameter."""
    articles = schema.articles
    return select(articles.c.id, articles.c.body).where(
        articles.c.id.in_(bindparam("ids", expanding=True))
    )


class NearDuplicateIndex(StoreBase):
    """The in-memory near-duplicate index (part of :class:`~mizan.detector.store.ArticleStore`)."""

    refresh_interval_s: float

    def _init_index(self, backend: LshBackend | None, refresh_interval_s: float) -> None:
        """Set up an empty index, built from the database on first use."""
        self.refresh_interval_s = refresh_interval_s
        self._index = ArchiveIndex(backend)
        self._index_lock = threading.Lock()
        self._index_ready = False
        self._indexed_seq = 0
        self._last_refresh = 0.0

    def _index_stored(self, records: Sequence[PreparedArticle]) -> None:
        """Add articles this process just stored, once the index is built."""
        if records and self._index_ready:
            self._index.add_many(
                [record.id for record in records],
                [record.outlet_key for record in records],
                [record.published_epoch for record in records],
                np.stack([record.signature_values() for record in records]),
            )

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
                [epoch(row.published_at) for row in rows],
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
                    published_at=iso_from_epoch(match.published),
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
