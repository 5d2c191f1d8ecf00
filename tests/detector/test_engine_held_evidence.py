"""The engine's post-pass over held evidence: shown only where another signal found something."""

from __future__ import annotations

import pickle

import pytest

from mizan.detector.engine import DetectorEngine, HoldsEvidence, settle_held_evidence
from mizan.detector.signals.base import Evidence, SignalResult
from mizan.detector.signals.templating.signal import HeldEvidenceResult

HELD = Evidence(0, 5, "عنوان", "line printed again as its own line on a page with another finding")


def _held(name: str = "templating") -> HeldEvidenceResult:
    return HeldEvidenceResult(name, "1", 0.1, {f"{name}.x": 1.0}, (), held=lambda: [HELD])


def _other(weight: float) -> SignalResult:
    finding = Evidence(10, 20, "تقارير صحفية", "unnamed reports", weight=weight)
    return SignalResult("experts", "1", 0.5, {"experts.x": 1.0}, (finding,))


def test_held_evidence_is_released_by_a_full_weight_finding_of_another_signal() -> None:
    held, other = settle_held_evidence([_held(), _other(1.0)])
    assert type(held) is SignalResult
    assert list(held.evidence) == [HELD]
    assert held.features == {"templating.x": 1.0} and held.score == 0.1
    assert other.evidence[0].text == "تقارير صحفية"


@pytest.mark.parametrize("weight", [0.5, 0.12])
def test_a_mild_indication_does_not_release_it(weight: float) -> None:
    held, _ = settle_held_evidence([_held(), _other(weight)])
    assert type(held) is SignalResult
    assert list(held.evidence) == []


def test_held_evidence_never_corroborates_other_held_evidence() -> None:
    first, second = settle_held_evidence([_held("templating"), _held("layout")])
    assert first.evidence == () and second.evidence == ()


def test_without_explain_held_evidence_is_not_computed() -> None:
    def refuse() -> list[Evidence]:
        raise AssertionError("held evidence computed although it is not shown")

    result = HeldEvidenceResult("templating", "1", 0.0, {}, (), held=refuse)
    assert isinstance(result, HoldsEvidence)
    [settled, _] = settle_held_evidence([result, _other(1.0)], explain=False)
    assert settled.evidence == ()


def test_engine_results_are_plain_and_picklable() -> None:
    engine = DetectorEngine()
    headline = "الحكومة تعلن خطة جديدة لدعم صغار المزارعين في الجنوب"
    body = "\n\n".join(
        [
            headline,
            headline,
            "ووفقا لتقارير صحفية، تبدأ الخطة مطلع الموسم المقبل وتشمل قروضا ميسرة للمزارعين.",
            "وقال وزير الزراعة في مؤتمر صحفي إن الوزارة ستعلن شروط التقديم خلال أسبوعين.",
        ]
    )
    results, _features = engine.extract(engine.parse(body))
    assert all(type(result) is SignalResult for result in results)
    templating = next(result for result in results if result.name == "templating")
    assert any("printed again" in item.reason for item in templating.evidence)
    assert pickle.loads(pickle.dumps(results)) == results
    quiet = engine.score(body, explain=False)
    assert all(not result.evidence for result in quiet.signals)
