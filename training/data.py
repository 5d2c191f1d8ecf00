"""Training data (stages 1 and 2): corpora, splits, sampling, web pages, features.

:func:`prepare_data` loads every corpus (:mod:`mizan.training.datasets`), assigns leak-free
splits (:mod:`mizan.training.splits`), samples the human-news corpus per split, adds the
editors' feedback and the web pages, and extracts every row's features through the engine
(:mod:`mizan.training.features`, cached). :func:`head_mask` and :func:`sample_weights` say
which rows each head learns from and how much each weighs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mizan.detector.engine import DetectorEngine
from mizan.detector.settings import get_settings
from mizan.training.config import (
    HEAD_TASKS,
    HUMAN_NEWS_CORPUS,
    PRE_LLM_HUMAN_CORPORA,
    Say,
    TrainConfig,
    log_progress,
    worker_count,
)
from mizan.training.datasets import load_all
from mizan.training.features import (
    LANGUAGE_COLUMN,
    PARSED_COLUMN,
    ProgressFactory,
    extract_features,
    feature_matrix,
)
from mizan.training.feedback import FEEDBACK_CORPUS, add_feedback_rows, load_feedback
from mizan.training.memory import TrainingMemory, build_training_memory
from mizan.training.records import SPLITS, corpus_fingerprint, take_limit
from mizan.training.splits import SPLIT_GROUP_COLUMN, assign_splits
from mizan.training.web_pages import (
    MACHINE_KINDS,
    WEB_FOLD_COLUMN,
    WEB_PAGES_CORPUS,
    WEB_PAGES_TASK,
    WIRE_KIND,
    web_pages_frame,
)

CORPUS_LICENCES: Mapping[str, str] = {
    "mce-arabic-news-credibility": "Apache-2.0 (repository); texts belong to the outlets",
    "arabic-aigt-diacritics": "none stated (research repository)",
    "saudinewsnet": "CC BY-NC-SA 4.0 (research only)",
    "en-l2r-newsarticle": "CC BY 3.0",
    "en-llmfake": "none stated (released for research)",
    "en-fakes-syria": "CC BY 4.0",
    "en-recovery-sample": "CC BY-NC-SA 4.0",
    "editor-feedback": "the newsroom's own editor verdicts (POST /v1/feedback); texts as scored",
    WEB_PAGES_CORPUS: "third-party page excerpts, development use only (see its PROVENANCE files)",
}


@dataclass
class PreparedData:
    """Rows with splits, labels, model text and signal features."""

    frame: pd.DataFrame
    feature_names: tuple[str, ...]
    features: np.ndarray
    is_arabic: np.ndarray
    corpora: list[dict[str, Any]]
    feedback: dict[str, Any] | None = None
    """Editor-feedback counts when training used them (``--with-feedback``)."""
    memory: TrainingMemory | None = None
    """The store of train-split articles the memory features were computed against."""


def corpus_folder_hash(folder: Path) -> str:
    """Return a sha256 over every file in a corpus folder (relative paths and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode("utf-8"))
        digest.update(b"\0")
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def sample_human_news(frame: pd.DataFrame, rows: Mapping[str, int], seed: int) -> pd.DataFrame:
    """Keep at most ``rows[split]`` human-news rows per split, chosen by a seeded hash of the id."""
    is_human = frame["source_corpus"] == HUMAN_NEWS_CORPUS
    keep = ~is_human
    order = frame["id"].map(lambda row_id: hashlib.sha1(f"{seed}:{row_id}".encode()).hexdigest())
    for split, limit in rows.items():
        candidates = order[is_human & (frame["split"] == split)].sort_values()
        keep.loc[candidates.index[:limit]] = True
    return frame[keep].reset_index(drop=True)


def prepare_data(
    config: TrainConfig,
    engine: DetectorEngine,
    say: Say = log_progress,
    progress: ProgressFactory | None = None,
) -> PreparedData:
    """Load, split, sample and extract features (stages 1 and 2)."""
    corpora_root = config.corpora_dir or get_settings().corpora_dir
    say(f"loading corpora from {corpora_root}")
    frame = load_all(corpora_dir=corpora_root, limit=config.max_rows_per_corpus)
    say(f"loaded {len(frame)} rows; assigning leak-free splits (seed {config.seed})")
    frame = assign_splits(frame, seed=config.seed)
    memory = None
    if config.training_memory:
        say("storing the train split's articles with an author or outlet (training memory)")
        folder = Path(config.cache_dir) / "memory" if config.cache_dir is not None else None
        memory = build_training_memory(frame, folder, worker_count(config))
        say(f"training memory: {memory.articles} articles")
    frame = sample_human_news(frame, config.human_news_rows, config.seed)
    say(f"{len(frame)} rows after sampling {HUMAN_NEWS_CORPUS}")
    feedback_summary: dict[str, Any] | None = None
    if config.with_feedback:
        feedback = load_feedback(config.store_url)
        frame, dropped = add_feedback_rows(frame, feedback.frame)
        added = len(feedback.frame) - dropped
        labels = frame.loc[frame["source_corpus"] == FEEDBACK_CORPUS, "label"].value_counts()
        feedback_summary = {
            "verdicts": feedback.verdicts,
            "rows": added,
            "unreliable": int(labels.get(1, 0)),
            "reliable": int(labels.get(0, 0)),
            "missing_article": len(feedback.missing_article),
            "dropped_as_val_test_duplicates": dropped,
        }
        say(
            f"editor feedback: {added} train rows from {feedback.verdicts} verdicts "
            f"({len(feedback.missing_article)} without article text, {dropped} dropped as "
            f"duplicates of val/test rows)"
        )
    if config.web_pages:
        frame = add_web_pages(frame, Path(corpora_root), config, say)
    else:
        frame = frame.assign(**{WEB_FOLD_COLUMN: -1})
    say(f"extracting features of {len(frame)} rows")
    extracted = extract_features(
        frame,
        engine,
        cache_dir=config.cache_dir,
        workers=worker_count(config),
        progress=progress,
        memory=memory,
    )
    frame = frame.join(extracted)
    unparsed = int((frame[PARSED_COLUMN] == 0).sum())
    if unparsed:
        say(f"dropped {unparsed} rows that hold no article text after parsing")
    frame = frame[frame[PARSED_COLUMN] == 1].reset_index(drop=True)
    corpora = []
    for corpus, rows in frame.groupby("source_corpus", sort=True):
        folder = Path(corpora_root) / str(corpus)
        corpora.append(
            {
                "name": corpus,
                "licence": CORPUS_LICENCES.get(str(corpus), "see PROVENANCE.md"),
                "language": ",".join(sorted(rows["language"].astype(str).unique())),
                "task": str(rows["task"].iloc[0]),
                "rows": {split: int((rows["split"] == split).sum()) for split in SPLITS},
                "labels": {str(k): int(v) for k, v in rows["label"].value_counts().items()},
                "folder_sha256": corpus_folder_hash(folder) if folder.is_dir() else None,
                "rows_sha256": corpus_fingerprint(rows),
            }
        )
    return PreparedData(
        frame=frame,
        feature_names=engine.feature_names,
        features=feature_matrix(frame, engine.feature_names),
        is_arabic=(frame[LANGUAGE_COLUMN] == "ar").to_numpy(dtype=np.float64),
        corpora=corpora,
        feedback=feedback_summary,
        memory=memory,
    )


def add_web_pages(
    frame: pd.DataFrame, corpora_root: Path, config: TrainConfig, say: Say = log_progress
) -> pd.DataFrame:
    """Append the web-pages corpus to split rows: all in train, each with its site fold.

    Rows of other corpora get fold -1. The pages' ``split_group`` follows their site-grouped
    fold components (new group numbers), so no grouping joins them to corpus rows.
    """
    folder = corpora_root / WEB_PAGES_CORPUS
    base = frame.assign(**{WEB_FOLD_COLUMN: -1})
    if not folder.is_dir():
        say(f"no {WEB_PAGES_CORPUS} corpus at {folder}: training without web pages")
        return base
    pages = web_pages_frame(folder, config.folds)
    if config.max_rows_per_corpus is not None:
        pages = take_limit(pages, config.max_rows_per_corpus).reset_index(drop=True)
    start = int(base[SPLIT_GROUP_COLUMN].max()) + 1 if len(base) else 0
    codes, _sites = pd.factorize(pages["group"], sort=True)
    pages[SPLIT_GROUP_COLUMN] = start + codes
    say(
        f"{WEB_PAGES_CORPUS}: {len(pages)} pages ({int(pages['label'].sum())} farm or "
        f"machine-written) on {config.folds} site-grouped folds"
    )
    combined = pd.concat([base, pages], ignore_index=True)
    combined.attrs = dict(base.attrs)
    return combined


def web_fold(frame: pd.DataFrame) -> np.ndarray:
    """Each row's web-pages fold (-1 for rows of other corpora)."""
    if WEB_FOLD_COLUMN not in frame.columns:
        return np.full(len(frame), -1, dtype=np.int64)
    return frame[WEB_FOLD_COLUMN].fillna(-1).to_numpy(dtype=np.int64)


def head_mask(
    frame: pd.DataFrame,
    head: str,
    with_human_news: bool,
    with_web_pages: bool = False,
    with_trusted_news: bool = True,
) -> np.ndarray:
    """Rows a head learns from: its task's rows, and the human-news rows if asked.

    With ``with_web_pages`` the ``ai_generated`` head also learns from the machine-written
    web pages (label 1) and the wire pages (label 0), with the trusted (label 0) rows of
    the pre-LLM corpora on the human side; content-farm pages that a person wrote stay
    out of it. The ``content_farm`` head's own task is the web pages.
    """
    task = frame["task"].to_numpy()
    mask: np.ndarray = task == HEAD_TASKS[head]
    if with_human_news:
        mask = mask | (task == "human_news")
    if head == "ai_generated" and with_web_pages:
        kind = frame["variant"].to_numpy()
        web = task == WEB_PAGES_TASK
        machine = np.isin(kind, list(MACHINE_KINDS))
        mask = mask | (web & (machine | (kind == WIRE_KIND)))
    if head == "ai_generated" and with_web_pages and with_trusted_news:
        trusted = frame["source_corpus"].isin(PRE_LLM_HUMAN_CORPORA).to_numpy() & (
            frame["label"].to_numpy() == 0
        )
        mask = mask | trusted
    return mask


def sample_weights(
    frame: pd.DataFrame, human_news_weight: float = 1.0, web_pages_weight: float = 1.0
) -> np.ndarray:
    """Per-row weights: each corpus weighs ``sqrt(rows)`` in all; human news scaled down.

    Square-root balancing keeps the large corpora from drowning the small ones without
    letting a 70-row corpus count as much as a 7,000-row one. Web pages are scaled by
    ``web_pages_weight``.
    """
    counts = frame["source_corpus"].map(frame["source_corpus"].value_counts())
    weights = 1.0 / np.sqrt(counts.to_numpy(dtype=np.float64))
    weights[(frame["task"] == "human_news").to_numpy()] *= human_news_weight
    weights[(frame["task"] == WEB_PAGES_TASK).to_numpy()] *= web_pages_weight
    total = float(weights.sum())
    return weights * (len(weights) / total) if total > 0 else weights
