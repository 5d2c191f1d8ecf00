"""Statistics: a sentence skips a pattern only when it lacks every literal the pattern needs."""

from __future__ import annotations

import random
import re

import pytest

from mizan.detector.article import word_spans
from mizan.detector.signals.statistics import arithmetic, claims, money, signal
from mizan.detector.signals.statistics.claims import _Field
from mizan.detector.text import normalize_for_matching, normalize_with_offsets

# Each pattern with its literals and sentences (normalised like the text) it matches.
CASES: list[tuple[re.Pattern[str], tuple[str, ...], list[str]]] = [
    (
        money._FLOAT_RE,
        money._FLOAT_LITERALS,
        ["عملة متغيرة باستمرار في السوق", "the rate floats freely now", "a free-floating unit"],
    ),
    (
        money._FIXED_RE,
        money._FIXED_LITERALS,
        ["سعر ثابت منذ سنوات", "وبالربط مع الدولار", "it is pegged to the dollar", "a fixed rate"],
    ),
    (
        money._NATIONAL_CURRENCY_RE,
        money._NATIONAL_CURRENCY_LITERALS,
        ["تراجع العملة الوطنية أمس", "the local  currency fell", "its national currency"],
    ),
    (
        arithmetic._THOUSANDS_OF_YEARS_RE,
        arithmetic._THOUSANDS_OF_YEARS_LITERALS,
        ["منذ آلاف السنين", "قبل الآلاف الأعوام", "thousands of years ago"],
    ),
    (
        arithmetic._MAJORITY_RE,
        arithmetic._MAJORITY_LITERALS,
        ["يعتمد بشكل رئيسي على النفط", "غالبية السكان", "the bulk of exports", "mainly dependent"],
    ),
    (
        arithmetic._HUNDREDS_OF_TONNES_RE,
        arithmetic._HUNDREDS_OF_TONNES_LITERALS,
        ["مئات الأطنان من الذهب", "hundreds of tonnes of gold"],
    ),
    (
        arithmetic._FIRST_THIS_MONTH_RE,
        arithmetic._FIRST_THIS_MONTH_LITERALS,
        ["للمرة الأولى خلال الشهر الجاري", "لأول مرة منذ بداية الأسبوع الحالي"],
    ),
    (
        arithmetic._PARTS_CUE_RE,
        arithmetic._PARTS_CUE_LITERALS,
        ["200 حالة، منها 150", "من بينهم 30 طفلا", "40 cases, of which 12"],
    ),
]


def _field(text: str) -> _Field:
    return _Field("body", normalize_with_offsets(text), [])


@pytest.mark.parametrize(("pattern", "literals", "sentences"), CASES)
def test_every_match_holds_a_literal(
    pattern: re.Pattern[str], literals: tuple[str, ...], sentences: list[str]
) -> None:
    for sentence in sentences:
        text = normalize_for_matching(sentence)
        matches = list(pattern.finditer(text))
        assert matches, sentence
        for match in matches:
            assert any(literal in match.group() for literal in literals), match.group()
        assert _field(sentence).holds(literals, 0, len(text))


def test_holds_looks_only_inside_the_span() -> None:
    field = _field("غالبية السكان. ثم نص آخر هنا.")
    literals = arithmetic._MAJORITY_LITERALS
    assert field.holds(literals, 0, 8)
    assert not field.holds(literals, 1, len(field.text))
    assert not field.holds(literals, 0, 5)  # the word is cut at the span's end


def test_holds_finds_a_short_literal_after_a_longer_one() -> None:
    field = _field("xx bulkyword which")
    assert field.holds(("bulkyword", "which"), 3, len(field.text))
    assert field.holds(("bulkyword", "which"), 4, len(field.text))
    assert not field.holds(("bulkyword",), 4, len(field.text))


def _sentence_field(text: str) -> _Field:
    normalized = normalize_with_offsets(text)
    field = _Field("body", normalized, [], word_spans=word_spans(normalized.text))
    field.begin_sentence(0, len(normalized.text))
    return field


def test_openers_are_the_first_words_behind_each_prefix() -> None:
    openers = claims._openers(["year-old", "of the total", "area"], ("", "و"))
    assert openers == frozenset({"year", "of", "area", "وyear", "وof", "وarea"})
    assert claims._openers(["-5 points"], ("",)) is None


@pytest.mark.parametrize(
    "sentence",
    ["يبلغ عدد سكان مصر 105 ملايين نسمة", "the population of Egypt is 105 million"],
)
def test_a_sentence_with_a_place_and_a_measure_is_scanned(sentence: str) -> None:
    field = _sentence_field(sentence)
    assert field.may_open(signal._place_openers())
    assert field.hits("population", 0, len(field.text))


def test_a_sentence_without_an_opener_skips_the_scans() -> None:
    field = _sentence_field("ارتفع المؤشر 3 نقاط اليوم")
    assert not field.may_open(signal._place_openers())
    assert not field.may_hold("population")
    assert field.hits("population", 0, len(field.text)) == []


def test_a_sentence_ending_inside_a_word_is_always_scanned() -> None:
    normalized = normalize_with_offsets("سكان مصرية")
    field = _Field("body", normalized, [], word_spans=word_spans(normalized.text))
    field.begin_sentence(0, len("سكان مصر"))  # the search would read "مصر" as a word
    assert field.may_open(signal._place_openers())
    assert field.may_open(frozenset({"كلمة"}))


def test_a_scan_begins_at_the_first_word_that_may_open_a_match() -> None:
    field = _sentence_field("قال الوزير أمس إن عدد سكان مصر بلغ 105 ملايين نسمة")
    place_from = field.scan_start(signal._place_openers())
    assert place_from == field.text.index("مصر")
    assert field.scan_start(claims._phrase_openers("population")) == field.text.index("عدد")
    assert field.hits("population", 0, len(field.text))
    assert field.scan_start(frozenset({"كلمة"})) is None
    assert field.scan_start(None) == 0


def test_places_are_read_only_where_a_check_of_places_can_fire() -> None:
    plain = _sentence_field("افتتحت الشركة في مصر 12 مصنعا")
    numbers = claims._make_field("body", plain.normalized).numbers
    assert [number.mention.value for number in numbers] == [12.0]
    assert not signal._reads_places(plain, numbers)
    for sentence in (
        "يبلغ عدد سكان مصر 105 ملايين نسمة",
        "مساحة مصر أربعة أضعاف مساحة السعودية",
        "المسافة بين القاهرة والرياض 1600 كيلومتر",
    ):
        field = _sentence_field(sentence)
        numbers = claims._make_field("body", field.normalized).numbers
        assert numbers
        assert signal._reads_places(field, numbers)


def test_matches_at_the_opening_words_are_the_matches_of_a_search() -> None:
    rng = random.Random(3)
    pegs = money._pegs()
    name_openers, country_openers = money._peg_openers()
    patterns = [
        (claims._phrases(name), claims._phrase_openers(name))
        for name in ("population", "area", "projection", "attribution")
    ]
    patterns += [(pegs[1], name_openers), (pegs[3], country_openers)]
    vocabulary = ["عدد", "سكان", "وسكان", "مساحة", "ريال", "بالريال", "dinars", "السعودية"]
    vocabulary += ["للسعودية", "قطر", "population", "area", "expected", "said", "مصر", "_عدد"]
    vocabulary += ["يتوقع", "قال", "توقعات", "sources", "12", "x"]
    for _ in range(400):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(1, 14))]
        glue = [rng.choice([" ", "  ", "، ", "-", "_", "."]) for _ in words]
        text = "".join(word + separator for word, separator in zip(words, glue, strict=True))
        field = _sentence_field(text)
        size = len(field.text)
        start = rng.randint(0, size)
        end = rng.randint(start, size)
        for pattern, openers in patterns:
            expected = [match.span() for match in pattern.finditer(field.text, start, end)]
            found = [match.span() for match in field.opened_matches(pattern, openers, start, end)]
            assert found == expected
