"""Claims and units: the field read sentence by sentence, its numbers, places and findings."""

from __future__ import annotations

import csv
import math
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import compress, count
from pathlib import Path

from mizan.detector.article import WordSpans, word_spans
from mizan.detector.lexicons import load_lexicon
from mizan.detector.numbers import NumberMention, extract_numbers_normalized
from mizan.detector.reference import (
    PlaceMention,
)
from mizan.detector.reference.patterns import trie_regex
from mizan.detector.signals.base import Evidence, EvidenceField
from mizan.detector.text import NormalizedText, normalize_for_matching

AREA_TOLERANCE = 1.65
WORLD_POPULATION_MAX = 9.5e9
KM_PER_MILE = 1.609344
KM2_PER_SQUARE_MILE = 2.589988
_PLACE_BEFORE_KEYWORD = 40

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
    "periods": ("عشرات", "ميات", "tens", "hundreds"),
    "totals": ("total", "اجمالي", "مجموع"),
    "total_verbs": (
        *("crosses", "tops", "exceeds", "surpasses", "passes", "over", "more", "يتجاوز", "تتجاوز"),
        *("يتخطي", "تتخطي", "يفوق", "تفوق", "يزيد", "تزيد"),
    ),
    "oil": ("oil", "crude", "نفط"),
    "oil_share": (*("majority", "bulk", "most", "half", "معظم", "اغلب", "غالبيه", "نصف"),),
    "world": ("world", "worlds", "عالم"),
    "vision": ("vision", "رويه"),
    "vision_year": ("2021", "2030", "2035"),
    "sterling": ("استرليني", "استرلينيا", "الاسترليني", "sterling", "british"),
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
    sentence_first_word: int = 0

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

    def scan_start(self, openers: frozenset[str] | None) -> int | None:
        """Return where a search of the sentence for words opened by ``openers`` may begin.

        That is the start of the sentence's first word that is one of ``openers`` (see
        ``_openers``): no match can start before it, and the patterns' lookbehinds see the
        text before it. ``None`` when no word of the sentence is one of them. The sentence
        start when there are no openers to test, and when the sentence ends inside a word,
        which a search would read cut short.
        """
        start, end = self.sentence
        spans = self.word_spans
        if openers is None or spans is None:
            return start
        text = self.text
        if end < len(text) and text[end].isalnum():
            return start
        first = self.sentence_first_word
        words = self.sentence_words
        if words is None:
            first = bisect_left(spans.starts, start)
            words = spans.words[first : bisect_left(spans.starts, end, first)]
            self.sentence_words = words
            self.sentence_first_word = first
        if openers.isdisjoint(words):
            return None
        index = next(compress(count(), map(openers.__contains__, words)))
        return spans.starts[first + index]

    def opened_matches(
        self, pattern: re.Pattern[str], openers: frozenset[str] | None, start: int, end: int
    ) -> Iterator[re.Match[str]]:
        """Yield what ``pattern.finditer(self.text, start, end)`` yields.

        ``openers`` are the words one of which opens every match of ``pattern`` (see
        ``_openers``), so the pattern is tried only where such a word starts; its lookbehinds
        see the text before. Every position is tried when there are no openers, and when
        ``end`` falls inside a word, which a search would read cut short.
        """
        text = self.text
        spans = self.word_spans
        if openers is None or spans is None or (end < len(text) and text[end].isalnum()):
            yield from pattern.finditer(text, start, end)
            return
        starts = spans.starts
        first = bisect_left(starts, start)
        last = bisect_left(starts, end, first)
        opening = map(openers.__contains__, spans.words[first:last])
        position = start
        for index in compress(range(first, last), opening):
            candidate = starts[index]
            if candidate < position:
                continue
            match = pattern.match(text, candidate, end)
            if match is not None:
                yield match
                position = match.end()

    def may_open(self, openers: frozenset[str] | None) -> bool:
        """Return whether a word of the sentence may open a match (see :meth:`scan_start`)."""
        return self.scan_start(openers) is not None

    def may_hold(self, lexicon: str) -> bool:
        """Return whether the sentence may hold a ``statistics_<lexicon>`` phrase."""
        return self.may_open(_phrase_openers(lexicon))

    def hits(self, lexicon: str, start: int, end: int) -> list[tuple[int, int]]:
        """Return spans of ``statistics_<lexicon>`` phrases inside ``[start, end)``.

        Each lexicon is searched once per sentence, at the words that may open a phrase;
        the spans are then filtered.
        """
        spans = self.sentence_hits.get(lexicon)
        if spans is None:
            matches = self.opened_matches(
                _phrases(lexicon), _phrase_openers(lexicon), *self.sentence
            )
            spans = [match.span() for match in matches]
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


def _make_field(
    name: EvidenceField, normalized: NormalizedText, spans: WordSpans | None = None
) -> _Field:
    if spans is None:
        spans = word_spans(normalized.text)
    numbers: list[_Number] = []
    index = normalized.index
    for mention in extract_numbers_normalized(normalized, spans=spans):
        start = bisect_left(index, mention.start)
        end = bisect_left(index, mention.end)
        numbers.append(_Number(start, end, mention))
    return _Field(name, normalized, numbers, words=frozenset(spans.words), word_spans=spans)


_CLAUSE_CHARS = 60
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


def _measurable(value: float) -> bool:
    """Return whether a claimed quantity can be compared: finite, above 0 and below 1e15."""
    return math.isfinite(value) and 0.0 < value < 1e15


def _record_deviation(findings: _Findings, claimed: float, reference: float) -> None:
    if not (_measurable(claimed) and _measurable(reference)):
        return
    deviation = abs(math.log2(claimed / reference))
    findings.max_log_deviation = max(findings.max_log_deviation, deviation)


_GENERIC_CURRENCIES = ("riyal", "dinar", "dirham")

_REFERENCE_DIR = Path(__file__).resolve().parents[2] / "reference"


def _read_csv(name: str) -> list[dict[str, str]]:
    with (_REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _clitic_pattern(names: Iterable[str]) -> str:
    return rf"(?<![\w]){_CLITICS}(?:{trie_regex(names)})(?![\w])"


@dataclass
class _Money:
    """What the money checks know about a field: its currency names and generic currencies."""

    names: list[tuple[int, int, str]]
    generic: dict[str, str]
    national: str | None
    starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.starts = [name_start for name_start, _end, _code in self.names]


def _relative_rounding(mention: NumberMention) -> float:
    return mention.rounding / mention.value if mention.value else 0.0


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


def _plain(number: _Number) -> bool:
    mention = number.mention
    return mention.kind == "number" and _measurable(mention.value)
