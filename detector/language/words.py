"""Words: normalisation with offsets, the tokenizer, Arabic clitics and inflected forms.

Every signal reads words through this module, so a word variant handled here is handled
everywhere. Words are matched on their normalised form (:func:`mizan.detector.text.normalize_char`:
NFKC, diacritics and tatweel dropped, alef and yeh forms unified, teh marbuta as heh, Latin
lower-cased) after invisible format characters are removed; every offset maps back to the
text the caller sent.

The Arabic rules, on normalised words:

* **Proclitics and the article**: a word may open with one conjunction (و, ف), then one
  preposition (ب, ك, ل) and the article (ال); ل before the article is written لل.
  :func:`readings` gives the word and each form with some of these taken off
  ("وللخبير" reads as "للخبير", "الخبير", "خبير").
* **Feminine and plural forms**: :func:`inflections` gives the forms of a masculine or
  feminine base (ة, ات, ون, ين and the accusative alef): "محلل" is also "محللة",
  "محللات", "محللون", "محللين", "محللا". Forms are generated from lexicon entries, never
  cut from text words, so "الرياض" (Riyadh) never reads as "رياضة" (sport).
* :func:`lemma_key` is a lossy one-string key (clitics and one suffix cut) for grouping
  words of a text; lexicon matching uses :func:`readings` and :func:`inflections` instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import accumulate

import numpy as np

from mizan.detector.text import (
    FORMAT_RANGES,
    NormalizedText,
    VisibleText,
    letter_digit_spans,
    normalize_with_offsets,
    strip_format_characters,
)

CONJUNCTIONS = "وف"
"""Arabic conjunction proclitics (normalised): "و" (and), "ف" (so)."""
PREPOSITIONS = "بكل"
"""Arabic preposition proclitics: "ب" (with), "ك" (as), "ل" (for)."""
ARTICLE = "ال"
"""The Arabic definite article; after the preposition ل it is written "لل"."""
MIN_STEM_AFTER_CONJUNCTION = 2
"""Letters a word keeps after a bare conjunction ("وفي" reads as "في", "وهو" as "هو")."""
MIN_STEM_AFTER_PREPOSITION = 3
"""Letters a word keeps after a preposition ("بلد" does not read as ب + "لد")."""
MIN_STEM_AFTER_ARTICLE = 2
"""Letters a word keeps after the article ("الدم" reads as "دم")."""
MIN_INFLECTION_BASE = 2
"""Letters a base keeps before a suffix for :func:`inflections` and :func:`lemma_key`."""

# Words whose "ال" is part of the word, not the article (normalised forms).
NOT_ARTICLE = frozenset(
    {
        "الله",
        "اللهم",
        "الذي",
        "التي",
        "الذين",
        "اللذان",
        "اللتان",
        "اللذين",
        "اللتين",
        "اللاتي",
        "اللواتي",
        "اللايي",
        "الان",
        "الا",
        "الي",
        "الف",
        "الاف",
    }
)

FEMININE = "ه"
"""Teh marbuta as :func:`~mizan.detector.text.normalize_for_matching` writes it."""
PLURAL_SUFFIXES = ("ات", "ون", "ين")
"""Sound plural (and oblique dual/plural) endings of a base."""
ACCUSATIVE = "ا"
"""The alef of the indefinite accusative ("محررا", "مراسلا")."""

_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3]")
# Invisible format characters and tatweel: what a reader never sees inside a word.
_INVISIBLE_RE = re.compile(f"[{FORMAT_RANGES}\u0640]++")


def is_arabic(word: str) -> bool:
    """Return whether ``word`` starts with an Arabic letter."""
    return bool(word) and _ARABIC_LETTER.match(word) is not None


# --- normalisation ------------------------------------------------------------------------


def strip_invisible(text: str) -> VisibleText:
    """Remove invisible format characters and tatweel from ``text``, keeping a map back.

    Zero-width spaces and joiners, soft hyphens, the word joiner, bidi marks and tatweel
    ("كـــتب") change nothing a reader sees; ``VisibleText.span`` maps a span of the
    cleaned text to offsets into ``text``. Letters are left as they are (no folding).
    """
    if _INVISIBLE_RE.search(text) is None:
        return VisibleText(text, text)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    keep = np.ones(len(codes), dtype=bool)
    for match in _INVISIBLE_RE.finditer(text):
        keep[match.start() : match.end()] = False
    visible = codes[keep].tobytes().decode("utf-32-le", "surrogatepass")
    return VisibleText(text, visible, np.flatnonzero(keep).tolist())


def normalize(text: str) -> NormalizedText:
    """Normalise ``text`` for matching and keep a map from each character to ``text``.

    Invisible format characters are removed first (so "خب\u200dير" is "خبير"), then the
    text is folded like :func:`mizan.detector.text.normalize_for_matching` (diacritics and tatweel
    dropped, letter forms unified). ``NormalizedText.span`` maps spans back to ``text``.
    """
    visible = strip_format_characters(text)
    folded = normalize_with_offsets(visible.text)
    if visible.index is None:
        return folded
    index = np.asarray(visible.index, dtype=np.intp)[np.asarray(folded.index, dtype=np.intp)]
    return NormalizedText(text, folded.text, index.tolist())


# --- the tokenizer ------------------------------------------------------------------------

_LETTERS_AND_DIGITS = re.compile(r"([^\W_]+)")
# Gaps that join two words of one phrase: spaces, a hyphen or an apostrophe ("ever-evolving").
_PHRASE_GAP = re.compile(r"[ \t\-'’]{1,3}")
WORD_SEPARATOR = " "
"""Between two words of one line in :attr:`Tokens.key_text`."""
BARRIER = " \x1f "
"""Between two words that no phrase may span (punctuation or a line break between them)."""


def word_spans(normalized: str) -> tuple[list[str], list[int], list[int]]:
    """Return the words of ``normalized`` (runs of letters and digits) and their offsets.

    Arabic punctuation (، ؛ ؟) and the underscore are no part of a word; the text is
    expected to be normalised already (no diacritics inside words).
    """
    spans = letter_digit_spans(normalized)
    if spans is not None:
        return spans
    pieces = _LETTERS_AND_DIGITS.split(normalized)
    offsets = list(accumulate(map(len, pieces), initial=0))
    return pieces[1::2], offsets[1:-1:2], offsets[2::2]


@dataclass(frozen=True)
class Tokens:
    """The words of a text, normalised, with offsets into the normalised and original text.

    ``words[i]`` is ``normalized.text[starts[i]:ends[i]]``; :meth:`span` maps a run of
    words back to the text that was tokenised.
    """

    normalized: NormalizedText
    words: list[str]
    starts: list[int]
    ends: list[int]

    def __len__(self) -> int:
        """Return the number of words."""
        return len(self.words)

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Return the original ``[start, end)`` offsets of words ``first`` to ``last - 1``."""
        if not first < last <= len(self.words):
            raise IndexError(f"no words {first}..{last} among {len(self.words)}")
        return self.normalized.span(self.starts[first], self.ends[last - 1])

    @cached_property
    def key_text(self) -> str:
        """The words joined by :data:`WORD_SEPARATOR` or :data:`BARRIER`, framed by spaces.

        Words of one line with only spaces, a hyphen or an apostrophe between them are
        joined by one space; any other gap (punctuation, a line break) becomes a barrier.
        """
        text = self.normalized.text
        separators = [
            WORD_SEPARATOR
            if (gap := text[end:start]) == " " or _PHRASE_GAP.fullmatch(gap)
            else BARRIER
            for end, start in zip(self.ends[:-1], self.starts[1:], strict=True)
        ]
        pieces = [" "]
        for word, separator in zip(self.words, [*separators, " "], strict=True):
            pieces.append(word)
            pieces.append(separator)
        return "".join(pieces) if self.words else ""

    @cached_property
    def key_starts(self) -> list[int]:
        """The offset of each word in :attr:`key_text`."""
        starts: list[int] = []
        position = 1
        text = self.key_text
        for word in self.words:
            starts.append(position)
            position += len(word)
            position += 1 if text[position : position + len(BARRIER)] != BARRIER else len(BARRIER)
        return starts


def tokenize(text: str) -> Tokens:
    """Normalise ``text`` (:func:`normalize`) and return its words with offsets."""
    return tokens_of(normalize(text))


def tokens_of(normalized: NormalizedText) -> Tokens:
    """Return the words of an already normalised text (see :func:`normalize`)."""
    words, starts, ends = word_spans(normalized.text)
    return Tokens(normalized, words, starts, ends)


# --- clitics and the article --------------------------------------------------------------


@lru_cache(maxsize=65536)
def readings(word: str) -> tuple[str, ...]:
    """Return ``word`` and its forms without proclitics and the article, longest first.

    ``word`` is normalised. "وللخبير" gives ("وللخبير", "للخبير", "الخبير", "خبير");
    "والاقتصاد" gives ("والاقتصاد", "الاقتصاد", "اقتصاد"); "بلد" gives ("بلد",) because a
    preposition must leave :data:`MIN_STEM_AFTER_PREPOSITION` letters. A Latin word is its
    only reading.
    """
    if not is_arabic(word):
        return (word,)
    found = [word]
    rest = word
    if rest[0] in CONJUNCTIONS and len(rest) - 1 >= MIN_STEM_AFTER_CONJUNCTION:
        rest = rest[1:]
        found.append(rest)
    if rest.startswith("لل") and len(rest) - 2 >= MIN_STEM_AFTER_ARTICLE:
        found.append(ARTICLE + rest[2:])  # ل + ال
        if rest[1:] not in NOT_ARTICLE:
            found.append(rest[2:])
        return _unique(found)
    if rest[0] in PREPOSITIONS and len(rest) - 1 >= MIN_STEM_AFTER_PREPOSITION:
        rest = rest[1:]
        found.append(rest)
    if (
        rest.startswith(ARTICLE)
        and len(rest) - 2 >= MIN_STEM_AFTER_ARTICLE
        and rest not in NOT_ARTICLE
    ):
        found.append(rest[2:])
    return _unique(found)


def _unique(forms: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(forms))


def strip_clitics(word: str) -> str:
    """Return the shortest of :func:`readings`: the word without proclitics and article."""
    return readings(word)[-1]


def strip_article(word: str) -> str:
    """Return a lexicon word without its article ("الخبير" -> "خبير"); else unchanged."""
    if (
        is_arabic(word)
        and word.startswith(ARTICLE)
        and len(word) - 2 >= MIN_STEM_AFTER_ARTICLE
        and word not in NOT_ARTICLE
    ):
        return word[2:]
    return word


# --- feminine and plural forms ------------------------------------------------------------


@lru_cache(maxsize=65536)
def inflections(base: str) -> tuple[str, ...]:
    """Return ``base`` and its feminine, plural and accusative forms (normalised).

    A masculine base ("محلل", "اقتصادي") gives +ة, +ات, +ون, +ين and +ا; a feminine base
    ending in ة ("رياضه") gives its plural in ات. A base already ending in a plural suffix
    gives only itself. A Latin word gives itself and its plural in -s.
    """
    if not is_arabic(base):
        if len(base) > 2 and base.isalpha() and not base.endswith("s"):
            return (base, base + "s")
        return (base,)
    if len(base) < MIN_INFLECTION_BASE or base.endswith(PLURAL_SUFFIXES):
        return (base,)
    if base.endswith(FEMININE):
        stem = base[:-1]
        return (base, stem + "ات") if len(stem) >= MIN_INFLECTION_BASE else (base,)
    if base.endswith(ACCUSATIVE):
        return (base,)
    return (base, base + FEMININE, *(base + suffix for suffix in PLURAL_SUFFIXES), base + "ا")


@lru_cache(maxsize=65536)
def lemma_key(word: str) -> str:
    """Return a lossy key of a text word: clitics, article and one suffix cut off.

    "وللمحللين", "المحللة" and "محللا" all give "محلل"; "الاقتصادية" gives "اقتصادي".
    Distinct words may share a key ("الرياض" and "رياضة" both give "رياض"): use it to
    group the words of one text, and :class:`WordLexicon` to match lexicon entries.
    """
    stem = strip_clitics(word)
    if not is_arabic(stem):
        return stem[:-1] if len(stem) > 3 and stem.endswith("s") and stem.isalpha() else stem
    for suffix in (*PLURAL_SUFFIXES, FEMININE, ACCUSATIVE):
        if stem.endswith(suffix) and len(stem) - len(suffix) >= MIN_INFLECTION_BASE + 1:
            return stem[: -len(suffix)]
    return stem


def entry_forms(entry_word: str, *, inflect: bool = False) -> frozenset[str]:
    """Return the bare forms a text word must read as to match a lexicon word.

    The entry is normalised; its article is taken off (text words are read without it
    too); with ``inflect`` its :func:`inflections` are added.
    """
    bare = strip_article(entry_word)
    forms = {entry_word, bare}
    if inflect:
        forms.update(inflections(bare))
    return frozenset(forms)


class WordLexicon:
    """A set of single lexicon words that text words match through clitics and forms.

    ``token in lexicon`` is true when one of the :func:`readings` of the normalised token
    is a form of an entry (:func:`entry_forms`): "وللخبراء" is in a lexicon holding
    "الخبراء", and with ``inflect`` "المحللة" is in one holding "محلل".
    """

    def __init__(self, entries: Iterable[str], *, inflect: bool = False) -> None:
        """Index the normalised ``entries`` (single words)."""
        forms: set[str] = set()
        for entry in entries:
            forms |= entry_forms(entry, inflect=inflect)
        self.forms = frozenset(forms)

    def __contains__(self, token: object) -> bool:
        """Return whether some reading of ``token`` is a form of an entry."""
        if not isinstance(token, str):
            return False
        forms = self.forms
        return any(reading in forms for reading in readings(token))

    def match(self, token: str) -> str | None:
        """Return the longest reading of ``token`` that is a form of an entry, or ``None``."""
        return next((reading for reading in readings(token) if reading in self.forms), None)


def proclitic_variants(entry_word: str) -> tuple[str, ...]:
    """Return the ways a normalised lexicon word may be written with proclitics in front.

    The inverse of :func:`readings`: "خبير" gives "خبير", "الخبير", "والخبير", "للخبير",
    "بالخبير", "فخبير", ...; every variant reads back as ``entry_word``. A Latin word has
    only itself.
    """
    if not is_arabic(entry_word):
        return (entry_word,)
    bare = strip_article(entry_word)
    definite = entry_word if bare != entry_word else ARTICLE + bare
    starts = [bare, definite, "لل" + bare]
    starts += [preposition + bare for preposition in PREPOSITIONS]
    starts += [preposition + definite for preposition in "بك"]
    variants = [*starts, *(conjunction + form for conjunction in CONJUNCTIONS for form in starts)]
    return _unique(
        variant for variant in variants if _reads_as(variant, bare) or variant == entry_word
    )


def _reads_as(variant: str, bare: str) -> bool:
    return bare in readings(variant)
