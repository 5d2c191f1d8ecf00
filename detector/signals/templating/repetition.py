"""Repetition: duplicated word n-grams (the Gopher filters), repeated lines and sentences.

A passage restated from earlier in the page counts here too.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate

import numpy as np

from mizan.detector.article import Block
from mizan.detector.signals.base import Evidence
from mizan.detector.signals.templating.headings import TITLE_REPEAT_MIN_WORDS
from mizan.detector.signals.templating.layout import _LINE_KINDS, _PROSE_KINDS, _evidence, _Layout
from mizan.detector.text import first_occurrence_ids

REPEATED_LINE_MAX_CHARS = 300
"""Lines longer than this are paragraphs, left to the repeated-sentence measure."""

GLUED_LINE_MIN_LETTERS = 16
"""A line of one or two "words" this long has lost its spaces: it counts as a repeated line."""

RESTATED_RUN_WORDS = 8
"""Two paragraphs sharing a run of this many words restate one another (spun padding)."""

REPEATED_SENTENCE_MIN_WORDS = 4
"""Sentences shorter than this are not compared (datelines, "he said.")."""
OPENING_LINE_MIN_WORDS = 2
"""An opening line (the page's headline) this long counts when printed again, however short."""
REPEATED_LINE_REASON = "line printed again as its own line"
RESTATED_REASON = "passage restated in another paragraph"


_NGRAM_HASH_BASE = np.uint64(1_000_003)


class _WordSequence:
    """A word list prepared for the repetition measures: word ids and character offsets.

    A word's id is the position of its first occurrence, so equal n-grams have equal ids.
    """

    def __init__(self, words: Sequence[str], ids: np.ndarray | None = None) -> None:
        """Give each word of ``words`` an id (``ids``: those ids, when the caller has them)."""
        self.words = words
        self.ids = first_occurrence_ids(words) if ids is None else ids
        self.prefix_chars = list(accumulate(map(len, words), initial=0))

    def duplicate_char_fraction(self, size: int) -> float:
        """Return the share of word characters in repeated word ``size``-grams (Gopher filter).

        Follows the Gopher/datatrove definition: scanning left to right, an n-gram already
        seen counts its characters and the scan jumps past it. An n-gram that occurs once is
        never found again, so the scan only stops where a hash of the n-gram repeats (equal
        n-grams hash alike; a collision only adds a stop that finds nothing).
        """
        words, count = self.words, len(self.words) - size + 1
        if count <= 0:
            return 0.0
        hashes = np.zeros(count, dtype=np.uint64)
        ids = self.ids.astype(np.uint64)
        for offset in range(size):
            hashes = hashes * _NGRAM_HASH_BASE + ids[offset : offset + count]
        # The positions whose hash occurs more than once: in sorted order, those equal to a
        # neighbour (what np.unique's counts, read back through its inverse, would say).
        order = np.argsort(hashes)
        ordered = hashes[order]
        equal = ordered[1:] == ordered[:-1]
        repeated_in_order = np.zeros(count, dtype=bool)
        repeated_in_order[1:] |= equal
        repeated_in_order[:-1] |= equal
        repeated = np.empty(count, dtype=bool)
        repeated[order] = repeated_in_order
        stops = np.flatnonzero(repeated).tolist()
        total_chars = self.prefix_chars[-1]
        if not stops or total_chars == 0:
            return 0.0
        seen: set[tuple[str, ...]] = set()
        repeated_chars = 0
        position = 0  # where the left-to-right scan stands; it may jump over stops
        for stop in stops:
            if stop < position:
                continue
            ngram = tuple(words[stop : stop + size])
            if ngram in seen:
                repeated_chars += self.prefix_chars[stop + size] - self.prefix_chars[stop]
                position = stop + size
            else:
                seen.add(ngram)
                position = stop + 1
        return repeated_chars / total_chars

    def top_char_fraction(self, size: int = 2) -> float:
        """Return the share of word characters in the most frequent word ``size``-gram (Gopher).

        Among equally frequent n-grams the one that occurs first counts.
        """
        words, count = self.words, len(self.words) - size + 1
        total_chars = self.prefix_chars[-1]
        if total_chars == 0 or count <= 0:
            return 0.0
        # Number the n-grams exactly, one word at a time: n-gram id * words + next word id,
        # renumbered densely before the next word so the ids stay small.
        keys = self.ids[:count]
        for offset in range(1, size):
            if offset > 1:
                keys = np.unique(keys, return_inverse=True)[1]
            keys = keys * len(words) + self.ids[offset : offset + count]
        _, first_positions, occurrences = np.unique(keys, return_index=True, return_counts=True)
        most = int(occurrences.max())
        if most < 2:
            return 0.0
        first = int(first_positions[occurrences == most].min())
        ngram = words[first : first + size]
        return min(1.0, sum(len(word) for word in ngram) * most / total_chars)


def duplicate_ngram_char_fraction(words: Sequence[str], size: int) -> float:
    """Return the share of word characters in repeated word ``size``-grams (Gopher filter)."""
    return _WordSequence(words).duplicate_char_fraction(size)


def top_ngram_char_fraction(words: Sequence[str], size: int = 2) -> float:
    """Return the share of word characters in the most frequent word ``size``-gram (Gopher)."""
    return _WordSequence(words).top_char_fraction(size)


def _repeated_gram_positions(
    words: Sequence[str], ranges: Sequence[tuple[int, int]], size: int
) -> list[int]:
    """Return, in order, the starts of the ``size``-grams inside ``ranges`` that may repeat.

    An n-gram starts at a position of one of the ``[low, high)`` ranges and ends inside
    it; the starts kept are those whose n-gram hash occurs twice or more (equal n-grams
    hash alike; a collision only adds a start).
    """
    count = len(words) - size + 1
    if count <= 0:
        return []
    valid = np.zeros(count, dtype=bool)
    for low, high in ranges:
        if high - size + 1 > low:
            valid[low : high - size + 1] = True
    positions = np.flatnonzero(valid)
    if len(positions) < 2:
        return []
    first_seen: dict[str, int] = {}
    ids = np.fromiter(
        map(first_seen.setdefault, words, range(len(words))), dtype=np.uint64, count=len(words)
    )
    hashes = np.zeros(count, dtype=np.uint64)
    for offset in range(size):
        hashes = hashes * _NGRAM_HASH_BASE + ids[offset : offset + count]
    chosen = hashes[positions]
    order = np.argsort(chosen, kind="stable")
    ordered = chosen[order]
    equal = ordered[1:] == ordered[:-1]
    repeated_in_order = np.zeros(len(chosen), dtype=bool)
    repeated_in_order[1:] |= equal
    repeated_in_order[:-1] |= equal
    repeated = np.empty(len(chosen), dtype=bool)
    repeated[order] = repeated_in_order
    result: list[int] = positions[repeated].tolist()
    return result


def find_restated_passages(layout: _Layout) -> list[Evidence]:
    """Return runs of :data:`RESTATED_RUN_WORDS`+ words that two prose blocks share.

    One pass over the prose words keeps the first place of each word n-gram; an n-gram
    met again in another block starts a shared run, extended while the words agree, and
    the scan resumes after it (linear in the words, times the n-gram size). Only the
    n-grams that occur twice or more can be met again, so the pass visits only those.
    """
    doc, tokens = layout.doc, layout.tokens
    words = tokens.words
    size = RESTATED_RUN_WORDS
    prose = [
        (block_index, block)
        for block_index, block in enumerate(doc.blocks)
        if block.kind in _PROSE_KINDS
    ]
    ranges = [
        tokens.range_of(layout.normalized_offset(block.start), layout.normalized_offset(block.end))
        for _, block in prose
    ]
    candidates = _repeated_gram_positions(words, ranges, size)
    first_at: dict[tuple[str, ...], tuple[int, int]] = {}
    found: list[Evidence] = []
    for (block_index, _block), (low, high) in zip(prose, ranges, strict=True):
        position = low
        first = bisect_left(candidates, low)
        last = bisect_left(candidates, high - size + 1, first)
        for candidate in candidates[first:last]:
            if candidate < position:
                continue
            position = candidate
            gram = tuple(words[position : position + size])
            prior = first_at.get(gram)
            if prior is None:
                first_at[gram] = (block_index, position)
                position += 1
                continue
            prior_block, prior_position = prior
            if prior_block == block_index:
                position += 1
                continue
            length = size
            while (
                position + length < high
                and prior_position + length < position
                and words[prior_position + length] == words[position + length]
            ):
                length += 1
            for start in (prior_position, position):
                end = start + length - 1
                found.append(
                    _evidence(
                        layout.normalized,
                        tokens.starts[start],
                        tokens.ends[end],
                        RESTATED_REASON,
                    )
                )
            position += length
    return found


def repeated_runs(layout: _Layout) -> frozenset[int]:
    """Return the starts of the short lines printed again together with a neighbouring line.

    A masthead, a menu or a ticker printed twice repeats as a run of lines in the same
    order ("رئيس التحرير" then a name, twice); a headline printed again stands alone
    between lines that differ. A line (of at most :data:`REPEATED_LINE_MAX_CHARS`
    characters) whose first copy and later copy share the line before or the line after
    (copies that do not overlap) is part of such a run. One pass over the blocks, each
    compared with its first copy's neighbours; computed once per page.
    """
    if layout.repeated_runs is not None:
        return layout.repeated_runs
    blocks = layout.doc.blocks
    keys: list[tuple[str, ...] | None] = [
        tuple(layout.words_in(block.start, block.end)) or None
        if block.end - block.start <= REPEATED_LINE_MAX_CHARS
        else None
        for block in blocks
    ]
    first_at: dict[tuple[str, ...], int] = {}
    in_run: set[int] = set()
    for index, key in enumerate(keys):
        if key is None:
            continue
        first = first_at.setdefault(key, index)
        if first == index:
            continue
        after = index + 1 < len(keys) and first + 1 < index and keys[first + 1] is not None
        before = first > 0 and keys[first - 1] is not None
        if (after and keys[first + 1] == keys[index + 1]) or (
            before and keys[first - 1] == keys[index - 1]
        ):
            in_run.update((blocks[first].start, blocks[index].start))
    layout.repeated_runs = frozenset(in_run)
    return layout.repeated_runs


def find_repeated_lines(layout: _Layout) -> list[Evidence]:
    """Return heading and paragraph lines printed again verbatim as their own lines.

    Lines of fewer than :data:`TITLE_REPEAT_MIN_WORDS` words repeat as chrome (a section
    name, a caption) and are left out, except the page's opening line of
    :data:`OPENING_LINE_MIN_WORDS` words or more (a short headline printed again) and a
    long run of glued words. Lines printed again inside a run of lines (see
    :func:`repeated_runs`) are chrome too.
    """
    doc = layout.doc
    first_of: dict[tuple[str, ...], Block] = {}
    repeated: list[Evidence] = []
    shown: set[int] = set()
    opening = next((block for block in doc.blocks if block.kind in _LINE_KINDS), None)
    opening_words = (
        tuple(layout.words_in(opening.start, opening.end)) if opening is not None else ()
    )
    for block in doc.blocks:
        if block.kind not in _LINE_KINDS:
            continue
        if block.end - block.start > REPEATED_LINE_MAX_CHARS:
            continue
        words = tuple(layout.words_in(block.start, block.end))
        if (
            len(words) < TITLE_REPEAT_MIN_WORDS
            and sum(map(len, words)) < GLUED_LINE_MIN_LETTERS
            and not (len(words) >= OPENING_LINE_MIN_WORDS and words == opening_words)
        ):
            continue  # short lines repeat as chrome; a long run of glued words does not
        first = first_of.setdefault(words, block)
        if first is block:
            continue
        if block.start in repeated_runs(layout):
            continue  # a masthead or menu printed again: chrome
        for copy in (first, block):
            if copy.start not in shown:
                shown.add(copy.start)
                repeated.append(
                    Evidence(copy.start, copy.end, doc.block_text(copy), REPEATED_LINE_REASON)
                )
    return repeated


def find_repeated_sentences(layout: _Layout) -> list[Evidence]:
    """Return sentences printed again verbatim inside the prose.

    A short line that is one sentence on its own (a headline, a caption, a pull quote
    printed again by the page's layout) is left to :meth:`_repeated_lines`: site chrome
    repeats such lines on reputable pages too.
    """
    doc = layout.doc
    seen: set[tuple[str, ...]] = set()
    repeated: list[Evidence] = []
    short_lines = {
        block.start: tuple(layout.words_in(block.start, block.end))
        for block in doc.blocks
        if block.kind in _LINE_KINDS and block.end - block.start <= REPEATED_LINE_MAX_CHARS
    }
    line_keys = Counter(short_lines.values())
    printed_again = {start for start, key in short_lines.items() if line_keys[key] > 1}
    block_starts = [block.start for block in doc.blocks]
    for sentence in doc.sentences:
        key = tuple(layout.words_in(sentence.start, sentence.end))
        if len(key) < REPEATED_SENTENCE_MIN_WORDS:
            continue
        if printed_again and (
            block_starts[bisect_right(block_starts, sentence.start) - 1] in printed_again
        ):
            continue  # inside a short line printed again whole: the layout's copy
        if key in seen:
            repeated.append(
                Evidence(
                    sentence.start,
                    sentence.end,
                    sentence.of(doc.body),
                    "sentence repeated verbatim",
                )
            )
        else:
            seen.add(key)
    return repeated
