"""Both bundles check the signal and library versions their metadata.json records."""

import json
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mizan.detector import model as model_module
from mizan.detector.engine import DetectorEngine
from mizan.detector.errors import ModelBundleError
from mizan.detector.model import BundleVersionWarning, default_bundle_dir, load_model
from mizan.detector.settings import REPO_ROOT
from mizan.detector.signals import registry
from mizan.detector.topics import TopicClassifier, newest_bundle

MAIN_BUNDLE = default_bundle_dir(REPO_ROOT / "models")
TOPIC_BUNDLE = newest_bundle(REPO_ROOT / "models" / "topics")
FEATURES = DetectorEngine().feature_names


def _edited_copy(
    source: Path | None, tmp_path: Path, edit: Callable[[dict[str, Any]], None]
) -> Path:
    assert source is not None, "models/DEFAULT names no bundle"
    target = tmp_path / source.name
    shutil.copytree(source, target)
    path = target / "metadata.json"
    metadata = json.loads(path.read_text(encoding="utf-8"))
    edit(metadata)
    path.write_text(json.dumps(metadata), encoding="utf-8")
    return target


def _other_major(version: str) -> str:
    major, _, rest = version.partition(".")
    return f"{int(major) + 1}.{rest or '0'}"


def test_committed_bundles_load_without_a_version_warning() -> None:
    assert MAIN_BUNDLE is not None
    with warnings.catch_warnings():
        warnings.simplefilter("error", BundleVersionWarning)
        model = load_model(MAIN_BUNDLE, FEATURES)
        topics = TopicClassifier.load(TOPIC_BUNDLE)
    assert model.name == "mizan-default"
    assert topics.version == TOPIC_BUNDLE.name


def test_main_bundle_records_the_running_signal_versions() -> None:
    assert MAIN_BUNDLE is not None
    metadata = json.loads((MAIN_BUNDLE / "metadata.json").read_text(encoding="utf-8"))
    recorded = {entry["name"]: entry["version"] for entry in metadata["signals"]}
    assert recorded == {name: registry.get(name).version for name in registry.names()}


def test_changed_signal_version_names_the_signal_and_how_to_retrain(tmp_path: Path) -> None:
    running = registry.get("templating").version

    def bump(metadata: dict[str, Any]) -> None:
        for entry in metadata["signals"]:
            if entry["name"] == "templating":
                entry["version"] = f"{running}-old"

    bundle = _edited_copy(MAIN_BUNDLE, tmp_path, bump)
    with pytest.raises(ModelBundleError) as caught:
        load_model(bundle, FEATURES)
    message = str(caught.value)
    assert f"signal 'templating' version {running}-old" in message
    assert f"this code runs 'templating' version {running}" in message
    assert "make train" in message
    assert "experts" not in message


def test_signal_this_code_lacks_is_refused(tmp_path: Path) -> None:
    def add(metadata: dict[str, Any]) -> None:
        metadata["signals"].append({"name": "retired_signal", "version": "3"})

    bundle = _edited_copy(MAIN_BUNDLE, tmp_path, add)
    with pytest.raises(ModelBundleError, match="'retired_signal' version 3, which this code"):
        load_model(bundle, FEATURES)


@pytest.mark.parametrize("library", ["numpy", "joblib"])
def test_main_bundle_from_another_major_of_a_loading_library_is_refused(
    tmp_path: Path, library: str
) -> None:
    def change(metadata: dict[str, Any]) -> None:
        metadata["library_versions"][library] = _other_major(metadata["library_versions"][library])

    bundle = _edited_copy(MAIN_BUNDLE, tmp_path, change)
    with pytest.raises(ModelBundleError, match=f"written with {library} .*needs the same major"):
        load_model(bundle, FEATURES)


def test_topic_bundle_from_another_numpy_major_is_refused(tmp_path: Path) -> None:
    def change(metadata: dict[str, Any]) -> None:
        metadata["libraries"]["numpy"] = _other_major(np.__version__)

    bundle = _edited_copy(TOPIC_BUNDLE, tmp_path, change)
    with pytest.raises(ModelBundleError, match=r"numpy .*python -m mizan\.training\.topics"):
        TopicClassifier.load(bundle)


def test_training_only_library_of_another_major_only_warns(tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason="the warning is given only where scikit-learn runs")

    def change(metadata: dict[str, Any]) -> None:
        recorded = metadata["library_versions"]["scikit-learn"]
        metadata["library_versions"]["scikit-learn"] = _other_major(recorded)

    bundle = _edited_copy(MAIN_BUNDLE, tmp_path, change)
    with pytest.warns(BundleVersionWarning, match="scikit-learn"):
        model = load_model(bundle, FEATURES)
    assert model.name == "mizan-default"


def test_training_library_missing_here_is_not_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def change(metadata: dict[str, Any]) -> None:
        recorded = metadata["library_versions"]["scikit-learn"]
        metadata["library_versions"]["scikit-learn"] = _other_major(recorded)

    bundle = _edited_copy(MAIN_BUNDLE, tmp_path, change)
    installed = model_module._running_version
    monkeypatch.setattr(
        model_module,
        "_running_version",
        lambda library: None if library == "scikit-learn" else installed(library),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", BundleVersionWarning)
        assert load_model(bundle, FEATURES).name == "mizan-default"
