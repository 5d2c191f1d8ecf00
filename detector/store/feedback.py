"""Editors' feedback: verdicts on articles, validated, stored in order and read back.

Training folds in each article's latest verdict (:meth:`FeedbackLog.latest_verdicts`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from mizan.detector.article import ArticleInput
from mizan.detector.errors import InvalidArticleError
from mizan.detector.store import schema
from mizan.detector.store.base import StoreBase, iso
from mizan.detector.store.database import StoreError
from mizan.detector.store.records import utc_now

VERDICTS: tuple[str, ...] = ("unreliable", "review", "reliable")
"""Verdicts an editor can give (the same words as a report's verdict)."""

MAX_NOTE_CHARS = 5_000


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


class FeedbackLog(StoreBase):
    """Store and read editors' verdicts (a part of :class:`~mizan.detector.store.ArticleStore`)."""

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
        return FeedbackRecord(identifier, iso(created_at) or "", valid)

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
                iso(row.created_at) or "",
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
