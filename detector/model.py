"""Scoring models: the transparent ``rules-v0`` rule and verified, trained model bundles.

A model turns the flat feature vector (and the document, for text models) into a calibrated
reliability in 0..1 plus per-feature contributions in log-odds that sum, with the intercept,
to the model's logit, so an editor sees why.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from detector.errors import ModelBundleError

if TYPE_CHECKING:
    from detector.article import Document


@dataclass(frozen=True)
class Thresholds:
    """Verdict thresholds: unreliable below one value, reliable above the other."""

    unreliable_below: float = 0.35
    reliable_above: float = 0.7

    def verdict(self, reliability: float) -> str:
        """Return ``"unreliable"``, ``"review"`` or ``"reliable"`` for a score."""
        if reliability < self.unreliable_below:
            return "unreliable"
        if reliability > self.reliable_above:
            return "reliable"
        return "review"

    def to_dict(self) -> dict[str, float]:
        """Return the JSON shape used in reports."""
        return {"unreliable_below": self.unreliable_below, "reliable_above": self.reliable_above}


@dataclass(frozen=True)
class Contribution:
    """One feature's value and its signed contribution to the reliability logit."""

    name: str
    value: float
    contribution: float

    def to_dict(self) -> dict[str, float | str]:
        """Return the JSON shape used in reports."""
        return {
            "name": self.name,
            "value": round(self.value, 6),
            "contribution": round(self.contribution, 6),
        }


@dataclass(frozen=True)
class Prediction:
    """A model's output for one document."""

    reliability: float
    intercept: float = 0.0
    contributions: Sequence[Contribution] = field(default_factory=tuple)
    ai_generated: float | None = None
    credibility: float | None = None


class ScoringModel(Protocol):
    """What the engine needs from a model."""

    name: str
    version: str
    feature_names: tuple[str, ...]
    thresholds: Thresholds

    def predict(self, features: Mapping[str, float], doc: Document) -> Prediction:
        """Score one document from its features (and text, for text models)."""
        ...


def sigmoid(value: float) -> float:
    """Logistic function, safe for large magnitudes."""
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


class RulesModel:
    """``rules-v0``: a fixed logistic rule over the signal scores, used until a bundle is trained.

    ``logit(reliability) = 2.5 - sum(weight[s] * score[s])`` with weights experts 3.0,
    statistics 3.0, beat 2.5, templating 3.0, style 1.0. A clean article scores about 0.92;
    one signal firing fully drops it to about 0.38 (review); two make it unreliable.
    """

    name = "rules-v0"
    version = "0"
    intercept = 2.5
    weights: Mapping[str, float] = {
        "experts": 3.0,
        "statistics": 3.0,
        "beat": 2.5,
        "templating": 3.0,
        "style": 1.0,
    }

    def __init__(self, feature_names: Sequence[str] = (), thresholds: Thresholds | None = None):
        self.feature_names = tuple(feature_names)
        self.thresholds = thresholds or Thresholds()

    def predict(self, features: Mapping[str, float], doc: Document) -> Prediction:
        """Combine the ``<signal>.score`` features with the fixed weights."""
        contributions = []
        for signal, weight in self.weights.items():
            value = features.get(f"{signal}.score")
            if value is not None:
                contributions.append(Contribution(f"{signal}.score", value, -weight * value))
        logit = self.intercept + sum(item.contribution for item in contributions)
        return Prediction(sigmoid(logit), self.intercept, tuple(contributions))


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_bundle_metadata(bundle_dir: Path, retrain_hint: str = "") -> dict[str, Any]:
    """Read and check ``metadata.json`` and the sha256 of ``model.joblib`` in a bundle folder.

    Args:
        bundle_dir: The bundle folder.
        retrain_hint: Appended to the refusals that a retrained bundle fixes.

    Raises:
        ModelBundleError: When a file is missing, the metadata is unreadable or the sha256
            of ``model.joblib`` differs from the one recorded.
    """
    metadata_path = bundle_dir / "metadata.json"
    model_path = bundle_dir / "model.joblib"
    if not metadata_path.is_file() or not model_path.is_file():
        raise ModelBundleError(
            f"{bundle_dir} is not a model bundle: it needs model.joblib and metadata.json"
            f"{retrain_hint}"
        )
    try:
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ModelBundleError(f"{metadata_path} is not valid JSON: {error}") from error
    except (OSError, ValueError) as error:
        raise ModelBundleError(f"cannot read {metadata_path}: {error}") from error
    if not isinstance(metadata, dict):
        raise ModelBundleError(f"{metadata_path} does not hold a JSON object")
    expected = metadata.get("sha256")
    actual = sha256_file(model_path)
    if expected != actual:
        raise ModelBundleError(
            f"{model_path} does not match the sha256 in metadata.json "
            f"(expected {expected}, found {actual}): the file was modified or corrupted; "
            f"refusing to load a changed bundle{retrain_hint}"
        )
    return metadata


def load_verified_joblib(bundle_dir: Path) -> tuple[Any, dict[str, Any]]:
    """Load ``model.joblib`` from a bundle only after its sha256 matched ``metadata.json``."""
    import joblib

    metadata = read_bundle_metadata(bundle_dir)
    try:
        obj = joblib.load(bundle_dir / "model.joblib")
    except Exception as error:  # noqa: BLE001 - any unpickling failure means a broken bundle
        raise ModelBundleError(f"could not load {bundle_dir / 'model.joblib'}: {error}") from error
    return obj, metadata


def default_bundle_dir(models_root: Path, family: str = "mizan-default") -> Path | None:
    """Return the bundle folder that ``models/DEFAULT`` names, or the newest one of ``family``."""
    pointer = models_root / "DEFAULT"
    if pointer.is_file():
        named = models_root / pointer.read_text(encoding="utf-8").strip()
        if named.is_dir():
            return named
        raise ModelBundleError(f"{pointer} names {named}, which does not exist")
    family_dir = models_root / family
    if not family_dir.is_dir():
        return None
    versions = sorted(p for p in family_dir.iterdir() if (p / "metadata.json").is_file())
    return versions[-1] if versions else None


def load_model(bundle_dir: Path, feature_names: Sequence[str]) -> ScoringModel:
    """Load a trained bundle and check that it was built for exactly these feature names."""
    model, metadata = load_verified_joblib(bundle_dir)
    expected = tuple(metadata.get("feature_names", ()))
    if expected != tuple(feature_names):
        missing = sorted(set(expected) - set(feature_names))
        unexpected = sorted(set(feature_names) - set(expected))
        raise ModelBundleError(
            f"bundle {bundle_dir} was trained on other features than this code extracts "
            f"(in bundle only: {missing[:8]}; in code only: {unexpected[:8]}); retrain with "
            "`mizan train` or use a matching bundle"
        )
    if not hasattr(model, "predict") or not hasattr(model, "thresholds"):
        raise ModelBundleError(f"{bundle_dir / 'model.joblib'} does not hold a Mizan scoring model")
    scoring_model: ScoringModel = model
    return scoring_model
