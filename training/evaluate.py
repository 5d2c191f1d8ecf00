"""Evaluation: metrics per corpus and language, baseline, false positives, ablation.

Every figure is computed on the test split (or held-out human news) of the data that
:func:`mizan.training.data.prepare_data` builds with the bundle's own seed and sampling, so the
report describes exactly the bundle that ships. The metrics themselves and the targets are
in :mod:`mizan.training.metrics`; the report's files (JSON, Markdown, plots) are written by
:mod:`mizan.training.evaluation_report`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from mizan.detector.engine import DetectorEngine
from mizan.detector.model import load_model, read_bundle_metadata
from mizan.detector.settings import get_settings
from mizan.detector.text import strip_diacritics
from mizan.training.bundle import build_model, probabilities_frame
from mizan.training.config import (
    HEAD_TASKS,
    HUMAN_NEWS_CORPUS,
    MAINSTREAM_NEWS_CORPORA,
    config_from_metadata,
    worker_count,
)
from mizan.training.data import head_mask, prepare_data
from mizan.training.features import LANGUAGE_COLUMN, TEXT_COLUMN, extract_features, feature_matrix
from mizan.training.metrics import TASK_SCORE, binary_metrics, metrics_by_corpus
from mizan.training.records import BASE_COLUMNS
from mizan.training.stack import fit_stack
from mizan.training.text_stage import fit_text_stage, vectorize_texts
from mizan.training.web_pages import WEB_PAGES_CORPUS
from mizan.training.web_pages import evaluate as evaluate_web_pages

logger = logging.getLogger(__name__)

BASELINE_C_GRID: tuple[float, ...] = (1.0, 10.0)
BASELINE_HEADS: tuple[str, ...] = ("ai_generated", "credibility")
"""Heads whose corpus tasks have test splits (the web pages have their own baseline,
:mod:`mizan.training.web_pages`, on the same site-grouped folds)."""


@dataclass
class Baseline:
    """Plain TF-IDF (word 1-2-grams) + logistic regression per head, on the same train rows."""

    probabilities: pd.DataFrame
    chosen_c: dict[str, float]


def fit_baseline(frame: pd.DataFrame, config: Any, seed: int) -> Baseline:
    """Fit the baseline per head task on train (C chosen on val) and score every row.

    A head whose text model also learns from val (``text_with_val``) gets a baseline refitted
    on train + val with the chosen C, so both see the same rows.
    """
    texts = frame[TEXT_COLUMN].tolist()
    labels = frame["label"].to_numpy()
    split = frame["split"].to_numpy()

    def vectorise(rows: np.ndarray) -> tuple[Any, Any]:
        """TF-IDF fitted on ``rows``: their vectors and every row's."""
        vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2)
        return vectorizer.fit_transform([texts[i] for i in rows]), vectorizer.transform(texts)

    def fit(matrix: Any, rows: np.ndarray, c_value: float) -> LogisticRegression:
        learner = LogisticRegression(C=c_value, max_iter=2000, random_state=seed)
        return learner.fit(matrix, labels[rows])

    columns: dict[str, np.ndarray] = {}
    chosen: dict[str, float] = {}
    for head in BASELINE_HEADS:
        rows = head_mask(frame, head, config.human_news_weight[head] > 0)
        train_rows = np.flatnonzero(rows & (split == "train"))
        val_rows = np.flatnonzero(rows & (split == "val"))
        train_matrix, everything = vectorise(train_rows)
        best: tuple[float, float, LogisticRegression] | None = None
        for c_value in BASELINE_C_GRID:
            learner = fit(train_matrix, train_rows, c_value)
            probabilities = learner.predict_proba(everything[val_rows])[:, 1]
            loss = float(
                -np.mean(
                    labels[val_rows] * np.log(np.clip(probabilities, 1e-9, 1))
                    + (1 - labels[val_rows]) * np.log(np.clip(1 - probabilities, 1e-9, 1))
                )
            )
            if best is None or loss < best[0]:
                best = (loss, c_value, learner)
        assert best is not None
        _loss, chosen[head], learner = best
        if config.text_with_val.get(head, False):
            # The model's text for this head learnt from val too: so does the baseline.
            fit_rows = np.union1d(train_rows, val_rows)
            fit_matrix, everything = vectorise(fit_rows)
            learner = fit(fit_matrix, fit_rows, chosen[head])
        columns[TASK_SCORE[HEAD_TASKS[head]]] = learner.predict_proba(everything)[:, 1]
    probabilities = pd.DataFrame(columns, index=frame.index)
    probabilities["unreliable"] = np.maximum(
        probabilities["ai_generated"], probabilities["not_credible"]
    )
    return Baseline(probabilities, chosen)


def verdict_rates(
    reliability: np.ndarray, ai_generated: np.ndarray, unreliable_below: float
) -> dict[str, float | int]:
    """Share of articles called ``unreliable`` and share with ``ai_generated > 0.5``."""
    return {
        "n": len(reliability),
        "unreliable_rate": float(np.mean(reliability < unreliable_below))
        if len(reliability)
        else 0.0,
        "ai_generated_rate": float(np.mean(ai_generated > 0.5)) if len(ai_generated) else 0.0,
    }


def score_frame(model: Any, frame: pd.DataFrame, workers: int) -> pd.DataFrame:
    """Score rows that carry extracted features (``mizan.training.features`` columns)."""
    features = feature_matrix(frame, model.feature_names)
    matrix = vectorize_texts(model.vectorizer, frame[TEXT_COLUMN].tolist(), workers)
    is_arabic = (frame[LANGUAGE_COLUMN] == "ar").to_numpy(dtype=np.float64)
    logits = model.score_arrays(features, matrix, is_arabic)
    return probabilities_frame(logits, frame.index)


def diacritics_stripped(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of corpus rows with Arabic diacritics removed from title and text."""
    copy = frame[[*BASE_COLUMNS, "variant"]].copy()
    copy["id"] = copy["id"] + "#stripped"
    copy["text"] = copy["text"].map(strip_diacritics)
    copy["title"] = copy["title"].map(
        lambda value: strip_diacritics(value) if isinstance(value, str) else None
    )
    return copy


@dataclass
class EvaluationResult:
    """Everything :func:`evaluate` computed (also written to ``evaluation.json``)."""

    report: dict[str, Any]
    scores: pd.DataFrame
    baseline: pd.DataFrame
    frame: pd.DataFrame


def evaluate(
    bundle_dir: Path,
    config_overrides: Mapping[str, Any] | None = None,
    ablation: bool = True,
    say: Any = logger.info,
    progress: Any = None,
) -> EvaluationResult:
    """Evaluate a bundle on the test splits it was built with (see module docstring).

    Args:
        bundle_dir: The bundle folder (checked: sha256 and feature names).
        config_overrides: :class:`mizan.training.config.TrainConfig` fields to change (corpora
            path, workers, cache); the data-defining fields come from the bundle.
        ablation: Also refit the stacking layers without each signal family.
        say: Progress messages.
        progress: Progress-bar factory for feature extraction.
    """
    started = time.perf_counter()
    engine = DetectorEngine()
    metadata = read_bundle_metadata(bundle_dir)
    model = load_model(bundle_dir, engine.feature_names)
    config = config_from_metadata(metadata, config_overrides or {})
    workers = worker_count(config)
    data = prepare_data(config, engine, say, progress)
    frame = data.frame
    say(f"scoring {len(frame)} rows with {metadata['name']} {metadata['version']}")
    scores = score_frame(model, frame, workers)
    say("fitting the TF-IDF + logistic regression baseline on the same train rows")
    baseline = fit_baseline(frame, config, config.seed)
    report: dict[str, Any] = {
        "model": {
            "name": metadata["name"],
            "version": metadata["version"],
            "sha256": metadata["sha256"],
        },
        "thresholds": model.thresholds.to_dict(),
        "test": metrics_by_corpus(frame, scores, "test"),
        "baseline_test": metrics_by_corpus(frame, baseline.probabilities, "test"),
        "baseline_c": baseline.chosen_c,
        "val": metrics_by_corpus(frame, scores, "val"),
        "val_in_sample_heads": sorted(
            head for head, with_val in config.text_with_val.items() if with_val
        ),
    }

    # False positives on held-out human-written news, diacritics kept and stripped.
    thresholds = model.thresholds
    reliability = 1.0 - scores["unreliable"].to_numpy()
    test_rows = (frame["split"] == "test").to_numpy()
    human_news = test_rows & (frame["source_corpus"] == HUMAN_NEWS_CORPUS).to_numpy()
    say("re-extracting held-out human news and AIGT test rows with diacritics stripped")
    stripped_source = frame[
        human_news | (test_rows & (frame["source_corpus"] == "arabic-aigt-diacritics").to_numpy())
    ]
    stripped = diacritics_stripped(stripped_source)
    stripped = stripped.join(
        extract_features(
            stripped,
            engine,
            cache_dir=config.cache_dir,
            workers=workers,
            progress=progress,
            memory=data.memory,
        )
    )
    stripped_scores = score_frame(model, stripped, workers)
    stripped_reliability = 1.0 - stripped_scores["unreliable"].to_numpy()
    stripped_human = (stripped["source_corpus"] == HUMAN_NEWS_CORPUS).to_numpy()
    diacritic_share = float(
        frame.loc[human_news, "text"].str.count("[\u064b-\u0652]").sum()
        / max(1, frame.loc[human_news, "text"].str.len().sum())
    )
    report["human_news_false_positives"] = {
        "corpus": HUMAN_NEWS_CORPUS,
        "diacritic_character_share": diacritic_share,
        "kept": verdict_rates(
            reliability[human_news],
            scores["ai_generated"].to_numpy()[human_news],
            thresholds.unreliable_below,
        ),
        "stripped": verdict_rates(
            stripped_reliability[stripped_human],
            stripped_scores["ai_generated"].to_numpy()[stripped_human],
            thresholds.unreliable_below,
        ),
    }
    mainstream = {}
    for corpus in sorted(MAINSTREAM_NEWS_CORPORA):
        rows = (
            test_rows
            & (frame["source_corpus"] == corpus).to_numpy()
            & (frame["label"] == 0).to_numpy()
        )
        if rows.any():
            mainstream[corpus] = verdict_rates(
                reliability[rows],
                scores["ai_generated"].to_numpy()[rows],
                thresholds.unreliable_below,
            )
    report["human_news_verdicts_by_corpus"] = mainstream
    report["web_pages"] = web_pages_figures(metadata, config)

    aigt: dict[str, Any] = {}
    labels = frame["label"].to_numpy()
    for variant in ("customplus", "pure"):
        rows = test_rows & (frame["variant"] == variant).to_numpy()
        if rows.any():
            aigt[f"{variant} (diacritics kept)"] = binary_metrics(
                labels[rows], scores["ai_generated"].to_numpy()[rows]
            )
            aigt[f"{variant} baseline"] = binary_metrics(
                labels[rows], baseline.probabilities["ai_generated"].to_numpy()[rows]
            )
        stripped_rows = (stripped["variant"] == variant).to_numpy()
        if stripped_rows.any():
            aigt[f"{variant} (diacritics stripped)"] = binary_metrics(
                stripped["label"].to_numpy()[stripped_rows],
                stripped_scores["ai_generated"].to_numpy()[stripped_rows],
            )
    report["aigt_variants"] = aigt

    if ablation:
        say("ablation: refitting the stacking layers without one signal family at a time")
        text_stage = fit_text_stage(data, config, say)
        families = sorted({name.split(".", 1)[0] for name in data.feature_names})
        rows_out: dict[str, Any] = {}
        for dropped in ["none", *families, "all signals"]:
            drop = (
                families if dropped == "all signals" else ([] if dropped == "none" else [dropped])
            )
            stacked = fit_stack(data, text_stage, config, drop)
            refit = build_model(stacked, text_stage, data, config)
            refit_scores = score_frame(refit, frame, workers)
            metrics = metrics_by_corpus(frame, refit_scores, "test")
            refit_reliability = 1.0 - refit_scores["unreliable"].to_numpy()
            rows_out[dropped] = {
                "head_auroc": {c: e["head"]["auroc"] for c, e in metrics["corpus"].items()},
                "reliability_auroc": {
                    c: e["reliability"]["auroc"] for c, e in metrics["corpus"].items()
                },
                "human_news_unreliable_rate": float(
                    np.mean(refit_reliability[human_news] < stacked.thresholds.unreliable_below)
                ),
                "thresholds": stacked.thresholds.to_dict(),
            }
        report["ablation"] = rows_out

    report["heads"] = {
        head: TASK_SCORE[task] for head, task in HEAD_TASKS.items() if task in TASK_SCORE
    }
    report["evaluation_seconds"] = round(time.perf_counter() - started, 1)
    return EvaluationResult(report, scores, baseline.probabilities, frame)


def web_pages_figures(metadata: Mapping[str, Any], config: Any) -> dict[str, Any] | None:
    """Return the bundle's out-of-fold web-pages figures beside the baseline's (same folds)."""
    cv = metadata.get("web_pages_cv")
    if not cv:
        return None
    folder = Path(config.corpora_dir or get_settings().corpora_dir) / WEB_PAGES_CORPUS
    if not folder.is_dir():
        return None
    return evaluate_web_pages(folder, int(cv["folds"]), metadata)
