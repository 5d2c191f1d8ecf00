"""Inspection of a store: counts for a look at it, and a check of its consistency.

:meth:`StoreChecks.stats` counts articles, authors, outlets and feedback;
:meth:`StoreChecks.verify` runs SQLite's integrity check and compares every author's counter
with the articles linked to the author.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, func, select

from mizan.detector.store import schema
from mizan.detector.store.base import StoreBase
from mizan.detector.store.migrations import current_version


class StoreChecks(StoreBase):
    """Counts and consistency checks (a part of :class:`~mizan.detector.store.ArticleStore`)."""

    def stats(self) -> dict[str, Any]:
        """Return counts for inspection: articles, authors, outlets, feedback, schema."""
        with self.engine.connect() as connection:

            def count(table: Table) -> int:
                return int(connection.execute(select(func.count()).select_from(table)).scalar_one())

            outlets = connection.execute(
                select(func.count(func.distinct(schema.articles.c.outlet_key)))
            ).scalar_one()
            with_topics = connection.execute(
                select(func.count())
                .select_from(schema.articles)
                .where(schema.articles.c.topic.is_not(None))
            ).scalar_one()
            return {
                "backend": self.backend,
                "schema_version": current_version(connection),
                "articles": count(schema.articles),
                "articles_with_topics": int(with_topics),
                "authors": count(schema.authors),
                "outlets": int(outlets),
                "feedback": count(schema.feedback),
                "index_size": self.index_size,
            }

    def verify(self) -> list[str]:
        """Check the database and the author counters; return the problems found (none: ``[]``)."""
        problems: list[str] = []
        articles, links, authors = schema.articles, schema.article_authors, schema.authors
        with self.engine.connect() as connection:
            if self.backend == "sqlite":
                result = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
                if result != "ok":
                    problems.append(f"SQLite integrity check: {result}")
            linked = (
                select(links.c.author_key, func.count().label("linked"))
                .group_by(links.c.author_key)
                .subquery()
            )
            mismatched = connection.execute(
                select(authors.c.key, authors.c.article_count, linked.c.linked)
                .join(linked, linked.c.author_key == authors.c.key, isouter=True)
                .where(func.coalesce(linked.c.linked, 0) != authors.c.article_count)
                .limit(10)
            ).all()
            for key, counted, actual in mismatched:
                problems.append(
                    f"author {key!r} counts {counted} articles but {actual or 0} are linked"
                )
            orphans = connection.execute(
                select(func.count())
                .select_from(links)
                .join(articles, articles.c.id == links.c.article_id, isouter=True)
                .where(articles.c.id.is_(None))
            ).scalar_one()
            if orphans:
                problems.append(f"{orphans} author links point at no article")
        return problems
