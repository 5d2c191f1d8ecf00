"""Bundles pickled under the old top-level ``detector`` package still load."""

import pickle
import sys
from pathlib import Path

import joblib

from mizan.detector.model import Contribution, Thresholds
from mizan.detector.pickles import load_joblib


def _legacy_pickle(obj: object, path: Path) -> None:
    """Write ``obj`` as a bundle written before the ``mizan`` namespace would have it."""
    data = pickle.dumps(obj, protocol=0)  # text opcodes: class names are plain lines
    assert b"mizan.detector.model" in data
    path.write_bytes(data.replace(b"mizan.detector.model", b"detector.model"))


def test_a_bundle_with_detector_names_loads_as_the_library_classes(tmp_path: Path) -> None:
    path = tmp_path / "model.joblib"
    original = [Thresholds(0.31, 0.72), Contribution("statistics.score", 0.5, -0.25)]
    _legacy_pickle(original, path)
    assert b"mizan" not in path.read_bytes()

    loaded = load_joblib(path)

    assert loaded == original
    assert type(loaded[0]) is Thresholds
    assert not any(name == "detector" or name.startswith("detector.") for name in sys.modules)


def test_the_shipped_bundle_loads_without_the_old_names() -> None:
    models = Path(__file__).resolve().parents[2] / "models"
    bundle = models / (models / "DEFAULT").read_text(encoding="utf-8").strip()
    assert not any(name == "detector" or name.startswith("detector.") for name in sys.modules)

    model = joblib.load(bundle / "model.joblib")  # plain load: no old name to resolve

    assert type(model).__module__ == "mizan.detector.trained"
