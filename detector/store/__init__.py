"""Author and outlet memory: published articles, author profiles, the archive and feedback.

``ArticleStore(url)`` opens (and creates or upgrades) the store at a SQLAlchemy URL and
implements :class:`~mizan.detector.memory.ArticleMemory` for ``DetectorEngine(memory=...)``::

    from mizan.detector.store import ArticleStore

    store = ArticleStore("sqlite:///mizan.db")
    store.add(ArticleInput(id="a-1", body="...", author="لندن: رنيم حنوش", outlet="aawsat"))
    store.author_profile("رنيم حنوش")
    store.near_duplicates(text, outlet="aawsat")

:func:`~mizan.detector.store.pipeline.ingest_articles` stores many articles fast (worker processes
prepare them, one process writes).
"""

from mizan.detector.store.archive import (
    VERDICTS,
    ArticleStore,
    FeedbackEntry,
    FeedbackRecord,
    StoredArticle,
    StoreResult,
)
from mizan.detector.store.database import StoreError, create_store_engine
from mizan.detector.store.migrations import LATEST_VERSION, SchemaError
from mizan.detector.store.names import AuthorName, author_key, parse_byline, primary_author
from mizan.detector.store.records import PreparedArticle, TopicScorer, prepare_article

__all__ = [
    "LATEST_VERSION",
    "VERDICTS",
    "ArticleStore",
    "AuthorName",
    "FeedbackEntry",
    "FeedbackRecord",
    "PreparedArticle",
    "SchemaError",
    "StoreError",
    "StoreResult",
    "StoredArticle",
    "TopicScorer",
    "author_key",
    "create_store_engine",
    "parse_byline",
    "prepare_article",
    "primary_author",
]
