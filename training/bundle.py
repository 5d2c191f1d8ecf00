"""The bundle: the fitted parts put into a model, its metadata, and the files written.

A bundle folder holds ``model.joblib`` (a :class:`~mizan.detector.trained.TrainedModel`),
``metadata.json`` (with the model's sha256; what :mod:`mizan.detector.model` checks on
loading) and ``MODEL_CARD.md``.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import scipy
import sklearn
from scipy import sparse

from mizan.detector.engine import DetectorEngine
from mizan.detector.model import sha256_file
from mizan.detector.trained import HEAD_NAMES, TrainedModel
from mizan.training.config import MAINSTREAM_NEWS_CORPORA, MODEL_NAME, TrainConfig
from mizan.training.data import PreparedData
from mizan.training.stack import StackedLayers
from mizan.training.text_stage import TextStage
from mizan.training.thresholds import (
    CORPUS_FALSE_POSITIVE_RATE,
    MIN_CORPUS_THRESHOLD_ROWS,
    RELIABLE_MISS_RATE,
    UNRELIABLE_FALSE_POSITIVE_RATE,
)


def build_model(
    stacked: StackedLayers, text_stage: TextStage, data: PreparedData, config: TrainConfig
) -> TrainedModel:
    """Put the fitted parts into the object a bundle holds."""
    return TrainedModel(
        name=MODEL_NAME,
        version=config.version,
        feature_names=data.feature_names,
        thresholds=stacked.thresholds,
        vectorizer=text_stage.vectorizer,
        heads=stacked.heads,
        combiner=stacked.combiner,
    )


def probabilities_frame(logits: Mapping[str, np.ndarray], index: pd.Index) -> pd.DataFrame:
    """Turn the heads' logits into ``ai_generated``, ``not_credible``, ``unreliable`` columns."""

    def probability(values: np.ndarray) -> np.ndarray:
        result: np.ndarray = 1.0 / (1.0 + np.exp(-values))
        return result

    columns = {
        "ai_generated": probability(logits["ai_generated"]),
        "not_credible": probability(logits["credibility"]),
        "unreliable": probability(logits["unreliable"]),
    }
    if "content_farm" in logits:
        columns["content_farm"] = probability(logits["content_farm"])
    return pd.DataFrame(columns, index=index)


def score_rows(model: TrainedModel, data: PreparedData, matrix: sparse.csr_matrix) -> pd.DataFrame:
    """Return per-row probabilities: ``ai_generated``, ``not_credible``, ``unreliable``."""
    logits = model.score_arrays(data.features, matrix, data.is_arabic)
    return probabilities_frame(logits, data.frame.index)


def library_versions() -> dict[str, str]:
    """Versions of the libraries a bundle depends on."""
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "joblib": joblib.__version__,
        "pandas": pd.__version__,
    }


def write_bundle(
    model: TrainedModel, metadata: dict[str, Any], bundle_dir: Path, model_card: str
) -> dict[str, Any]:
    """Write ``model.joblib``, ``metadata.json`` (with its sha256) and ``MODEL_CARD.md``."""
    bundle_dir.mkdir(parents=True, exist_ok=True)
    model_path = bundle_dir / "model.joblib"
    joblib.dump(model, model_path, compress=3)
    metadata = {**metadata, "sha256": sha256_file(model_path)}
    metadata["size_bytes"] = model_path.stat().st_size
    (bundle_dir / "metadata.json").write_text(
        json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (bundle_dir / "MODEL_CARD.md").write_text(model_card, encoding="utf-8")
    return metadata


def bundle_metadata(
    model: TrainedModel,
    stacked: StackedLayers,
    data: PreparedData,
    config: TrainConfig,
    engine: DetectorEngine,
    metrics: Mapping[str, Any],
    web_cv: dict[str, Any] | None,
    seconds: float,
) -> dict[str, Any]:
    """Return a bundle's ``metadata.json`` content (before :func:`write_bundle` adds the hash).

    Args:
        model: The model the bundle holds.
        stacked: The fitted layers (the combiner inputs held at their prior).
        data: The prepared rows (features, corpora, feedback, training memory).
        config: The training config (its data-defining fields are stored).
        engine: The engine that extracted the features (its signals and versions).
        metrics: Per-corpus metrics of val and test.
        web_cv: The web pages' out-of-fold figures (:func:`mizan.training.stack.web_pages_cv`).
        seconds: How long training took.
    """
    return {
        "name": MODEL_NAME,
        "version": config.version,
        "model_class": f"{TrainedModel.__module__}.{TrainedModel.__name__}",
        "feature_names": list(data.feature_names),
        "signals": [{"name": s.name, "version": s.version} for s in engine.signals],
        "heads": list(HEAD_NAMES),
        "combiner_inputs": list(model.combiner.input_names),
        "combiner_held_at_prior": stacked.held_at_prior,
        "combiner_coefficients": {
            name: round(float(value), 4)
            for name, value in zip(model.combiner.input_names, model.combiner.coef, strict=True)
        },
        "thresholds": model.thresholds.to_dict(),
        "threshold_rule": (
            f"unreliable_below: at most {UNRELIABLE_FALSE_POSITIVE_RATE:.0%} of human-written "
            f"mainstream news in val ({', '.join(sorted(MAINSTREAM_NEWS_CORPORA))}, label 0) "
            f"and at most {CORPUS_FALSE_POSITIVE_RATE:.0%} of any one of them (with at least "
            f"{MIN_CORPUS_THRESHOLD_ROWS} such val rows); "
            f"reliable_above: at most {RELIABLE_MISS_RATE:.0%} of unreliable val articles above it"
        ),
        "text_model": {
            "hash_bits": config.n_bits,
            "char_ngrams": list(config.char_ngrams),
            "word_ngrams": config.word_ngrams,
            "strip_diacritics": config.strip_diacritics,
        },
        "seed": config.seed,
        "config": config.to_dict(),
        "library_versions": library_versions(),
        "corpora": data.corpora,
        "feedback": data.feedback,
        "training_memory": data.memory.to_dict() if data.memory is not None else None,
        "metrics": metrics,
        "web_pages_cv": web_cv,
        "training_seconds": round(seconds, 1),
    }
