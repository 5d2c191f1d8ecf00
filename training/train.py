"""Train the default reliability model and write it as a verified bundle.

Stages (each reproducible from the corpora with a fixed seed; the settings are one
:class:`~mizan.training.config.TrainConfig`):

1. Load every corpus (:mod:`mizan.training.datasets`), assign leak-free splits
   (:mod:`mizan.training.splits`), sample the human-news corpus (SaudiNewsNet) per split,
   add the editors' feedback and the web pages (:mod:`mizan.training.data`).
2. Extract the signal features and the model text of every row through the engine
   (:mod:`mizan.training.features`, cached).
3. Text stage, per head (:mod:`mizan.training.text_stage`): a logistic model (SGD) on hashed
   character 1-5-grams and word 1-2-grams of the normalised text; out-of-fold logits on
   train (grouped folds), the full model's logits elsewhere.
4. Stack, per head (:mod:`mizan.training.stack`, :mod:`mizan.training.layers`): a logistic
   layer over the text logit, the language and the signal features, fitted on train,
   Platt-calibrated on val.
5. Combine: a logistic layer over both heads' logits, the language and the signal
   features, predicting unreliability; fitted on train, Platt-calibrated on val.
6. Thresholds from val (:mod:`mizan.training.thresholds`): ``unreliable`` on at most 1% of
   human-written mainstream news.

Then the web pages are scored out of fold, and the bundle is written
(:mod:`mizan.training.bundle`) with its model card. Nothing is fitted or tuned on the test
split.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mizan.detector.engine import DetectorEngine
from mizan.detector.settings import REPO_ROOT, get_settings
from mizan.detector.trained import TrainedModel
from mizan.training.bundle import (
    build_model,
    bundle_metadata,
    probabilities_frame,
    score_rows,
    write_bundle,
)
from mizan.training.config import HUMAN_NEWS_CORPUS, MODEL_NAME, Say, TrainConfig, log_progress
from mizan.training.data import PreparedData, prepare_data
from mizan.training.features import ProgressFactory
from mizan.training.metrics import metrics_by_corpus
from mizan.training.model_card import render_model_card
from mizan.training.stack import fit_stack, web_pages_cv
from mizan.training.text_stage import TextStage, fit_text_stage

__all__ = ["HUMAN_NEWS_CORPUS", "TrainConfig", "TrainResult", "repo_relative", "train"]
"""``HUMAN_NEWS_CORPUS`` and ``TrainConfig`` are also read from here (benchmarks)."""


@dataclass
class TrainResult:
    """What :func:`train` produced."""

    model: TrainedModel
    metadata: dict[str, Any]
    bundle_dir: Path
    data: PreparedData
    text_stage: TextStage
    seconds: float


def train(
    config: TrainConfig,
    say: Say = log_progress,
    progress: ProgressFactory | None = None,
) -> TrainResult:
    """Run every stage and write the bundle; return the model, metadata and data."""
    started = time.perf_counter()
    np.random.seed(config.seed)
    engine = DetectorEngine()
    data = prepare_data(config, engine, say, progress)
    text_stage = fit_text_stage(data, config, say)
    say("fitting the head layers and the combiner; calibrating on val")
    stacked = fit_stack(data, text_stage, config)
    if stacked.held_at_prior:
        say(f"kept at their prior weight (they fire in one class only): {stacked.held_at_prior}")
    say("web pages: refitting the layers without each site-grouped fold; out-of-fold scores")
    web_cv = web_pages_cv(data, text_stage, config, stacked)
    if web_cv is not None:
        for language, row in web_cv["summary"].items():
            say(
                f"web pages {language}: AUROC {row['auroc']:.3f}, farm not reliable "
                f"{row['farm_not_reliable']:.0%}, wire unreliable {row['wire_unreliable']:.0%}, "
                f"machine-written ai_generated recall {row['machine_ai_recall']:.0%}"
            )
    model = build_model(stacked, text_stage, data, config)
    # Val is read from the stage's logits, which are out of fold on the val rows a text
    # model was fitted on (TrainConfig.text_with_val); test from the bundle as it ships.
    fitted_scores = probabilities_frame(stacked.row_logits, data.frame.index)
    scores = score_rows(model, data, text_stage.matrix)
    metrics = {
        "val": metrics_by_corpus(data.frame, fitted_scores, "val"),
        "test": metrics_by_corpus(data.frame, scores, "test"),
    }
    models_root = config.models_root or get_settings().models_root
    bundle_dir = Path(models_root) / MODEL_NAME / config.version
    seconds = time.perf_counter() - started
    metadata = bundle_metadata(model, stacked, data, config, engine, metrics, web_cv, seconds)
    card = render_model_card(metadata)
    metadata = write_bundle(model, metadata, bundle_dir, card)
    if config.update_default:
        (Path(models_root) / "DEFAULT").write_text(
            f"{MODEL_NAME}/{config.version}\n", encoding="utf-8"
        )
    say(f"wrote {bundle_dir} ({metadata['size_bytes'] / 1e6:.1f} MB) in {seconds:.0f} s")
    return TrainResult(model, metadata, bundle_dir, data, text_stage, seconds)


def repo_relative(path: Path) -> str:
    """Show ``path`` relative to the repository when it lies inside it."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
