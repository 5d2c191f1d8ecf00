"""Article topic classifier: six news topics, from a verified model bundle.

Arabic text goes through a linear model trained by ``python -m mizan.training.topics`` on
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
from functools import cached_property, lru_cache
from itertools import compress, repeat
from pathlib import Path
from typing import Any

import numpy as np

from mizan.detector.errors import ModelBundleError
from mizan.detector.lexicons import load_lexicon
from mizan.detector.model import load_verified_joblib, sha256_file
from mizan.detector.settings import get_settings
from mizan.detector.text import (
    bmp_codes,
    detect_language,
    normalize_for_matching,
    run_hashes,
    word_character_runs,
)

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
_VECTORISED_MIN_CHARS = 300
"""From this length on, tokens are looked up on the code points (see token_ids_of_text)."""


def topic_ngrams(normalized_text: str) -> list[str]:
    """Return the word unigrams and bigrams the topic model counts.

    Args:
        normalized_text: Text already passed through :func:`normalize_for_matching`.
    """
    tokens = _TOKEN.findall(normalized_text)
    return tokens + list(map(" ".join, zip(tokens, tokens[1:], strict=False)))


def _search_sorted(table: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Return ``np.searchsorted(table, keys)``, searching the keys in sorted order.

    Sorted keys walk the table from left to right (each search starts where the last one
    ended), which reads a large table far more cache-friendly than random keys.
    """
    order = np.argsort(keys)
    found = np.empty(len(keys), dtype=np.intp)
    found[order] = np.searchsorted(table, keys[order])
    return found


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
        # Only a bigram that opens with the first word of a two-word keyword can match one.
        self._pair_openers = frozenset(key.split(" ")[0] for key in self._topic_of if " " in key)

    def probabilities(self, grams: list[str]) -> np.ndarray:
        """Return smoothed keyword-hit shares per topic for the n-grams of one text."""
        return self._shares(
            [topic for topic in map(self._topic_of.get, grams) if topic is not None]
        )

    def probabilities_of_tokens(self, tokens: list[str]) -> np.ndarray:
        """Return :meth:`probabilities` of :func:`topic_ngrams` of the text whose words these are.

        Bigrams are joined only where the first word opens a two-word keyword.
        """
        topic_of = self._topic_of
        found = [topic for topic in map(topic_of.get, tokens) if topic is not None]
        openers = map(self._pair_openers.__contains__, tokens)
        for position in compress(range(len(tokens) - 1), openers):
            topic = topic_of.get(f"{tokens[position]} {tokens[position + 1]}")
            if topic is not None:
                found.append(topic)
        return self._shares(found)

    @staticmethod
    def _shares(found: list[int]) -> np.ndarray:
        """Return the smoothed shares of the topics of the keyword hits ``found``."""
        hits = np.full(len(TOPICS), KEYWORD_SMOOTHING)
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

    @cached_property
    def _token_tables(self) -> tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray]:
        """Return word ids, each id's single-word column (-1: none), and the two-word terms.

        The two-word terms are ``first id * len(ids) + second id`` keys, sorted, with their
        columns. A term that is not two words joined by one space is left out: no pair of
        tokens (runs of word characters) joined by a space can equal it.
        """
        ids: dict[str, int] = {}
        for term in self.word_columns:
            ids.setdefault(term, len(ids))
        pairs: list[tuple[int, int, int]] = []
        for term, column in self.pair_columns.items():
            first, _, second = term.partition(" ")
            if not first or not second or " " in second:
                continue
            first_id = ids.setdefault(first, len(ids))
            pairs.append((first_id, ids.setdefault(second, len(ids)), column))
        single = np.full(len(ids), -1, dtype=np.int64)
        for term, column in self.word_columns.items():
            single[ids[term]] = column
        keys = np.array([first * len(ids) + second for first, second, _ in pairs], dtype=np.int64)
        columns = np.array([column for _, _, column in pairs], dtype=np.int64)
        order = np.argsort(keys)
        return ids, single, keys[order], columns[order]

    @cached_property
    def _word_hash_table(self) -> tuple[np.ndarray, ...] | None:
        """Return the words of :attr:`_token_tables` for look-up by hash.

        The sorted hashes (:func:`~mizan.detector.text.run_hashes` of the words' code points) with
        their word ids, and the words' code points (all in one array, with each id's start
        and length) to check a match. ``None`` when two words share a hash. Words beyond the
        BMP are left out: no token of BMP text can equal them.
        """
        words = list(self._token_tables[0])  # in id order
        encoded = [word.encode("utf-32-le") for word in words]
        lengths = np.array([len(data) // 4 for data in encoded], dtype=np.int64)
        codes = np.frombuffer(b"".join(encoded), dtype=np.uint32)
        starts = np.cumsum(lengths) - lengths
        beyond = np.zeros(len(words), dtype=bool)
        if codes.size and int(codes.max()) > 0xFFFF:
            beyond = np.array([any(ord(char) > 0xFFFF for char in word) for word in words])
        ids = np.flatnonzero(~beyond & (lengths > 0))
        hashes = run_hashes(codes, starts[ids], starts[ids] + lengths[ids])
        order = np.argsort(hashes, kind="stable")
        hashes, ids = hashes[order], ids[order]
        if np.any(hashes[1:] == hashes[:-1]):
            return None
        return hashes, ids, codes, starts, lengths

    def token_ids_of_text(self, text: str) -> np.ndarray | None:
        """Return the word id of each :data:`_TOKEN` token of ``text`` (-1: no such word).

        Found on the code points: the tokens are the runs of word characters of two or more,
        looked up by hash and checked character by character. ``None`` for short text (a
        regular expression and a dictionary are faster there) or text beyond the BMP.
        """
        table = self._word_hash_table
        codes = bmp_codes(text) if len(text) >= _VECTORISED_MIN_CHARS else None
        if table is None or codes is None:
            return None
        sorted_hashes, sorted_ids, word_codes, word_starts, word_lengths = table
        starts, ends = word_character_runs(codes)
        long_enough = ends - starts >= 2
        starts, ends = starts[long_enough], ends[long_enough]
        hashes = run_hashes(codes, starts, ends)
        at = np.minimum(_search_sorted(sorted_hashes, hashes), max(len(sorted_hashes) - 1, 0))
        ids = np.full(len(hashes), -1, dtype=np.int64)
        if not len(sorted_hashes):
            return ids
        found = sorted_hashes[at] == hashes
        ids[found] = sorted_ids[at[found]]
        # A hash may be shared by a token that is no word: compare the characters.
        hit = np.flatnonzero(found)
        lengths = ends[hit] - starts[hit]
        same_length = word_lengths[ids[hit]] == lengths
        ids[hit[~same_length]] = -1
        hit, lengths = hit[same_length], lengths[same_length]
        if hit.size:
            owner = np.repeat(np.arange(len(hit)), lengths)
            within = np.arange(int(lengths.sum())) - np.repeat(
                np.cumsum(lengths) - lengths, lengths
            )
            text_chars = codes[np.repeat(starts[hit], lengths) + within]
            word_chars = word_codes[np.repeat(word_starts[ids[hit]], lengths) + within]
            differs = np.zeros(len(hit), dtype=bool)
            differs[owner[text_chars != word_chars]] = True
            ids[hit[differs]] = -1
        return ids

    def probabilities_of_tokens(self, tokens: list[str]) -> np.ndarray:
        """Return what :meth:`probabilities` gives for the :func:`topic_ngrams` of ``tokens``.

        Tokens are looked up once as word ids; the bigrams are then found as pairs of ids
        (the order of the columns does not matter: they are counted).
        """
        ids_of = self._token_tables[0]
        ids = np.fromiter(map(ids_of.get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
        return self.probabilities_of_ids(ids)

    def probabilities_of_ids(self, ids: np.ndarray) -> np.ndarray:
        """Return :meth:`probabilities_of_tokens` for the tokens' word ids (-1: no word)."""
        ids_of, single, pair_keys, pair_columns = self._token_tables
        words = single[ids[ids >= 0]]
        first, second = ids[:-1], ids[1:]
        known = (first >= 0) & (second >= 0)
        keys = first[known] * len(ids_of) + second[known]
        found = np.minimum(_search_sorted(pair_keys, keys), max(len(pair_keys) - 1, 0))
        hits = found[pair_keys[found] == keys] if len(pair_keys) else found[:0]
        columns = np.concatenate((words[words >= 0], pair_columns[hits]))
        return self._probabilities_of_columns(columns)

    def _probabilities_of_columns(self, columns: list[int] | np.ndarray) -> np.ndarray:
        if len(columns) == 0:
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
            f"{MODEL_FILE}); train one with `python -m mizan.training.topics`"
        )
    return max(candidates, key=lambda path: bundle_version_key(path.name))


file_sha256 = sha256_file
"""Hex sha256 of a file, as recorded in ``metadata.json``."""

_RETRAIN_HINT = "; retrain with `python -m mizan.training.topics`"


def _verified_payload(bundle: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    payload, metadata = load_verified_joblib(bundle, retrain_hint=_RETRAIN_HINT)
    model_path = bundle / MODEL_FILE
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
        model._word_hash_table  # noqa: B018 - built now rather than on the first article
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
            return self._keyword_prior.probabilities_of_tokens(_TOKEN.findall(text))
        ids = self._model.token_ids_of_text(text)
        if ids is not None:
            return self._model.probabilities_of_ids(ids)
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
