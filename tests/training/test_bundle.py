"""The committed default bundle: verified loading, explanations, end-to-end scores."""

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from mizan.detector.engine import DetectorEngine
from mizan.detector.errors import ModelBundleError
from mizan.detector.model import default_bundle_dir, load_model, read_bundle_metadata, sha256_file
from mizan.detector.settings import REPO_ROOT, Settings
from mizan.detector.trained import TrainedModel, model_text

EXAMPLES = REPO_ROOT / "examples"
BUNDLE = default_bundle_dir(REPO_ROOT / "models")


@pytest.fixture(scope="module")
def engine() -> DetectorEngine:
    return DetectorEngine.from_settings(Settings())


def _copy_bundle(tmp_path: Path) -> Path:
    assert BUNDLE is not None, "models/DEFAULT names no bundle"
    target = tmp_path / "bundle"
    shutil.copytree(BUNDLE, target)
    return target


def _article(name: str) -> dict[str, str] | str:
    path = EXAMPLES / name
    if path.suffix == ".json":
        data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        return data
    return path.read_text(encoding="utf-8")


def test_default_pointer_names_a_verified_bundle_of_the_current_features() -> None:
    assert BUNDLE is not None
    pointer = (REPO_ROOT / "models" / "DEFAULT").read_text(encoding="utf-8").strip()
    assert BUNDLE == REPO_ROOT / "models" / pointer
    metadata = read_bundle_metadata(BUNDLE)
    assert metadata["feature_names"] == list(DetectorEngine().feature_names)
    assert metadata["sha256"] == sha256_file(BUNDLE / "model.joblib")
    assert (BUNDLE / "model.joblib").stat().st_size <= 25 * 1024 * 1024
    assert (BUNDLE / "MODEL_CARD.md").is_file()
    for corpus in metadata["corpora"]:
        assert corpus["licence"] and corpus["folder_sha256"] and corpus["rows"]["train"] > 0


def test_engine_from_settings_uses_the_trained_bundle(engine: DetectorEngine) -> None:
    assert isinstance(engine.model, TrainedModel)
    assert engine.model.name == "mizan-default"
    metadata = read_bundle_metadata(BUNDLE)  # type: ignore[arg-type]
    assert engine.thresholds.to_dict() == metadata["thresholds"]
    assert engine.thresholds.unreliable_below < engine.thresholds.reliable_above


def test_changed_model_file_is_refused(tmp_path: Path) -> None:
    bundle = _copy_bundle(tmp_path)
    with (bundle / "model.joblib").open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelBundleError, match="sha256"):
        load_model(bundle, DetectorEngine().feature_names)


def test_changed_feature_list_in_metadata_is_refused(tmp_path: Path) -> None:
    bundle = _copy_bundle(tmp_path)
    metadata_path = bundle / "metadata.json"
    metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    metadata["feature_names"] = metadata["feature_names"][:-1] + ["experts.renamed_feature"]
    metadata_path.write_text(json.dumps(metadata), encoding="utf-8")
    with pytest.raises(ModelBundleError, match="other features"):
        load_model(bundle, DetectorEngine().feature_names)


def test_code_with_other_features_is_refused() -> None:
    assert BUNDLE is not None
    with pytest.raises(ModelBundleError, match="experts.unsourced_expert_count"):
        load_model(
            BUNDLE, [n for n in DetectorEngine().feature_names if "unsourced_expert" not in n]
        )


def test_bundle_without_model_file_is_refused(tmp_path: Path) -> None:
    bundle = _copy_bundle(tmp_path)
    (bundle / "model.joblib").unlink()
    with pytest.raises(ModelBundleError, match="needs model.joblib"):
        load_model(bundle, DetectorEngine().feature_names)


@pytest.mark.parametrize(
    ("farm", "wire"),
    [("farm_ar.txt", "wire_ar.txt"), ("farm_en.json", "wire_en.json")],
)
def test_content_farm_example_scores_below_wire_copy(
    engine: DetectorEngine, farm: str, wire: str
) -> None:
    farm_report = engine.score(_article(farm))
    wire_report = engine.score(_article(wire))
    assert farm_report.reliability < wire_report.reliability - 0.2
    assert farm_report.verdict != "reliable"
    assert wire_report.verdict != "unreliable"
    for report in (farm_report, wire_report):
        assert report.model_name == "mizan-default"
        assert report.ai_generated is not None and 0.0 <= report.ai_generated <= 1.0
        assert report.credibility is not None and 0.0 <= report.credibility <= 1.0
        assert report.top_features


@pytest.mark.parametrize(
    "name", ["farm_ar.txt", "wire_ar.txt", "farm_en.json", "wire_en.json", "article_ar.html"]
)
def test_contributions_sum_with_intercept_to_the_reliability_logit(
    engine: DetectorEngine, name: str
) -> None:
    article = _article(name)
    if name.endswith(".html"):
        article = {"html": str(article)}
    doc = engine.parse(article)
    _results, features = engine.extract(doc)
    prediction = engine.model.predict(features, doc)
    logit = prediction.intercept + sum(item.contribution for item in prediction.contributions)
    assert math.isclose(1.0 / (1.0 + math.exp(-logit)), prediction.reliability, rel_tol=1e-9)
    names = [item.name for item in prediction.contributions]
    assert "ai_generated" in names and "credibility" in names
    shown = {item.name: item.value for item in prediction.contributions}
    assert math.isclose(shown["ai_generated"], prediction.ai_generated or 0.0, rel_tol=1e-9)
    assert math.isclose(shown["credibility"], prediction.credibility or 0.0, rel_tol=1e-9)


def test_batch_scoring_matches_single_article_scoring(engine: DetectorEngine) -> None:
    model = engine.model
    assert isinstance(model, TrainedModel)
    docs = [
        engine.parse(_article(name))
        for name in ("farm_ar.txt", "wire_ar.txt", "farm_en.json", "wire_en.json")
    ]
    rows = [engine.extract(doc)[1] for doc in docs]
    logits = model.score_arrays(
        model.feature_matrix(rows),
        model.vectorizer.transform([model_text(doc) for doc in docs]),
        np.array([1.0 if doc.language == "ar" else 0.0 for doc in docs]),
    )
    for index, (doc, row) in enumerate(zip(docs, rows, strict=True)):
        prediction = model.predict(row, doc)
        assert math.isclose(
            prediction.reliability,
            1.0 / (1.0 + math.exp(logits["unreliable"][index])),
            rel_tol=1e-9,
        )
        assert math.isclose(
            prediction.ai_generated or 0.0,
            1.0 / (1.0 + math.exp(-logits["ai_generated"][index])),
            rel_tol=1e-9,
        )


def test_diacritics_do_not_change_the_text_score(engine: DetectorEngine) -> None:
    model = engine.model
    assert isinstance(model, TrainedModel)
    plain = "وقال وزير المالية إن الإيرادات ارتفعت بنسبة ثمانية في المئة خلال الربع الثالث"
    marked = "وَقَالَ وَزِيرُ المَالِيَّةِ إِنَّ الإِيرَادَاتِ ارْتَفَعَتْ بِنِسْبَةِ ثَمَانِيَةٍ فِي المِئَةِ خِلَالَ الرُّبْعِ الثَّالِثِ"
    plain_buckets, plain_weights = model.vectorizer.vector(plain)
    marked_buckets, marked_weights = model.vectorizer.vector(marked)
    assert np.array_equal(plain_buckets, marked_buckets)
    assert np.allclose(plain_weights, marked_weights)
