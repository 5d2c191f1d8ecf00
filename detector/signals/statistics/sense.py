"""Common-sense checks: impossible magnitudes, unsourced projections, false precision."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from mizan.detector.signals.statistics.claims import (
    _SHARE_AFTER_RE,
    WORLD_POPULATION_MAX,
    _Field,
    _figure,
    _Findings,
    _format,
    _Number,
    _only_filler,
)

MAX_AGE_YEARS = 130
MAX_EXPERIENCE_YEARS = 120
FALSE_PRECISION_DECIMALS = 3
PROJECTION_PRECISION_DECIMALS = 2
UNSOURCED_PROJECTION_WEIGHT = 0.12
FALSE_PRECISION_WEIGHT = 0.08
_AGE_PHRASE_GAP = 15
_PERSON_WINDOW = 30
_EXPERIENCE_GAP = 12
_RATE_WINDOW = 50
_GROWTH_WINDOW = 40
# "\bby" written as "by(?<=\bby)": the same matches, but opening with the literal lets the
# regex engine skip straight to an occurrence of "by".
_BY_YEAR_RE = re.compile(r"by(?<=\bby)\s+(?:the\s+end\s+of\s+)?(?:20[2-9]\d)\b")


# --- plausibility ------------------------------------------------------------------------


def _ends_near(hits: Iterable[tuple[int, int]], position: int, gap: int, text: str) -> bool:
    return any(
        0 <= position - hit_end <= gap and _only_filler(text[hit_end:position])
        for _s, hit_end in hits
    )


def _check_impossible(
    source: _Field, start: int, end: int, numbers: Sequence[_Number], findings: _Findings
) -> None:
    """Find shares over 100%, ages over 130 and centuries of experience."""
    for number in numbers:
        mention = number.mention
        reason = None
        doubled = False
        if mention.kind == "percent" and mention.value > 100:
            growth = source.hits("growth", max(start, number.start - _GROWTH_WINDOW), number.start)
            rate = source.hits("rate", max(start, number.start - _RATE_WINDOW), number.start)
            if growth:
                continue
            if rate:
                reason = f"rate of {_format(mention.value)}% is over 100%"
            elif _share_of_population(source, number.end, end):
                reason = f"share of {_format(mention.value)}% of a population is over 100%"
        elif (
            mention.kind == "number"
            and mention.unit in ("people", None)
            and (mention.value > WORLD_POPULATION_MAX and _doubled_scale(source, number))
        ):
            doubled = True
            reason = (
                f"{_figure(mention.value)} is more than the world's population: "
                "a figure written out in full and then followed by a scale word"
            )
        elif mention.kind == "number" and mention.unit in ("years", None):
            reason = _impossible_years(source, start, end, number)
        if reason and doubled:
            # A scale word after a figure written out in full is a slip of the pen.
            findings.internal += 1
            findings.evidence.append(source.evidence(number.start, number.end, reason))
        elif reason:
            findings.impossible += 1
            findings.evidence.append(source.evidence(number.start, number.end, reason))


def _doubled_scale(source: _Field, number: _Number) -> bool:
    """Return whether a figure spells out millions in digits and adds a scale word after."""
    raw = source.text[number.start : number.end]
    digits = _DIGIT_RUN_RE.search(raw)
    if digits is None:
        return False
    written = float(re.sub(r"[,،.]", "", digits.group()))
    return written >= 1e6 and number.mention.value > written


_DIGIT_RUN_RE = re.compile(r"\d[\d,،.]*")


def _share_of_population(source: _Field, position: int, end: int) -> bool:
    """Return whether "من سكان" / "of the population" follows a percentage."""
    text = source.text
    share = _SHARE_AFTER_RE.match(text, position)
    if share is None:
        return False
    following = source.hits("population", share.end(), min(end, share.end() + 20))
    return bool(following) and _only_filler(text[share.end() : following[0][0]])


def _impossible_years(source: _Field, start: int, end: int, number: _Number) -> str | None:
    text = source.text
    mention = number.mention
    if mention.value > MAX_AGE_YEARS:
        window_start = max(start, number.start - _PERSON_WINDOW)
        window_end = min(end, number.end + _PERSON_WINDOW)
        if _ends_near(
            source.hits("age", max(start, number.start - 40), number.start),
            number.start,
            _AGE_PHRASE_GAP,
            text,
        ):
            return f"age of {_format(mention.value)} years is over {MAX_AGE_YEARS}"
        weak_age = _ends_near(
            source.hits("age_weak", max(start, number.start - 20), number.start),
            number.start,
            8,
            text,
        ) or bool(source.hits("age_weak", number.start, number.end))
        if weak_age and source.hits("person", window_start, window_end):
            return f"age of {_format(mention.value)} years is over {MAX_AGE_YEARS}"
    if mention.unit == "years" and mention.value > MAX_EXPERIENCE_YEARS:
        following = source.hits("experience", number.end, min(end, number.end + 30))
        if following and following[0][0] - number.end <= _EXPERIENCE_GAP:
            return f"{_format(mention.value)} years of experience"
    return None


_CLOCK_AFTER_RE = re.compile(
    r"\s{0,3}(?:ال)?(?:ساعه|الساعه)(?![\w])|\s{0,3}\d{3,4}\s{0,3}(?:gmt|بتوقيت)"
)


def _check_projection(source: _Field, start: int, end: int, findings: _Findings) -> int | None:
    """Count a forecast with a figure; flag it when no source is named in the sentence.

    Returns where the first forecast cue starts, or ``None`` when the sentence has none.
    """
    text = source.text
    cues = [
        hit_start
        for hit_start, hit_end in source.hits("projection", start, end)
        # "بحلول الساعة 0202 بتوقيت غرينتش" is a time stamp, not a forecast.
        if not _CLOCK_AFTER_RE.match(text, hit_end)
    ]
    by_year = _BY_YEAR_RE.search(text, start, end)
    if by_year:
        cues.append(by_year.start())
    if not cues:
        return None
    findings.projections += 1
    if not source.hits("attribution", start, end):
        findings.unsourced_projections += 1
        findings.evidence.append(
            source.evidence(
                start,
                end,
                "projection with a figure and no source in the sentence",
                weight=UNSOURCED_PROJECTION_WEIGHT,
            )
        )
    return min(cues)


def _check_precision(
    source: _Field, numbers: Sequence[_Number], projection: bool, findings: _Findings
) -> None:
    for number in numbers:
        mention = number.mention
        decimals = mention.decimal_places
        if mention.kind != "percent" and mention.rounding * 2 * 10.0**decimals > 1.5:
            continue  # "1.180 trillion riyals": decimals of a scale word, precise to a billion
        precise = (mention.kind == "percent" and decimals >= FALSE_PRECISION_DECIMALS) or (
            projection
            and (
                decimals >= FALSE_PRECISION_DECIMALS
                or (mention.kind == "percent" and decimals >= PROJECTION_PRECISION_DECIMALS)
            )
        )
        if precise:
            findings.false_precision += 1
            findings.evidence.append(
                source.evidence(
                    number.start,
                    number.end,
                    f"figure given with {decimals} decimal places",
                    weight=FALSE_PRECISION_WEIGHT,
                )
            )
