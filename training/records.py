"""The row shape every corpus is loaded into, and the helpers the training modules share.

A loaded corpus (:mod:`mizan.training.datasets`, the web pages, the editors' feedback) is a
DataFrame with the columns of :data:`COLUMNS`:

- ``id``: stable row id, ``"<corpus>:<key in the corpus>"``.
- ``title``, ``author``, ``outlet``: ``None`` where the corpus does not give them.
- ``text``: the article body, stripped; empty texts are dropped.
- ``language``: ``"ar"`` or ``"en"`` (the corpus language).
- ``label``: 0 or 1, meaning depends on ``task``:
  ``"credibility"`` 1 = unreliable / untrusted / fake, 0 = reliable;
  ``"ai_generated"`` 1 = machine-written, 0 = human-written;
  ``"human_news"`` always 0 (mainstream human news with no task label).
- ``task``, ``source_corpus`` (the folder name under the corpora directory).
- ``split``: the corpus's own split (``"train"``, ``"val"``, ``"test"``) or ``None``
  (assigned later by :func:`mizan.training.splits.assign_splits`).
- ``group``: rows that are versions of one article (an original and its machine rewrites)
  share a group id, so they can be kept in one split; ``None`` otherwise.
- ``variant``: the sub-collection a row comes from: for ``arabic-aigt-diacritics``
  ``"customplus"`` or ``"pure"`` (Pure has no diacritised texts, the diacritics-free
  evaluation); for ``en-l2r-newsarticle`` the generator (``"human"``, ``"GPT-4o"``, ...);
  for ``en-llmfake`` ``"<dataset>/<generation>"`` (``"gossipcop/human"``,
  ``"politifact/paraphrase"``, ...); ``None`` elsewhere.
- ``published_at``: when the article appeared (SaudiNewsNet's crawl time, within a day
  of publication), ISO 8601; ``None`` where the corpus does not say.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd

BASE_COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "text",
    "author",
    "outlet",
    "language",
    "label",
    "task",
    "source_corpus",
    "split",
)
"""The common columns every corpus provides."""

COLUMNS: tuple[str, ...] = (*BASE_COLUMNS, "group", "variant", "published_at")
"""All columns of a loaded corpus, in order (see the module docstring)."""

TASKS: frozenset[str] = frozenset({"credibility", "ai_generated", "human_news"})
SPLITS: tuple[str, ...] = ("train", "val", "test")

_ROW_COLUMNS = ("id", "title", "text", "author", "outlet", "language", "published_at")


def clean_optional(value: Any) -> str | None:
    """Return a stripped string, or ``None`` for missing or blank values."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _stable_order_key(row_id: str) -> str:
    return hashlib.sha1(row_id.encode("utf-8")).hexdigest()


def take_limit(frame: pd.DataFrame, limit: int | None) -> pd.DataFrame:
    """Return at most ``limit`` rows, keeping the share of each (label, split, variant) stratum.

    Rows are picked in the order of a hash of their id, so the choice is deterministic and
    spread over the whole corpus rather than its first files.
    """
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    if limit is None or len(frame) <= limit:
        return frame
    order = frame["id"].map(_stable_order_key)
    shuffled = frame.assign(_order=order).sort_values("_order", kind="stable")
    strata = (
        shuffled["label"].astype(str)
        + "|"
        + shuffled["split"].fillna("").astype(str)
        + "|"
        + shuffled["variant"].fillna("").astype(str)
    )
    sizes = strata.value_counts().sort_index()
    exact_quotas = sizes * limit / len(frame)
    quotas = exact_quotas.astype(int)
    # Largest remainders get the rows that rounding down left over, so exactly ``limit`` rows.
    remainders = (exact_quotas - quotas).sort_values(ascending=False, kind="stable")
    for stratum in remainders.index[: limit - int(quotas.sum())]:
        quotas[stratum] += 1
    picked = [shuffled[strata == stratum].head(int(quotas[stratum])) for stratum in sizes.index]
    result = pd.concat(picked).sort_values("_order", kind="stable").head(limit)
    return result.drop(columns="_order").sort_index(kind="stable")


def corpus_fingerprint(frame: pd.DataFrame) -> str:
    """Return a sha256 over the rows' ids, fields and labels (order-sensitive)."""
    digest = hashlib.sha256()
    for row in frame[["id", "title", "text", "author", "outlet", "label"]].itertuples(index=False):
        for value in row:
            digest.update(b"\x1f" if value is None else str(value).encode("utf-8"))
            digest.update(b"\x1e")
    return digest.hexdigest()


def _text_or_none(value: Any) -> str | None:
    """Return ``value`` when it is a non-empty string (pandas may hold NaN for missing)."""
    return value if isinstance(value, str) and value.strip() else None


def row_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the article columns of ``frame``'s rows (those it has) as one dict per row."""
    columns = [column for column in _ROW_COLUMNS if column in frame.columns]
    return [
        {str(key): value for key, value in record.items()}
        for record in frame[columns].to_dict("records")
    ]


def article_fields(row: dict[str, Any]) -> dict[str, Any]:
    """Return the ``ArticleInput`` fields of a corpus row (``None`` where it has none)."""
    language = row.get("language")
    return {
        "id": str(row["id"]),
        "title": _text_or_none(row.get("title")),
        "body": row["text"],
        "author": _text_or_none(row.get("author")),
        "outlet": _text_or_none(row.get("outlet")),
        "published_at": _text_or_none(row.get("published_at")),
        "language": language if language in ("ar", "en") else None,
    }
