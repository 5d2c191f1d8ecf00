"""Article topic classifier: six news topics, from a verified model bundle.

Arabic text goes through a linear model trained by ``python -m training.topics`` on
topic-labelled Arabic news (word unigrams and bigrams of :func:`normalize_for_matching`
text, sublinear tf-idf over a fixed vocabulary, multinomial logistic regression). No
English topic corpus is available, so English text gets a keyword prior instead: hand-written
topic words from ``detector/lexicons/en/beat_topic_keywords.txt``, counted and smoothed.

The bundle holds plain arrays (vocabulary, idf, weights), so scoring needs no scikit-learn
and costs a dictionary look-up per n-gram. ``model.joblib`` is pickle, so it is loaded only
after its sha256 matches the one in ``metadata.json``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from detector.errors import ModelBundleError
from detector.lexicons import load_lexicon
from detector.model import read_bundle_metadata, sha256_file
from detector.settings import get_settings
from detector.text import detect_language, normalize_for_matching

TOPICS: tuple[str, ...] = ("sport", "economy", "politics", "culture", "technology", "health")
"""The topics, in the order of every probability vector."""

MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
BUNDLE_FORMAT = 1
"""Layout version of ``model.joblib``; a bundle with another layout is refused."""

MAX_CLASSIFIED_CHARS = 30_000
"""Only the first characters of a long article are classified (its topic is clear by then)."""

ENGLISH_KEYWORDS_LEXICON = "en/beat_topic_keywords"
KEYWORD_SMOOTHING = 1.0
"""Pseudo-count added to every topic's keyword hits, so an article with no hits is uniform."""

# The token pattern of scikit-learn's text vectorisers, words of two or more characters:
# r"\b\w\w+\b" finds the same words as r"\w\w+" (a greedy run of word characters starts and
# ends at word boundaries), and the regex engine skips faster to a pattern opening with \w.
_TOKEN = re.compile(r"\w\w+")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")


def topic_ngrams(normalized_text: str) -> list[str]:
    """Return the word unigrams and bigrams the topic model counts.

    Args:
        normalized_text: Text already passed through :func:`normalize_for_matching`.
    """
    tokens = _TOKEN.findall(normalized_text)
    return tokens + list(map(" ".join, zip(tokens, tokens[1:], strict=False)))


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max())
    return shifted / shifted.sum()


class KeywordPrior:
    """Topic probabilities from counts of hand-written topic words (one or two words each)."""

    def __init__(self, entries: tuple[str, ...]) -> None:
        """Build the prior from lexicon lines ``"topic | keyword"``."""
        self._topic_of: dict[str, int] = {}
        for entry in entries:
            topic, separator, keyword = (part.strip() for part in entry.partition("|"))
            if not separator or topic not in TOPICS or not keyword:
                raise ValueError(f"bad topic keyword entry {entry!r}; expected 'topic | keyword'")
            normalized = " ".join(_TOKEN.findall(normalize_for_matching(keyword)))
            if not normalized or normalized.count(" ") > 1:
                raise ValueError(f"topic keyword {keyword!r} must be one or two words")
            self._topic_of[normalized] = TOPICS.index(topic)

    def probabilities(self, grams: list[str]) -> np.ndarray:
        """Return smoothed keyword-hit shares per topic for the n-grams of one text."""
        hits = np.full(len(TOPICS), KEYWORD_SMOOTHING)
        found = [topic for topic in map(self._topic_of.get, grams) if topic is not None]
        for topic, count in Counter(found).items():
            hits[topic] += count
        return hits / hits.sum()


@dataclass(frozen=True)
class _LinearModel:
    """Sublinear tf-idf over a fixed vocabulary followed by a multinomial linear layer."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray
    intercept: np.ndarray
    word_columns: dict[str, int]
    """The single-word terms of the vocabulary (a smaller table looks up faster)."""
    pair_columns: dict[str, int]
    """The two-word terms of the vocabulary."""

    def probabilities(self, grams: list[str]) -> np.ndarray:
        columns = [column for column in map(self.vocabulary.get, grams) if column is not None]
        return self._probabilities_of_columns(columns)

    def probabilities_of_tokens(self, tokens: list[str]) -> np.ndarray:
        """Return what :meth:`probabilities` gives for the :func:`topic_ngrams` of ``tokens``."""
        columns = [column for column in map(self.word_columns.get, tokens) if column is not None]
        bigrams = map(" ".join, zip(tokens, tokens[1:], strict=False))
        columns += [column for column in map(self.pair_columns.get, bigrams) if column is not None]
        return self._probabilities_of_columns(columns)

    def _probabilities_of_columns(self, columns: list[int]) -> np.ndarray:
        if not columns:
            return _softmax(self.intercept.astype(np.float64))
        unique, counts = np.unique(np.asarray(columns, dtype=np.int64), return_counts=True)
        values = (1.0 + np.log(counts)) * self.idf[unique]
        values /= math.sqrt(float(values @ values))
        logits = values @ self.weights[unique] + self.intercept
        return _softmax(logits.astype(np.float64))


def bundle_version_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key of a bundle folder name: numeric parts compare as numbers ("2026.11.0")."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"[.\-_]", name)
    )


def newest_bundle(root: Path) -> Path:
    """Return the bundle folder under ``root`` with the highest version.

    Raises:
        ModelBundleError: When ``root`` holds no folder with a ``metadata.json``.
    """
    candidates = (
        [path for path in root.iterdir() if (path / METADATA_FILE).is_file()]
        if root.is_dir()
        else []
    )
    if not candidates:
        raise ModelBundleError(
            f"no topic model bundle under {root} (a folder with {METADATA_FILE} and "
            f"{MODEL_FILE}); train one with `python -m training.topics`"
        )
    return max(candidates, key=lambda path: bundle_version_key(path.name))


file_sha256 = sha256_file
"""Hex sha256 of a file, as recorded in ``metadata.json``."""

_RETRAIN_HINT = "; retrain with `python -m training.topics`"


def _verified_payload(bundle: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    metadata = read_bundle_metadata(bundle, retrain_hint=_RETRAIN_HINT)
    model_path = bundle / MODEL_FILE
    recorded_numpy = str(metadata.get("libraries", {}).get("numpy", ""))
    if recorded_numpy.split(".")[0] != np.__version__.split(".")[0]:
        raise ModelBundleError(
            f"topic model bundle {bundle} was written with numpy {recorded_numpy or 'unknown'}, "
            f"this environment has numpy {np.__version__}{_RETRAIN_HINT}"
        )
    payload = joblib.load(model_path)
    if not isinstance(payload, dict) or payload.get("format") != BUNDLE_FORMAT:
        raise ModelBundleError(
            f"{model_path} is not a topic model of layout {BUNDLE_FORMAT}{_RETRAIN_HINT}"
        )
    if tuple(payload.get("topics", ())) != TOPICS:
        raise ModelBundleError(
            f"{model_path} predicts topics {payload.get('topics')}, this code expects {TOPICS}"
        )
    return payload, metadata


def _linear_model(payload: Mapping[str, Any], model_path: Path) -> _LinearModel:
    terms = str(payload["terms"]).split("\n")
    idf = np.asarray(payload["idf"], dtype=np.float32)
    weights = np.asarray(payload["weights"], dtype=np.float32)
    intercept = np.asarray(payload["intercept"], dtype=np.float32)
    if not (len(terms) == idf.shape[0] == weights.shape[0]) or weights.shape[1:] != (len(TOPICS),):
        raise ModelBundleError(
            f"{model_path} is inconsistent: {len(terms)} terms, idf {idf.shape}, "
            f"weights {weights.shape}"
        )
    vocabulary = {term: column for column, term in enumerate(terms)}
    word_columns = {term: column for term, column in vocabulary.items() if " " not in term}
    pair_columns = {term: column for term, column in vocabulary.items() if " " in term}
    return _LinearModel(vocabulary, idf, weights, intercept, word_columns, pair_columns)


class TopicClassifier:
    """Topic probabilities of an article (Arabic: trained model; English: keyword prior)."""

    def __init__(
        self,
        model: _LinearModel,
        keyword_prior: KeywordPrior,
        metadata: Mapping[str, Any],
        path: Path | None = None,
    ) -> None:
        """Wrap a loaded model; use :meth:`load` to read a bundle."""
        self._model = model
        self._keyword_prior = keyword_prior
        self.metadata = dict(metadata)
        self.path = path
        self.version = str(metadata.get("version", "unknown"))

    @classmethod
    def from_payload(
        cls, payload: Mapping[str, Any], metadata: Mapping[str, Any], path: Path | None = None
    ) -> TopicClassifier:
        """Build a classifier from a ``model.joblib`` payload (training uses this to evaluate)."""
        model = _linear_model(payload, path or Path(MODEL_FILE))
        prior = KeywordPrior(load_lexicon(ENGLISH_KEYWORDS_LEXICON))
        return cls(model, prior, metadata, path)

    @classmethod
    def load(cls, path: Path | str | None = None) -> TopicClassifier:
        """Load and verify a bundle; default: the newest under ``models_root / "topics"``.

        Raises:
            ModelBundleError: When the bundle is missing, incomplete, tampered with
                (sha256 mismatch) or written for other topics or another layout.
        """
        bundle = (
            Path(path) if path is not None else newest_bundle(get_settings().models_root / "topics")
        )
        if not bundle.is_dir():
            raise ModelBundleError(f"topic model bundle {bundle} does not exist")
        payload, metadata = _verified_payload(bundle)
        return cls.from_payload(payload, metadata, bundle)

    def probabilities_of_normalized(
        self, normalized_text: str, language: str | None = None
    ) -> np.ndarray:
        """Return the probability vector (ordered as :data:`TOPICS`) of normalised text.

        Args:
            normalized_text: Text passed through :func:`normalize_for_matching`.
            language: ``"ar"`` or ``"en"``; detected from the text when ``None`` or ``"und"``.
        """
        text = normalized_text[:MAX_CLASSIFIED_CHARS]
        if language not in ("ar", "en"):
            language = detect_language(text)
            if language == "und":
                language = "ar" if _ARABIC_LETTER.search(text) else "en"
        if language == "en":
            return self._keyword_prior.probabilities(topic_ngrams(text))
        return self._model.probabilities_of_tokens(_TOKEN.findall(text))

    def predict_proba(self, text: str, language: str | None = None) -> dict[str, float]:
        """Return ``{topic: probability}`` for raw article text (title and body)."""
        vector = self.probabilities_of_normalized(normalize_for_matching(text), language)
        return {topic: float(value) for topic, value in zip(TOPICS, vector, strict=True)}

    def predict(self, text: str, language: str | None = None) -> str:
        """Return the most probable topic of ``text``."""
        vector = self.probabilities_of_normalized(normalize_for_matching(text), language)
        return TOPICS[int(np.argmax(vector))]


@lru_cache(maxsize=1)
def default_topic_classifier() -> TopicClassifier:
    """Return the process-wide classifier loaded from the newest bundle (loaded once)."""
    return TopicClassifier.load()
