"""Reference checks: ratios, stated areas and populations, distances, contradictions."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from mizan.detector.reference import (
    PlaceMention,
    great_circle_km,
)
from mizan.detector.signals.statistics.claims import (
    _CLAUSE_CHARS,
    _PLACE_BEFORE_KEYWORD,
    _SHARE_AFTER_RE,
    AREA_TOLERANCE,
    KM2_PER_SQUARE_MILE,
    KM_PER_MILE,
    WORLD_POPULATION_MAX,
    _Claim,
    _Field,
    _Findings,
    _format,
    _locative_before,
    _measurable,
    _Number,
    _only_filler,
    _place_key,
    _place_name,
    _record_deviation,
    _reference_quantity,
    _without_clause,
)

RATIO_TOLERANCE = 1.5
POPULATION_OVER_TOLERANCE = 1.9
POPULATION_UNDER_TOLERANCE = 1.5
DISTANCE_TOLERANCE = 0.35
ROAD_FACTOR = 1.4
MIN_CHECKED_DISTANCE_KM = 30.0
INTERNAL_TOLERANCE = 1.15

# Windows, in normalised characters, within which words belong to one claim.
_PLACE_BEFORE_MULTIPLIER = 80
_PLACE_AFTER_MULTIPLIER = 60
_PLACE_CHARS = 80  # longer than any place name in the gazetteer
_KEYWORD_BEFORE_PLACE = 40
_PLACE_AFTER_KEYWORD = 25
_NUMBER_AFTER_CLAIM = 60
_DISTANCE_CLAIM_CHARS = 120


# --- reference checks --------------------------------------------------------------------


def _measure_near(
    source: _Field, segment_start: int, segment_end: int, anchor: int
) -> tuple[str | None, int]:
    """Return ``("area"|"population"|None, keyword start)`` for the words in a segment."""
    if source.hits("non_geographic", segment_start, segment_end):
        return None, -1
    population = source.hits("population", segment_start, segment_end)
    area = source.hits("area", segment_start, segment_end)
    if population and area:
        nearest_population = min(abs(hit[0] - anchor) for hit in population)
        nearest_area = min(abs(hit[0] - anchor) for hit in area)
        if nearest_population <= nearest_area:
            return "population", population[0][0]
        return "area", area[0][0]
    if population:
        return "population", population[0][0]
    if area:
        return "area", area[0][0]
    size = source.hits("size", segment_start, segment_end)
    if size:
        return "area", size[0][0]
    return None, -1


def _after_quantity_word(source: _Field, place: PlaceMention) -> bool:
    """Return whether ``place`` follows a quantity word: "مساحة مصر", "the size of Egypt"."""
    window_start = max(0, place.start - _KEYWORD_BEFORE_PLACE // 2)
    for name in ("population", "area", "size"):
        for _hit_start, hit_end in source.hits(name, window_start, place.start):
            if _only_filler(source.text[hit_end : place.start]):
                return True
    return False


def _anchored_place(
    source: _Field, candidates: Sequence[PlaceMention], number: _Number, before: bool
) -> PlaceMention | None:
    """Pick the place a ratio is about, or ``None`` when no place is tied to the figure.

    A place is tied when a quantity word stands right before it ("مساحة مصر") or only
    filler words separate it from the figure ("Egypt is four times", "ضعف سكان قطر").
    """
    ordered = list(reversed(candidates)) if before else list(candidates)
    for place in ordered:
        if _after_quantity_word(source, place):
            return place
    nearest = ordered[0]
    gap = (
        source.text[nearest.end : number.start]
        if before
        else source.text[number.end : nearest.start]
    )
    if len(gap) <= _PLACE_AFTER_KEYWORD and _only_filler(gap):
        return nearest
    return None


def _check_ratios(
    source: _Field,
    start: int,
    end: int,
    numbers: Sequence[_Number],
    places: Sequence[PlaceMention],
    findings: _Findings,
) -> None:
    """Check "مساحة مصر أربعة أضعاف مساحة السعودية" and "X is 30% of Y" against references."""
    text = source.text
    geographic = sorted(
        (place for place in places if place.country or place.group), key=lambda p: p.start
    )
    if len(geographic) < 2:
        return
    place_starts = [place.start for place in geographic]
    for number in numbers:
        mention = number.mention
        is_share = mention.kind == "percent" and bool(_SHARE_AFTER_RE.match(text, number.end))
        if mention.kind != "multiplier" and not is_share:
            continue
        # Only the places near the figure are looked at (bisect), not every place again.
        low = bisect_left(place_starts, number.start - _PLACE_BEFORE_MULTIPLIER - _PLACE_CHARS)
        high = bisect_left(place_starts, number.end + _PLACE_AFTER_MULTIPLIER + 1, low)
        nearby = geographic[low:high]
        before = [
            place
            for place in nearby
            if place.end <= number.start and number.start - place.end <= _PLACE_BEFORE_MULTIPLIER
        ]
        after = [
            place
            for place in nearby
            if place.start >= number.end and place.start - number.end <= _PLACE_AFTER_MULTIPLIER
        ]
        first: PlaceMention | None
        second: PlaceMention | None
        if before and after:
            first = _anchored_place(source, before, number, before=True)
            second = _anchored_place(source, after, number, before=False)
        elif len(before) >= 2 and mention.kind == "multiplier":
            # "مساحة مصر أكبر من مساحة السعودية بأربع مرات", "مصر أكبر من السعودية بمرتين"
            first, second = before[-2], before[-1]
            quantity_words = _after_quantity_word(source, first) and _after_quantity_word(
                source, second
            )
            if not quantity_words and not _compared(source, first, second):
                continue
        else:
            continue
        if first is None or second is None:
            continue
        if _place_key(first) == _place_key(second):
            continue
        between_start, between_end = min(first.end, number.end), second.start
        smaller = bool(source.hits("smaller", between_start, between_end))
        if not _measurable(mention.value):
            continue
        if is_share:
            claimed = mention.value / 100.0
        else:
            claimed = 1.0 / mention.value if smaller else mention.value
        bound = _bound_before(text, number.start)
        if smaller and bound is not None:
            bound = "upper" if bound == "lower" else "lower"
        segment_start = max(start, first.start - _KEYWORD_BEFORE_PLACE)
        segment_end = min(end, max(second.end + 15, number.end + 25))
        if source.hits("non_geographic", segment_start, segment_end):
            continue
        measure, keyword_start = _quantity_before(source, first, second)
        if measure is None:
            measure, keyword_start = _measure_near(source, segment_start, segment_end, number.start)
        if measure is None:
            continue
        first_value = _reference_quantity(first, measure)
        second_value = _reference_quantity(second, measure)
        if not first_value or not second_value:
            continue
        reference = first_value / second_value
        span_start = keyword_start if 0 <= keyword_start < first.start else first.start
        label = f"{measure} ratio {_place_name(first)}/{_place_name(second)}"
        findings.checked += 1
        _record_deviation(findings, claimed, reference)
        over = claimed / reference > RATIO_TOLERANCE and bound != "upper"
        under = reference / claimed > RATIO_TOLERANCE and bound != "lower"
        if over or under:
            findings.contradicted += 1
            findings.evidence.append(
                source.evidence(
                    span_start,
                    second.end,
                    f"{label} claimed {_format(claimed)}, reference {_format(reference)}",
                )
            )
        first_key, second_key = _place_key(first), _place_key(second)
        if first_key <= second_key:
            key, value = ("ratio", measure, first_key, second_key), claimed
        else:
            key, value = ("ratio", measure, second_key, first_key), 1.0 / claimed
        findings.claims.append(
            _Claim(key, value, label, "", source, span_start, max(second.end, number.end))
        )


_COMPARED_RE = re.compile(
    r"^\s{0,3}(?:(?:هي|هو)\s{1,3})?(?:اكبر|اصغر|اوسع|اكثر|اقل)(?:\s{1,3}(?:مساحه|سكانا))?\s{1,3}من\s{0,3}$"
    r"|^\s{0,3}(?:is\s{1,3})?(?:larger|bigger|smaller|greater)\s{1,3}than\s{0,3}$"
)
_BOUND_RE = re.compile(
    r"(?:(?<![\w])(?:ب)?(?:اكثر\s+من|ما\s+يزيد\s+(?:على|عن)|يزيد\s+(?:على|عن))"
    r"|\b(?:more\s+than|over|at\s+least))\s{0,3}$"
    r"|(?P<upper>(?<![\w])(?:ب)?(?:اقل\s+من|ما\s+يقل\s+عن)|\b(?:less\s+than|under|at\s+most))"
    r"\s{0,3}$"
)
_NEW_CLAUSE_RE = re.compile(r"\s{0,3}[،,]\s{0,3}(?:و|and\b)")


def _compared(source: _Field, first: PlaceMention, second: PlaceMention) -> bool:
    """Return whether only a comparative stands between two places ("مصر أكبر من السعودية")."""
    if second.start - first.end > 30:
        return False
    return bool(_COMPARED_RE.match(source.text[first.end : second.start]))


def _bound_before(text: str, position: int) -> str | None:
    """Return "lower" for "more than N times", "upper" for "less than N times", else None."""
    match = _BOUND_RE.search(text, max(0, position - 20), position)
    if match is None:
        return None
    return "upper" if match.group("upper") else "lower"


def _quantity_before(
    source: _Field, first: PlaceMention, second: PlaceMention
) -> tuple[str | None, int]:
    """Return the measure named right before either place ("مساحة مصر"), with its start."""
    for place in (first, second):
        window_start = max(0, place.start - _KEYWORD_BEFORE_PLACE // 2)
        for name, measure in (("area", "area"), ("population", "population"), ("size", "area")):
            for hit_start, hit_end in source.hits(name, window_start, place.start):
                if _only_filler(source.text[hit_end : place.start]):
                    return measure, hit_start
    return None, -1


def _claim_place(
    source: _Field,
    keyword: tuple[int, int],
    places: Sequence[PlaceMention],
    starts: Sequence[int] | None = None,
) -> PlaceMention | None:
    """Return the place a quantity word belongs to: "سكان مصر", "Egypt's population".

    ``places`` are in text order; ``starts`` (their start offsets) lets only the places
    near the keyword be looked at.
    """
    text = source.text
    if starts is not None:
        low = bisect_left(starts, keyword[0] - _PLACE_BEFORE_KEYWORD - _CLAUSE_CHARS - _PLACE_CHARS)
        high = bisect_left(starts, keyword[1] + _PLACE_AFTER_KEYWORD + 1, low)
        places = places[low:high]
    for place in places:
        if 0 <= place.start - keyword[1] <= _PLACE_AFTER_KEYWORD and _only_filler(
            text[keyword[1] : place.start]
        ):
            return place
    for place in reversed(places):
        if not 0 <= keyword[0] - place.end <= _PLACE_BEFORE_KEYWORD + _CLAUSE_CHARS:
            continue
        gap = _without_clause(text[place.end : keyword[0]])
        if _NEW_CLAUSE_RE.match(gap):
            continue  # "... الإمارات، ويبلغ عدد سكانها": a new clause about its own subject
        if len(gap) <= _PLACE_BEFORE_KEYWORD and _only_filler(gap):
            # "أكبر جالية في العالم بتعداد ..." and "منطقة شمال غربي أفريقيا ومساحتها ..." are
            # about something in the place, not the place; so is a new clause ("ومساحتها").
            if text.startswith("و", keyword[0]):
                return None
            gap_start, gap_end = place.end, keyword[0]
            relative = bool(source.hits("relative", gap_start, gap_end))
            if not relative and _locative_before(text, place.start):
                return None
            return place
    return None


def _check_stated_quantities(
    source: _Field,
    start: int,
    end: int,
    numbers: Sequence[_Number],
    places: Sequence[PlaceMention],
    findings: _Findings,
) -> None:
    """Check "يبلغ عدد سكان مصر 105 ملايين نسمة" and "Egypt covers 1,002,450 km²"."""
    text = source.text
    used: set[int] = set()
    ordered = sorted(places, key=lambda place: place.start)
    place_starts = [place.start for place in ordered]
    number_starts = [item.start for item in numbers]
    for measure in ("population", "area"):
        for keyword in source.hits(measure, start, end):
            place = _claim_place(source, keyword, ordered, place_starts)
            if place is None:
                continue
            after = max(keyword[1], place.end)
            following = bisect_left(number_starts, after)
            number = numbers[following] if following < len(numbers) else None
            if number is None or number.start in used:
                continue
            if number.start - after > _NUMBER_AFTER_CLAIM + _CLAUSE_CHARS:
                continue
            gap = _without_clause(text[after : number.start])
            if len(gap) > _NUMBER_AFTER_CLAIM or not _only_filler(gap):
                continue
            mention = number.mention
            if mention.kind != "number":
                continue
            if measure == "population":
                if mention.unit not in (None, "people") or mention.value < 1000:
                    continue
                claimed = mention.value
            else:
                if mention.unit not in ("km2", "mi2"):
                    continue
                claimed = mention.value * (KM2_PER_SQUARE_MILE if mention.unit == "mi2" else 1)
            used.add(number.start)
            span_start = min(keyword[0], place.start)
            _judge_quantity(source, measure, place, claimed, span_start, number.end, findings)


def _judge_quantity(
    source: _Field,
    measure: str,
    place: PlaceMention,
    claimed: float,
    span_start: int,
    span_end: int,
    findings: _Findings,
) -> None:
    if not _measurable(claimed):
        return
    name = _place_name(place)
    unit_label = " km²" if measure == "area" else ""
    label = f"{measure} of {name}"
    if measure == "area" and place.country is not None:
        findings.stated_areas.setdefault((source.name, place.country.iso2), claimed)
    findings.claims.append(
        _Claim(
            (measure, _place_key(place)), claimed, label, unit_label, source, span_start, span_end
        )
    )
    if measure == "population" and claimed > WORLD_POPULATION_MAX:
        findings.impossible += 1
        findings.evidence.append(
            source.evidence(
                span_start,
                span_end,
                f"{label} claimed {_format(claimed)}, more than the world's population",
            )
        )
        return
    reference = _reference_quantity(place, measure)
    if not reference:
        return
    findings.checked += 1
    _record_deviation(findings, claimed, reference)
    if measure == "population":
        wrong = (
            claimed > reference * POPULATION_OVER_TOLERANCE
            or claimed < reference / POPULATION_UNDER_TOLERANCE
        )
    else:
        wrong = max(claimed / reference, reference / claimed) > AREA_TOLERANCE
    if wrong:
        findings.contradicted += 1
        findings.evidence.append(
            source.evidence(
                span_start,
                span_end,
                f"{label} claimed {_format(claimed)}{unit_label}, "
                f"reference {_format(reference)}{unit_label}",
            )
        )


def _check_distances(
    source: _Field,
    start: int,
    end: int,
    numbers: Sequence[_Number],
    places: Sequence[PlaceMention],
    findings: _Findings,
) -> None:
    """Check "المسافة بين القاهرة والرياض 5000 كيلومتر" against the great-circle distance."""
    cities = []
    seen: set[str] = set()
    for place in places:
        if place.city is not None and place.city.name_en not in seen:
            seen.add(place.city.name_en)
            cities.append(place)
    if len(cities) != 2:
        return
    distance_number = next(
        (number for number in numbers if number.mention.unit in ("km", "mi")), None
    )
    if distance_number is None:
        return
    first, second = cities
    assert first.city is not None and second.city is not None
    claim_start = min(first.start, distance_number.start)
    claim_end = max(second.end, distance_number.end)
    if claim_end - claim_start > _DISTANCE_CLAIM_CHARS:
        return
    keywords = source.hits("distance", max(start, claim_start - 30), claim_end)
    reference = great_circle_km(first.city, second.city)
    if reference < MIN_CHECKED_DISTANCE_KM:
        return
    mention = distance_number.mention
    claimed = mention.value * (KM_PER_MILE if mention.unit == "mi" else 1.0)
    if claimed <= 0:
        return
    if not keywords:
        return
    span_start = min(claim_start, keywords[0][0])
    span_end = claim_end
    pair = sorted((first.city.name_en, second.city.name_en))
    label = f"distance {first.city.name_en}-{second.city.name_en}"
    findings.claims.append(
        _Claim(("distance", *pair), claimed, label, " km", source, span_start, span_end)
    )
    findings.checked += 1
    _record_deviation(findings, claimed, reference)
    low = reference * (1 - DISTANCE_TOLERANCE)
    high = reference * (1 + DISTANCE_TOLERANCE) * ROAD_FACTOR
    if claimed < low or claimed > high:
        findings.contradicted += 1
        findings.evidence.append(
            source.evidence(
                span_start,
                span_end,
                f"{label} claimed {_format(claimed)} km, great-circle {_format(reference)} km",
            )
        )


def _check_internal(findings: _Findings) -> None:
    """Flag a quantity stated again later in the article with a different value.

    Only the smallest and largest earlier values of each quantity are kept: a new value
    conflicts with some earlier one exactly when it conflicts with one of those two, so
    the check stays linear however often a quantity is repeated.
    """
    earlier: dict[tuple[str, ...], tuple[_Claim, _Claim]] = {}
    for claim in findings.claims:
        bounds = earlier.get(claim.key)
        if bounds is None:
            earlier[claim.key] = (claim, claim)
            continue
        smallest, largest = bounds
        conflicting = None
        if claim.value > INTERNAL_TOLERANCE * smallest.value:
            conflicting = smallest
        elif largest.value > INTERNAL_TOLERANCE * claim.value:
            conflicting = largest
        if conflicting is not None:
            findings.internal += 1
            findings.evidence.append(
                claim.field.evidence(
                    claim.start,
                    claim.end,
                    f"{claim.label} given as {_format(claim.value)}{claim.unit_label} here "
                    f"and {_format(conflicting.value)}{conflicting.unit_label} earlier",
                )
            )
        earlier[claim.key] = (
            claim if claim.value < smallest.value else smallest,
            claim if claim.value > largest.value else largest,
        )
