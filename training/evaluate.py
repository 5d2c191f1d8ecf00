"""Evaluation: metrics per corpus and language, baseline, false positives, ablation, plots.

Every figure is computed on the test split (or held-out human news) of the data that
:func:`mizan.training.data.prepare_data` builds with the bundle's own seed and sampling, so the
report describes exactly the bundle that ships.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score, roc_curve

from mizan.detector.settings import REPO_ROOT
from mizan.detector.text import strip_diacritics
from mizan.training.records import BASE_COLUMNS

logger = logging.getLogger(__name__)

TASK_SCORE: Mapping[str, str] = {"ai_generated": "ai_generated", "credibility": "not_credible"}
"""Which probability answers each corpus task (label 1 = machine-written / not credible)."""
ECE_BINS = 10
DEFAULT_REPORTS_DIR = REPO_ROOT / "reports"


def expected_calibration_error(labels: np.ndarray, probabilities: np.ndarray) -> float:
    """Return the ECE: mean |observed rate - mean prediction| over 10 equal-width bins."""
    labels = np.asarray(labels, dtype=np.float64)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if len(labels) == 0:
        return float("nan")
    bins = np.minimum((probabilities * ECE_BINS).astype(int), ECE_BINS - 1)
    total = 0.0
    for index in range(ECE_BINS):
        in_bin = bins == index
        if in_bin.any():
            gap = abs(labels[in_bin].mean() - probabilities[in_bin].mean())
            total += gap * in_bin.sum() / len(labels)
    return float(total)


def tpr_at_fpr(labels: np.ndarray, scores: np.ndarray, max_fpr: float = 0.01) -> float:
    """Return the highest true-positive rate reachable with at most ``max_fpr`` false positives."""
    false_positive_rates, true_positive_rates, _ = roc_curve(labels, scores)
    allowed = false_positive_rates <= max_fpr + 1e-12
    return float(true_positive_rates[allowed].max()) if allowed.any() else 0.0


def binary_metrics(labels: np.ndarray, probabilities: np.ndarray) -> dict[str, float | int]:
    """AUROC, TPR at 1% FPR, F1 and accuracy at 0.5, Brier score and ECE of one score."""
    labels = np.asarray(labels, dtype=int)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    both_classes = len(np.unique(labels)) == 2
    predicted = (probabilities >= 0.5).astype(int)
    return {
        "n": len(labels),
        "positives": int(labels.sum()),
        "auroc": float(roc_auc_score(labels, probabilities)) if both_classes else float("nan"),
        "tpr_at_1pct_fpr": tpr_at_fpr(labels, probabilities) if both_classes else float("nan"),
        "f1": float(f1_score(labels, predicted, zero_division=0)),
        "accuracy": float((predicted == labels).mean()) if len(labels) else float("nan"),
        "brier": float(np.mean((probabilities - labels) ** 2)) if len(labels) else float("nan"),
        "ece": expected_calibration_error(labels, probabilities),
    }


def _slices(frame: pd.DataFrame, split: str) -> list[tuple[str, str, str, np.ndarray]]:
    """(kind, name, task, row mask) for every corpus and every (language, task) of a split."""
    in_split = (frame["split"] == split).to_numpy()
    labelled = (frame["task"] != "human_news").to_numpy()
    slices = []
    for corpus, rows in frame[in_split & labelled].groupby("source_corpus", sort=True):
        mask = in_split & (frame["source_corpus"] == corpus).to_numpy()
        slices.append(("corpus", str(corpus), str(rows["task"].iloc[0]), mask))
    for (language, task), _rows in frame[in_split & labelled].groupby(
        ["language", "task"], sort=True
    ):
        mask = (
            in_split
            & labelled
            & (frame["language"] == language).to_numpy()
            & (frame["task"] == task).to_numpy()
        )
        slices.append(("language", f"{language}/{task}", str(task), mask))
    return slices


def metrics_by_corpus(
    frame: pd.DataFrame, scores: pd.DataFrame, split: str = "test"
) -> dict[str, Any]:
    """Metrics of one split per corpus and per (language, task).

    Each slice gets the metrics of its task's head and of ``unreliable`` (1 - reliability).
    """
    result: dict[str, Any] = {"corpus": {}, "language": {}}
    labels = frame["label"].to_numpy()
    for kind, name, task, mask in _slices(frame, split):
        entry = {
            "task": task,
            "head": binary_metrics(labels[mask], scores[TASK_SCORE[task]].to_numpy()[mask]),
            "reliability": binary_metrics(labels[mask], scores["unreliable"].to_numpy()[mask]),
        }
        result[kind][name] = entry
    return result


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
    """Fit the baseline per head task on train (C chosen on val) and score every row."""
    from mizan.training.config import HEAD_TASKS
    from mizan.training.data import head_mask
    from mizan.training.features import TEXT_COLUMN

    texts = frame[TEXT_COLUMN].tolist()
    labels = frame["label"].to_numpy()
    split = frame["split"].to_numpy()
    columns: dict[str, np.ndarray] = {}
    chosen: dict[str, float] = {}
    for head in BASELINE_HEADS:
        rows = head_mask(frame, head, config.human_news_weight[head] > 0)
        train_rows = np.flatnonzero(rows & (split == "train"))
        val_rows = np.flatnonzero(rows & (split == "val"))
        vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2)
        train_matrix = vectorizer.fit_transform([texts[i] for i in train_rows])
        everything = vectorizer.transform(texts)
        best: tuple[float, float, LogisticRegression] | None = None
        for c_value in BASELINE_C_GRID:
            learner = LogisticRegression(C=c_value, max_iter=2000, random_state=seed)
            learner.fit(train_matrix, labels[train_rows])
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
        chosen[head] = best[1]
        columns[TASK_SCORE[HEAD_TASKS[head]]] = best[2].predict_proba(everything)[:, 1]
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
    from mizan.training.bundle import probabilities_frame
    from mizan.training.features import LANGUAGE_COLUMN, TEXT_COLUMN, feature_matrix
    from mizan.training.text_stage import vectorize_texts

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


def _summary_row(entry: dict[str, Any]) -> dict[str, float]:
    return {
        key: entry[key] for key in ("auroc", "tpr_at_1pct_fpr", "f1", "accuracy", "brier", "ece")
    }


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
    from mizan.detector.engine import DetectorEngine
    from mizan.detector.model import load_model, read_bundle_metadata
    from mizan.training.bundle import build_model
    from mizan.training.config import (
        HEAD_TASKS,
        HUMAN_NEWS_CORPUS,
        MAINSTREAM_NEWS_CORPORA,
        config_from_metadata,
        worker_count,
    )
    from mizan.training.data import prepare_data
    from mizan.training.features import extract_features
    from mizan.training.stack import fit_stack
    from mizan.training.text_stage import fit_text_stage

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
    from mizan.detector.settings import get_settings
    from mizan.training.web_pages import WEB_PAGES_CORPUS
    from mizan.training.web_pages import evaluate as evaluate_web_pages

    cv = metadata.get("web_pages_cv")
    if not cv:
        return None
    folder = Path(config.corpora_dir or get_settings().corpora_dir) / WEB_PAGES_CORPUS
    if not folder.is_dir():
        return None
    return evaluate_web_pages(folder, int(cv["folds"]), metadata)


TARGETS: tuple[tuple[str, str], ...] = (
    ("mce_auroc", "MCE credibility, test: AUROC >= 0.93 and above the baseline"),
    ("aigt_accuracy", "Arabic AIGT (CustomPlus test): accuracy >= 0.97"),
    ("aigt_stripped_accuracy", "Arabic AIGT, diacritics stripped: accuracy >= 0.95"),
    ("l2r_auroc", "English LLM-rewritten news (L2R test): AUROC >= 0.95"),
    ("human_news_unreliable", "SaudiNewsNet held out: `unreliable` on <= 1%"),
    ("ece", "ECE <= 0.05 on each test split (task head)"),
    ("mce_trusted_unreliable", "MCE trusted test articles: `unreliable` on <= 5%"),
    ("web_pages_auroc", "Web pages, site-grouped CV: AUROC >= 0.95 per language, above baseline"),
    ("web_pages_farm", "Web pages, site-grouped CV: >= 90% of farm pages not `reliable`"),
    ("web_pages_wire", "Web pages, site-grouped CV: no wire page `unreliable`"),
    ("web_pages_machine", "Machine-written Arabic pages: `ai_generated` recall >= 0.8 (CV)"),
)


def check_targets(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return each target of the issue with the measured value and whether it is met."""
    corpus = report["test"]["corpus"]
    baseline = report["baseline_test"]["corpus"]
    aigt = report.get("aigt_variants", {})
    rows: list[dict[str, Any]] = []

    def add(key: str, value: float, met: bool, note: str = "") -> None:
        label = dict(TARGETS)[key]
        rows.append({"target": label, "key": key, "value": value, "met": bool(met), "note": note})

    mce = corpus.get("mce-arabic-news-credibility")
    if mce:
        value = mce["head"]["auroc"]
        base = baseline["mce-arabic-news-credibility"]["head"]["auroc"]
        add("mce_auroc", value, value >= 0.93 and value > base, f"baseline {base:.3f}")
    kept = aigt.get("customplus (diacritics kept)")
    if kept:
        add("aigt_accuracy", kept["accuracy"], kept["accuracy"] >= 0.97)
    stripped = aigt.get("customplus (diacritics stripped)")
    if stripped:
        pure = aigt.get("pure (diacritics kept)")
        note = f"Pure test {pure['accuracy']:.3f}" if pure else ""
        add("aigt_stripped_accuracy", stripped["accuracy"], stripped["accuracy"] >= 0.95, note)
    l2r = corpus.get("en-l2r-newsarticle")
    if l2r:
        add("l2r_auroc", l2r["head"]["auroc"], l2r["head"]["auroc"] >= 0.95)
    human = report.get("human_news_false_positives")
    if human:
        rate = human["kept"]["unreliable_rate"]
        add(
            "human_news_unreliable",
            rate,
            rate <= 0.01,
            f"stripped {human['stripped']['unreliable_rate']:.4f}",
        )
    worst = max(corpus.items(), key=lambda item: item[1]["head"]["ece"], default=None)
    if worst:
        value = worst[1]["head"]["ece"]
        above = [
            f"{name} {entry['head']['ece']:.3f} (n={entry['head']['n']})"
            for name, entry in corpus.items()
            if entry["head"]["ece"] > 0.05
        ]
        add("ece", value, value <= 0.05, "above 0.05: " + ", ".join(above) if above else "")
    trusted = report.get("human_news_verdicts_by_corpus", {}).get("mce-arabic-news-credibility")
    if trusted:
        add(
            "mce_trusted_unreliable", trusted["unreliable_rate"], trusted["unreliable_rate"] <= 0.05
        )
    web = report.get("web_pages") or {}
    languages = [web[name] for name in ("ar", "en") if name in web]
    if languages:
        worst = min(row["model_auroc"] for row in languages)
        beats = all(row["model_auroc"] > row["baseline_auroc"] for row in languages)
        note = ", ".join(
            f"{name} {web[name]['model_auroc']:.3f} vs baseline {web[name]['baseline_auroc']:.3f}"
            for name in ("ar", "en")
            if name in web
        )
        add("web_pages_auroc", worst, worst >= 0.95 and beats, note)
        farm = min(row["farm_not_reliable"] for row in languages)
        add("web_pages_farm", farm, farm >= 0.9, f"scores: {languages[0]['scores']}")
        wire = max(row["wire_unreliable"] for row in languages)
        add("web_pages_wire", wire, wire == 0.0)
        if "ar" in web and not np.isnan(web["ar"].get("machine_ai_recall", float("nan"))):
            recall = web["ar"]["machine_ai_recall"]
            add(
                "web_pages_machine",
                recall,
                recall >= 0.8,
                f"threshold {web['ar']['ai_generated_threshold']:.4f}; "
                f"{web['ar']['machine_written']} pages",
            )
    return rows


def _cell(value: Any, digits: int = 3) -> str:
    if isinstance(value, float):
        return "n/a" if np.isnan(value) else f"{value:.{digits}f}"
    return str(value)


def _metrics_table(report: Mapping[str, Any], kind: str) -> list[str]:
    lines = [
        "| "
        + " | ".join(
            [
                "slice",
                "task",
                "n",
                "AUROC",
                "AUROC (baseline)",
                "TPR@1%FPR",
                "TPR@1%FPR (baseline)",
                "F1",
                "F1 (baseline)",
                "Brier",
                "Brier (baseline)",
                "ECE",
                "ECE (baseline)",
                "accuracy",
                "reliability AUROC",
                "reliability ECE",
            ]
        )
        + " |",
        "|" + "---|" * 16,
    ]
    for name, entry in report["test"][kind].items():
        head = entry["head"]
        base = report["baseline_test"][kind][name]["head"]
        cells = [name, entry["task"], head["n"]]
        for key in ("auroc", "tpr_at_1pct_fpr", "f1", "brier", "ece"):
            cells += [_cell(head[key]), _cell(base[key])]
        reliability = entry["reliability"]
        cells += [_cell(head["accuracy"]), _cell(reliability["auroc"]), _cell(reliability["ece"])]
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    return lines


def render_markdown(report: Mapping[str, Any], plots: Sequence[str]) -> str:
    """Return ``evaluation.md``: headline tables, targets, false positives, ablation, plots."""
    model = report["model"]
    thresholds = report["thresholds"]
    lines = [
        f"# Evaluation of {model['name']} {model['version']}",
        "",
        f"Bundle sha256 `{model['sha256']}`. Verdict thresholds: unreliable below "
        f"{thresholds['unreliable_below']}, reliable above {thresholds['reliable_above']} "
        "(chosen on val).",
        "",
        "All figures are on the **test** splits (never used for fitting, calibration or "
        "thresholds). The task head is `ai_generated` for machine-text corpora and "
        "`1 - credibility` for credibility corpora; *reliability AUROC* scores "
        "`1 - reliability` against the same labels. The baseline is TF-IDF (word 1-2-grams) "
        "+ logistic regression trained on the same train rows (C chosen on val). F1 and "
        "accuracy at 0.5. ECE over 10 equal-width bins.",
        "",
        "## Per corpus (test)",
        "",
        *_metrics_table(report, "corpus"),
        "",
        "## Per language (test)",
        "",
        *_metrics_table(report, "language"),
        "",
        "## Targets",
        "",
        "| target | value | met | note |",
        "|---|---|---|---|",
    ]
    for row in check_targets(report):
        lines.append(
            f"| {row['target']} | {_cell(row['value'], 4)} | {'yes' if row['met'] else 'no'} "
            f"| {row['note']} |"
        )
    human = report.get("human_news_false_positives")
    if human:
        lines += [
            "",
            f"## False positives on held-out human news ({human['corpus']}, 2015, pre-LLM)",
            "",
            f"Share of diacritic characters in these texts: "
            f"{human['diacritic_character_share']:.5f}.",
            "",
            "| text | n | `unreliable` verdict | `ai_generated > 0.5` |",
            "|---|---|---|---|",
        ]
        for key in ("kept", "stripped"):
            rates = human[key]
            lines.append(
                f"| diacritics {key} | {rates['n']} | {rates['unreliable_rate']:.4f} "
                f"| {rates['ai_generated_rate']:.4f} |"
            )
        lines += [
            "",
            "Human-written (label 0) test articles of every mainstream-news corpus:",
            "",
            "| corpus | n | `unreliable` verdict | `ai_generated > 0.5` |",
            "|---|---|---|---|",
        ]
        for corpus, rates in report.get("human_news_verdicts_by_corpus", {}).items():
            lines.append(
                f"| {corpus} | {rates['n']} | {rates['unreliable_rate']:.4f} "
                f"| {rates['ai_generated_rate']:.4f} |"
            )
    aigt = report.get("aigt_variants")
    if aigt:
        lines += [
            "",
            "## Arabic AIGT: diacritics kept and stripped (test)",
            "",
            "| variant | n | accuracy | AUROC | F1 | ECE |",
            "|---|---|---|---|---|---|",
        ]
        for name, entry in aigt.items():
            lines.append(
                f"| {name} | {entry['n']} | {_cell(entry['accuracy'])} | {_cell(entry['auroc'])} "
                f"| {_cell(entry['f1'])} | {_cell(entry['ece'])} |"
            )
    web = report.get("web_pages")
    if web:
        from mizan.training.web_pages import markdown as web_pages_markdown

        table = web_pages_markdown(web, 5).splitlines()
        lines += ["", "## Web pages (site-grouped cross-validation)", "", *table[2:]]
    ablation = report.get("ablation")
    if ablation:
        corpora = list(next(iter(ablation.values()))["head_auroc"])
        lines += [
            "",
            "## Ablation: stacking layers refitted without one signal family (test AUROC)",
            "",
            "Text models are shared; `none` is the full refit, `all signals` the text alone.",
            "",
            "| dropped | "
            + " | ".join(f"{c} head / reliability" for c in corpora)
            + " | human news `unreliable` |",
            "|---|" + "---|" * (len(corpora) + 1),
        ]
        for dropped, entry in ablation.items():
            cells = [
                f"{_cell(entry['head_auroc'][c])} / {_cell(entry['reliability_auroc'][c])}"
                for c in corpora
            ]
            lines.append(
                f"| {dropped} | "
                + " | ".join(cells)
                + f" | {entry['human_news_unreliable_rate']:.4f} |"
            )
    if plots:
        lines += ["", "## Plots", ""]
        lines += [f"![{Path(plot).stem}]({Path(plot).name})" for plot in plots]
    lines.append("")
    return "\n".join(lines)


def _reliability_curves(
    axis: Any,
    result: EvaluationResult,
    column: str,
    mask: np.ndarray,
    labels: np.ndarray,
    title: str,
) -> None:
    """Draw Mizan's and the baseline's reliability curves of ``column`` over ``mask`` rows."""
    edges = np.linspace(0, 1, ECE_BINS + 1)
    for name, scores in (("Mizan", result.scores), ("TF-IDF + LR", result.baseline)):
        probabilities = scores[column].to_numpy()[mask]
        observed, predicted = [], []
        for low, high in zip(edges[:-1], edges[1:], strict=True):
            in_bin = (probabilities >= low) & (
                (probabilities < high) | (high == 1.0) & (probabilities <= high)
            )
            if in_bin.sum() >= 5:
                predicted.append(probabilities[in_bin].mean())
                observed.append(labels[mask][in_bin].mean())
        ece = expected_calibration_error(labels[mask], probabilities)
        axis.plot(predicted, observed, marker="o", label=f"{name} (ECE {ece:.3f})")
    axis.plot([0, 1], [0, 1], color="grey", linewidth=0.5, linestyle="--")
    axis.set_title(title, fontsize=9)
    axis.set_xlabel("mean predicted probability")
    axis.set_ylabel("observed rate")
    axis.legend(loc="upper left", fontsize=8)


def write_plots(result: EvaluationResult, reports_dir: Path) -> list[Path]:
    """Write ROC curves per corpus and reliability diagrams as PNG files."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = result.frame
    test = (frame["split"] == "test") & (frame["task"] != "human_news")
    corpora = sorted(frame.loc[test, "source_corpus"].unique())
    labels = frame["label"].to_numpy()
    paths: list[Path] = []

    columns = 3
    rows = (len(corpora) + columns - 1) // columns
    figure, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 4 * rows), squeeze=False)
    for axis, corpus in zip(axes.ravel(), corpora, strict=False):
        mask = (test & (frame["source_corpus"] == corpus)).to_numpy()
        task = str(frame.loc[mask, "task"].iloc[0])
        column = TASK_SCORE[task]
        for name, scores in (("Mizan", result.scores), ("TF-IDF + LR", result.baseline)):
            if len(np.unique(labels[mask])) < 2:
                continue
            fpr, tpr, _ = roc_curve(labels[mask], scores[column].to_numpy()[mask])
            auc = roc_auc_score(labels[mask], scores[column].to_numpy()[mask])
            axis.plot(fpr, tpr, label=f"{name} ({auc:.3f})")
        axis.plot([0, 1], [0, 1], color="grey", linewidth=0.5, linestyle="--")
        axis.set_title(f"{corpus}\n({task}, n={int(mask.sum())})", fontsize=9)
        axis.set_xlabel("false positive rate")
        axis.set_ylabel("true positive rate")
        axis.legend(loc="lower right", fontsize=8)
    for axis in axes.ravel()[len(corpora) :]:
        axis.axis("off")
    figure.tight_layout()
    path = reports_dir / "roc_curves.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    paths.append(path)

    panels = [
        (
            "ai_generated",
            "ai_generated head (machine-text test rows)",
            test & (frame["task"] == "ai_generated"),
        ),
        (
            "not_credible",
            "1 - credibility head (credibility test rows)",
            test & (frame["task"] == "credibility"),
        ),
        ("unreliable", "1 - reliability (all labelled test rows)", test),
    ]
    figure, axes = plt.subplots(1, 3, figsize=(13, 4.3))
    for axis, (column, title, mask_series) in zip(axes, panels, strict=True):
        _reliability_curves(axis, result, column, mask_series.to_numpy(), labels, title)
    figure.tight_layout()
    path = reports_dir / "reliability_diagram.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    paths.append(path)

    # Reliability per language: 1 - reliability against the label of every labelled test row.
    figure, axes = plt.subplots(1, 2, figsize=(9, 4.3))
    for axis, language in zip(axes, ("ar", "en"), strict=True):
        mask = (test & (frame["language"] == language)).to_numpy()
        title = f"1 - reliability, {language} (labelled test rows, n={int(mask.sum())})"
        _reliability_curves(axis, result, "unreliable", mask, labels, title)
    figure.tight_layout()
    path = reports_dir / "reliability_by_language.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    paths.append(path)
    return paths


def write_reports(result: EvaluationResult, reports_dir: Path = DEFAULT_REPORTS_DIR) -> list[Path]:
    """Write ``evaluation.json``, ``evaluation.md`` and the plots into ``reports_dir``."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    plots = write_plots(result, reports_dir)
    report = {**result.report, "targets": check_targets(result.report)}
    json_path = reports_dir / "evaluation.json"
    json_path.write_text(
        json.dumps(_finite(report), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    markdown_path = reports_dir / "evaluation.md"
    markdown_path.write_text(render_markdown(report, [p.name for p in plots]), encoding="utf-8")
    return [markdown_path, json_path, *plots]


def _finite(value: Any) -> Any:
    """Replace NaN floats by ``None`` so the JSON is standard."""
    if isinstance(value, float):
        return None if np.isnan(value) else round(value, 6)
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value
