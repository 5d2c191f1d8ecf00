"""Tokens and word lists of the experts signal: lexicon entries matched with Arabic clitics."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, repeat
from operator import sub
from typing import Literal, TypeVar

from mizan.detector.article import Document, WordSpans
from mizan.detector.lexicons import load_lexicon
from mizan.detector.text import normalize_for_matching

Language = Literal["ar", "en"]
CueKind = Literal["verb", "phrase", "venue"]
Token = tuple[int, int, str]
Span = tuple[int, int]
# Word offsets shared with the document: (starts, ends, first, last, shift).
_Offsets = tuple[list[int], list[int], int, int, int]
_TOKEN_CACHE_SIZE = 100_000
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
# An apostrophe or hyphen inside a word ("al-Sisi", "O'Brien"), which _WORD keeps in one token.
# The pattern opens with the joiner so the regex engine can skip quickly to candidates.
_JOINED_RUNS = re.compile(r"['’-](?<=[^\W_]['’-])(?=[^\W_])")
# Given names spelt like function words after normalisation ("على" and "علي").
_AR_NAME_HOMOGRAPHS = frozenset({"علي"})
# و ف ب ل; ك ("as") is left out: it opens too many names (كمال، كريم).
_AR_PROCLITICS = frozenset("وفبل")
_MULTIWORD_GAP = frozenset(" \t\u00a0.-")
_PROSE_KINDS = frozenset({"paragraph", "bullet"})
_GROUP_ONLY_KINDS = frozenset({"title", "heading", "bio"})


def _is_arabic(token: str) -> bool:
    return bool(token) and "\u0600" <= token[0] <= "\u06ff"


@lru_cache(maxsize=65536)
def _word_forms(token: str) -> tuple[str, ...]:
    """Return the forms a lexicon entry may take inside ``token``.

    Arabic words carry proclitics and the article: "بجامعه" holds "جامعه", "للخبير" and
    "والخبير" hold "خبير". Lexicon words are stored without the article, so "الخبير" in a
    list matches "خبير", "الخبير" and "للخبير" alike. Latin tokens are used as they are.
    """
    if not _is_arabic(token):
        return (token,)
    forms = [token]
    if token.startswith("لل") and len(token) > 4:
        forms.append(token[2:])
    elif token[0] in _AR_PROCLITICS and len(token) > 3:
        forms.append(token[1:])
    for form in list(forms):
        if form.startswith("ال") and len(form) > 3:
            forms.append(form[2:])
    return tuple(forms)


def _entry_word(word: str) -> str:
    """Store an Arabic lexicon word without its article ("الخبير" -> "خبير")."""
    if _is_arabic(word) and word.startswith("ال") and len(word) > 3:
        return word[2:]
    return word


class _Tagger:
    """Entries of several word lists, matched word by word on tokens in one pass.

    Arabic clitics are allowed through :func:`_word_forms`; within one list matches do not
    overlap and the longest entry wins.
    """

    def __init__(self, lists: dict[str, str]) -> None:
        self.by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        words_of: dict[str, set[str]] = {label: set() for label in lists}
        for label, name in lists.items():
            for entry in load_lexicon(name):
                words = tuple(
                    _entry_word(word) for word in _WORD.findall(normalize_for_matching(entry))
                )
                if words:
                    words_of[label].update(words)
                    self.by_first.setdefault(words[0], []).append((label, words))
        for entries in self.by_first.values():
            entries.sort(key=lambda item: len(item[1]), reverse=True)
        self.words = {label: frozenset(words) for label, words in words_of.items()}
        # The entries a token may open, over all its forms in order.
        self.candidates: _TokenCache[tuple[tuple[str, tuple[str, ...]], ...]] = _TokenCache(
            self._candidates
        )

    def _candidates(self, token: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        by_first = self.by_first
        return tuple(entry for form in _word_forms(token) for entry in by_first.get(form, ()))

    def tag(self, text: str, tokens: Sequence[Token]) -> dict[str, list[Span]]:
        """Return the spans matched by each list, keyed by the list's label."""
        found: dict[str, list[Span]] = {}
        cache = self.candidates
        candidates = [cache[token] for _, _, token in tokens]
        if not any(candidates):
            return found
        free_from: dict[str, int] = {}
        for index in compress(range(len(candidates)), candidates):
            start = tokens[index][0]
            for label, words in candidates[index]:
                if free_from.get(label, 0) > index:
                    continue
                size = len(words)
                if size > 1 and (
                    index + 1 >= len(tokens)
                    or words[1] not in _word_forms(tokens[index + 1][2])
                    or not _rest_matches(text, tokens, index, words)
                ):
                    continue
                found.setdefault(label, []).append((start, tokens[index + size - 1][1]))
                free_from[label] = index + size
        return found


_Value = TypeVar("_Value")


class _TokenCache(dict[str, _Value]):
    """What ``compute`` gives for a token, worked out once per token and kept.

    A long-running service sees an open vocabulary: the cache starts over when it is full.
    """

    def __init__(self, compute: Callable[[str], _Value]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, token: str) -> _Value:
        value = self.compute(token)
        if len(self) >= _TOKEN_CACHE_SIZE:
            self.clear()
        self[token] = value
        return value


def _rest_matches(text: str, tokens: Sequence[Token], index: int, words: tuple[str, ...]) -> bool:
    """Tell whether ``words[1:]`` follow ``tokens[index]``, separated by spaces only."""
    if index + len(words) > len(tokens):
        return False
    return all(
        words[offset] in _word_forms(tokens[index + offset][2])
        and _joined(text, tokens[index + offset - 1], tokens[index + offset])
        for offset in range(1, len(words))
    )


def _joined(text: str, previous: Token, token: Token) -> bool:
    """Tell whether two tokens are separated by spaces only (or the dots of "أ.د.")."""
    return all(char in _MULTIWORD_GAP for char in text[previous[1] : token[0]])


@dataclass(frozen=True)
class _Lexicon:
    """The word lists of one language, ready for matching."""

    language: Language
    tagger: _Tagger
    stop_words: frozenset[str]
    honorifics: frozenset[str]
    non_name_words: frozenset[str]
    descriptor_words: frozenset[str]
    field_words: frozenset[str]
    title_words: frozenset[str]
    token_cache: dict[str, tuple[bool, bool, bool]] = field(default_factory=dict, compare=False)

    def token_flags(self, token: str) -> tuple[bool, bool, bool]:
        """Return (cannot be a name, is a title or field word, has a Latin name's shape)."""
        flags = self.token_cache.get(token)
        if flags is None:
            forms = _word_forms(token)
            letters = token.replace("'", "").replace("’", "").replace("-", "")
            base = token.replace("’", "'").split("'")[0]
            flags = (
                any(form in self.non_name_words for form in forms),
                any(form in self.descriptor_words for form in forms),
                letters.isalpha() and base not in self.non_name_words,
            )
            if len(self.token_cache) >= _TOKEN_CACHE_SIZE:
                self.token_cache.clear()  # a long-running service sees an open vocabulary
            self.token_cache[token] = flags
        return flags


@lru_cache(maxsize=2)
def _lexicon(language: Language) -> _Lexicon:
    """Load the word lists of ``language`` once per process."""
    prefix = f"{language}/experts_"
    labels = ("titles", "anonymous", "weak", "affiliations", "sources")
    tagger = _Tagger({label: prefix + label for label in labels})
    fields = _list_words(prefix + "fields")
    non_name = frozenset().union(
        fields,
        _list_words(prefix + "stopwords"),
        _list_words(prefix + "verbs"),
        *tagger.words.values(),
    )
    return _Lexicon(
        language=language,
        tagger=tagger,
        stop_words=frozenset(
            normalize_for_matching(word) for word in load_lexicon(prefix + "stopwords")
        ),
        honorifics=frozenset(
            normalize_for_matching(word) for word in load_lexicon(prefix + "honorifics")
        ),
        non_name_words=non_name - _AR_NAME_HOMOGRAPHS,
        descriptor_words=fields | tagger.words["titles"],
        field_words=fields,
        title_words=tagger.words["titles"],
    )


def _list_words(name: str) -> frozenset[str]:
    """Return the words of a lexicon, Arabic ones without their article."""
    return frozenset(
        _entry_word(word)
        for entry in load_lexicon(name)
        for word in _WORD.findall(normalize_for_matching(entry))
    )


def _has_form(token: str, words: frozenset[str]) -> bool:
    return any(form in words for form in _word_forms(token))


def _leading_gap(text: str, position: int) -> int:
    """Return how many spaces and commas follow ``position``."""
    gap = 0
    while position + gap < len(text) and text[position + gap] in " \t\u00a0,،":
        gap += 1
    return gap


class _ProseBlock:
    """One block the signal reads, in the normalised text, tokenised once per article.

    ``start`` is the block's offset in ``doc.normalized.text`` and ``text`` its normalised
    text. ``words`` are the document's words that start inside the block (or, for a block
    with a word joined by an apostrophe or hyphen, the block's own _WORD tokens, since
    ``doc.normalized_words`` splits such a word). Their offsets in the block are worked out
    on first use: most blocks hold no cue and need none.
    """

    __slots__ = (
        "_ends",
        "_first",
        "_shift",
        "_starts",
        "_tokens",
        "kind",
        "start",
        "text",
        "words",
    )

    def __init__(
        self, kind: str, start: int, text: str, spans: WordSpans, first: int, last: int
    ) -> None:
        self.kind = kind
        self.start = start
        self.text = text
        self.words = spans.words[first:last]
        # The words' offsets are those of ``spans`` from ``first`` on, less ``_shift``.
        self._starts = spans.starts
        self._ends = spans.ends
        self._first = first
        self._shift = start
        self._tokens: list[Token] | None = None

    @classmethod
    def retokenized(cls, kind: str, start: int, text: str) -> _ProseBlock:
        """Return a block tokenised on its own text with _WORD."""
        matches = list(_WORD.finditer(text))
        words = [match.group() for match in matches]
        spans = WordSpans(
            words, [match.start() for match in matches], [match.end() for match in matches]
        )
        block = cls(kind, start, text, spans, 0, len(words))
        block._shift = 0
        return block

    def has_opener(self, openers: frozenset[str]) -> bool:
        """Whether one of the block's words is in ``openers`` (an entry of a list may start)."""
        return not openers.isdisjoint(self.words)

    @property
    def offsets(self) -> _Offsets:
        """The words' offsets as the document keeps them: ``(starts, ends, first, last, shift)``.

        Word ``i`` of the block spans ``[starts[first + i] - shift, ends[first + i] - shift)``
        and ``last`` ends the range; readers search these lists in place, not shifted copies.
        """
        first = self._first
        return self._starts, self._ends, first, first + len(self.words), self._shift

    @property
    def token_starts(self) -> list[int]:
        """Where each word starts in :attr:`text`."""
        first = self._first
        starts = self._starts[first : first + len(self.words)]
        return list(map(sub, starts, repeat(self._shift))) if self._shift else starts

    @property
    def tokens(self) -> list[Token]:
        """The block's tokens ``(start, end, word)`` at offsets into :attr:`text`."""
        if self._tokens is None:
            first, last, shift = self._first, self._first + len(self.words), self._shift
            self._tokens = list(
                zip(
                    map(sub, self._starts[first:last], repeat(shift)),
                    map(sub, self._ends[first:last], repeat(shift)),
                    self.words,
                    strict=True,
                )
            )
        return self._tokens


def _prose_blocks(doc: Document) -> list[_ProseBlock]:
    """Return the prose and headline blocks of ``doc``, each tokenised once.

    The tokens are the document's words inside each block, shifted to block offsets; one
    pass of _JOINED_RUNS over the whole normalised text finds the blocks to tokenise again.
    """
    page = doc.normalized.text
    spans = doc.normalized_words
    starts = spans.starts
    # A joiner at ``p`` lies inside a block's text, with a letter on either side there, when
    # block_start < p and p + 1 < block_end (the pattern reads one character either side).
    joiners = [match.start() for match in _JOINED_RUNS.finditer(page)]
    blocks: list[_ProseBlock] = []
    for block, (block_start, block_end) in zip(
        doc.blocks, doc.normalized_block_ranges, strict=True
    ):
        if block.kind not in _PROSE_KINDS and block.kind not in _GROUP_ONLY_KINDS:
            continue
        text = page[block_start:block_end]
        if joiners:
            place = bisect_right(joiners, block_start)
            if place < len(joiners) and joiners[place] + 1 < block_end:
                blocks.append(_ProseBlock.retokenized(block.kind, block_start, text))
                continue
        first = bisect_left(starts, block_start)
        last = bisect_left(starts, block_end, first)
        blocks.append(_ProseBlock(block.kind, block_start, text, spans, first, last))
    return blocks
