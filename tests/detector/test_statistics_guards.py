"""Numbers that cannot be compared (zero, overflowing, hundreds of digits) never crash scoring."""

from __future__ import annotations

import json

import pytest

from mizan.detector.engine import DetectorEngine

HUGE = "9" * 400

CASES = [
    "تبلغ مساحة مصر 0 كيلومتر مربع وهي دولة كبيرة في المنطقة العربية كما قال التقرير.",
    "مساحة مصر أصغر من مساحة السعودية 0 مرة كما قال التقرير الرسمي الصادر اليوم.",
    "مساحة مصر أكبر من مساحة السعودية بـ 0 مرات حسب التقرير.",
    f"تبلغ مساحة مصر {HUGE} كيلومتر مربع وهي دولة كبيرة.",
    f"يبلغ عدد سكان مصر {HUGE} نسمة حسب التقديرات.",
    "Egypt's area is 0 square kilometres, the report said on Monday in Cairo.",
    "Egypt is 0 times smaller than Saudi Arabia, the report said on Monday.",
    f"Egypt's population is {HUGE} people, the report said on Monday.",
    "Egypt's area is 1e400 square kilometres and its population 0 people.",
]


@pytest.fixture(scope="module")
def engine() -> DetectorEngine:
    return DetectorEngine.from_settings()


@pytest.mark.parametrize("body", CASES)
def test_unmeasurable_numbers_score_to_finite_json(engine: DetectorEngine, body: str) -> None:
    report = engine.score({"body": body})
    rendered = json.dumps(report.to_dict(include_features=True), allow_nan=False)
    assert 0.0 <= report.reliability <= 1.0
    statistics = next(signal for signal in report.signals if signal.name == "statistics")
    assert all(value == value for value in statistics.features.values())
    assert '"statistics"' in rendered


def test_a_true_ratio_still_checks_after_the_guard(engine: DetectorEngine) -> None:
    report = engine.score({"body": "مساحة مصر تبلغ أربعة أضعاف مساحة السعودية كما قال الخبير."})
    statistics = next(signal for signal in report.signals if signal.name == "statistics")
    assert statistics.evidence, "a false area ratio must still be flagged"
