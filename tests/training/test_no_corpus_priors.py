"""No corpus priors in the score: the language an article is in never moves reliability."""

import pytest

from mizan.detector.engine import DetectorEngine
from mizan.detector.model import default_bundle_dir, read_bundle_metadata
from mizan.detector.settings import REPO_ROOT, Settings

BUNDLE = default_bundle_dir(REPO_ROOT / "models")

# Written for this test: a plain wire-style report, named officials, a ministry statement.
CLEAN_WIRE_EN = {
    "title": "Ministry of Health opens two new clinics in the northern region",
    "body": (
        "The Ministry of Health said on Tuesday it had opened two new primary care clinics "
        "in the northern region, adding about 120 beds to the local network.\n\n"
        "Health Minister Sarah Collins told reporters in the regional capital that the "
        "clinics would serve some 40,000 residents who until now travelled more than an "
        "hour for routine care.\n\n"
        '"These clinics were planned three years ago and were built on schedule," Collins '
        "said, adding that staff had been recruited from the region itself.\n\n"
        "The ministry said in a statement that the project cost 18 million dollars and was "
        "funded from the national budget approved by parliament last year.\n\n"
        "Regional governor David Mensah said local authorities would add a bus route "
        "linking the clinics to nearby towns by the end of the month."
    ),
}


@pytest.fixture(scope="module")
def engine() -> DetectorEngine:
    return DetectorEngine.from_settings(Settings())


def test_no_layer_of_the_bundle_reads_the_language_flag() -> None:
    assert BUNDLE is not None, "models/DEFAULT names no bundle"
    metadata = read_bundle_metadata(BUNDLE)
    inputs = list(metadata["combiner_inputs"])
    assert not [name for name in inputs if name.startswith("language.")]


@pytest.mark.parametrize("name", ["farm_ar.txt", "wire_ar.txt", "farm_en.json", "wire_en.json"])
def test_language_features_contribute_under_a_tenth_of_log_odds(
    engine: DetectorEngine, name: str
) -> None:
    import json

    path = REPO_ROOT / "examples" / name
    article = json.loads(path.read_text("utf-8")) if name.endswith(".json") else path.read_text()
    doc = engine.parse(article)
    _results, features = engine.extract(doc)
    prediction = engine.model.predict(features, doc)
    language = [c for c in prediction.contributions if c.name.startswith("language.")]
    assert all(abs(item.contribution) < 0.1 for item in language)


def test_clean_english_wire_article_is_reliable(engine: DetectorEngine) -> None:
    report = engine.score(CLEAN_WIRE_EN)
    assert report.verdict == "reliable", (report.reliability, report.top_features)
