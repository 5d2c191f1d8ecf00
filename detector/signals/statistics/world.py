"""Claims against small dated reference tables: oil reserves, national visions, parities.

Three checks, each against a table in ``detector/reference`` (see its PROVENANCE.md):

* a single country said to hold the majority (most, half) of the world's oil: no country
  holds more than ``max_oil_share()`` percent of the world's proved reserves
  (``oil_reserves.csv``, end of 2020);
* something said to be launched under a national vision ("launched under Vision 2030")
  whose own start the page dates before the vision was announced ("initially rolled out
  in 2011"; Saudi Vision 2030 was announced in 2016; ``visions.csv``);
* a currency's value in pounds sterling when it was first issued ("the first Iraqi dinar
  was worth a quarter of a pound": it was issued in 1932 at par with sterling;
  ``parities.csv``).

Each check first tests the field's words for its own word set and scans only bounded
windows around a match, so it costs nothing on a page that does not make the claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import islice

from mizan.detector.reference import find_places
from mizan.detector.signals.statistics.claims import (
    _TOKEN_RE,
    _clitic_pattern,
    _Field,
    _Findings,
    _read_csv,
)
from mizan.detector.text import normalize_for_matching

MAX_MATCHES = 8
"""At most this many claims of each kind (and start years per claim) are read per field."""
_SENTENCE_CHARS = 200
_YEAR_WINDOW = 800
"""How far from a "launched under Vision ..." claim the page's own start year is read."""
_SUBJECT_TOKENS = 6
_SUBJECT_MIN_CHARS = 6
_OIL_MAJORITY_RE = re.compile(
    r"\b(?:holds?|has|have|possess(?:es)?|owns?|controls?|sits?\s+on)\s+(?:the\s+)?"
    r"(?:majority|bulk|most|half|more\s+than\s+half)\s+of\s+(?:the\s+)?"
    r"world(?:s|'s|’s)?\s+(?:proven\s+|proved\s+)?(?:oil|crude)\b"
    r"|(?<![\w])(?:تمتلك|يمتلك|تملك|يملك|تحوز|يحوز|لديها|لديه)\s+"
    r"(?:معظم|اغلب|غالبيه|اكثر\s+من\s+نصف|نصف)\s+(?:احتياطيات?\s+)?(?:ال)?نفط\s+"
    r"(?:في\s+)?(?:ال)?عالم(?![\w])"
)
_GROUP_BEFORE_RE = re.compile(
    r"\b(?:opec|gulf|middle\s+east|arab|countries|states|nations|region|members)\b"
    r"|(?<![\w])(?:اوبك|الخليج|الخليجيه|الشرق\s+الاوسط|العربيه|الدول|دول|الاعضاء)(?![\w])"
)
_VISION_RE = re.compile(
    r"\b(?:launched|introduced|created|established|started|begun|born)\s+"
    r"(?:under|as\s+part\s+of|within)\s+(?:the\s+)?(?:[a-z]+\s+){0,2}?vision\s+(?P<year>20\d\d)\b"
    r"|(?<![\w])[وف]?(?:اطلق|اطلقت|انطلق|انطلقت|تاسس|تاسست|بدا|بدات)(?:\s+[^\W\d]+){0,3}?\s+"
    r"(?:ضمن|في\s+اطار)\s+(?:ال)?رويه\s+(?:[^\W\d]+\s+){0,2}?(?P<year_ar>20\d\d)(?![\d])"
)
_START_YEAR_RE = re.compile(
    r"\b(?:rolled\s+out|launched|introduced|began|started|implemented|created)"
    r"\s+(?:back\s+)?in\s+(?P<year>(?:19|20)\d\d)\b"
    r"|(?<![\w])[وف]?(?:اطلق|اطلقت|طبق|طبقت|بدا|بدات|انطلق|انطلقت)(?:\s+[^\W\d]+){0,3}?\s+"
    r"(?:(?:منذ|في)\s+)?(?:عام\s+)?(?P<year_ar>(?:19|20)\d\d)(?![\d])"
)
PARITY_TOLERANCE = 0.02
"""A stated first-issue value this close to the table's parity is the parity."""
PARITY_YEARS = 2
"""A year in the claim's sentence this close to the first issue dates the claim to it."""
_PARITY_NAME_CHARS = 160
"""How far before the value the currency's name is looked for."""
_PARITY_RE = re.compile(
    r"(?<![\w])[وف]?(?:يساوي|تساوي|يعادل|تعادل|بقيمه|مساويا|معادلا|قيمته)\s+"
    r"(?:(?P<fraction_ar>ربع|نصف|ثلث|ثلاثه\s+ارباع)\s+|(?P<number_ar>\d+(?:[.,]\d+)?)\s+)?"
    r"(?:ال)?جنيه(?:ا|ات)?\s+(?:ال)?استرليني(?:ا|ه)?(?![\w])"
    r"|\b(?:equal(?:led|s)?\s+to|equivalent\s+to|worth|at\s+par\s+with|valued\s+at)\s+"
    r"(?:(?P<fraction_en>a\s+quarter\s+of\s+a|quarter\s+of\s+a|half\s+a|a\s+third\s+of\s+a"
    r"|three\s+quarters\s+of\s+a|one|a)\s+|(?P<number_en>\d+(?:\.\d+)?)\s+)?(?:the\s+)?"
    r"(?:pounds?\s+sterling|british\s+pounds?|sterling)\b"
)
_FRACTIONS = {
    **{"ربع": 0.25, "نصف": 0.5, "ثلث": 1 / 3, "ثلاثه ارباع": 0.75},
    **{"a quarter of a": 0.25, "quarter of a": 0.25, "half a": 0.5, "a third of a": 1 / 3},
    **{"three quarters of a": 0.75, "one": 1.0, "a": 1.0},
}
_FRACTION_WORDS = {
    0.25: "a quarter of a pound",
    0.5: "half a pound",
    1 / 3: "a third of a pound",
    0.75: "three quarters of a pound",
}
_ISSUE_RE = re.compile(
    r"(?<![\w])[وفب]?(?:ال)?(?:اصدار|اصداره|اصدر|اصدرت|صدر|طرح|طرحه|تاسيس|الاول|لاول|ولاده)"
    r"(?![\w])|\b(?:introduc\w*|first|issued|launched|created|born)\b"
)
"""Words that date a value to the currency's first issue."""
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


@dataclass(frozen=True)
class _Parity:
    """A currency's value in pounds sterling when it was first issued."""

    name: str
    introduced: int
    sterling: float
    authority: str


_CLAIM_STEMS = frozenset(
    word[:5]
    for word in (
        *("launched", "introduced", "created", "established", "started", "implemented"),
        *("initially", "initiative", "program", "programme", "vision", "rolled", "under"),
        *("برنامج", "البرنامج", "مشروع", "المشروع", "مبادره", "المبادره"),
    )
)
"""The words of the claims themselves, which say nothing about what was launched."""


@dataclass(frozen=True)
class _Vision:
    """A national vision named for its target year, with the year it was announced."""

    name: str
    announced: int
    country_words: frozenset[str]


@cache
def _oil_shares() -> dict[str, tuple[str, float]]:
    """Return each country's share (percent) of world proved oil reserves by ISO code."""
    return {
        row["iso2"]: (row["name_en"], float(row["share_percent"]))
        for row in _read_csv("oil_reserves.csv")
    }


def max_oil_share() -> tuple[str, float]:
    """Return the country with the largest share of world proved oil reserves and the share."""
    return max(_oil_shares().values(), key=lambda item: item[1])


@cache
def _visions() -> dict[str, list[_Vision]]:
    """Return the national visions by the year in their names."""
    visions: dict[str, list[_Vision]] = {}
    for row in _read_csv("visions.csv"):
        vision = _Vision(
            row["name_en"], int(row["announced"]), frozenset(row["country_words"].split("|"))
        )
        visions.setdefault(row["year_in_name"], []).append(vision)
    return visions


@cache
def _parities() -> tuple[dict[str, _Parity], dict[str, str], re.Pattern[str]]:
    """Return the first-issue parities by code, names to codes and a pattern of the names."""
    parities: dict[str, _Parity] = {}
    names: dict[str, str] = {}
    for row in _read_csv("parities.csv"):
        parities[row["code"]] = _Parity(
            row["name_en"], int(row["introduced"]), float(row["sterling"]), row["authority"]
        )
        for name in (*row["names_ar"].split("|"), *row["names_en"].split("|")):
            names[normalize_for_matching(name).strip()] = row["code"]
    return parities, names, re.compile(_clitic_pattern(names))


def _sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the bounds of the sentence around ``[start, end)`` (bounded windows)."""
    floor = max(0, start - _SENTENCE_CHARS)
    first = max(text.rfind(".", floor, start), text.rfind("\n", floor, start), floor - 1) + 1
    ceiling = min(len(text), end + _SENTENCE_CHARS)
    stops = [
        found
        for found in (text.find(".", end, ceiling), text.find("\n", end, ceiling))
        if found >= 0
    ]
    return first, min(stops) if stops else ceiling


def _check_world(source: _Field, findings: _Findings) -> None:
    """Run the reference-table checks on a field."""
    if source.has("oil") and source.has("oil_share") and source.has("world"):
        _check_oil_majority(source, findings)
    if source.has("vision") and source.has("vision_year"):
        _check_vision(source, findings)
    if source.has("sterling"):
        _check_parity(source, findings)


def _check_oil_majority(source: _Field, findings: _Findings) -> None:
    """Flag one country said to hold the majority of the world's oil.

    The largest share of world proved reserves is Venezuela's 17.5% (Saudi Arabia 17.2%),
    so "they hold the majority of the world's oil" is false of any single country. A group
    (OPEC holds about 70%, the Middle East about 48%) named before the claim in the same
    sentence keeps the check silent.
    """
    text = source.text
    for match in islice(_OIL_MAJORITY_RE.finditer(text), MAX_MATCHES):
        sentence_start, _end = _sentence_span(text, match.start(), match.end())
        if _GROUP_BEFORE_RE.search(text, sentence_start, match.start()):
            continue
        largest_name, largest = max_oil_share()
        shares = _oil_shares()
        places = find_places(source.normalized, sentence_start, match.start())
        if any(place.group is not None and place.group.key != "world" for place in places):
            continue  # "دول الخليج تملك ..." is a group, not one country
        named = [
            shares[place.country.iso2]
            for place in places
            if place.country is not None and place.country.iso2 in shares
        ]
        detail = f"; {named[-1][0]} holds {named[-1][1]:g}%" if named else ""
        findings.checked += 1
        findings.contradicted += 1
        findings.evidence.append(
            source.evidence(
                match.start(),
                match.end(),
                f"no single country holds a majority of the world's proved oil reserves: the "
                f"largest share is {largest_name}'s {largest:g}% (end of 2020){detail}",
            )
        )
        return


def _subject_stems(text: str, start: int, end: int) -> set[str]:
    """Return the long words of ``text[start:end]`` cut to five letters (crude stems)."""
    return {
        word[:5]
        for word in _TOKEN_RE.findall(text, start, end)
        if len(word) >= _SUBJECT_MIN_CHARS and not word.isdigit()
    }


def _check_vision(source: _Field, findings: _Findings) -> None:
    """Flag a thing launched under a national vision that the page dates before the vision.

    "Launched under the Vision 2030 initiative, Saudization ..." and, near it, "Initially
    rolled out in 2011, Saudization ...": Saudi Vision 2030 was announced in 2016. The
    vision is resolved by the country words of the field (Vision 2030 is Saudi, Qatari,
    Bahraini or Egyptian); the start year must share a long word with the claim.
    """
    text = source.text
    visions = _visions()
    for match in islice(_VISION_RE.finditer(text), MAX_MATCHES):
        year = match.group("year") or match.group("year_ar")
        candidates = [
            vision
            for vision in visions.get(year, [])
            if not vision.country_words.isdisjoint(source.words)
        ]
        if len(candidates) != 1:
            continue
        vision = candidates[0]
        sentence_start, sentence_end = _sentence_span(text, match.start(), match.end())
        subject = _subject_stems(text, sentence_start, sentence_end) - _CLAIM_STEMS
        if not subject:
            continue
        window_start = max(0, match.start() - _YEAR_WINDOW)
        years = _START_YEAR_RE.finditer(text, window_start, match.end() + _YEAR_WINDOW)
        for start_year in islice(years, MAX_MATCHES):
            stated = int(start_year.group("year") or start_year.group("year_ar"))
            if stated >= vision.announced:
                continue
            near_start, near_end = _sentence_span(text, start_year.start(), start_year.end())
            if subject.isdisjoint(_subject_stems(text, near_start, near_end)):
                continue
            findings.checked += 1
            findings.internal += 1
            findings.evidence.append(
                source.evidence(
                    match.start(),
                    match.end(),
                    f"launched under {vision.name}, which was announced in {vision.announced}, "
                    f"yet the page dates its start to {stated}",
                )
            )
            return


def _parity_value(match: re.Match[str]) -> float | None:
    """Return the pounds sterling a parity claim states (1 when it gives no amount)."""
    fraction = match.group("fraction_ar") or match.group("fraction_en")
    if fraction is not None:
        return _FRACTIONS[re.sub(r"\s+", " ", fraction)]
    number = match.group("number_ar") or match.group("number_en")
    if number is not None:
        value = float(number.replace(",", "."))
        return value if value > 0 else None
    return 1.0


def _check_parity(source: _Field, findings: _Findings) -> None:
    """Flag a currency's first-issue value in sterling that the table contradicts.

    "Issuing the first Iraqi dinar, worth a quarter of a pound sterling": the dinar was
    issued in 1932 at par with sterling. The sentence must tie the value to the first issue
    (an issue word, or a year within ``PARITY_YEARS`` of it) and name no other year: a
    currency's later value in sterling is not checked.
    """
    text = source.text
    parities, names, name_re = _parities()
    for match in islice(_PARITY_RE.finditer(text), MAX_MATCHES):
        sentence_start, sentence_end = _sentence_span(text, match.start(), match.end())
        named = list(
            name_re.finditer(
                text, max(sentence_start, match.start() - _PARITY_NAME_CHARS), match.start()
            )
        )
        if not named:
            continue
        code = next(
            (
                names[named[-1].group()[cut:]]
                for cut in range(0, 4)
                if named[-1].group()[cut:] in names
            ),
            None,
        )
        if code is None:
            continue
        parity = parities[code]
        years = [
            int(year.group()) for year in _YEAR_RE.finditer(text, sentence_start, sentence_end)
        ]
        if any(abs(year - parity.introduced) > PARITY_YEARS for year in years):
            continue
        if not years and not _ISSUE_RE.search(text, sentence_start, sentence_end):
            continue
        stated = _parity_value(match)
        if stated is None:
            continue
        findings.checked += 1
        if abs(stated / parity.sterling - 1) <= PARITY_TOLERANCE:
            continue
        findings.contradicted += 1
        reference = (
            "at par with the pound sterling"
            if parity.sterling == 1
            else f"at {_FRACTION_WORDS.get(parity.sterling, f'£{parity.sterling:g}')}"
        )
        given = _FRACTION_WORDS.get(stated, f"£{stated:g}")
        findings.evidence.append(
            source.evidence(
                match.start(),
                match.end(),
                f"the {parity.name} was first issued in {parity.introduced} {reference} "
                f"({parity.authority}); the page gives {given}",
            )
        )
        return
