"""Deterministic, leak-free train / val / test splits over loaded corpora.

Rows that must not be separated are joined into components (union-find); whole components
are then assigned to splits. Rows are joined when they:

1. share an ``id``;
2. share a ``group`` (an original article and its machine rewrites);
3. have the same normalised opening (first :data:`SIGNATURE_CHARS` characters): exact
   duplicates, across corpora too;
4. are near duplicates: MinHash LSH over word 5-gram shingles of the normalised first
   :data:`SIGNATURE_CHARS` characters (:mod:`mizan.detector.minhash`), candidate pairs kept when
   the Jaccard similarity of their shingle sets is at least :data:`NEAR_DUPLICATE_THRESHOLD`;
5. come from the same outlet of one corpus, where the outlet rule applies (below).

Outlet rule: a corpus is split outlet-disjoint when it has no splits of its own, at least
:data:`MIN_OUTLETS` distinct known outlets (compared case-folded), and joining its outlets
on top of rules 1-4 leaves no component holding more than the train share
(``1 - val_fraction - test_fraction``) of the corpus's rows. Otherwise (for example when
wire copies join nearly every outlet of the corpus into one component) the corpus is split
without the outlet rule, and a log line says so. Rows with no outlet are unconstrained.

A corpus's own splits are kept. The other rows of a component that holds such rows follow
them (the split most of those rows have). Remaining components are placed one by one, in an
order fixed by ``seed`` and each component's smallest row id (so the result does not depend
on row order), each into the split where it most reduces the squared distance between the
split's row counts and its targets, per (``source_corpus``, ``label``) cell. Every corpus
thus keeps its label balance in every split, and a component too large for val or test
goes to train.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from datasketch import MinHashLSH

from mizan.detector.minhash import (
    NUM_PERM,
    shingles,
    signature_from_hashvalues,
    signature_of_shingles,
)
from mizan.detector.text import normalize_for_matching

logger = logging.getLogger(__name__)

SPLITS: tuple[str, ...] = ("train", "val", "test")
NEAR_DUPLICATE_THRESHOLD = 0.8
"""Jaccard similarity of shingle sets from which two texts are near duplicates."""
SHINGLE_WORDS = 5
SIGNATURE_CHARS = 2000
"""Only the first characters of a text go into its signature (speed; openings identify copies)."""
DEFAULT_TRAIN_SHARE = 0.7
"""Train share of the default fractions (``1 - 0.15 - 0.15``)."""
LSH_BANDS = 16
LSH_ROWS = 4
"""LSH banding (``LSH_BANDS * LSH_ROWS == NUM_PERM``), chosen for recall: a pair with
Jaccard similarity 0.8 becomes a candidate with probability 1 - (1 - 0.8**4)**16 > 0.999."""
MIN_OUTLETS = 5
"""Fewest distinct outlets a corpus needs before it is split outlet-disjoint."""
SPLIT_GROUP_COLUMN = "split_group"
"""Column that :func:`assign_splits` adds: the component each row belongs to."""
OUTLET_DISJOINT_ATTR = "outlet_disjoint_corpora"
"""``DataFrame.attrs`` key where :func:`assign_splits` lists the corpora split by outlet."""


class UnionFind:
    """Disjoint sets over the integers ``0 .. size - 1``."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        """Return the representative of ``item``'s set."""
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, first: int, second: int) -> None:
        """Join the sets of ``first`` and ``second`` (the smaller root becomes the root)."""
        first_root, second_root = self.find(first), self.find(second)
        if first_root != second_root:
            low, high = sorted((first_root, second_root))
            self.parent[high] = low

    def union_all(self, items: Sequence[int]) -> None:
        """Join the sets of all ``items``."""
        for item in items[1:]:
            self.union(items[0], item)

    def copy(self) -> UnionFind:
        """Return an independent copy."""
        duplicate = UnionFind(0)
        duplicate.parent = list(self.parent)
        return duplicate

    def labels(self) -> np.ndarray:
        """Return the representative of every item."""
        return np.fromiter((self.find(item) for item in range(len(self.parent))), dtype=np.int64)


# Signatures by text key, so that check_disjoint after assign_splits (or a second run on the
# same corpora) does not hash every text again; cleared when it reaches its size limit.
_SIGNATURE_CACHE: dict[str, np.ndarray | None] = {}
_SIGNATURE_CACHE_SIZE = 250_000


def _fingerprint(text: str) -> tuple[str, np.ndarray | None]:
    """Return the key of ``text``'s normalised opening and its MinHash values (None: no words)."""
    opening = text[:SIGNATURE_CHARS]
    normalized = " ".join(normalize_for_matching(opening).split())
    key = hashlib.sha1(normalized.encode("utf-8")).hexdigest()
    if key not in _SIGNATURE_CACHE:
        if len(_SIGNATURE_CACHE) >= _SIGNATURE_CACHE_SIZE:
            _SIGNATURE_CACHE.clear()
        minhash = signature_of_shingles(shingles(opening, SHINGLE_WORDS))
        _SIGNATURE_CACHE[key] = None if minhash.is_empty() else minhash.hashvalues.copy()
    return key, _SIGNATURE_CACHE[key]


def exact_text_keys(texts: Iterable[str]) -> list[str]:
    """Return a key per text, equal for texts whose normalised openings are equal.

    The opening is the first :data:`SIGNATURE_CHARS` characters, normalised for matching
    with whitespace collapsed; texts that share it are duplicates for splitting purposes.
    """
    return [_fingerprint(text)[0] for text in texts]


def near_duplicate_pairs(
    texts: Sequence[str], threshold: float = NEAR_DUPLICATE_THRESHOLD
) -> list[tuple[int, int]]:
    """Return index pairs ``(i, j)``, ``i < j``, of near-duplicate texts.

    Texts with the same normalised opening are near duplicates (see :func:`exact_text_keys`).
    Other pairs are found with MinHash LSH tuned for recall (:data:`LSH_BANDS` bands of
    :data:`LSH_ROWS` rows, so pairs at the threshold are found with probability > 0.999)
    and kept when the Jaccard similarity of their shingle sets, computed exactly, is at
    least ``threshold``. Texts without words pair only by their key.
    """
    return _near_duplicate_pairs(texts, [_fingerprint(text) for text in texts], threshold)


def _near_duplicate_pairs(
    texts: Sequence[str],
    fingerprints: Sequence[tuple[str, np.ndarray | None]],
    threshold: float,
) -> list[tuple[int, int]]:
    representative: dict[str, int] = {}
    pairs: list[tuple[int, int]] = []
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(LSH_BANDS, LSH_ROWS))
    hashvalues: dict[int, np.ndarray] = {}
    for position, (key, values) in enumerate(fingerprints):
        if key in representative:
            pairs.append((representative[key], position))
            continue
        representative[key] = position
        if values is not None:
            hashvalues[position] = values
            lsh.insert(position, signature_from_hashvalues(values), check_duplication=False)

    shingle_sets: dict[int, set[str]] = {}

    def shingle_set(position: int) -> set[str]:
        if position not in shingle_sets:
            shingle_sets[position] = shingles(texts[position][:SIGNATURE_CHARS], SHINGLE_WORDS)
        return shingle_sets[position]

    # Estimated similarity far below the threshold rules a candidate out cheaply; the
    # estimate's standard error with 64 permutations is about 0.05.
    estimate_floor = threshold - 0.2
    for position, own in hashvalues.items():
        for candidate in lsh.query(signature_from_hashvalues(own)):
            other = int(candidate)
            if other <= position or float(np.mean(own == hashvalues[other])) < estimate_floor:
                continue
            first, second = shingle_set(position), shingle_set(other)
            if len(first & second) >= threshold * len(first | second):
                pairs.append((position, other))
    return sorted(pairs)


@dataclass
class _Plan:
    """Components of a frame and the corpora split outlet-disjoint."""

    components: np.ndarray
    outlet_disjoint: list[str]
    near_pairs: list[tuple[int, int]]
    exact_keys: list[str]


def _outlet_keys(frame: pd.DataFrame) -> list[str | None]:
    """Return each row's outlet, stripped and case-folded, or ``None`` when unknown."""
    return [
        value.strip().casefold() if isinstance(value, str) and value.strip() else None
        for value in frame["outlet"].tolist()
    ]


def _union_by_key(forest: UnionFind, keys: Iterable[Hashable | None]) -> None:
    positions: dict[Hashable, list[int]] = defaultdict(list)
    for position, key in enumerate(keys):
        if key is not None and not (isinstance(key, float) and np.isnan(key)):
            positions[key].append(position)
    for members in positions.values():
        forest.union_all(members)


def _plan(frame: pd.DataFrame, train_share: float) -> _Plan:
    """Join rows by rules 1-5 of the module docstring."""
    texts = frame["text"].astype(str).tolist()
    forest = UnionFind(len(frame))
    _union_by_key(forest, frame["id"].tolist())
    if "group" in frame.columns:
        _union_by_key(forest, frame["group"].tolist())
    fingerprints = [_fingerprint(text) for text in texts]
    exact_keys = [key for key, _values in fingerprints]
    _union_by_key(forest, exact_keys)
    near_pairs = _near_duplicate_pairs(texts, fingerprints, NEAR_DUPLICATE_THRESHOLD)
    for first, second in near_pairs:
        forest.union(first, second)

    outlet_keys = _outlet_keys(frame)
    corpora = frame["source_corpus"].astype(str).tolist()
    has_own_split = frame["split"].notna().tolist()
    outlet_disjoint: list[str] = []
    for corpus in sorted(set(corpora)):
        in_corpus = [row_corpus == corpus for row_corpus in corpora]
        if any(own and inside for own, inside in zip(has_own_split, in_corpus, strict=True)):
            continue
        corpus_outlet_keys = [
            key if inside else None for key, inside in zip(outlet_keys, in_corpus, strict=True)
        ]
        outlet_count = len({key for key in corpus_outlet_keys if key is not None})
        if outlet_count < MIN_OUTLETS:
            continue
        trial = forest.copy()
        _union_by_key(trial, corpus_outlet_keys)
        corpus_components = trial.labels()[np.asarray(in_corpus)]
        largest_share = np.unique(corpus_components, return_counts=True)[1].max() / len(
            corpus_components
        )
        if largest_share > train_share:
            logger.info(
                "%s: not split by outlet: joining its %d outlets puts %.0f%% of its rows in "
                "one component, more than the train share",
                corpus,
                outlet_count,
                100 * largest_share,
            )
            continue
        forest = trial
        outlet_disjoint.append(corpus)
    return _Plan(forest.labels(), outlet_disjoint, near_pairs, exact_keys)


def _squared_error_increase(
    cell_counts: Counter[tuple[str, int]],
    filled: dict[tuple[str, int], int],
    targets: dict[tuple[str, int], float],
    cell_sizes: dict[tuple[str, int], int],
) -> float:
    """Return how much adding a component to a split raises its squared distance to target.

    Each cell's error is scaled by the cell size, so small corpora count as much as large ones.
    """
    increase = 0.0
    for cell, count in cell_counts.items():
        gap = filled[cell] - targets[cell]
        increase += count * (2 * gap + count) / cell_sizes[cell]
    return increase


def _order_key(seed: int, row_id: str) -> str:
    return hashlib.sha1(f"{seed}:{row_id}".encode()).hexdigest()


def assign_splits(
    df: pd.DataFrame,
    seed: int = 13,
    val_fraction: float = 0.15,
    test_fraction: float = 0.15,
) -> pd.DataFrame:
    """Return a copy of ``df`` with every row's ``split`` set, leak-free (see module docstring).

    Existing ``split`` values (a corpus's own splits) are kept. The copy has an extra
    ``split_group`` column: the component (rows that must share a split) of each row, for
    grouped cross-validation inside a split.

    Args:
        df: Rows with at least ``id, text, outlet, label, source_corpus, split``
            (and optionally ``group``), as :mod:`mizan.training.datasets` loads them.
        seed: Fixes the order in which equally large components are placed.
        val_fraction: Share of each (corpus, label) cell to put in ``val``.
        test_fraction: Share of each (corpus, label) cell to put in ``test``.
    """
    if not (0 <= val_fraction < 1 and 0 <= test_fraction < 1 and val_fraction + test_fraction < 1):
        raise ValueError(
            f"val_fraction and test_fraction must be in [0, 1) with a sum below 1, got "
            f"{val_fraction} and {test_fraction}"
        )
    fractions = {
        "train": 1 - val_fraction - test_fraction,
        "val": val_fraction,
        "test": test_fraction,
    }
    result = df.copy().reset_index(drop=True)
    result["split"] = result["split"].astype(object).where(result["split"].notna(), None)
    unknown = set(result["split"].dropna()) - set(SPLITS)
    if unknown:
        raise ValueError(f"unknown split values {sorted(unknown)}; expected {SPLITS}")
    plan = _plan(result, fractions["train"])
    components = plan.components

    cells = list(zip(result["source_corpus"].astype(str), result["label"].astype(int), strict=True))
    own_splits = result["split"].tolist()
    members: dict[int, list[int]] = defaultdict(list)
    for position, component in enumerate(components):
        members[int(component)].append(position)

    free_cell_sizes: dict[tuple[str, int], int] = defaultdict(int)
    for position, cell in enumerate(cells):
        if own_splits[position] is None:
            free_cell_sizes[cell] += 1
    targets = {
        split: {cell: size * share for cell, size in free_cell_sizes.items()}
        for split, share in fractions.items()
    }
    filled: dict[str, dict[tuple[str, int], int]] = {split: defaultdict(int) for split in SPLITS}
    ids = result["id"].astype(str).tolist()
    assigned: list[str | None] = list(own_splits)

    pending: list[tuple[str, int]] = []
    for component, positions in members.items():
        fixed = [own_splits[position] for position in positions if own_splits[position]]
        free = [position for position in positions if own_splits[position] is None]
        if not free:
            continue
        if fixed:
            votes = Counter(fixed)
            chosen = max(SPLITS, key=lambda split: (votes[split], -SPLITS.index(split)))
            for position in free:
                assigned[position] = chosen
                filled[chosen][cells[position]] += 1
            continue
        smallest_id = min(ids[position] for position in positions)
        pending.append((_order_key(seed, smallest_id), component))

    for _key, component in sorted(pending):
        cell_counts = Counter(cells[position] for position in members[component])
        best_split = min(
            SPLITS,
            key=lambda split: (
                _squared_error_increase(
                    cell_counts, filled[split], targets[split], free_cell_sizes
                ),
                SPLITS.index(split),
            ),
        )
        for cell, count in cell_counts.items():
            filled[best_split][cell] += count
        for position in members[component]:
            assigned[position] = best_split

    result["split"] = assigned
    result[SPLIT_GROUP_COLUMN] = components
    result.attrs[OUTLET_DISJOINT_ATTR] = list(plan.outlet_disjoint)
    logger.info(
        "assigned splits to %d rows in %d components (outlet-disjoint corpora: %s): %s",
        len(result),
        len(members),
        ", ".join(plan.outlet_disjoint) or "none",
        result["split"].value_counts().to_dict(),
    )
    return result


def _crossing(frame: pd.DataFrame, key: pd.Series, what: str, limit: int = 20) -> list[str]:
    """Describe keys whose rows lie in more than one split."""
    table = pd.DataFrame({"key": key, "split": frame["split"]}).dropna(subset=["key"])
    split_sets = table.groupby("key", sort=True)["split"].agg(lambda values: sorted(set(values)))
    crossing = split_sets[split_sets.map(len) > 1]
    messages = [
        f"{what} {key_value!r} is in splits {splits}"
        for key_value, splits in crossing.head(limit).items()
    ]
    if len(crossing) > limit:
        messages.append(f"... and {len(crossing) - limit} more {what} values in several splits")
    return messages


def check_disjoint(
    df: pd.DataFrame, outlet_disjoint_corpora: Iterable[str] | None = None
) -> list[str]:
    """Return every way in which ``df``'s splits leak (empty when they are disjoint).

    Checks that every row has a split, that ids are unique, and that no id, group,
    normalised text, near-duplicate pair (as :func:`near_duplicate_pairs` defines it) or
    outlet of an outlet-disjoint corpus lies in more than one split.

    Args:
        df: Rows with ``id, text, outlet, source_corpus, split`` (and optionally ``group``).
        outlet_disjoint_corpora: Corpora whose outlets must not cross splits; default the
            list :func:`assign_splits` stored in ``df.attrs``, or else the corpora the outlet
            rule selects for the default fractions.
    """
    frame = df.reset_index(drop=True)
    splits = frame["split"].astype(object)
    violations: list[str] = []
    missing = splits.isna() | ~splits.isin(SPLITS)
    if missing.any():
        violations.append(f"{int(missing.sum())} rows have no split in {SPLITS}")
    frame = frame.assign(split=splits.where(~missing, None))
    repeated_ids = frame["id"].value_counts()
    repeated_ids = repeated_ids[repeated_ids > 1]
    violations += [
        f"id {row_id!r} appears {count} times" for row_id, count in repeated_ids.head(20).items()
    ]
    violations += _crossing(frame, frame["id"], "id")
    if "group" in frame.columns:
        violations += _crossing(frame, frame["group"], "group")

    plan = _plan(frame.assign(split=None), DEFAULT_TRAIN_SHARE)
    if outlet_disjoint_corpora is None:
        outlet_disjoint_corpora = df.attrs.get(OUTLET_DISJOINT_ATTR, plan.outlet_disjoint)
    ids = frame["id"].astype(str).tolist()
    split_of = frame["split"].tolist()
    violations += _crossing(frame, pd.Series(plan.exact_keys), "normalised opening (sha1)")
    violations += [
        f"near duplicates {ids[first]!r} ({split_of[first]}) and {ids[second]!r} "
        f"({split_of[second]})"
        for first, second in plan.near_pairs
        if split_of[first] != split_of[second]
    ]
    outlet_keys = _outlet_keys(frame)
    corpora = frame["source_corpus"].astype(str)
    for corpus in sorted(outlet_disjoint_corpora):
        keyed = [
            f"{corpus}/{key}" if key is not None and row_corpus == corpus else None
            for key, row_corpus in zip(outlet_keys, corpora, strict=True)
        ]
        violations += _crossing(frame, pd.Series(keyed, dtype=object), "outlet")
    return violations
