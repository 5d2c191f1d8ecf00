"""Scoring models: the transparent ``rules-v0`` rule and verified, trained model bundles.

A model turns the flat feature vector (and the document, for text models) into a calibrated
reliability in 0..1 plus per-feature contributions in log-odds that sum, with the intercept,
to the model's logit, so an editor sees why.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from mizan.detector.errors import ModelBundleError, SignalNotFoundError
from mizan.detector.pickles import load_joblib
from mizan.detector.report_shape import ContributionOut, ThresholdsOut, part_data
from mizan.detector.signals import registry

if TYPE_CHECKING:
    from mizan.detector.article import Document


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

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape used in reports: the fields of :class:`ThresholdsOut`."""
        return part_data(ThresholdsOut, self)


@dataclass(frozen=True)
class Contribution:
    """One feature's value and its signed contribution to the reliability logit."""

    name: str
    value: float
    contribution: float

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape used in reports: the fields of :class:`ContributionOut`."""
        return part_data(ContributionOut, self)


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


RETRAIN_HINT = "; retrain the bundle with `make train` (or `mizan train`)"
"""How to rebuild the main bundle, appended to the refusals a retrained bundle fixes."""

LIBRARIES_NEEDED_TO_LOAD: tuple[str, ...] = ("python", "numpy", "joblib")
"""Libraries whose major version must match the bundle's: ``model.joblib`` is a pickle of
numpy arrays in joblib's array wrapper, and a pickle written by another major version of
Python, numpy (numpy 2 pickles name ``numpy._core``, which numpy 1 lacks) or joblib may not
load, or may load into arrays of another layout."""

LIBRARIES_WARNED: tuple[str, ...] = ("scipy", "scikit-learn", "pandas")
"""Libraries only warned about when their major version differs: none of their objects is in a
bundle. The scoring path calls scipy's sparse products (stable across majors); scikit-learn and
pandas are used only by training, so a scoring-only install may lack them altogether."""


class BundleVersionWarning(UserWarning):
    """A bundle was written with another major version of a library it does not load with."""


def _running_version(library: str) -> str | None:
    """Return the installed version of ``library`` (a distribution name), or ``None``."""
    if library == "python":
        return platform.python_version()
    try:
        return importlib_metadata.version(library)
    except importlib_metadata.PackageNotFoundError:
        return None


def _major(version: str) -> str:
    return version.split(".", 1)[0]


def check_library_versions(
    metadata: Mapping[str, Any], bundle_dir: Path, retrain_hint: str = RETRAIN_HINT
) -> None:
    """Compare the library versions a bundle recorded with the running ones, by major version.

    Reads ``library_versions`` (main bundle) or ``libraries`` (topic bundle). A different major
    version of a library in :data:`LIBRARIES_NEEDED_TO_LOAD` fails; one in
    :data:`LIBRARIES_WARNED` that is installed here gives a :class:`BundleVersionWarning`.

    Raises:
        ModelBundleError: When a library needed to load the bundle has another major version.
    """
    recorded = metadata.get("library_versions", metadata.get("libraries")) or {}
    if not isinstance(recorded, Mapping):
        raise ModelBundleError(f"{bundle_dir / 'metadata.json'} records no library versions")
    for library in (*LIBRARIES_NEEDED_TO_LOAD, *LIBRARIES_WARNED):
        written = recorded.get(library)
        running = _running_version(library)
        if written is None or running is None or _major(str(written)) == _major(running):
            continue
        message = (
            f"bundle {bundle_dir} was written with {library} {written}, "
            f"this environment has {library} {running}"
        )
        if library in LIBRARIES_NEEDED_TO_LOAD:
            raise ModelBundleError(
                f"{message}; its model.joblib needs the same major version to load{retrain_hint}"
            )
        warnings.warn(
            f"{message}; the bundle does not load with {library}, so it is used as it is",
            BundleVersionWarning,
            stacklevel=3,
        )


def check_signal_versions(
    metadata: Mapping[str, Any], bundle_dir: Path, retrain_hint: str = RETRAIN_HINT
) -> None:
    """Check that every signal the bundle records runs here with the version it was trained on.

    A changed signal (its ``version`` bumped) computes other feature values than the bundle
    learned from, so the bundle is stale even when the feature names are the same. A bundle that
    records no ``signals`` (the topic bundle reads no signal) passes.

    Raises:
        ModelBundleError: Naming the first signal whose recorded version differs from the
            running one, or that this code does not register.
    """
    recorded = metadata.get("signals") or []
    if not isinstance(recorded, list):
        raise ModelBundleError(f"{bundle_dir / 'metadata.json'} has a malformed signals list")
    for entry in recorded:
        name = str(entry.get("name")) if isinstance(entry, Mapping) else str(entry)
        written = str(entry.get("version")) if isinstance(entry, Mapping) else "unknown"
        try:
            running = registry.get(name).version
        except SignalNotFoundError:
            raise ModelBundleError(
                f"bundle {bundle_dir} was trained with signal {name!r} version {written}, "
                f"which this code does not have{retrain_hint}"
            ) from None
        if str(running) != written:
            raise ModelBundleError(
                f"bundle {bundle_dir} was trained with signal {name!r} version {written}, "
                f"this code runs {name!r} version {running}: the bundle is stale"
                f"{retrain_hint}"
            )


def read_bundle_metadata(bundle_dir: Path, retrain_hint: str = RETRAIN_HINT) -> dict[str, Any]:
    """Read and check a bundle folder's ``metadata.json`` against its files and this code.

    Every bundle (the main one and the topic one) is read through here. The checks: both files
    are there, the sha256 of ``model.joblib`` is the one recorded, the signal versions recorded
    are those that run here (:func:`check_signal_versions`) and the libraries have the major
    versions the bundle needs (:func:`check_library_versions`).

    Args:
        bundle_dir: The bundle folder.
        retrain_hint: Appended to the refusals that a retrained bundle fixes.

    Raises:
        ModelBundleError: When a file is missing, the metadata is unreadable, the sha256
            of ``model.joblib`` differs from the one recorded, or a signal or library version
            check fails.
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
    check_signal_versions(metadata, bundle_dir, retrain_hint)
    check_library_versions(metadata, bundle_dir, retrain_hint)
    return metadata


def load_verified_joblib(
    bundle_dir: Path, retrain_hint: str = RETRAIN_HINT
) -> tuple[Any, dict[str, Any]]:
    """Load a bundle's ``model.joblib`` after :func:`read_bundle_metadata` passed; the one loader.

    Returns the unpickled object and the metadata. Both bundles (main and topics) load here.
    """
    metadata = read_bundle_metadata(bundle_dir, retrain_hint)
    try:
        obj = load_joblib(bundle_dir / "model.joblib")
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
            "`make train` (or `mizan train`) or use a matching bundle"
        )
    if not hasattr(model, "predict") or not hasattr(model, "thresholds"):
        raise ModelBundleError(f"{bundle_dir / 'model.joblib'} does not hold a Mizan scoring model")
    scoring_model: ScoringModel = model
    return scoring_model
