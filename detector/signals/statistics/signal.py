"""The statistics signal: features, evidence and one score from every check."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from mizan.detector.article import Document
from mizan.detector.numbers import prepare_tables
from mizan.detector.reference import find_places, place_keys
from mizan.detector.signals.base import Signal, SignalContext, SignalResult
from mizan.detector.signals.statistics.arithmetic import (
    _HEADLINE_CHARS,
    _check_area_share,
    _check_change,
    _check_headline,
    _check_page_arithmetic,
    _check_parts,
    _check_phases,
    _check_wording,
    _regions,
)
from mizan.detector.signals.statistics.claims import (
    _LEXICONS,
    _Field,
    _filler_words,
    _Findings,
    _locative_pattern,
    _make_field,
    _Money,
    _Number,
    _openers,
    _phrases,
)
from mizan.detector.signals.statistics.facts import (
    _check_distances,
    _check_internal,
    _check_ratios,
    _check_stated_quantities,
)
from mizan.detector.signals.statistics.gold import _check_gold, _check_masses
from mizan.detector.signals.statistics.money import (
    _check_buy_sell,
    _check_floating,
    _check_money_sentence,
    _money_context,
    _pegs,
)
from mizan.detector.signals.statistics.periods import _check_periods, _check_totals
from mizan.detector.signals.statistics.sense import (
    FALSE_PRECISION_WEIGHT,
    UNSOURCED_PROJECTION_WEIGHT,
    _check_impossible,
    _check_precision,
    _check_projection,
)
from mizan.detector.signals.statistics.world import (
    _check_world,
    _oil_shares,
    _parities,
    _visions,
)

# How strongly each finding moves the score; combined as 1 - prod(1 - weight).
CONTRADICTED_WEIGHT = 0.55
IMPOSSIBLE_WEIGHT = 0.5
INTERNAL_WEIGHT = 0.35
MAX_WEAK_FINDINGS = 3


_PLACE_PREFIXES = tuple(
    first + second for first in ("", "و", "ف") for second in ("", "ب", "ل", "ك")
)
"""Every prefix that the gazetteer pattern of ``mizan.detector.reference`` matches."""


@lru_cache(maxsize=1)
def _place_openers() -> frozenset[str] | None:
    """Return the words one of which opens every place name that ``find_places`` finds."""
    return _openers(place_keys(), _PLACE_PREFIXES)


class StatisticsSignal(Signal):
    """Checks stated figures against reference facts, each other and plausibility.

    Features: counts of figures (``numeric_claim_count``, ``numbers_per_1000_words``), of
    claims checked against reference data and of those contradicted, the largest deviation
    from a reference value (``max_reference_deviation``, |log2(claimed / reference)|), and
    counts of internal contradictions, impossible magnitudes, projections, unsourced
    projections and falsely precise figures.
    """

    name = "statistics"
    version = "3"
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
        _oil_shares()
        _visions()
        _parities()

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
        _check_periods(body, findings)
        _check_totals(body, findings)
        _check_world(body, findings)
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


_PLACE_RATIO_KINDS = ("multiplier", "percent")
_DISTANCE_UNITS = ("km", "mi")


def _reads_places(source: _Field, numbers: Sequence[_Number]) -> bool:
    """Return whether a check of places can fire on the sentence of ``numbers``.

    A ratio of two places needs a multiplier or a share, a distance a figure in kilometres
    or miles, and a stated population or area one of those words.
    """
    for number in numbers:
        mention = number.mention
        if mention.kind in _PLACE_RATIO_KINDS or mention.unit in _DISTANCE_UNITS:
            return True
    return source.may_hold("population") or source.may_hold("area")


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
    # Place names are looked up only in sentences with a figure that a check of places can
    # read, from the first word that may open one, which keeps the signal fast.
    places_from = source.scan_start(_place_openers()) if _reads_places(source, numbers) else None
    places = find_places(source.normalized, places_from, end) if places_from is not None else []

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
