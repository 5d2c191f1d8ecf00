"""Topics of stored articles classified afterwards, and the author topic counts rebuilt.

Articles stored without a topic model (or with an older one) get their topics from
:meth:`TopicBackfill.recompute_topics`; the per-author topic counters are then rebuilt from
the articles, so profiles agree with the new topics.
"""

from __future__ import annotations

from sqlalchemy import JSON, bindparam, delete, insert, select

from mizan.detector.article import ArticleInput
from mizan.detector.store import schema
from mizan.detector.store.base import StoreBase
from mizan.detector.store.database import StoreError
from mizan.detector.store.records import prepare_article


class TopicBackfill(StoreBase):
    """Classify stored articles again (a part of :class:`~mizan.detector.store.ArticleStore`)."""

    def recompute_topics(self, only_missing: bool = True, batch_rows: int = 1_000) -> int:
        """Classify stored articles with :attr:`topics` and rebuild the author topic counts.

        Use after ingesting without a topic model. Returns the number of articles classified.

        Raises:
            StoreError: the store has no topic scorer.
        """
        if self.topics is None:
            raise StoreError(
                "no topic model is loaded; train one with `python -m mizan.training.topics`"
            )
        articles = schema.articles
        classified = 0
        cursor = 0
        while True:
            query = select(
                articles.c.seq,
                articles.c.id,
                articles.c.title,
                articles.c.body,
                articles.c.language,
            ).where(articles.c.seq > cursor)
            if only_missing:
                query = query.where(articles.c.topic.is_(None))
            with self.engine.connect() as connection:
                rows = connection.execute(query.order_by(articles.c.seq).limit(batch_rows)).all()
            if not rows:
                break
            updates = []
            for row in rows:
                record = prepare_article(
                    ArticleInput(
                        title=row.title or None,
                        body=row.body,
                        language=row.language if row.language in ("ar", "en") else None,
                    ),
                    self.topics,
                    article_id=row.id,
                )
                updates.append(
                    {
                        "row_id": row.id,
                        "new_topic": record.topic,
                        "new_probabilities": dict(record.topic_probabilities or {}),
                    }
                )
            with self._writer.begin() as connection:
                connection.execute(
                    articles.update()
                    .where(articles.c.id == bindparam("row_id"))
                    .values(
                        topic=bindparam("new_topic"),
                        topic_probabilities=bindparam("new_probabilities", type_=JSON),
                    ),
                    updates,
                )
            classified += len(rows)
            cursor = int(rows[-1].seq)
        self._rebuild_author_topics()
        return classified

    def _rebuild_author_topics(self) -> None:
        articles, links, author_topics = (
            schema.articles,
            schema.article_authors,
            schema.author_topics,
        )
        with self._writer.begin() as connection:
            connection.execute(delete(author_topics))
            rows = connection.execute(
                select(links.c.author_key, articles.c.topic, articles.c.topic_probabilities)
                .join(articles, articles.c.id == links.c.article_id)
                .where(articles.c.topic.is_not(None))
            )
            totals: dict[tuple[str, str], list[float]] = {}
            for key, topic, probabilities in rows:
                counters = totals.setdefault((key, topic), [0, 0.0])
                counters[0] += 1
                counters[1] += float((probabilities or {}).get(topic, 0.0))
            if totals:
                connection.execute(
                    insert(author_topics),
                    [
                        {
                            "author_key": key,
                            "topic": topic,
                            "article_count": int(count),
                            "probability_sum": total,
                        }
                        for (key, topic), (count, total) in totals.items()
                    ],
                )
