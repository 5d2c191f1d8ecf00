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

Content farms also get money and their own arithmetic wrong, so the signal checks, with the
reference value named in each reason:

* amounts converted between the dollar and a pegged currency ("1647.1 مليون ريال عماني،
  أي ما يعادل 4348.3 مليون دولار") against the pegs in ``detector/reference/pegs.csv``,
  allowing ``PEG_TOLERANCE`` and a unit of each figure's last digit; a peg stated with the
  wrong rate or in the wrong unit (baisa for rials), the Kuwaiti dinar called fixed to the
  dollar, a pegged rate dated to one year, and a pegged or managed currency described as
  floating ("متغيرة باستمرار", "its value is determined by factors such as");
* a bank's buying rate above its selling rate, or a spread over ``SPREAD_MAX``;
* gold: karat prices against 24K x k/24 (tight when the page's other karats follow the
  ratio exactly), an ounce price against the page's gram prices (31.1035 g per troy ounce,
  ``GOLD_TOLERANCE`` for retail premiums and the day's movement), a forecast the page's own
  price has passed, the same figure in ounces and then tonnes, hundreds of tonnes as the
  world's largest reserve;
* an emirate's share of the country's area (``detector/reference/regions.csv``, or the
  page's own two areas), a stated change against the page's own two figures, parts that
  add up to more than their total (experience sums included), a figure spelled out in
  millions and followed by "مليون", "thousands of years" ending in a recent year, numbered
  phases dated backwards, a main part given as a small share, and a headline whose price
  both moved and held stable.

Every loop is linear in the text: places, hits and figures near a claim are found by
bisection, and a family of checks first tests the field's word set for one of its words.
"""

from __future__ import annotations

import csv
import math
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from detector.article import Document, WordSpans, word_spans
from detector.lexicons import load_lexicon
from detector.numbers import NumberMention, extract_numbers_normalized, prepare_tables
from detector.reference import (
    PlaceMention,
    _reference,
    country_by_iso2,
    find_places,
    great_circle_km,
)
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
_PLACE_CHARS = 80  # longer than any place name in the gazetteer
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
# Words one of which a field must hold before a family of checks reads it (normalised,
# single words; the usual clitics are added below).
_GATE_WORDS: dict[str, tuple[str, ...]] = {
    "currency": (
        *("ريال", "ريالا", "ريالات", "دينار", "دينارا", "دنانير", "درهم", "درهما", "دراهم"),
        *("riyal", "riyals", "rial", "rials", "dinar", "dinars", "dirham", "dirhams"),
        *("sar", "aed", "qar", "omr", "bhd", "kwd", "jod", "iqd"),
    ),
    "country": ("السعوديه", "الامارات", "قطر", "عمان", "البحرين", "الاردن", "الكويت", "العراق"),
    "buy_sell": ("شراء", "الشراء", "بيع", "البيع", "buy", "buying", "sell", "selling"),
    "gold": (
        *("اوقيه", "الاوقيه", "اونصه", "الاونصه", "ounce", "ounces", "oz", "عيار", "قيراط"),
        *("karat", "carat", "جرام", "الجرام", "غرام", "الغرام", "gram", "grams"),
        *("24k", "22k", "21k", "18k"),
    ),
    "masses": ("طن", "طنا", "اطنان", "الاطنان", "tonne", "tonnes", "tons"),
    "phases": ("الاولي", "الثانيه", "الثالثه", "الرابعه", "first", "second", "third"),
    "years": ("الاف", "thousands"),
    "majority": ("predominantly", "mainly", "largely", "bulk", "يعتمد", "غالبيه", "اغلبيه"),
    "national": ("عمله", "العمله", "currency"),
    "parts": ("منها", "منهم", "بينهم", "بينها", "which", "whom", "including"),
    "wording": ("ميات", "hundreds", "للمره", "لاول", "first"),
    "area_share": ("مساحه", "المساحه", "مساحتها", "area"),
}
_GATE_CLITICS = (
    *("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "لل", "ولل"),
    *("ال", "وال", "فال", "بال", "كال", "وبال"),
)
_GATES: dict[str, frozenset[str]] = {
    gate: frozenset(
        clitic + word
        for word in words
        for clitic in (_GATE_CLITICS if word.isascii() is False else ("",))
    )
    for gate, words in _GATE_WORDS.items()
}
_TOKEN_RE = re.compile(r"[^\W_]+")
_SHARE_AFTER_RE = re.compile(r"\s*(?:من|of)(?![\w])")
# "\bby" written as "by(?<=\bby)": the same matches, but opening with the literal lets the
# regex engine skip straight to an occurrence of "by".
_BY_YEAR_RE = re.compile(r"by(?<=\bby)\s+(?:the\s+end\s+of\s+)?(?:20[2-9]\d)\b")
_ONE_LETTER_CLITICS = ("و", "ف", "ب", "ل", "ك")


def _literal_spans(text: str, literals: Sequence[str]) -> tuple[list[int], list[int]]:
    """Return the starts and ends of every occurrence of ``literals`` in ``text``, by start."""
    spans = []
    for literal in literals:
        found = text.find(literal)
        while found >= 0:
            spans.append((found, found + len(literal)))
            found = text.find(literal, found + 1)
    spans.sort()
    return [span[0] for span in spans], [span[1] for span in spans]


@cache
def _phrases(name: str) -> re.Pattern[str]:
    """Compile the Arabic and English ``statistics_<name>`` lexicons into one pattern."""
    entries = {
        normalize_for_matching(entry).strip()
        for language in ("ar", "en")
        for entry in load_lexicon(f"{language}/statistics_{name}")
    }
    return re.compile(rf"(?<![\w]){_CLITICS}(?:{trie_regex(entries)})(?![\w])")


_CLITIC_FORMS = tuple(
    first + second
    for first in ("", "و", "ف")
    for second in ("", "بال", "كال", "ال", "لل", "ب", "ك", "ل")
)
"""Every prefix that ``_CLITICS`` matches."""


_PLACE_PREFIXES = tuple(
    first + second for first in ("", "و", "ف") for second in ("", "ب", "ل", "ك")
)
"""Every prefix that the gazetteer pattern of ``detector.reference`` matches."""
_WORD_RE = re.compile(r"[^\W_]+")


def _openers(keys: Iterable[str], prefixes: Sequence[str]) -> frozenset[str] | None:
    """Return the words one of which opens every match of ``prefix + key`` (word-bounded).

    Such a match opens with a prefix glued to the key's first run of letters and digits,
    with no letter or digit before it and none after the run: a whole word of the text.
    ``None`` when a key does not open with such a run (no word then stands for it).
    """
    firsts = set()
    for key in keys:
        run = _WORD_RE.match(key)
        if run is None or key[run.end() : run.end() + 1] == "_":
            return None
        firsts.add(run.group())
    return frozenset(prefix + word for word in firsts for prefix in prefixes)


@cache
def _phrase_openers(name: str) -> frozenset[str] | None:
    """Return the words one of which opens every match of ``_phrases(name)``."""
    entries = {
        normalize_for_matching(entry).strip()
        for language in ("ar", "en")
        for entry in load_lexicon(f"{language}/statistics_{name}")
    }
    return _openers(entries, _CLITIC_FORMS)


@lru_cache(maxsize=1)
def _place_openers() -> frozenset[str] | None:
    """Return the words one of which opens every place name that ``find_places`` finds."""
    reference = _reference()
    return _openers([*reference.entries, *reference.after_lam], _PLACE_PREFIXES)


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
    sentence_hit_starts: dict[str, list[int]] = field(default_factory=dict)
    money: _Money | None = None
    words: frozenset[str] = frozenset()
    gates: dict[str, bool] = field(default_factory=dict)
    literals: dict[tuple[str, ...], tuple[list[int], list[int]]] = field(default_factory=dict)
    word_spans: WordSpans | None = None
    sentence_words: list[str] | None = None

    def holds(self, literals: tuple[str, ...], start: int, end: int) -> bool:
        """Return whether ``text[start:end]`` holds one of ``literals``.

        A pattern every match of which holds one of its literals cannot match a span
        without them, so a sentence skips the pattern's scan. The field is searched for
        each tuple of literals once; a sentence then only looks up the occurrences.
        """
        spans = self.literals.get(literals)
        if spans is None:
            spans = self.literals[literals] = _literal_spans(self.text, literals)
        starts, ends = spans
        for index in range(bisect_left(starts, start), len(starts)):
            if starts[index] >= end:
                break
            if ends[index] <= end:
                return True
        return False

    def has(self, gate: str) -> bool:
        """Return whether the field holds any word of ``_GATES[gate]`` (checked once).

        A plain substring test lets a check skip a field that cannot hold its claim
        without running its patterns sentence by sentence.
        """
        found = self.gates.get(gate)
        if found is None:
            found = not _GATES[gate].isdisjoint(self.words)
            self.gates[gate] = found
        return found

    def __post_init__(self) -> None:
        self.number_starts = [number.start for number in self.numbers]

    def begin_sentence(self, start: int, end: int) -> None:
        """Make ``[start, end)`` the sentence that :meth:`hits` searches."""
        self.sentence = (start, end)
        self.sentence_hits = {}
        self.sentence_hit_starts = {}
        self.sentence_words = None

    def _may_hold(self, lexicon: str) -> bool:
        """Return whether the sentence may hold a ``statistics_<lexicon>`` phrase."""
        return self.may_open(_phrase_openers(lexicon))

    def may_open(self, openers: frozenset[str] | None) -> bool:
        """Return whether a word of the sentence is one of ``openers`` (see ``_openers``).

        Also true when the sentence ends inside a word, which a search would read cut
        short, and when there are no openers to test.
        """
        spans = self.word_spans
        if openers is None or spans is None:
            return True
        start, end = self.sentence
        text = self.text
        if end < len(text) and text[end].isalnum():
            return True
        words = self.sentence_words
        if words is None:
            first = bisect_left(spans.starts, start)
            words = spans.words[first : bisect_left(spans.starts, end, first)]
            self.sentence_words = words
        return not openers.isdisjoint(words)

    def hits(self, lexicon: str, start: int, end: int) -> list[tuple[int, int]]:
        """Return spans of ``statistics_<lexicon>`` phrases inside ``[start, end)``.

        Each lexicon is searched once per sentence; the spans are then filtered.
        """
        spans = self.sentence_hits.get(lexicon)
        if spans is None:
            pattern = _phrases(lexicon)
            spans = (
                [match.span() for match in pattern.finditer(self.text, *self.sentence)]
                if self._may_hold(lexicon)
                else []
            )
            self.sentence_hits[lexicon] = spans
            self.sentence_hit_starts[lexicon] = [span[0] for span in spans]
        starts = self.sentence_hit_starts[lexicon]
        # The spans come from one finditer: sorted and not overlapping.
        first = bisect_left(starts, start)
        last = bisect_left(starts, end, first)
        return [span for span in spans[first:last] if span[1] <= end]

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
    stated_areas: dict[tuple[str, str], float] = field(default_factory=dict)


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
    version = "2"
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
        _pegs()
        _regions()

    def extract(self, doc: Document, context: SignalContext) -> SignalResult:
        """Score ``doc``: 0 when its figures are plausible, towards 1 as they contradict facts."""
        findings = _Findings()
        body = _make_field("body", doc.normalized, doc.normalized_words)
        body.money = _money_context(body)
        if doc.title.strip():
            title = _make_field("title", doc.normalized_title)
            title_money = _money_context(title)
            title.money = _Money(
                title_money.names, body.money.generic, body.money.national or title_money.national
            )
            _check_sentence(title, 0, len(title.text), findings)
        for sentence in doc.sentences:
            start = body.to_normalized(sentence.start)
            end = body.to_normalized(sentence.end)
            _check_sentence(body, start, end, findings)
        if not doc.title.strip():
            # A page sent without a title: the headline the parser found in the body, else
            # the first line, which is where a copied page's headline stands.
            implied = getattr(doc, "implied_title_span", None)
            if implied is not None:
                head_start = body.to_normalized(implied.start)
                head_end = body.to_normalized(implied.end)
            else:
                head_start, head_end = 0, body.text.find("\n", 0, _HEADLINE_CHARS + 1)
            if 0 < head_end - head_start <= _HEADLINE_CHARS:
                _check_headline(body, head_start, head_end, findings)
        _check_buy_sell(body, findings)
        _check_gold(body, body.money, findings)
        _check_masses(body, findings)
        _check_phases(body, findings)
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


def _make_field(
    name: EvidenceField, normalized: NormalizedText, spans: WordSpans | None = None
) -> _Field:
    numbers: list[_Number] = []
    index = normalized.index
    for mention in extract_numbers_normalized(normalized):
        start = bisect_left(index, mention.start)
        end = bisect_left(index, mention.end)
        numbers.append(_Number(start, end, mention))
    if spans is None:
        spans = word_spans(normalized.text)
    return _Field(name, normalized, numbers, words=frozenset(spans.words), word_spans=spans)


def _check_sentence(source: _Field, start: int, end: int, findings: _Findings) -> None:
    """Run every check on the sentence ``source.text[start:end]``."""
    money = source.money
    if money is not None and (money.names or money.national):
        _check_floating(source, start, end, money, findings)
    # The checks' own first tests, made here so that a closed gate costs no call.
    if (source.name == "title" and end - start <= _HEADLINE_CHARS) or source.has("wording"):
        _check_wording(source, start, end, findings)
    numbers = source.numbers_in(start, end)
    if not numbers:
        return
    source.begin_sentence(start, end)
    counted = [number for number in numbers if number.mention.kind != "year"]
    findings.numeric_claims += len(counted)
    # Place names are looked up only in sentences with a figure, which keeps the signal fast.
    places = find_places(source.normalized, start, end) if source.may_open(_place_openers()) else []

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
    if money is not None:
        _check_money_sentence(source, start, end, numbers, money, findings)
    if source.has("area_share"):
        _check_area_share(source, start, end, numbers, findings)
    if source.has("years") or source.has("majority"):
        _check_page_arithmetic(source, start, end, numbers, findings)
    if len(numbers) >= 3:
        _check_change(source, start, end, numbers, findings)
        if source.has("parts"):
            _check_parts(source, start, end, numbers, findings)


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


_CLAUSE_CHARS = 60
_NEW_CLAUSE_RE = re.compile(r"\s{0,3}[،,]\s{0,3}(?:و|and\b)")
# A clause set off between a place and its figure: "، وهي دولة صغيرة،", "التي تقع في ...",
# ", a small island state,".
_CLAUSE_RE = re.compile(
    r"^\s{0,3}[،,]\s{0,3}(?:وهي|وهو|التي|الذي|اكبر|اصغر|احدي|احد|دوله|a|an|the|home|which|who)"
    r"\s[^\d،,.()]{0,60}[،,]"
    r"|^\s{0,3}(?:التي|الذي|وهي|وهو)\s[^\d،,.()]{1,60}?(?=\s(?:نحو|حوالي|قرابه|ما\s+يقارب|اكثر\s+من)\s)"
)


def _without_clause(gap: str) -> str:
    """Return ``gap`` without one clause set off by commas or opened by a relative pronoun."""
    if len(gap) > _PLACE_BEFORE_KEYWORD + _CLAUSE_CHARS + 20:
        return gap
    clause = _CLAUSE_RE.match(gap)
    if clause is None:
        return gap
    rest = gap[clause.end() :]
    # "روسيا، وهي ...، وتبلغ مساحتها": a new clause after the aside keeps its own subject.
    return gap if rest.lstrip().startswith("و") else rest


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


def _measurable(value: float) -> bool:
    """Return whether a claimed quantity can be compared: finite, above 0 and below 1e15."""
    return math.isfinite(value) and 0.0 < value < 1e15


def _record_deviation(findings: _Findings, claimed: float, reference: float) -> None:
    if not (_measurable(claimed) and _measurable(reference)):
        return
    deviation = abs(math.log2(claimed / reference))
    findings.max_log_deviation = max(findings.max_log_deviation, deviation)


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


# --- money, gold and the page's own arithmetic -------------------------------------------

PEG_TOLERANCE = 0.0008
"""A conversion at a pegged rate may miss the peg by 0.08% (the riyal's spot rate trades within
3.7495-3.7530, about that close to the peg)."""
CONVERSION_BAND = 0.1
"""A pair of amounts more than 10% off the peg is read as two amounts, not a conversion."""
COARSE_FIGURE_TOLERANCE = 0.05
PEG_NEAR_FACTOR = 1.5
"""A figure in a peg statement within this factor of the peg is read as the stated rate."""
SPREAD_MAX = 0.05
"""A bank's buying and selling rates for a currency differ by well under 5%."""
GOLD_TOLERANCE = 0.045
"""A retail gram price may stand 4.5% off the spot ounce (a premium of about 3% over spot in
Gulf retail, plus the day's movement between two fixes)."""
FORECAST_MARGIN = 0.01
"""A forecast gram price 1% below the page's own current price is already passed."""
GOLD_KARAT_PREMIUM = 0.015
"""Retail karat prices stray from k/24 by about this much more (Dubai prices 22K at 0.926)."""
GRAMS_PER_TROY_OUNCE = 31.1035
OWN_SHARE_POINTS = 2.0
REFERENCE_SHARE_POINTS = 3.0
REFERENCE_SHARE_RELATIVE = 0.1
MAX_PRICE_PAIRS = 12
"""At most this many ounce prices and as many gram prices are compared per field."""

_CONVERSION_GAP = 45
_PAIR_GAP = 90
_LOOKBACK_CURRENCY = 300
_SHARE_LINE_WINDOW = 250
_GENERIC_CURRENCIES = ("riyal", "dinar", "dirham")

_EQUIVALENT_RE = re.compile(
    r"يعادل|تعادل|يوازي|توازي|يساوي|تساوي|(?<![\w])(?:اي|او|نحو|حوالي)(?![\w])|[(=]"
    r"|\bequivalent\b|\bequals?\b|\bor\b|\babout\b|\baround\b|\broughly\b|\bapproximately\b"
)
_USD_WORD_RE = re.compile(r"دولار|\bdollars?\b|\busd\b|\$")
_FIXED_RE = re.compile(
    r"ثابت|مثبت|(?<![\w])(?:[وف]?[بل]?ال)?ربط|مربوط|يرتبط|ترتبط|\bpegg?e?d?\b|\bfixed\b"
)
_FIXED_NOW_RE = re.compile(r"ثابت|مثبت|مربوط|يرتبط|ترتبط|\bpegged\b|\bfixed\b")
_UNPEGGED_RE = re.compile(
    r"فك\s+(?:ال)?ربط|سله\s+(?:من\s+)?(?:ال)?عملات|\bbasket\b|\bunpeg|\bde-?pegg?"
)
_SUBUNIT_RE = re.compile(
    r"\s*(?:بيسه|بيسات|فلس|فلوس|هلله|هللات|\bbaisas?\b|\bbaizas?\b|\bfils\b|\bhalalas?\b)"
)
_STALE_RATE_RE = re.compile(
    r"(?:حسب|وفق|بحسب|وفقا\s+ل)\s+(?:ال)?اسعار\s+(?:ال)?صرف\s+(?:ل|في\s+)?(?:سنه|عام)\s*(\d{4})"
    r"|\b(?:at|per|according\s+to)\s+(?:the\s+)?(\d{4})\s+(?:exchange\s+)?rates?\b"
)
# Only ever tested for a match, so the optional article before "عمله" is left out and "\b"
# follows its word: every branch opens with a literal the regex engine can skip to.
_NATIONAL_CURRENCY_RE = re.compile(
    r"عمله\s+(?:ال)?(?:وطنيه|محليه)"
    r"|national(?<=\bnational)\s+currency\b|local(?<=\blocal)\s+currency\b"
)
_FLOAT_PHRASES = (
    "متغيره باستمرار",
    "تتغير باستمرار",
    "يتغير باستمرار",
    "ارتفاعه او انخفاضه",
    "ارتفاعها او انخفاضها",
    "ارتفاعه وانخفاضه",
    "التوقعات المستقبليه",
    "تقلبات كبيره",
    "يعزز من قوه",
    "يعزز قوه",
    "determined by factors such as",
    "its value is determined by",
    "sentiment",
    "fluctuates freely",
    "floats freely",
    "free-floating",
)
_FLOAT_RE = re.compile(rf"(?<![\w])(?:{trie_regex(_FLOAT_PHRASES)})(?![\w])")
_FLOAT_LITERALS = tuple(dict.fromkeys(phrase.split()[0] for phrase in _FLOAT_PHRASES))
_FIXED_LITERALS = ("ثابت", "مثبت", "ربط", "مربوط", "يرتبط", "ترتبط", "peg", "fixed")
_NATIONAL_CURRENCY_LITERALS = ("عمله", "currency")
_BUY_BEFORE_RE = re.compile(
    r"(?:(?<![\w])(?:ال)?(?:شراء|بيع)|\b(?:buy(?:ing)?|sell(?:ing)?)(?:\s+(?:rate|price))?)"
    r"\s{0,3}[:=]?\s{0,3}(?:(?:عند|بلغ|هو)\s{1,3})?$"
)
_BUY_AFTER_RE = re.compile(
    r"(?:\s*[^\s\d]+){0,3}?\s*(?<![\w])(?:لل|ل|في\s+ال|for\s+)?(?:سعر\s+(?:ال)?)?"
    r"(شراء|بيع|buy(?:ing)?|sell(?:ing)?)(?![\w])"
)
_SUBUNIT_AFTER_RE = re.compile(
    r"\s*(?:قرش|قروش|قرشا|هلله|هللات|فلس|فلوس|بيسه|\bpiastres?\b|\bcents?\b|\bfils\b)"
)
_AND_AFTER_CURRENCY_RE = re.compile(r"(?:جنيه|جنيهات|جنيها|ريال|ريالات|دولار|درهم|دينار)\s*و$")
_EXCHANGE_CONTEXT_RE = re.compile(
    r"سعر\s+(?:ال)?صرف|اسعار\s+(?:ال)?صرف|سعر\s+(?:ال)?(?:ريال|دولار|دينار|درهم|يورو|جنيه\s+(?:ال)?استرليني"
    r"|فرنك|ين|ليره|روبيه)|\bexchange\s+rates?\b|\b(?:dollar|riyal|dirham|dinar|euro)\s+rates?\b"
)
_OUNCE_AFTER_RE = re.compile(
    r"\s*(?:(?:per|an|a|/)\s*(?:troy\s+)?(?:ounce|oz)\b|(?:لل|ل|/\s*)(?:ال)?(?:اوقيه|اونصه)"
    r"|(?:ال)?(?:اوقيه|اونصه)(?![\w]))"
)
_LEVEL_RE = re.compile(
    r"\b(?:support|resistance|forecasts?|target|could|expected|projected|mark|threshold)\b"
    r"|(?<![\w])(?:دعم|مقاومه|توقعات|متوقع|يتوقع|سيصل|المستهدف|حاجز|ال?حاجز)(?![\w])"
)
_LEVEL_AFTER_RE = re.compile(
    r"\s{0,3}(?:(?:an|a|per)\s{1,3}ounce\s{1,3})?(?:mark|level|barrier|threshold)\b"
    r"|\s{0,3}(?:حاجز|مستوي)(?![\w])"
)
_CHANGE_RE = re.compile(
    r"\b(?:gained|gains|added|lost|grown|grew|(?:rose|fell|increased|climbed|up|down)\s+by)\b"
    r"|(?<![\w])(?:بمقدار|بزياده|زياده|ربح|خسر|مكاسب|خسائر)(?![\w])"
)
_MITHQAL_RE = re.compile(r"مثقال|\bmithqal\b|\btola\b|\btola?s\b")
_OUNCE_BEFORE_RE = re.compile(r"(?:اوقيه|اونصه|\bounce\b|\boz\b)[^\d\n]{0,25}$")
_GRAM_AFTER_RE = re.compile(
    r"\s*(?:(?:per|a|/)\s*(?:gram|gm|g)\b|(?:لل|ل|/\s*)(?:ال)?(?:جرام|غرام)(?![\w]))"
)
_KARAT_BEFORE_RE = re.compile(
    r"(?:(?<![\w])و?عيار\s*(24|22|21|18)(?!\d)|\b(24|22|21|18)\s{0,2}-?\s{0,2}(?:k|karat|carat|ct)\b"
    r"|(?<![\d.])(24|22|21|18)\s+(?:قيراط|بسعر))[^\d\n]{0,40}$"
)
# Opening with the literal (no lookbehind) lets the regex engine skip to its candidates.
_THOUSANDS_OF_YEARS_RE = re.compile(
    r"(?:ال)?الاف\s+(?:ال)?(?:سنوات|سنين|اعوام)(?![\w])|thousands\s+of\s+years\b"
)
_YEAR_AFTER_RE = re.compile(r"[^\d\n]{0,30}?(?:عام|سنه|\bin\b|\byear\b)\s*(\d{3,4})(?!\d)")
_MAJORITY_RE = re.compile(
    r"\bpredominantly\b|\bmainly\s+dependent\b|\blargely\s+dependent\b|\bthe\s+bulk\s+of\b"
    r"|يعتمد\s+(?:بشكل|بصوره)\s+(?:رييسي|اساسي|شبه\s+كامل)|(?<![\w])(?:غالبيه|اغلبيه)(?![\w])"
)
_THOUSANDS_OF_YEARS_LITERALS = ("الاف", "thousands")
_MAJORITY_LITERALS = ("predominantly", "mainly", "largely", "bulk", "يعتمد", "غالبيه", "اغلبيه")
_CONSTITUTE_RE = re.compile(
    r"\b(?:constitutes?|accounts?\s+for|makes?\s+up|represents?)\b|(?<![\w])(?:يشكل|تشكل|يمثل|تمثل)"
)
MAJORITY_MAX_PERCENT = 25.0

_REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"


@dataclass(frozen=True)
class _Peg:
    """A currency's exchange-rate regime (``detector/reference/pegs.csv``)."""

    code: str
    name: str
    per_usd: float | None
    regime: str
    since: int
    authority: str


@dataclass(frozen=True)
class _Region:
    """A region inside a country with its area (``detector/reference/regions.csv``)."""

    name: str
    iso2: str
    area_km2: float


def _read_csv(name: str) -> list[dict[str, str]]:
    with (_REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _clitic_pattern(names: Iterable[str]) -> str:
    return rf"(?<![\w]){_CLITICS}(?:{trie_regex(names)})(?![\w])"


@cache
def _pegs() -> tuple[dict[str, _Peg], re.Pattern[str], dict[str, str], re.Pattern[str]]:
    """Return the pegs by code, a pattern of currency names, names to codes, country names."""
    pegs: dict[str, _Peg] = {}
    names: dict[str, str] = {}
    countries: dict[str, str] = {}
    for row in _read_csv("pegs.csv"):
        code = row["code"]
        pegs[code] = _Peg(
            code,
            row["name_en"],
            float(row["per_usd"]) if row["per_usd"] else None,
            row["regime"],
            int(row["since"]),
            row["authority"],
        )
        for name in (*row["names_ar"].split("|"), *row["names_en"].split("|")):
            names[normalize_for_matching(name).strip()] = code
        for name in row["countries_ar"].split("|"):
            countries[normalize_for_matching(name).strip()] = code
    name_re = re.compile(_clitic_pattern(names))
    country_re = re.compile(_clitic_pattern(countries))
    names.update({f"country:{name}": code for name, code in countries.items()})
    return pegs, name_re, names, country_re


def _name_code(match: re.Match[str], names: dict[str, str]) -> str | None:
    """Return the currency code of a name match (the clitics stripped)."""
    text = match.group()
    for cut in range(0, min(len(text), 4) + 1):
        code = names.get(text[cut:])
        if code is not None:
            return code
    return None


@cache
def _regions() -> tuple[dict[str, _Region], re.Pattern[str]]:
    """Return the regions by normalised name and a pattern matching their names."""
    regions: dict[str, _Region] = {}
    for row in _read_csv("regions.csv"):
        region = _Region(row["name_en"], row["iso2"], float(row["area_km2"]))
        for name in (*row["names_ar"].split("|"), *row["names_en"].split("|")):
            regions[normalize_for_matching(name).strip()] = region
    return regions, re.compile(_clitic_pattern(regions))


def _region_of(match: re.Match[str], regions: dict[str, _Region]) -> _Region | None:
    text = match.group()
    for cut in range(0, min(len(text), 4) + 1):
        if text[cut:] in regions:
            return regions[text[cut:]]
    return None


@dataclass
class _Money:
    """What the money checks know about a field: its currency names and generic currencies."""

    names: list[tuple[int, int, str]]
    generic: dict[str, str]
    national: str | None
    starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.starts = [name_start for name_start, _end, _code in self.names]


def _money_context(source: _Field) -> _Money:
    """Find the currency names of a field and resolve "ريال" / "dinar" to one currency."""
    pegs, name_re, names, country_re = _pegs()
    text = source.text
    found = []
    counts: dict[str, int] = {}
    if not source.has("currency"):
        return _Money([], {}, None) if not source.has("country") else _national_only(source)
    for match in name_re.finditer(text):
        code = _name_code(match, names)
        if code is not None:
            found.append((match.start(), match.end(), code))
            counts[code] = counts.get(code, 0) + 1
    national = None
    for match in country_re.finditer(text):
        text_name = match.group()
        code = next(
            (
                names[f"country:{text_name[cut:]}"]
                for cut in range(0, min(len(text_name), 4) + 1)
                if f"country:{text_name[cut:]}" in names
            ),
            None,
        )
        if code is None:
            continue
        counts[code] = counts.get(code, 0) + 1
        if national is None and pegs[code].regime == "peg":
            national = code
    generic: dict[str, str] = {}
    families = {"riyal": ("SAR", "QAR", "OMR"), "dinar": ("BHD", "KWD", "JOD", "IQD")}
    families["dirham"] = ("AED",)
    for word, codes in families.items():
        ranked = sorted(((counts.get(code, 0), code) for code in codes), reverse=True)
        if ranked[0][0] > 0 and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
            generic[word] = ranked[0][1]
    return _Money(found, generic, national)


def _national_only(source: _Field) -> _Money:
    """Return a money context with only the national currency (no currency named)."""
    text = source.text
    if (
        not source.has("national")
        or not source.holds(_NATIONAL_CURRENCY_LITERALS, 0, len(text))
        or not _NATIONAL_CURRENCY_RE.search(text)
    ):
        return _Money([], {}, None)
    return _Money([], {}, _money_context_countries(source))


def _money_context_countries(source: _Field) -> str | None:
    pegs, _name_re, names, country_re = _pegs()
    for match in country_re.finditer(source.text):
        text_name = match.group()
        for cut in range(0, min(len(text_name), 4) + 1):
            code = names.get(f"country:{text_name[cut:]}")
            if code is not None and pegs[code].regime == "peg":
                return code
    return None


def _currency(mention: NumberMention, money: _Money) -> str | None:
    """Return the ISO code of an amount's currency, or ``None``."""
    unit = mention.unit
    if unit is None:
        return None
    if unit in _GENERIC_CURRENCIES:
        return money.generic.get(unit)
    return unit.upper()


def _usd_rate(code: str | None) -> float | None:
    """Return units of ``code`` per US dollar for the dollar and pegged currencies."""
    if code == "USD":
        return 1.0
    peg = _pegs()[0].get(code or "")
    if peg is None or peg.regime != "peg":
        return None
    return peg.per_usd


def _relative_rounding(mention: NumberMention) -> float:
    return mention.rounding / mention.value if mention.value else 0.0


def _written_precision(mention: NumberMention) -> float:
    """Return how far a converted figure may be from exact, relative to it.

    One unit of its last digit (papers truncate as often as they round), or 5% for a
    figure of one or two significant digits.
    """
    if not mention.value or not mention.rounding:
        return 0.0
    unit = 2 * mention.rounding
    if mention.value / unit < 100:
        return COARSE_FIGURE_TOLERANCE
    return unit / mention.value


def _figure(value: float) -> str:
    """Format a money figure with enough digits to show a small deviation."""
    magnitude = abs(value)
    if magnitude >= 1e11:
        return f"{value / 1e9:.5g} billion"
    if magnitude >= 1e6:
        return f"{value / 1e6:.5g} million"
    if magnitude >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _check_money_sentence(
    source: _Field,
    start: int,
    end: int,
    numbers: Sequence[_Number],
    money: _Money,
    findings: _Findings,
) -> None:
    """Run the conversion, peg and floating-rate checks on one sentence."""
    _check_conversions(source, numbers, money, findings)
    code = _sentence_currency(source, start, end, money)
    if code is None:
        return
    peg = _pegs()[0][code]
    text = source.text
    fixed = _FIXED_RE.search(text, start, end)
    usd = _USD_WORD_RE.search(text, start, end)
    if peg.per_usd is None:
        return
    if peg.regime == "peg" and usd:
        _check_peg_statement(source, numbers, peg, bool(fixed), money, findings)


def _check_floating(
    source: _Field, start: int, end: int, money: _Money, findings: _Findings
) -> None:
    """Flag a pegged or managed currency described as floating ("متغيرة باستمرار").

    Also flags the Kuwaiti dinar (pegged to a basket) described as fixed to the dollar.
    """
    text = source.text
    floating = (
        _FLOAT_RE.search(text, start, end) if source.holds(_FLOAT_LITERALS, start, end) else None
    )
    fixed = (
        _FIXED_RE.search(text, start, end) if source.holds(_FIXED_LITERALS, start, end) else None
    )
    if floating is None and fixed is None:
        return
    code = _sentence_currency(source, start, end, money)
    if code is None:
        return
    peg = _pegs()[0][code]
    if peg.regime == "basket":
        usd = _USD_WORD_RE.search(text, start, end)
        # "ربط الدينار بالدولار" alone is often history (the peg of 2003-2007) or a tag.
        fixed = _FIXED_NOW_RE.search(text, start, end)
        if fixed and usd and not _UNPEGGED_RE.search(text, start, end):
            findings.checked += 1
            findings.contradicted += 1
            findings.evidence.append(
                source.evidence(
                    min(fixed.start(), usd.start()),
                    max(fixed.end(), usd.end()),
                    f"the {peg.name} has been pegged to an undisclosed basket of currencies "
                    f"since {peg.since} ({peg.authority}), not fixed to the US dollar",
                )
            )
        return
    if peg.per_usd is None or floating is None:
        return
    if floating is not None:
        findings.checked += 1
        findings.contradicted += 1
        if peg.regime == "peg":
            reason = (
                f"the {peg.name} is pegged at {peg.per_usd:g} per US dollar since "
                f"{peg.since} ({peg.authority}); its rate does not float"
            )
        else:
            reason = (
                f"the {peg.name} has an official rate set by the {peg.authority} "
                f"({peg.per_usd:,.0f} per US dollar since {peg.since})"
            )
        findings.evidence.append(source.evidence(floating.start(), floating.end(), reason))


def _sentence_currency(source: _Field, start: int, end: int, money: _Money) -> str | None:
    """Return the pegged currency a sentence is about: named in it or just before it."""
    starts = money.starts
    first = bisect_left(starts, start)
    if first < len(starts) and starts[first] < end:
        return money.names[first][2]
    if first > 0 and starts[first - 1] >= start - _LOOKBACK_CURRENCY:
        return money.names[first - 1][2]
    if (
        money.national
        and source.holds(_NATIONAL_CURRENCY_LITERALS, start, end)
        and _NATIONAL_CURRENCY_RE.search(source.text, start, end)
    ):
        return money.national
    return None


def _check_conversions(
    source: _Field, numbers: Sequence[_Number], money: _Money, findings: _Findings
) -> None:
    """Check "1647.1 مليون ريال عماني، أي ما يعادل 4348.3 مليون دولار" against the pegs."""
    text = source.text
    for first, second in zip(numbers, numbers[1:], strict=False):
        if second.start - first.end > _CONVERSION_GAP:
            continue
        first_code = _currency(first.mention, money)
        second_code = _currency(second.mention, money)
        if first_code is None or second_code is None or first_code == second_code:
            continue
        first_rate, second_rate = _usd_rate(first_code), _usd_rate(second_code)
        if first_rate is None or second_rate is None:
            continue
        if not _EQUIVALENT_RE.search(text, first.end, second.start):
            continue
        claimed, stated = second.mention.value, first.mention.value
        if not (_measurable(claimed) and _measurable(stated)):
            continue
        expected = stated / first_rate * second_rate
        findings.checked += 1
        _record_deviation(findings, claimed, expected)
        allowed = (
            PEG_TOLERANCE + _written_precision(first.mention) + _written_precision(second.mention)
        )
        deviation = abs(claimed / expected - 1)
        # Far off, the two figures are not one amount in two currencies.
        if allowed < deviation <= CONVERSION_BAND:
            peg_code = first_code if first_code != "USD" else second_code
            findings.contradicted += 1
            findings.evidence.append(
                source.evidence(
                    first.start,
                    second.end,
                    f"{_figure(stated)} {first_code} is {_figure(expected)} {second_code} at the "
                    f"peg of {_usd_rate(peg_code):g} {peg_code} per USD, "
                    f"the page gives {_figure(claimed)}",
                )
            )


def _check_peg_statement(
    source: _Field,
    numbers: Sequence[_Number],
    peg: _Peg,
    fixed: bool,
    money: _Money,
    findings: _Findings,
) -> None:
    """Check "ربط الدينار البحريني بالدولار عند 2.65 دولار" against the peg."""
    assert peg.per_usd is not None
    text = source.text
    if any(
        number.mention.kind == "year" and number.mention.value < peg.since for number in numbers
    ):
        return  # a rate of the years before the peg ("1973-1978: 3.947 درهم لكل دولار")
    for number in numbers:
        mention = number.mention
        if mention.kind != "number" or not _measurable(mention.value):
            continue
        code = _currency(mention, money)
        if code not in (None, "USD", peg.code):
            continue
        options = []
        if code != "USD":
            options.append((peg.per_usd, f"{peg.per_usd:g} {peg.code} per US dollar"))
        if code != peg.code:
            options.append((1 / peg.per_usd, f"{1 / peg.per_usd:.4f} US dollars per {peg.code}"))
        value = mention.value
        nearest, label = min(options, key=lambda option: abs(math.log(value / option[0])))
        if max(value / nearest, nearest / value) > PEG_NEAR_FACTOR:
            continue
        findings.checked += 1
        _record_deviation(findings, value, nearest)
        subunit = _SUBUNIT_RE.match(text, number.end)
        allowed = PEG_TOLERANCE + _relative_rounding(mention)
        if subunit is not None and value < 1:
            findings.contradicted += 1
            findings.evidence.append(
                source.evidence(
                    number.start,
                    subunit.end(),
                    f"{_figure(value)}{subunit.group()} per US dollar is a unit error: the peg "
                    f"is {peg.per_usd:g} {peg.code} ({peg.per_usd * 1000:g} of its "
                    f"thousandths) per US dollar ({peg.authority})",
                )
            )
        elif abs(value / nearest - 1) > allowed:
            if not fixed:
                continue
            findings.contradicted += 1
            findings.evidence.append(
                source.evidence(
                    number.start,
                    number.end,
                    f"the {peg.name} peg is {label} since {peg.since} ({peg.authority}); "
                    f"the page gives {_figure(value)}",
                )
            )
        else:
            stale = _STALE_RATE_RE.search(text, number.end, min(len(text), number.end + 60))
            year = int(next(group for group in stale.groups() if group)) if stale else 0
            if stale is not None and year > peg.since + 1:
                findings.contradicted += 1
                findings.evidence.append(
                    source.evidence(
                        number.start,
                        stale.end(),
                        f"the {peg.name} has been pegged at {peg.per_usd:g} per US dollar "
                        f"since {peg.since}; it is not a {year} rate",
                    )
                )


def _check_buy_sell(source: _Field, findings: _Findings) -> None:
    """Find a buying rate above the selling rate, or a spread no bank quotes for a currency."""
    if not source.has("buy_sell"):
        return
    text = source.text
    tagged: list[tuple[_Number, bool]] = []
    for number in source.numbers:
        mention = number.mention
        if mention.kind != "number" or not _measurable(mention.value):
            continue
        if _SUBUNIT_AFTER_RE.match(text, number.end) or _AND_AFTER_CURRENCY_RE.search(
            text, max(0, number.start - 12), number.start
        ):
            continue  # "10 جنيهات و50 قرشا": the piastres are part of one quote
        side = None
        before = _BUY_BEFORE_RE.search(text, max(0, number.start - 25), number.start)
        if before is not None:
            side = before.group()
        else:
            after = _BUY_AFTER_RE.match(text, number.end, min(len(text), number.end + 40))
            if after is not None:
                side = after.group(1)
        if side is None:
            continue
        tagged.append((number, "شراء" in side or "buy" in side))
    index = 0
    while index + 1 < len(tagged):
        (first, first_buy), (second, second_buy) = tagged[index], tagged[index + 1]
        index += 1
        if first_buy == second_buy or second.start - first.end > _PAIR_GAP:
            continue
        index += 1  # each quote belongs to one pair
        buy, sell = (first, second) if first_buy else (second, first)
        buy_value, sell_value = buy.mention.value, sell.mention.value
        if max(buy_value, sell_value) > 2 * min(buy_value, sell_value):
            continue
        context_start = max(0, first.start - 150)
        if not _EXCHANGE_CONTEXT_RE.search(text, context_start, second.end):
            continue
        findings.checked += 1
        span = (first.start, second.end)
        if buy_value > sell_value:
            findings.internal += 1
            findings.evidence.append(
                source.evidence(
                    *span,
                    f"buying rate {buy_value:g} is above the selling rate {sell_value:g}",
                )
            )
        elif (sell_value - buy_value) / sell_value > SPREAD_MAX:
            spread = 100 * (sell_value - buy_value) / sell_value
            findings.internal += 1
            findings.evidence.append(
                source.evidence(
                    *span,
                    f"buying {buy_value:g} and selling {sell_value:g} differ by {spread:.1f}%; "
                    f"banks quote currencies within {SPREAD_MAX:.0%}",
                )
            )


def _check_gold(source: _Field, money: _Money, findings: _Findings) -> None:
    """Compare an ounce price of gold with the page's gram prices by karat (31.1035 g/oz)."""
    if not source.has("gold"):
        return
    text = source.text
    ounces: list[tuple[_Number, str]] = []
    grams: list[tuple[_Number, str, int]] = []
    for number in source.numbers:
        mention = number.mention
        code = _currency(mention, money)
        if code is None and mention.unit in _GENERIC_CURRENCIES:
            code = mention.unit  # comparable with the same word, not converted
        if mention.kind != "number" or code is None or not _measurable(mention.value):
            continue
        line_start = text.rfind("\n", max(0, number.start - 60), number.start) + 1
        window_start = max(line_start, number.start - 60)
        if _OUNCE_AFTER_RE.match(text, number.end) or _OUNCE_BEFORE_RE.search(
            text, window_start, number.start
        ):
            # Support, resistance and forecast levels are not today's price.
            if _LEVEL_RE.search(text, window_start, number.start) or _LEVEL_AFTER_RE.match(
                text, number.end
            ):
                continue
            if len(ounces) < MAX_PRICE_PAIRS:
                ounces.append((number, code))
            continue
        karat = _KARAT_BEFORE_RE.search(text, window_start, number.start)
        if karat is not None and _CHANGE_RE.search(text, karat.start(), number.start):
            karat = None  # "24K has gained Dh158 a gram": a change, not a price
        if karat is not None and _MITHQAL_RE.search(text, window_start, number.end + 25):
            karat = None  # a mithqal is not a gram
        if karat is not None and len(grams) < MAX_PRICE_PAIRS:
            grams.append((number, code, int(next(group for group in karat.groups() if group))))
    _check_karats(source, grams, findings)
    _check_gold_forecast(source, grams, findings)
    if not ounces or not grams:
        return
    for ounce, ounce_code in ounces:
        worst: tuple[float, str] | None = None
        for gram, gram_code, gram_karat in grams:
            ounce_rate, gram_rate = _usd_rate(ounce_code), _usd_rate(gram_code)
            if ounce_code == gram_code:
                rate = 1.0
            elif ounce_rate is not None and gram_rate is not None:
                rate = gram_rate / ounce_rate
            else:
                continue
            pure = ounce.mention.value / GRAMS_PER_TROY_OUNCE * rate
            expected = pure * gram_karat / 24
            deviation = abs(gram.mention.value / expected - 1)
            findings.checked += 1
            allowed = GOLD_TOLERANCE + _relative_rounding(gram.mention)
            if gram_karat != 24:
                allowed += GOLD_KARAT_PREMIUM
            if deviation > allowed and (worst is None or deviation > worst[0]):
                conversion = "" if rate == 1.0 else f" at {rate:g} {gram_code} per {ounce_code}"
                worst = (
                    deviation,
                    f"{_figure(ounce.mention.value)} {ounce_code} an ounce is "
                    f"{_figure(pure)} {gram_code} a gram of 24K ({GRAMS_PER_TROY_OUNCE} g per "
                    f"troy ounce{conversion}), so {gram_karat}K is {_figure(expected)}; "
                    f"the page gives {_figure(gram.mention.value)}",
                )
        if worst is not None:
            findings.internal += 1
            findings.evidence.append(source.evidence(ounce.start, ounce.end, worst[1]))


def _check_area_share(
    source: _Field, start: int, end: int, numbers: Sequence[_Number], findings: _Findings
) -> None:
    """Check "أبوظبي ... 84% من إجمالي مساحة الدولة" against the page's and reference areas."""
    if not source.has("area_share"):
        return
    regions, region_re = _regions()
    text = source.text
    for number in numbers:
        mention = number.mention
        if mention.kind != "percent" or not 0 < mention.value <= 100:
            continue
        if not _AREA_SHARE_RE.match(text, number.end):
            continue
        window_start = max(0, number.start - _SHARE_LINE_WINDOW)
        window_start = text.rfind("\n", window_start, number.start) + 1 or window_start
        region = None
        for match in region_re.finditer(text, window_start, number.start):
            region = _region_of(match, regions) or region
        if region is None:
            continue
        part = region.area_km2
        own = False
        for item in source.numbers_in(window_start, number.start):
            if item.mention.unit == "km2" and _measurable(item.mention.value):
                value = item.mention.value
                if max(value / part, part / value) <= AREA_TOLERANCE:
                    part, own = value, True
        whole = findings.stated_areas.get((source.name, region.iso2))
        if whole is None:
            whole = _country_area(region.iso2)
            own = False
        if not whole:
            continue
        expected = 100 * part / whole
        findings.checked += 1
        difference = abs(mention.value - expected)
        allowed = (
            OWN_SHARE_POINTS
            if own
            else max(REFERENCE_SHARE_POINTS, REFERENCE_SHARE_RELATIVE * expected)
        )
        if difference > allowed:
            findings.contradicted += 1
            basis = "the page's own figures" if own else "reference areas"
            findings.evidence.append(
                source.evidence(
                    number.start,
                    number.end,
                    f"share of {region.name} in the country's area claimed "
                    f"{mention.value:g}%, {basis} give {_figure(part)} of {_figure(whole)} km² "
                    f"= {expected:.1f}%",
                )
            )


_AREA_SHARE_RE = re.compile(
    r"\s*(?:(?:تقريبا|approximately|roughly)\s*)?(?:من|of)\s+(?:the\s+)?(?:(?:ال)?(?:اجمالي|مجمل|مجموع|كامل)\s+|total\s+)?"
    r"(?:ال)?(?:مساحه|area\b|land\s+area\b|(?:country|uae)'?s\s+(?:total\s+)?area\b)"
)


@cache
def _country_area(iso2: str) -> float | None:
    country = country_by_iso2(iso2)
    return float(country.area_km2) if country is not None and country.area_km2 else None


def _check_page_arithmetic(
    source: _Field, start: int, end: int, numbers: Sequence[_Number], findings: _Findings
) -> None:
    """Thousands of years that end in a recent year; a majority that is a small share."""
    text = source.text
    if not (source.has("years") or source.has("majority")):
        return
    thousands = (
        _THOUSANDS_OF_YEARS_RE.finditer(text, start, end)
        if source.holds(_THOUSANDS_OF_YEARS_LITERALS, start, end)
        else ()
    )
    for match in thousands:
        year = _YEAR_AFTER_RE.match(text, match.end(), min(end, match.end() + 60))
        if year is None:
            continue
        value = int(year.group(1))
        if 100 <= value <= 2100:
            findings.impossible += 1
            findings.evidence.append(
                source.evidence(
                    match.start(),
                    year.end(),
                    f"thousands of years before now cannot be the year {value}",
                )
            )
    majority = (
        _MAJORITY_RE.search(text, start, end)
        if source.holds(_MAJORITY_LITERALS, start, end)
        else None
    )
    if majority is None:
        return
    constitute = _CONSTITUTE_RE.search(text, majority.end(), min(end, majority.end() + 120))
    if constitute is None:
        return
    for number in numbers:
        mention = number.mention
        if number.start < constitute.end() or mention.kind != "percent":
            continue
        if number.start - constitute.end() > 60:
            break
        if mention.value <= MAJORITY_MAX_PERCENT:
            findings.internal += 1
            findings.evidence.append(
                source.evidence(
                    majority.start(),
                    number.end,
                    f"described as the main part but given as {mention.value:g}%",
                )
            )
        break


KARAT_EXACT = 0.0003
"""A karat price this close to 24K x k/24 shows the page prices by the pure ratio."""
KARAT_TOLERANCE = 0.001
KARAT_LOOSE_TOLERANCE = 0.04
"""Retail tables (Dubai's 22K at about 0.926 of 24K) stray from k/24 by up to 4%."""
LARGEST_GOLD_RESERVE_TONNES = 8133
"""Official gold holdings of the United States, the largest (World Gold Council, 2024)."""
TROY_OUNCES_PER_TONNE = 32150.7

_MONTHS = {
    normalize_for_matching(name): number
    for number, names in enumerate(
        (
            ("يناير", "كانون الثاني", "january"),
            ("فبراير", "شباط", "february"),
            ("مارس", "آذار", "march"),
            ("أبريل", "إبريل", "نيسان", "april"),
            ("مايو", "أيار", "may"),
            ("يونيو", "يونيه", "حزيران", "june"),
            ("يوليو", "يوليه", "تموز", "july"),
            ("أغسطس", "آب", "august"),
            ("سبتمبر", "أيلول", "september"),
            ("أكتوبر", "تشرين الأول", "october"),
            ("نوفمبر", "تشرين الثاني", "november"),
            ("ديسمبر", "كانون الأول", "december"),
        ),
        start=1,
    )
    for name in names
}
_ORDINALS = {
    normalize_for_matching(name): number
    for number, names in enumerate(
        (
            ("الأولى", "first"),
            ("الثانية", "second"),
            ("الثالثة", "third"),
            ("الرابعة", "fourth"),
            ("الخامسة", "fifth"),
            ("السادسة", "sixth"),
        ),
        start=1,
    )
    for name in names
}
_PHASE_DATE_RE = re.compile(
    rf"(?P<ordinal>{trie_regex(_ORDINALS)})(?![\w])"
    rf"[^\d\n.]{{0,30}}?(?<![\w])(?P<month>{trie_regex(_MONTHS)})(?![\w])\s*(?P<year>\d{{4}})(?!\d)"
)
_PHASE_WINDOW = 400
# The first words of the month names: a field without one holds no dated phase.
_MONTH_OPENERS = _openers(_MONTHS, ("",))
_TONNES_RE = re.compile(r"\s*(?:(?:metric\s+)?tonnes|tons|(?:ال)?اطنان|طنا|طن)(?![\w])")
_OUNCES_RE = re.compile(
    r"\s*(?:(?:troy\s+)?ounces|oz|(?:ال)?اوقيات|(?:ال)?اونصات|اوقيه|اونصه)(?![\w])"
)
_HUNDREDS_OF_TONNES_RE = re.compile(r"(?:ميات|hundreds\s+of)\s+(?:ال)?(?:اطنان|tonnes|tons)")
_LARGEST_RESERVE_RE = re.compile(
    r"اكبر\s+احتياطي\s+(?:من\s+)?(?:ال)?ذهب|\blargest\s+gold\s+reserves?\b"
)
_FIRST_THIS_MONTH_RE = re.compile(
    r"(?:للمره\s+الاولي|لاول\s+مره)\s+(?:خلال|في|منذ\s+بدايه)\s+(?:ال)?(?:شهر|اسبوع)\s+"
    r"(?:ال)?(?:جاري|حالي)|\bfor\s+the\s+first\s+time\s+this\s+(?:month|week)\b"
)
_HUNDREDS_OF_TONNES_LITERALS = ("ميات", "hundreds")
_FIRST_THIS_MONTH_LITERALS = ("للمره", "لاول", "first")
_HISTORIC_RE = re.compile(r"سابقه\s+تاريخيه|(?<![\w])(?:ال)?تاريخيه?(?![\w])|\bhistoric\b")
_MOVE_RE = re.compile(
    r"(?<![\w])[وب]?(?:ال)?(?:انخفاض|ارتفاع|تراجع|هبوط|صعود|قفزه)(?![\w])|\b(?:falls?|drops?|rises?|surges?|jumps?)\b"
)
_STABLE_RE = re.compile(
    r"(?<![\w])[و]?(?:ال)?(?:مستقر|مستقره|استقرار|ثبات|يستقر|تستقر)(?![\w])|\bstable\b|\bsteady\b"
)
_SEQUENCE_RE = re.compile(
    r"(?<![\w])(?:بعد|عقب|وسط|قبل)(?![\w])|\b(?:after|following|amid|before)\b"
)
_FORECAST_RE = re.compile(
    r"\b(?:forecasts?|could\s+reach|expected\s+to\s+reach|may\s+reach|to\s+reach)\b"
    r"|(?<![\w])(?:سيصل|ستصل|قد\s+يصل|قد\s+تصل|توقعات\s+بوصول|يتوقع\s+ان\s+يصل)(?![\w])"
)
_FALL_RE = re.compile(r"\b(?:fall|drop|decline|slide)\b|تنخفض|تتراجع|ينخفض|يتراجع|هبوط")


def _check_karats(
    source: _Field, grams: Sequence[tuple[_Number, str, int]], findings: _Findings
) -> None:
    """Compare each karat price with 24K x k/24 (21K is 0.875 of 24K) in the same currency."""
    first: dict[tuple[str, int], _Number] = {}
    for number, code, karat in grams:
        first.setdefault((code, karat), number)
    for (code, karat), pure_number in first.items():
        if karat != 24:
            continue
        pure = pure_number.mention.value
        others = [
            (other_karat, number)
            for (other_code, other_karat), number in first.items()
            if other_code == code and other_karat != 24
        ]
        deviations = [
            (number.mention.value / (pure * other_karat / 24) - 1, other_karat, number)
            for other_karat, number in others
        ]
        exact = any(
            abs(deviation) <= KARAT_EXACT + _relative_rounding(number.mention)
            for deviation, _k, number in deviations
        )
        tolerance = KARAT_TOLERANCE if exact else KARAT_LOOSE_TOLERANCE
        for deviation, other_karat, number in deviations:
            findings.checked += 1
            allowed = (
                tolerance
                + _relative_rounding(number.mention)
                + _relative_rounding(pure_number.mention)
            )
            if abs(deviation) <= allowed:
                continue
            findings.internal += 1
            basis = "as the page's other karats are" if exact else "within retail margins"
            findings.evidence.append(
                source.evidence(
                    number.start,
                    number.end,
                    f"{other_karat}K at {_figure(number.mention.value)} {code} is not "
                    f"{other_karat}/24 of the page's 24K price {_figure(pure)} "
                    f"(= {_figure(pure * other_karat / 24)}, {basis})",
                )
            )


def _check_gold_forecast(
    source: _Field, grams: Sequence[tuple[_Number, str, int]], findings: _Findings
) -> None:
    """Flag a forecast gram price the page's own current 24K price already exceeds."""
    text = source.text
    current = {code: number for number, code, karat in reversed(grams) if karat == 24}
    if not current:
        return
    for number in source.numbers:
        mention = number.mention
        code = _currency(mention, source.money) if source.money else None
        if code not in current or not _GRAM_AFTER_RE.match(text, number.end):
            continue
        window_start = max(0, number.start - 60)
        forecast = _FORECAST_RE.search(text, window_start, number.start)
        if forecast is None or _FALL_RE.search(text, window_start, number.start):
            continue
        if _KARAT_BEFORE_RE.search(text, window_start, number.start):
            continue
        price = current[code].mention.value
        if mention.value < price * (1 - FORECAST_MARGIN):
            findings.internal += 1
            findings.evidence.append(
                source.evidence(
                    forecast.start(),
                    number.end,
                    f"forecast of {_figure(mention.value)} {code} a gram is below the page's "
                    f"own 24K price of {_figure(price)}",
                )
            )


def _check_masses(source: _Field, findings: _Findings) -> None:
    """Flag a figure given in ounces and later in tonnes (a tonne is 32,150.7 troy ounces)."""
    if not source.has("masses"):
        return
    text = source.text
    ounces: dict[float, _Number] = {}
    for number in source.numbers:
        value = number.mention.value
        if number.mention.kind != "number" or value < 1000:
            continue
        if _OUNCES_RE.match(text, number.end):
            ounces.setdefault(value, number)
        elif value in ounces and _TONNES_RE.match(text, number.end):
            findings.internal += 1
            findings.evidence.append(
                source.evidence(
                    number.start,
                    number.end,
                    f"{_figure(value)} tonnes here, {_figure(value)} ounces earlier "
                    f"(a tonne is {TROY_OUNCES_PER_TONNE:,} troy ounces)",
                )
            )


def _word_start(text: str, position: int) -> bool:
    """Return whether a word starts at ``position``, after at most a "و" or "ف" clitic."""
    if position == 0 or not text[position - 1].isalnum():
        return True
    return text[position - 1] in "وف" and (position == 1 or not text[position - 2].isalnum())


def _check_phases(source: _Field, findings: _Findings) -> None:
    """Flag numbered phases whose dates go backwards: "الثانية في نوفمبر ثم الثالثة في يناير"."""
    if not source.has("phases") or (
        _MONTH_OPENERS is not None and source.words.isdisjoint(_MONTH_OPENERS)
    ):
        return
    text = source.text
    previous: tuple[int, int, int] | None = None
    for match in _PHASE_DATE_RE.finditer(text):
        if not _word_start(text, match.start()):
            continue
        ordinal = _ORDINALS[match.group("ordinal")]
        date = int(match.group("year")) * 12 + _MONTHS[match.group("month")]
        if (
            previous is not None
            and ordinal == previous[0] + 1
            and match.start() - previous[2] <= _PHASE_WINDOW
            and date < previous[1]
        ):
            findings.internal += 1
            findings.evidence.append(
                source.evidence(
                    match.start("ordinal"),
                    match.end(),
                    f"phase {ordinal} is dated before phase {ordinal - 1}",
                )
            )
        previous = (ordinal, date, match.end())


def _check_wording(source: _Field, start: int, end: int, findings: _Findings) -> None:
    """Flag claims that contradict themselves.

    Hundreds of tonnes as the world's largest gold reserve, "for the first time this month"
    as a historic first, a headline price that both fell and held stable.
    """
    text = source.text
    if source.name == "title" and end - start <= _HEADLINE_CHARS:
        _check_headline(source, start, end, findings)
    if not source.has("wording"):
        return
    hundreds = (
        _HUNDREDS_OF_TONNES_RE.search(text, start, end)
        if source.holds(_HUNDREDS_OF_TONNES_LITERALS, start, end)
        else None
    )
    if hundreds is not None and _LARGEST_RESERVE_RE.search(text, start, end):
        findings.contradicted += 1
        findings.evidence.append(
            source.evidence(
                hundreds.start(),
                hundreds.end(),
                "hundreds of tonnes cannot be the world's largest gold reserve: the largest "
                f"official holding is {LARGEST_GOLD_RESERVE_TONNES:,} tonnes (United States)",
            )
        )
    first = (
        _FIRST_THIS_MONTH_RE.search(text, start, end)
        if source.holds(_FIRST_THIS_MONTH_LITERALS, start, end)
        else None
    )
    if first is not None:
        historic = _HISTORIC_RE.search(text, first.end(), min(end, first.end() + 40))
        if historic is not None:
            findings.internal += 1
            findings.evidence.append(
                source.evidence(
                    first.start(),
                    historic.end(),
                    "the first time this month is not a historic first",
                )
            )


_HEADLINE_CHARS = 160


def _check_headline(source: _Field, start: int, end: int, findings: _Findings) -> None:
    """Flag a headline whose price both moved and held stable ("انخفاض ملحوظ.. ومستقر")."""
    text = source.text
    move = _MOVE_RE.search(text, start, end)
    stable = _STABLE_RE.search(text, start, end)
    if move is None or stable is None or _SEQUENCE_RE.search(text, start, end):
        return
    findings.internal += 1
    findings.evidence.append(
        source.evidence(
            min(move.start(), stable.start()),
            max(move.end(), stable.end()),
            "the headline says the price both moved and held stable",
        )
    )


# --- a percentage against the page's own two numbers; parts against their total ---------

CHANGE_POINTS = 0.2
CHANGE_RELATIVE = 0.05
"""A stated change may miss the change between its two figures by 0.2 points or 5%."""
PARTS_TOLERANCE = 0.001

_PAIR_CUE_RE = re.compile(
    r"(?<![\w])(?P<to>الي|حتي)(?![\w])|\b(?P<to_en>to)\b"
    r"|(?<![\w])(?P<against>مقابل|بدلا\s+من)(?![\w])"
    r"|\b(?P<against_en>(?:as\s+)?compared\s+(?:to|with)|versus|from)\b"
)
_FROM_BEFORE_RE = re.compile(r"(?:(?<![\w])من|\bfrom)\s{1,3}(?:[^\W\d]+\s{1,3}){0,2}$")
_CHANGE_WORD_RE = re.compile(
    r"(?<![\w])[وب]?(?:ال)?(?:ارتفاع|انخفاض|نمو|زياده|تراجع|هبوط|صعود|ارتفاعا|انخفاضا|نموا"
    r"|زياده|تراجعا|بنسبه|نسبته|ارتفع|انخفض|تراجع|زاد|نما)(?![\w])"
    r"|\b(?:up|down|rise|rose|fell|fall|increase|increased|decrease|decreased|growth|grew"
    r"|jumped|dropped|declined|climbed)\b"
)
_POINTS_AFTER_RE = re.compile(r"\s{0,3}(?:نقطه|نقاط|percentage\s+points?|points?\b|basis)")
_PARTS_CUE_RE = re.compile(
    r"(?<![\w])(?:منها|منهم|من\s+بينها|من\s+بينهم|بينهم|بينها)(?![\w])"
    r"|\b(?:of\s+which|of\s+whom|including)\b"
)
_PARTS_CUE_LITERALS = ("منها", "منهم", "بينها", "بينهم", "which", "whom", "including")
_PAIR_NUMBER_GAP = 40
_CHANGE_NEAR = 50
CHANGE_BAND = 2.5
_PART_GAP = 60
_JOIN_RE = re.compile(r"(?<![\w])و|،|,|\band\b")
_NEW_LIST_RE = re.compile(
    r"(?<![\w])(?:فيما|بينما|في\s+حين|اضافه|فضلا|كما|اكثر\s+من|ما\s+يزيد)(?![\w])"
    r"|(?<![\w])و?(?:بلغ|تجاوز|ارتفع|اصيب|قتل|قتلوا|توفي|سجل|اضاف|اوضح|قال|اشار)(?![\w])"
    r"|\b(?:while|whereas|besides|plus|more\s+than|were|was|killed|injured|wounded)\b|[.;:]"
)


def _plain(number: _Number) -> bool:
    mention = number.mention
    return mention.kind == "number" and _measurable(mention.value)


def _change_pairs(
    source: _Field, start: int, end: int, numbers: Sequence[_Number]
) -> list[tuple[_Number, _Number, int]]:
    """Return (old, new, cue start) for "من 100 إلى 120", "120 مقابل 100", "2.48 ... from 2.23"."""
    text = source.text
    starts = [number.start for number in numbers]
    pairs = []
    for cue in _PAIR_CUE_RE.finditer(text, start, end):
        index = bisect_left(starts, cue.end())
        after = numbers[index] if index < len(numbers) else None
        if after is None or after.start - cue.end() > 15 or not _plain(after):
            continue
        before = None
        for candidate in reversed(numbers[max(0, index - 3) : index]):
            if cue.start() - candidate.end > _PAIR_NUMBER_GAP:
                break
            if _plain(candidate):
                before = candidate
                break
        if before is None or before.mention.unit != after.mention.unit:
            continue
        if cue.group("to") or cue.group("to_en"):
            # "من A إلى B" / "from A to B": the old figure follows "من" / "from".
            if not _FROM_BEFORE_RE.search(text, max(start, before.start - 25), before.start):
                continue
            pairs.append((before, after, cue.start()))
        else:
            pairs.append((after, before, cue.start()))
        if len(pairs) > 3:
            break
    return pairs


def _check_change(
    source: _Field, start: int, end: int, numbers: Sequence[_Number], findings: _Findings
) -> None:
    """Check "ارتفع من 100 إلى 120 بنسبة 30%" against the page's own two figures."""
    if len(numbers) < 3:
        return
    percents = [
        number
        for number in numbers
        if number.mention.kind == "percent" and not _POINTS_AFTER_RE.match(source.text, number.end)
    ]
    if len(percents) != 1:
        return
    if not _CHANGE_WORD_RE.search(source.text, start, end):
        return
    pairs = _change_pairs(source, start, end, numbers)
    if len(pairs) != 1:
        return
    old, new, _cue = pairs[0]
    percent = percents[0]
    if _SHARE_AFTER_RE.match(source.text, percent.end):
        return  # "30% من السكان" is a share, not the change
    pair_start, pair_end = min(old.start, new.start), max(old.end, new.end)
    if percent.start - pair_end > _CHANGE_NEAR or pair_start - percent.end > _CHANGE_NEAR:
        return
    change = 100 * abs(new.mention.value / old.mention.value - 1)
    stated = percent.mention.value
    rounding = (
        100 * (old.mention.rounding / old.mention.value + new.mention.rounding / new.mention.value)
        + percent.mention.rounding
    )
    findings.checked += 1
    if abs(stated - change) <= max(CHANGE_POINTS, CHANGE_RELATIVE * change) + rounding:
        return
    if not stated or not change or max(stated / change, change / stated) > CHANGE_BAND:
        return  # so far apart that the percentage is about something else
    findings.internal += 1
    findings.evidence.append(
        source.evidence(
            min(old.start, new.start, percent.start),
            max(old.end, new.end, percent.end),
            f"a change of {stated:g}% stated, the page's own figures "
            f"{_figure(old.mention.value)} and {_figure(new.mention.value)} give {change:.1f}%",
        )
    )


def _check_parts(
    source: _Field, start: int, end: int, numbers: Sequence[_Number], findings: _Findings
) -> None:
    """Flag parts that add up to more than their total: "200 حالة، منها 150 ... و80 ..."."""
    if len(numbers) < 3 or not source.has("parts"):
        return
    text = source.text
    cue = (
        _PARTS_CUE_RE.search(text, start, end)
        if source.holds(_PARTS_CUE_LITERALS, start, end)
        else None
    )
    if cue is None:
        return
    starts = [number.start for number in numbers]
    index = bisect_left(starts, cue.start())
    if index == 0:
        return
    total = numbers[index - 1]
    if cue.start() - total.end > 30 or not _plain(total):
        return
    if total.mention.decimal_places == 3:
        return  # "277.478 حالة" may be 277,478 written with a dot
    parts: list[_Number] = []
    previous_end = cue.end()
    for number in numbers[index : index + 8]:
        mention = number.mention
        gap = text[previous_end : number.start]
        # Parts are one list: close together, joined by "و" or a comma, no new clause.
        if number.start - previous_end > _PART_GAP or _NEW_LIST_RE.search(gap):
            break
        if parts and (not _JOIN_RE.search(gap) or len(_TOKEN_RE.findall(gap)) > 6):
            break
        if mention.kind != "number" or mention.unit != total.mention.unit:
            break
        if mention.decimal_places == 3:
            return
        parts.append(number)
        previous_end = number.end
    if len(parts) < 2:
        return
    whole = total.mention.value
    if any(part.mention.value >= whole for part in parts):
        return  # a part as large as the total counts something else
    summed = sum(part.mention.value for part in parts)
    findings.checked += 1
    allowed = (
        whole * PARTS_TOLERANCE
        + total.mention.rounding
        + sum(part.mention.rounding for part in parts)
    )
    if summed <= whole + allowed:
        return
    findings.internal += 1
    findings.evidence.append(
        source.evidence(
            total.start,
            parts[-1].end,
            f"the parts add up to {_figure(summed)}, more than the total of {_figure(whole)}",
        )
    )
