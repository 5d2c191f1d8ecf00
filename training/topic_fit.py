"""Fitting and evaluating the topic classifier: the model, its metrics and the audits."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.feature_selection import SelectKBest, chi2
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from mizan.detector.topics import BUNDLE_FORMAT, TOPICS, TopicClassifier, topic_ngrams
from mizan.training.topic_corpus import ANT, SEED, load_english_evaluation, load_sanad, model_text

logger = logging.getLogger(__name__)

MIN_DOCUMENT_FREQUENCY = 2
VOCABULARY_SIZE = 40_000
"""Terms kept after chi-squared selection (bounds the bundle size and look-up work)."""
INVERSE_REGULARISATION = 16.0
"""``C`` of the logistic regression, chosen on a validation split of the training rows
(:func:`assign_test_split` with seed ``SEED + 1``; 4, 16 and 64 tried)."""
EXTRA_CLASS_WEIGHT: dict[str, float] = {"health": 3.0}
"""Weight on top of balanced class weights. Health has ~120 training rows and ANT's technology
folders also hold science and medical news, so balanced weights alone under-predict health
(recall 0.58 vs 0.83 with this weight, precision unchanged, on the validation split)."""
ABSENT_TOPIC_INTERCEPT = -50.0


@dataclass
class FittedTopicModel:
    """The exported arrays of a fitted model, in :data:`TOPICS` order."""

    terms: list[str]
    idf: np.ndarray
    weights: np.ndarray
    intercept: np.ndarray

    def payload(self) -> dict[str, Any]:
        """Return the ``model.joblib`` content (plain strings and arrays, no estimators)."""
        return {
            "format": BUNDLE_FORMAT,
            "topics": list(TOPICS),
            "terms": "\n".join(self.terms),
            "idf": self.idf.astype(np.float32),
            "weights": self.weights.astype(np.float32),
            "intercept": self.intercept.astype(np.float32),
        }


def fit_topic_model(
    texts: Sequence[str],
    labels: Sequence[str],
    vocabulary_size: int = VOCABULARY_SIZE,
    inverse_regularisation: float = INVERSE_REGULARISATION,
    require_all_topics: bool = True,
) -> FittedTopicModel:
    """Fit vocabulary, chi-squared selection, tf-idf and logistic regression on normalised text.

    With ``require_all_topics=False`` a topic absent from ``labels`` gets zero weights and a
    very low intercept (probability about 0), for diagnostic models trained on part of the data.
    """
    targets = np.array([TOPICS.index(label) for label in labels])
    missing = set(range(len(TOPICS))) - set(targets.tolist())
    if missing and require_all_topics:
        raise ValueError(f"training rows lack topics {[TOPICS[index] for index in missing]}")
    counting = TfidfVectorizer(
        analyzer=topic_ngrams, min_df=MIN_DOCUMENT_FREQUENCY, sublinear_tf=True, dtype=np.float32
    )
    matrix = counting.fit_transform(texts)
    keep = min(vocabulary_size, matrix.shape[1])
    selector = SelectKBest(chi2, k=keep).fit(matrix, targets)
    terms = [str(term) for term in counting.get_feature_names_out()[selector.get_support()]]
    vectorizer = TfidfVectorizer(
        analyzer=topic_ngrams, vocabulary=terms, sublinear_tf=True, dtype=np.float32
    )
    features = vectorizer.fit_transform(texts)
    present = np.bincount(targets, minlength=len(TOPICS))
    class_weight = {
        index: len(targets) / (len(TOPICS) * present[index]) * EXTRA_CLASS_WEIGHT.get(topic, 1.0)
        for index, topic in enumerate(TOPICS)
        if present[index]
    }
    classifier = LogisticRegression(
        C=inverse_regularisation, class_weight=class_weight, max_iter=5000, random_state=SEED
    )
    classifier.fit(features, targets)
    weights = np.zeros((len(terms), len(TOPICS)), dtype=np.float32)
    intercept = np.full(len(TOPICS), ABSENT_TOPIC_INTERCEPT, dtype=np.float32)
    for row, topic_index in enumerate(classifier.classes_):
        weights[:, topic_index] = classifier.coef_[row]
        intercept[topic_index] = classifier.intercept_[row]
    return FittedTopicModel(
        terms=terms,
        idf=np.asarray(vectorizer.idf_, dtype=np.float32),
        weights=weights,
        intercept=intercept,
    )


def _classifier(model: FittedTopicModel) -> TopicClassifier:
    return TopicClassifier.from_payload(model.payload(), {"version": "in-training"})


def predict_topics(classifier: TopicClassifier, normalized_texts: Iterable[str]) -> list[str]:
    """Return the top topic of each normalised Arabic text."""
    return [
        TOPICS[int(np.argmax(classifier.probabilities_of_normalized(text, "ar")))]
        for text in normalized_texts
    ]


def classification_metrics(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Return accuracy, macro F1, per-topic precision/recall/F1/support and the confusion.

    Macro F1 and the per-topic figures cover the topics that occur in ``truth`` (an outlet
    without culture articles is not marked down for a culture F1 of 0); wrong predictions
    into other topics still lower those topics' recall and show in the confusion matrix.
    """
    present = [topic for topic in TOPICS if topic in set(truth)]
    shown = [topic for topic in TOPICS if topic in set(truth) | set(predicted)]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=present, zero_division=0
    )
    matrix = confusion_matrix(truth, predicted, labels=shown)
    return {
        "rows": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(
            float(f1_score(truth, predicted, labels=present, average="macro", zero_division=0)), 4
        ),
        "per_topic": {
            topic: {
                "precision": round(float(precision[index]), 4),
                "recall": round(float(recall[index]), 4),
                "f1": round(float(f1[index]), 4),
                "support": int(support[index]),
            }
            for index, topic in enumerate(present)
        },
        "confusion": {
            "rows_are": "true topic",
            "columns": shown,
            "matrix": matrix.tolist(),
        },
    }


def cross_outlet_metrics(frame: pd.DataFrame) -> dict[str, Any]:
    """Train without one ANT outlet, test on all of that outlet's rows; one entry per outlet."""
    results: dict[str, Any] = {}
    ant = frame[frame["source_corpus"] == ANT]
    for outlet in sorted(ant["outlet"].unique()):
        held_out = frame["outlet"] == outlet
        training = frame[~held_out]
        model = fit_topic_model(list(training["normalized"]), list(training["label"]))
        predicted = predict_topics(_classifier(model), frame.loc[held_out, "normalized"])
        truth = list(frame.loc[held_out, "label"])
        metrics = classification_metrics(truth, predicted)
        results[outlet] = {
            key: metrics[key] for key in ("rows", "accuracy", "macro_f1", "per_topic")
        }
        logger.info("cross-outlet %s: accuracy %.4f", outlet, metrics["accuracy"])
    return results


def sanad_label_audit(frame: pd.DataFrame, corpora_dir: Path) -> dict[str, dict[str, int]]:
    """Predict every SANAD row (all six labels) with a model trained on ANT only.

    Shows what each SANAD ``source`` label holds, which is how the mapping was checked.
    """
    ant = frame[frame["source_corpus"] == ANT]
    model = fit_topic_model(list(ant["normalized"]), list(ant["label"]), require_all_topics=False)
    sanad = load_sanad(corpora_dir, keep_unmapped=True)
    predicted = predict_topics(_classifier(model), (model_text("", text) for text in sanad["text"]))
    audit: dict[str, dict[str, int]] = {}
    for source_label, topic in zip(sanad["source_label"], predicted, strict=True):
        audit.setdefault(source_label, {}).setdefault(topic, 0)
        audit[source_label][topic] += 1
    return audit


def english_prior_metrics(classifier: TopicClassifier, corpora_dir: Path) -> dict[str, Any]:
    """Evaluate the English keyword prior on :func:`load_english_evaluation` rows."""
    frame = load_english_evaluation(corpora_dir)
    if frame.empty:
        return {"rows": 0, "note": "English evaluation corpora not found"}
    predicted = [classifier.predict(text, language="en") for text in frame["text"]]
    metrics = classification_metrics(list(frame["label"]), predicted)
    metrics["collections"] = {
        str(name): int(count) for name, count in frame["collection"].value_counts().items()
    }
    metrics["note"] = (
        "only politics, culture and health have English labelled text here; precision of "
        "the other topics is not measured"
    )
    return metrics
