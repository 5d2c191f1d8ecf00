"""Page residue and boilerplate left by scrapers, spinners, chatbots and SEO templates.

Scraper and chatbot leftovers, keyword tag lists, labelled lines, markdown markers, stock
phrases, clickbait teasers, closing calls for comments and tables of round projections.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from mizan.detector.article import Block, Document
from mizan.detector.language import lemma_key
from mizan.detector.signals.base import Evidence
from mizan.detector.signals.templating.headings import title_stopwords
from mizan.detector.signals.templating.layout import _CONTENT_KINDS, _evidence, _Layout
from mizan.detector.signals.templating.phrases import (
    ENGAGEMENT_CALL,
    RESIDUE,
    clickbait_matcher,
    lexicon_matcher,
    residue_matcher,
    tokenize,
)
from mizan.detector.text import normalize_for_matching

KEYWORD_LIST_MIN_ITEMS = 5
"""Comma-separated items from which a line of short phrases can be a keyword tag list."""

LABELLED_LINE_MAX_CHARS = 160
"""A "label: value" line up to this long, in a run of such lines, is a list without bullets."""

CLOSING_ZONE_SHARE = 0.25
"""An engagement call in the last quarter of the article text counts as a closer."""

CLOSING_ZONE_BLOCKS = 2
"""An engagement call in the last two content blocks counts as a closer."""

PROJECTION_YEARS = range(2025, 2036)
"""Years of the "projection table" pattern (market-size tables up to 2035)."""
_CLICKBAIT_KINDS = frozenset({"title", "heading", "paragraph", "bullet", "table"})
# Symbol residue: chat-tool citation markers ([1], [١], +2 after a word), wiki edit links,
# a chatbot label (AI 🤖), empty quotes where a scraper cut a name out, markdown table rules,
# an embedded image placeholder and UTF-8 read as Latin-1. Every branch is bounded. Each
# branch is paired with literals one of which any match of it holds (none: always run).
_RESIDUE_MARKER_BRANCHES: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (("[",), re.compile(r"\[(?:\d{1,3}|[٠-٩]{1,3}|edit|center|عدل)\]")),
    (("+",), re.compile(r"(?<=[^\W\d_])\s?\+\d{1,2}(?![\d.,%])")),
    (("\U0001f916",), re.compile(r"\bAI ?\U0001F916")),
    (("”", '"', "»"), re.compile(r"[“\"«] ?[”\"»]")),
    (("---",), re.compile(r"\|[ \t]{0,3}:?-{3,}:?[ \t]{0,3}\|")),
    (("<image>", "data:image/"), re.compile(r"<image>|data:image/")),
    (("πŸ", "â€"), re.compile(r"πŸ|â€[™œ]")),
)
_RESIDUE_MARKER = re.compile("|".join(branch.pattern for _, branch in _RESIDUE_MARKER_BRANCHES))
# Further residue, each branch bounded: BBCode tags, a "read also" link fused into the text
# (no space after its colon, or mid-line), Arabic words run together by a scraper that lost
# the spaces, Hebrew letters inside an Arabic word (a spinner's look-alike swap), an image
# file name printed as a line, an emoji opening a line (chat-tool formatting), empty number
# slots ("بنحو،", "(حوالي %)", ": ."), two bare counters on consecutive lines, an image
# slug with an id ("a-b-c-d_17vdj0"), and a link cut short and fused ("...ا…شرح").
_HEBREW = re.compile(r"[\u0590-\u05ff]")
_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27bf]")
GLUED_WORD_MIN_LETTERS = 30
"""An Arabic "word" this long is several words a scraper ran together."""
_READ_ALSO = r"[إا]قرأ[ \t]?[أا]يض(?:ا|اً|ًا)"
_READ_ALSO_LITERALS = tuple(f"قرأ{gap}{alef}يض" for gap in ("", " ", "\t") for alef in ("أ", "ا"))
"""Literals one of which every match of ``_READ_ALSO`` holds."""
_READ_ALSO_BRANCHES: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (_READ_ALSO_LITERALS, re.compile(rf"{_READ_ALSO}[ \t]?[:：](?=[^\s:：])")),
    (_READ_ALSO_LITERALS, re.compile(rf"(?<=[^\s])[ \t]?{_READ_ALSO}")),
)
_READ_ALSO_LINK = re.compile("|".join(branch.pattern for _, branch in _READ_ALSO_BRANCHES))
_EMPTY_SLOT_BRANCHES: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (
        ("بنحو", "حوالي", "قدره", "تقريب"),
        re.compile(r"(?:بنحو|حوالي|قدره|تقريب(?:ا|اً|ًا))[ \t]?[،,.)]"),
    ),
    (("%)",), re.compile(r"\((?:حوالي|نحو)?[ \t]?%\)")),
    ((": .", ":\t.", "： .", "：\t."), re.compile(r"[:：][ \t]\.(?=[ \t])")),
)
_EMPTY_SLOT = re.compile("|".join(branch.pattern for _, branch in _EMPTY_SLOT_BRANCHES))
# Each pattern runs only on a page holding its trigger (a cheap substring test), so a page
# without any of them pays for none of the scans. A pattern that is an alternation of
# branches runs as its branches (see ``alternation_matches``).
_MORE_RESIDUE: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (("[",), re.compile(r"\[/?(?:center|b|i|u|url|img|quote|size|color)(?:=[^\]\n]{0,40})?\]")),
    (("قرأ",), _READ_ALSO_LINK),
    (("glued",), re.compile(r"[\u0621-\u063a\u0641-\u064a]{30,}+")),
    (("hebrew",), re.compile(r"[\u0600-\u06ff][\u0590-\u05ff]|[\u0590-\u05ff][\u0600-\u06ff]")),
    (
        (".jpg", ".jpeg", ".png", ".webp", ".gif", ".JPG", ".JPEG", ".PNG"),
        re.compile(r"(?im:^[^\n]{0,80}\.(?:jpe?g|png|webp|gif)[ \t]*$)"),
    ),
    (
        ("emoji",),
        re.compile(r"(?m:^[ \t]*[\U0001F300-\U0001FAFF\u2600-\u27bf]\ufe0f?[ \t]*(?=\w))"),
    ),
    (
        ("بنحو", "حوالي", "قدره", "تقريب", "%)", ": ."),
        _EMPTY_SLOT,
    ),
    ((), re.compile(r"(?m:^[ \t]*\d{1,6}[ \t]*\n[ \t]*\d{1,6}[ \t]*$)")),
    (
        ("_",),
        re.compile(
            r"(?<![\w-])[a-z0-9]{1,30}+(?:-[a-z0-9]{1,30}+){3,15}+_[a-z0-9]{0,40}?\d[a-z0-9]{0,40}+"
        ),
    ),
    (("…",), re.compile(r"(?<=[^\W\d_])…(?=[^\W\d_])")),
)
_BRANCHES = {
    _RESIDUE_MARKER: _RESIDUE_MARKER_BRANCHES,
    _READ_ALSO_LINK: _READ_ALSO_BRANCHES,
    _EMPTY_SLOT: _EMPTY_SLOT_BRANCHES,
}
_MARKDOWN_MARKER = re.compile(r"(?m)^[ \t]*#{1,6}[ \t]*\S[^\n]*|\*\*[^*\n]{1,120}\*\*")
_LIST_SEPARATOR = re.compile(r"[،,]")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
# "label: value" on one line: up to four words, a colon, then text.
_LABELLED_LINE = re.compile(r"[ \t]*+[^\s:：]++(?:[ \t]++[^\s:：]++){0,3}+[ \t]*+[:：][ \t]*+\S")
# A bullet marker, up to six words (emphasis marks included) and a colon. Words are
# separated by required whitespace so the pattern cannot backtrack badly on long bullets.
_LABELLED_BULLET = re.compile(
    r"\s*(?:[-•*▪►●◦–]|\d{1,2}[.)-]|[٠-٩]{1,2}[.)-])\s*(?:[^\s:：]+\s+){0,5}[^\s:：]+\s*[:：]"
)
LABELLED_LIST_REASON = "run of label-and-value lines (a list without bullets) on a templated page"


def alternation_matches(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Return the matches of ``pattern`` in ``text``, as ``pattern.finditer`` finds them.

    A pattern listed in ``_BRANCHES`` is the alternation of its branches, in order. Each
    branch runs alone, and only on text holding one of its literals (a branch cannot match
    text without them). A branch that matches nowhere cannot change what the alternation
    finds, so when at most one branch matches, its matches are the alternation's; the
    alternation itself runs only on text where two or more branches match.
    """
    branches = _BRANCHES.get(pattern)
    if branches is None:
        return list(pattern.finditer(text))
    found: list[re.Match[str]] = []
    for literals, branch in branches:
        if literals and not any(literal in text for literal in literals):
            continue
        matches = list(branch.finditer(text))
        if matches:
            if found:
                return list(pattern.finditer(text))
            found = matches
    return found


def is_round_number(number: str) -> bool:
    """Return whether a number as written looks like a rounded figure (50, 300, 2,000).

    Bare four-digit numbers from 1900 to 2100 read as years, not as figures.
    """
    value = float(number.replace(",", ""))
    if value < 10 or value != int(value):
        return False
    if number.isdigit() and 1900 <= value <= 2100:
        return False
    return int(value) % 10 == 0


def is_projection_row(row: str) -> bool:
    """Return whether a table row pairs a year in 2025-2035 with a round number."""
    # Very long digit runs are not figures (and would overflow float conversion).
    numbers = [match.group() for match in _NUMBER.finditer(row) if len(match.group()) <= 24]
    has_year = any(number.isdigit() and int(number) in PROJECTION_YEARS for number in numbers)
    return has_year and any(is_round_number(number) for number in numbers)


def labelled_bullet_share(doc: Document) -> float:
    """Return the share of bullets opening with a short label and a colon ("- Cost: ...")."""
    bullets = [block for block in doc.blocks if block.kind == "bullet"]
    if not bullets:
        return 0.0
    labelled = sum(
        1 for block in bullets if _LABELLED_BULLET.match(doc.body, block.start, block.end)
    )
    return labelled / len(bullets)


def find_lexicon_matches(layout: _Layout) -> tuple[list[Evidence], list[Evidence]]:
    """Return stock-phrase and engagement-call evidence found in the article content."""
    phrases: list[Evidence] = []
    engagement_calls: list[Evidence] = []
    for match in lexicon_matcher().find(layout.tokens, layout.phrase_candidates()):
        block = layout.block_of(match.first_token)
        if block is None or block.kind not in _CONTENT_KINDS:
            continue
        if match.label == ENGAGEMENT_CALL:
            reason = f"call for reader comments: {match.phrase!r}"
            engagement_calls.append(_evidence(layout.normalized, match.start, match.end, reason))
        else:
            reason = f"{match.label}: {match.phrase!r}"
            phrases.append(_evidence(layout.normalized, match.start, match.end, reason))
    return phrases, engagement_calls


def find_clickbait(layout: _Layout) -> list[Evidence]:
    """Return clickbait teasers in the title and the article content."""
    found: list[Evidence] = []
    for match in clickbait_matcher().find(layout.tokens, layout.phrase_candidates()):
        block = layout.block_of(match.first_token)
        if block is None or block.kind not in _CLICKBAIT_KINDS:
            continue
        reason = f"{match.label}: {match.phrase!r}"
        found.append(_evidence(layout.normalized, match.start, match.end, reason))
    doc = layout.doc
    if doc.title and doc.title_span is None:
        title = doc.normalized_title
        found += [
            _evidence(title, match.start, match.end, f"{match.label}: {match.phrase!r}", "title")
            for match in clickbait_matcher().find(tokenize(title.text))
        ]
    return found


def find_residue(layout: _Layout) -> list[Evidence]:
    """Return scraper, spinner and chatbot residue anywhere in the page text."""
    doc = layout.doc
    body = doc.body
    present = {
        "glued": max(map(len, layout.tokens.words), default=0) >= GLUED_WORD_MIN_LETTERS,
        "hebrew": _HEBREW.search(body) is not None,
        "emoji": _EMOJI.search(body) is not None,
    }
    patterns = [_RESIDUE_MARKER] + [
        pattern
        for triggers, pattern in _MORE_RESIDUE
        if not triggers
        or any(present[trigger] if trigger in present else trigger in body for trigger in triggers)
    ]
    found = [
        Evidence(match.start(), match.end(), match.group(), RESIDUE)
        for pattern in patterns
        for match in alternation_matches(pattern, body)
    ]
    found += [
        _evidence(layout.normalized, match.start, match.end, f"{RESIDUE}: {match.phrase!r}")
        for match in residue_matcher().find(layout.tokens, layout.phrase_candidates())
    ]
    found.sort(key=lambda item: item.start)
    return found


def find_labelled_lines(doc: Document) -> list[Evidence]:
    """Return runs of two or more short "label: value" lines (a list set without bullets)."""
    found: list[Evidence] = []
    run: list[Block] = []
    for block in [*doc.blocks, None]:
        if (
            block is not None
            and block.kind in ("paragraph", "heading")
            and block.end - block.start <= LABELLED_LINE_MAX_CHARS
            and _LABELLED_LINE.match(doc.body, block.start, block.end)
        ):
            run.append(block)
            continue
        if len(run) >= 2:
            found += [
                Evidence(item.start, item.end, doc.block_text(item), LABELLED_LIST_REASON)
                for item in run
            ]
        run = []
    return found


def find_keyword_lists(layout: _Layout) -> list[Evidence]:
    """Return lines that are SEO keyword lists: short comma-separated phrases sharing a word.

    A tag list ("the dinar, the dinar's price, the dinar's strength, ...") repeats its
    keyword in most items; a list of places or names in a report does not.
    """
    doc = layout.doc
    stopwords = title_stopwords()
    found: list[Evidence] = []
    for block in doc.content_blocks:
        text = doc.block_text(block)
        # Fewer separators than items needed: the line cannot be a tag list.
        if text.count("،") + text.count(",") < KEYWORD_LIST_MIN_ITEMS - 1:
            continue
        items = [item.split() for item in _LIST_SEPARATOR.split(text) if item.strip()]
        if len(items) < KEYWORD_LIST_MIN_ITEMS or any(len(item) > 5 for item in items):
            continue
        counts: Counter[str] = Counter()
        for item in items:
            counts.update(
                {
                    lemma_key(normalize_for_matching(word))
                    for word in item
                    if len(word) > 2 and normalize_for_matching(word) not in stopwords
                }
            )
        if counts and max(counts.values()) >= KEYWORD_LIST_MIN_ITEMS - 2:
            reason = f"{RESIDUE}: keyword tag list printed as text"
            found.append(Evidence(block.start, block.end, text, reason))
    return found


def find_closing(doc: Document, engagement_calls: Sequence[Evidence]) -> list[Evidence]:
    """Return the engagement calls in the closing part of the article."""
    content = doc.content_blocks
    if not content or not engagement_calls:
        return []
    first, last = content[0].start, content[-1].end
    zone_start = last - CLOSING_ZONE_SHARE * (last - first)
    closing_blocks_start = (
        content[-CLOSING_ZONE_BLOCKS].start if len(content) > CLOSING_ZONE_BLOCKS else last
    )
    return [
        replace(call, reason=f"closing {call.reason}")
        for call in engagement_calls
        if call.start >= zone_start or call.start >= closing_blocks_start
    ]


def find_markdown_markers(doc: Document) -> list[Evidence]:
    """Return markdown heading and bold markers left in the content blocks."""
    markers: list[Evidence] = []
    if "#" not in doc.body and "**" not in doc.body:
        return markers
    for block in doc.content_blocks:
        for match in _MARKDOWN_MARKER.finditer(doc.body, block.start, block.end):
            markers.append(
                Evidence(match.start(), match.end(), match.group(), "markdown left in the text")
            )
    return markers
