"""What one line of a page is: a byline, a bullet, site chrome, a heading or a headline.

The line tests every parser shares (page text, explicit fields and the headline a plain body
opens with).
"""

from __future__ import annotations

import re
import unicodedata

from mizan.detector.lexicons import load_lexicon
from mizan.detector.text import normalize_for_matching

BYLINE_PATTERNS = [
    re.compile(
        r"^\s*+\|?+\s*+(?:كتبها|كتبت|كتب|بقلم|إعداد|اعداد|تقرير|بواسطة)(?![\w\u0600-\u06ff])\s*+[:：\-–]?+\s*+"
        r"(?P<name>[^|\n\s][^|\n]{1,78}(?<=[^|\n\s]))\s*+\|?+\s*+$"
    ),
    re.compile(
        r"^\s*+(?:By|Written by|Reporting by)(?:\s*+[:\-–])?+\s++"
        r"(?P<name>[A-Z][^\n|]{1,79}(?<=[^\n|\s]))\s*+\|?+\s*+$"
    ),
]
BULLET = re.compile(r"^\s*+(?:[-•*▪►●◦–]|\d{1,2}[.)-]|[٠-٩]{1,2}[.)-])\s+")
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


def is_boilerplate(normalized_line: str) -> bool:
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


def is_heading(line: str) -> bool:
    """Tell whether a line is shaped like a heading: short, and not ending like a sentence."""
    # The length first: a long paragraph needs no split into words.
    return len(line) <= 160 and 1 <= len(line.split()) <= 16 and not _END_PUNCT.search(line)


# A headline may end in a question or exclamation mark, a closing quote or bracket, or with
# no mark at all; a full stop, colon or comma ends a sentence or a label.
_HEADLINE_END = re.compile(r"(?<!\.)[.:：؛;,،]\s*+$")
HEADLINE_MAX_WORDS = 24
"""Headlines are at most this many words (SEO headlines run long, prose runs longer)."""


def is_headline_like(line: str) -> bool:
    """Tell whether a line is shaped like a headline (a heading, or ending in ?, ! or a quote)."""
    if is_heading(line):
        return True
    return (
        len(line) <= 220
        and 3 <= len(line.split()) <= HEADLINE_MAX_WORDS
        and not _HEADLINE_END.search(line)
    )


def title_line_key(title: str) -> str:
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
# Chrome lines that open with a widget's or a masthead's words: like-our-page and subscribe
# calls, the editor-in-chief box, "Published:" stamps, a site name fused to a byline.
_CHROME_LINE = re.compile(
    r"^\s*+(?:سج[ّ]?ل إعجابك|اشترك (?:مجانا|مجاناً|الآن|في|ب)|تابعونا|تابعنا|رئيس مجلس|"
    r"رئيس التحرير|المشرف العام|الإشراف العام|(?:Published|Updated|Last updated)\s*+:)"
    r"|^[^\n]{1,40}\s[–—-]\s*+(?:كتب|كتبت|بقلم)\s",
    re.IGNORECASE,
)


def is_title_residue(line: str) -> bool:
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


HEADLINE_MIN_WORDS = 4
"""Site names and slogans are short: a line of this many words or more is preferred as headline."""
