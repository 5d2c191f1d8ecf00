"""Unnamed speakers found without a reporting verb: groups, vox-pops, personas, credit lines."""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import itemgetter

from mizan.detector.article import Document
from mizan.detector.signals.experts.categories import (
    REASON_CREDENTIAL,
    REASON_CREDIT,
    REASON_PERSONA,
    REASON_VOX_POP,
    REASONS,
    Attribution,
    Category,
)
from mizan.detector.signals.experts.classifier import _AR_JOINED_ARTICLE
from mizan.detector.signals.experts.reader import _COMMA, _MAX_TAIL_CHARS, _SENTENCE_END
from mizan.detector.signals.experts.words import (
    _AR_PROCLITICS,
    _PROSE_KINDS,
    Language,
    Span,
    Token,
    _is_arabic,
    _joined,
    _Lexicon,
    _lexicon,
    _prose_blocks,
    _ProseBlock,
    _Tagger,
)

# The longest entry of the mention lists, in words.
_MAX_MENTION_WORDS = 4
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
# A bot's signature: a short name line right above an "AI 🤖" marker.
_PERSONA_MARK = re.compile(r"^[ \t]*ai[ \t]*\U0001F916", re.MULTILINE)
_MAX_PERSONA_CHARS = 40
_PERSONA_NAME = re.compile(r"[^\W\d_]{2,20}(?: [^\W\d_]{2,20}){1,3}")
_EN_CREDENTIAL = re.compile(
    r"\bI(?:['’]ve| have) been [a-z]{2,20}ing(?: [a-z]{1,20}){0,3} for "
    r"(?:over |more than |nearly |almost |about )?\d{1,2}\+? years",
    re.IGNORECASE,
)
_CREDIT_LINE = re.compile(r"^[ \t]*(المصدر|source)[ \t]*:[ \t]*([^\n]{0,40})$", re.MULTILINE)
_DATELINE_CREDIT = re.compile(r"[A-Z][a-z]{1,20}\s?[-–—]")
_GENERIC_CREDITS = frozenset(
    {
        "مواقع",
        "وكالات",
        "مواقع التواصل",
        "الانترنت",
        "مواقع الكترونيه",
        "websites",
        "agencies",
        "internet",
        "social media",
        "online",
        "web",
    }
)
_SENTENCE_GAP = re.compile(r"[.!?؟…:][\s\"'”»)]*")


@dataclass(frozen=True)
class _MentionLists:
    """The word lists read without a reporting verb: unnamed groups and vox-pop roles."""

    tagger: _Tagger


@lru_cache(maxsize=2)
def _mention_lists(language: Language) -> _MentionLists:
    """Load the unnamed-group and vox-pop lists of ``language`` once per process."""
    prefix = f"{language}/experts_"
    return _MentionLists(_Tagger({"unnamed": prefix + "unnamed", "roles": prefix + "voxpop_roles"}))


@lru_cache(maxsize=1)
def _mention_openers() -> frozenset[str]:
    """Every token that may open an entry of the mention lists, clitics and article included.

    The inverse of :func:`_word_forms`: a block with none of these tokens is skipped
    without tagging.
    """
    openers: set[str] = set()
    languages: tuple[Language, ...] = ("ar", "en")
    for language in languages:
        for word in _mention_lists(language).tagger.by_first:
            openers.add(word)
            if _is_arabic(word):
                for article in ("", "ال"):
                    openers.update(clitic + article + word for clitic in ("", *_AR_PROCLITICS))
                openers.add("لل" + word)
    return frozenset(openers)


def find_unnamed_mentions(
    doc: Document,
    attributions: Sequence[Attribution],
    blocks: Sequence[_ProseBlock] | None = None,
) -> list[Attribution]:
    """Return unsourced speakers that need no reporting verb, outside ``attributions``.

    * phrases that put a claim on unnamed groups or reports ("تحذير الخبراء", "بعض
      التقارير", "whispers of");
    * vox-pops: a sentence that opens with a two- or three-word name, a comma and an
      ordinary job ("فاطمة أحمد، طالبة مصرية") with no institution in that description;
    * persona names: a short name line right above an "AI 🤖" marker (a bot's signature);
    * first-person credentials ("I've been trading for 15 years");
    * source lines that name no outlet ("المصدر: مواقع", "Source: Dubai –").

    ``blocks`` are ``_prose_blocks(doc)`` when the caller has them already.
    """
    # Spans already given to a speaker, kept sorted by start (they do not overlap), so
    # each new mention is checked against its neighbours only.
    taken = sorted((item.start, item.end) for item in attributions)
    found: list[Attribution] = []

    def add(start: int, end: int, category: Category, reason: str) -> None:
        place = bisect_left(taken, (end,))
        if end <= start or (place and taken[place - 1][1] > start):
            return
        insort(taken, (start, end))
        text = doc.body[start:end]
        found.append(Attribution(start, end, text, category, False, False, frozenset(), reason))

    normalized = doc.normalized
    index = normalized.index
    openers = _mention_openers()
    if openers.isdisjoint(doc.normalized_words.words):
        blocks = []
    elif blocks is None:
        blocks = _prose_blocks(doc)
    for prose in blocks:
        if not prose.has_opener(openers):
            continue
        block_start = prose.start
        text = prose.text
        tokens = prose.tokens
        language: Language = "ar" if _ARABIC_LETTER.search(text) else "en"
        tags = _tag_near(_mention_lists(language).tagger, text, tokens, openers)
        for span_start, span_end in tags.get("unnamed", []):
            add(
                *normalized.span(block_start + span_start, block_start + span_end),
                "anonymous",
                REASONS["anonymous"],
            )
        if prose.kind in _PROSE_KINDS and "roles" in tags:

            def is_upper(position: int, offset: int = block_start) -> bool:
                return doc.body[index[offset + position]].isupper()

            vox_pops = _vox_pops(
                text, tokens, prose.token_starts, tags, _lexicon(language), is_upper
            )
            for span in vox_pops:
                add(
                    *normalized.span(block_start + span[0], block_start + span[1]),
                    "weak",
                    REASON_VOX_POP,
                )
    # Whole-page forms are read in the normalised text (zero-width characters and soft
    # hyphens removed, lower case) and shown at their offsets in the body.
    page = normalized.text
    for match in _PERSONA_MARK.finditer(page) if "\U0001f916" in page else ():
        line_end = page.rfind("\n", 0, match.start())
        if line_end < 0:
            continue
        before = page.rfind("\n", max(0, line_end - _MAX_PERSONA_CHARS - 1), line_end)
        if before < 0 and line_end > _MAX_PERSONA_CHARS:
            continue
        line = page[before + 1 : line_end]
        name = line.strip()
        if _PERSONA_NAME.fullmatch(name):
            first = before + 1 + line.index(name)
            add(*normalized.span(first, first + len(name)), "weak", REASON_PERSONA)
    for match in _EN_CREDENTIAL.finditer(page) if " been " in page else ():
        add(*normalized.span(match.start(), match.end()), "weak", REASON_CREDENTIAL)
    for match in _CREDIT_LINE.finditer(page) if "المصدر" in page or "source" in page else ():
        credit = match.group(2).strip(" -–—.")
        shown = doc.body[slice(*normalized.span(match.start(2), match.end(2)))].strip()
        if credit in _GENERIC_CREDITS or _DATELINE_CREDIT.fullmatch(shown):
            add(*normalized.span(match.start(1), match.end()), "anonymous", REASON_CREDIT)
    return found


def _tag_near(
    tagger: _Tagger, text: str, tokens: list[Token], openers: frozenset[str]
) -> dict[str, list[Span]]:
    """Tag only the few tokens from each opener on; a block has few, and entries are short."""
    found: dict[str, list[Span]] = {}
    next_free = 0
    words = map(itemgetter(2), tokens)
    for number in compress(range(len(tokens)), map(openers.__contains__, words)):
        if number < next_free:
            continue
        window = tokens[number : number + _MAX_MENTION_WORDS]
        tags = tagger.tag(text, window)
        for label, spans in tags.items():
            found.setdefault(label, []).extend(span for span in spans if span[0] == window[0][0])
        next_free = number + 1
    return found


def _vox_pops(
    text: str,
    tokens: list[Token],
    starts: list[int],
    tags: dict[str, list[Span]],
    lexicon: _Lexicon,
    is_upper: Callable[[int], bool],
) -> list[Span]:
    """Return "name، job ..." openings of sentences whose description names no institution.

    ``starts`` are the tokens' starts. A vox-pop opens two or three words before a role, so
    only those words are read as openings.
    """
    spans = []
    role_starts = dict(tags["roles"])
    openings: set[int] = set()
    for role_start in role_starts:
        role = bisect_left(starts, role_start)
        if role < len(starts) and starts[role] == role_start:
            openings.update(number for number in (role - 3, role - 2) if number >= 0)
    for number in sorted(openings):
        start = starts[number]
        if number and not _SENTENCE_GAP.fullmatch(text[tokens[number - 1][1] : start]):
            continue
        names = 0
        while (
            number + names < len(tokens)
            and names < 3
            and _vox_pop_name(tokens[number + names], lexicon, is_upper)
            and (not names or _joined(text, tokens[number + names - 1], tokens[number + names]))
        ):
            names += 1
        if names < 2:
            continue
        name_end = tokens[number + names - 1][1]
        comma = _COMMA.match(text, name_end) or _COMMA.match(text, name_end + 1)
        if comma is None or number + names >= len(tokens):
            continue
        role_start = tokens[number + names][0]
        role_end = role_starts.get(role_start)
        if role_end is None or text[comma.end() : role_start].strip():
            continue
        closing = _COMMA.search(text, role_end, role_end + _MAX_TAIL_CHARS)
        end = closing.start() if closing else min(len(text), role_end + _MAX_TAIL_CHARS // 2)
        stop = _SENTENCE_END.search(text, role_end, end)
        end = stop.start() if stop else end
        last = bisect_left(starts, end) - 1
        described = lexicon.tagger.tag(text, tokens[number : last + 1])
        if "affiliations" in described or "sources" in described:
            continue
        spans.append((start, max(role_end, tokens[last][1]) if last >= number else role_end))
    return spans


def _vox_pop_name(token: Token, lexicon: _Lexicon, is_upper: Callable[[int], bool]) -> bool:
    """Whether ``token`` may be part of a person's name (Arabic, or a Latin capital)."""
    word = token[2]
    if lexicon.token_flags(word)[0] or len(word) < 2:
        return False
    if lexicon.language == "ar":
        return _is_arabic(word) and not word.startswith(_AR_JOINED_ARTICLE)
    return is_upper(token[0]) and lexicon.token_flags(word)[2]
