"""Editor feedback as training rows: each article's latest verdict in the store.

``mizan train --with-feedback`` adds them to the train split only (never val or test), with
copies of val or test rows dropped (:func:`add_feedback_rows`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from mizan.detector.article import ArticleInput, parse_article
from mizan.detector.errors import MizanError
from mizan.detector.settings import get_settings
from mizan.detector.store.archive import ArticleStore
from mizan.detector.text import detect_language
from mizan.training.records import COLUMNS
from mizan.training.splits import SPLIT_GROUP_COLUMN, UnionFind, near_duplicate_pairs

FEEDBACK_CORPUS = "editor-feedback"
"""``source_corpus`` of the rows made from editor verdicts in the store."""
FEEDBACK_LABELS: Mapping[str, int] = {"unreliable": 1, "reliable": 0}
"""Credibility label of each editor verdict that training uses (``review`` is no verdict)."""


@dataclass
class FeedbackRows:
    """Training rows made from editor verdicts, and what could not be used."""

    frame: pd.DataFrame
    verdicts: int
    """Latest reliable/unreliable verdicts in the store."""
    missing_article: list[str] = field(default_factory=list)
    """Article ids whose text neither the feedback nor the archive holds."""


def _feedback_article(record: Any, store: Any) -> ArticleInput | None:
    """Return the article a verdict is about: as sent with the feedback, else as archived."""
    if record.entry.article is not None:
        return ArticleInput.model_validate(dict(record.entry.article))
    stored = store.get_article(record.entry.article_id)
    return None if stored is None else stored.as_input()


def feedback_rows(store: Any) -> FeedbackRows:
    """Turn each article's latest editor verdict in ``store`` into a credibility train row.

    ``unreliable`` is label 1, ``reliable`` label 0; articles whose latest verdict is
    ``review`` are left out. Every row is in the train split, so val and test stay the
    corpora's own held-out rows.

    Args:
        store: An open :class:`~mizan.detector.store.archive.ArticleStore`.
    """
    latest = store.latest_verdicts(tuple(FEEDBACK_LABELS))
    records: list[dict[str, Any]] = []
    missing: list[str] = []
    for article_id in sorted(latest):
        record = latest[article_id]
        article = _feedback_article(record, store)
        if article is None:
            missing.append(article_id)
            continue
        document = parse_article(article)
        if not document.body.strip():
            missing.append(article_id)
            continue
        title = document.title or None
        records.append(
            {
                "id": f"{FEEDBACK_CORPUS}:{article_id}",
                "title": title,
                "text": document.body.strip(),
                "author": article.author,
                "outlet": article.outlet,
                "language": detect_language(f"{title or ''}\n{document.body}"),
                "label": FEEDBACK_LABELS[record.entry.verdict],
                "task": "credibility",
                "source_corpus": FEEDBACK_CORPUS,
                "split": "train",
                "group": None,
                "variant": None,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    frame = frame.astype({"label": "int64"})
    return FeedbackRows(frame, len(latest), missing)


def load_feedback(store_url: str | None = None) -> FeedbackRows:
    """Open the store (``store_url`` or ``MIZAN_STORE_URL``) and read its feedback rows.

    Raises:
        MizanError: the URL names a SQLite file that does not exist.
    """
    url = store_url or get_settings().store_url
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///").split("?", 1)[0])
        if not path.is_file():
            raise MizanError(
                f"--with-feedback: no store at {path} (set MIZAN_STORE_URL or --store)"
            )
    with ArticleStore(url, topics=None) as store:
        return feedback_rows(store)


def add_feedback_rows(frame: pd.DataFrame, feedback: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Append feedback rows to split corpus rows, keeping val and test free of them.

    A feedback article that is a copy or near duplicate (:func:`near_duplicate_pairs`) of a
    val or test row is dropped, so nothing that is evaluated was trained on. One that
    duplicates train rows (or other feedback) shares their ``split_group``, so grouped
    folds keep the copies together.

    Returns:
        The combined frame and the number of feedback rows dropped.
    """
    if feedback.empty:
        return frame, 0
    base = frame.reset_index(drop=True)
    extra = feedback.reset_index(drop=True).copy()
    texts = [*base["text"].tolist(), *extra["text"].tolist()]
    offset = len(base)
    held_out = (base["split"] != "train").to_numpy()
    forest = UnionFind(len(extra))
    leaked: set[int] = set()
    first_train_match: dict[int, int] = {}
    for first, second in near_duplicate_pairs(texts):
        if second < offset:
            continue
        if first >= offset:
            forest.union(first - offset, second - offset)
        elif held_out[first]:
            leaked.add(second - offset)
        else:
            first_train_match.setdefault(second - offset, first)
    components = forest.labels()
    leaked_components = {int(components[position]) for position in leaked}
    base_groups = base[SPLIT_GROUP_COLUMN].to_numpy()
    component_group: dict[int, int] = {}
    for position, train_row in first_train_match.items():
        component_group.setdefault(int(components[position]), int(base_groups[train_row]))
    next_group = int(base[SPLIT_GROUP_COLUMN].max()) + 1 if len(base) else 0
    groups: list[int] = []
    keep: list[bool] = []
    for position in range(len(extra)):
        component = int(components[position])
        keep.append(component not in leaked_components)
        if component not in component_group:
            component_group[component] = next_group
            next_group += 1
        groups.append(component_group[component])
    extra[SPLIT_GROUP_COLUMN] = groups
    extra["split"] = "train"
    extra = extra[keep]
    combined = pd.concat([base, extra], ignore_index=True)
    combined.attrs = dict(base.attrs)
    return combined, len(keep) - int(sum(keep))
