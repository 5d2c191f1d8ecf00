"""Verdict thresholds, read on val rows (stage 6).

``unreliable_below`` flags at most 1% of human-written mainstream news (and at most 3% of any
one mainstream corpus's); ``reliable_above`` lets at most 5% of unreliable articles through.
The ``ai_generated`` threshold is where at most 1% of pre-LLM human news lies above it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from mizan.detector.model import Thresholds
from mizan.training.config import MAINSTREAM_NEWS_CORPORA, PRE_LLM_HUMAN_CORPORA

AI_FALSE_ALARM_RATE = 0.01
"""``ai_generated`` threshold: at most this share of pre-LLM human val news above it."""
UNRELIABLE_FALSE_POSITIVE_RATE = 0.01
CORPUS_FALSE_POSITIVE_RATE = 0.03
"""At most this share of one mainstream corpus's human val articles below ``unreliable_below``."""
MIN_CORPUS_THRESHOLD_ROWS = 50
RELIABLE_MISS_RATE = 0.05
"""At most this share of unreliable val articles may score above ``reliable_above``."""


def choose_thresholds(reliability: np.ndarray, frame: pd.DataFrame, rows: np.ndarray) -> Thresholds:
    """Pick verdict thresholds on held-out rows (indices ``rows`` of ``frame``).

    ``unreliable_below`` flags at most 1% of human-written mainstream news, and at most 3%
    of any one mainstream corpus's human rows (corpora with at least 50 of them);
    ``reliable_above`` lets at most 5% of unreliable articles through as reliable.
    """
    part = frame.iloc[rows]
    scores = reliability[rows]
    human_news = (
        part["source_corpus"].isin(MAINSTREAM_NEWS_CORPORA) & (part["label"] == 0)
    ).to_numpy()
    unreliable = (part["label"] == 1).to_numpy()
    unreliable_below = 0.35
    if human_news.any():
        ordered = np.sort(scores[human_news])
        allowed = int(np.floor(UNRELIABLE_FALSE_POSITIVE_RATE * len(ordered)))
        unreliable_below = float(ordered[allowed])
        # No one corpus may carry the false alarms that the pooled rate allows: each
        # mainstream corpus with enough human val rows keeps its own rate low too.
        corpora = part["source_corpus"].to_numpy()
        for corpus in sorted(set(corpora[human_news])):
            own = np.sort(scores[human_news & (corpora == corpus)])
            if len(own) >= MIN_CORPUS_THRESHOLD_ROWS:
                allowed = int(np.floor(CORPUS_FALSE_POSITIVE_RATE * len(own)))
                unreliable_below = min(unreliable_below, float(own[allowed]))
    reliable_above = 0.7
    if unreliable.any():
        reliable_above = float(np.quantile(scores[unreliable], 1 - RELIABLE_MISS_RATE))
    unreliable_below = float(np.clip(unreliable_below, 0.01, 0.9))
    reliable_above = float(np.clip(max(reliable_above, unreliable_below + 0.05), 0.1, 0.99))
    # Round outwards, so rounding never flags more human news or passes more bad articles.
    return Thresholds(
        math.floor(unreliable_below * 1e4) / 1e4, math.ceil(reliable_above * 1e4) / 1e4
    )


def ai_generated_threshold(probabilities: np.ndarray, frame: pd.DataFrame) -> float:
    """Return the ``ai_generated`` probability that at most 1% of pre-LLM human val news exceeds.

    Read on the label-0 val rows of :data:`PRE_LLM_HUMAN_CORPORA` (0.5 when there are none),
    rounded up, and never below 0.5.
    """
    rows = (
        (frame["split"] == "val").to_numpy()
        & frame["source_corpus"].isin(PRE_LLM_HUMAN_CORPORA).to_numpy()
        & (frame["label"].to_numpy() == 0)
    )
    if not rows.any():
        return 0.5
    value = float(np.quantile(probabilities[rows], 1.0 - AI_FALSE_ALARM_RATE))
    return max(0.5, math.ceil(value * 1e4) / 1e4)
