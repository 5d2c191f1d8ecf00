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
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from mizan.detector.model import Contribution, Prediction, Thresholds, sigmoid
from mizan.detector.text import normalize_for_matching

if TYPE_CHECKING:
    from mizan.detector.article import Document

HEAD_NAMES: tuple[str, ...] = ("ai_generated", "credibility", "content_farm")
"""The heads, in the order the combiner reads their logits (``content_farm``: the page reads
like a content-farm or machine-written news page rather than wire copy)."""
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


def normalized_model_text(doc: Document) -> str:
    """Return ``normalize_for_matching(model_text(doc))`` from the document's cached pieces."""
    return doc.normalized_title_and_content


def _word_hashes(tokens: list[str]) -> np.ndarray:
    """Return the CRC-32 of each token's UTF-8 bytes, as ``uint64``."""
    return np.fromiter(map(zlib.crc32, map(str.encode, tokens)), dtype=np.uint64, count=len(tokens))


def _mix_in_place(values: np.ndarray) -> np.ndarray:
    """Apply :func:`_mix` to ``uint64`` ``values`` in place (no temporary arrays); return them."""
    values ^= values >> np.uint64(30)
    values *= _MIX_1
    values ^= values >> np.uint64(27)
    values *= _MIX_2
    values ^= values >> np.uint64(31)
    return values


def _mix(values: np.ndarray) -> np.ndarray:
    """Scramble 64-bit hashes (splitmix64 finaliser) so low bits are well spread."""
    return _mix_in_place(np.array(values, dtype=np.uint64, copy=True))


@dataclass(frozen=True)
class TextHasher:
    """Hash character n-grams and word n-grams of a text into ``2 ** n_bits`` buckets.

    Vectorised with numpy (a polynomial rolling hash over code points), so one 1,000-word
    article takes about 2 ms. With ``strip_diacritics`` the text is first normalised like
    :func:`mizan.detector.text.normalize_for_matching` (diacritics and tatweel removed, letter
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
        return self.prepared_bucket_counts(self.prepare(text))

    def prepared_bucket_counts(
        self, prepared: str, tokens: list[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return :meth:`bucket_counts` of text already passed through :meth:`prepare`.

        ``tokens``: the runs of word characters of ``prepared`` when the caller has them.
        """
        mask = np.uint64((1 << self.n_bits) - 1)
        # The n-gram hashes before mixing: mixed and masked together in one pass at the end.
        unmixed: list[np.ndarray] = []
        codes = np.frombuffer(prepared.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        low, high = self.char_ngrams
        short = (
            _short_ngram_counts(codes, low, high, mask)
            if self.n_bits <= 32 and len(codes) >= _COUNTED_MIN_CODES
            else None
        )
        counted = short[0] if short is not None else ()
        rolling = np.zeros(len(codes), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for size in range(1, high + 1):
                length = len(codes) - size + 1
                if length <= 0:
                    break
                rolling = rolling[:length] * _GOLDEN + codes[size - 1 : size - 1 + length]
                if size >= low and size not in counted:
                    unmixed.append(rolling + np.uint64(size))
            if tokens is None:
                tokens = _TOKEN.findall(prepared)
            if tokens and self.word_ngrams >= 1:
                word_hashes = _word_hashes(tokens)
                chained = word_hashes
                for size in range(1, self.word_ngrams + 1):
                    if size > 1:
                        chained = chained[:-1] * _GOLDEN + word_hashes[size - 1 :]
                    if len(chained) == 0:
                        break
                    unmixed.append(chained ^ (_WORD_SALT * np.uint64(size)))
            if not unmixed and not counted:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
            mixed = _mix_in_place(np.concatenate(unmixed or [np.zeros(0, dtype=np.uint64)]))
            mixed &= mask
        # Bucket numbers below 2**32 sort as uint32: the same order, half the bytes.
        values = mixed.astype(np.uint32) if self.n_bits <= 32 else mixed
        buckets, counts = _sorted_counts(values)
        if short is not None:
            buckets, counts = _merged_counts(buckets, counts, short[1], short[2])
        return buckets.astype(np.int64), counts.astype(np.float64)


_COUNTED_MIN_CODES = 30_000
"""Shortest text (in code points) whose 1- and 2-grams are counted apart from the others:
below it, sorting them with the longer n-grams is faster (and gives the same counts)."""
_COUNTED_MAX_PAIRS = 1 << 22
"""Most distinct code point pairs a text may have for its 2-grams to be counted by pairs."""


def _short_ngram_counts(
    codes: np.ndarray, low: int, high: int, mask: np.uint64
) -> tuple[tuple[int, ...], np.ndarray, np.ndarray] | None:
    """Count the 1- and 2-character n-grams per distinct code point (pair of code points).

    A text has few distinct characters, so those n-grams repeat a lot: counting them this
    way gives the buckets and counts that sorting them all would. A 1-gram's bucket is
    ``mix(c + 1) & mask``, a 2-gram's ``mix(c1 * GOLDEN + c2 + 2) & mask``, as in
    :meth:`TextHasher.prepared_bucket_counts`.

    Returns the sizes counted, and their sorted unique ``uint32`` buckets with the counts;
    ``None`` when none is counted (text beyond the BMP, or too many distinct pairs).
    """
    sizes = tuple(size for size in (1, 2) if low <= size <= high and size <= len(codes))
    if not sizes or int(codes.max()) > 0xFFFF:
        return None
    positions = codes.astype(np.intp)
    per_code = np.bincount(positions)
    present = np.flatnonzero(per_code)
    distinct = len(present)
    if distinct * distinct > _COUNTED_MAX_PAIRS:
        sizes = tuple(size for size in sizes if size != 2)
        if not sizes:
            return None
    values: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    with np.errstate(over="ignore"):
        if 1 in sizes:
            values.append(_mix(present.astype(np.uint64) + np.uint64(1)) & mask)
            counts.append(per_code[present])
        if 2 in sizes:
            ranks = (np.cumsum(per_code > 0) - 1)[positions]
            per_pair = np.bincount(ranks[:-1] * distinct + ranks[1:])
            pairs = np.flatnonzero(per_pair)
            firsts = present[pairs // distinct].astype(np.uint64)
            seconds = present[pairs % distinct].astype(np.uint64)
            values.append(_mix(firsts * _GOLDEN + seconds + np.uint64(2)) & mask)
            counts.append(per_pair[pairs])
    all_values = np.concatenate(values).astype(np.uint32)
    all_counts = np.concatenate(counts).astype(np.int64)
    order = np.argsort(all_values, kind="stable")
    all_values, all_counts = all_values[order], all_counts[order]
    starts = _run_starts(all_values)
    return sizes, all_values[starts], np.add.reduceat(all_counts, starts)


def _run_starts(ordered: np.ndarray) -> np.ndarray:
    """Return where each run of equal values starts in a sorted, non-empty array."""
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return np.flatnonzero(first)


def _sorted_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``np.unique(values, return_counts=True)``, sorting ``values`` in place."""
    if not len(values):
        return values, np.zeros(0, dtype=np.int64)
    values.sort()
    starts = _run_starts(values)
    return values[starts], np.diff(starts, append=len(values))


def _merged_counts(
    buckets: np.ndarray, counts: np.ndarray, more_buckets: np.ndarray, more_counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Merge two sorted, unique bucket arrays with their counts (counts of shared ones add)."""
    at = np.searchsorted(buckets, more_buckets)
    shared = np.zeros(len(more_buckets), dtype=bool)
    inside = at < len(buckets)
    shared[inside] = buckets[at[inside]] == more_buckets[inside]
    counts = counts.astype(np.int64)
    counts[at[shared]] += more_counts[shared]
    new = ~shared
    return (
        np.insert(buckets, at[new], more_buckets[new]),
        np.insert(counts, at[new], more_counts[new]),
    )


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
        return self._weighted(*self.hasher.bucket_counts(text))

    def document_vector(self, doc: Document) -> tuple[np.ndarray, np.ndarray]:
        """Return :meth:`vector` of ``model_text(doc)``, reusing the document's normalised text."""
        if not self.hasher.strip_diacritics:
            return self.vector(model_text(doc))
        prepared = doc.normalized_title_and_content
        # Without "_" the runs of word characters are the document's runs of letters and
        # digits, found once for every signal.
        tokens = None if "_" in prepared else doc.title_and_content_words
        return self._weighted(*self.hasher.prepared_bucket_counts(prepared, tokens))

    def _weighted(self, buckets: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


@lru_cache(maxsize=64)
def _transform_columns(transforms: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the columns read through ``log1p`` and ``softplus``, and those clipped.

    Raises:
        ValueError: For a transform not in :data:`TRANSFORMS`.
    """
    for transform in transforms:
        if transform not in TRANSFORMS:
            raise ValueError(f"unknown input transform {transform!r}")
    log1p = np.array([t == "log1p" for t in transforms], dtype=bool)
    softplus = np.array([t == "softplus" for t in transforms], dtype=bool)
    clipped = np.array([t != "bounded" for t in transforms], dtype=bool)
    return np.flatnonzero(log1p), np.flatnonzero(softplus), clipped


def transform_inputs(values: np.ndarray, transforms: Sequence[str]) -> np.ndarray:
    """Apply each column's transform (see :data:`TRANSFORMS`).

    The columns of one transform go through it together (an elementwise function gives
    each value what it gives the value alone).
    """
    values = np.array(values, dtype=np.float64, copy=True)
    log1p, softplus, _ = _transform_columns(tuple(transforms))
    if log1p.size:
        values[..., log1p] = np.log1p(np.maximum(values[..., log1p], 0.0))
    if softplus.size:
        values[..., softplus] = np.logaddexp(0.0, values[..., softplus])
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
        clipped = _transform_columns(tuple(self.transforms))[2]
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
    if name in ("ai_generated", "content_farm"):
        return sigmoid(value)
    if name == "credibility":
        return sigmoid(-value)
    return value


_PACKED = "_text_weight_rows"
"""Attribute of a :class:`TrainedModel` holding its heads' packed text weights and views."""
_POSITIONS = "_feature_positions"
"""Attribute of a :class:`TrainedModel` holding its feature names and each one's column."""


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

    def __getstate__(self) -> dict[str, object]:
        """Pickle without the packed text weights and feature columns (rebuilt on first use)."""
        state = dict(self.__dict__)
        state.pop(_PACKED, None)
        state.pop(_POSITIONS, None)
        return state

    def _packed_text_weights(self) -> np.ndarray | None:
        """Return every head's text weights side by side, one row per bucket.

        A text scores against all heads with one gather of rows instead of one per head
        (the weights of a bucket share a cache line). Built on first use; each head's
        ``text_weights`` then becomes a view of its column, so the weights stay stored once.
        ``None`` when the heads' weights do not have one shape and type.
        """
        packed = self.__dict__.get(_PACKED)
        if packed is not None and all(
            head.text_weights is view for head, view in zip(self.heads, packed[1], strict=True)
        ):
            result: np.ndarray = packed[0]
            return result
        weights = [head.text_weights for head in self.heads]
        if not weights or any(
            array.ndim != 1 or array.dtype != weights[0].dtype or array.shape != weights[0].shape
            for array in weights
        ):
            return None
        table = np.stack(weights, axis=1)
        views = tuple(table[:, column] for column in range(len(weights)))
        for head, view in zip(self.heads, views, strict=True):
            head.text_weights = view
        self.__dict__[_PACKED] = (table, views)
        return table

    def _text_scores(self, buckets: np.ndarray, weights: np.ndarray) -> list[float]:
        """Return each head's :meth:`TextHead.text_score` of one vector."""
        table = self._packed_text_weights()
        if table is None:
            return [head.text_score(buckets, weights) for head in self.heads]
        rows = np.take(table, buckets, axis=0)
        return [
            head.text_bias + float(np.dot(np.ascontiguousarray(rows[:, column]), weights))
            for column, head in enumerate(self.heads)
        ]

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
        # The columns np.column_stack would stack: an extra input where there is one, else
        # the feature; filled in place (most are features, taken in one step).
        cached = self.__dict__.get(_POSITIONS)
        if cached is not None and cached[0] is self.feature_names:
            position: dict[str, int] = cached[1]
        else:
            position = {name: index for index, name in enumerate(self.feature_names)}
            self.__dict__[_POSITIONS] = (self.feature_names, position)
        from_extra = [
            (column, extra[name]) for column, name in enumerate(layer.input_names) if name in extra
        ]
        dtype = np.result_type(features, *(values for _, values in from_extra))
        stacked = np.empty((features.shape[0], len(layer.input_names)), dtype=dtype)
        targets = [column for column, name in enumerate(layer.input_names) if name not in extra]
        if targets:
            sources = [position[layer.input_names[column]] for column in targets]
            stacked[:, targets] = features[:, sources]
        for column, values in from_extra:
            stacked[:, column] = values
        return stacked

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
        buckets, weights = self.vectorizer.document_vector(doc)
        extra: dict[str, np.ndarray] = {
            LANGUAGE_INPUT: np.array([1.0 if doc.language == "ar" else 0.0])
        }
        text_scores = self._text_scores(buckets, weights)
        for head, text_score in zip(self.heads, text_scores, strict=True):
            extra[head.text_input] = np.array([text_score])
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
