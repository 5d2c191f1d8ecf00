"""Evaluation metrics: per-score figures, per-corpus and per-language tables, the targets.

:func:`metrics_by_corpus` is what ``mizan train`` records in a bundle's metadata and
``mizan evaluate`` reports on the test split; :func:`check_targets` reads an evaluation
report against the targets the model is held to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score, roc_auc_score, roc_curve

TASK_SCORE: Mapping[str, str] = {"ai_generated": "ai_generated", "credibility": "not_credible"}
"""Which probability answers each corpus task (label 1 = machine-written / not credible)."""
ECE_BINS = 10


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
