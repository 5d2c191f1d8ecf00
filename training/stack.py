"""Stacking (stages 4 and 5): the head layers and the combiner, and the web pages out of fold.

Per head, a logistic layer over the text logit, the language and the signal features,
fitted on train and Platt-calibrated on val; then a combiner over both heads' logits and the
signal scores, predicting unreliability. :func:`web_pages_cv` refits both without each
site-grouped fold of web pages and scores the fold with the refits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from mizan.detector.model import Thresholds
from mizan.detector.trained import HEAD_NAMES, LANGUAGE_INPUT, LogisticLayer, TextHead
from mizan.training.config import TrainConfig
from mizan.training.data import PreparedData, head_mask, sample_weights, web_fold
from mizan.training.features import LANGUAGE_COLUMN
from mizan.training.layers import calibrate_layer, fit_layer, prior_only_inputs
from mizan.training.text_stage import TextStage
from mizan.training.thresholds import ai_generated_threshold, choose_thresholds
from mizan.training.web_pages import MACHINE_KINDS

MEMORY_FEATURES: frozenset[str] = frozenset(
    {
        "beat.score",
        "templating.score",
        "beat.history_articles",
        "beat.history_topic_share",
        "beat.history_distinct_topics",
        "beat.articles_per_day",
        "templating.max_archive_similarity",
        "templating.archive_near_duplicates",
    }
)
"""Features read from the store (and the scores that mix them in), kept out of the heads.

In the corpora only some sources carry bylines and outlets (SaudiNewsNet, all human news,
among them), so a head fed these values would learn "has a stored history, so human" from
how the corpora were collected; a content farm's bylines gather history too. They reach the
model only through the beat and templating scores in the combiner, whose weights can only
lower reliability. The heads keep every other templating feature (stock phrases, repeated
n-grams, headings), which is what the templating score summarises besides the archive.
"""


def _long_tailed(values: np.ndarray) -> np.ndarray:
    """Columns read on a log scale: non-negative count-like features with a long tail."""
    if values.shape[0] == 0:
        return np.zeros(values.shape[1], dtype=bool)
    minimum = values.min(axis=0)
    high = np.quantile(values, 0.99, axis=0)
    mask: np.ndarray = (minimum >= 0) & (high > 1.5)
    return mask


@dataclass
class StackedLayers:
    """The fitted heads and combiner, before they are put into a model."""

    heads: list[TextHead]
    combiner: LogisticLayer
    thresholds: Thresholds
    held_at_prior: list[str] = field(default_factory=list)
    """Combiner inputs kept at their prior weight (:func:`prior_only_inputs`)."""
    row_logits: dict[str, np.ndarray] = field(default_factory=dict)
    """Every row's head and ``unreliable`` logits from the stage's text logits (out of fold
    on train rows)."""


def _inputs(
    names: Sequence[str],
    data: PreparedData,
    extra: Mapping[str, np.ndarray],
    rows: np.ndarray,
) -> np.ndarray:
    position = {name: index for index, name in enumerate(data.feature_names)}
    columns = [
        extra[name][rows] if name in extra else data.features[rows, position[name]]
        for name in names
    ]
    return np.column_stack(columns) if columns else np.zeros((len(rows), 0))


def fit_stack(
    data: PreparedData,
    text_stage: TextStage,
    config: TrainConfig,
    drop_families: Sequence[str] = (),
    held_out: np.ndarray | None = None,
) -> StackedLayers:
    """Fit the head layers and the combiner on train, calibrate on val (stages 4-6).

    ``held_out``: a mask of rows left out of every fit (a web-pages fold, scored out of
    fold from the result's ``row_logits``).
    """
    frame = data.frame
    split = frame["split"].to_numpy()
    labels = frame["label"].to_numpy()
    fitted = split == "train"
    if held_out is not None:
        fitted = fitted & ~held_out
    page_fold = web_fold(frame)
    signal_names = [
        name for name in data.feature_names if name.split(".", 1)[0] not in drop_families
    ]
    signal_positions = [data.feature_names.index(name) for name in signal_names]
    train_rows = np.flatnonzero(fitted)
    long_tailed = _long_tailed(data.features[train_rows][:, signal_positions])
    transforms: dict[str, str] = {
        name: "log1p" for name, flag in zip(signal_names, long_tailed, strict=True) if flag
    }

    extra: dict[str, np.ndarray] = {LANGUAGE_INPUT: data.is_arabic}
    heads: list[TextHead] = []
    for head in HEAD_NAMES:
        text_input, english_input = f"text.{head}", f"text.{head}.english"
        extra[text_input] = text_stage.logits[head]
        extra[english_input] = text_stage.logits[head] * (1.0 - data.is_arabic)
        # No corpus prior: which language an article is in must not move any head by itself
        # (the language flag only carried each language's corpus mix); English keeps its own
        # text weight through ``english_input``.
        names = [text_input, english_input]
        raising: list[str] = []
        if config.head_signals[head] and config.head_signal_scores.get(head, False):
            raising = [name for name in signal_names if name.endswith(".score")]
            raising = [name for name in raising if name not in MEMORY_FEATURES]
            names += raising
        elif config.head_signals[head]:
            names += [name for name in signal_names if name not in MEMORY_FEATURES]
        web_weight = config.web_pages_layer_weight[head]
        weights = sample_weights(frame, config.human_news_weight[head], web_weight)
        in_head = head_mask(
            frame, head, config.human_news_weight[head] > 0, web_weight > 0, config.ai_trusted_news
        )
        if web_weight <= 0:
            in_head &= page_fold < 0
        fit_rows = np.flatnonzero(in_head & fitted)
        val_rows = np.flatnonzero(in_head & (split == "val"))
        if len(np.unique(labels[val_rows])) < 2:
            # A head with no labelled val rows of its own (the web pages are all in train
            # folds) is calibrated on its out-of-fold train logits instead.
            val_rows = fit_rows
        layer = fit_layer(
            names,
            _inputs(names, data, extra, fit_rows),
            labels[fit_rows],
            weights[fit_rows],
            config.layer_c[head],
            {**transforms, **dict.fromkeys(raising, "bounded")},
            raising,
        )
        layer = calibrate_layer(
            layer,
            _inputs(layer.input_names, data, extra, val_rows),
            labels[val_rows],
            weights[val_rows],
        )
        coef, bias = text_stage.weights[head]
        heads.append(TextHead(head, coef, bias, layer))
        extra[head] = layer.logits(_inputs(layer.input_names, data, extra, np.arange(len(frame))))

    combiner_signals = [
        name for name in signal_names if config.combiner_signals == "all" or name.endswith(".score")
    ]
    names = [*HEAD_NAMES, *combiner_signals]
    scores = [name for name in combiner_signals if name.endswith(".score")]
    combiner_transforms = {
        **transforms,
        **dict.fromkeys(HEAD_NAMES, "softplus"),
        **dict.fromkeys(scores, "bounded"),
    }
    # Heads and signal scores may only lower reliability (a monotone, readable combiner).
    nonnegative = [*HEAD_NAMES, *scores]
    prior = {
        f"{family}.score": weight
        for family, weight in config.signal_prior.items()
        if f"{family}.score" in scores
    }
    weights = sample_weights(
        frame, config.human_news_weight["combiner"], config.web_pages_weight["combiner"]
    )
    val_rows = np.flatnonzero(split == "val")
    train_inputs = _inputs(names, data, extra, train_rows)
    combiner = fit_layer(
        names,
        train_inputs,
        labels[train_rows],
        weights[train_rows],
        config.layer_c["combiner"],
        combiner_transforms,
        nonnegative,
        prior,
    )
    combiner = calibrate_layer(
        combiner,
        _inputs(combiner.input_names, data, extra, val_rows),
        labels[val_rows],
        weights[val_rows],
    )
    unreliable_logit = combiner.logits(
        _inputs(combiner.input_names, data, extra, np.arange(len(frame)))
    )
    reliability = 1.0 / (1.0 + np.exp(unreliable_logit))
    thresholds = choose_thresholds(reliability, frame, val_rows)
    held = prior_only_inputs(names, train_inputs, labels[train_rows], prior)
    row_logits = {head: extra[head] for head in HEAD_NAMES}
    row_logits["unreliable"] = unreliable_logit
    return StackedLayers(heads, combiner, thresholds, held, row_logits)


def _sigmoid(values: np.ndarray) -> np.ndarray:
    result: np.ndarray = 1.0 / (1.0 + np.exp(-values))
    return result


def web_pages_cv(
    data: PreparedData,
    text_stage: TextStage,
    config: TrainConfig,
    final: StackedLayers,
) -> dict[str, Any] | None:
    """Score every web page out of fold; return the figures the bundle records.

    For each site-grouped fold the head layers and the combiner are refitted without the
    fold's pages, on text logits from text models that did not see them either
    (:func:`fit_text_stage`), and the fold's pages are scored by those refits. Verdicts use
    the shipped thresholds; ``ai_generated`` recall uses the pre-LLM threshold
    (:func:`ai_generated_threshold`) of the shipped model.
    """
    frame = data.frame
    page_fold = web_fold(frame)
    pages = np.flatnonzero(page_fold >= 0)
    if not len(pages):
        return None
    unreliable = np.zeros(len(frame))
    ai_logit = np.zeros(len(frame))
    for current in np.unique(page_fold[pages]):
        held = page_fold == current
        refit = fit_stack(data, text_stage, config, held_out=held)
        unreliable[held] = refit.row_logits["unreliable"][held]
        ai_logit[held] = refit.row_logits["ai_generated"][held]
    unreliable_p = _sigmoid(unreliable)
    ai_p = _sigmoid(ai_logit)
    threshold = ai_generated_threshold(_sigmoid(final.row_logits["ai_generated"]), frame)
    reliability = 1.0 - unreliable_p
    labels = frame["label"].to_numpy()
    kind = frame["variant"].to_numpy()
    language = frame[LANGUAGE_COLUMN].to_numpy()
    thresholds = final.thresholds
    summary: dict[str, dict[str, float | int]] = {}
    for name in ("ar", "en", "all"):
        mask = np.zeros(len(frame), dtype=bool)
        mask[pages] = True
        if name != "all":
            mask &= language == name
        farm, wire = mask & (labels == 1), mask & (labels == 0)
        machine = mask & np.isin(kind, list(MACHINE_KINDS))
        both = farm.any() and wire.any()
        summary[name] = {
            "pages": int(mask.sum()),
            "auroc": float(roc_auc_score(labels[mask], unreliable_p[mask])) if both else math.nan,
            "farm_not_reliable": float(np.mean(reliability[farm] <= thresholds.reliable_above))
            if farm.any()
            else math.nan,
            "wire_unreliable": float(np.mean(reliability[wire] < thresholds.unreliable_below))
            if wire.any()
            else math.nan,
            "machine_ai_recall": float(np.mean(ai_p[machine] > threshold))
            if machine.any()
            else math.nan,
        }
    return {
        "folds": config.folds,
        "fold_rule": "site-grouped: no site in two folds, pages sharing a story in one fold",
        "ai_generated_threshold": threshold,
        "summary": summary,
        "pages": [
            {
                "id": str(frame["id"].iat[int(row)]),
                "fold": int(page_fold[row]),
                "unreliable": round(float(unreliable_p[row]), 6),
                "ai_generated": round(float(ai_p[row]), 6),
            }
            for row in pages
        ],
    }
