"""The patterns of number tokens and of what stands around them, and where tokens start.

A token is a run of digits (with separators and a scale word: ``1,250,000``, ``2.7 مليار``)
or a number word, possibly behind a clitic (:mod:`mizan.detector.number_words`). What
follows a group of tokens (a percent sign, a multiplier, a unit) and what precedes it (a
currency sign) is read by the suffix and prefix patterns here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import compress
from operator import not_
from typing import TYPE_CHECKING

import numpy as np

from mizan.detector.number_words import (
    _ARABIC_TOKEN_WORDS,
    _CLITIC_WORDS,
    _DIGIT_SCALES,
    _GUARD_FOLLOWERS,
    _MULTIPLIER_VALUES,
    _SCALE_WORDS,
    _SHORT_WORDS,
    _TOKEN_CLITICS,
    _TOKEN_PREFIX,
    _WORD_VALUES,
)
from mizan.detector.reference.patterns import trie_regex
from mizan.detector.text import (
    bmp_codes,
    normalize_for_matching,
    run_hashes,
    string_hash,
    word_character_runs,
)

if TYPE_CHECKING:
    from mizan.detector.article.document import WordSpans

_SEPARATED_DIGITS = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 1,250,000.5
    r"|\d{1,3}(?:،\d{3}){2,}"  # 33،413،660 (the Arabic comma as a thousands separator)
    r"|\d+،\d{1,2}(?!\d)"  # 2،1 (the Arabic comma as a decimal point, as in Tunisian copy)
    r"|\d{1,3}(?:\.\d{3}){2,}"  # 1.250.000
    rf"|\d+,\d{{1,2}}(?=\s*(?:{trie_regex(_DIGIT_SCALES)})(?!\w))"  # 2,5 مليار
    r"|\d+(?:\.\d+)?"
)
# Digits glued to Latin letters (COVID-19, G20, F-16) or inside dates and times are not counts.
_DIGIT_TOKEN = (
    # A currency sign glued to the digits (Dh400, Dhs2.48, AED3.42) is not a Latin word.
    r"(?=\d)(?:(?<![a-z0-9_.,/:])|(?<=\bdh)|(?<=\bdhs)|(?<=\baed)|(?<=\bsar)|(?<=\bqr))"
    r"(?<![a-z]-)(?<![\u0621-\u064a]-)"
    rf"(?P<digits>{_SEPARATED_DIGITS})(?!\d|[.,،]\d|/\d|:\d)"
    rf"(?:\s*(?P<scale>{trie_regex(_DIGIT_SCALES)})(?![^\W\d_]))?"
)
_WORD_TOKEN = (
    r"(?<![\w])(?:"
    rf"(?P<word>{trie_regex([*_WORD_VALUES, *_MULTIPLIER_VALUES])}"
    r"|a(?=\s+(?:hundred|thousand|million|billion)\b))"
    rf"|(?P<prefix>{_TOKEN_PREFIX})(?P<prefixed>{trie_regex(_ARABIC_TOKEN_WORDS)})"
    # Short number words take no other clitic: "لست" is "I am not", not "to six".
    rf"|(?P<clitic>{'|'.join(_TOKEN_CLITICS)})"
    rf"(?P<clitic_word>{trie_regex(_CLITIC_WORDS)})"
    rf"|(?P<short_clitic>ب)(?P<short_word>{trie_regex(_SHORT_WORDS)})"
    r"(?=\s+(?:مرات|مره|اضعاف|ضعفا)(?![\w]))"
    r")(?![\w])"
)
_TOKEN_RE = re.compile(f"{_DIGIT_TOKEN}|{_WORD_TOKEN}")
_JOINER_RE = re.compile(r"\s+(?:and\s+|و\s*)?|\s*-\s*")

_KM2 = (
    r"كيلومترات\s*مربعه|كيلومترا\s*مربعا|كيلو\s?مترا?\s*مربعا?|كم\s*مربع|كم2"
    r"|km2|sq\.?\s?km|square\s+kilomet(?:er|re)s?"
)
_MI2 = r"اميال\s*مربعه|ميلا\s*مربعا|ميل\s*مربع|sq\.?\s?mi(?:les)?\b|square\s+miles?"
_KM = r"كيلومترات|كيلومترا|كيلو\s?مترا?|كيلومتر|كم|km|kilomet(?:er|re)s?"
_MI = r"اميال|ميلا|ميل|miles?\b"
_PEOPLE = (
    r"نسمه|اشخاص|شخصا|شخص|مواطنين|مواطنا|مواطن|"
    r"people|persons|inhabitants|residents|citizens"
)
_USD = r"دولارات|دولارا|دولار|dollars?|usd"
# Gulf and other currencies: the named forms first, then the bare word (resolved by the page).
_ADJ = r"\s*(?:ال)?"
_SAR = rf"(?:ريالات|ريالا|ريال){_ADJ}سعودي(?:ا|ه)?|saudi\s+riyals?|sar"
_QAR = rf"(?:ريالات|ريالا|ريال){_ADJ}قطري(?:ا|ه)?|qatari\s+riyals?|qar"
_OMR = rf"(?:ريالات|ريالا|ريال){_ADJ}عماني(?:ا|ه)?|omani\s+ri(?:y)?als?|omr"
_AED = rf"(?:دراهم|درهما|درهم){_ADJ}اماراتي(?:ا|ه)?|(?:uae\s+|emirati\s+)dirhams?|aed|dhs?"
_BHD = rf"(?:دنانير|دينارا|دينار){_ADJ}بحريني(?:ا|ه)?|bahraini\s+dinars?|bhd"
_KWD = rf"(?:دنانير|دينارا|دينار){_ADJ}كويتي(?:ا|ه)?|kuwaiti\s+dinars?|kwd"
_JOD = rf"(?:دنانير|دينارا|دينار){_ADJ}اردني(?:ا|ه)?|jordanian\s+dinars?|jod"
_IQD = rf"(?:دنانير|دينارا|دينار){_ADJ}عراقي(?:ا|ه)?|iraqi\s+dinars?|iqd"
_EGP = r"(?:جنيهات|جنيها|جنيه)\s*(?:ال)?مصري(?:ا|ه)?|egyptian\s+pounds?|egp"
_GBP = r"(?:جنيهات|جنيها|جنيه)\s*(?:ال)?استرليني(?:ا|ه)?|pounds?\s+sterling|gbp"
_RIYAL = r"ريالات|ريالا|ريال|riyals?|rials?"
_DINAR = r"دنانير|دينارا|دينار|dinars?"
_DIRHAM = r"دراهم|درهما|درهم|dirhams?"
_EUR = r"يورو|euros?|eur"
_YEARS = r"عاما|عام|اعوام|سنوات|سنين|سنه|-?years?(?:[\s-]old)?|yrs"
_PERCENT = r"%|٪|في\s?المايه|في\s?الميه|بالمايه|بالميه|per\s?cent|percent|pct"
_TIMES = r"اضعافا|اضعاف|ضعفا|مرات|مره|-?fold|times"
_SUFFIX_RE = re.compile(
    r"\s*(?:"
    rf"(?P<percent>{_PERCENT})"
    rf"|(?P<times>{_TIMES})"
    rf"|(?P<km2>{_KM2})"
    rf"|(?P<mi2>{_MI2})"
    rf"|(?P<km>{_KM})"
    rf"|(?P<mi>{_MI})"
    rf"|(?P<people>{_PEOPLE})"
    rf"|(?P<usd>{_USD})"
    rf"|(?P<sar>{_SAR})"
    rf"|(?P<qar>{_QAR})"
    rf"|(?P<omr>{_OMR})"
    rf"|(?P<aed>{_AED})"
    rf"|(?P<bhd>{_BHD})"
    rf"|(?P<kwd>{_KWD})"
    rf"|(?P<jod>{_JOD})"
    rf"|(?P<iqd>{_IQD})"
    rf"|(?P<egp>{_EGP})"
    rf"|(?P<gbp>{_GBP})"
    rf"|(?P<riyal>{_RIYAL})"
    rf"|(?P<dinar>{_DINAR})"
    rf"|(?P<dirham>{_DIRHAM})"
    rf"|(?P<eur>{_EUR})"
    rf"|(?P<years>{_YEARS})"
    r")(?![^\W\d_])"
)

_TIMES_X_RE = re.compile(r"x(?![a-z0-9])")
# Every match of the two prefix patterns holds one of "$€£dsq" or "%٪" (numbers._PREFIX_CHARS).
_CURRENCY_PREFIX_RE = re.compile(
    r"(?:(?P<usd>(?:us\s?)?\$|usd)|(?P<eur>€)|(?P<gbp>£)|(?P<aed>\bdhs?\.?|\baed)"
    r"|(?P<sar>\bsar)|(?P<qar>\bqr))\s?$"
)
_PERCENT_PREFIX_RE = re.compile(r"[%٪]\s?$")
_YEAR_DIGITS_RE = re.compile(r"\d{4}")
_DOTTED_THOUSANDS_RE = re.compile(r"\d{1,3}(?:\.\d{3}){2,}")
_COMMA_DECIMAL_RE = re.compile(r"\d+,\d{1,2}")

_GUARD_RE = re.compile(
    r"\s+(?:of\s+)?"
    rf"(?:{trie_regex(normalize_for_matching(word) for word in _GUARD_FOLLOWERS)})(?![\w])"
)
_FRACTION_SCALE_RE = re.compile(rf"\s+(?:a\s+)?(?P<scale>{trie_regex(_SCALE_WORDS)})(?![\w])")
_ONE_SCALE_NEXT_RE = re.compile(r"\s{0,3}و\s{0,2}\d")

# --- where a token can start ---------------------------------------------------------------
#
# _TOKEN_RE opens with lookarounds, so ``finditer`` tries it at every position of the text.
# A token starts either on a decimal digit not preceded by an ASCII digit (the digit branch's
# lookbehind), or at the start of a run of word characters that is the first run of a number
# word, possibly behind a clitic (the word branch needs no word character before it and none
# after the word). No number word holds "_", so such a run is also a whole run of letters and
# digits: a word of the text, looked up in a set when the caller has the words, else compared
# by hash on the code points. The pattern is matched at those positions only.


@lru_cache(maxsize=1)
def _start_runs() -> frozenset[str] | None:
    """Return the first word-character run of every word token.

    ``None`` when some word does not open with a word character (then every position is
    tried).
    """
    words = [
        *_WORD_VALUES,
        *_MULTIPLIER_VALUES,
        "a",
        *(_TOKEN_PREFIX + word for word in _ARABIC_TOKEN_WORDS),
        *(clitic + word for clitic in _TOKEN_CLITICS for word in _CLITIC_WORDS),
        *("ب" + word for word in _SHORT_WORDS),
    ]
    runs = set()
    for word in words:
        first_run = re.match(r"\w+", word)
        if first_run is None or "_" in first_run.group():
            return None
        runs.add(first_run.group())
    return frozenset(runs)


@lru_cache(maxsize=1)
def _start_hashes() -> np.ndarray:
    """Return the sorted hashes (:func:`~mizan.detector.text.run_hashes`) of ``_start_runs``."""
    runs = _start_runs() or frozenset()
    return np.array(sorted({string_hash(run) for run in runs}), dtype=np.uint64)


@lru_cache(maxsize=1)
def _digit_tables() -> tuple[np.ndarray, np.ndarray]:
    r"""Return per BMP code point: a decimal digit (``\d``), an ASCII digit (0-9)."""
    decimal = np.fromiter(
        (chr(code).isdecimal() for code in range(0x10000)), dtype=bool, count=0x10000
    )
    ascii_digit = np.zeros(0x10000, dtype=bool)
    ascii_digit[ord("0") : ord("9") + 1] = True
    return decimal, ascii_digit


def prepare_tables() -> None:
    """Build the tables that find where number tokens start (else built on first use)."""
    _start_runs()
    _start_hashes()
    _digit_tables()


_SCANNED_MIN_CHARS = 300
"""Shorter texts are scanned by ``finditer`` (finding the token starts costs more there)."""
_ASCII_DIGITS = frozenset("0123456789")


def _token_starts(text: str, spans: WordSpans | None = None) -> list[int] | None:
    """Return the sorted positions of ``text`` where a _TOKEN_RE match may start.

    ``spans`` are the words of ``text`` (runs of letters and digits) when the caller has
    them: the word starts are then set lookups. Without them the runs of word characters
    are found on the code points and compared by a polynomial hash (a collision only adds a
    position to try). Digits are found on the code points, or, for text beyond the BMP, in
    the words that are not all letters. ``None`` when the positions cannot be found (text
    beyond the BMP without ``spans``).
    """
    start_runs = _start_runs()
    if start_runs is None:
        return None
    codes = bmp_codes(text)
    if codes is None:
        if spans is None:
            return None
        return sorted(_word_starts(start_runs, spans) | _digits_in_words(spans))
    if spans is not None:
        starts = _word_starts(start_runs, spans)
    else:
        start_hashes = _start_hashes()
        run_starts, run_ends = word_character_runs(codes)
        hashes = run_hashes(codes, run_starts, run_ends)
        found = np.searchsorted(start_hashes, hashes)
        found[found == len(start_hashes)] = 0
        starts = set(run_starts[start_hashes[found] == hashes].tolist())
    decimal, ascii_digit = _digit_tables()
    digits = decimal[codes]
    digits[1:] &= ~ascii_digit[codes[:-1]]
    starts.update(np.flatnonzero(digits).tolist())
    return sorted(starts)


def _word_starts(start_runs: frozenset[str], spans: WordSpans) -> set[int]:
    """Return the starts of the words of ``spans`` that are in ``start_runs``."""
    return set(compress(spans.starts, map(start_runs.__contains__, spans.words)))


def _digits_in_words(spans: WordSpans) -> set[int]:
    """Return where a decimal digit not after an ASCII digit stands in the words of ``spans``.

    Every decimal digit is a letter or digit, so it stands in a word that is not all letters.
    """
    starts = set()
    not_letters = map(not_, map(str.isalpha, spans.words))
    for first, word in compress(zip(spans.starts, spans.words, strict=True), not_letters):
        after_ascii_digit = False
        for index, char in enumerate(word):
            if char.isdecimal() and not after_ascii_digit:
                starts.add(first + index)
            after_ascii_digit = char in _ASCII_DIGITS
    return starts


def _token_matches(
    text: str, start: int, end: int, spans: WordSpans | None = None
) -> Iterator[re.Match[str]]:
    """Yield what ``_TOKEN_RE.finditer(text, start, end)`` yields, trying only token starts.

    ``spans``: the words of ``text`` with their offsets, when the caller has them.
    """
    whole = start == 0 and end == len(text) and len(text) >= _SCANNED_MIN_CHARS
    starts = _token_starts(text, spans) if whole else None
    if starts is None:
        yield from _TOKEN_RE.finditer(text, start, end)
        return
    position = 0
    for candidate in starts:
        if candidate < position:
            continue
        match = _TOKEN_RE.match(text, candidate, end)
        if match is not None:
            yield match
            position = max(match.end(), candidate + 1)
