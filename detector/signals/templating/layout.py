"""The page as the templating measures read it: tokens by block, and evidence spans."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import accumulate, compress

from mizan.detector.article import Block, Document
from mizan.detector.signals.base import Evidence, EvidenceField
from mizan.detector.signals.templating.phrases import Tokens, body_openers
from mizan.detector.text import NormalizedText

MAX_EVIDENCE_PER_KIND = 10
"""Evidence items kept per kind, so one noisy measure cannot flood a report."""
_LINE_KINDS = frozenset({"heading", "paragraph", "title"})
_LIST_KINDS = frozenset({"bullet", "table"})
_CONTENT_KINDS = frozenset({"heading", "paragraph", "bullet", "table"})
_PROSE_KINDS = frozenset({"paragraph", "bullet"})


class _Layout:
    """The words of the normalised body and the blocks they fall in."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.normalized = doc.normalized
        spans = doc.normalized_words
        self.tokens = Tokens(self.normalized.text, spans.words, spans.starts, spans.ends)
        self._block_starts = [block.start for block in doc.blocks]
        # The normalised offsets of the blocks' edges, found once by the document.
        self._edge_offsets: dict[int, int] = {}
        for block, (low, high) in zip(doc.blocks, doc.normalized_block_ranges, strict=True):
            self._edge_offsets[block.start] = low
            self._edge_offsets[block.end] = high
        self._words_in: dict[tuple[int, int], list[str]] = {}
        self._phrase_candidates: list[int] | None = None
        self.section_headings: list[Block] | None = None
        """The section headings once ``headings.section_headings`` has found them."""
        self.repeated_runs: frozenset[int] | None = None
        """The lines printed again in a run once ``repetition.repeated_runs`` has found them."""

    def normalized_offset(self, original: int) -> int:
        """Return the normalised offset of the first character at or after ``original``."""
        offset = self._edge_offsets.get(original)
        return bisect_left(self.normalized.index, original) if offset is None else offset

    def words_in(self, start: int, end: int) -> list[str]:
        """Return the words of the original ``[start, end)`` span (one list per span: read only)."""
        words = self._words_in.get((start, end))
        if words is None:
            first, last = self.tokens.range_of(
                self.normalized_offset(start), self.normalized_offset(end)
            )
            words = self._words_in[start, end] = self.tokens.words[first:last]
        return words

    def phrase_candidates(self) -> list[int]:
        """Return the positions of the body words that may open a phrase of a body matcher.

        One pass over the words serves the stock-phrase, clickbait and residue matchers.
        """
        if self._phrase_candidates is None:
            words = self.tokens.words
            openers = body_openers()
            self._phrase_candidates = list(
                compress(range(len(words)), map(openers.__contains__, words))
            )
        return self._phrase_candidates

    def block_of(self, token_index: int) -> Block | None:
        """Return the block holding the token at ``token_index`` (``None`` if outside all)."""
        original = self.normalized.index[self.tokens.starts[token_index]]
        block_index = bisect_right(self._block_starts, original) - 1
        if block_index < 0:
            return None
        block = self.doc.blocks[block_index]
        return block if original < block.end else None


def _word_offsets(words: Sequence[str]) -> tuple[list[int], list[int]]:
    """Return the offsets of ``words`` joined by single spaces."""
    starts = list(accumulate((len(word) + 1 for word in words[:-1]), initial=0))
    return starts, [start + len(word) for start, word in zip(starts, words, strict=True)]


def _evidence(
    normalized: NormalizedText,
    start: int,
    end: int,
    reason: str,
    field: EvidenceField = "body",
) -> Evidence:
    original_start, original_end = normalized.span(start, end)
    return Evidence(
        original_start,
        original_end,
        normalized.original[original_start:original_end],
        reason,
        field,
    )
