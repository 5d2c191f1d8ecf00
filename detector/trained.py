"""The trained reliability model that a bundle's ``model.joblib`` holds.

Two calibrated heads, ``ai_generated`` (the text is machine-written) and ``credibility``
(the article would be judged not credible), each a logistic layer over a hashed
character and word n-gram text score and the signal features; and a final logistic
``combiner`` over the heads' logits and the signal features that gives the reliability.
Every layer works on standardised inputs, so a feature's contribution is ``coef * z`` and
the contributions sum with the intercept to the reliability logit. Calibration (Platt
scaling, a linear map of the logit) is folded into each layer's weights, so it keeps that
sum exact.

This module imports only numpy, scipy and the detector package, so a bundle loads without
the training stack.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from detector.model import Contribution, Prediction, Thresholds, sigmoid
from detector.text import normalize_for_matching

if TYPE_CHECKING:
    from detector.article import Document

HEAD_NAMES: tuple[str, ...] = ("ai_generated", "credibility")
"""The heads, in the order the combiner reads their logits."""
LANGUAGE_INPUT = "language.is_arabic"
"""Layer input that is 1 for Arabic articles and 0 otherwise."""

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_WORD_SALT = np.uint64(0x5BD1E995)
_TOKEN = re.compile(r"\w+", re.UNICODE)
_Z_LIMIT = 6.0


def model_text(doc: Document) -> str:
    """Return the text the text model reads: the title and the article content."""
    return f"{doc.title}\n{doc.content_text}" if doc.title else doc.content_text


def _mix(values: np.ndarray) -> np.ndarray:
    """Scramble 64-bit hashes (splitmix64 finaliser) so low bits are well spread."""
    values = values ^ (values >> np.uint64(30))
    values = values * _MIX_1
    values = values ^ (values >> np.uint64(27))
    values = values * _MIX_2
    return values ^ (values >> np.uint64(31))


@dataclass(frozen=True)
class TextHasher:
    """Hash character n-grams and word n-grams of a text into ``2 ** n_bits`` buckets.

    Vectorised with numpy (a polynomial rolling hash over code points), so one 1,000-word
    article takes about 2 ms. With ``strip_diacritics`` the text is first normalised like
    :func:`detector.text.normalize_for_matching` (diacritics and tatweel removed, letter
    forms unified); without it only NFKC and lower-casing are applied.
    """

    n_bits: int = 20
    char_ngrams: tuple[int, int] = (2, 5)
    word_ngrams: int = 2
    strip_diacritics: bool = True

    def prepare(self, text: str) -> str:
        """Normalise ``text`` the way the hasher reads it."""
        if self.strip_diacritics:
            return normalize_for_matching(text)
        return unicodedata.normalize("NFKC", text).lower()

    def bucket_counts(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the sorted bucket indices of ``text``'s n-grams and their counts."""
        prepared = self.prepare(text)
        mask = np.uint64((1 << self.n_bits) - 1)
        pieces: list[np.ndarray] = []
        codes = np.frombuffer(prepared.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        low, high = self.char_ngrams
        rolling = np.zeros(len(codes), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for size in range(1, high + 1):
                length = len(codes) - size + 1
                if length <= 0:
                    break
                rolling = rolling[:length] * _GOLDEN + codes[size - 1 : size - 1 + length]
                if size >= low:
                    pieces.append(_mix(rolling + np.uint64(size)) & mask)
            tokens = _TOKEN.findall(prepared)
            if tokens and self.word_ngrams >= 1:
                word_hashes = np.fromiter(
                    (zlib.crc32(token.encode("utf-8")) for token in tokens),
                    dtype=np.uint64,
                    count=len(tokens),
                )
                chained = word_hashes
                for size in range(1, self.word_ngrams + 1):
                    if size > 1:
                        chained = chained[:-1] * _GOLDEN + word_hashes[size - 1 :]
                    if len(chained) == 0:
                        break
                    pieces.append(_mix(chained ^ (_WORD_SALT * np.uint64(size))) & mask)
        if not pieces:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        buckets, counts = np.unique(np.concatenate(pieces), return_counts=True)
        return buckets.astype(np.int64), counts.astype(np.float64)


@dataclass
class TextVectorizer:
    """Sublinear, idf-weighted, L2-normalised hashed n-gram vectors."""

    hasher: TextHasher
    idf: np.ndarray | None = None

    @property
    def n_features(self) -> int:
        """Number of hash buckets."""
        return 1 << self.hasher.n_bits

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the non-zero bucket indices and weights of one text."""
        buckets, counts = self.hasher.bucket_counts(text)
        weights = 1.0 + np.log(counts)
        if self.idf is not None:
            weights = weights * self.idf[buckets]
        norm = float(np.sqrt(np.dot(weights, weights)))
        if norm > 0:
            weights = weights / norm
        return buckets, weights

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Return the vectors of ``texts`` as a CSR matrix."""
        indptr = [0]
        all_indices: list[np.ndarray] = []
        all_values: list[np.ndarray] = []
        for text in texts:
            buckets, weights = self.vector(text)
            all_indices.append(buckets)
            all_values.append(weights)
            indptr.append(indptr[-1] + len(buckets))
        indices = np.concatenate(all_indices) if all_indices else np.zeros(0, dtype=np.int64)
        values = np.concatenate(all_values) if all_values else np.zeros(0)
        return sparse.csr_matrix(
            (values, indices, np.asarray(indptr, dtype=np.int64)),
            shape=(len(texts), self.n_features),
        )


TRANSFORMS: tuple[str, ...] = ("identity", "log1p", "softplus", "bounded")
"""How a layer reads an input before standardising it: as is, ``log1p`` (long-tailed
counts), ``softplus`` (a head's logit: near 0 while the head is confident the article is
fine, growing like the logit when it fires, as in a noisy-OR of the heads) or ``bounded``
(a value already in 0..1, such as a signal score: as is, and its z-score is not clipped, so
a signal that rarely fires keeps its full weight when it does)."""


def transform_inputs(values: np.ndarray, transforms: Sequence[str]) -> np.ndarray:
    """Apply each column's transform (see :data:`TRANSFORMS`)."""
    values = np.array(values, dtype=np.float64, copy=True)
    for column, transform in enumerate(transforms):
        if transform == "log1p":
            values[..., column] = np.log1p(np.maximum(values[..., column], 0.0))
        elif transform == "softplus":
            values[..., column] = np.logaddexp(0.0, values[..., column])
        elif transform not in ("identity", "bounded"):
            raise ValueError(f"unknown input transform {transform!r}")
    return values


@dataclass
class LogisticLayer:
    """A logistic regression over named, transformed and standardised inputs.

    ``z = clip((t(x) - mean) / scale, -6, 6)`` with ``t`` each input's transform (no clip
    for ``bounded`` inputs);
    ``logit = intercept + sum(coef * z)``. Calibration is folded into ``coef`` and
    ``intercept``.
    """

    input_names: tuple[str, ...]
    transforms: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def standardise(self, values: np.ndarray) -> np.ndarray:
        """Return the standardised inputs (rows of ``values`` in ``input_names`` order)."""
        transformed = transform_inputs(values, self.transforms)
        z: np.ndarray = (transformed - self.mean) / self.scale
        clipped = np.array([transform != "bounded" for transform in self.transforms], dtype=bool)
        if clipped.any():
            z = np.where(clipped, np.clip(z, -_Z_LIMIT, _Z_LIMIT), z)
        return z

    def terms(self, values: np.ndarray) -> np.ndarray:
        """Return each input's contribution ``coef * z`` to the logit."""
        terms: np.ndarray = self.standardise(values) * self.coef
        return terms

    def logits(self, values: np.ndarray) -> np.ndarray:
        """Return the logits of rows of inputs."""
        logits: np.ndarray = self.intercept + self.terms(values).sum(axis=-1)
        return logits


@dataclass
class TextHead:
    """One calibrated head: a linear text score stacked with the signal features."""

    name: str
    text_weights: np.ndarray
    text_bias: float
    layer: LogisticLayer

    @property
    def text_input(self) -> str:
        """The name of the text score among the layer's inputs."""
        return f"text.{self.name}"

    @property
    def english_text_input(self) -> str:
        """The text score of English articles (0 for others): its own weight per language."""
        return f"text.{self.name}.english"

    def text_score(self, buckets: np.ndarray, weights: np.ndarray) -> float:
        """Return the text model's logit for one vector."""
        return self.text_bias + float(np.dot(self.text_weights[buckets], weights))

    def text_scores(self, matrix: sparse.csr_matrix) -> np.ndarray:
        """Return the text model's logits for rows of a CSR matrix."""
        scores: np.ndarray = self.text_bias + matrix @ self.text_weights.astype(np.float64)
        return np.asarray(scores).ravel()


def _shown_value(name: str, value: float) -> float:
    """Show a head's logit as the probability an editor reads (credibility: of being credible)."""
    if name == "ai_generated":
        return sigmoid(value)
    if name == "credibility":
        return sigmoid(-value)
    return value


class TrainedModel:
    """A trained, calibrated reliability model (the object a bundle's ``model.joblib`` holds)."""

    def __init__(
        self,
        name: str,
        version: str,
        feature_names: Sequence[str],
        thresholds: Thresholds,
        vectorizer: TextVectorizer,
        heads: Sequence[TextHead],
        combiner: LogisticLayer,
    ) -> None:
        self.name = name
        self.version = version
        self.feature_names = tuple(feature_names)
        self.thresholds = thresholds
        self.vectorizer = vectorizer
        self.heads = tuple(heads)
        self.combiner = combiner

    def _head(self, name: str) -> TextHead:
        for head in self.heads:
            if head.name == name:
                return head
        raise KeyError(name)

    def feature_matrix(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        """Return the signal features of ``rows`` as a matrix in ``feature_names`` order."""
        return np.array(
            [[float(row.get(name, 0.0)) for name in self.feature_names] for row in rows],
            dtype=np.float64,
        ).reshape(len(rows), len(self.feature_names))

    def _layer_inputs(
        self, layer: LogisticLayer, features: np.ndarray, extra: Mapping[str, np.ndarray]
    ) -> np.ndarray:
        position = {name: index for index, name in enumerate(self.feature_names)}
        columns = [
            extra[name] if name in extra else features[:, position[name]]
            for name in layer.input_names
        ]
        return np.column_stack(columns) if columns else np.zeros((features.shape[0], 0))

    def score_arrays(
        self, features: np.ndarray, text_matrix: sparse.csr_matrix, is_arabic: np.ndarray
    ) -> dict[str, np.ndarray]:
        """Score many rows at once: the logits of every head and of unreliability.

        Args:
            features: Signal features, one row per article, columns in ``feature_names``.
            text_matrix: The articles' text vectors (``vectorizer.transform``).
            is_arabic: 1 for Arabic articles, 0 otherwise.

        Returns:
            ``{"text.<head>": text logits, "<head>": head logits, "unreliable": logits}``.
        """
        extra: dict[str, np.ndarray] = {LANGUAGE_INPUT: np.asarray(is_arabic, dtype=np.float64)}
        for head in self.heads:
            extra[head.text_input] = head.text_scores(text_matrix)
            extra[head.english_text_input] = extra[head.text_input] * (1.0 - extra[LANGUAGE_INPUT])
            extra[head.name] = head.layer.logits(self._layer_inputs(head.layer, features, extra))
        extra["unreliable"] = self.combiner.logits(
            self._layer_inputs(self.combiner, features, extra)
        )
        return extra

    def predict(self, features: Mapping[str, float], doc: Document) -> Prediction:
        """Score one document; contributions explain the reliability logit."""
        row = np.array([[float(features.get(name, 0.0)) for name in self.feature_names]])
        buckets, weights = self.vectorizer.vector(model_text(doc))
        extra: dict[str, np.ndarray] = {
            LANGUAGE_INPUT: np.array([1.0 if doc.language == "ar" else 0.0])
        }
        for head in self.heads:
            extra[head.text_input] = np.array([head.text_score(buckets, weights)])
            extra[head.english_text_input] = extra[head.text_input] * (1.0 - extra[LANGUAGE_INPUT])
            extra[head.name] = head.layer.logits(self._layer_inputs(head.layer, row, extra))
        inputs = self._layer_inputs(self.combiner, row, extra)[0]
        # The combiner predicts unreliability; reliability's logit is its negation.
        terms = -self.combiner.terms(inputs)
        intercept = -self.combiner.intercept
        contributions = [
            Contribution(name, _shown_value(name, float(value)), float(term))
            for name, value, term in zip(self.combiner.input_names, inputs, terms, strict=True)
        ]
        reliability_logit = intercept + float(terms.sum())
        return Prediction(
            reliability=sigmoid(reliability_logit),
            intercept=intercept,
            contributions=tuple(contributions),
            ai_generated=sigmoid(float(extra["ai_generated"][0])),
            credibility=sigmoid(-float(extra["credibility"][0])),
        )
