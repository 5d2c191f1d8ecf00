"""The parsed article: :class:`Document`, its classified :class:`Block` lines, and words.

Every span of a document is an offset into the text the caller sent. :class:`Lines` splits a
text into lines and normalises it once per parse, for every parser to share.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from typing import Literal

import numpy as np

from mizan.detector.text import (
    NormalizedText,
    Span,
    count_words,
    first_occurrence_ids,
    letter_digit_spans,
    normalize_for_matching,
    normalize_with_offsets,
    split_paragraphs,
    split_sentences,
)

BlockKind = Literal[
    "title", "heading", "paragraph", "bullet", "table", "byline", "bio", "boilerplate"
]
CONTENT_KINDS = frozenset({"heading", "paragraph", "bullet", "table"})


@dataclass(frozen=True)
class WordSpans:
    """The words of a text (runs of letters and digits) with their ``[start, end)`` offsets."""

    words: list[str]
    starts: list[int]
    ends: list[int]


_LETTERS_AND_DIGITS = re.compile(r"([^\W_]++)")


def word_spans(text: str) -> WordSpans:
    """Return the runs of letters and digits of ``text`` with their offsets."""
    spans = letter_digit_spans(text)
    if spans is not None:
        return WordSpans(*spans)
    # Splitting keeps the words at odd positions between separators; summing the lengths
    # of all pieces gives every piece's offset.
    pieces = _LETTERS_AND_DIGITS.split(text)
    offsets = list(accumulate(map(len, pieces), initial=0))
    return WordSpans(pieces[1::2], offsets[1:-1:2], offsets[2::2])


@dataclass(frozen=True)
class Block:
    """One line or paragraph of the body, classified."""

    start: int
    end: int
    kind: BlockKind


@dataclass
class Document:
    """A parsed article. All spans are offsets into :attr:`body` (or :attr:`title`/bio fields)."""

    body: str
    title: str = ""
    title_span: Span | None = None
    author: str | None = None
    author_span: Span | None = None
    author_bio: str | None = None
    bio_field: Literal["author_bio", "body"] = "author_bio"
    bio_span: Span | None = None
    outlet: str | None = None
    url: str | None = None
    published_at: str | None = None
    id: str | None = None
    language: str = "und"
    blocks: list[Block] = field(default_factory=list)
    source_format: Literal["fields", "page_text", "html"] = "fields"
    # The headline a body sent without a title opens with (its first line, when heading-like
    # and followed by prose or printed again), with its span in ``body``. ``title`` stays
    # empty then: signals that read the headline from the headings keep doing so.
    implied_title: str = ""
    implied_title_span: Span | None = None

    @cached_property
    def content_blocks(self) -> list[Block]:
        """Blocks that are the article itself (no boilerplate, byline, bio or title)."""
        return [block for block in self.blocks if block.kind in CONTENT_KINDS]

    @cached_property
    def title_lines(self) -> list[Block]:
        """The lines of the body that are the headline itself (sites print it two or three times).

        The title lines of page text, or, for a body sent without a title, the lines that
        repeat its implied headline (its opening line included).
        """
        lines = [block for block in self.blocks if block.kind == "title"]
        if lines or not self.implied_title:
            return lines
        key = normalize_for_matching(self.implied_title).strip()
        return [
            block
            for block, text in zip(self.blocks, self.normalized_blocks, strict=True)
            if text.strip() == key
            or (
                self.implied_title_span is not None
                and block.start <= self.implied_title_span.start < block.end
            )
        ]

    @cached_property
    def title_repeats(self) -> int:
        """How many lines of the body are the headline itself (see :attr:`title_lines`)."""
        return len(self.title_lines)

    @cached_property
    def headings(self) -> list[Block]:
        """Heading blocks inside the article."""
        return [block for block in self.blocks if block.kind == "heading"]

    @cached_property
    def sentences(self) -> list[Span]:
        """Sentences of the prose blocks (paragraphs and bullets), with offsets into ``body``."""
        spans: list[Span] = []
        for block in self.blocks:
            if block.kind in ("paragraph", "bullet"):
                spans.extend(split_sentences(self.body, block.start, block.end))
        return spans

    @cached_property
    def content_text(self) -> str:
        """The article text without boilerplate, blocks joined by newlines."""
        return "\n".join(self.body[block.start : block.end] for block in self.content_blocks)

    @cached_property
    def normalized(self) -> NormalizedText:
        """The whole body normalised for matching, with an offset map back to ``body``."""
        return normalize_with_offsets(self.body)

    @cached_property
    def normalized_title(self) -> NormalizedText:
        """The title normalised for matching, with an offset map back to ``title``."""
        return normalize_with_offsets(self.title)

    @cached_property
    def normalized_blocks(self) -> list[str]:
        """The text of each block as :func:`normalize_for_matching` gives it, in block order."""
        return normalized_pieces(self.normalized, self.blocks)

    @cached_property
    def normalized_block_ranges(self) -> list[tuple[int, int]]:
        """Where each block lies in :attr:`normalized`'s text: ``[low, high)``, in block order.

        ``low`` and ``high`` are the normalised offsets of the block's start and end (the
        first normalised character at or after each), found once for every reader.
        """
        index = self.normalized.index
        return [
            (bisect_left(index, block.start), bisect_left(index, block.end))
            for block in self.blocks
        ]

    @cached_property
    def normalized_content_text(self) -> str:
        """:attr:`content_text` as :func:`normalize_for_matching` gives it."""
        return "\n".join(
            text
            for block, text in zip(self.blocks, self.normalized_blocks, strict=True)
            if block.kind in CONTENT_KINDS
        )

    @cached_property
    def normalized_content_words(self) -> list[str]:
        """The words (runs of letters and digits) of :attr:`normalized_content_text`.

        A block whose normalised text is a slice of :attr:`normalized` takes the words of
        :attr:`normalized_words` inside the slice (when none crosses its edges); another
        block is split on its own.
        """
        text = self.normalized.text
        spans = self.normalized_words
        words: list[str] = []
        for block, piece, (low, high) in zip(
            self.blocks, self.normalized_blocks, self.normalized_block_ranges, strict=True
        ):
            if block.kind not in CONTENT_KINDS:
                continue
            first = bisect_left(spans.starts, low)
            last = bisect_left(spans.starts, high, first)
            if (
                text[low:high] == piece
                and (first == 0 or spans.ends[first - 1] <= low)
                and (last == first or spans.ends[last - 1] <= high)
            ):
                words += spans.words[first:last]
            else:
                words += word_spans(piece).words
        return words

    @cached_property
    def normalized_content_word_ids(self) -> np.ndarray:
        """:func:`~mizan.detector.text.first_occurrence_ids` of :attr:`normalized_content_words`.

        Numbered once for every measure that counts repeated words.
        """
        return first_occurrence_ids(self.normalized_content_words)

    @cached_property
    def normalized_title_and_content(self) -> str:
        """``normalize_for_matching`` of the title, a line break and the content (or the content).

        Built from the cached pieces: normalisation joins nothing across a line break (NFKC
        composes nothing with it, and capital sigma's lower case, the only one that depends
        on its neighbours, looks no further), so the pieces give the same text.
        """
        content = self.normalized_content_text
        return f"{normalize_for_matching(self.title)}\n{content}" if self.title else content

    @cached_property
    def title_and_content_words(self) -> list[str]:
        """The words (runs of letters and digits) of :attr:`normalized_title_and_content`."""
        if not self.title:
            return self.normalized_content_words
        return word_spans(normalize_for_matching(self.title)).words + self.normalized_content_words

    @cached_property
    def normalized_words(self) -> WordSpans:
        """The words of :attr:`normalized` with offsets into its text (shared by signals)."""
        return word_spans(self.normalized.text)

    @cached_property
    def word_count(self) -> int:
        """Number of words in the article content."""
        return count_words(self.content_text)

    @cached_property
    def boilerplate_chars(self) -> int:
        """Characters of the body classified as boilerplate, byline or bio."""
        return sum(
            block.end - block.start
            for block in self.blocks
            if block.kind in ("boilerplate", "byline", "bio", "title")
        )

    def block_text(self, block: Block) -> str:
        """Return the text of ``block``."""
        return self.body[block.start : block.end]


# Capital sigma lower-cases to "σ" or, at the end of a word, "ς": the only character whose
# lower case depends on its neighbours.
_CAPITAL_SIGMA = "\u03a3"


def normalized_pieces(normalized: NormalizedText, spans: Iterable[Span | Block]) -> list[str]:
    """Return :func:`normalize_for_matching` of each span of ``normalized.original``.

    ``normalized`` folds the text character by character, so a slice of it equals the span
    normalised on its own unless the span is not in NFKC form (NFKC may then compose or
    reorder characters across positions) or holds a capital sigma; such spans are normalised
    on their own.
    """
    original, text, index = normalized.original, normalized.text, normalized.index
    pieces: list[str] = []
    for span in spans:
        piece = original[span.start : span.end]
        if _CAPITAL_SIGMA in piece or not unicodedata.is_normalized("NFKC", piece):
            pieces.append(normalize_for_matching(piece))
        else:
            pieces.append(text[bisect_left(index, span.start) : bisect_left(index, span.end)])
    return pieces


def normalized_pieces_and_ranges(
    normalized: NormalizedText, spans: Iterable[Span | Block]
) -> tuple[list[str], list[tuple[int, int]]]:
    """Return :func:`normalized_pieces` and where each span lies in ``normalized.text``.

    The ranges are ``[low, high)``: the normalised offsets of each span's start and end.
    """
    original, text, index = normalized.original, normalized.text, normalized.index
    pieces: list[str] = []
    ranges: list[tuple[int, int]] = []
    for span in spans:
        low, high = bisect_left(index, span.start), bisect_left(index, span.end)
        ranges.append((low, high))
        piece = original[span.start : span.end]
        if _CAPITAL_SIGMA in piece or not unicodedata.is_normalized("NFKC", piece):
            pieces.append(normalize_for_matching(piece))
        else:
            pieces.append(text[low:high])
    return pieces, ranges


@dataclass(frozen=True)
class Lines:
    """The lines of a text: spans, raw text and normalised text, computed once per parse."""

    spans: list[Span]
    raw: list[str]
    normalized: list[str]
    normalized_text: NormalizedText
    ranges: list[tuple[int, int]]
    """Where each line lies in ``normalized_text.text``: ``[low, high)`` normalised offsets."""

    @classmethod
    def of(cls, text: str) -> Lines:
        """Split ``text`` into lines and normalise it once."""
        normalized_text = normalize_with_offsets(text)
        spans = split_paragraphs(text)
        raw = [span.of(text) for span in spans]
        pieces, ranges = normalized_pieces_and_ranges(normalized_text, spans)
        return cls(spans, raw, pieces, normalized_text, ranges)


def keep_normalized(doc: Document, lines: Lines) -> Document:
    """Keep the normalised body and lines of parsing in ``doc`` (its blocks are ``lines``)."""
    doc.normalized = lines.normalized_text
    doc.normalized_blocks = lines.normalized
    doc.normalized_block_ranges = lines.ranges
    return doc
