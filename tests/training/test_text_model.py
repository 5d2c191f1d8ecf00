"""The text learners (SGD, ``idf_logistic``) and which rows a head's text model learns from."""

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from mizan.detector.trained import TextHasher, TextVectorizer
from mizan.training.config import TrainConfig, config_from_metadata
from mizan.training.data import sample_weights
from mizan.training.splits import SPLIT_GROUP_COLUMN
from mizan.training.text_stage import fit_head_text, fit_text_model, text_idf

FARM = [
    "Breaking: you will not believe what experts say about the riyal today, read also",
    "Shocking news: experts say gold will double, you will not believe the price, read also",
    "Experts say the dirham hides a secret that you will not believe, share this now",
    "You will not believe the new visa rule that experts say changes everything, read also",
]
WIRE = [
    "The ministry of finance said on Tuesday that revenue rose 4 percent in the third quarter.",
    "The central bank kept its main rate unchanged on Wednesday, a spokesman for the bank said.",
    "The minister of health told reporters on Monday that two new hospitals will open in May.",
    "Officials said on Thursday that the port handled more containers than a year earlier.",
]


def _matrix() -> tuple[sparse.csr_matrix, np.ndarray]:
    vectorizer = TextVectorizer(TextHasher(n_bits=16, char_ngrams=(2, 4), word_ngrams=1))
    return vectorizer.transform(FARM + WIRE), np.array([1] * len(FARM) + [0] * len(WIRE))


def test_text_idf_matches_the_smoothed_formula_and_drops_rare_buckets() -> None:
    matrix = sparse.csr_matrix(np.array([[1.0, 0.0, 2.0], [1.0, 0.0, 0.0], [3.0, 0.0, 0.0]]))
    idf = text_idf(matrix, min_df=2)
    assert idf[0] == pytest.approx(np.log(4 / 4) + 1.0)
    assert idf[1] == 0.0  # in no row
    assert idf[2] == 0.0  # in one row only, below min_df
    assert text_idf(matrix, min_df=1)[2] == pytest.approx(np.log(4 / 2) + 1.0)


def test_idf_logistic_weights_score_the_raw_vectors_like_the_scaled_model() -> None:
    matrix, labels = _matrix()
    rows = np.arange(len(labels))
    config = TrainConfig(text_model={"content_farm": "idf_logistic"}, text_c={"content_farm": 4.0})
    coef, bias = fit_text_model(matrix, rows, labels, np.ones(len(labels)), config, "content_farm")
    idf = text_idf(matrix, config.text_min_df)
    reference = LogisticRegression(C=4.0, max_iter=5000).fit(
        matrix @ sparse.diags(idf, format="csr"), labels
    )
    expected = reference.decision_function(matrix @ sparse.diags(idf, format="csr"))
    logits = np.asarray(matrix @ coef).ravel() + bias
    assert np.allclose(logits, expected, atol=1e-6)
    assert logits[labels == 1].min() > logits[labels == 0].max()


def test_idf_logistic_rescales_row_weights_so_c_keeps_its_meaning() -> None:
    matrix, labels = _matrix()
    rows = np.arange(len(labels))
    config = TrainConfig(text_model={"content_farm": "idf_logistic"})
    small = fit_text_model(matrix, rows, labels, np.full(len(labels), 0.01), config, "content_farm")
    large = fit_text_model(matrix, rows, labels, np.full(len(labels), 50.0), config, "content_farm")
    assert np.allclose(small[0], large[0], atol=1e-8)
    assert small[1] == pytest.approx(large[1], abs=1e-8)


def test_idf_can_be_counted_on_other_rows_than_the_fit() -> None:
    matrix, labels = _matrix()
    rows = np.arange(len(labels))
    config = TrainConfig(text_model={"content_farm": "idf_logistic"})
    own, _ = fit_text_model(matrix, rows, labels, np.ones(len(labels)), config, "content_farm")
    farm_only, _ = fit_text_model(
        matrix, rows, labels, np.ones(len(labels)), config, "content_farm", rows[labels == 1]
    )
    # Buckets found on fewer than two farm pages get no weight when the idf is counted there.
    rare_in_farm = text_idf(matrix[rows[labels == 1]], config.text_min_df) == 0
    assert np.all(farm_only[rare_in_farm] == 0.0)
    assert not np.allclose(own, farm_only)


def test_sgd_heads_keep_the_sgd_learner() -> None:
    matrix, labels = _matrix()
    rows = np.arange(len(labels))
    config = TrainConfig(text_epochs=5)
    coef, bias = fit_text_model(matrix, rows, labels, np.ones(len(labels)), config, "credibility")
    assert coef.shape == (matrix.shape[1],)
    assert np.isfinite(bias)
    assert config.text_model["credibility"] == "sgd"
    assert config.text_model["content_farm"] == "idf_logistic"


def _head_frame() -> tuple[pd.DataFrame, sparse.csr_matrix]:
    """Machine-text rows in train, val and test, each its own split group."""
    texts = [f"{text} ({number})" for number in range(3) for text in FARM + WIRE]
    labels = [1] * len(FARM) + [0] * len(WIRE)
    splits = ["train"] * 16 + ["val"] * 4 + ["test"] * 4
    frame = pd.DataFrame(
        {
            "text": texts,
            "label": labels * 3,
            "task": "ai_generated",
            "source_corpus": "machine-text",
            "variant": "",
            "split": splits,
            SPLIT_GROUP_COLUMN: np.arange(len(texts)),
        }
    )
    vectorizer = TextVectorizer(TextHasher(n_bits=16, char_ngrams=(2, 4), word_ngrams=1))
    return frame, vectorizer.transform(texts)


@pytest.mark.parametrize("with_val", [True, False])
def test_text_with_val_fits_on_val_rows_and_scores_them_out_of_fold(with_val: bool) -> None:
    frame, matrix = _head_frame()
    config = TrainConfig(
        text_epochs=5,
        folds=4,
        text_with_val={"ai_generated": with_val, "credibility": False, "content_farm": False},
    )
    (coef, bias), logits = fit_head_text(matrix, frame, config, "ai_generated", say=lambda _: None)
    labels = frame["label"].to_numpy()
    fitted = np.flatnonzero(frame["split"].isin(["train", "val"] if with_val else ["train"]))
    weights = sample_weights(frame, config.human_news_weight["ai_generated"], 1.0)
    expected, expected_bias = fit_text_model(
        matrix, fitted, labels, weights, config, "ai_generated"
    )
    np.testing.assert_allclose(coef, expected.astype(np.float32))
    assert bias == pytest.approx(expected_bias)
    full = np.asarray(matrix @ coef.astype(np.float64)).ravel() + bias
    val = (frame["split"] == "val").to_numpy()
    test = (frame["split"] == "test").to_numpy()
    # Test rows always get the shipped model's logits; val rows are out of fold when fitted on.
    np.testing.assert_allclose(logits[test], full[test])
    if with_val:
        assert not np.allclose(logits[val], full[val])
    else:
        np.testing.assert_allclose(logits[val], full[val])


def test_bundles_from_before_text_with_val_rebuild_with_train_only_text_models() -> None:
    old = config_from_metadata({"config": {"seed": 13}})
    assert not any(old.text_with_val.values())
    current = config_from_metadata({"config": TrainConfig().to_dict()})
    assert current.text_with_val["ai_generated"] is True
