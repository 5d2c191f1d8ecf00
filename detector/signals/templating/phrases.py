"""Tokens and phrase matching: stock phrases, clickbait, heading formulas, residue lists."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

from mizan.detector.article import word_spans
from mizan.detector.lexicons import load_lexicon
from mizan.detector.text import normalize_for_matching

# Characters allowed between the words of one phrase: spaces, hyphens, apostrophes.
_PHRASE_GAP = re.compile(r"[ \t\u00a0\u200c\u200f\-'’]{0,3}")
_ARABIC_PROCLITICS = "وف"


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

    @property
    def openers(self) -> frozenset[str]:
        """The words that may open a phrase (a first word, bare or behind a proclitic)."""
        return self._openers

    def find(self, tokens: Tokens, candidates: Sequence[int] | None = None) -> list[PhraseMatch]:
        """Return the non-overlapping phrase matches in ``tokens``.

        ``candidates``, when given, are increasing token positions holding every position
        whose word is in :attr:`openers` (as several matchers' openers share one pass).
        """
        index = self._index
        words = tokens.words
        # Most words open no phrase; pick the positions of those that may in one pass.
        hits: Iterable[int]
        if candidates is None:
            hits = compress(range(len(words)), map(self._openers.__contains__, words))
        else:
            openers = self._openers
            hits = [position for position in candidates if words[position] in openers]
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
def body_openers() -> frozenset[str]:
    """Return the words that may open a stock-phrase, clickbait or residue phrase."""
    return lexicon_matcher().openers | clickbait_matcher().openers | residue_matcher().openers
