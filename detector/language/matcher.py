"""One phrase matcher over the lexicons: an Aho-Corasick automaton over the text's words.

The automaton (pyahocorasick) holds every lexicon phrase in the forms it may take in text:
its first word with each proclitic and the article in front (:func:`proclitic_variants`),
and, when asked, the feminine and plural forms of its first and last words
(:func:`inflections`). It runs once over :attr:`Tokens.key_text`, the text's normalised
words framed by spaces, so a match always covers whole words, never spans punctuation or
a line break, and costs one pass whatever the size of the lexicons.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import ahocorasick

from mizan.detector.language.words import (
    ARTICLE,
    Tokens,
    inflections,
    is_arabic,
    normalize,
    proclitic_variants,
    strip_article,
    tokenize,
    tokens_of,
)


@dataclass(frozen=True)
class PhraseMatch:
    """A lexicon phrase found in a text.

    Attributes:
        start: Offset of the first matched word in the text that was tokenised.
        end: Offset just after the last matched word there.
        phrase: The lexicon entry as written.
        label: The label the entry was given (for example the lexicon's name).
        first_token: Index of the first matched word in :class:`Tokens`.
        end_token: Index just after the last matched word.
        proclitic: What the first word carries in front of the entry's bare first word
            ("و", "وال", "لل"; "" for none).
    """

    start: int
    end: int
    phrase: str
    label: str
    first_token: int
    end_token: int
    proclitic: str


# What the automaton stores per key: key length, words in the phrase, label, phrase, proclitic.
_Value = tuple[int, int, str, str, str]


class PhraseMatcher:
    """Finds lexicon phrases in text, word-bounded, longest first, in one pass.

    Args:
        phrases_by_label: Phrases (any spelling; normalised here) under a label each. A
            phrase is split into words like the text, so "ever-evolving" matches "ever
            evolving". When two entries take the same form, the first one added keeps it,
            and an entry's own spelling wins over another entry's variant.
        inflect: Also match the feminine and plural forms of a phrase's first and last
            words ("محلل" finds "المحللة", "analyst" finds "analysts").
        proclitics: Let the first word carry Arabic proclitics and the article (و، ف،
            ب، ك، ل، ال، لل).
    """

    def __init__(
        self,
        phrases_by_label: Mapping[str, Iterable[str]],
        *,
        inflect: bool = False,
        proclitics: bool = True,
    ) -> None:
        """Build the automaton over every form of every phrase."""
        exact: dict[str, _Value] = {}
        variants: dict[str, _Value] = {}
        for label, phrases in phrases_by_label.items():
            for phrase in phrases:
                words = tokens_of(normalize(phrase)).words
                if not words:
                    continue
                key = _key(words)
                article = words[0][: len(words[0]) - len(strip_article(words[0]))]
                exact.setdefault(key, (len(key), len(words), label, phrase, article))
                for form, proclitic in _forms(words, inflect=inflect, proclitics=proclitics):
                    key = _key(form)
                    variants.setdefault(key, (len(key), len(words), label, phrase, proclitic))
        automaton = ahocorasick.Automaton()
        for key, value in {**variants, **exact}.items():
            automaton.add_word(key, value)
        self._empty = not exact
        if not self._empty:
            automaton.make_automaton()
        self._automaton = automaton
        self.size = len(automaton)
        """How many word forms the automaton holds."""

    def find(self, text: str | Tokens) -> list[PhraseMatch]:
        """Return the phrases in ``text``, not overlapping, leftmost and longest first.

        ``text`` is the original text (normalised and tokenised here, offsets into it) or
        its :class:`Tokens` (offsets into the text they were made from).
        """
        return _select(self.find_all(text))

    def find_all(self, text: str | Tokens) -> list[PhraseMatch]:
        """Return every phrase occurrence in ``text``, overlapping ones too, by position."""
        tokens = tokenize(text) if isinstance(text, str) else text
        if self._empty or not tokens.words:
            return []
        key_starts = tokens.key_starts
        found: list[PhraseMatch] = []
        for end, value in self._automaton.iter(tokens.key_text):
            size, word_count, label, phrase, proclitic = value
            # A key is " w1 w2 ... ": it ends on the space after its last word.
            first = bisect_left(key_starts, end - size + 2)
            last = first + word_count
            start, stop = tokens.span(first, last)
            found.append(PhraseMatch(start, stop, phrase, label, first, last, proclitic))
        found.sort(key=lambda match: (match.first_token, -match.end_token))
        return found


def _key(words: Iterable[str]) -> str:
    return " " + " ".join(words) + " "


def _forms(
    words: list[str], *, inflect: bool, proclitics: bool
) -> Iterable[tuple[tuple[str, ...], str]]:
    """Yield each written form of a phrase's words with its first word's proclitic.

    With ``inflect``, the last word of a longer phrase agrees with the first: the n-th form
    of one goes with the n-th form of the other ("الخبيرة الاقتصادية", "المحللون
    الاقتصاديون"), so the forms stay a few dozen per phrase.
    """
    first_forms = inflections(strip_article(words[0])) if inflect else (words[0],)
    last_bare = strip_article(words[-1])
    last_forms = inflections(last_bare) if inflect and len(words) > 1 else (last_bare,)
    # A noun and its adjective agree in definiteness ("الخبير الاقتصادي", "خبير اقتصادي"):
    # when the entry's first and last words agree, the last follows the written first word.
    agree = (
        len(words) > 1
        and is_arabic(words[0])
        and is_arabic(words[-1])
        and (strip_article(words[0]) == words[0]) == (last_bare == words[-1])
    )
    middle = tuple(words[1:-1]) if len(words) > 1 else ()
    for position, first in enumerate(first_forms):
        bare = strip_article(first)
        last = last_forms[position] if len(last_forms) == len(first_forms) else last_bare
        for variant in proclitic_variants(first) if proclitics else (first,):
            proclitic = variant[: len(variant) - len(bare)] if variant.endswith(bare) else ""
            if len(words) == 1:
                yield (variant,), proclitic
                continue
            if agree:
                definite = proclitic.endswith((ARTICLE, "لل"))
                tail = (*middle, ARTICLE + last if definite else last)
            elif last_bare != words[-1]:
                tail = (*middle, ARTICLE + last)
            else:
                tail = (*middle, last)
            yield (variant, *tail), proclitic


def _select(matches: list[PhraseMatch]) -> list[PhraseMatch]:
    """Keep the leftmost-longest matches that do not share a word."""
    kept: list[PhraseMatch] = []
    next_free = 0
    for match in matches:
        if match.first_token >= next_free:
            kept.append(match)
            next_free = match.end_token
    return kept
