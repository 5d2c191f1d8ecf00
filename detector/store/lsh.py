"""Text fingerprints and the MinHash LSH index of the outlet archive.

Signatures are those of :mod:`mizan.detector.minhash` (word 5-shingles of normalised text,
:data:`~mizan.detector.minhash.NUM_PERM` permutations, datasketch's ``affine32`` scheme), so a
signature stored here equals ``minhash.signature(text).hashvalues``; this module computes
them with whole-array operations because ingest and every query need one.

The index is banded MinHash LSH, as datasketch's ``MinHashLSH`` does it: the signature is
cut into :data:`BANDS` bands of :data:`ROWS` values, and articles sharing any band are
candidates, which are then checked with the estimated Jaccard similarity. Two backends:

* :class:`BandedIndex` keeps every band key in one sorted ``uint64`` array in memory (12
  bytes per band per article); a query is one vectorised binary search. The default.
* :class:`DatasketchIndex` wraps ``datasketch.MinHashLSH`` with the same bands and rows, so
  the index can live in Redis (``storage_config={"type": "redis", ...}``) and be shared by
  several machines.

:class:`ArchiveIndex` adds what a query needs around either backend: the signatures, each
article's outlet and publication time, the outlet filter and the similarity check.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from datasketch import MinHashLSH
from datasketch.minhash import _fmix

from mizan.detector import minhash
from mizan.detector.text import folded_text, letter_digit_words, normalize_for_matching

BANDS = 32
"""Bands of the LSH index."""

ROWS = 2
"""Signature values per band (``BANDS * ROWS`` equals the signature length)."""

MATCH_SIMILARITY = 0.3
"""Estimated Jaccard similarity from which an archived article counts as a near-duplicate.

A copy with one word in ten swapped (nouns, numbers) keeps a 5-shingle Jaccard similarity of
about 0.4; with 32 bands of 2 values such a pair becomes a candidate with probability
1 - (1 - 0.4**2)**32 > 0.99, and at 0.3 with probability 0.95.
"""

MAX_PASSAGE_WORDS = 60
"""A shared passage is cut to this many words."""

_WORD = re.compile(r"[^\W_]+")
_NO_PUBLICATION = np.iinfo(np.int64).min
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_BAND_BITS = 6
_KEY_MASK = np.uint64((1 << (64 - _BAND_BITS)) - 1)
_BAND_TAGS = np.arange(BANDS, dtype=np.uint64) << np.uint64(64 - _BAND_BITS)

if BANDS * ROWS > minhash.NUM_PERM or BANDS > 64:  # pragma: no cover - configuration check
    raise ValueError("the LSH bands use more values than a signature has")


# --- fingerprints -------------------------------------------------------------------------


def matching_text(text: str) -> str:
    """Return ``normalize_for_matching(text)``, computed through the code-point table path.

    NFKC first (a no-op for most text), then the code-point table of
    :func:`~mizan.detector.text.normalize_with_offsets`, which unifies letter forms, drops
    diacritics and lower-cases in one pass.
    """
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return folded_text(text)


def matching_words(text: str) -> list[str]:
    """Return the words of ``text`` as :func:`mizan.detector.minhash.normalized_words` does."""
    # Normalised text has no diacritics left, so letters and digits are the whole word class.
    return letter_digit_words(matching_text(text))


def shingle_set(tokens: Sequence[str], k: int = minhash.SHINGLE_WORDS) -> set[str]:
    """Return the ``k``-word shingles of ``tokens`` (as :func:`mizan.detector.minhash.shingles`)."""
    if not tokens:
        return set()
    if len(tokens) < k:
        return {" ".join(tokens)}
    columns = [tokens[offset : len(tokens) - k + 1 + offset] for offset in range(k)]
    return set(map(" ".join, zip(*columns, strict=True)))


def empty_signature() -> np.ndarray:
    """Return the signature of a text with no words (every value at its maximum)."""
    return np.full(minhash.NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)


def signature_values(shingles: Iterable[str]) -> np.ndarray:
    """Return the MinHash values of ``shingles``: ``minhash.signature_of_shingles(...).hashvalues``.

    Each shingle is hashed with the first four bytes of its SHA1 (datasketch's
    ``sha1_hash32``), mixed once with the MurmurHash3 finalizer and permuted with the shared
    ``a * h + b`` parameters, all as arrays.
    """
    sha1 = hashlib.sha1
    digest = b"".join([sha1(item.encode()).digest()[:4] for item in shingles])
    if not digest:
        return empty_signature()
    hashed = _fmix(np.frombuffer(digest, dtype="<u4").astype(np.uint32), 32)
    multipliers, offsets = minhash._permutations()
    with np.errstate(over="ignore"):
        permuted = hashed[:, np.newaxis] * multipliers + offsets
    values: np.ndarray = permuted.min(axis=0).astype(np.uint32)
    return values


@dataclass(frozen=True)
class Fingerprint:
    """What the archive keeps of a text: its normalised words, shingles and signature."""

    words: list[str]
    shingles: set[str]
    signature: np.ndarray

    @property
    def is_empty(self) -> bool:
        """Whether the text had no words."""
        return not self.shingles


def fingerprint(text: str, k: int = minhash.SHINGLE_WORDS) -> Fingerprint:
    """Return the words, ``k``-word shingles and MinHash signature of ``text``."""
    return fingerprint_of_normalized(matching_text(text), k)


def fingerprint_of_normalized(normalized: str, k: int = minhash.SHINGLE_WORDS) -> Fingerprint:
    """Return the fingerprint of text already passed through :func:`matching_text`."""
    tokens = letter_digit_words(normalized)
    shingles = shingle_set(tokens, k)
    return Fingerprint(tokens, shingles, signature_values(shingles))


def signature_bytes(signature: np.ndarray) -> bytes:
    """Serialise a signature for the database (little-endian ``uint32`` values)."""
    return np.asarray(signature, dtype="<u4").tobytes()


def signature_from_bytes(data: bytes) -> np.ndarray:
    """Read back a signature written by :func:`signature_bytes`."""
    values = np.frombuffer(data, dtype="<u4")
    if values.shape != (minhash.NUM_PERM,):
        raise ValueError(f"a stored signature has {minhash.NUM_PERM} values, got {values.size}")
    return values.astype(np.uint32)


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """Return the ``(n, BANDS)`` band keys of ``(n, NUM_PERM)`` signatures.

    A band's values are folded into one 64-bit hash whose top bits hold the band number, so
    the keys of every band can share one sorted array. Two different bands collide with
    probability 2**-58; a collision only adds a candidate that the similarity check drops.
    """
    rows = np.asarray(signatures, dtype=np.uint32)[:, : BANDS * ROWS].astype(np.uint64)
    bands = rows.reshape(rows.shape[0], BANDS, ROWS)
    with np.errstate(over="ignore"):
        keys = bands[:, :, 0] * _MULTIPLIER
        for position in range(1, ROWS):
            keys = (keys ^ bands[:, :, position]) * _MULTIPLIER
        keys ^= keys >> np.uint64(29)
    return (keys & _KEY_MASK) | _BAND_TAGS


def shared_passage(query_shingles: set[str], text: str, k: int = minhash.SHINGLE_WORDS) -> str:
    """Return the longest run of ``text`` made of shingles that the query also has.

    The passage is normalised words joined by single spaces (letter forms unified,
    punctuation dropped), at most :data:`MAX_PASSAGE_WORDS` words; ``""`` when nothing is
    shared. The templating signal finds it in the scored text word by word.
    """
    tokens = letter_digit_words(matching_text(text))
    if not tokens or not query_shingles:
        return ""
    if len(tokens) < k:
        whole = " ".join(tokens)
        return whole if whole in query_shingles else ""
    columns = [tokens[offset : len(tokens) - k + 1 + offset] for offset in range(k)]
    shared = list(map(query_shingles.__contains__, map(" ".join, zip(*columns, strict=True))))
    # The first of the longest runs of shared shingles.
    best_start, best_length, position = 0, 0, 0
    while True:
        try:
            run_start = shared.index(True, position)
        except ValueError:
            break
        try:
            position = shared.index(False, run_start)
        except ValueError:
            position = len(shared)
        if position - run_start > best_length:
            best_start, best_length = run_start, position - run_start
    if best_length == 0:
        return ""
    end = min(best_start + best_length - 1 + k, best_start + MAX_PASSAGE_WORDS)
    return " ".join(tokens[best_start:end])


# --- LSH backends -------------------------------------------------------------------------


class LshBackend(Protocol):
    """Banded LSH over integer row numbers."""

    def insert_many(self, rows: np.ndarray, signatures: np.ndarray) -> None:
        """Add articles ``rows`` (row numbers) with their ``(n, NUM_PERM)`` signatures."""
        ...

    def candidates(self, signature: np.ndarray) -> np.ndarray:
        """Return the row numbers that share at least one band with ``signature``."""
        ...

    def clear(self) -> None:
        """Forget every row."""
        ...


@dataclass
class BandedIndex:
    """In-memory banded LSH: every band key in one sorted array, plus a small unsorted tail.

    A query is one vectorised binary search for its :data:`BANDS` keys. New rows go to a
    dictionary; when it holds more than a quarter of the index (and at least ``merge_at``
    rows) everything is re-sorted into the array.
    """

    merge_at: int = 4096
    _keys: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint64))
    _rows: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))
    _tail: dict[int, list[int]] = field(default_factory=dict)
    _tail_keys: list[np.ndarray] = field(default_factory=list)
    _tail_rows: list[np.ndarray] = field(default_factory=list)
    _tail_size: int = 0

    def __len__(self) -> int:
        return int(self._keys.size) // BANDS + self._tail_size

    def insert_many(self, rows: np.ndarray, signatures: np.ndarray) -> None:
        """Add ``rows`` with their signatures."""
        if len(rows) == 0:
            return
        keys = band_keys(signatures)
        row_numbers = np.asarray(rows, dtype=np.int32)
        self._tail_keys.append(keys.ravel())
        self._tail_rows.append(np.repeat(row_numbers, BANDS))
        self._tail_size += len(row_numbers)
        if self._tail_size >= max(self.merge_at, self._keys.size // BANDS // 4):
            self._merge()
            return
        for key, row in zip(
            self._tail_keys[-1].tolist(), self._tail_rows[-1].tolist(), strict=True
        ):
            self._tail.setdefault(key, []).append(row)

    def _merge(self) -> None:
        keys = np.concatenate([self._keys, *self._tail_keys])
        rows = np.concatenate([self._rows, *self._tail_rows])
        order = np.argsort(keys)
        self._keys, self._rows = keys[order], rows[order]
        self._tail = {}
        self._tail_keys, self._tail_rows, self._tail_size = [], [], 0

    def candidates(self, signature: np.ndarray) -> np.ndarray:
        """Return the rows sharing a band with ``signature`` (sorted, unique)."""
        keys = band_keys(np.asarray(signature).reshape(1, -1))[0]
        found: list[np.ndarray] = []
        if self._keys.size:
            starts = np.searchsorted(self._keys, keys, side="left")
            ends = np.searchsorted(self._keys, keys, side="right")
            for start, end in zip(
                starts[ends > starts].tolist(), ends[ends > starts].tolist(), strict=True
            ):
                found.append(self._rows[start:end])
        if self._tail:
            for key in keys.tolist():
                bucket = self._tail.get(key)
                if bucket:
                    found.append(np.asarray(bucket, dtype=np.int32))
        if not found:
            return np.empty(0, dtype=np.int64)
        return np.unique(np.concatenate(found)).astype(np.int64)

    def clear(self) -> None:
        """Forget every row."""
        self._keys = np.empty(0, np.uint64)
        self._rows = np.empty(0, np.int32)
        self._tail = {}
        self._tail_keys, self._tail_rows, self._tail_size = [], [], 0


class DatasketchIndex:
    """``datasketch.MinHashLSH`` with the same bands; its storage can be Redis.

    Args:
        storage_config: datasketch storage, e.g. ``{"type": "redis", "redis": {"host":
            "localhost", "port": 6379}}``; default: in memory.
        prefix: key prefix, so several archives can share one Redis.
    """

    def __init__(self, storage_config: dict[str, Any] | None = None, prefix: str = "mizan") -> None:
        self._storage_config = storage_config
        self._prefix = prefix
        self._lsh = self._new()

    def _new(self) -> MinHashLSH:
        config = dict(self._storage_config or {"type": "dict"})
        if config.get("type") != "dict":
            # Shared storage: a fixed prefix, so every process finds the same keys.
            config.setdefault("basename", self._prefix.encode("utf-8"))
        return MinHashLSH(
            num_perm=minhash.NUM_PERM,
            params=(BANDS, ROWS),
            storage_config=config,
            prepickle=False,
        )

    def insert_many(self, rows: np.ndarray, signatures: np.ndarray) -> None:
        """Add ``rows`` with their signatures."""
        with self._lsh.insertion_session() as session:
            for row, values in zip(np.asarray(rows).tolist(), signatures, strict=True):
                session.insert(str(row).encode("ascii"), minhash.signature_from_hashvalues(values))

    def candidates(self, signature: np.ndarray) -> np.ndarray:
        """Return the rows sharing a band with ``signature``."""
        found = self._lsh.query(minhash.signature_from_hashvalues(signature))
        return np.asarray(sorted(int(key) for key in found), dtype=np.int64)

    def clear(self) -> None:
        """Forget every row in memory; keys already in a shared storage stay there."""
        self._lsh = self._new()


# --- the archive index --------------------------------------------------------------------


@dataclass(frozen=True)
class IndexedMatch:
    """One archived article whose signature is close to the query's."""

    article_id: str
    similarity: float
    published: int | None
    outlet_key: str | None


class ArchiveIndex:
    """Signatures of every archived article with its outlet, publication time and LSH.

    Thread-safe: queries and additions may come from several threads.
    """

    def __init__(self, backend: LshBackend | None = None, initial_capacity: int = 1024) -> None:
        self._backend: LshBackend = backend or BandedIndex()
        self._lock = threading.RLock()
        self._ids: list[str] = []
        self._row_of: dict[str, int] = {}
        self._outlet_codes: dict[str | None, int] = {}
        self._outlet_names: list[str | None] = []
        capacity = max(16, initial_capacity)
        self._signatures = np.empty((capacity, minhash.NUM_PERM), dtype=np.uint32)
        self._outlets = np.empty(capacity, dtype=np.int32)
        self._published = np.empty(capacity, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._row_of

    def _outlet_code(self, outlet_key: str | None) -> int:
        code = self._outlet_codes.get(outlet_key)
        if code is None:
            code = len(self._outlet_names)
            self._outlet_codes[outlet_key] = code
            self._outlet_names.append(outlet_key)
        return code

    def _grow(self, needed: int) -> None:
        capacity = self._signatures.shape[0]
        if needed <= capacity:
            return
        new_capacity = max(needed, capacity * 2)
        signatures = np.empty((new_capacity, minhash.NUM_PERM), dtype=np.uint32)
        signatures[: len(self._ids)] = self._signatures[: len(self._ids)]
        outlets = np.empty(new_capacity, dtype=np.int32)
        outlets[: len(self._ids)] = self._outlets[: len(self._ids)]
        published = np.empty(new_capacity, dtype=np.int64)
        published[: len(self._ids)] = self._published[: len(self._ids)]
        self._signatures, self._outlets, self._published = signatures, outlets, published

    def add_many(
        self,
        article_ids: Sequence[str],
        outlet_keys: Sequence[str | None],
        published: Sequence[int | None],
        signatures: np.ndarray,
    ) -> int:
        """Add articles not indexed yet; return how many were added.

        Args:
            article_ids: The articles' ids.
            outlet_keys: Each article's outlet key (``None`` when unknown).
            published: Each article's publication time in epoch seconds, or ``None``.
            signatures: ``(n, NUM_PERM)`` MinHash values.
        """
        with self._lock:
            fresh: list[int] = []
            taken: set[str] = set()
            for position, article_id in enumerate(article_ids):
                if article_id not in self._row_of and article_id not in taken:
                    taken.add(article_id)
                    fresh.append(position)
            if not fresh:
                return 0
            start = len(self._ids)
            self._grow(start + len(fresh))
            for offset, position in enumerate(fresh):
                row = start + offset
                article_id = article_ids[position]
                self._ids.append(article_id)
                self._row_of[article_id] = row
                self._outlets[row] = self._outlet_code(outlet_keys[position])
                moment = published[position]
                self._published[row] = _NO_PUBLICATION if moment is None else moment
            chosen = np.asarray(signatures, dtype=np.uint32)[fresh]
            self._signatures[start : start + len(fresh)] = chosen
            # Texts without words have no shingles to share: keep them out of the buckets.
            rows = np.arange(start, start + len(fresh), dtype=np.int64)
            searchable = ~(chosen == np.iinfo(np.uint32).max).all(axis=1)
            self._backend.insert_many(rows[searchable], chosen[searchable])
            return len(fresh)

    def query(
        self,
        signature: np.ndarray,
        outlet_key: str | None = None,
        exclude_id: str | None = None,
        min_similarity: float = MATCH_SIMILARITY,
        limit: int = 50,
    ) -> list[IndexedMatch]:
        """Return archived articles whose estimated Jaccard similarity is ``>= min_similarity``.

        Args:
            signature: The query's MinHash values.
            outlet_key: Only articles of this outlet; ``None``: every outlet.
            exclude_id: An article id left out (the query article itself).
            min_similarity: Smallest estimated similarity returned.
            limit: Most matches returned, the most similar first.
        """
        query = np.asarray(signature, dtype=np.uint32)
        if (query == np.iinfo(np.uint32).max).all():
            return []
        with self._lock:
            rows = self._backend.candidates(query)
            if rows.size == 0:
                return []
            if outlet_key is not None:
                code = self._outlet_codes.get(outlet_key)
                if code is None:
                    return []
                rows = rows[self._outlets[rows] == code]
            if rows.size == 0:
                return []
            similarity = (self._signatures[rows] == query).mean(axis=1)
            keep = similarity >= min_similarity
            rows, similarity = rows[keep], similarity[keep]
            order = np.argsort(-similarity, kind="stable")
            matches: list[IndexedMatch] = []
            for position in order.tolist():
                row = int(rows[position])
                article_id = self._ids[row]
                if article_id == exclude_id:
                    continue
                moment = int(self._published[row])
                matches.append(
                    IndexedMatch(
                        article_id,
                        float(similarity[position]),
                        None if moment == _NO_PUBLICATION else moment,
                        self._outlet_names[int(self._outlets[row])],
                    )
                )
                if len(matches) >= limit:
                    break
            return matches

    def clear(self) -> None:
        """Forget every article."""
        with self._lock:
            self._backend.clear()
            self._ids.clear()
            self._row_of.clear()
            self._outlet_codes.clear()
            self._outlet_names.clear()


def normalized_outlet(outlet: str | None) -> str | None:
    """Return the outlet key: normalised words, without ``www.`` (``None`` when blank)."""
    if outlet is None:
        return None
    text = normalize_for_matching(outlet).strip()
    if text.startswith("www."):
        text = text[4:]
    key = " ".join(_WORD.findall(text))
    return key or None
