"""Number mentions in Arabic and English news text.

Finds digits (``1,250,000``, ``2.7``, Arabic-Indic and Persian digits with ``٫``/``٬``),
scale words (``2.7 مليار``, ``18 billion``), Arabic and English number words, compound
or not (``ثلاثة آلاف وخمسمائة``, ``خمسة وعشرين``, ``two hundred and fifty``), multipliers
(``أربعة أضعاف``, ``ضعفي``, ``ثلاث مرات``, ``twice``, ``4x``), percentages (``%``, ``٪``,
``في المائة``, ``percent``) and units (km, km², people, US dollars, the Gulf and other
Arab currencies with a glued sign such as ``Dh400``, years). Each mention carries how far
its written precision lets the exact figure lie (``rounding``).

Matching runs on normalised text (:func:`mizan.detector.text.normalize_with_offsets`), so
diacritics, letter variants and Arabic-Indic digits do not matter; every mention carries
offsets into the original text.

A dotted group such as ``1.250`` is read as a decimal (1.25); only two or more dotted
groups of three digits (``1.250.000``) are read as thousands separators. The Arabic comma
works the same way: ``33،413،660`` is a count, ``2،1`` a decimal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from mizan.detector.reference.patterns import trie_regex
from mizan.detector.text import (
    NormalizedText,
    bmp_codes,
    normalize_for_matching,
    normalize_with_offsets,
    run_hashes,
    string_hash,
    word_character_runs,
    word_character_table,
)

NumberKind = Literal["number", "percent", "multiplier", "year"]

UNITS: dict[str, str] = {
    "km": "kilometres",
    "km2": "square kilometres",
    "mi": "miles",
    "mi2": "square miles",
    "people": "people or inhabitants",
    "usd": "US dollars",
    "eur": "euros",
    "gbp": "pounds sterling",
    "sar": "Saudi riyals",
    "aed": "UAE dirhams",
    "qar": "Qatari riyals",
    "omr": "Omani rials",
    "bhd": "Bahraini dinars",
    "kwd": "Kuwaiti dinars",
    "jod": "Jordanian dinars",
    "iqd": "Iraqi dinars",
    "egp": "Egyptian pounds",
    "riyal": "riyals or rials of a country not named with them",
    "dinar": "dinars of a country not named with them",
    "dirham": "dirhams of a country not named with them",
    "years": "years (a duration or an age)",
}
"""The units a :class:`NumberMention` can carry, with what each means."""


@dataclass(frozen=True)
class NumberMention:
    """One number in a text, with offsets into the original text.

    Attributes:
        start: Offset of the first character in the original text.
        end: Offset just past the last character in the original text.
        value: The number (``2.7 مليار`` is ``2.7e9``; ``40%`` is ``40.0``; ``ضعف`` is ``2.0``).
        kind: ``"number"``, ``"percent"``, ``"multiplier"`` or ``"year"``.
        unit: One of :data:`UNITS` (``"km"``, ``"km2"``, ``"people"``, ``"usd"``, ``"years"``
            ...) or ``None``.
        raw: The original text of the mention.
        decimal_places: Digits written after the decimal point (``87.349`` has 3).
        rounding: Half the value of the last written digit (``3.75`` is ``0.005``, ``2.7
            مليار`` is ``5e7``): how far the exact figure may lie from ``value``; 0 for words.
    """

    start: int
    end: int
    value: float
    kind: NumberKind
    unit: str | None
    raw: str
    decimal_places: int = 0
    rounding: float = 0.0


# --- word tables (written in plain Arabic, normalised at import) -------------------------

# Token classes drive how consecutive number words combine.
_UNIT = "unit"  # 1-9
_TEN_WORD = "ten_word"  # Arabic عشر/عشرة: 10 alone, 11-19 after a unit
_TEEN = "teen"  # English 10-19
_TENS = "tens"  # 20-90
_HUNDRED = "hundred"  # 100, multiplies a preceding unit
_HUNDREDS = "hundreds"  # 200-900 written as one word
_SCALE = "scale"  # thousand, million, ...: may stand alone (ألف, مليون)
_SCALE_AFTER_NUMBER = "scale_after_number"  # آلاف, ملايين, ألفا, مليونا: need a number before
_SCALE_DUAL = "scale_dual"  # ألفان, مليونين: two of the scale
_DIGITS = "digits"

_ARABIC_WORDS: dict[str, tuple[float, str]] = {
    "واحد": (1, _UNIT),
    "واحدة": (1, _UNIT),
    "أحد": (1, _UNIT),
    "إحدى": (1, _UNIT),
    "اثنان": (2, _UNIT),
    "اثنين": (2, _UNIT),
    "اثنتان": (2, _UNIT),
    "اثنتين": (2, _UNIT),
    "اثنا": (2, _UNIT),
    "اثني": (2, _UNIT),
    "اثنتا": (2, _UNIT),
    "اثنتي": (2, _UNIT),
    "ثلاث": (3, _UNIT),
    "ثلاثة": (3, _UNIT),
    "أربع": (4, _UNIT),
    "أربعة": (4, _UNIT),
    "خمس": (5, _UNIT),
    "خمسة": (5, _UNIT),
    "ست": (6, _UNIT),
    "ستة": (6, _UNIT),
    "سبع": (7, _UNIT),
    "سبعة": (7, _UNIT),
    "ثمان": (8, _UNIT),
    "ثماني": (8, _UNIT),
    "ثمانية": (8, _UNIT),
    "تسع": (9, _UNIT),
    "تسعة": (9, _UNIT),
    "عشر": (10, _TEN_WORD),
    "عشرة": (10, _TEN_WORD),
    "عشرون": (20, _TENS),
    "عشرين": (20, _TENS),
    "ثلاثون": (30, _TENS),
    "ثلاثين": (30, _TENS),
    "أربعون": (40, _TENS),
    "أربعين": (40, _TENS),
    "خمسون": (50, _TENS),
    "خمسين": (50, _TENS),
    "ستون": (60, _TENS),
    "ستين": (60, _TENS),
    "سبعون": (70, _TENS),
    "سبعين": (70, _TENS),
    "ثمانون": (80, _TENS),
    "ثمانين": (80, _TENS),
    "تسعون": (90, _TENS),
    "تسعين": (90, _TENS),
    "مائة": (100, _HUNDRED),
    "مئة": (100, _HUNDRED),
    "مائتان": (200, _HUNDREDS),
    "مائتين": (200, _HUNDREDS),
    "مائتا": (200, _HUNDREDS),
    "مائتي": (200, _HUNDREDS),
    "مئتان": (200, _HUNDREDS),
    "مئتين": (200, _HUNDREDS),
    "مئتا": (200, _HUNDREDS),
    "مئتي": (200, _HUNDREDS),
    **{
        f"{unit}{hundred}": (value * 100, _HUNDREDS)
        for unit, value in (
            ("ثلاث", 3),
            ("أربع", 4),
            ("خمس", 5),
            ("ست", 6),
            ("سبع", 7),
            ("ثمان", 8),
            ("ثماني", 8),
            ("تسع", 9),
        )
        for hundred in ("مائة", "مئة")
    },
    "ألف": (1e3, _SCALE),
    "ألفا": (1e3, _SCALE_AFTER_NUMBER),
    "آلاف": (1e3, _SCALE_AFTER_NUMBER),
    "ألفان": (1e3, _SCALE_DUAL),
    "ألفين": (1e3, _SCALE_DUAL),
    "ألفي": (1e3, _SCALE_DUAL),
    "مليون": (1e6, _SCALE),
    "مليونا": (1e6, _SCALE_AFTER_NUMBER),
    "ملايين": (1e6, _SCALE_AFTER_NUMBER),
    "مليونان": (1e6, _SCALE_DUAL),
    "مليونين": (1e6, _SCALE_DUAL),
    "مليوني": (1e6, _SCALE_DUAL),
    "مليار": (1e9, _SCALE),
    "مليارا": (1e9, _SCALE_AFTER_NUMBER),
    "مليارات": (1e9, _SCALE_AFTER_NUMBER),
    "ملياران": (1e9, _SCALE_DUAL),
    "مليارين": (1e9, _SCALE_DUAL),
    "ملياري": (1e9, _SCALE_DUAL),
    "بليون": (1e9, _SCALE),
    "بليونا": (1e9, _SCALE_AFTER_NUMBER),
    "بلايين": (1e9, _SCALE_AFTER_NUMBER),
    "ترليون": (1e12, _SCALE),
    "تريليون": (1e12, _SCALE),
    "ترليونا": (1e12, _SCALE_AFTER_NUMBER),
    "تريليونا": (1e12, _SCALE_AFTER_NUMBER),
    "ترليونات": (1e12, _SCALE_AFTER_NUMBER),
    "تريليونات": (1e12, _SCALE_AFTER_NUMBER),
}

_ENGLISH_WORDS: dict[str, tuple[float, str]] = {
    "one": (1, _UNIT),
    "two": (2, _UNIT),
    "three": (3, _UNIT),
    "four": (4, _UNIT),
    "five": (5, _UNIT),
    "six": (6, _UNIT),
    "seven": (7, _UNIT),
    "eight": (8, _UNIT),
    "nine": (9, _UNIT),
    "ten": (10, _TEEN),
    "eleven": (11, _TEEN),
    "twelve": (12, _TEEN),
    "thirteen": (13, _TEEN),
    "fourteen": (14, _TEEN),
    "fifteen": (15, _TEEN),
    "sixteen": (16, _TEEN),
    "seventeen": (17, _TEEN),
    "eighteen": (18, _TEEN),
    "nineteen": (19, _TEEN),
    "twenty": (20, _TENS),
    "thirty": (30, _TENS),
    "forty": (40, _TENS),
    "fifty": (50, _TENS),
    "sixty": (60, _TENS),
    "seventy": (70, _TENS),
    "eighty": (80, _TENS),
    "ninety": (90, _TENS),
    "hundred": (100, _HUNDRED),
    "thousand": (1e3, _SCALE_AFTER_NUMBER),
    "million": (1e6, _SCALE_AFTER_NUMBER),
    "billion": (1e9, _SCALE_AFTER_NUMBER),
    "trillion": (1e12, _SCALE_AFTER_NUMBER),
}

# Words that are too common to count as a number on their own ("one of", "أحد").
_NOT_ALONE = frozenset(normalize_for_matching(word) for word in ("واحد", "واحدة", "أحد", "إحدى"))
_NOT_ALONE |= {"one", "a"}

# Scale words written straight after digits ("2.7 مليار", "18 billion", "$18bn").
_DIGIT_SCALES: dict[str, float] = {
    **{
        normalize_for_matching(word): value
        for word, (value, cls) in _ARABIC_WORDS.items()
        if cls in (_SCALE, _SCALE_AFTER_NUMBER)
    },
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "bn": 1e9,
    "mn": 1e6,
    "mln": 1e6,
}

# Multiplier words that stand alone ("ضعفي", "مرتين", "twice").
_MULTIPLIER_WORDS: dict[str, float] = {
    normalize_for_matching(word): value
    for word, value in (
        ("ضعفي", 2),
        ("ضعفين", 2),
        ("ضعفا", 2),
        ("مرتين", 2),
        ("مرتان", 2),
        ("twice", 2),
        ("twofold", 2),
        ("two-fold", 2),
        ("threefold", 3),
        ("fourfold", 4),
        ("fivefold", 5),
        ("sixfold", 6),
        ("tenfold", 10),
        ("hundredfold", 100),
    )
}

# Words that only count as multipliers before a quantity: "ضعف" alone also means "weakness",
# "نصف" means half of anything, "double" is also an adjective.
_GUARDED_MULTIPLIERS: dict[str, float] = {
    normalize_for_matching(word): value
    for word, value in (
        ("ضعف", 2),
        ("نصف", 0.5),
        ("ثلث", 1 / 3),
        ("ربع", 0.25),
        ("double", 2),
        ("triple", 3),
        ("quadruple", 4),
        ("half", 0.5),
    )
}
# Fractions of a scale: "نصف مليون" (half a million), "مليون ونصف" (a million and a half).
_FRACTIONS: dict[str, float] = {
    word: value for word, value in _GUARDED_MULTIPLIERS.items() if value < 1
}
_GUARD_FOLLOWERS = (
    "مساحة",
    "سكان",
    "عدد",
    "حجم",
    "ما",
    "نظيره",
    "نظيرتها",
    "قيمة",
    "متوسط",
    "معدل",
    "مستوى",
    "the",
    "its",
    "their",
    "that",
    "what",
)


_WORD_VALUES: dict[str, tuple[float, str]] = {
    **{normalize_for_matching(word): entry for word, entry in _ARABIC_WORDS.items()},
    **_ENGLISH_WORDS,
}
_ARABIC_WORD_NAMES = frozenset(normalize_for_matching(word) for word in _ARABIC_WORDS)

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
_MULTIPLIER_VALUES: dict[str, float] = {**_MULTIPLIER_WORDS, **_GUARDED_MULTIPLIERS}
_ARABIC_TOKEN_WORDS = _ARABIC_WORD_NAMES | {
    word for word in _MULTIPLIER_VALUES if re.match("[\u0600-\u06ff]", word)
}
_CLITIC_WORDS = [
    word for word in _ARABIC_TOKEN_WORDS if len(word) >= 4 or word in _MULTIPLIER_VALUES
]
# Short number words take "ب" only before a multiplier: "بعشر مرات", "بست مرات".
_SHORT_WORDS = [word for word in _ARABIC_TOKEN_WORDS if word not in _CLITIC_WORDS]
_TOKEN_PREFIX = "و"
_TOKEN_CLITICS = ("وب", "ول", "فب", "ف", "ب", "ل", "ك")
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

# --- where a token can start ---------------------------------------------------------------
#
# _TOKEN_RE opens with lookarounds, so ``finditer`` tries it at every position of the text.
# A token starts either on a decimal digit not preceded by an ASCII digit (the digit branch's
# lookbehind), or at the start of a run of word characters that is the first run of a number
# word, possibly behind a clitic (the word branch needs no word character before it and none
# after the word). Those positions are found on the code points, the runs compared by a
# polynomial hash (a collision only adds a position to try), and the pattern is matched
# there only.


@lru_cache(maxsize=1)
def _word_start_hashes() -> np.ndarray | None:
    """Return the sorted hashes of the first word-character run of every word token.

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
        if first_run is None:
            return None
        runs.add(first_run.group())
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
    _word_start_hashes()
    _digit_tables()
    word_character_table()


_SCANNED_MIN_CHARS = 300
"""Shorter texts are scanned by ``finditer`` (finding the token starts costs more there)."""


def _token_starts(text: str) -> list[int] | None:
    """Return the sorted positions of ``text`` where a _TOKEN_RE match may start.

    ``None`` when the positions cannot be found on the code points (text beyond the BMP).
    """
    start_hashes = _word_start_hashes()
    codes = bmp_codes(text)
    if start_hashes is None or codes is None or not codes.size:
        return None
    decimal, ascii_digit = _digit_tables()
    run_starts, run_ends = word_character_runs(codes)
    hashes = run_hashes(codes, run_starts, run_ends)
    found = np.searchsorted(start_hashes, hashes)
    found[found == len(start_hashes)] = 0
    word_starts = run_starts[start_hashes[found] == hashes]
    after_ascii_digit = np.zeros(len(codes), dtype=bool)
    after_ascii_digit[1:] = ascii_digit[codes[:-1]]
    digit_starts = np.flatnonzero(decimal[codes] & ~after_ascii_digit)
    starts: list[int] = np.union1d(word_starts, digit_starts).tolist()
    return starts


def _token_matches(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """Yield what ``_TOKEN_RE.finditer(text, start, end)`` yields, trying only token starts."""
    whole = start == 0 and end == len(text) and len(text) >= _SCANNED_MIN_CHARS
    starts = _token_starts(text) if whole else None
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


_TIMES_X_RE = re.compile(r"x(?![a-z0-9])")
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
# The scale a fraction may precede: Arabic singulars (مليون, not ملايين) and English scales.
_SCALE_WORDS: dict[str, float] = {
    word: value
    for word, (value, cls) in _WORD_VALUES.items()
    if cls == _SCALE or (cls == _SCALE_AFTER_NUMBER and word.isascii())
}
_FRACTION_SCALE_RE = re.compile(rf"\s+(?:a\s+)?(?P<scale>{trie_regex(_SCALE_WORDS)})(?![\w])")
_SCALED = (_SCALE, _SCALE_DUAL, _SCALE_AFTER_NUMBER, _DIGITS + "_scaled")
_FRACTION = "fraction"  # a fraction of the scale before it: nothing combines after it


@dataclass
class _Group:
    """Consecutive number tokens being combined into one value."""

    start: int
    end: int
    total: float = 0.0
    current: float = 0.0
    last_class: str | None = None
    digits: str | None = None
    token_count: int = 0
    first_word: str = ""
    last_scale: float = 0.0  # the value of the last scale word: "ونصف" adds half of it

    @property
    def value(self) -> float:
        return self.total + self.current


def _combine(group: _Group | None, value: float, cls: str, conjoined: bool) -> bool:
    """Add a token to ``group`` if the number grammar allows it; return whether it did."""
    if group is None:
        return False
    last = group.last_class
    additive_after = (_HUNDRED, _HUNDREDS, _SCALE, _SCALE_DUAL, _SCALE_AFTER_NUMBER)
    if cls == _UNIT:
        allowed = last in additive_after or (last == _TENS and not conjoined)
        if allowed:
            group.current += value
    elif cls == _TEN_WORD:
        allowed = (last == _UNIT and not conjoined) or last in additive_after
        if allowed:
            group.current += value
    elif cls == _TEEN:
        allowed = last in additive_after
        if allowed:
            group.current += value
    elif cls == _TENS:
        allowed = last in additive_after or (last == _UNIT and conjoined)
        if allowed:
            group.current += value
    elif cls == _HUNDRED:
        allowed = (
            last in (_UNIT, _TEEN)
            and not conjoined
            or (last in (_SCALE, _SCALE_DUAL, _SCALE_AFTER_NUMBER) and conjoined)
        )
        if allowed:
            if last in (_UNIT, _TEEN):
                # "ثلاث مائة" / "three hundred": the unit multiplies the hundred.
                group.current *= value
            else:
                group.current += value
    elif cls == _HUNDREDS:
        allowed = last in (_SCALE, _SCALE_DUAL, _SCALE_AFTER_NUMBER) and conjoined
        if allowed:
            group.current += value
    elif cls in (_SCALE, _SCALE_AFTER_NUMBER):
        number_before = last in (_UNIT, _TEN_WORD, _TEEN, _TENS, _HUNDRED, _HUNDREDS)
        allowed = number_before and not conjoined
        if not allowed and cls == _SCALE and conjoined and last in (_SCALE, _SCALE_DUAL):
            allowed = True
            group.current = 1
        if allowed:
            group.total += group.current * value
            group.current = 0
            group.last_scale = value
    elif cls == _SCALE_DUAL:
        # "مليون وألفان", and a dual after a dual: "مليونان وألفان" (2,002,000).
        allowed = conjoined and (
            last in (_SCALE, _SCALE_AFTER_NUMBER)
            or (last == _SCALE_DUAL and value < group.last_scale)
        )
        if allowed:
            group.total += 2 * value
            group.last_scale = value
    elif cls == _DIGITS:
        allowed = conjoined and last in (_SCALE, _SCALE_AFTER_NUMBER, _DIGITS + "_scaled")
        if allowed:
            group.current += value
    else:
        allowed = False
    if allowed:
        group.last_class = cls
        group.token_count += 1
    return allowed


_ONE_SCALE_WORDS = frozenset(
    normalize_for_matching(word) for word in ("مليونا", "مليارا", "بليونا", "ترليونا", "تريليونا")
)
_ONE_SCALE_NEXT_RE = re.compile(r"\s{0,3}و\s{0,2}\d")


def _start_group(start: int, end: int, value: float, cls: str, word: str) -> _Group | None:
    """Open a group with its first token, or return ``None`` if it cannot start a number."""
    if cls == _SCALE_AFTER_NUMBER:
        return None
    group = _Group(start=start, end=end, last_class=cls, token_count=1, first_word=word)
    if cls == _SCALE:
        group.total = value
        group.last_scale = value
    elif cls == _SCALE_DUAL:
        group.total = 2 * value
        group.last_scale = value
    else:
        group.current = value
    return group


def _parse_digits(digits: str) -> tuple[float, int]:
    """Return the value of a digit string and its number of decimal places."""
    if "،" in digits:
        whole, _, fraction = digits.partition("،")
        if len(fraction) <= 2:
            return float(f"{whole}.{fraction}"), len(fraction)
        return float(digits.replace("،", "")), 0
    if "," not in digits and "." not in digits:
        return float(digits), 0
    if _DOTTED_THOUSANDS_RE.fullmatch(digits):
        return float(digits.replace(".", "")), 0
    if _COMMA_DECIMAL_RE.fullmatch(digits):
        whole, fraction = digits.split(",")
        return float(f"{whole}.{fraction}"), len(fraction)
    cleaned = digits.replace(",", "")
    decimals = len(cleaned.split(".", 1)[1]) if "." in cleaned else 0
    return float(cleaned), decimals


def _finish(group: _Group, normalized: NormalizedText) -> tuple[NumberMention, int] | None:
    """Turn a closed group into a mention, reading a percent sign, multiplier or unit after it."""
    text = normalized.text
    if group.token_count == 1 and group.first_word in _NOT_ALONE:
        return None
    value = group.value
    start, end = group.start, group.end
    kind: NumberKind = "number"
    unit: str | None = None
    decimals = 0
    rounding = 0.0
    if group.digits is not None:
        written, decimals = _parse_digits(group.digits)
        if written > 0 and group.token_count == 1:
            rounding = 0.5 * 10.0**-decimals * value / written
    elif group.current == 0 and group.last_scale:
        rounding = 0.5 * group.last_scale  # "ثلاثة مليارات" is rounded to the billion
    else:
        rounding = 0.5

    suffix = _SUFFIX_RE.match(text, end)
    times_x = group.digits is not None and _TIMES_X_RE.match(text, end)
    if times_x:
        kind, end = "multiplier", times_x.end()
    elif suffix:
        name = suffix.lastgroup
        if name == "percent":
            kind = "percent"
        elif name == "times":
            kind = "multiplier"
        else:
            unit = name
        end = suffix.end()

    window_start = max(0, start - 5)
    before = text[window_start:start]
    currency = _CURRENCY_PREFIX_RE.search(before)
    percent_before = _PERCENT_PREFIX_RE.search(before) if group.digits is not None else None
    if kind == "number" and unit is None and currency:
        unit = currency.lastgroup
        start = window_start + currency.start()
    elif kind == "number" and unit is None and percent_before:
        # Right-to-left typing often stores "50%" as "%50".
        kind = "percent"
        start = window_start + percent_before.start()

    if (
        kind == "number"
        and unit is None
        and group.digits is not None
        and group.token_count == 1
        and _YEAR_DIGITS_RE.fullmatch(group.digits)
        and 1800 <= value <= 2100
    ):
        kind = "year"

    original_start, original_end = normalized.span(start, end)
    mention = NumberMention(
        start=original_start,
        end=original_end,
        value=float(value),
        kind=kind,
        unit=unit,
        raw=normalized.original[original_start:original_end],
        decimal_places=decimals,
        rounding=rounding,
    )
    return mention, end


def extract_numbers_normalized(
    normalized: NormalizedText, start: int = 0, end: int | None = None
) -> list[NumberMention]:
    """Return the number mentions in ``normalized.text[start:end]``.

    Use this when the normalised text already exists (``doc.normalized``); offsets in the
    result point into ``normalized.original``.
    """
    text = normalized.text
    end = len(text) if end is None else end
    mentions: list[NumberMention] = []
    group: _Group | None = None
    consumed_until = start

    def close() -> None:
        nonlocal consumed_until
        if group is not None:
            finished = _finish(group, normalized)
            if finished is not None:
                mentions.append(finished[0])
                consumed_until = finished[1]

    for match in _token_matches(text, start, end):
        if match.start() < consumed_until:
            continue
        conjoined = False
        if group is not None:
            gap = text[group.end : match.start()]
            joiner = _JOINER_RE.fullmatch(gap) if gap else None
            if gap and joiner is None:
                close()
                group = None
                if match.start() < consumed_until:
                    continue
            elif joiner is not None:
                conjoined = "and" in gap or "و" in gap
        digits = match.group("digits")
        if digits is not None:
            value, _decimals = _parse_digits(digits)
            scale = match.group("scale")
            if scale:
                value *= _DIGIT_SCALES[scale]
            token_start = match.start("digits")
            if group is not None and token_start > 0 and text[token_start - 1] == "و":
                conjoined = True
            cls = _DIGITS + "_scaled" if scale else _DIGITS
            scale_value = _DIGIT_SCALES[scale] if scale else 0.0
            if _combine(group, value, _DIGITS, conjoined) and group is not None:
                group.end = match.end()
                group.last_class = cls
                group.last_scale = scale_value
                continue
            close()
            group = _Group(
                start=token_start,
                end=match.end(),
                current=value,
                last_class=cls,
                digits=digits,
                token_count=1,
                last_scale=scale_value,
            )
            continue
        word_group = next(
            name
            for name in ("word", "prefixed", "clitic_word", "short_word")
            if match.group(name) is not None
        )
        word = match.group(word_group)
        word_start = match.start(word_group)
        prefix = match.group("prefix") or match.group("clitic") or match.group("short_clitic") or ""
        if word in _FRACTIONS:
            joined = conjoined or prefix.startswith("و")
            if group is not None and joined and group.last_class in _SCALED and group.last_scale:
                # "مليون ونصف", "ثلاثة ملايين ونصف", "3 ملايين وربع"
                group.total += _FRACTIONS[word] * group.last_scale
                group.end = match.end()
                group.last_class = _FRACTION
                group.token_count += 1
                continue
            scaled = _FRACTION_SCALE_RE.match(text, match.end())
            if scaled is not None and not prefix:
                # "نصف مليون", "ربع مليار", "half a million"
                close()
                scale_value = _SCALE_WORDS[scaled.group("scale")]
                group = _Group(
                    start=word_start,
                    end=scaled.end(),
                    total=_FRACTIONS[word] * scale_value,
                    last_class=_SCALE,
                    token_count=2,
                    first_word=word,
                    last_scale=scale_value,
                )
                consumed_until = max(consumed_until, scaled.end())
                continue
        if word in _MULTIPLIER_VALUES:
            close()
            group = None
            if match.start() < consumed_until:
                continue
            if word in _GUARDED_MULTIPLIERS and not _GUARD_RE.match(text, match.end()):
                continue
            original_start, original_end = normalized.span(word_start, match.end())
            mentions.append(
                NumberMention(
                    start=original_start,
                    end=original_end,
                    value=float(_MULTIPLIER_VALUES[word]),
                    kind="multiplier",
                    unit=None,
                    raw=normalized.original[original_start:original_end],
                )
            )
            consumed_until = match.end()
            continue
        value, cls = (1.0, _UNIT) if word == "a" else _WORD_VALUES[word]
        conjoined = conjoined or prefix.startswith("و")
        if _combine(group, value, cls, conjoined) and group is not None:
            group.end = match.end()
            continue
        close()
        if cls == _SCALE_AFTER_NUMBER and word in _ONE_SCALE_WORDS:
            if _ONE_SCALE_NEXT_RE.match(text, match.end()):
                cls = _SCALE  # "مليارا و760 مليون": the accusative singular is one of the scale
        group = _start_group(word_start, match.end(), value, cls, word)
    close()
    return mentions


def extract_numbers(text: str) -> list[NumberMention]:
    """Return the number mentions in ``text``, in order, with offsets into ``text``.

    Examples:
        ``extract_numbers("بلغت الصادرات 2.7 مليار دولار")`` gives one mention with value
        ``2.7e9``, kind ``"number"`` and unit ``"usd"``.
    """
    return extract_numbers_normalized(normalize_with_offsets(text))
