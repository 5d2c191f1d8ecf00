"""An explicit body: its blocks, and the headline it opens with when sent without a title."""

from __future__ import annotations

import re

from mizan.detector.article.document import Block, BlockKind, Document, Lines, keep_normalized
from mizan.detector.article.lines import (
    BULLET,
    BYLINE_PATTERNS,
    HEADLINE_MIN_WORDS,
    is_boilerplate,
    is_heading,
    is_headline_like,
    is_title_residue,
    title_line_key,
)
from mizan.detector.text import normalize_for_matching


def parse_fields(body: str, title: str | None, lines: Lines | None = None) -> Document:
    """Parse an explicit body: paragraphs, headings, bullets and tables, no boilerplate removal."""
    lines = lines or Lines.of(body)
    title_key = title_line_key(title) if title else ""
    blocks: list[Block] = []
    for span, line, normalized_line in zip(lines.spans, lines.raw, lines.normalized, strict=True):
        kind: BlockKind = "paragraph"
        if BULLET.match(line):
            kind = "bullet"
        elif "\t" in line or line.count("|") >= 2:
            kind = "table"
        elif is_heading(line) and len(lines.spans) > 1:
            kind = "heading"
        if title and normalized_line.strip() == title_key:
            kind = "title"
        blocks.append(Block(span.start, span.end, kind))
    doc = Document(body=body, title=title or "", blocks=blocks, source_format="fields")
    return keep_normalized(doc, lines)


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
"""How many lines above the headline of a plain body may be residue (dates, section names)."""
LEADING_RESIDUE_MAX_CHARS = 120
"""Date, section and posted-by lines above a headline are at most this long."""


_DATE_PREFIX = re.compile(r"^\s*+date\s++[\d٠-٩]{4}-[\d٠-٩]{1,2}-[\d٠-٩]{1,2}\s++", re.IGNORECASE)
"""A crawl's date stamp fused to the first line ("date 2025-10-21 ...")."""
_LEADING_FOLLOWERS = 3
"""Short lines (a standfirst, a byline, a caption) that may sit between a headline and its prose."""


def _word_count(normalized_line: str) -> int:
    """Words of a normalised line that hold a letter or a digit (dashes and bars are not words)."""
    return sum(1 for word in normalized_line.split() if any(ch.isalnum() for ch in word))


def _is_leading_residue(raw_line: str, normalized_line: str) -> bool:
    """Tell whether a line above or below a body's headline is page residue, not text."""
    if is_title_residue(raw_line) or is_boilerplate(normalized_line):
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


def leading_headline(lines: Lines) -> tuple[int, int] | None:
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
    if not is_headline_like(line) or len(line.split()) < 3:
        return None
    if any(p.match(line) for p in BYLINE_PATTERNS):
        return None
    key = normalize_for_matching(line).strip() if offset else normalized[index].strip()
    if any(other.strip() == key for other in normalized[index + 1 :]):
        return index, offset
    following = index + 1
    short_lines: list[int] = []
    while following < len(raw) - 1 and following - index <= _LEADING_LINES + _LEADING_FOLLOWERS:
        if _is_leading_residue(raw[following], normalized[following]):
            following += 1
        elif is_headline_like(raw[following]) and len(short_lines) < _LEADING_FOLLOWERS:
            short_lines.append(following)
            following += 1
        else:
            break
    if is_headline_like(raw[following]) or _is_leading_residue(
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
