"""What defines a trained bundle: :class:`TrainConfig`, the corpora's roles and the heads' tasks.

Every training stage (:mod:`mizan.training.data`, :mod:`mizan.training.text_stage`,
:mod:`mizan.training.stack`, :mod:`mizan.training.bundle`) reads its settings from one
:class:`TrainConfig`; a bundle stores the config's data-defining fields, and
:func:`config_from_metadata` rebuilds it from them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mizan.detector.model import RulesModel
from mizan.training.features import DEFAULT_CACHE_DIR
from mizan.training.web_pages import WEB_PAGES_TASK

# Training's progress messages keep the logger name of the ``mizan train`` stages.
logger = logging.getLogger("mizan.training.train")

MODEL_NAME = "mizan-default"
MODEL_VERSION = "2026.12.4"
HUMAN_NEWS_CORPUS = "saudinewsnet"
HEAD_TASKS: Mapping[str, str] = {
    "ai_generated": "ai_generated",
    "credibility": "credibility",
    "content_farm": WEB_PAGES_TASK,
}
"""The corpus ``task`` each head learns; human-news rows join a head as negatives when its
``human_news_weight`` is above zero, web pages when its ``web_pages_weight`` is (see
:func:`mizan.training.data.head_mask`)."""
PRE_LLM_HUMAN_CORPORA: frozenset[str] = frozenset({"saudinewsnet", "mce-arabic-news-credibility"})
"""Human-written Arabic news from before language models (label 0 rows): the ``ai_generated``
head's human side besides the wire pages, and where its false-alarm rate is read."""
MAINSTREAM_NEWS_CORPORA: frozenset[str] = frozenset(
    {
        "saudinewsnet",
        "mce-arabic-news-credibility",
        "en-l2r-newsarticle",
        "en-fakes-syria",
        "en-recovery-sample",
    }
)
"""Corpora whose label-0 rows are human-written mainstream news (thresholds are set on them)."""


Say = Callable[[str], None]


def log_progress(message: str) -> None:
    """Send a training progress message to the log (the stages' default ``say``)."""
    logger.info(message)


OPERATIONAL_FIELDS: tuple[str, ...] = (
    "corpora_dir",
    "models_root",
    "cache_dir",
    "workers",
    "update_default",
    "store_url",
)
"""Config fields that change where and how fast training runs, not what it produces."""


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a trained bundle."""

    seed: int = 13
    version: str = MODEL_VERSION
    corpora_dir: Path | None = None
    models_root: Path | None = None
    cache_dir: Path | None = DEFAULT_CACHE_DIR
    max_rows_per_corpus: int | None = None
    human_news_rows: Mapping[str, int] = field(
        default_factory=lambda: {"train": 6000, "val": 2000, "test": 3000}
    )
    human_news_weight: Mapping[str, float] = field(
        default_factory=lambda: {
            "ai_generated": 0.5,
            "credibility": 0.01,
            "content_farm": 0.02,
            "combiner": 0.5,
        }
    )
    web_pages: bool = True
    """Fit on the web-pages corpus (content-farm head, machine-written pages in the
    ``ai_generated`` head, the combiner) and score its pages out of fold."""
    web_pages_weight: Mapping[str, float] = field(
        default_factory=lambda: {
            "ai_generated": 2.0,
            "credibility": 0.0,
            "content_farm": 1.0,
            "combiner": 600.0,
        }
    )
    """Factor on the web pages' row weights in each head's text model (0: not in that head)
    and in the combiner."""
    web_pages_layer_weight: Mapping[str, float] = field(
        default_factory=lambda: {"ai_generated": 0.5, "credibility": 0.0, "content_farm": 1.0}
    )
    """Factor on the web pages' row weights in each head's layer (0: fitted without them)."""
    ai_trusted_news: bool = False
    """MCE's trusted (label 0) articles join the ``ai_generated`` head's human side (with
    web pages in that head)."""
    combiner_signals: str = "scores"
    signal_prior: Mapping[str, float] = field(default_factory=lambda: dict(RulesModel.weights))
    head_signals: Mapping[str, bool] = field(
        default_factory=lambda: {"ai_generated": True, "credibility": False, "content_farm": False}
    )
    head_signal_scores: Mapping[str, bool] = field(
        default_factory=lambda: {"ai_generated": False, "credibility": False, "content_farm": False}
    )
    """A head with signals reads only the signal ``.score`` features, each with a weight that
    can only raise the head (``False``: every signal feature, unconstrained)."""
    n_bits: int = 20
    char_ngrams: tuple[int, int] = (1, 5)
    word_ngrams: int = 2
    strip_diacritics: bool = True
    text_alpha: Mapping[str, float] = field(
        default_factory=lambda: {"ai_generated": 1e-6, "credibility": 3e-5, "content_farm": 3e-5}
    )
    text_epochs: int = 30
    text_model: Mapping[str, str] = field(
        default_factory=lambda: {
            "ai_generated": "sgd",
            "credibility": "sgd",
            "content_farm": "idf_logistic",
        }
    )
    """Each head's text learner: ``sgd`` (hashed n-gram vectors, :data:`TrainConfig.text_alpha`)
    or ``idf_logistic`` (the same vectors weighted by an idf fitted on the head's train rows,
    n-grams on fewer than :data:`TrainConfig.text_min_df` of them dropped, and a logistic
    regression with ``C`` :data:`TrainConfig.text_c`; the idf is folded into the weights, so
    the bundle scores it like any other head)."""
    text_c: Mapping[str, float] = field(default_factory=lambda: {"content_farm": 4.0})
    text_with_val: Mapping[str, bool] = field(
        default_factory=lambda: {"ai_generated": True, "credibility": False, "content_farm": False}
    )
    """A head whose text model is also fitted on its val rows, which are then scored out of
    fold like its train rows (grouped folds), so the layers are still calibrated and the
    thresholds set on logits from models that did not see those rows; test stays unseen.
    The ``ai_generated`` head needs it: the AIGT corpus's Pure variant has val and test rows
    but no train split."""
    text_min_df: int = 2
    text_idf_rows: str = "web"
    """Rows the ``idf_logistic`` idf is counted on: ``all`` the head's train rows, ``web``
    its web pages only (when it has any)."""
    folds: int = 5
    layer_c: Mapping[str, float] = field(
        default_factory=lambda: {
            "ai_generated": 0.3,
            "credibility": 0.1,
            "content_farm": 0.3,
            "combiner": 0.3,
        }
    )
    workers: int | None = None
    update_default: bool = True
    with_feedback: bool = False
    """Add the editors' latest verdicts from the store to the train split."""
    store_url: str | None = None
    """Store that holds the feedback (default: ``MIZAN_STORE_URL``)."""
    training_memory: bool = True
    """Compute the memory features (author history, outlet archive) against a store of the
    train split's articles (:mod:`mizan.training.memory`), kept in ``cache_dir/memory``;
    ``False``: with no memory."""

    def to_dict(self) -> dict[str, Any]:
        """Return the fields that define the model as JSON-ready data.

        Machine-specific fields (paths, workers) are left out, so the stored config
        rebuilds the same data and model on any machine.
        """
        data = asdict(self)
        for key in OPERATIONAL_FIELDS:
            data.pop(key, None)
        data["char_ngrams"] = list(self.char_ngrams)
        data["human_news_rows"] = dict(self.human_news_rows)
        data["text_alpha"] = dict(self.text_alpha)
        data["text_model"] = dict(self.text_model)
        data["text_c"] = dict(self.text_c)
        data["text_with_val"] = dict(self.text_with_val)
        data["human_news_weight"] = dict(self.human_news_weight)
        data["web_pages_weight"] = dict(self.web_pages_weight)
        data["web_pages_layer_weight"] = dict(self.web_pages_layer_weight)
        data["layer_c"] = dict(self.layer_c)
        data["head_signals"] = dict(self.head_signals)
        data["head_signal_scores"] = dict(self.head_signal_scores)
        data["signal_prior"] = dict(self.signal_prior)
        return data


def config_from_metadata(
    metadata: Mapping[str, Any], overrides: Mapping[str, Any] | None = None
) -> TrainConfig:
    """Rebuild the :class:`TrainConfig` a bundle was trained with (``metadata["config"]``)."""
    stored = dict(metadata.get("config", {}))
    known = set(TrainConfig.__dataclass_fields__)
    values: dict[str, Any] = {key: value for key, value in stored.items() if key in known}
    if stored and "text_with_val" not in stored:
        # Bundles from before the setting fitted every text model on train only.
        values["text_with_val"] = dict.fromkeys(HEAD_TASKS, False)
    if "char_ngrams" in values:
        values["char_ngrams"] = tuple(values["char_ngrams"])
    defaults = TrainConfig()
    for key, value in list(values.items()):
        default = getattr(defaults, key)
        if isinstance(default, Mapping) and isinstance(value, Mapping):
            # A bundle from before a head was added: that head keeps its default setting.
            values[key] = {**default, **value}
    values.update(overrides or {})
    return TrainConfig(**values)


def worker_count(config: TrainConfig) -> int:
    """Worker processes to use: the configured number, or up to 4 available CPUs."""
    return config.workers or max(1, min(4, len(os.sched_getaffinity(0))))
