"""Attribution cues: reporting verbs and phrases found in a block's tokens."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from typing import NamedTuple

from mizan.detector.lexicons import load_lexicon
from mizan.detector.signals.experts.words import (
    _WORD,
    CueKind,
    Language,
    Token,
    _joined,
    _Lexicon,
    _ProseBlock,
)
from mizan.detector.text import normalize_for_matching


class _Cue(NamedTuple):
    """A reporting verb or attribution phrase found in a block, at offsets of its text."""

    start: int
    end: int
    kind: CueKind
    prefixed: bool
    lexicon: _Lexicon
    # "قام بتحذير", "يطلق تحذيراته": a verb phrase whose speaker stands before it.
    speaker_first: bool = False


@dataclass(frozen=True)
class _CueEntry:
    """A reporting verb or attribution phrase, keyed in the cue table by its first word.

    ``joined``: the phrase ends in a ل that may open the next word ("وفقا لمصادر").
    ``prefixed``: the key carries a conjunction ("وقال"), so the verb opens no new clause.
    """

    rest: tuple[str, ...]
    kind: CueKind
    joined: bool
    prefixed: bool
    language: Language


@dataclass(frozen=True)
class _CueGroup:
    """The cues that start with one word, phrases first and longest first.

    ``next_words``: the words one of them needs right after the first; ``None`` when one of
    them may match whatever follows (a single word, or a phrase ending in a joined ل).
    """

    entries: tuple[_CueEntry, ...]
    next_words: frozenset[str] | None


def _cue_group(entries: list[_CueEntry]) -> _CueGroup:
    """Order the cues that share a first word and note what must follow that word."""
    ordered = tuple(sorted(entries, key=lambda cue: (cue.kind == "verb", -len(cue.rest))))
    open_ended = any(not entry.rest or (entry.joined and len(entry.rest) == 1) for entry in entries)
    next_words = None if open_ended else frozenset(entry.rest[0] for entry in entries)
    return _CueGroup(ordered, next_words)


@lru_cache(maxsize=1)
def _cue_table() -> dict[str, _CueGroup]:
    """Map a token to the cues it may start."""
    table: dict[str, list[_CueEntry]] = {}
    languages: tuple[Language, ...] = ("ar", "en")
    for language in languages:
        for suffix in ("phrases", "verbs"):
            for entry in load_lexicon(f"{language}/experts_{suffix}"):
                words = tuple(_WORD.findall(normalize_for_matching(entry)))
                if not words:
                    continue
                kind: CueKind = "verb"
                if suffix == "phrases":
                    # "في تصريح لـ" / "speaking to" name an outlet more often than a speaker.
                    kind = "venue" if words[0] in ("في", "speaking", "in") else "phrase"
                joined = kind != "verb" and language == "ar" and words[-1] in ("ل", "ب")
                keys = [(words[0], False)]
                if language == "ar":
                    conjunctions = "و" if kind != "verb" else "وف"
                    keys += [(conjunction + words[0], True) for conjunction in conjunctions]
                for key, prefixed in keys:
                    table.setdefault(key, []).append(
                        _CueEntry(words[1:], kind, joined, prefixed, language)
                    )
    return {key: _cue_group(entries) for key, entries in table.items()}


def _find_cues(block: _ProseBlock, lexicons: dict[str, _Lexicon]) -> list[_Cue]:
    """Return reporting verbs and attribution phrases of both languages, in text order."""
    table = _cue_table()
    cues: list[_Cue] = []
    words = block.words
    next_free = 0
    for index in compress(range(len(words)), map(table.__contains__, words)):
        if index < next_free:
            continue
        group = table[words[index]]
        if group.next_words is not None and (
            index + 1 >= len(words) or words[index + 1] not in group.next_words
        ):
            continue
        text = block.text
        tokens = block.tokens
        for entry in group.entries:
            matched = _match_cue(text, tokens, index, entry)
            if matched is not None:
                cue_end, used = matched
                lexicon = lexicons[entry.language]
                speaker_first = entry.kind == "verb" and bool(entry.rest)
                cues.append(
                    _Cue(
                        tokens[index][0],
                        cue_end,
                        entry.kind,
                        entry.prefixed,
                        lexicon,
                        speaker_first and entry.language == "ar",
                    )
                )
                next_free = index + used
                break
    return cues


def _match_cue(
    text: str, tokens: list[Token], index: int, entry: _CueEntry
) -> tuple[int, int] | None:
    """Match ``entry`` at ``index``; return where the cue ends and how many whole tokens it uses."""
    size = 1 + len(entry.rest)
    if index + size > len(tokens):
        return None
    checked = size - 1 if entry.joined else size
    for offset in range(1, checked):
        token = tokens[index + offset]
        if token[2] != entry.rest[offset - 1] or not _joined(
            text, tokens[index + offset - 1], token
        ):
            return None
    if not entry.joined:
        return tokens[index + size - 1][1], size
    # "وفقا لمصادر", "وفقاً لـ مصادر": the ل may stand alone or open the next word.
    last = tokens[index + size - 1]
    if last[2] == "ل":
        return last[1], size
    if last[2].startswith("ل") and len(last[2]) > 2:
        return last[0] + 1, size - 1
    return None
