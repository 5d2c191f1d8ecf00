"""Word-shingle MinHash signatures on normalised text (datasketch).

One fixed configuration (:data:`NUM_PERM`, :data:`SEED`, the ``affine32`` scheme and
datasketch's SHA1 32-bit hash) is used everywhere: the outlet archive, the templating signal
and training-split deduplication, so signatures made anywhere can be compared and stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from mizan.detector.text import normalize_for_matching, words

NUM_PERM = 64
"""Number of permutation functions of every signature."""

SEED = 20_251
"""Seed of the permutation functions; changing it invalidates stored signatures."""

SCHEME = "affine32"
"""datasketch permutation scheme of every signature."""

SHINGLE_WORDS = 5
"""Default shingle size in words."""


@lru_cache(maxsize=1)
def _permutations() -> np.ndarray:
    """Return the shared permutation parameters (generated once, not per signature)."""
    template = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    permutations: np.ndarray = template.permutations
    permutations.setflags(write=False)
    return permutations


def _empty_signature() -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_permutations(), scheme=SCHEME)


def normalized_words(text: str) -> list[str]:
    """Return the word tokens of ``text`` after matching normalisation."""
    return words(normalize_for_matching(text))


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    """Return the set of ``k``-word shingles of normalised ``text``.

    Text with fewer than ``k`` words (but at least one) gives one shingle of all its words,
    so short texts still have a signature; empty text gives an empty set.
    """
    if k < 1:
        raise ValueError(f"shingle size must be at least 1, got {k}")
    tokens = normalized_words(text)
    if not tokens:
        return set()
    if len(tokens) < k:
        return {" ".join(tokens)}
    return {" ".join(tokens[position : position + k]) for position in range(len(tokens) - k + 1)}


def signature_of_shingles(shingle_set: Iterable[str]) -> MinHash:
    """Return the MinHash signature of already computed shingles."""
    minhash = _empty_signature()
    encoded = [shingle.encode("utf-8") for shingle in shingle_set]
    if encoded:
        minhash.update_batch(encoded)
    return minhash


def signature(text: str, k: int = SHINGLE_WORDS) -> MinHash:
    """Return the MinHash signature of the ``k``-word shingles of normalised ``text``."""
    return signature_of_shingles(shingles(text, k))


def signature_from_hashvalues(hashvalues: Sequence[int] | np.ndarray) -> MinHash:
    """Rebuild a signature from stored ``hashvalues`` (e.g. read back from a database)."""
    if len(hashvalues) != NUM_PERM:
        raise ValueError(f"a signature has {NUM_PERM} hash values, got {len(hashvalues)}")
    return MinHash(
        num_perm=NUM_PERM,
        seed=SEED,
        hashvalues=np.asarray(hashvalues, dtype=np.uint32),
        permutations=_permutations(),
        scheme=SCHEME,
    )


def jaccard_estimate(first: MinHash, second: MinHash) -> float:
    """Return the estimated Jaccard similarity of two signatures (0.0 when either is empty)."""
    if first.is_empty() or second.is_empty():
        return 0.0
    return float(first.jaccard(second))
