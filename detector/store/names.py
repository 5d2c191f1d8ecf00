"""Author names from bylines: split multiple bylines, strip datelines and prefixes, unify forms.

A byline as newspapers print it mixes names with datelines, desks and agencies:
``"صنعاء: عرفات مدابش - الرياض: ناصر الحقباني"``, ``"أحمد الشميري (صنعاء)"``,
``"كتب: محمد"``, ``"واس - الرياض"``, ``"By Jane Doe and John Roe in London"``.
:func:`parse_byline` returns the authors in it, each with a matching key that is the same for
every spelling of one name (Arabic letter forms and diacritics unified by
:func:`~mizan.detector.text.normalize_for_matching`, titles such as "د." dropped, "عبد الله" and
"عبدالله" joined) and a kind: a person, a news agency or a newsroom desk.

The word lists are data files: ``detector/lexicons/{ar,en}/byline_*.txt``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from mizan.detector.lexicons import load_lexicon
from mizan.detector.reference import find_capital, find_city, find_country
from mizan.detector.text import normalize_for_matching, words

AuthorKind = Literal["person", "agency", "desk"]

MAX_BYLINE_WORDS = 16
"""A "byline" longer than this is a sentence that landed in the author field, not a byline."""

MAX_NAME_WORDS = 6
"""A person's name is at most this many words; longer segments are not names."""

MAX_KEY_CHARS = 200
"""A matching key longer than this is not a name (and would not fit the store's column)."""

# Dashes between bylines or between a dateline and a name. A hyphen between two Latin letters
# is part of a name ("Jean-Pierre"); tatweel counts as a dash only between spaces.
_DASH = re.compile(r"\s*(?:[–—]|\s-\s|(?<![A-Za-z])-|-(?![A-Za-z])|\sـ+\s)\s*")
_LIST_SEPARATOR = re.compile(r"\s*[،,؛;/]\s*|\s+(?:و|and|&)\s+", re.IGNORECASE)
_QUOTES = re.compile("[«»\"“”‘’'`*]")
_PARENTHESES = re.compile(r"[()\[\]{}]")
_COLON = re.compile(r"\s*[:：]\s*")
_ARABIC_FROM_PLACE = re.compile(r"\s+من\s+\S+(?:\s+\S+){0,2}$")
_ENGLISH_IN_PLACE = re.compile(r"\s+in\s+[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2}$")
_DIGIT = re.compile(r"\d")
_NOT_A_BYLINE = re.compile(r"[?؟#!@]|https?://|www\.")
_KEY_PUNCTUATION = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")
# In a key, "عبد الله" and "عبدالله" (and "ابو ظهير", "ال هتيله") are one word.
_JOINED_PARTICLES = re.compile(r"\b(عبد|ابو|ال) (?=\w)")


@dataclass(frozen=True)
class AuthorName:
    """One author found in a byline.

    Attributes:
        key: The matching key (normalised; equal for every spelling of the name).
        display: The name as written, without datelines, prefixes and quotes.
        kind: ``"person"``, ``"agency"`` (a wire service) or ``"desk"`` (a newsroom desk or
            the outlet itself signing the article).
    """

    key: str
    display: str
    kind: AuthorKind = "person"


def _lexicon_keys(*names: str) -> frozenset[str]:
    keys: set[str] = set()
    for name in names:
        for entry in load_lexicon(name):
            keys.add(_plain_key(entry))
    keys.discard("")
    return frozenset(keys)


def _plain_key(text: str) -> str:
    """Normalise ``text`` and keep only its words, single-spaced."""
    return " ".join(words(normalize_for_matching(text)))


@dataclass(frozen=True)
class _Lexicons:
    prefixes: tuple[str, ...]
    honorifics: tuple[str, ...]
    agencies: dict[str, str]
    desks: frozenset[str]
    roles: frozenset[str]
    calendar: frozenset[str]
    places: frozenset[str]
    waw_names: frozenset[str]


@lru_cache(maxsize=1)
def _lexicons() -> _Lexicons:
    agencies: dict[str, str] = {}
    for name in ("ar/byline_agencies", "en/byline_agencies"):
        for entry in load_lexicon(name):
            spellings = [part.strip() for part in entry.split("|") if part.strip()]
            for spelling in spellings:
                agencies[_plain_key(spelling)] = spellings[0]
    prefixes = {
        _plain_key(entry)
        for name in ("ar/byline_prefixes", "en/byline_prefixes")
        for entry in load_lexicon(name)
    }
    honorifics = {
        normalize_for_matching(entry)
        for name in ("ar/byline_honorifics", "en/byline_honorifics")
        for entry in load_lexicon(name)
    }
    return _Lexicons(
        # Longest first, so "أجرى الحوار" is tried before "حوار" and "أ.د." before "أ.".
        prefixes=tuple(sorted(prefixes - {""}, key=len, reverse=True)),
        honorifics=tuple(sorted(honorifics - {""}, key=len, reverse=True)),
        agencies=agencies,
        desks=_lexicon_keys("ar/byline_desks", "en/byline_desks"),
        roles=_lexicon_keys("ar/byline_roles", "en/byline_roles"),
        calendar=_lexicon_keys("ar/byline_calendar", "en/byline_calendar"),
        places=_lexicon_keys("ar/byline_places", "en/byline_places"),
        waw_names=_lexicon_keys("ar/byline_waw_names"),
    )


def is_place(text: str) -> bool:
    """Return whether ``text`` is a dateline place (a city, region, capital or country)."""
    key = _plain_key(text)
    if not key:
        return False
    if key in _lexicons().places:
        return True
    return any(find(text) is not None for find in (find_capital, find_city, find_country))


def _strip_honorifics(normalized: str) -> str:
    """Drop leading titles ("د.", "الدكتور", "Dr") from already normalised text."""
    changed = True
    while changed:
        changed = False
        for honorific in _lexicons().honorifics:
            if not normalized.startswith(honorific):
                continue
            rest = normalized[len(honorific) :]
            # A title without a dot must be a whole word ("ms" must not cut "mstafa").
            if honorific.endswith(".") or not rest or not rest[0].isalnum():
                stripped = rest.lstrip(" .")
                if stripped:
                    normalized, changed = stripped, True
                break
    return normalized


def author_key(name: str) -> str:
    """Return the matching key of one author name (no splitting, no dateline handling).

    Letter forms, diacritics, digits and case are unified, leading titles ("د.", "Dr.") and
    punctuation dropped, and "عبد الله" / "عبدالله" written as one word.
    """
    normalized = normalize_for_matching(html.unescape(name)).strip()
    normalized = _strip_honorifics(_SPACES.sub(" ", normalized))
    plain = _SPACES.sub(" ", _KEY_PUNCTUATION.sub(" ", normalized)).strip()
    return _JOINED_PARTICLES.sub(r"\1", plain)


def _strip_prefix_words(segment: str) -> str:
    """Drop leading byline words ("كتب", "بقلم", "By", "حاوره") from a segment."""
    changed = True
    while changed and segment:
        changed = False
        key = _plain_key(segment)
        for prefix in _lexicons().prefixes:
            if key == prefix:
                return ""
            if key.startswith(prefix + " "):
                # Cut as many words of the original as the prefix has.
                count = prefix.count(" ") + 1
                pieces = segment.split(None, count)
                segment = pieces[count] if len(pieces) > count else ""
                changed = True
                break
    return segment.strip(" .:-")


def _split_attached_and(segment: str) -> list[str]:
    """Split "نذير رضا وبولا أسطيح" into two names at a word that starts with "و" (and).

    Only from the third word on, so a name needs two words before the split, and never at a
    name that itself starts with "و" ("وليد").
    """
    tokens = segment.split()
    waw_names = _lexicons().waw_names
    for index in range(2, len(tokens)):
        token = tokens[index]
        if (
            token.startswith("و")
            and len(token) > 2
            and _plain_key(token) not in waw_names
            and _plain_key(token[1:]) not in waw_names
        ):
            first = " ".join(tokens[:index])
            return [first, *_split_attached_and(" ".join([token[1:], *tokens[index + 1 :]]))]
    return [segment]


def _clean(text: str) -> str:
    text = html.unescape(text).replace("\u00a0", " ")
    text = _QUOTES.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _segments(byline: str) -> list[str]:
    """Cut a byline into candidate name segments (datelines still in)."""
    parts: list[str] = []
    for dash_part in _DASH.split(_PARENTHESES.sub(" - ", byline)):
        dash_part = dash_part.strip()
        if not dash_part:
            continue
        # "لندن: رنيم حنوش": what stands before a colon is a dateline or a role.
        left, colon, right = _split_colon(dash_part)
        parts.append(right if colon and right else left)
    segments: list[str] = []
    for part in parts:
        segments.extend(piece for piece in _LIST_SEPARATOR.split(part) if piece.strip())
    return segments


def _split_colon(text: str) -> tuple[str, bool, str]:
    pieces = _COLON.split(text, maxsplit=1)
    if len(pieces) == 1:
        return text.strip(), False, ""
    return pieces[0].strip(), True, pieces[1].strip()


def _classify(segment: str) -> AuthorName | None:
    """Turn one segment into an author, or ``None`` for a dateline, prefix or noise.

    A job title ("Staff Writer", "مراسل") comes back as a desk whose key is in the roles
    list; :func:`parse_byline` drops it when the byline also names a person.
    """
    lexicons = _lexicons()
    segment = _strip_prefix_words(segment)
    if not segment or _DIGIT.search(segment):
        return None
    plain = _plain_key(segment)
    if plain in lexicons.agencies:
        canonical = lexicons.agencies[plain]
        return AuthorName(author_key(canonical), canonical, "agency")
    segment = _ARABIC_FROM_PLACE.sub("", segment)
    segment = _ENGLISH_IN_PLACE.sub("", segment).strip(" .")
    plain = _plain_key(segment)
    if not plain or is_place(segment) or set(plain.split()) <= lexicons.calendar:
        return None
    if plain in lexicons.agencies:
        canonical = lexicons.agencies[plain]
        return AuthorName(author_key(canonical), canonical, "agency")
    key = author_key(segment)
    if not key or not 2 <= len(key) <= MAX_KEY_CHARS:
        return None
    if plain in lexicons.desks or plain in lexicons.roles or plain.startswith(("مكتب ", "desk ")):
        return AuthorName(key, segment, "desk")
    if len(plain.split()) > MAX_NAME_WORDS:
        return None
    return AuthorName(key, segment, "person")


def parse_byline(byline: str | None) -> list[AuthorName]:
    """Return the authors named in a byline, in order, without duplicates.

    Datelines ("لندن:", "(جدة)", "من الرياض", "in London"), byline words ("كتب:", "بقلم",
    "By") and titles are removed; several authors ("و", "and", commas, dashes) are split.
    A text that is clearly not a byline (a question, a hashtag, a long sentence) gives ``[]``.
    """
    if not byline:
        return []
    return list(_parse_byline(byline))


@lru_cache(maxsize=65_536)
def _parse_byline(byline: str) -> tuple[AuthorName, ...]:
    """Parse one byline (cached: an archive repeats the same bylines many times)."""
    # What follows a "|" is page metadata ("مدريد – الرياضية | Monday, 10 August 2015").
    text = _clean(byline.split("|", 1)[0])
    if not text or _NOT_A_BYLINE.search(text) or len(text.split()) > MAX_BYLINE_WORDS:
        return ()
    found: list[AuthorName] = []
    for segment in _segments(text):
        pieces = _split_attached_and(segment) if len(segment.split()) >= 3 else [segment]
        for piece in pieces:
            name = _classify(piece)
            if name is not None:
                found.append(name)
    # Beside a full name, an agency or a desk, a lone unknown word is a dateline that the
    # place lists miss ("محمد البيضاني - الباحة", "شارلوت - أ ف ب"), not a second author.
    if any(name.kind != "person" or " " in name.key for name in found):
        found = [name for name in found if name.kind != "person" or " " in name.key]
    # A job title beside a person's name is that person's role, not a second byline.
    if any(name.kind == "person" for name in found):
        roles = _lexicons().roles
        found = [name for name in found if _plain_key(name.display) not in roles]
    unique: dict[str, AuthorName] = {}
    for name in found:
        unique.setdefault(name.key, name)
    return tuple(unique.values())


def primary_author(byline: str | None) -> AuthorName | None:
    """Return the first person named in a byline, else its first agency or desk."""
    names = parse_byline(byline)
    for name in names:
        if name.kind == "person":
            return name
    return names[0] if names else None


def author_kind(name: str) -> AuthorKind:
    """Return whether one (already split) author name is a person, an agency or a desk."""
    plain = _plain_key(name)
    lexicons = _lexicons()
    if plain in lexicons.agencies:
        return "agency"
    if plain in lexicons.desks or plain in lexicons.roles or plain.startswith(("مكتب ", "desk ")):
        return "desk"
    return "person"
