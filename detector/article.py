"""Article input and parsing into a :class:`Document`.

Three input shapes are accepted: explicit fields (title, body, author, ...), raw page text
as copied from a news site (navigation, share buttons, repeated titles, byline lines and an
author box around the article), and raw HTML (reduced to the article with trafilatura).
The parsed document keeps every span as offsets into the text the caller sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from detector.errors import InvalidArticleError
from detector.lexicons import load_lexicon
from detector.text import (
    NormalizedText,
    Span,
    detect_language,
    normalize_for_matching,
    normalize_with_offsets,
    split_paragraphs,
    split_sentences,
    words,
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

    @cached_property
    def content_blocks(self) -> list[Block]:
        """Blocks that are the article itself (no boilerplate, byline, bio or title)."""
        return [block for block in self.blocks if block.kind in CONTENT_KINDS]

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
    def word_count(self) -> int:
        """Number of words in the article content."""
        return len(words(self.content_text))

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


# --- page-text parsing -------------------------------------------------------------------

_BYLINE_PATTERNS = [
    re.compile(
        r"^\s*\|?\s*(?:كتبت|كتب|بقلم|إعداد|اعداد|تقرير|بواسطة)(?![\w\u0600-\u06ff])\s*[:：\-–]?\s*(?P<name>[^|\n]{3,80}?)\s*\|?\s*$"
    ),
    re.compile(
        r"^\s*(?:By|Written by|Reporting by)\s*[:\-–]?\s+(?P<name>[A-Z][^\n|]{2,80}?)\s*\|?\s*$"
    ),
]
_BIO_START = re.compile(
    r"^\s*(?:عن الكاتب|نبذة عن الكاتب|عن المؤلف|About the author|About the writer)\s*[:：]?\s*$",
    re.IGNORECASE,
)
_BIO_INLINE = re.compile(
    r"^\s*(?:[\w\u0600-\u06ff.]+\s+){0,5}(?:كاتب|كاتبة|صحفي|صحفية|صحافي|محرر|محررة|مراسل|مراسلة|"
    r"is a (?:[\w-]+ ){0,3}(?:reporter|writer|journalist|editor|correspondent|columnist))",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-•*▪►●◦–]|\d{1,2}[.)-]|[٠-٩]{1,2}[.)-])\s+")
_END_PUNCT = re.compile(r"[.!?؟…:؛;,،\"”»)]\s*$")


def _boilerplate_lines() -> frozenset[str]:
    return frozenset(
        normalize_for_matching(line)
        for lang in ("ar", "en")
        for line in load_lexicon(f"{lang}/boilerplate")
    )


_BOILERPLATE_CACHE: dict[str, frozenset[str]] = {}


def _is_boilerplate(line: str) -> bool:
    lines = _BOILERPLATE_CACHE.get("all")
    if lines is None:
        lines = _boilerplate_lines()
        _BOILERPLATE_CACHE["all"] = lines
    normalized = normalize_for_matching(line).strip(" |:-–•>»«")
    if normalized in lines:
        return True
    # Short lines made only of menu words ("الرئيسية | أخبار | رياضة") are navigation.
    parts = [part.strip() for part in re.split(r"[|/›»>·•]", normalized) if part.strip()]
    return len(parts) >= 3 and all(len(part.split()) <= 3 for part in parts)


def _is_heading(line: str) -> bool:
    return 1 <= len(line.split()) <= 16 and not _END_PUNCT.search(line) and len(line) <= 160


def _same_title(line: str, title: str) -> bool:
    return (
        bool(title)
        and normalize_for_matching(line).strip() == normalize_for_matching(title).strip()
    )


def parse_page_text(text: str, title: str | None = None) -> Document:
    """Parse raw page text into a :class:`Document` with classified blocks.

    The title is the first heading-like line that repeats later (sites print it two or three
    times) or, failing that, the first heading-like line before the first paragraph.
    """
    lines = split_paragraphs(text)
    kinds: list[BlockKind] = ["paragraph"] * len(lines)
    raw = [span.of(text) for span in lines]

    for index, line in enumerate(raw):
        if _is_boilerplate(line):
            kinds[index] = "boilerplate"

    first_prose = next(
        (i for i, line in enumerate(raw) if kinds[i] == "paragraph" and not _is_heading(line)),
        len(raw),
    )
    title_index: int | None = None
    if title:
        title_index = next((i for i, line in enumerate(raw) if _same_title(line, title)), None)
    else:
        candidates = [
            i for i in range(first_prose) if kinds[i] == "paragraph" and _is_heading(raw[i])
        ]
        repeated = [
            i for i in candidates if sum(_same_title(raw[j], raw[i]) for j in range(len(raw))) > 1
        ]
        chosen = repeated or [i for i in candidates if len(raw[i].split()) >= 3] or candidates
        if chosen:
            title_index = chosen[0]
            title = raw[title_index]
    title = title or ""

    author: str | None = None
    author_span: Span | None = None
    bio_span: Span | None = None
    in_bio = False
    for index, line in enumerate(raw):
        if kinds[index] == "boilerplate":
            continue
        if title and _same_title(line, title):
            kinds[index] = "title"
            continue
        if author is None:
            for pattern in _BYLINE_PATTERNS:
                match = pattern.match(line)
                if match:
                    name = match.group("name").strip(" :|-–")
                    author = name
                    offset = lines[index].start + match.start("name")
                    author_span = Span(offset, offset + len(match.group("name").rstrip()))
                    kinds[index] = "byline"
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
                bio_span = lines[index]
            continue
        if kinds[index] == "paragraph":
            if _BULLET.match(line):
                kinds[index] = "bullet"
            elif "\t" in line or line.count("|") >= 2:
                kinds[index] = "table"
            elif _is_heading(line):
                kinds[index] = "heading"

    _mark_trailing_boilerplate(raw, kinds)
    blocks = [Block(span.start, span.end, kind) for span, kind in zip(lines, kinds, strict=True)]
    title_span = (
        lines[title_index] if title_index is not None and kinds[title_index] == "title" else None
    )
    return Document(
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


def _mark_trailing_boilerplate(raw: list[str], kinds: list[BlockKind]) -> None:
    """Mark short lines after the last paragraph ("related articles" lists) as boilerplate."""
    last_prose = max(
        (i for i, kind in enumerate(kinds) if kind in ("paragraph", "bullet")), default=-1
    )
    for index in range(last_prose + 1, len(kinds)):
        if kinds[index] in ("heading", "table"):
            kinds[index] = "boilerplate"


def parse_fields(body: str, title: str | None) -> Document:
    """Parse an explicit body: paragraphs, headings, bullets and tables, no boilerplate removal."""
    blocks: list[Block] = []
    spans = split_paragraphs(body)
    for span in spans:
        line = span.of(body)
        kind: BlockKind = "paragraph"
        if _BULLET.match(line):
            kind = "bullet"
        elif "\t" in line or line.count("|") >= 2:
            kind = "table"
        elif _is_heading(line) and len(spans) > 1:
            kind = "heading"
        if title and _same_title(line, title):
            kind = "title"
        blocks.append(Block(span.start, span.end, kind))
    return Document(body=body, title=title or "", blocks=blocks, source_format="fields")


def _looks_like_page_text(body: str) -> bool:
    lines = split_paragraphs(body)
    if len(lines) < 4:
        return False
    noisy = sum(1 for span in lines if _is_boilerplate(span.of(body)))
    bylined = any(p.match(span.of(body)) for span in lines[:12] for p in _BYLINE_PATTERNS)
    return noisy >= 1 or bylined


def parse_html(html: str) -> tuple[str, dict[str, str | None]]:
    """Extract the article text and metadata from raw HTML with trafilatura."""
    try:
        import trafilatura
    except ImportError as error:  # pragma: no cover - dependency is declared
        raise InvalidArticleError("HTML input needs the 'trafilatura' package") from error
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


def parse_article(article: ArticleInput) -> Document:
    """Turn an :class:`ArticleInput` into a :class:`Document`.

    Explicit fields win over what is found in page text or HTML metadata.
    """
    meta: dict[str, str | None] = {}
    if article.body and article.body.strip():
        body = article.body
        fmt = "page_text" if _looks_like_page_text(body) else "fields"
    elif article.html:
        body, meta = parse_html(article.html)
        fmt = "html"
    else:
        raise InvalidArticleError("an article needs a non-empty 'body' or 'html'")
    if len(body) > MAX_TEXT_CHARS:
        raise InvalidArticleError(f"article text is longer than {MAX_TEXT_CHARS} characters")

    if fmt == "page_text":
        doc = parse_page_text(body, article.title)
    else:
        doc = parse_fields(body, article.title or meta.get("title"))
        doc.source_format = "html" if fmt == "html" else "fields"
        doc.title = article.title or meta.get("title") or ""

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
