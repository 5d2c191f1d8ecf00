"""Article input and parsing into a :class:`Document`.

Three input shapes are accepted: explicit fields (title, body, author, ...), raw page text
as copied from a news site (navigation, share buttons, repeated titles, byline lines and an
author box around the article), and raw HTML (reduced to the article with trafilatura).
The parsed document keeps every span as offsets into the text the caller sent.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from detector.errors import InvalidArticleError
from detector.lexicons import load_lexicon
from detector.text import (
    NormalizedText,
    Span,
    count_words,
    detect_language,
    letter_digit_runs,
    normalize_for_matching,
    normalize_with_offsets,
    split_paragraphs,
    split_sentences,
)

MAX_TEXT_CHARS = 200_000


class ArticleInput(BaseModel):
    """One article as a caller sends it: any subset of fields, but a body or HTML is required."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    id: str | None = Field(default=None, max_length=256, description="Caller's article id.")
    title: str | None = Field(default=None, max_length=2_000)
    body: str | None = Field(
        default=None,
        max_length=MAX_TEXT_CHARS,
        description="Article body, or the raw page text as copied from a news site.",
    )
    html: str | None = Field(default=None, max_length=5 * MAX_TEXT_CHARS, description="Raw HTML.")
    url: str | None = Field(default=None, max_length=4_000)
    author: str | None = Field(default=None, max_length=500)
    author_bio: str | None = Field(default=None, max_length=5_000)
    outlet: str | None = Field(default=None, max_length=500)
    published_at: str | None = Field(default=None, max_length=64)
    language: Literal["ar", "en"] | None = Field(
        default=None, description="Language override; detected from the text when absent."
    )

    @model_validator(mode="after")
    def _needs_text(self) -> ArticleInput:
        if not (self.body and self.body.strip()) and not (self.html and self.html.strip()):
            raise ValueError("an article needs a non-empty 'body' (text or page text) or 'html'")
        return self


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
    runs = letter_digit_runs(text)
    if runs is not None:
        starts, ends = runs
        return WordSpans(list(map(text.__getitem__, map(slice, starts, ends))), starts, ends)
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
        text, index = self.normalized.text, self.normalized.index
        spans = self.normalized_words
        words: list[str] = []
        for block, piece in zip(self.blocks, self.normalized_blocks, strict=True):
            if block.kind not in CONTENT_KINDS:
                continue
            low, high = bisect_left(index, block.start), bisect_left(index, block.end)
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


@dataclass(frozen=True)
class _Lines:
    """The lines of a text: spans, raw text and normalised text, computed once per parse."""

    spans: list[Span]
    raw: list[str]
    normalized: list[str]
    normalized_text: NormalizedText

    @classmethod
    def of(cls, text: str) -> _Lines:
        """Split ``text`` into lines and normalise it once."""
        normalized_text = normalize_with_offsets(text)
        spans = split_paragraphs(text)
        raw = [span.of(text) for span in spans]
        return cls(spans, raw, normalized_pieces(normalized_text, spans), normalized_text)


def _keep_normalized(doc: Document, lines: _Lines) -> Document:
    """Keep the normalised body and lines of parsing in ``doc`` (its blocks are ``lines``)."""
    doc.normalized = lines.normalized_text
    doc.normalized_blocks = lines.normalized
    return doc


# --- page-text parsing -------------------------------------------------------------------

_BYLINE_PATTERNS = [
    re.compile(
        r"^\s*+\|?+\s*+(?:كتبها|كتبت|كتب|بقلم|إعداد|اعداد|تقرير|بواسطة)(?![\w\u0600-\u06ff])\s*+[:：\-–]?+\s*+"
        r"(?P<name>[^|\n\s][^|\n]{1,78}(?<=[^|\n\s]))\s*+\|?+\s*+$"
    ),
    re.compile(
        r"^\s*+(?:By|Written by|Reporting by)(?:\s*+[:\-–])?+\s++"
        r"(?P<name>[A-Z][^\n|]{1,79}(?<=[^\n|\s]))\s*+\|?+\s*+$"
    ),
]
_BIO_START = re.compile(
    r"^\s*+(?:عن الكاتب|نبذة عن الكاتب|عن المؤلف|About the author|About the writer)"
    r"\s*+[:：]?+\s*+$",
    re.IGNORECASE,
)
_BIO_INLINE = re.compile(
    r"^\s*+(?:[\w\u0600-\u06ff.]++\s++){0,5}(?:كاتب|كاتبة|صحفي|صحفية|صحافي|محرر|محررة|مراسل|مراسلة|"
    r"is a (?:[\w-]++ ){0,3}(?:reporter|writer|journalist|editor|correspondent|columnist))",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*+(?:[-•*▪►●◦–]|\d{1,2}[.)-]|[٠-٩]{1,2}[.)-])\s+")
_END_PUNCT = re.compile(r"[.!?؟…:؛;,،\"”»)]\s*+$")


def _boilerplate_lines() -> frozenset[str]:
    return frozenset(
        normalize_for_matching(line)
        for lang in ("ar", "en")
        for name in ("boilerplate", "page_chrome")
        for line in load_lexicon(f"{lang}/{name}")
    )


_BOILERPLATE_CACHE: dict[str, frozenset[str]] = {}
_NAVIGATION_SEPARATOR = re.compile(r"[|/›»>·•]")


def _strip_symbols(line: str) -> str:
    """Drop icons and marks at both ends of a line ("🏠 الرئيسية", "الوسوم ◂")."""
    start, end = 0, len(line)
    while start < end and (line[start].isspace() or unicodedata.category(line[start])[0] == "S"):
        start += 1
    while end > start and (
        line[end - 1].isspace() or unicodedata.category(line[end - 1])[0] == "S"
    ):
        end -= 1
    return line[start:end]


def _is_boilerplate(normalized_line: str) -> bool:
    """Tell whether a line (given normalised for matching) is site chrome."""
    lines = _BOILERPLATE_CACHE.get("all")
    if lines is None:
        lines = _boilerplate_lines()
        _BOILERPLATE_CACHE["all"] = lines
    normalized = _strip_symbols(normalized_line.strip(" |:-–•>»«"))
    if normalized in lines:
        return True
    # Short lines made only of menu words ("الرئيسية | أخبار | رياضة") are navigation.
    parts = [part.strip() for part in _NAVIGATION_SEPARATOR.split(normalized) if part.strip()]
    return len(parts) >= 3 and all(len(part.split()) <= 3 for part in parts)


def _is_heading(line: str) -> bool:
    # The length first: a long paragraph needs no split into words.
    return len(line) <= 160 and 1 <= len(line.split()) <= 16 and not _END_PUNCT.search(line)


# A headline may end in a question or exclamation mark, a closing quote or bracket, or with
# no mark at all; a full stop, colon or comma ends a sentence or a label.
_HEADLINE_END = re.compile(r"(?<!\.)[.:：؛;,،]\s*+$")
HEADLINE_MAX_WORDS = 24
"""Headlines are at most this many words (SEO headlines run long, prose runs longer)."""


def _is_headline_like(line: str) -> bool:
    """Tell whether a line is shaped like a headline (a heading, or ending in ?, ! or a quote)."""
    if _is_heading(line):
        return True
    return (
        len(line) <= 220
        and 3 <= len(line.split()) <= HEADLINE_MAX_WORDS
        and not _HEADLINE_END.search(line)
    )


def _title_key(title: str) -> str:
    """Return what a line must equal, once normalised and stripped, to repeat ``title``."""
    return normalize_for_matching(title).strip()


# Lines above a headline that are never it: dates, font-size buttons, image placeholders,
# a site's name announced with a colon, bare counters.
_DATE_LINE = re.compile(
    r"^\s*+(?:date\s++)?+[\d٠-٩]{1,4}[-/.][\d٠-٩]{1,2}[-/.][\d٠-٩]{1,4}"
    r"(?:[\sT]++[\d٠-٩]{1,2}:[\d٠-٩]{2}(?::[\d٠-٩]{2})?+)?+\s*+$",
    re.IGNORECASE,
)
_SITE_NAME_LINE = re.compile(r"^\s*+(?:موقع|صحيفة|جريدة|بوابة|شبكة)\s[^\n:]{1,60}:\s*+$")
_SLUG_SEPARATORS = re.compile(r"[-_+/.]++")
# Chrome lines that open with a widget's or a masthead's words: like-our-page and subscribe
# calls, the editor-in-chief box, "Published:" stamps, a site name fused to a byline.
_CHROME_LINE = re.compile(
    r"^\s*+(?:سج[ّ]?ل إعجابك|اشترك (?:مجانا|مجاناً|الآن|في|ب)|تابعونا|تابعنا|رئيس مجلس|"
    r"رئيس التحرير|المشرف العام|الإشراف العام|(?:Published|Updated|Last updated)\s*+:)"
    r"|^[^\n]{1,40}\s[–—-]\s*+(?:كتب|كتبت|بقلم)\s",
    re.IGNORECASE,
)


def _is_title_residue(line: str) -> bool:
    """Tell whether a short line above the article is page residue rather than a headline."""
    stripped = line.strip()
    if not stripped or _DATE_LINE.match(stripped) or _SITE_NAME_LINE.match(stripped):
        return True
    if _CHROME_LINE.match(stripped):
        return True
    words = stripped.split()
    # "A A A", "TT", "A+ A-": theme buttons are tokens of one or two characters.
    if all(len(word) <= 2 for word in words):
        return True
    # A line without a letter (icons, counters, rules) is no headline.
    return not any(ch.isalpha() for ch in stripped)


def _slug_words(url: str | None) -> set[str]:
    """Words of the last meaningful path segment of ``url`` (its slug), normalised."""
    if not url:
        return set()
    from urllib.parse import unquote, urlsplit

    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return set()
    segments = [segment for segment in path.split("/") if segment]
    # The slug is the longest segment: ids and section names are short.
    slug = max(segments, key=len, default="")
    words = _SLUG_SEPARATORS.sub(" ", slug).split()
    return {normalize_for_matching(word) for word in words if any(ch.isalpha() for ch in word)}


def _slug_matches(candidates: list[int], line_keys: list[str], url: str | None) -> list[int]:
    """Candidate lines that share at least half of the URL slug's words (best first)."""
    slug = _slug_words(url)
    if len(slug) < 2:
        return []
    scored = []
    for index in candidates:
        shared = len(slug & set(line_keys[index].split()))
        if shared * 2 >= len(slug):
            scored.append((-shared, index))
    return [index for _, index in sorted(scored)]


HEADLINE_MIN_WORDS = 4
"""Site names and slogans are short: a line of this many words or more is preferred as headline."""


def _choose_headline(
    raw: list[str],
    line_keys: list[str],
    kinds: list[BlockKind],
    first_prose: int,
    url: str | None,
) -> int | None:
    """Return the index of the headline among the lines above the first paragraph.

    In order: the candidate sharing most words with the URL slug; the longest candidate
    printed again on the page (a site name repeats too, but it is short); the first of
    :data:`HEADLINE_MIN_WORDS` words or more; the first of three words or more; the first.
    Candidates are headline-shaped lines that are not chrome, residue or a byline.
    """
    candidates = [
        i
        for i in range(first_prose)
        if kinds[i] == "paragraph"
        and _is_headline_like(raw[i])
        and not _is_title_residue(raw[i])
        and not any(pattern.match(raw[i]) for pattern in _BYLINE_PATTERNS)
    ]
    if not candidates:
        return None
    slugged = _slug_matches(candidates, line_keys, url)
    if slugged:
        return slugged[0]
    key_counts = Counter(line_keys)
    repeated = [i for i in candidates if key_counts[line_keys[i]] > 1]
    if repeated:
        # The longest repeated line; the earliest among equally long ones.
        return max(repeated, key=lambda i: (min(len(raw[i].split()), HEADLINE_MIN_WORDS), -i))
    for min_words in (HEADLINE_MIN_WORDS, 3, 2):
        long_enough = [i for i in candidates if len(raw[i].split()) >= min_words]
        if long_enough:
            return long_enough[0]
    return None


def parse_page_text(
    text: str, title: str | None = None, lines: _Lines | None = None, url: str | None = None
) -> Document:
    """Parse raw page text into a :class:`Document` with classified blocks.

    Without a given title the headline is, in order: the heading-like line above the first
    paragraph that shares most words with the URL slug (when ``url`` is given), the first
    such line that repeats later (sites print it two or three times), the first one of three
    words or more, or the first one. Dates, theme buttons ("A A A"), image placeholders,
    icons and site-name lines are never taken for it.
    """
    lines = lines or _Lines.of(text)
    raw = lines.raw
    line_keys = [line.strip() for line in lines.normalized]
    kinds: list[BlockKind] = ["paragraph"] * len(raw)

    for index, normalized_line in enumerate(lines.normalized):
        if _is_boilerplate(normalized_line):
            kinds[index] = "boilerplate"
    _mark_link_lists(raw, line_keys, kinds)

    first_prose = next(
        (
            i
            for i, line in enumerate(raw)
            if kinds[i] == "paragraph"
            and not _is_headline_like(line)
            and not _is_title_residue(line)
        ),
        len(raw),
    )
    title_index: int | None = None
    if title:
        title_key = _title_key(title)
        title_index = next((i for i, key in enumerate(line_keys) if key == title_key), None)
    else:
        title_index = _choose_headline(raw, line_keys, kinds, first_prose, url)
        if title_index is not None:
            title = raw[title_index]
    title = title or ""
    title_key = _title_key(title) if title else ""

    author: str | None = None
    author_span: Span | None = None
    bio_span: Span | None = None
    in_bio = False
    for index, line in enumerate(raw):
        if kinds[index] == "boilerplate":
            continue
        if title and line_keys[index] == title_key:
            kinds[index] = "title"
            continue
        if author is None or index > first_prose:
            for pattern in _BYLINE_PATTERNS:
                match = pattern.match(line)
                if match:
                    kinds[index] = "byline"
                    if index > first_prose:
                        in_bio = True  # an author box under the article: its bio follows
                    if author is None:
                        author = match.group("name").strip(" :|-–")
                        offset = lines.spans[index].start + match.start("name")
                        author_span = Span(offset, offset + len(match.group("name").rstrip()))
                    break
            if kinds[index] == "byline":
                continue
        if _BIO_START.match(line):
            kinds[index] = "boilerplate"
            in_bio = True
            continue
        if in_bio or (index > first_prose and _BIO_INLINE.match(line) and bio_span is None):
            kinds[index] = "bio"
            in_bio = False
            if bio_span is None:
                bio_span = lines.spans[index]
            continue
        if kinds[index] == "paragraph":
            if _BULLET.match(line):
                kinds[index] = "bullet"
            elif "\t" in line or line.count("|") >= 2:
                kinds[index] = "table"
            elif _is_heading(line):
                kinds[index] = "heading"

    _mark_trailing_boilerplate(raw, kinds)
    box_bio = _mark_author_box(raw, line_keys, kinds)
    if bio_span is None and box_bio is not None:
        bio_span = lines.spans[box_bio]
    blocks = [
        Block(span.start, span.end, kind) for span, kind in zip(lines.spans, kinds, strict=True)
    ]
    title_span = (
        lines.spans[title_index]
        if title_index is not None and kinds[title_index] == "title"
        else None
    )
    doc = Document(
        body=text,
        title=title,
        title_span=title_span,
        author=author,
        author_span=author_span,
        author_bio=bio_span.of(text) if bio_span else None,
        bio_field="body",
        bio_span=bio_span,
        blocks=blocks,
        source_format="page_text",
    )
    return _keep_normalized(doc, lines)


_LINK_LIST_OPENERS = frozenset(
    normalize_for_matching(line)
    for line in (
        "اقرأ أيضا",
        "اقرأ أيضاً",
        "اقرأ ايضا",
        "إقرأ أيضا",
        "إقرأ أيضاً",
        "أخبار ذات صلة",
        "مقالات ذات صلة",
        "مواضيع ذات صلة",
        "موضوعات ذات صلة",
        "أخبار متعلقة",
        "أخبار مشابهة",
        "مقالات مشابهة",
        "مقالات مشابهه",
        "قد يعجبك أيضا",
        "قد يهمك أيضا",
        "الأكثر قراءة",
        "الأكثر مشاهدة",
        "آخر الأخبار",
        "أحدث الأخبار",
        "الوسوم",
        "كلمات مفتاحية",
        "read also",
        "read more",
        "related articles",
        "related posts",
        "related stories",
        "you may also like",
        "most read",
        "most viewed",
        "latest news",
        "tags",
    )
)
LINK_LIST_MAX_LINES = 10
"""Lines after a "read also", "related" or tags label that may be its link titles."""
_AUTHOR_BOX_CLOSERS = frozenset(
    normalize_for_matching(line)
    for line in ("عرض جميع المقالات", "كل مقالات الكاتب", "جميع مقالات الكاتب", "view all posts")
)


def _mark_link_lists(raw: list[str], line_keys: list[str], kinds: list[BlockKind]) -> None:
    """Mark the link titles under a "read also", "related" or tags label as boilerplate.

    Below the article's first paragraph, the short headline-shaped lines that follow such a
    label, up to the next paragraph of prose (at most :data:`LINK_LIST_MAX_LINES`), are
    other articles' titles or tags, not headings of this one.
    """
    # Labels above the article ("آخر الأخبار" over the headline) open a ticker, not a list.
    index = next(
        (
            i
            for i, line in enumerate(raw)
            if kinds[i] != "boilerplate" and not _is_headline_like(line)
        ),
        len(raw),
    )
    while index < len(raw):
        if kinds[index] == "boilerplate" and line_keys[index].strip(" :：") in _LINK_LIST_OPENERS:
            following = index + 1
            while following < min(len(raw), index + 1 + LINK_LIST_MAX_LINES):
                line = raw[following]
                stripped = _BULLET.sub("", line, count=1) if _BULLET.match(line) else line
                if kinds[following] != "boilerplate" and not _is_headline_like(stripped):
                    break
                kinds[following] = "boilerplate"
                following += 1
            index = following
        else:
            index += 1


def _mark_author_box(raw: list[str], line_keys: list[str], kinds: list[BlockKind]) -> int | None:
    """Mark the bio of an author box ("عرض جميع المقالات", "View all posts") and return its line.

    The line above the box's closing link is the writer's bio, and a short heading-shaped
    line above that the writer's name.
    """
    found: int | None = None
    for index, key in enumerate(line_keys):
        if key.strip(" :：›»") not in _AUTHOR_BOX_CLOSERS:
            continue
        back = index - 1
        if back < 1 or kinds[back] not in ("paragraph", "heading"):
            continue
        kinds[back] = "bio"
        found = back
        name = back - 1
        if name > 0 and kinds[name] == "heading" and len(raw[name].split()) <= 5:
            kinds[name] = "bio"  # the writer's name over the bio
    return found


def _mark_trailing_boilerplate(raw: list[str], kinds: list[BlockKind]) -> None:
    """Mark short lines after the last paragraph ("related articles" lists) as boilerplate."""
    last_prose = max(
        (i for i, kind in enumerate(kinds) if kind in ("paragraph", "bullet")), default=-1
    )
    for index in range(last_prose + 1, len(kinds)):
        if kinds[index] in ("heading", "table"):
            kinds[index] = "boilerplate"


def parse_fields(body: str, title: str | None, lines: _Lines | None = None) -> Document:
    """Parse an explicit body: paragraphs, headings, bullets and tables, no boilerplate removal."""
    lines = lines or _Lines.of(body)
    title_key = _title_key(title) if title else ""
    blocks: list[Block] = []
    for span, line, normalized_line in zip(lines.spans, lines.raw, lines.normalized, strict=True):
        kind: BlockKind = "paragraph"
        if _BULLET.match(line):
            kind = "bullet"
        elif "\t" in line or line.count("|") >= 2:
            kind = "table"
        elif _is_heading(line) and len(lines.spans) > 1:
            kind = "heading"
        if title and normalized_line.strip() == title_key:
            kind = "title"
        blocks.append(Block(span.start, span.end, kind))
    doc = Document(body=body, title=title or "", blocks=blocks, source_format="fields")
    return _keep_normalized(doc, lines)


def _looks_like_page_text(lines: _Lines) -> bool:
    if len(lines.raw) < 4:
        # A short page still counts when it opens with site chrome (a skip link, a menu).
        return len(lines.raw) >= 2 and _is_boilerplate(lines.normalized[0])
    noisy = sum(1 for normalized_line in lines.normalized if _is_boilerplate(normalized_line))
    bylined = any(p.match(line) for line in lines.raw[:12] for p in _BYLINE_PATTERNS)
    return noisy >= 1 or bylined


# The HTML parser under trafilatura (libxml2) gives up on elements nested deeper than about
# 255 levels, so a page wrapped in hundreds of <div> would yield no text at all.
MAX_HTML_DEPTH = 200
_TAG = re.compile(r"<(?:!--|(/?)([A-Za-z][A-Za-z0-9:-]{0,40}+)([^<>]*+)>)")
_VOID_TAGS = frozenset(
    "area base br col embed hr img input keygen link meta param source track wbr".split()
)
_RAW_TEXT_TAGS = frozenset({"script", "style", "textarea", "title", "noscript", "template"})
_RAW_TEXT_END = {name: re.compile(rf"</{name}\b", re.IGNORECASE) for name in _RAW_TEXT_TAGS}


def flatten_deep_html(html: str, max_depth: int = MAX_HTML_DEPTH) -> str:
    """Drop the tags of elements opened deeper than ``max_depth`` levels, keeping their text.

    One pass over the markup: raw-text elements (scripts, styles) and comments are skipped
    whole, and a close tag pops the open elements above its match (amortised linear). The
    HTML is returned unchanged when nothing is nested that deep.
    """
    pieces: list[str] = []
    stack: list[tuple[str, bool]] = []
    open_counts: Counter[str] = Counter()
    copied = 0
    pos = 0
    dropped = False
    while True:
        match = _TAG.search(html, pos)
        if match is None:
            break
        pos = match.end()
        if match.group(2) is None:  # a comment: skip to its end
            end = html.find("-->", pos)
            pos = len(html) if end < 0 else end + 3
            continue
        closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
        keep = True
        if closing:
            if open_counts[name]:
                while stack:
                    top, kept = stack.pop()
                    open_counts[top] -= 1
                    if top == name:
                        keep = kept
                        break
        elif name in _RAW_TEXT_TAGS:
            end_match = _RAW_TEXT_END[name].search(html, pos)
            pos = len(html) if end_match is None else end_match.start()
        elif name not in _VOID_TAGS and not attributes.endswith("/"):
            keep = len(stack) < max_depth
            stack.append((name, keep))
            open_counts[name] += 1
        if not keep:
            dropped = True
            pieces.append(html[copied : match.start()])
            copied = match.end()
    if not dropped:
        return html
    pieces.append(html[copied:])
    return "".join(pieces)


def parse_html(html: str) -> tuple[str, dict[str, str | None]]:
    """Extract the article text and metadata from raw HTML with trafilatura.

    Elements nested deeper than :data:`MAX_HTML_DEPTH` levels lose their tags (not their
    text) first, so wrapper nesting of any depth still yields the article.
    """
    try:
        import trafilatura
    except ImportError as error:  # pragma: no cover - dependency is declared
        raise InvalidArticleError("HTML input needs the 'trafilatura' package") from error
    html = flatten_deep_html(html)
    extracted = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, favor_precision=True, with_metadata=True
    )
    if extracted is None:
        raise InvalidArticleError("no article text could be extracted from the HTML")
    data = extracted if isinstance(extracted, dict) else extracted.as_dict()
    text = (data.get("text") or "").strip()
    if not text:
        raise InvalidArticleError("no article text could be extracted from the HTML")
    meta = {key: data.get(key) for key in ("title", "author", "date", "sitename", "url")}
    return text, meta


_DATE_WORDS = frozenset(
    normalize_for_matching(word)
    for word in (
        "السبت الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة يناير فبراير مارس أبريل "
        "مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر posted monday tuesday wednesday "
        "thursday friday saturday sunday january february march april may june july august "
        "september october november december mon tue wed thu fri sat sun jan feb mar apr jun "
        "jul aug sep sept oct nov dec am pm"
    ).split()
)
_LEADING_LINES = 4
LEADING_RESIDUE_MAX_CHARS = 120
"""Date, section and posted-by lines above a headline are at most this long."""
"""How many lines above the headline of a plain body may be residue (dates, section names)."""


_DATE_PREFIX = re.compile(r"^\s*+date\s++[\d٠-٩]{4}-[\d٠-٩]{1,2}-[\d٠-٩]{1,2}\s++", re.IGNORECASE)
"""A crawl's date stamp fused to the first line ("date 2025-10-21 ...")."""
_LEADING_FOLLOWERS = 3
"""Short lines (a standfirst, a byline, a caption) that may sit between a headline and its prose."""


def _word_count(normalized_line: str) -> int:
    """Words of a normalised line that hold a letter or a digit (dashes and bars are not words)."""
    return sum(1 for word in normalized_line.split() if any(ch.isalnum() for ch in word))


def _is_leading_residue(raw_line: str, normalized_line: str) -> bool:
    """Tell whether a line above or below a body's headline is page residue, not text."""
    if _is_title_residue(raw_line) or _is_boilerplate(normalized_line):
        return True
    if len(normalized_line) > LEADING_RESIDUE_MAX_CHARS:
        return False  # a paragraph, not a date or section line
    words = normalized_line.replace(",", " ").replace("،", " ").split()
    count = _word_count(normalized_line)
    if count <= 2:
        return True  # section names ("ملاعب", "news-details")
    # Date lines ("الخميس، مايو 8", "Posted by : a name Thursday, July 10, 2025"): a date
    # word and few other words, not a headline that names a month.
    if count > 10 or not any(word in _DATE_WORDS for word in words):
        return False
    dated = sum(1 for word in words if word in _DATE_WORDS or word.isdigit())
    return count - dated <= 4


def _headline_in_line(raw_line: str) -> int:
    """Return where a line's text starts once a fused crawl date stamp is skipped."""
    match = _DATE_PREFIX.match(raw_line)
    return match.end() if match else 0


def _leading_headline(lines: _Lines) -> tuple[int, int] | None:
    """Return ``(line index, offset in the line)`` of the headline a body opens with, or ``None``.

    Copied article text often begins with its headline on a line of its own, under at most a
    few residue lines (dates, section names, theme buttons, a crawl's date stamp): a
    headline-shaped line of three words or more that the text prints again as a line of its
    own, or that prose follows, with at most :data:`_LEADING_FOLLOWERS` short lines (a
    standfirst, a byline, a caption) or residue lines between them.
    """
    raw, normalized = lines.raw, lines.normalized
    index = 0
    offset = 0
    while index < min(len(raw), _LEADING_LINES):
        offset = _headline_in_line(raw[index])
        rest = raw[index][offset:]
        if not _is_leading_residue(
            rest, normalize_for_matching(rest) if offset else normalized[index]
        ):
            break
        index += 1
        offset = 0
    if index >= len(raw) - 1 or index >= _LEADING_LINES:
        return None
    line = raw[index][offset:]
    if not _is_headline_like(line) or len(line.split()) < 3:
        return None
    if any(p.match(line) for p in _BYLINE_PATTERNS):
        return None
    key = normalize_for_matching(line).strip() if offset else normalized[index].strip()
    if any(other.strip() == key for other in normalized[index + 1 :]):
        return index, offset
    following = index + 1
    short_lines: list[int] = []
    while following < len(raw) - 1 and following - index <= _LEADING_LINES + _LEADING_FOLLOWERS:
        if _is_leading_residue(raw[following], normalized[following]):
            following += 1
        elif _is_headline_like(raw[following]) and len(short_lines) < _LEADING_FOLLOWERS:
            short_lines.append(following)
            following += 1
        else:
            break
    if _is_headline_like(raw[following]) or _is_leading_residue(
        raw[following], normalized[following]
    ):
        return None
    # A slogan or site name may stand over the headline, a standfirst or byline under it:
    # the headline is the line whose words the first paragraph takes up most.
    prose = _content_words(normalized[following])
    best, best_shared = index, len(_content_words(key) & prose)
    if short_lines and len(line.split()) < HEADLINE_MIN_WORDS <= len(raw[short_lines[0]].split()):
        # A short line over a longer headline is the site's name or section ("Times of X").
        best = short_lines[0]
    if best == index and best_shared == 0 and short_lines:
        # A slogan shares no word with the article; the headline under it does.
        other = short_lines[0]
        if len(raw[other].split()) >= 3 and len(_content_words(normalized[other]) & prose) >= 2:
            best = other
    return (index, offset) if best == index else (best, 0)


def _content_words(normalized_line: str) -> set[str]:
    """Words of four letters or more of a normalised line (particles left out)."""
    return {word for word in normalized_line.split() if len(word) >= 4}


def parse_article(article: ArticleInput) -> Document:
    """Turn an :class:`ArticleInput` into a :class:`Document`.

    Explicit fields win over what is found in page text or HTML metadata.
    """
    meta: dict[str, str | None] = {}
    if article.body and article.body.strip():
        body = article.body
        fmt = "body"
    elif article.html:
        body, meta = parse_html(article.html)
        fmt = "html"
    else:
        raise InvalidArticleError("an article needs a non-empty 'body' or 'html'")
    if len(body) > MAX_TEXT_CHARS:
        raise InvalidArticleError(f"article text is longer than {MAX_TEXT_CHARS} characters")

    lines = _Lines.of(body)
    if fmt == "body":
        fmt = "page_text" if _looks_like_page_text(lines) else "fields"
    if fmt == "page_text":
        doc = parse_page_text(body, article.title, lines, url=article.url)
    else:
        headline = article.title or meta.get("title")
        implied = None if headline or fmt == "html" else _leading_headline(lines)
        doc = parse_fields(body, headline, lines)
        doc.source_format = "html" if fmt == "html" else "fields"
        doc.title = headline or ""
        if implied is not None:
            index, offset = implied
            span = lines.spans[index]
            doc.implied_title = lines.raw[index][offset:]
            doc.implied_title_span = Span(span.start + offset, span.end)

    if article.author:
        doc.author, doc.author_span = article.author, None
    elif meta.get("author") and not doc.author:
        doc.author = meta["author"]
    if article.author_bio:
        doc.author_bio, doc.bio_field, doc.bio_span = (
            article.author_bio,
            "author_bio",
            Span(0, len(article.author_bio)),
        )
    if article.title:
        doc.title = article.title
        if doc.source_format != "page_text":
            doc.title_span = None
    doc.outlet = article.outlet or meta.get("sitename")
    doc.url = article.url or meta.get("url")
    doc.published_at = article.published_at or meta.get("date")
    doc.id = article.id
    doc.language = article.language or detect_language(doc.title + "\n" + doc.content_text)
    if not doc.content_blocks:
        raise InvalidArticleError("the text holds no article content after removing boilerplate")
    return doc
