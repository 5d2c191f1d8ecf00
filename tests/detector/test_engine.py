import json
from pathlib import Path

import pytest

from mizan.detector import DetectorEngine
from mizan.detector.errors import InvalidArticleError, SignalNotFoundError
from mizan.detector.signals import DEFAULT_SIGNALS, registry

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def engine() -> DetectorEngine:
    return DetectorEngine.from_settings()


def _example(name: str) -> dict[str, str]:
    path = EXAMPLES / name
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    return {"body": path.read_text(encoding="utf-8")}


def _signal(report, name):  # type: ignore[no-untyped-def]
    return next(signal for signal in report.signals if signal.name == name)


def test_all_signal_families_are_registered() -> None:
    assert set(DEFAULT_SIGNALS) == {"experts", "statistics", "beat", "templating", "style"}


def test_unknown_signal_is_a_clear_error() -> None:
    with pytest.raises(SignalNotFoundError, match="no signal named 'nope'"):
        registry.get("nope")


def test_feature_names_are_prefixed_and_unique(engine: DetectorEngine) -> None:
    names = engine.feature_names
    assert len(names) == len(set(names))
    for name in names:
        assert name.split(".")[0] in DEFAULT_SIGNALS, name


@pytest.mark.parametrize(
    ("farm", "wire"), [("farm_ar.txt", "wire_ar.txt"), ("farm_en.json", "wire_en.json")]
)
def test_clean_article_scores_higher_than_content_farm(
    engine: DetectorEngine, farm: str, wire: str
) -> None:
    farm_report = engine.score(_example(farm))
    wire_report = engine.score(_example(wire))
    assert wire_report.reliability > farm_report.reliability
    assert farm_report.verdict in ("unreliable", "review")
    assert wire_report.verdict != "unreliable"


def test_farm_ar_evidence_names_what_it_should(engine: DetectorEngine) -> None:
    article = _example("farm_ar.txt")
    body = article["body"]
    report = engine.score(article)
    for signal in report.signals:
        for item in signal.evidence:
            source = body if item.field == "body" else None
            if source is not None:
                assert source[item.start : item.end] == item.text
    experts = " | ".join(item.text for item in _signal(report, "experts").evidence)
    assert "سامي العتيبي" in experts
    assert "خالد منصور" in experts
    assert "مصادر مطلعة" in experts
    statistics = " | ".join(item.text for item in _signal(report, "statistics").evidence)
    assert "أربعة أضعاف" in statistics
    assert "400 مليون" in statistics
    beat = _signal(report, "beat")
    assert beat.score >= 0.5
    assert any("رياضي" in item.text for item in beat.evidence)
    templating = " | ".join(item.text for item in _signal(report, "templating").evidence)
    assert "أسرار القوة الإقليمية بين مصر والسعودية" in templating


def test_wire_ar_fires_nothing_strongly(engine: DetectorEngine) -> None:
    report = engine.score(_example("wire_ar.txt"))
    for signal in report.signals:
        assert signal.score < 0.5, (signal.name, signal.score, signal.evidence)


def test_report_json_shape(engine: DetectorEngine) -> None:
    data = engine.score({**_example("farm_en.json")}).to_dict()
    assert set(data) >= {
        "id",
        "reliability",
        "verdict",
        "thresholds",
        "signals",
        "top_features",
        "language",
        "model",
    }
    assert data["id"] == "example-farm-en"
    assert data["language"] == "en"
    assert 0.0 <= data["reliability"] <= 1.0
    json.dumps(data, ensure_ascii=False)


def test_same_input_same_report(engine: DetectorEngine) -> None:
    article = _example("farm_ar.txt")
    assert engine.score(article).to_dict() == engine.score(article).to_dict()


def test_explain_false_drops_evidence(engine: DetectorEngine) -> None:
    report = engine.score(_example("farm_ar.txt"), explain=False)
    assert all(not signal.evidence for signal in report.signals)
    assert report.top_features == ()


def test_html_report_carries_extracted_body(engine: DetectorEngine) -> None:
    report = engine.score({"html": (EXAMPLES / "article_ar.html").read_text(encoding="utf-8")})
    assert report.extracted_body and "وزير المالية" in report.extracted_body
    for signal in report.signals:
        for item in signal.evidence:
            if item.field == "body":
                assert report.extracted_body[item.start : item.end] == item.text


def test_score_many_keeps_order(engine: DetectorEngine) -> None:
    articles = [_example("wire_en.json"), _example("farm_en.json")]
    ids = [report.id for report in engine.score_many(articles)]
    assert ids == ["example-wire-en", "example-farm-en"]


@pytest.mark.parametrize("article", [{"body": ""}, {"title": "x"}, {"body": "x", "unknown": 1}, 42])
def test_bad_input_raises_clear_errors(engine: DetectorEngine, article: object) -> None:
    with pytest.raises((InvalidArticleError, ValueError)):
        engine.score(article)  # type: ignore[arg-type]
