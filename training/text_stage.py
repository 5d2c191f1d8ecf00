"""Text stage (stage 3): each head's text model on the hashed n-grams of the model text.

A logistic model per head (SGD, or an idf-weighted logistic regression) on hashed character
and word n-grams of the normalised text; its logits are out of fold on the rows it is fitted
on (the head's train rows, and its val rows where :data:`TrainConfig.text_with_val` says so;
grouped folds) and on every web page (site-grouped folds), the full model's elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import joblib
import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import GroupKFold

from mizan.detector.errors import MizanError
from mizan.detector.trained import HEAD_NAMES, TextHasher, TextVectorizer
from mizan.training.config import Say, TrainConfig, log_progress, worker_count
from mizan.training.data import PreparedData, head_mask, sample_weights, web_fold
from mizan.training.features import TEXT_COLUMN
from mizan.training.splits import SPLIT_GROUP_COLUMN


@dataclass
class TextStage:
    """The text models of every head and their logits for every row."""

    vectorizer: TextVectorizer
    matrix: sparse.csr_matrix
    weights: dict[str, tuple[np.ndarray, float]]
    logits: dict[str, np.ndarray]


def vectorize_texts(
    vectorizer: TextVectorizer, texts: Sequence[str], workers: int
) -> sparse.csr_matrix:
    """Vectorise ``texts`` in chunks, in parallel when ``workers`` > 1."""
    chunk = 2000
    pieces = [list(texts[start : start + chunk]) for start in range(0, len(texts), chunk)]
    if workers <= 1 or len(pieces) <= 1:
        matrices = [vectorizer.transform(piece) for piece in pieces]
    else:
        matrices = joblib.Parallel(n_jobs=workers)(
            joblib.delayed(vectorizer.transform)(piece) for piece in pieces
        )
    if not matrices:
        return sparse.csr_matrix((0, vectorizer.n_features))
    stacked: sparse.csr_matrix = sparse.vstack(matrices, format="csr")
    return stacked


def _text_learner(config: TrainConfig, head: str) -> SGDClassifier:
    return SGDClassifier(
        loss="log_loss",
        alpha=config.text_alpha[head],
        max_iter=config.text_epochs,
        tol=None,
        random_state=config.seed,
    )


def text_idf(matrix: sparse.csr_matrix, min_df: int) -> np.ndarray:
    """Return the smoothed idf of each bucket over the rows of ``matrix`` (0 below ``min_df``).

    ``idf = ln((1 + n) / (1 + df)) + 1`` as scikit-learn's ``TfidfVectorizer`` computes it;
    a bucket found in fewer than ``min_df`` rows gets 0, so n-grams of one page are not learnt.
    """
    found = np.bincount(matrix.indices, minlength=matrix.shape[1])
    idf: np.ndarray = np.log((1.0 + matrix.shape[0]) / (1.0 + found)) + 1.0
    idf[found < min_df] = 0.0
    return idf


def fit_text_model(
    matrix: sparse.csr_matrix,
    rows: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray,
    config: TrainConfig,
    head: str,
    idf_rows: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """Fit one head's text model on ``rows``; return its bucket weights and bias.

    ``sgd``: a logistic SGD model on the hashed vectors. ``idf_logistic``: a logistic
    regression on the vectors scaled by :func:`text_idf` (counted on ``idf_rows``, by default
    ``rows``), the idf then folded into the weights (``matrix @ weights + bias`` is the
    logit). Row weights are rescaled to mean 1, so ``C`` means what it does unweighted.
    """
    if config.text_model.get(head, "sgd") == "sgd":
        learner = _text_learner(config, head).fit(
            matrix[rows], labels[rows], sample_weight=weights[rows]
        )
        return learner.coef_.ravel().astype(np.float64), float(learner.intercept_[0])
    counted = rows if idf_rows is None or not len(idf_rows) else idf_rows
    idf = text_idf(matrix[counted], config.text_min_df)
    scaled = matrix[rows] @ sparse.diags(idf, format="csr")
    row_weights = weights[rows] * (len(rows) / float(weights[rows].sum()))
    learner = LogisticRegression(C=config.text_c[head], max_iter=5000)
    learner.fit(scaled, labels[rows], sample_weight=row_weights)
    return learner.coef_.ravel() * idf, float(learner.intercept_[0])


def fit_text_stage(data: PreparedData, config: TrainConfig, say: Say = log_progress) -> TextStage:
    """Fit each head's text model; logits are out-of-fold on its train rows (stage 3)."""
    frame = data.frame
    hasher = TextHasher(
        n_bits=config.n_bits,
        char_ngrams=config.char_ngrams,
        word_ngrams=config.word_ngrams,
        strip_diacritics=config.strip_diacritics,
    )
    vectorizer = TextVectorizer(hasher)
    say(f"hashing the text of {len(frame)} rows into 2^{config.n_bits} n-gram buckets")
    matrix = vectorize_texts(vectorizer, frame[TEXT_COLUMN].tolist(), worker_count(config))
    weights: dict[str, tuple[np.ndarray, float]] = {}
    logits: dict[str, np.ndarray] = {}
    for head in HEAD_NAMES:
        weights[head], logits[head] = fit_head_text(matrix, frame, config, head, say)
    return TextStage(vectorizer, matrix, weights, logits)


def fit_head_text(
    matrix: sparse.csr_matrix,
    frame: pd.DataFrame,
    config: TrainConfig,
    head: str,
    say: Say = log_progress,
) -> tuple[tuple[np.ndarray, float], np.ndarray]:
    """Fit one head's text model; return its weights and every row's logit.

    The model is fitted on the head's train rows, and on its val rows too with
    :data:`TrainConfig.text_with_val`. Logits are out of fold on the rows it is fitted on
    (:func:`text_folds`) and on every web page; the full model's elsewhere.
    """
    fit_splits = ["train", "val"] if config.text_with_val.get(head, False) else ["train"]
    is_fitted = frame["split"].isin(fit_splits).to_numpy()
    groups = frame[SPLIT_GROUP_COLUMN].to_numpy()
    labels = frame["label"].to_numpy()
    page_fold = web_fold(frame)
    human_news_weight = config.human_news_weight[head]
    web_weight = config.web_pages_weight[head]
    row_weights = sample_weights(frame, human_news_weight, web_weight)
    in_head = head_mask(frame, head, human_news_weight > 0, web_weight > 0, config.ai_trusted_news)
    if web_weight <= 0:
        in_head &= page_fold < 0
    rows = np.flatnonzero(in_head & is_fitted)
    if len(rows) == 0 or len(np.unique(labels[rows])) < 2:
        raise MizanError(f"{head}: no {'/'.join(fit_splits)} rows of both labels to fit on")
    on_pages = config.text_idf_rows == "web"

    def idf_rows(of: np.ndarray) -> np.ndarray | None:
        return of[page_fold[of] >= 0] if on_pages else None

    full_coef, bias = fit_text_model(
        matrix, rows, labels, row_weights, config, head, idf_rows(rows)
    )
    coef = full_coef.astype(np.float32)
    head_logits = np.asarray(matrix @ coef.astype(np.float64)).ravel() + bias
    fold_of = text_folds(rows, groups, page_fold, config.folds)
    folds = int(fold_of.max()) + 1 if len(fold_of) else 0
    say(
        f"{head}: text model on {len(rows)} {' + '.join(fit_splits)} rows; "
        f"{folds}-fold out-of-fold logits"
    )
    if folds >= 2:
        for current in range(folds):
            fit_rows, held_rows = rows[fold_of != current], rows[fold_of == current]
            if len(np.unique(labels[fit_rows])) < 2:
                continue
            fold_coef, fold_bias = fit_text_model(
                matrix, fit_rows, labels, row_weights, config, head, idf_rows(fit_rows)
            )
            # Every web page of the fold is scored by the model that did not see its
            # sites, including pages outside this head (no web page scores in sample).
            held_rows = np.union1d(held_rows, np.flatnonzero(page_fold == current))
            head_logits[held_rows] = np.asarray(matrix[held_rows] @ fold_coef).ravel() + fold_bias
    return (coef, bias), head_logits


def text_folds(
    rows: np.ndarray, groups: np.ndarray, page_fold: np.ndarray, folds: int
) -> np.ndarray:
    """Return the out-of-fold fold of each of ``rows`` (indices into the frame).

    Web pages keep their site-grouped fold; the other rows are split by ``GroupKFold`` over
    their ``split_group`` (copies and versions of one article stay in one fold). With fewer
    than two groups every row is in fold 0.
    """
    fold_of = np.zeros(len(rows), dtype=np.int64)
    is_page = page_fold[rows] >= 0
    other = np.flatnonzero(~is_page)
    count = min(folds, len(np.unique(groups[rows[other]]))) if len(other) else folds
    if count >= 2 and len(other):
        for current, (_fit, held) in enumerate(
            GroupKFold(n_splits=count).split(other, groups=groups[rows[other]])
        ):
            fold_of[other[held]] = current
    if count >= 2 or not len(other):
        fold_of[is_page] = page_fold[rows[is_page]] % max(count, 1)
    return fold_of
