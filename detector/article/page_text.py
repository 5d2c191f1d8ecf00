"""Raw page text as copied from a news site, reduced to the article.

Navigation, share buttons, "read also" lists, repeated titles, byline lines and an author box
around the article are classified as such; the headline is chosen among the lines above the
first paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import unquote, urlsplit

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
from mizan.detector.text import Span, normalize_for_matching

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
_SLUG_SEPARATORS = re.compile(r"[-_+/.]++")


def slug_words(url: str | None) -> set[str]:
    """Words of the last meaningful path segment of ``url`` (its slug), normalised."""
    if not url:
        return set()

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
    slug = slug_words(url)
    if len(slug) < 2:
        return []
    scored = []
    for index in candidates:
        shared = len(slug & set(line_keys[index].split()))
        if shared * 2 >= len(slug):
            scored.append((-shared, index))
    return [index for _, index in sorted(scored)]


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
        and is_headline_like(raw[i])
        and not is_title_residue(raw[i])
        and not any(pattern.match(raw[i]) for pattern in BYLINE_PATTERNS)
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
    text: str, title: str | None = None, lines: Lines | None = None, url: str | None = None
) -> Document:
    """Parse raw page text into a :class:`Document` with classified blocks.

    Without a given title the headline is, in order: the heading-like line above the first
    paragraph that shares most words with the URL slug (when ``url`` is given), the first
    such line that repeats later (sites print it two or three times), the first one of three
    words or more, or the first one. Dates, theme buttons ("A A A"), image placeholders,
    icons and site-name lines are never taken for it.
    """
    lines = lines or Lines.of(text)
    raw = lines.raw
    line_keys = [line.strip() for line in lines.normalized]
    kinds: list[BlockKind] = ["paragraph"] * len(raw)

    for index, normalized_line in enumerate(lines.normalized):
        if is_boilerplate(normalized_line):
            kinds[index] = "boilerplate"
    _mark_link_lists(raw, line_keys, kinds)

    first_prose = next(
        (
            i
            for i, line in enumerate(raw)
            if kinds[i] == "paragraph" and not is_headline_like(line) and not is_title_residue(line)
        ),
        len(raw),
    )
    title_index: int | None = None
    if title:
        title_key = title_line_key(title)
        title_index = next((i for i, key in enumerate(line_keys) if key == title_key), None)
    else:
        title_index = _choose_headline(raw, line_keys, kinds, first_prose, url)
        if title_index is not None:
            title = raw[title_index]
    title = title or ""
    title_key = title_line_key(title) if title else ""

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
            for pattern in BYLINE_PATTERNS:
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
            if BULLET.match(line):
                kinds[index] = "bullet"
            elif "\t" in line or line.count("|") >= 2:
                kinds[index] = "table"
            elif is_heading(line):
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
    return keep_normalized(doc, lines)


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
            if kinds[i] != "boilerplate" and not is_headline_like(line)
        ),
        len(raw),
    )
    while index < len(raw):
        if kinds[index] == "boilerplate" and line_keys[index].strip(" :：") in _LINK_LIST_OPENERS:
            following = index + 1
            while following < min(len(raw), index + 1 + LINK_LIST_MAX_LINES):
                line = raw[following]
                stripped = BULLET.sub("", line, count=1) if BULLET.match(line) else line
                if kinds[following] != "boilerplate" and not is_headline_like(stripped):
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


def looks_like_page_text(lines: Lines) -> bool:
    """Tell whether a body is page text copied from a site (chrome, or a byline near the top)."""
    if len(lines.raw) < 4:
        # A short page still counts when it opens with site chrome (a skip link, a menu).
        return len(lines.raw) >= 2 and is_boilerplate(lines.normalized[0])
    noisy = sum(1 for normalized_line in lines.normalized if is_boilerplate(normalized_line))
    bylined = any(p.match(line) for line in lines.raw[:12] for p in BYLINE_PATTERNS)
    return noisy >= 1 or bylined
