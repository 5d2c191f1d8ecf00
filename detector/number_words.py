"""The words of numbers: Arabic and English number words, scales, multipliers and fractions.

The tables are written in plain Arabic and normalised at import
(:func:`mizan.detector.text.normalize_for_matching`), as the text they are matched on is.
Each word carries its value and a token class; the classes drive how consecutive number
words combine (:mod:`mizan.detector.numbers`).
"""

from __future__ import annotations

import re

from mizan.detector.text import normalize_for_matching

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
# The scale a fraction may precede: Arabic singulars (مليون, not ملايين) and English scales.
_SCALE_WORDS: dict[str, float] = {
    word: value
    for word, (value, cls) in _WORD_VALUES.items()
    if cls == _SCALE or (cls == _SCALE_AFTER_NUMBER and word.isascii())
}
_ONE_SCALE_WORDS = frozenset(
    normalize_for_matching(word) for word in ("مليونا", "مليارا", "بليونا", "ترليونا", "تريليونا")
)
