"""Evaluation: metric definitions on exact cases, calibration on held-out data, the reports."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mizan.detector.engine import DetectorEngine
from mizan.detector.model import default_bundle_dir, load_model
from mizan.detector.settings import REPO_ROOT, get_settings
from mizan.detector.trained import TrainedModel
from mizan.training.config import TrainConfig
from mizan.training.datasets import load_arabic_aigt_diacritics
from mizan.training.evaluate import evaluate, fit_baseline
from mizan.training.evaluation_report import write_reports
from mizan.training.features import TEXT_COLUMN, extract_features
from mizan.training.metrics import (
    binary_metrics,
    check_targets,
    expected_calibration_error,
    tpr_at_fpr,
)
from mizan.training.text_stage import vectorize_texts


def test_expected_calibration_error_of_a_perfect_and_a_biased_score() -> None:
    labels = np.array([0] * 80 + [1] * 20)
    calibrated = np.full(100, 0.2)
    assert expected_calibration_error(labels, calibrated) == pytest.approx(0.0)
    overconfident = np.full(100, 0.9)
    assert expected_calibration_error(labels, overconfident) == pytest.approx(0.7)
    # Two bins: (0.1 predicted, 0 observed) and (0.8 predicted, 1 observed).
    split = np.array([0.1] * 80 + [0.8] * 20)
    assert expected_calibration_error(labels, split) == pytest.approx(0.8 * 0.1 + 0.2 * 0.2)


def test_true_positive_rate_at_one_percent_false_positives() -> None:
    labels = np.array([0] * 200 + [1] * 10)
    scores = np.concatenate([np.linspace(0.0, 0.5, 200), [0.9] * 6 + [0.3] * 4])
    # 1% of 200 negatives is 2: no negative is above 0.5, so the six 0.9 positives count.
    assert tpr_at_fpr(labels, scores) == pytest.approx(0.6)


def test_binary_metrics_on_a_small_table() -> None:
    labels = np.array([0, 0, 1, 1])
    probabilities = np.array([0.1, 0.6, 0.4, 0.9])
    metrics = binary_metrics(labels, probabilities)
    assert metrics["auroc"] == pytest.approx(0.75)
    assert metrics["accuracy"] == pytest.approx(0.5)
    assert metrics["f1"] == pytest.approx(0.5)
    assert metrics["brier"] == pytest.approx((0.01 + 0.36 + 0.36 + 0.01) / 4)
    single_class = binary_metrics(np.zeros(3, dtype=int), np.array([0.1, 0.2, 0.3]))
    assert np.isnan(single_class["auroc"])


def _report(mce_auroc: float, baseline_auroc: float, ece: float) -> dict:
    head = {"auroc": mce_auroc, "ece": ece, "accuracy": 0.9, "n": 709}
    return {
        "test": {"corpus": {"mce-arabic-news-credibility": {"task": "credibility", "head": head}}},
        "baseline_test": {
            "corpus": {"mce-arabic-news-credibility": {"head": {"auroc": baseline_auroc}}}
        },
        "human_news_false_positives": {
            "kept": {"unreliable_rate": 0.004},
            "stripped": {"unreliable_rate": 0.02},
        },
    }


@pytest.mark.parametrize(
    ("mce_auroc", "baseline_auroc", "ece", "mce_met", "ece_met"),
    [
        (0.95, 0.90, 0.03, True, True),
        (0.95, 0.96, 0.03, False, True),
        (0.80, 0.70, 0.08, False, False),
    ],
)
def test_targets_are_checked_against_the_issue(
    mce_auroc: float, baseline_auroc: float, ece: float, mce_met: bool, ece_met: bool
) -> None:
    rows = {row["key"]: row for row in check_targets(_report(mce_auroc, baseline_auroc, ece))}
    assert rows["mce_auroc"]["met"] is mce_met
    assert rows["ece"]["met"] is ece_met
    assert ("mce-arabic-news-credibility" in rows["ece"]["note"]) is not ece_met
    assert rows["human_news_unreliable"]["met"] is True
    assert "0.0200" in rows["human_news_unreliable"]["note"]


def test_committed_bundle_is_calibrated_on_held_out_arabic_machine_text() -> None:
    """The AIGT test split is the corpus's own and never trained on: mean prediction ~ rate."""
    corpora = get_settings().corpora_dir
    if not corpora.is_dir():
        pytest.skip("corpora not available")
    bundle = default_bundle_dir(REPO_ROOT / "models")
    assert bundle is not None
    engine = DetectorEngine()
    model = load_model(bundle, engine.feature_names)
    assert isinstance(model, TrainedModel)
    frame = load_arabic_aigt_diacritics(corpora)
    held_out = frame[(frame["split"] == "test") & (frame["variant"] == "customplus")]
    held_out = held_out.iloc[::3].reset_index(drop=True)  # about 300 rows, both labels
    features = extract_features(held_out, engine, cache_dir=None, workers=1)
    logits = model.score_arrays(
        features[list(model.feature_names)].to_numpy(dtype=float),
        vectorize_texts(model.vectorizer, features["model_text"].tolist(), 1),
        (features["detected_language"] == "ar").to_numpy(dtype=float),
    )
    probabilities = 1.0 / (1.0 + np.exp(-logits["ai_generated"]))
    labels = held_out["label"].to_numpy()
    assert abs(probabilities.mean() - labels.mean()) < 0.05
    assert expected_calibration_error(labels, probabilities) < 0.08
    assert np.mean((probabilities > 0.5) == labels) > 0.9


def test_evaluate_writes_every_report(tiny_bundle: Path, tiny_cache: Path, tmp_path: Path) -> None:
    result = evaluate(tiny_bundle, {"cache_dir": tiny_cache, "workers": 1}, ablation=False)
    report = result.report
    assert set(report["test"]["corpus"]) >= {"mce-arabic-news-credibility", "en-l2r-newsarticle"}
    assert set(report["baseline_test"]["corpus"]) == set(report["test"]["corpus"])
    rates = report["human_news_false_positives"]
    assert rates["kept"]["n"] == rates["stripped"]["n"] > 0
    assert "customplus (diacritics stripped)" in report["aigt_variants"]
    written = write_reports(result, tmp_path)
    names = {path.name for path in written}
    assert names == {
        "evaluation.md",
        "evaluation.json",
        "roc_curves.png",
        "reliability_diagram.png",
        "reliability_by_language.png",
    }
    assert (tmp_path / "roc_curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    saved = json.loads((tmp_path / "evaluation.json").read_text(encoding="utf-8"))
    assert saved["model"]["version"] == "0.0.1-test"
    assert {row["key"] for row in saved["targets"]} >= {"mce_auroc", "l2r_auroc", "ece"}
    markdown = (tmp_path / "evaluation.md").read_text(encoding="utf-8")
    assert "## Per corpus (test)" in markdown and "AUROC (baseline)" in markdown
    assert "![roc_curves](roc_curves.png)" in markdown


def _baseline_frame() -> pd.DataFrame:
    """Machine-text and credibility rows; one machine-written phrase occurs only in val."""
    rows = []
    for task in ("ai_generated", "credibility"):
        for number in range(6):
            for label, text in ((1, "in conclusion it is important to note"), (0, "police said")):
                rows.append((task, "train", label, f"{text} item {number} {task}"))
    for number in range(4):
        rows.append(("ai_generated", "val", 1, f"delve into the tapestry of {number}"))
        rows.append(("ai_generated", "val", 0, f"the minister said on monday {number}"))
        rows.append(("credibility", "val", number % 2, f"report number {number}"))
    rows.append(("ai_generated", "test", 1, "let us delve into the tapestry"))
    frame = pd.DataFrame(rows, columns=["task", "split", "label", TEXT_COLUMN])
    return frame.assign(source_corpus=frame["task"], variant="")


def test_baseline_learns_from_val_where_the_model_text_does() -> None:
    frame = _baseline_frame()
    test_row = frame.index[frame["split"] == "test"][0]
    scores = {}
    for with_val in (True, False):
        config = TrainConfig(
            text_with_val={"ai_generated": with_val, "credibility": False, "content_farm": False}
        )
        baseline = fit_baseline(frame, config, seed=13)
        scores[with_val] = baseline.probabilities["ai_generated"].iat[test_row]
    # Only the val rows hold "delve into the tapestry": fitted on train alone the baseline
    # has never seen a word of the test row (0.5); fitted on train + val it calls it machine.
    assert scores[False] == pytest.approx(0.5, abs=0.01)
    assert scores[True] > 0.8
