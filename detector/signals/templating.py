"""Templating: stock AI and SEO phrasing, keyword-stuffed headings and repeated text.

Content farms and machine-written pages share a shape: stock phrases ("in today's fast-paced
world", "في عالم اليوم المتسارع"), headings that repeat the title's keywords, the title
pasted into the prose, a closing call for comments, duplicated word n-grams and sentences
(the Gopher repetition filters), markdown left over from a chat answer, tables of round
projections for 2030, and whole passages shared with earlier articles of the same outlet.
Every measure is a small named function; the signal combines them into one score.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate, compress
from urllib.parse import unquote, urlsplit

import numpy as np

from detector.article import Block, Document, WordSpans, word_spans
from detector.language import lemma_key
from detector.lexicons import load_lexicon
from detector.signals.base import Evidence, EvidenceField, Signal, SignalContext, SignalResult
from detector.text import NormalizedText, Span, normalize_for_matching

# --- named thresholds and weights ---------------------------------------------------------

STUFFED_HEADING_MIN_KEYWORDS = 2
"""A heading repeating at least this many distinct title keywords is keyword-stuffed."""

TITLE_REPEAT_MIN_WORDS = 3
"""Titles shorter than this (in words) are not searched for in the prose."""

NEAR_COPY_WORDS = 4
"""A heading opening with the title's first this many words is a copy of it (page chrome)."""

LINE_HEADING_MAX_WORDS = 12
"""A line ending in "?" or ":" of at most this many words reads as a section heading."""

LINE_HEADING_MAX_CHARS = 120
"""... and of at most this many characters."""

REPEATED_LINE_MAX_CHARS = 300
"""Lines longer than this are paragraphs, left to the repeated-sentence measure."""

GLUED_LINE_MIN_LETTERS = 16
"""A line of one or two "words" this long has lost its spaces: it counts as a repeated line."""

TEMPLATED_PAGE_MIN_PHRASES = 1
"""Stock phrases from which a page's lists and repeated lines are shown as its template."""

TEMPLATED_PAGE_MIN_STUFFED = 2
"""... or stuffed headings (one heading echoing the headline is often a caption)."""

URL_SLUG_MAX_WORDS = 16
"""Words of a URL slug read as the page's keywords (slugs are short; ids are not words)."""

IMPLIED_TITLE_MIN_ECHOES = 1
"""A leading heading is taken as the headline only when this many other headings echo it."""

IMPLIED_TITLE_CANDIDATES = 6
"""Without a title field, this many leading headings are tried as the page's headline."""

RESTATED_RUN_WORDS = 8
"""Two paragraphs sharing a run of this many words restate one another (spun padding)."""

STANDFIRST_MIN_WORDS = 6
"""A heading-shaped line this long between the headline and the text is a standfirst."""

KEYWORD_LIST_MIN_ITEMS = 5
"""Comma-separated items from which a line of short phrases can be a keyword tag list."""

FOCUS_KEYWORD_MIN_COUNT = 3
"""A pair of content words the prose repeats this often is the page's focus keyword."""

LABELLED_LINE_MAX_CHARS = 160
"""A "label: value" line up to this long, in a run of such lines, is a list without bullets."""

TITLE_REPEATS_TOLERATED = 1
"""News leads often restate the headline once; only further repeats raise the score."""

CLOSING_ZONE_SHARE = 0.25
"""An engagement call in the last quarter of the article text counts as a closer."""

CLOSING_ZONE_BLOCKS = 2
"""An engagement call in the last two content blocks counts as a closer."""

DUPLICATE_NGRAM_SIZES = (5, 10)
"""Word n-gram sizes of the duplicated-character fractions (Gopher uses 5..10)."""

GOPHER_DUPLICATE_5GRAM_LIMIT = 0.15
"""Gopher quality filter: at most 15% of characters in duplicated word 5-grams."""

GOPHER_TOP_2GRAM_LIMIT = 0.20
"""Gopher quality filter: the most frequent word 2-gram covers at most 20% of characters."""

REPEATED_SENTENCE_MIN_WORDS = 4
"""Sentences shorter than this are not compared (datelines, "he said.")."""

PROJECTION_YEARS = range(2025, 2036)
"""Years of the "projection table" pattern (market-size tables up to 2035)."""

ARCHIVE_DUPLICATE_SIMILARITY = 0.5
"""Archive similarity from which a near-duplicate counts fully in the score."""

PASSAGE_PREFIX_WORDS = 12
"""A shared passage not found whole is searched for by this many leading words."""

MAX_EVIDENCE_PER_KIND = 10
"""Evidence items kept per kind, so one noisy measure cannot flood a report."""

# Weights of the measures in the noisy-or score: each is the most one measure alone can give.
PHRASE_WEIGHT = 0.55
STUFFED_HEADING_WEIGHT = 0.45
CLOSING_ENGAGEMENT_WEIGHT = 0.35
TITLE_REPEAT_WEIGHT = 0.25
REPETITION_WEIGHT = 0.35
MARKDOWN_WEIGHT = 0.25
PROJECTION_TABLE_WEIGHT = 0.2
ARCHIVE_WEIGHT = 0.6

# Words of a photo caption line ("صورة أرشيفية", "file photo"): not a section heading.
_CAPTION_WORDS = frozenset({"صوره", "ارشيفيه", "photo", "pictured", "image", "عدسه"})
_CLICKBAIT_KINDS = frozenset({"title", "heading", "paragraph", "bullet", "table"})
_LINE_KINDS = frozenset({"heading", "paragraph", "title"})
_LIST_KINDS = frozenset({"bullet", "table"})
REPEATED_LINE_REASON = "line printed again as its own line on a page with template tells"
TEMPLATED_LIST_REASON = "bullet list or table on a page with template tells"
_HEADING_END = frozenset("?؟:：")
_CONTENT_KINDS = frozenset({"heading", "paragraph", "bullet", "table"})
_PROSE_KINDS = frozenset({"paragraph", "bullet"})
# Characters allowed between the words of one phrase: spaces, hyphens, apostrophes.
_PHRASE_GAP = re.compile(r"[ \t\u00a0\u200c\u200f\-'’]{0,3}")
_ARABIC_PROCLITICS = "وف"
_ARABIC_ARTICLE_PREFIXES = ("وبال", "وال", "فال", "بال", "كال", "لل", "ال")
# Symbol residue: chat-tool citation markers ([1], [١], +2 after a word), wiki edit links,
# a chatbot label (AI 🤖), empty quotes where a scraper cut a name out, markdown table rules,
# an embedded image placeholder and UTF-8 read as Latin-1. Every branch is bounded.
_RESIDUE_MARKER = re.compile(
    r"\[(?:\d{1,3}|[٠-٩]{1,3}|edit|center|عدل)\]"
    r"|(?<=[^\W\d_])\s?\+\d{1,2}(?![\d.,%])"
    r"|\bAI ?\U0001F916"
    r"|[“\"«] ?[”\"»]"
    r"|\|[ \t]{0,3}:?-{3,}:?[ \t]{0,3}\|"
    r"|<image>|data:image/"
    r"|πŸ|â€[™œ]"
)
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
# Each pattern runs only on a page holding its trigger (a cheap substring test), so a page
# without any of them pays for none of the scans.
_MORE_RESIDUE: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (("[",), re.compile(r"\[/?(?:center|b|i|u|url|img|quote|size|color)(?:=[^\]\n]{0,40})?\]")),
    (
        ("قرأ",),
        re.compile(rf"{_READ_ALSO}[ \t]?[:：](?=[^\s:：])|(?<=[^\s])[ \t]?{_READ_ALSO}"),
    ),
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
        re.compile(
            r"(?:بنحو|حوالي|قدره|تقريب(?:ا|اً|ًا))[ \t]?[،,.)]"
            r"|\((?:حوالي|نحو)?[ \t]?%\)|[:：][ \t]\.(?=[ \t])"
        ),
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
_MARKDOWN_MARKER = re.compile(r"(?m)^[ \t]*#{1,6}[ \t]*\S[^\n]*|\*\*[^*\n]{1,120}\*\*")
_LIST_SEPARATOR = re.compile(r"[،,]")
# Separators of breadcrumbs and share lines ("الرئيسية > اقتصاد > ...", "شارك: ...").
_CHROME_SEPARATOR = re.compile(r"[>›»|/:：]")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
# "label: value" on one line: up to four words, a colon, then text.
_LABELLED_LINE = re.compile(r"[ \t]*+[^\s:：]++(?:[ \t]++[^\s:：]++){0,3}+[ \t]*+[:：][ \t]*+\S")
# A bullet marker, up to six words (emphasis marks included) and a colon. Words are
# separated by required whitespace so the pattern cannot backtrack badly on long bullets.
_LABELLED_BULLET = re.compile(
    r"\s*(?:[-•*▪►●◦–]|\d{1,2}[.)-]|[٠-٩]{1,2}[.)-])\s*(?:[^\s:：]+\s+){0,5}[^\s:：]+\s*[:：]"
)


# --- token-level phrase matching ----------------------------------------------------------


@dataclass(frozen=True)
class Tokens:
    """The words of normalised ``text`` with their ``[start, end)`` offsets in it."""

    text: str
    words: list[str]
    starts: list[int]
    ends: list[int]

    def range_of(self, start: int, end: int) -> tuple[int, int]:
        """Return the ``[first, last)`` token indexes of words starting in ``[start, end)``."""
        return bisect_left(self.starts, start), bisect_left(self.starts, end)


@dataclass(frozen=True)
class PhraseMatch:
    """A lexicon phrase found in normalised text (offsets into that text)."""

    start: int
    end: int
    phrase: str
    label: str
    first_token: int


def tokenize(normalized: str) -> Tokens:
    """Return the words of already normalised text with their offsets.

    Words are runs of letters and digits: Arabic punctuation (، ؛ ؟) must not stick to words
    when matching.
    """
    spans = word_spans(normalized)
    return Tokens(normalized, spans.words, spans.starts, spans.ends)


_Candidate = tuple[tuple[str, ...], str, str]


@dataclass
class _FirstWordEntry:
    """The phrases that start with one word: one-word phrases and the rest by second word."""

    single: list[_Candidate]
    by_second: dict[str, list[_Candidate]]


class PhraseMatcher:
    """Finds multi-word phrases in token sequences, word-bounded and longest first.

    Phrases are tokenised like the text, so "ever-evolving" matches "ever evolving" and
    "it's" matches "it’s". An Arabic word may carry a leading و or ف ("وفي الختام").
    Words of one phrase must sit on one line with no punctuation between them.
    """

    def __init__(self, phrases_by_label: Mapping[str, Iterable[str]]) -> None:
        index: dict[str, _FirstWordEntry] = {}
        for label, phrases in phrases_by_label.items():
            for phrase in phrases:
                words = tuple(tokenize(normalize_for_matching(phrase)).words)
                if not words:
                    continue
                entry = index.setdefault(words[0], _FirstWordEntry([], {}))
                if len(words) == 1:
                    entry.single.append((words, phrase, label))
                else:
                    entry.by_second.setdefault(words[1], []).append((words, phrase, label))
        for entry in index.values():
            for candidates in entry.by_second.values():
                candidates.sort(key=lambda candidate: len(candidate[0]), reverse=True)
        self._index = index
        # Words that may open a phrase: a first word, bare or behind an Arabic proclitic.
        self._openers = frozenset(index) | frozenset(
            proclitic + word for proclitic in _ARABIC_PROCLITICS for word in index
        )

    def find(self, tokens: Tokens) -> list[PhraseMatch]:
        """Return the non-overlapping phrase matches in ``tokens``."""
        index = self._index
        words = tokens.words
        # Most words open no phrase; pick the positions of those that may in one pass.
        hits = compress(range(len(words)), map(self._openers.__contains__, words))
        matches: list[PhraseMatch] = []
        next_free = 0
        last = len(words) - 1
        for position in hits:
            if position < next_free:
                continue
            word = words[position]
            # An entry matches only with a one-word phrase or a phrase whose second word
            # follows (what _match_at checks first): skip the call otherwise.
            following = words[position + 1] if position < last else None
            found = None
            entry = index.get(word)
            if entry is not None and (entry.single or following in entry.by_second):
                found = self._match_at(tokens, position, entry)
            if found is None and len(word) > 2 and word[0] in _ARABIC_PROCLITICS:
                entry = index.get(word[1:])
                if entry is not None and (entry.single or following in entry.by_second):
                    found = self._match_at(tokens, position, entry)
            if found is not None:
                matches.append(found[0])
                next_free = found[1] + 1
        return matches

    @staticmethod
    def _match_at(
        tokens: Tokens, position: int, entry: _FirstWordEntry
    ) -> tuple[PhraseMatch, int] | None:
        words, starts, ends, text = tokens.words, tokens.starts, tokens.ends, tokens.text
        following = position + 1
        if (
            entry.by_second
            and following < len(words)
            and words[following] in entry.by_second
            and _PHRASE_GAP.fullmatch(text, ends[position], starts[following])
        ):
            for phrase_words, phrase, label in entry.by_second[words[following]]:
                last = position + len(phrase_words) - 1
                if last >= len(words):
                    continue
                if all(
                    words[position + offset] == phrase_words[offset]
                    and _PHRASE_GAP.fullmatch(
                        text, ends[position + offset - 1], starts[position + offset]
                    )
                    for offset in range(2, len(phrase_words))
                ):
                    match = PhraseMatch(starts[position], ends[last], phrase, label, position)
                    return match, last
        if entry.single:
            _, phrase, label = entry.single[0]
            return PhraseMatch(starts[position], ends[position], phrase, label, position), position
        return None


STOCK_AI_PHRASE = "stock AI phrase"
STOCK_SEO_PHRASE = "stock SEO phrase"
ENGAGEMENT_CALL = "engagement call"
PROJECTION_REASON = "table row pairing a 2025-2035 year with a round figure"


@lru_cache(maxsize=1)
def lexicon_matcher() -> PhraseMatcher:
    """Return the matcher of stock AI and SEO phrases and engagement calls (Arabic, English)."""
    return PhraseMatcher(
        {
            STOCK_AI_PHRASE: load_lexicon("ar/templating_phrases")
            + load_lexicon("en/templating_phrases"),
            STOCK_SEO_PHRASE: load_lexicon("ar/templating_seo_phrases")
            + load_lexicon("en/templating_seo_phrases"),
            ENGAGEMENT_CALL: load_lexicon("ar/templating_engagement")
            + load_lexicon("en/templating_engagement"),
        }
    )


CLICKBAIT = "clickbait teaser"
RESIDUE = "scraper, spinner or chatbot residue"
TEMPLATE_HEADING = "section heading from an SEO template"
HEADLINE_COPY_REASON = "headline printed again as its own line on a page with template tells"
RESTATED_REASON = "passage restated in another paragraph on a page with template tells"
LABELLED_LIST_REASON = "run of label-and-value lines (a list without bullets) on a templated page"


@lru_cache(maxsize=1)
def heading_formula_matcher() -> PhraseMatcher:
    """Return the matcher of the stock openings of SEO section headings (Arabic, English)."""
    return PhraseMatcher(
        {
            TEMPLATE_HEADING: load_lexicon("ar/templating_headings")
            + load_lexicon("en/templating_headings")
        }
    )


@lru_cache(maxsize=1)
def clickbait_matcher() -> PhraseMatcher:
    """Return the matcher of clickbait and sensational teasers (Arabic, English)."""
    return PhraseMatcher(
        {
            CLICKBAIT: load_lexicon("ar/templating_clickbait")
            + load_lexicon("en/templating_clickbait")
        }
    )


@lru_cache(maxsize=1)
def residue_matcher() -> PhraseMatcher:
    """Return the matcher of residue phrases (comment forms, widgets, chatbot labels)."""
    return PhraseMatcher(
        {RESIDUE: load_lexicon("ar/templating_residue") + load_lexicon("en/templating_residue")}
    )


@lru_cache(maxsize=1)
def title_stopwords() -> frozenset[str]:
    """Return normalised Arabic and English stopwords ignored among title keywords."""
    entries = load_lexicon("ar/templating_stopwords") + load_lexicon("en/templating_stopwords")
    return frozenset(normalize_for_matching(entry) for entry in entries)


# --- pure measures --------------------------------------------------------------------------


def keyword_forms(word: str) -> frozenset[str]:
    """Return the forms a keyword may take: itself, without و, without the Arabic article, -s."""
    forms = {word}
    if len(word) > 3 and word[0] in _ARABIC_PROCLITICS:
        forms.add(word[1:])
    for form in list(forms):
        for prefix in _ARABIC_ARTICLE_PREFIXES:
            if form.startswith(prefix) and len(form) - len(prefix) >= 2:
                forms.add(form[len(prefix) :])
                break
        if form.isascii() and len(form) > 3 and form.endswith("s"):
            forms.add(form[:-1])
    return frozenset(forms)


def url_slug_words(url: str | None) -> list[str]:
    """Return the normalised words of the last path segment of ``url`` with letters in it."""
    if not url:
        return []
    path = unquote(urlsplit(url).path)
    segment = next((part for part in reversed(path.split("/")) if part.strip()), "")
    segment = segment.rsplit(".", 1)[0] if segment.endswith((".html", ".htm", ".php")) else segment
    words = tokenize(normalize_for_matching(segment.replace("-", " ").replace("_", " "))).words
    return [word for word in words[:URL_SLUG_MAX_WORDS] if not word.isdigit()]


def title_keyword_pairs(
    title_words: Iterable[str],
) -> list[tuple[frozenset[str], str]]:
    """Return ``(forms, word)`` for the content words of a title, as :func:`title_keywords`."""
    stopwords = title_stopwords()
    pairs: list[tuple[frozenset[str], str]] = []
    seen: set[str] = set()
    for word in title_words:
        bare = word[1:] if len(word) > 2 and word[0] in _ARABIC_PROCLITICS else word
        if word in stopwords or bare in stopwords or word.isdigit() or len(word) < 2:
            continue
        if word not in seen:
            seen.add(word)
            pairs.append((keyword_forms(word), word))
    return pairs


def title_keywords(title_words: Iterable[str], stopwords: frozenset[str]) -> list[frozenset[str]]:
    """Return the content words of a title (normalised), each as its set of forms."""
    keywords: list[frozenset[str]] = []
    seen: set[str] = set()
    for word in title_words:
        bare = word[1:] if len(word) > 2 and word[0] in _ARABIC_PROCLITICS else word
        if word in stopwords or bare in stopwords or word.isdigit() or len(word) < 2:
            continue
        if word not in seen:
            seen.add(word)
            keywords.append(keyword_forms(word))
    return keywords


def doc_heading_starts(doc: Document) -> frozenset[int]:
    """Return the start offsets of the page parser's heading blocks."""
    return frozenset(block.start for block in doc.headings)


def section_headings(layout: _Layout) -> list[Block]:
    """Return the heading blocks plus the short lines that read as headings on pasted pages.

    A line of at most :data:`LINE_HEADING_MAX_WORDS` words ending in "?", "؟" or ":"
    followed by more text ("لماذا الدينار الكويتي هو الأقوى؟") is a section heading there
    even though the page parser keeps it as a paragraph for its end punctuation.
    """
    doc = layout.doc
    blocks = doc.blocks
    found: list[Block] = []
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            found.append(block)
        elif (
            block.kind == "paragraph"
            and index + 1 < len(blocks)
            and block.end - block.start <= LINE_HEADING_MAX_CHARS
            and doc.body[block.start : block.end].rstrip()[-1:] in _HEADING_END
            and len(layout.words_in(block.start, block.end)) <= LINE_HEADING_MAX_WORDS
        ):
            found.append(block)
    return found


def implied_title(
    layout: _Layout, stopwords: frozenset[str]
) -> tuple[Block | None, list[frozenset[str]]]:
    """Return the heading that reads as the headline of a page sent without a title.

    Among the first :data:`IMPLIED_TITLE_CANDIDATES` headings of at least
    :data:`TITLE_REPEAT_MIN_WORDS` words, the one whose keywords the most other headings
    repeat (the earliest on a tie); ``(None, [])`` when there is none. Linear: a bounded
    number of candidates, each compared with every heading once.
    """
    headings = section_headings(layout)
    heading_words = [layout.words_in(heading.start, heading.end) for heading in headings]
    best: tuple[Block | None, list[frozenset[str]]] = (None, [])
    best_echoes = -1
    candidates = 0
    for index, words in enumerate(heading_words):
        if candidates >= IMPLIED_TITLE_CANDIDATES:
            break
        if len(words) < TITLE_REPEAT_MIN_WORDS:
            continue
        candidates += 1
        keywords = title_keywords(words, stopwords)
        if len(keywords) < STUFFED_HEADING_MIN_KEYWORDS:
            continue
        echoes = sum(
            1
            for other, other_words in enumerate(heading_words)
            if other != index
            and tuple(other_words) != tuple(words)
            and repeated_keywords(keywords, other_words) >= STUFFED_HEADING_MIN_KEYWORDS
        )
        if echoes > best_echoes:
            best, best_echoes = (headings[index], keywords), echoes
    if best_echoes < IMPLIED_TITLE_MIN_ECHOES:
        return None, []
    return best


def repeated_keywords(keywords: Sequence[frozenset[str]], words: Iterable[str]) -> int:
    """Return how many of ``keywords`` occur (in any form) among ``words``."""
    present: set[str] = set()
    for word in set(words):
        present |= keyword_forms(word)
        present.add(lemma_key(word))
    return sum(1 for forms in keywords if forms & present)


_NGRAM_HASH_BASE = np.uint64(1_000_003)


class _WordSequence:
    """A word list prepared for the repetition measures: word ids and character offsets.

    A word's id is the position of its first occurrence, so equal n-grams have equal ids.
    """

    def __init__(self, words: Sequence[str]) -> None:
        """Give each word of ``words`` an id."""
        self.words = words
        first_seen: dict[str, int] = {}
        self.ids = np.fromiter(
            map(first_seen.setdefault, words, range(len(words))), dtype=np.int64, count=len(words)
        )
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


def per_thousand_words(count: float, word_count: int) -> float:
    """Return ``count`` per 1000 words (0 for empty text)."""
    return 1000.0 * count / word_count if word_count > 0 else 0.0


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


def saturating(value: float, full_at: float) -> float:
    """Return ``value / full_at`` clipped to [0, 1]."""
    return max(0.0, min(1.0, value / full_at)) if full_at > 0 else 0.0


# --- the signal -----------------------------------------------------------------------------


class _Layout:
    """The words of the normalised body and the blocks they fall in."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.normalized = doc.normalized
        spans = doc.normalized_words
        self.tokens = Tokens(self.normalized.text, spans.words, spans.starts, spans.ends)
        self._block_starts = [block.start for block in doc.blocks]

    def normalized_offset(self, original: int) -> int:
        """Return the normalised offset of the first character at or after ``original``."""
        return bisect_left(self.normalized.index, original)

    def words_in(self, start: int, end: int) -> list[str]:
        """Return the words of the original ``[start, end)`` span."""
        first, last = self.tokens.range_of(
            self.normalized_offset(start), self.normalized_offset(end)
        )
        return self.tokens.words[first:last]

    def block_of(self, token_index: int) -> Block | None:
        """Return the block holding the token at ``token_index`` (``None`` if outside all)."""
        original = self.normalized.index[self.tokens.starts[token_index]]
        block_index = bisect_right(self._block_starts, original) - 1
        if block_index < 0:
            return None
        block = self.doc.blocks[block_index]
        return block if original < block.end else None


HEADLINE_MISMATCH_PROSE_WORDS = 200
"""Words of the text's opening searched for the headline's keywords."""

HEADLINE_MISMATCH_MIN_KEYWORDS = 4
"""A headline needs this many keywords before its absence from the text is read as a mismatch."""


def _headline_mismatch(
    layout: _Layout, keywords: Sequence[frozenset[str]], span: Span
) -> Evidence | None:
    """Return evidence on a headline of which at most one keyword occurs in the prose.

    A generic SEO headline ("a revolution in technology") over a text about something else
    shares almost no word with it; a news headline shares most of its words with the lead.
    """
    if len(keywords) < HEADLINE_MISMATCH_MIN_KEYWORDS:
        return None
    doc = layout.doc
    prose: list[str] = []
    for block in doc.blocks:
        if block.kind in _PROSE_KINDS:
            prose += layout.words_in(block.start, block.end)
            if len(prose) >= HEADLINE_MISMATCH_PROSE_WORDS:
                break  # a headline's words are in the lead if anywhere
    if len(prose) < 50:
        return None  # too little text to say what it is about
    shared = repeated_keywords(keywords, prose)
    if shared > 1:
        return None
    return Evidence(
        span.start,
        span.end,
        doc.body[span.start : span.end],
        f"headline of which {shared} of {len(keywords)} keywords occur in the text",
    )


def _pair_key(word: str) -> str:
    """Return a normalised word without a leading article ("الدينار" and "والدينار" agree)."""
    if word.startswith("وال"):
        return word[3:]
    return word[2:] if word.startswith("ال") else word


def _holds_run(words: Sequence[str], run: Sequence[str]) -> bool:
    """Whether ``run`` (of three words or more) occurs as consecutive items of ``words``."""
    size = len(run)
    if size < TITLE_REPEAT_MIN_WORDS or size > len(words):
        return False
    first = run[0]
    return any(
        words[index] == first and tuple(words[index : index + size]) == tuple(run)
        for index in range(len(words) - size + 1)
    )


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


def find_lexicon_matches(layout: _Layout) -> tuple[list[Evidence], list[Evidence]]:
    """Return stock-phrase and engagement-call evidence found in the article content."""
    phrases: list[Evidence] = []
    engagement_calls: list[Evidence] = []
    for match in lexicon_matcher().find(layout.tokens):
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
    for match in clickbait_matcher().find(layout.tokens):
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
        for match in pattern.finditer(body)
    ]
    found += [
        _evidence(layout.normalized, match.start, match.end, f"{RESIDUE}: {match.phrase!r}")
        for match in residue_matcher().find(layout.tokens)
    ]
    found.sort(key=lambda item: item.start)
    return found


def find_formula_headings(layout: _Layout) -> list[Evidence]:
    """Return section headings that open with a stock SEO formula ("نبذة تاريخية عن")."""
    doc = layout.doc
    headings = section_headings(layout)
    if len(headings) < TEMPLATED_PAGE_MIN_STUFFED:
        return []  # one heading is a caption or a standfirst, not a template
    title_starts = {block.start for block in doc.title_lines}
    found: list[Evidence] = []
    for heading in headings:
        if heading.start in title_starts:
            continue
        words = layout.words_in(heading.start, heading.end)
        if not words:
            continue
        tokens = Tokens(" ".join(words), words, *_word_offsets(words))
        matches = heading_formula_matcher().find(tokens)
        if matches and matches[0].first_token == 0:
            reason = f"{TEMPLATE_HEADING}: {matches[0].phrase!r}"
            found.append(Evidence(heading.start, heading.end, doc.block_text(heading), reason))
    return found


def find_focus_headings(layout: _Layout, shown: set[int]) -> list[Evidence]:
    """Return headings holding the page's focus keyword (a word pair the prose repeats)."""
    doc = layout.doc
    title_starts = {block.start for block in doc.title_lines}
    headings = [
        heading
        for heading in section_headings(layout)
        if heading.start not in shown and heading.start not in title_starts
    ]
    if not headings:
        return []
    stopwords = title_stopwords()
    pairs: Counter[tuple[str, str]] = Counter()
    for block in doc.blocks:
        if block.kind not in _PROSE_KINDS:
            continue
        words = [
            _pair_key(word)
            for word in layout.words_in(block.start, block.end)
            if word not in stopwords and not word.isdigit() and len(word) > 2
        ]
        pairs.update(zip(words, words[1:], strict=False))
    focus = {pair for pair, count in pairs.items() if count >= FOCUS_KEYWORD_MIN_COUNT}
    if not focus:
        return []
    heading_words = [tuple(layout.words_in(block.start, block.end)) for block in headings]
    copies = Counter(heading_words)
    found: list[Evidence] = []
    for heading, heading_key in zip(headings, heading_words, strict=True):
        if copies[heading_key] > 1 or not _CAPTION_WORDS.isdisjoint(heading_key):
            continue
        heading_keys = [
            _pair_key(word)
            for word in heading_key
            if word not in stopwords and not word.isdigit() and len(word) > 2
        ]
        pair = next(
            (pair for pair in zip(heading_keys, heading_keys[1:], strict=False) if pair in focus),
            None,
        )
        if pair is not None:
            reason = f"heading repeats the page's focus keyword {' '.join(pair)!r}"
            found.append(Evidence(heading.start, heading.end, doc.block_text(heading), reason))
    return found


def find_headline_copies(doc: Document) -> list[Evidence]:
    """Return the lines that print the headline, when it stands on the page twice or more."""
    lines = doc.title_lines
    if len(lines) < 2:
        return []
    return [
        Evidence(block.start, block.end, doc.block_text(block), HEADLINE_COPY_REASON)
        for block in lines
    ]


def find_restated_passages(layout: _Layout) -> list[Evidence]:
    """Return runs of :data:`RESTATED_RUN_WORDS`+ words that two prose blocks share.

    One pass over the prose words keeps the first place of each word n-gram; an n-gram
    met again in another block starts a shared run, extended while the words agree, and
    the scan resumes after it (linear in the words, times the n-gram size).
    """
    doc, tokens = layout.doc, layout.tokens
    words = tokens.words
    size = RESTATED_RUN_WORDS
    first_at: dict[tuple[str, ...], tuple[int, int]] = {}
    found: list[Evidence] = []
    for block_index, block in enumerate(doc.blocks):
        if block.kind not in _PROSE_KINDS:
            continue
        low, high = tokens.range_of(
            layout.normalized_offset(block.start), layout.normalized_offset(block.end)
        )
        position = low
        while position + size <= high:
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
        if "،" not in text and "," not in text:
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


def find_title_phrases(doc: Document) -> list[Evidence]:
    """Return stock phrases in the title field (when it is not part of the body)."""
    if not doc.title or doc.title_span is not None:
        return []
    title = doc.normalized_title
    return [
        _evidence(title, match.start, match.end, f"{match.label}: {match.phrase!r}", "title")
        for match in lexicon_matcher().find(tokenize(title.text))
        if match.label != ENGAGEMENT_CALL
    ]


def find_stuffed_headings(layout: _Layout) -> tuple[list[Evidence], list[Evidence]]:
    """Return the stuffed headings and, for a page without a title, its implied headline."""
    doc = layout.doc
    headings = section_headings(layout)
    if not headings:
        return [], []
    stopwords = title_stopwords()
    title_heading: Block | None = None
    copy_at = len(headings) + 1_000_000  # keywords from which a heading is the headline
    implied_span = doc.implied_title_span
    if doc.title:
        keywords = title_keywords(tokenize(normalize_for_matching(doc.title)).words, stopwords)
        title_words = tuple(tokenize(normalize_for_matching(doc.title)).words)
    elif doc.implied_title and implied_span is not None:
        # The headline the parser found at the top of a body sent without a title.
        title_words = tuple(layout.words_in(implied_span.start, implied_span.end))
        keywords = title_keywords(title_words, stopwords)
        title_heading = next(
            (block for block in headings if block.start <= implied_span.start < block.end),
            None,
        )
    else:
        title_heading, keywords = implied_title(layout, stopwords)
        title_words = (
            tuple(layout.words_in(title_heading.start, title_heading.end))
            if title_heading is not None
            else ()
        )
        if title_heading is None:
            # No headline among the headings: the URL slug names the page's keywords.
            slug_words = url_slug_words(doc.url)
            keywords = [
                forms | {lemma_key(word)} for forms, word in title_keyword_pairs(slug_words)
            ]
            # The slug spells the headline: a heading holding nearly all of it is that.
            copy_at = max(STUFFED_HEADING_MIN_KEYWORDS + 1, round(0.75 * len(keywords)))
    if len(keywords) < STUFFED_HEADING_MIN_KEYWORDS:
        return [], []
    stuffed: list[Evidence] = []
    first_prose = next(
        (block.start for block in doc.blocks if block.kind in _PROSE_KINDS), len(doc.body)
    )
    all_words = [tuple(layout.words_in(block.start, block.end)) for block in headings]
    copies = Counter(all_words)
    for heading, words in zip(headings, all_words, strict=True):
        if (
            heading is title_heading
            or words == title_words
            or copies[words] > 1
            or not _CAPTION_WORDS.isdisjoint(words)
        ):
            # Copies of the headline or of one another are page chrome, not stuffing.
            continue
        if (
            len(title_words) > NEAR_COPY_WORDS
            and words[:NEAR_COPY_WORDS] == (title_words[:NEAR_COPY_WORDS])
        ):
            continue  # the headline again with a different ending: page chrome
        if _holds_run(words, title_words) and (
            len(title_words) > NEAR_COPY_WORDS or _CHROME_SEPARATOR.search(doc.block_text(heading))
        ):
            continue  # a breadcrumb or share line carrying the whole headline: chrome
        if title_words and heading.start < first_prose and len(words) >= STANDFIRST_MIN_WORDS:
            continue  # a standfirst under the headline, above the text: wire style
        repeated = repeated_keywords(keywords, words)
        # Above all prose, a heading holding nearly all of the slug is the headline; below
        # the first paragraph only one holding all of it is (a ticker may sit above it).
        limit = copy_at if heading.start < first_prose else max(copy_at, len(keywords))
        if STUFFED_HEADING_MIN_KEYWORDS <= repeated < limit:
            stuffed.append(
                Evidence(
                    heading.start,
                    heading.end,
                    doc.block_text(heading),
                    f"heading repeats {repeated} keywords of the title",
                )
            )
    if not stuffed and implied_span is not None and not doc.title:
        mismatch = _headline_mismatch(layout, keywords, implied_span)
        if mismatch is not None:
            return [], [mismatch]
    if stuffed and title_heading is not None:
        headline = Evidence(
            title_heading.start,
            title_heading.end,
            doc.block_text(title_heading),
            f"headline whose keywords {len(stuffed)} headings repeat",
        )
        return stuffed, [headline]
    return stuffed, []


def find_repeated_lines(layout: _Layout) -> list[Evidence]:
    """Return heading and paragraph lines printed again verbatim as their own lines."""
    doc = layout.doc
    first_of: dict[tuple[str, ...], Block] = {}
    repeated: list[Evidence] = []
    shown: set[int] = set()
    for block in doc.blocks:
        if block.kind not in _LINE_KINDS:
            continue
        if block.end - block.start > REPEATED_LINE_MAX_CHARS:
            continue
        words = tuple(layout.words_in(block.start, block.end))
        if len(words) < TITLE_REPEAT_MIN_WORDS and sum(map(len, words)) < GLUED_LINE_MIN_LETTERS:
            continue  # short lines repeat as chrome; a long run of glued words does not
        first = first_of.setdefault(words, block)
        if first is block:
            continue
        for copy in (first, block):
            if copy.start not in shown:
                shown.add(copy.start)
                repeated.append(
                    Evidence(copy.start, copy.end, doc.block_text(copy), REPEATED_LINE_REASON)
                )
    return repeated


def find_title_repeats(layout: _Layout) -> list[Evidence]:
    """Return the title repeated word for word in the article's prose."""
    title = normalize_for_matching(layout.doc.title)
    if len(tokenize(title).words) < TITLE_REPEAT_MIN_WORDS:
        return []
    repeats: list[Evidence] = []
    for match in PhraseMatcher({"title": [title]}).find(layout.tokens):
        block = layout.block_of(match.first_token)
        if block is not None and block.kind in _PROSE_KINDS:
            repeats.append(
                _evidence(layout.normalized, match.start, match.end, "title repeated in the text")
            )
    return repeats


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


def find_archive_duplicates(
    doc: Document, context: SignalContext
) -> tuple[float, int, list[Evidence]]:
    """Return the highest archive similarity, the match count and the shared passages."""
    if context.memory is None:
        return 0.0, 0, []
    matches = context.memory.near_duplicates(doc.content_text, doc.outlet, doc.id)
    if not matches:
        return 0.0, 0, []
    evidence: list[Evidence] = []
    ranked = sorted(matches, key=lambda item: item.similarity, reverse=True)
    for match in ranked[:MAX_EVIDENCE_PER_KIND]:
        span = locate_passage(doc.normalized, match.shared_passage, doc.normalized_words)
        if span is None:
            continue
        start, end = span
        evidence.append(
            Evidence(
                start,
                end,
                doc.body[start:end],
                f"near-duplicate of article {match.article_id} of the same outlet "
                f"(similarity {match.similarity:.2f})",
            )
        )
    max_similarity = max(0.0, min(1.0, float(ranked[0].similarity)))
    return max_similarity, len(matches), evidence


class TemplatingSignal(Signal):
    """Stock phrasing, keyword stuffing, repetition and archive near-duplicates."""

    name = "templating"
    version = "2"
    feature_names = (
        "templating.phrase_count",
        "templating.phrases_per_1000_words",
        "templating.stuffed_heading_count",
        "templating.stuffed_heading_share",
        "templating.title_repeat_count",
        "templating.closing_engagement_count",
        "templating.engagement_call_count",
        "templating.duplicate_5gram_char_fraction",
        "templating.duplicate_10gram_char_fraction",
        "templating.top_2gram_char_fraction",
        "templating.repeated_sentence_count",
        "templating.repeated_sentence_fraction",
        "templating.headings_per_1000_words",
        "templating.bullets_per_1000_words",
        "templating.labelled_bullet_share",
        "templating.markdown_marker_count",
        "templating.projection_table_rows",
        "templating.max_archive_similarity",
        "templating.archive_near_duplicates",
        "templating.text_score",
    )

    def extract(self, doc: Document, context: SignalContext) -> SignalResult:
        """Measure templating in ``doc``; see the module docstring for the measures."""
        layout = _Layout(doc)
        word_count = doc.word_count
        features: dict[str, float] = {}
        evidence: list[Evidence] = []

        phrases, engagement_calls = find_lexicon_matches(layout)
        phrases += find_title_phrases(doc)
        features["templating.phrase_count"] = len(phrases)
        features["templating.phrases_per_1000_words"] = per_thousand_words(len(phrases), word_count)
        evidence += phrases[:MAX_EVIDENCE_PER_KIND]

        stuffed, headline = find_stuffed_headings(layout)
        headings = len(doc.headings)
        # The trained bundle learned these features against a sent title over the parsed
        # headings; headings echoing an implied headline or the URL slug are evidence only
        # until the bundle is retrained with them.
        counted = [item for item in stuffed if doc.title and item.start in doc_heading_starts(doc)]
        features["templating.stuffed_heading_count"] = len(counted)
        features["templating.stuffed_heading_share"] = (
            min(1.0, len(counted) / headings) if headings else 0.0
        )
        evidence += headline + stuffed[:MAX_EVIDENCE_PER_KIND]

        clickbait = find_clickbait(layout)
        # Evidence for the reviewer; no feature until the bundle is retrained with one.
        evidence += clickbait[:MAX_EVIDENCE_PER_KIND]

        residue = find_residue(layout) + find_keyword_lists(layout)
        evidence += residue[:MAX_EVIDENCE_PER_KIND]
        formula_headings = find_formula_headings(layout)
        evidence += formula_headings[:MAX_EVIDENCE_PER_KIND]
        focus_headings = find_focus_headings(layout, {item.start for item in stuffed})
        evidence += focus_headings[:MAX_EVIDENCE_PER_KIND]

        title_repeats = find_title_repeats(layout)
        features["templating.title_repeat_count"] = len(title_repeats)
        evidence += title_repeats[:MAX_EVIDENCE_PER_KIND]

        closing = find_closing(doc, engagement_calls)
        features["templating.closing_engagement_count"] = len(closing)
        features["templating.engagement_call_count"] = len(engagement_calls)
        evidence += closing[:MAX_EVIDENCE_PER_KIND]

        content_words: list[str] = []
        for block in doc.content_blocks:
            content_words += layout.words_in(block.start, block.end)
        sequence = _WordSequence(content_words)
        for size in DUPLICATE_NGRAM_SIZES:
            features[f"templating.duplicate_{size}gram_char_fraction"] = (
                sequence.duplicate_char_fraction(size)
            )
        features["templating.top_2gram_char_fraction"] = sequence.top_char_fraction(2)

        repeated = find_repeated_sentences(layout)
        sentence_count = len(doc.sentences)
        features["templating.repeated_sentence_count"] = len(repeated)
        features["templating.repeated_sentence_fraction"] = (
            len(repeated) / sentence_count if sentence_count else 0.0
        )
        evidence += repeated[:MAX_EVIDENCE_PER_KIND]

        bullets = sum(1 for block in doc.blocks if block.kind == "bullet")
        features["templating.headings_per_1000_words"] = per_thousand_words(headings, word_count)
        features["templating.bullets_per_1000_words"] = per_thousand_words(bullets, word_count)
        features["templating.labelled_bullet_share"] = labelled_bullet_share(doc)

        markdown = find_markdown_markers(doc)
        features["templating.markdown_marker_count"] = len(markdown)
        evidence += markdown[:MAX_EVIDENCE_PER_KIND]
        if (
            len(stuffed) >= TEMPLATED_PAGE_MIN_STUFFED
            or markdown
            or len(phrases) >= TEMPLATED_PAGE_MIN_PHRASES
            or clickbait
            or residue
            or engagement_calls
            or formula_headings
            or len(focus_headings) >= TEMPLATED_PAGE_MIN_STUFFED
        ):
            # Lists, a headline printed again and restated paragraphs are ordinary page
            # chrome or wire style on their own; on a page that already shows its template
            # they are part of it.
            evidence += find_repeated_lines(layout)[:MAX_EVIDENCE_PER_KIND]
            evidence += find_headline_copies(doc)[:MAX_EVIDENCE_PER_KIND]
            evidence += find_restated_passages(layout)[:MAX_EVIDENCE_PER_KIND]
            evidence += [
                Evidence(block.start, block.end, doc.block_text(block), TEMPLATED_LIST_REASON)
                for block in doc.blocks
                if block.kind in _LIST_KINDS
            ][:MAX_EVIDENCE_PER_KIND]
            evidence += find_labelled_lines(doc)[:MAX_EVIDENCE_PER_KIND]

        projections = [
            Evidence(
                block.start, block.end, doc.block_text(block), "table row of round projections"
            )
            for block in doc.blocks
            if block.kind == "table"
            and is_projection_row(normalize_for_matching(doc.block_text(block)))
        ]
        features["templating.projection_table_rows"] = len(projections)
        evidence += projections[:MAX_EVIDENCE_PER_KIND]

        max_similarity, duplicates, archive_evidence = find_archive_duplicates(doc, context)
        features["templating.max_archive_similarity"] = max_similarity
        features["templating.archive_near_duplicates"] = duplicates
        evidence += archive_evidence
        # The score from the article alone: what the text says, whatever the store holds.
        features["templating.text_score"] = self._score(
            {**features, "templating.max_archive_similarity": 0.0}
        )

        return self.result(self._score(features), features, evidence)

    @staticmethod
    def _score(features: Mapping[str, float]) -> float:
        """Combine the measures as a noisy-or of weighted strengths."""
        phrase_strength = saturating(features["templating.phrase_count"], 4) * saturating(
            features["templating.phrases_per_1000_words"], 3
        )
        # Repetition counts only past the Gopher limits; ordinary prose stays at zero.
        repetition_strength = max(
            saturating(
                features["templating.duplicate_5gram_char_fraction"] - GOPHER_DUPLICATE_5GRAM_LIMIT,
                GOPHER_DUPLICATE_5GRAM_LIMIT,
            ),
            saturating(
                features["templating.top_2gram_char_fraction"] - GOPHER_TOP_2GRAM_LIMIT,
                GOPHER_TOP_2GRAM_LIMIT,
            ),
            saturating(features["templating.repeated_sentence_count"], 3),
        )
        strengths = (
            PHRASE_WEIGHT * phrase_strength,
            STUFFED_HEADING_WEIGHT
            * saturating(features["templating.stuffed_heading_count"], 2)
            * saturating(features["templating.stuffed_heading_share"], 0.5),
            CLOSING_ENGAGEMENT_WEIGHT
            * saturating(features["templating.closing_engagement_count"], 1),
            TITLE_REPEAT_WEIGHT
            * saturating(features["templating.title_repeat_count"] - TITLE_REPEATS_TOLERATED, 2),
            REPETITION_WEIGHT * repetition_strength,
            MARKDOWN_WEIGHT * saturating(features["templating.markdown_marker_count"], 2),
            PROJECTION_TABLE_WEIGHT * saturating(features["templating.projection_table_rows"], 2),
            ARCHIVE_WEIGHT
            * saturating(
                features["templating.max_archive_similarity"], ARCHIVE_DUPLICATE_SIMILARITY
            ),
        )
        clean = 1.0
        for strength in strengths:
            clean *= 1.0 - strength
        return 1.0 - clean


def locate_passage(
    normalized: NormalizedText, passage: str, words: WordSpans | None = None
) -> tuple[int, int] | None:
    """Find ``passage`` in the normalised body; return original ``(start, end)`` or ``None``.

    Words are matched in order with any non-word characters between them, so spacing,
    punctuation and diacritics may differ. A passage not found whole is searched again by
    its first :data:`PASSAGE_PREFIX_WORDS` words. ``words`` are the words of
    ``normalized.text`` (``Document.normalized_words``), split again when not given.
    """
    passage_words = tokenize(normalize_for_matching(passage)).words
    if not passage_words:
        return None
    attempts = [passage_words]
    if len(passage_words) > PASSAGE_PREFIX_WORDS:
        attempts.append(passage_words[:PASSAGE_PREFIX_WORDS])
    text = normalized.text
    if "_" in text:
        # "_" is a word character of the regex below but splits words: search as it does.
        for attempt in attempts:
            pattern = re.compile(
                r"(?<!\w)" + r"\W+".join(re.escape(word) for word in attempt) + r"(?!\w)"
            )
            match = pattern.search(text)
            if match:
                return normalized.span(match.start(), match.end())
        return None
    # Without "_", the runs of word characters are exactly the words, so the passage is a
    # run of consecutive words (the first such run is where the search would find it).
    spans = word_spans(text) if words is None else words
    for attempt in attempts:
        position = _find_run(spans.words, attempt)
        if position is not None:
            return normalized.span(spans.starts[position], spans.ends[position + len(attempt) - 1])
    return None


def _find_run(words: list[str], wanted: list[str]) -> int | None:
    """Return the first index where ``wanted`` occurs as consecutive items of ``words``."""
    first, size = wanted[0], len(wanted)
    position = -1
    while True:
        try:
            position = words.index(first, position + 1)
        except ValueError:
            return None
        if words[position : position + size] == wanted:
            return position
