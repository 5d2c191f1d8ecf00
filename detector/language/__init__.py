"""The one place that knows Arabic and English words.

Normalisation that keeps offsets (invisible format characters and tatweel removed), one
tokenizer, one rule for Arabic proclitics and the article, feminine and plural forms, and
one phrase matcher (Aho-Corasick) over the lexicons. Signals read words through it, so a
word variant handled here is handled everywhere; see ``words`` and ``matcher``.
"""

from mizan.detector.language.matcher import PhraseMatch, PhraseMatcher
from mizan.detector.language.words import (
    ARTICLE,
    BARRIER,
    CONJUNCTIONS,
    NOT_ARTICLE,
    PREPOSITIONS,
    WORD_SEPARATOR,
    Tokens,
    WordLexicon,
    entry_forms,
    inflections,
    is_arabic,
    lemma_key,
    normalize,
    proclitic_variants,
    readings,
    strip_article,
    strip_clitics,
    strip_invisible,
    tokenize,
    tokens_of,
    word_spans,
)

__all__ = [
    "ARTICLE",
    "BARRIER",
    "CONJUNCTIONS",
    "NOT_ARTICLE",
    "PREPOSITIONS",
    "WORD_SEPARATOR",
    "PhraseMatch",
    "PhraseMatcher",
    "Tokens",
    "WordLexicon",
    "entry_forms",
    "inflections",
    "is_arabic",
    "lemma_key",
    "normalize",
    "proclitic_variants",
    "readings",
    "strip_article",
    "strip_clitics",
    "strip_invisible",
    "tokenize",
    "tokens_of",
    "word_spans",
]
