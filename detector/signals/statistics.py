"""Statistics: numbers that contradict reference facts, each other or common sense.

Fabricated news likes big round numbers that nobody checks: "مساحة مصر أربعة أضعاف مساحة
السعودية", "يبلغ عدد سكان دول الخليج 400 مليون نسمة", "المسافة بين القاهرة والرياض 5000
كيلومتر". Wire copy that quotes figures gets them about right and says who made a forecast.

The signal reads every number in the article's prose (:mod:`detector.numbers`) and the
place names around it (:mod:`detector.reference`), sentence by sentence, and checks:

* ratios of area or population between two countries or region groups ("X is four times
  the size of Y") against reference data, within a factor of ``RATIO_TOLERANCE``;
* a population or area stated for a country or group against reference data (populations
  are about ten years old, so a claim may exceed them by ``POPULATION_OVER_TOLERANCE``);
* a distance stated between two capitals or large cities against the great-circle
  distance, allowing ``DISTANCE_TOLERANCE`` either way and a road factor above it;
* the same quantity (area, population, distance, ratio of one place) given two different
  values in one article;
* impossible magnitudes: a share or rate over 100%, a person's age over ``MAX_AGE_YEARS``,
  more than ``MAX_EXPERIENCE_YEARS`` years of experience, a population above the world's;
* projections with a figure and no source in the sentence, and false precision (a
  percentage with three or more decimals) as weak cues.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from detector.article import Document
from detector.lexicons import load_lexicon
from detector.numbers import NumberMention, extract_numbers_normalized, prepare_tables
from detector.reference import PlaceMention, find_places, great_circle_km
from detector.reference.patterns import trie_regex
from detector.signals.base import Evidence, EvidenceField, Signal, SignalContext, SignalResult
from detector.text import NormalizedText, normalize_for_matching

RATIO_TOLERANCE = 1.5
POPULATION_OVER_TOLERANCE = 1.9
POPULATION_UNDER_TOLERANCE = 1.5
AREA_TOLERANCE = 1.65
DISTANCE_TOLERANCE = 0.35
ROAD_FACTOR = 1.4
MIN_CHECKED_DISTANCE_KM = 30.0
INTERNAL_TOLERANCE = 1.15
WORLD_POPULATION_MAX = 9.5e9
MAX_AGE_YEARS = 130
MAX_EXPERIENCE_YEARS = 120
FALSE_PRECISION_DECIMALS = 3
PROJECTION_PRECISION_DECIMALS = 2
KM_PER_MILE = 1.609344
KM2_PER_SQUARE_MILE = 2.589988

# How strongly each finding moves the score; combined as 1 - prod(1 - weight).
CONTRADICTED_WEIGHT = 0.55
IMPOSSIBLE_WEIGHT = 0.5
INTERNAL_WEIGHT = 0.35
UNSOURCED_PROJECTION_WEIGHT = 0.12
FALSE_PRECISION_WEIGHT = 0.08
MAX_WEAK_FINDINGS = 3

# Windows, in normalised characters, within which words belong to one claim.
_PLACE_BEFORE_MULTIPLIER = 80
_PLACE_AFTER_MULTIPLIER = 60
_KEYWORD_BEFORE_PLACE = 40
_PLACE_AFTER_KEYWORD = 25
_PLACE_BEFORE_KEYWORD = 40
_NUMBER_AFTER_CLAIM = 60
_DISTANCE_CLAIM_CHARS = 120
_AGE_PHRASE_GAP = 15
_PERSON_WINDOW = 30
_EXPERIENCE_GAP = 12
_RATE_WINDOW = 50
_GROWTH_WINDOW = 40

# Optional Arabic clitics before a lexicon word: و/ف, then ب/ك/ل, the article, or لل.
_CLITICS = "[وف]?(?:[بك]?ال|لل|[بكل])?"
_TOKEN_RE = re.compile(r"[^\W_]+")
_SHARE_AFTER_RE = re.compile(r"\s*(?:من|of)(?![\w])")
# "\bby" written as "by(?<=\bby)": the same matches, but opening with the literal lets the
# regex engine skip straight to an occurrence of "by".
_BY_YEAR_RE = re.compile(r"by(?<=\bby)\s+(?:the\s+end\s+of\s+)?(?:20[2-9]\d)\b")
_ONE_LETTER_CLITICS = ("و", "ف", "ب", "ل", "ك")


@cache
def _phrases(name: str) -> re.Pattern[str]:
    """Compile the Arabic and English ``statistics_<name>`` lexicons into one pattern."""
    entries = {
        normalize_for_matching(entry).strip()
        for language in ("ar", "en")
        for entry in load_lexicon(f"{language}/statistics_{name}")
    }
    return re.compile(rf"(?<![\w]){_CLITICS}(?:{trie_regex(entries)})(?![\w])")


@lru_cache(maxsize=1)
def _locative_pattern() -> re.Pattern[str]:
    """Words like "في" / "in" / "شمال غربي" ending right before a place name."""
    words = {
        normalize_for_matching(entry).strip()
        for language in ("ar", "en")
        for entry in load_lexicon(f"{language}/statistics_locative")
    }
    locative = trie_regex(words)
    return re.compile(rf"(?<![\w]){locative}(?:[\s-]+{locative})?(?:\s+the)?\s+$")


def _locative_before(text: str, position: int) -> bool:
    return bool(_locative_pattern().search(text, max(0, position - 25), position))


@cache
def _filler_words() -> frozenset[str]:
    """Words that may stand between a place, its quantity word and the figure."""
    words: set[str] = set()
    for language in ("ar", "en"):
        for entry in load_lexicon(f"{language}/statistics_filler"):
            words.update(_TOKEN_RE.findall(normalize_for_matching(entry)))
    return frozenset(words)


def _only_filler(gap: str) -> bool:
    """Return whether ``gap`` holds nothing but filler words and punctuation."""
    filler = _filler_words()
    for token in _TOKEN_RE.findall(gap):
        if token in filler:
            continue
        if token[0] in _ONE_LETTER_CLITICS and token[1:] in filler:
            continue
        return False
    return True


@dataclass(frozen=True)
class _Number:
    """A number mention with its span in the normalised text."""

    start: int
    end: int
    mention: NumberMention


@dataclass
class _Field:
    """One text field (body or title), normalised, with its numbers and places."""

    name: EvidenceField
    normalized: NormalizedText
    numbers: list[_Number]
    number_starts: list[int] = field(default_factory=list)
    sentence: tuple[int, int] = (0, 0)
    sentence_hits: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.number_starts = [number.start for number in self.numbers]

    def begin_sentence(self, start: int, end: int) -> None:
        """Make ``[start, end)`` the sentence that :meth:`hits` searches."""
        self.sentence = (start, end)
        self.sentence_hits = {}

    def hits(self, lexicon: str, start: int, end: int) -> list[tuple[int, int]]:
        """Return spans of ``statistics_<lexicon>`` phrases inside ``[start, end)``.

        Each lexicon is searched once per sentence; the spans are then filtered.
        """
        spans = self.sentence_hits.get(lexicon)
        if spans is None:
            pattern = _phrases(lexicon)
            spans = [match.span() for match in pattern.finditer(self.text, *self.sentence)]
            self.sentence_hits[lexicon] = spans
        return [span for span in spans if span[0] >= start and span[1] <= end]

    def numbers_in(self, start: int, end: int) -> list[_Number]:
        first = bisect_left(self.number_starts, start)
        return self.numbers[first : bisect_left(self.number_starts, end, first)]

    @property
    def text(self) -> str:
        return self.normalized.text

    def to_normalized(self, offset: int) -> int:
        return bisect_left(self.normalized.index, offset)

    def evidence(self, start: int, end: int, reason: str, weight: float = 1.0) -> Evidence:
        original_start, original_end = self.normalized.span(start, end)
        return Evidence(
            start=original_start,
            end=original_end,
            text=self.normalized.original[original_start:original_end],
            reason=reason,
            field=self.name,
            weight=weight,
        )


@dataclass
class _Claim:
    """A quantity stated for a place (or pair of places), kept to compare across sentences."""

    key: tuple[str, ...]
    value: float
    label: str
    unit_label: str
    field: _Field
    start: int
    end: int


@dataclass
class _Findings:
    numeric_claims: int = 0
    projections: int = 0
    checked: int = 0
    contradicted: int = 0
    internal: int = 0
    impossible: int = 0
    unsourced_projections: int = 0
    false_precision: int = 0
    max_log_deviation: float = 0.0
    claims: list[_Claim] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


def _place_name(place: PlaceMention) -> str:
    if place.country is not None:
        return place.country.name_en
    if place.group is not None:
        return place.group.name_en
    return place.city.name_en if place.city is not None else place.text


def _place_key(place: PlaceMention) -> str:
    if place.country is not None:
        return place.country.iso2
    if place.group is not None:
        return f"group:{place.group.key}"
    return f"city:{place.city.name_en}" if place.city is not None else place.text


def _reference_quantity(place: PlaceMention, measure: str) -> float | None:
    """Return the reference area (km²) or population of a country or group."""
    if place.country is not None:
        value = place.country.area_km2 if measure == "area" else place.country.population
        return float(value) if value else None
    if place.group is not None:
        value = place.group.area_km2 if measure == "area" else place.group.population
        return float(value) if value else None
    return None


def _format(value: float) -> str:
    """Format a figure for a reason string: 4.0, 0.47, 1641, 51.2 million."""
    magnitude = abs(value)
    if magnitude >= 1e9:
        return f"{value / 1e9:.3g} billion"
    if magnitude >= 1e6:
        return f"{value / 1e6:.3g} million"
    if magnitude >= 10:
        return f"{value:.0f}"
    if magnitude >= 1:
        return f"{value:.1f}"
    return f"{value:.2f}"


_LEXICONS = (
    "age",
    "age_weak",
    "area",
    "attribution",
    "distance",
    "experience",
    "growth",
    "non_geographic",
    "person",
    "population",
    "projection",
    "rate",
    "relative",
    "size",
    "smaller",
)


class StatisticsSignal(Signal):
    """Checks stated figures against reference facts, each other and plausibility.

    Features: counts of figures (``numeric_claim_count``, ``numbers_per_1000_words``), of
    claims checked against reference data and of those contradicted, the largest deviation
    from a reference value (``max_reference_deviation``, |log2(claimed / reference)|), and
    counts of internal contradictions, impossible magnitudes, projections, unsourced
    projections and falsely precise figures.
    """

    name = "statistics"
    version = "1"
    feature_names = (
        "statistics.numeric_claim_count",
        "statistics.numbers_per_1000_words",
        "statistics.checked_claim_count",
        "statistics.contradicted_claim_count",
        "statistics.max_reference_deviation",
        "statistics.internal_contradiction_count",
        "statistics.impossible_magnitude_count",
        "statistics.projection_count",
        "statistics.unsourced_projection_count",
        "statistics.false_precision_count",
    )

    def __init__(self) -> None:
        # Compile the lexicons and load the reference data now, not on the first article.
        for name in _LEXICONS:
            _phrases(name)
        prepare_tables()
        _filler_words()
        _locative_pattern()
        find_places("")

    def extract(self, doc: Document, context: SignalContext) -> SignalResult:
        """Score ``doc``: 0 when its figures are plausible, towards 1 as they contradict facts."""
        findings = _Findings()
        if doc.title.strip():
            title = _make_field("title", doc.normalized_title)
            _check_sentence(title, 0, len(title.text), findings)
        body = _make_field("body", doc.normalized)
        for sentence in doc.sentences:
            start = body.to_normalized(sentence.start)
            end = body.to_normalized(sentence.end)
            _check_sentence(body, start, end, findings)
        _check_internal(findings)

        weak = min(findings.unsourced_projections, MAX_WEAK_FINDINGS)
        precision = min(findings.false_precision, MAX_WEAK_FINDINGS)
        clean = (
            (1 - CONTRADICTED_WEIGHT) ** findings.contradicted
            * (1 - IMPOSSIBLE_WEIGHT) ** findings.impossible
            * (1 - INTERNAL_WEIGHT) ** findings.internal
            * (1 - UNSOURCED_PROJECTION_WEIGHT) ** weak
            * (1 - FALSE_PRECISION_WEIGHT) ** precision
        )
        words = max(doc.word_count, 1)
        features = {
            "statistics.numeric_claim_count": findings.numeric_claims,
            "statistics.numbers_per_1000_words": 1000.0 * findings.numeric_claims / words,
            "statistics.checked_claim_count": findings.checked,
            "statistics.contradicted_claim_count": findings.contradicted,
            "statistics.max_reference_deviation": findings.max_log_deviation,
            "statistics.internal_contradiction_count": findings.internal,
            "statistics.impossible_magnitude_count": findings.impossible,
            "statistics.projection_count": findings.projections,
            "statistics.unsourced_projection_count": findings.unsourced_projections,
            "statistics.false_precision_count": findings.false_precision,
        }
        return self.result(1.0 - clean, features, findings.evidence)


def _make_field(name: EvidenceField, normalized: NormalizedText) -> _Field:
    numbers: list[_Number] = []
    index = normalized.index
    for mention in extract_numbers_normalized(normalized):
        start = bisect_left(index, mention.start)
        end = bisect_left(index, mention.end)
        numbers.append(_Number(start, end, mention))
    return _Field(name, normalized, numbers)


def _check_sentence(source: _Field, start: int, end: int, findings: _Findings) -> None:
    """Run every check on the sentence ``source.text[start:end]``."""
    numbers = source.numbers_in(start, end)
    if not numbers:
        return
    source.begin_sentence(start, end)
    counted = [number for number in numbers if number.mention.kind != "year"]
    findings.numeric_claims += len(counted)
    # Place names are looked up only in sentences with a figure, which keeps the signal fast.
    places = find_places(source.normalized, start, end)

    cue = _check_projection(source, start, end, findings) if counted else None
    projection = cue is not None
    if places:
        _check_ratios(source, start, end, numbers, places, findings)
        # A forecast ("سيصل عدد سكان مصر إلى 160 مليونا بحلول 2050") is not today's figure,
        # but a figure stated before the forecast cue in the same sentence still is.
        stated_end = end if cue is None else cue
        if stated_end > start:
            stated_numbers = [item for item in numbers if item.end <= stated_end]
            _check_stated_quantities(source, start, stated_end, stated_numbers, places, findings)
        _check_distances(source, start, end, numbers, places, findings)
    _check_impossible(source, start, end, numbers, findings)
    _check_precision(source, numbers, projection, findings)


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
    geographic = [place for place in places if place.country or place.group]
    if len(geographic) < 2:
        return
    for number in numbers:
        mention = number.mention
        is_share = mention.kind == "percent" and bool(_SHARE_AFTER_RE.match(text, number.end))
        if mention.kind != "multiplier" and not is_share:
            continue
        before = [
            place
            for place in geographic
            if place.end <= number.start and number.start - place.end <= _PLACE_BEFORE_MULTIPLIER
        ]
        after = [
            place
            for place in geographic
            if place.start >= number.end and place.start - number.end <= _PLACE_AFTER_MULTIPLIER
        ]
        first: PlaceMention | None
        second: PlaceMention | None
        if before and after:
            first = _anchored_place(source, before, number, before=True)
            second = _anchored_place(source, after, number, before=False)
        elif len(before) >= 2 and mention.kind == "multiplier":
            # "مساحة مصر أكبر من مساحة السعودية بأربع مرات"
            first, second = before[-2], before[-1]
            if not (_after_quantity_word(source, first) and _after_quantity_word(source, second)):
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
        segment_start = max(start, first.start - _KEYWORD_BEFORE_PLACE)
        segment_end = min(end, second.end + 15)
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
        if max(claimed / reference, reference / claimed) > RATIO_TOLERANCE:
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


def _measurable(value: float) -> bool:
    """Return whether a claimed quantity can be compared: finite, above 0 and below 1e15."""
    return math.isfinite(value) and 0.0 < value < 1e15


def _record_deviation(findings: _Findings, claimed: float, reference: float) -> None:
    if not (_measurable(claimed) and _measurable(reference)):
        return
    deviation = abs(math.log2(claimed / reference))
    findings.max_log_deviation = max(findings.max_log_deviation, deviation)


def _claim_place(
    source: _Field, keyword: tuple[int, int], places: Sequence[PlaceMention]
) -> PlaceMention | None:
    """Return the place a quantity word belongs to: "سكان مصر", "Egypt's population"."""
    text = source.text
    for place in places:
        if 0 <= place.start - keyword[1] <= _PLACE_AFTER_KEYWORD and _only_filler(
            text[keyword[1] : place.start]
        ):
            return place
    for place in reversed(places):
        if 0 <= keyword[0] - place.end <= _PLACE_BEFORE_KEYWORD and _only_filler(
            text[place.end : keyword[0]]
        ):
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
    for measure in ("population", "area"):
        for keyword in source.hits(measure, start, end):
            place = _claim_place(source, keyword, places)
            if place is None:
                continue
            after = max(keyword[1], place.end)
            number = next((item for item in numbers if item.start >= after), None)
            if number is None or number.start in used:
                continue
            if number.start - after > _NUMBER_AFTER_CLAIM or not _only_filler(
                text[after : number.start]
            ):
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
        if mention.kind == "percent" and mention.value > 100:
            growth = source.hits("growth", max(start, number.start - _GROWTH_WINDOW), number.start)
            rate = source.hits("rate", max(start, number.start - _RATE_WINDOW), number.start)
            if growth:
                continue
            if rate:
                reason = f"rate of {_format(mention.value)}% is over 100%"
            elif _share_of_population(source, number.end, end):
                reason = f"share of {_format(mention.value)}% of a population is over 100%"
        elif mention.kind == "number" and mention.unit in ("years", None):
            reason = _impossible_years(source, start, end, number)
        if reason:
            findings.impossible += 1
            findings.evidence.append(source.evidence(number.start, number.end, reason))


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


def _check_projection(source: _Field, start: int, end: int, findings: _Findings) -> int | None:
    """Count a forecast with a figure; flag it when no source is named in the sentence.

    Returns where the first forecast cue starts, or ``None`` when the sentence has none.
    """
    text = source.text
    cues = [hit[0] for hit in source.hits("projection", start, end)]
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


def _check_internal(findings: _Findings) -> None:
    """Flag a quantity stated again later in the article with a different value."""
    earlier: dict[tuple[str, ...], list[_Claim]] = {}
    for claim in findings.claims:
        previous = earlier.setdefault(claim.key, [])
        conflicting = next(
            (
                other
                for other in previous
                if max(claim.value, other.value)
                > INTERNAL_TOLERANCE * min(claim.value, other.value)
            ),
            None,
        )
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
        previous.append(claim)
