"""Fractions of a scale and duals read as Arabic and English writers mean them (values checked by hand)."""

from __future__ import annotations

import pytest

from mizan.detector.engine import DetectorEngine
from mizan.detector.numbers import extract_numbers

# (phrase, value): each value worked out by hand.
PHRASES = [
    ("نصف مليون", 500_000),
    ("ربع مليون", 250_000),
    ("ثلث مليون", 1_000_000 / 3),
    ("نصف مليار", 500_000_000),
    ("مليون ونصف", 1_500_000),
    ("مليون وربع", 1_250_000),
    ("مليار ونصف", 1_500_000_000),
    ("ألف ونصف", 1_500),
    ("ثلاثة ملايين ونصف", 3_500_000),
    ("ثلاثة ملايين وربع", 3_250_000),
    ("مليونان ونصف", 2_500_000),
    ("مليونين ونصف", 2_500_000),
    ("3 ملايين ونصف", 3_500_000),
    ("خمسة آلاف ونصف", 5_500),
    ("عشرة ملايين ونصف", 10_500_000),
    ("نحو نصف مليون نسمة", 500_000),
    ("مليونان وألفان", 2_002_000),
    ("مليونين وألفين", 2_002_000),
    ("ملياران ومليونان", 2_002_000_000),
    ("مليون و500 ألف", 1_500_000),
    ("1.5 مليون", 1_500_000),
    ("half a million", 500_000),
    ("1.5 million", 1_500_000),
    ("وصل العدد إلى مليون ونصف زائر", 1_500_000),
]


@pytest.mark.parametrize(("phrase", "value"), PHRASES)
def test_fraction_and_dual_values(phrase: str, value: float) -> None:
    numbers = [mention.value for mention in extract_numbers(phrase) if mention.kind == "number"]
    assert numbers == [pytest.approx(value)]


@pytest.mark.parametrize(
    "phrase",
    ["نصف الطريق", "ربع النهائي", "half of them", "مليونا ونصف"],
)
def test_a_fraction_without_a_scale_is_no_count(phrase: str) -> None:
    assert [mention for mention in extract_numbers(phrase) if mention.kind == "number"] == []


def test_a_fraction_span_covers_the_whole_phrase() -> None:
    text = "زار المعرض مليون ونصف شخص"
    (mention,) = [m for m in extract_numbers(text) if m.kind == "number"]
    assert text[mention.start : mention.end].startswith("مليون ونصف")


@pytest.fixture(scope="module")
def engine() -> DetectorEngine:
    return DetectorEngine.from_settings()


def test_the_same_population_in_words_and_digits_is_no_contradiction(
    engine: DetectorEngine,
) -> None:
    body = (
        "يبلغ عدد سكان البحرين مليون ونصف نسمة بحسب هيئة المعلومات والحكومة الإلكترونية.\n"
        "وأوضحت الهيئة في تقريرها السنوي أن عدد سكان البحرين 1.5 مليون نسمة في نهاية العام."
    )
    report = engine.score({"body": body})
    statistics = next(signal for signal in report.signals if signal.name == "statistics")
    assert not [item for item in statistics.evidence if "1.5" in item.text or "ونصف" in item.text]
