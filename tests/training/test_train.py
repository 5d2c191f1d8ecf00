"""Training: the fitting pieces on small exact cases, and a tiny `mizan train` run."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from mizan.detector.engine import DetectorEngine
from mizan.detector.model import load_model, read_bundle_metadata
from mizan.detector.trained import LogisticLayer, TextHasher, TextVectorizer, TrainedModel
from mizan.service.cli import main
from mizan.training.data import sample_human_news, sample_weights
from mizan.training.layers import calibrate_layer, fit_layer, fit_logistic, prior_only_inputs
from mizan.training.thresholds import choose_thresholds


def _synthetic(rows: int = 2000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    generator = np.random.default_rng(seed)
    values = generator.normal(size=(rows, 3))
    logits = 1.5 * values[:, 0] - 1.0 * values[:, 1] + 0.2
    labels = (generator.random(rows) < 1.0 / (1.0 + np.exp(-logits))).astype(int)
    return values, labels


def test_fit_logistic_matches_scikit_learn_without_bounds() -> None:
    values, labels = _synthetic()
    weights = np.ones(len(labels))
    coef, intercept = fit_logistic(values, labels, weights, 1.0, np.zeros(3, dtype=bool))
    reference = LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000).fit(values, labels)
    assert np.allclose(coef, reference.coef_.ravel(), atol=1e-3)
    assert intercept == pytest.approx(float(reference.intercept_[0]), abs=1e-3)


def test_fit_logistic_keeps_bounded_coefficients_non_negative() -> None:
    values, labels = _synthetic()
    coef, _ = fit_logistic(
        values, labels, np.ones(len(labels)), 1.0, np.array([False, True, False])
    )
    assert coef[1] == pytest.approx(0.0, abs=1e-9)  # the data wants it negative (-1.0)
    assert coef[0] > 1.0


def test_prior_holds_a_coefficient_the_data_cannot_inform() -> None:
    values, labels = _synthetic()
    values[:, 2] = 0.0  # never fires in the data
    coef, _ = fit_logistic(
        values,
        labels,
        np.ones(len(labels)),
        1.0,
        np.zeros(3, dtype=bool),
        prior=np.array([0.0, 0.0, 2.5]),
    )
    assert coef[2] == pytest.approx(2.5)


def test_fit_layer_drops_constant_inputs_unless_they_have_a_prior() -> None:
    values, labels = _synthetic()
    values[:, 2] = 0.0
    names = ["first", "second", "beat.score"]
    weights = np.ones(len(labels))
    plain = fit_layer(names, values, labels, weights, 1.0, {})
    assert plain.input_names == ("first", "second")
    held = fit_layer(
        names, values, labels, weights, 1.0, {"beat.score": "bounded"}, (), {"beat.score": 2.5}
    )
    assert held.input_names == ("first", "second", "beat.score")
    assert held.coef[2] == pytest.approx(2.5)
    assert held.terms(np.array([[0.0, 0.0, 1.0]]))[0, 2] == pytest.approx(2.5)


def test_calibration_is_folded_into_the_layer_weights() -> None:
    values, labels = _synthetic()
    layer = LogisticLayer(
        input_names=("first", "second", "third"),
        transforms=("identity", "identity", "identity"),
        mean=np.zeros(3),
        scale=np.ones(3),
        coef=np.array([0.5, -0.3, 0.0]),
        intercept=0.0,
    )
    weights = np.ones(len(labels))
    calibrated = calibrate_layer(layer, values, labels, weights)
    platt = LogisticRegression(C=1e4).fit(layer.logits(values).reshape(-1, 1), labels)
    expected = platt.decision_function(layer.logits(values).reshape(-1, 1))
    assert np.allclose(calibrated.logits(values), expected, atol=1e-6)
    # The terms still sum with the intercept to the calibrated logit.
    assert np.allclose(calibrated.terms(values).sum(axis=1) + calibrated.intercept, expected)


def test_thresholds_flag_at_most_one_percent_of_human_news() -> None:
    generator = np.random.default_rng(3)
    human = generator.beta(8, 2, size=1000)
    farm = generator.beta(2, 6, size=300)
    frame = pd.DataFrame(
        {
            "source_corpus": ["saudinewsnet"] * 1000 + ["mce-arabic-news-credibility"] * 300,
            "label": [0] * 1000 + [1] * 300,
        }
    )
    reliability = np.concatenate([human, farm])
    thresholds = choose_thresholds(reliability, frame, np.arange(len(frame)))
    assert np.mean(human < thresholds.unreliable_below) <= 0.01
    assert np.mean(farm > thresholds.reliable_above) <= 0.05 + 1e-9
    assert thresholds.unreliable_below < thresholds.reliable_above


def test_human_news_sample_is_capped_per_split_and_deterministic() -> None:
    frame = pd.DataFrame(
        {
            "id": [f"saudinewsnet:{i}" for i in range(30)] + ["mce:1", "mce:2"],
            "source_corpus": ["saudinewsnet"] * 30 + ["mce-arabic-news-credibility"] * 2,
            "split": ["train"] * 10 + ["val"] * 10 + ["test"] * 10 + ["train", "test"],
        }
    )
    rows = {"train": 4, "val": 2, "test": 3}
    first = sample_human_news(frame, rows, seed=13)
    again = sample_human_news(frame.sample(frac=1.0, random_state=1), rows, seed=13)
    assert sorted(first["id"]) == sorted(again["id"])
    human = first[first["source_corpus"] == "saudinewsnet"]
    assert human["split"].value_counts().to_dict() == rows
    assert {"mce:1", "mce:2"} <= set(first["id"])


def test_sample_weights_balance_corpora_by_square_root() -> None:
    frame = pd.DataFrame(
        {"source_corpus": ["big"] * 100 + ["small"] * 4, "task": ["credibility"] * 104}
    )
    weights = sample_weights(frame)
    big, small = weights[:100].sum(), weights[100:].sum()
    assert big / small == pytest.approx(np.sqrt(100) / np.sqrt(4))
    assert weights.mean() == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("الذكاء الاصطناعي يغير العالم", "الذكاء الاصطناعي يغير العالم!"),
        ("Experts reveal the secrets of trade", "Officials said exports rose 4%"),
    ],
)
def test_text_hasher_is_deterministic_and_tells_texts_apart(first: str, second: str) -> None:
    vectorizer = TextVectorizer(TextHasher(n_bits=18))
    buckets, weights = vectorizer.vector(first)
    again_buckets, again_weights = vectorizer.vector(first)
    assert np.array_equal(buckets, again_buckets) and np.allclose(weights, again_weights)
    assert np.linalg.norm(weights) == pytest.approx(1.0)
    other_buckets, _ = vectorizer.vector(second)
    assert not np.array_equal(buckets, other_buckets)
    assert buckets.max() < 2**18


def test_tiny_training_run_writes_a_verified_bundle(tiny_bundle: Path) -> None:
    model = load_model(tiny_bundle, DetectorEngine().feature_names)
    assert isinstance(model, TrainedModel)
    metadata = read_bundle_metadata(tiny_bundle)
    assert metadata["version"] == "0.0.1-test"
    assert metadata["seed"] == 13
    assert metadata["config"]["max_rows_per_corpus"] == 80
    assert {"numpy", "scipy", "scikit-learn"} <= set(metadata["library_versions"])
    assert {corpus["name"] for corpus in metadata["corpora"]} >= {
        "mce-arabic-news-credibility",
        "arabic-aigt-diacritics",
        "saudinewsnet",
    }
    assert metadata["thresholds"] == model.thresholds.to_dict()
    assert "mce-arabic-news-credibility" in metadata["metrics"]["test"]["corpus"]
    card = (tiny_bundle / "MODEL_CARD.md").read_text(encoding="utf-8")
    for section in ("## Intended use", "## Training data", "## Limits", "## Use of the test split"):
        assert section in card
    assert not (tiny_bundle.parents[1] / "DEFAULT").exists()


def test_training_again_with_the_same_seed_gives_the_same_bundle(
    tiny_bundle: Path,
    tiny_cache: Path,
    tiny_train_args: tuple[str, ...],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    exit_code = main(
        [
            "train",
            *tiny_train_args,
            "--models-root",
            str(tmp_path),
            "--cache-dir",
            str(tiny_cache),
            "--version",
            "0.0.1-test",
            "--quiet",
        ]
    )
    assert exit_code == 0
    assert "bundle:" in capsys.readouterr().out
    rebuilt = tmp_path / "mizan-default" / "0.0.1-test"
    first = json.loads((tiny_bundle / "metadata.json").read_text(encoding="utf-8"))
    second = json.loads((rebuilt / "metadata.json").read_text(encoding="utf-8"))
    assert first["sha256"] == second["sha256"]
    assert (tmp_path / "DEFAULT").read_text(encoding="utf-8").strip() == (
        "mizan-default/0.0.1-test"
    )


def test_train_rejects_a_tiny_row_cap(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--max-rows", "3", "--quiet"]) == 2
    assert "--max-rows must be at least 10" in capsys.readouterr().err


def test_an_input_that_fires_in_one_class_only_keeps_its_prior_weight() -> None:
    values, labels = _synthetic()
    # Fires only on label-0 rows (as the beat history fires only on bylined human news).
    one_class = np.where(labels == 0, np.abs(values[:, 2]), 0.0)
    both = np.abs(values[:, 2])
    names = ["a", "b", "signal.score"]
    prior = {"signal.score": 2.0}
    weights = np.ones(len(labels))
    held_matrix = np.column_stack([values[:, :2], one_class])
    free_matrix = np.column_stack([values[:, :2], both])
    assert prior_only_inputs(names, held_matrix, labels, prior) == ["signal.score"]
    assert prior_only_inputs(names, held_matrix, labels, {}) == []
    assert prior_only_inputs(names, free_matrix, labels, prior) == []

    held = fit_layer(names, held_matrix, labels, weights, 1.0, {}, ["signal.score"], prior)
    assert held.coef[2] == pytest.approx(2.0 * held.scale[2])
    # Firing in both classes, the data moves it (towards 0: it carries no information).
    free = fit_layer(names, free_matrix, labels, weights, 1.0, {}, ["signal.score"], prior)
    assert free.coef[2] < 0.5 * 2.0 * free.scale[2]
