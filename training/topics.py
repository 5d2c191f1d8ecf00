"""Train the article topic classifier and write its bundle (``python -m training.topics``).

Training data (Arabic; read in place from ``get_settings().corpora_dir``):

- ``ant-corpus-multisource`` (ANT v2.1 subset, five outlets): folder category = topic;
  ``internationalNews`` and ``middleEast`` are both ``politics``.
- ``sanad-sample`` (900 SANAD rows, 150 per ``source`` label). The labels of this re-shared
  sample do not mean what their names say: read, and checked with a model trained on ANT
  alone (the audit is stored in the bundle metadata), ``SANAD_Politics`` rows are finance
  and business news and ``SANAD_Media`` rows are political news. So ``SANAD_Politics`` maps
  to ``economy``, ``SANAD_Media`` to ``politics``, ``SANAD_Tech``/``SANAD_Culture``/
  ``SANAD_Health`` to ``technology``/``culture``/``health``. ``SANAD_Religion`` (sermons,
  hadith, charity) is dropped: it is none of the six topics, and the ANT-only model already
  files most of it under culture, so as culture rows it would add outlet style rather than
  topic signal. SANAD is the only source of ``health``.

Held-out test split: stratified by topic, 20 % of each topic chosen by a seeded hash of the
row id (so it is the same on every run and for the tests). Cross-outlet scores (train on
every other outlet, test on one ANT outlet) are reported as well, because articles of one
outlet share phrasing that a random split does not hide.

English has no topic corpus here; the classifier's English keyword prior is evaluated (not
trained) on the human-written originals of LLMFake (PolitiFact = politics, GossipCop =
culture, CoAID = health) and FA-KES (politics).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.feature_selection import SelectKBest, chi2
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from detector.lexicons import load_lexicon
from detector.settings import get_settings
from detector.text import normalize_for_matching
from detector.topics import (
    BUNDLE_FORMAT,
    ENGLISH_KEYWORDS_LEXICON,
    KEYWORD_SMOOTHING,
    MAX_CLASSIFIED_CHARS,
    METADATA_FILE,
    MODEL_FILE,
    TOPICS,
    TopicClassifier,
    file_sha256,
    topic_ngrams,
)
from training.train import library_versions

logger = logging.getLogger(__name__)

DEFAULT_VERSION = "2026.11.0"
SEED = 13
TEST_FRACTION = 0.2
MIN_DOCUMENT_FREQUENCY = 2
VOCABULARY_SIZE = 40_000
"""Terms kept after chi-squared selection (bounds the bundle size and look-up work)."""
INVERSE_REGULARISATION = 16.0
"""``C`` of the logistic regression, chosen on a validation split of the training rows
(:func:`assign_test_split` with seed ``SEED + 1``; 4, 16 and 64 tried)."""
EXTRA_CLASS_WEIGHT: dict[str, float] = {"health": 3.0}
"""Weight on top of balanced class weights. Health has ~120 training rows and ANT's technology
folders also hold science and medical news, so balanced weights alone under-predict health
(recall 0.58 vs 0.83 with this weight, precision unchanged, on the validation split)."""
MIN_ENGLISH_EVALUATION_CHARS = 300
ABSENT_TOPIC_INTERCEPT = -50.0

ANT = "ant-corpus-multisource"
SANAD = "sanad-sample"
LLMFAKE = "en-llmfake"
FAKES = "en-fakes-syria"

ANT_TOPICS: dict[str, str] = {
    "sport": "sport",
    "economy": "economy",
    "internationalNews": "politics",
    "middleEast": "politics",
    "culture": "culture",
    "technology": "technology",
}
SANAD_TOPICS: dict[str, str | None] = {
    "SANAD_Tech": "technology",
    "SANAD_Politics": "economy",
    "SANAD_Media": "politics",
    "SANAD_Culture": "culture",
    "SANAD_Health": "health",
    "SANAD_Religion": None,
}
ENGLISH_EVALUATION_SETS: dict[str, str] = {
    "politifact": "politics",
    "gossipcop": "culture",
    "coaid": "health",
}

CORPUS_PROVENANCE: dict[str, dict[str, str]] = {
    ANT: {
        "role": "training",
        "what": "ANT v2.1 Arabic News Texts, subset of five outlets (AlArabiya, BBC Arabic, "
        "CNN Arabic, France24 Arabic, SkyNews Arabia), 2018",
        "origin": "github.com/antcorpus/antcorpus.multisource.data "
        "@ f117ce44a9cfad0dcbd341b7d744e4c3cdb4fed8",
        "licence": "citation licence: cite Chouigui, Ben Khiroun, Elayeb (2021), 'An Arabic "
        "Multi-source News Corpus', AJSE 46(8) / antcorpus.github.io",
    },
    SANAD: {
        "role": "training",
        "what": "900-row sample of SANAD (AlKhaleej, AlArabiya, Akhbarona), 6 x 150",
        "origin": "github.com/Russell219/arabic-fake-news-detection "
        "@ 4434c26a9028396e620de64128b48ee13138a9cc (kb_articles_sanad.csv)",
        "licence": "SANAD: CC BY 4.0 (Einea, Elnagar, Al Debsi 2019, Mendeley Data "
        "57zpx667y9); the re-sharing repository states no licence",
    },
    LLMFAKE: {
        "role": "evaluation of the English keyword prior only (human originals)",
        "what": "LLMFake human-written originals: PolitiFact, GossipCop, CoAID",
        "origin": "github.com/llm-misinformation/llm-misinformation "
        "@ 411811d3841abfac0f039779827bb750efc2dbbc",
        "licence": "none stated (released for research)",
    },
    FAKES: {
        "role": "evaluation of the English keyword prior only",
        "what": "FA-KES Syrian war news (all labelled politics here)",
        "origin": "github.com/FinlayDuff/Dissertation @ a88a6f36b8b204d8077628fc227550fae4fa6306",
        "licence": "CC BY 4.0 (Zenodo 2607278)",
    },
}

_ANT_FIELD = {
    name: re.compile(rf"<{name}>(.*?)</{name}>", re.DOTALL)
    for name in ("DOCNO", "TITLE", "AUTHOR", "TEXT")
}


def _ant_field(raw: str, name: str) -> str:
    match = _ANT_FIELD[name].search(raw)
    return match.group(1).strip() if match else ""


def _split_key(seed: int, row_id: str) -> str:
    return hashlib.sha256(f"{seed}:{row_id}".encode()).hexdigest()


def assign_test_split(
    frame: pd.DataFrame, seed: int = SEED, test_fraction: float = TEST_FRACTION
) -> pd.Series:
    """Return ``"train"``/``"test"`` per row: per topic, the rows with the lowest seeded hash.

    The choice depends only on the row ids, the topic and the seed, not on row order.
    """
    split = pd.Series("train", index=frame.index, dtype=object)
    for _, rows in frame.groupby("label"):
        ordered = sorted(rows.index, key=lambda index: _split_key(seed, str(rows.at[index, "id"])))
        split.loc[ordered[: round(len(ordered) * test_fraction)]] = "test"
    return split


def load_ant(corpora_dir: Path) -> pd.DataFrame:
    """Load the ANT multi-source subset with topics mapped to :data:`TOPICS`."""
    folder = corpora_dir / ANT
    records = []
    for path in sorted(folder.glob("*/*/*.txt")):
        category = path.parent.name
        if category not in ANT_TOPICS:
            raise ValueError(f"unexpected ANT category folder {category!r} ({path})")
        raw = path.read_text(encoding="utf-8")
        records.append(
            {
                "id": f"{ANT}:{_ant_field(raw, 'DOCNO') or path.stem}",
                "title": _ant_field(raw, "TITLE"),
                "text": _ant_field(raw, "TEXT"),
                "author": _ant_field(raw, "AUTHOR") or None,
                "outlet": path.parent.parent.name,
                "language": "ar",
                "label": ANT_TOPICS[category],
                "source_label": category,
                "source_corpus": ANT,
            }
        )
    if not records:
        raise FileNotFoundError(f"no ANT articles under {folder}")
    return pd.DataFrame.from_records(records)


def load_sanad(corpora_dir: Path, keep_unmapped: bool = False) -> pd.DataFrame:
    """Load the SANAD sample; ``label`` is the mapped topic (``None`` for dropped labels)."""
    table = pd.read_csv(corpora_dir / SANAD / "kb_articles_sanad.csv", dtype=str)
    records = []
    for position, (source_label, text) in enumerate(
        zip(table["source"], table["full_text"], strict=True)
    ):
        topic = SANAD_TOPICS[source_label]
        if (topic is None and not keep_unmapped) or not isinstance(text, str) or not text.strip():
            continue
        records.append(
            {
                "id": f"{SANAD}:{position}",
                "title": "",  # the sample's title is just the opening of the body
                "text": text.strip(),
                "author": None,
                "outlet": "sanad",
                "language": "ar",
                "label": topic,
                "source_label": source_label,
                "source_corpus": SANAD,
            }
        )
    return pd.DataFrame.from_records(records)


def model_text(title: str, text: str) -> str:
    """Return the normalised text the model sees: title and body, as at scoring time."""
    joined = f"{title}\n{text}" if title else text
    return normalize_for_matching(joined)[:MAX_CLASSIFIED_CHARS]


def _drop_duplicate_texts(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep one copy of each normalised text; drop all copies when their topics disagree."""
    labels_per_text = frame.groupby("normalized")["label"].nunique()
    conflicting = set(labels_per_text[labels_per_text > 1].index)
    kept = frame[~frame["normalized"].isin(conflicting)].drop_duplicates("normalized")
    logger.info(
        "topic corpus: %d rows, %d duplicate copies dropped, %d texts with conflicting topics",
        len(frame),
        len(frame) - len(kept) - int(frame["normalized"].isin(conflicting).sum()),
        len(conflicting),
    )
    return kept.reset_index(drop=True)


def load_topic_corpus(corpora_dir: Path | None = None) -> pd.DataFrame:
    """Return the training corpus with ``normalized`` text and the fixed ``split`` column.

    Raises:
        FileNotFoundError: When a corpus folder is missing.
    """
    root = corpora_dir or get_settings().corpora_dir
    for name in (ANT, SANAD):
        if not (root / name).is_dir():
            raise FileNotFoundError(f"corpus folder {root / name} is missing")
    frame = pd.concat([load_ant(root), load_sanad(root)], ignore_index=True)
    frame = frame[frame["text"].str.strip().astype(bool)]
    frame["normalized"] = [
        model_text(title, text) for title, text in zip(frame["title"], frame["text"], strict=True)
    ]
    frame = _drop_duplicate_texts(frame)
    frame["split"] = assign_test_split(frame)
    return frame


@dataclass
class FittedTopicModel:
    """The exported arrays of a fitted model, in :data:`TOPICS` order."""

    terms: list[str]
    idf: np.ndarray
    weights: np.ndarray
    intercept: np.ndarray

    def payload(self) -> dict[str, Any]:
        """Return the ``model.joblib`` content (plain strings and arrays, no estimators)."""
        return {
            "format": BUNDLE_FORMAT,
            "topics": list(TOPICS),
            "terms": "\n".join(self.terms),
            "idf": self.idf.astype(np.float32),
            "weights": self.weights.astype(np.float32),
            "intercept": self.intercept.astype(np.float32),
        }


def fit_topic_model(
    texts: Sequence[str],
    labels: Sequence[str],
    vocabulary_size: int = VOCABULARY_SIZE,
    inverse_regularisation: float = INVERSE_REGULARISATION,
    require_all_topics: bool = True,
) -> FittedTopicModel:
    """Fit vocabulary, chi-squared selection, tf-idf and logistic regression on normalised text.

    With ``require_all_topics=False`` a topic absent from ``labels`` gets zero weights and a
    very low intercept (probability about 0), for diagnostic models trained on part of the data.
    """
    targets = np.array([TOPICS.index(label) for label in labels])
    missing = set(range(len(TOPICS))) - set(targets.tolist())
    if missing and require_all_topics:
        raise ValueError(f"training rows lack topics {[TOPICS[index] for index in missing]}")
    counting = TfidfVectorizer(
        analyzer=topic_ngrams, min_df=MIN_DOCUMENT_FREQUENCY, sublinear_tf=True, dtype=np.float32
    )
    matrix = counting.fit_transform(texts)
    keep = min(vocabulary_size, matrix.shape[1])
    selector = SelectKBest(chi2, k=keep).fit(matrix, targets)
    terms = [str(term) for term in counting.get_feature_names_out()[selector.get_support()]]
    vectorizer = TfidfVectorizer(
        analyzer=topic_ngrams, vocabulary=terms, sublinear_tf=True, dtype=np.float32
    )
    features = vectorizer.fit_transform(texts)
    present = np.bincount(targets, minlength=len(TOPICS))
    class_weight = {
        index: len(targets) / (len(TOPICS) * present[index]) * EXTRA_CLASS_WEIGHT.get(topic, 1.0)
        for index, topic in enumerate(TOPICS)
        if present[index]
    }
    classifier = LogisticRegression(
        C=inverse_regularisation, class_weight=class_weight, max_iter=5000, random_state=SEED
    )
    classifier.fit(features, targets)
    weights = np.zeros((len(terms), len(TOPICS)), dtype=np.float32)
    intercept = np.full(len(TOPICS), ABSENT_TOPIC_INTERCEPT, dtype=np.float32)
    for row, topic_index in enumerate(classifier.classes_):
        weights[:, topic_index] = classifier.coef_[row]
        intercept[topic_index] = classifier.intercept_[row]
    return FittedTopicModel(
        terms=terms,
        idf=np.asarray(vectorizer.idf_, dtype=np.float32),
        weights=weights,
        intercept=intercept,
    )


def _classifier(model: FittedTopicModel) -> TopicClassifier:
    return TopicClassifier.from_payload(model.payload(), {"version": "in-training"})


def predict_topics(classifier: TopicClassifier, normalized_texts: Iterable[str]) -> list[str]:
    """Return the top topic of each normalised Arabic text."""
    return [
        TOPICS[int(np.argmax(classifier.probabilities_of_normalized(text, "ar")))]
        for text in normalized_texts
    ]


def classification_metrics(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Return accuracy, macro F1, per-topic precision/recall/F1/support and the confusion.

    Macro F1 and the per-topic figures cover the topics that occur in ``truth`` (an outlet
    without culture articles is not marked down for a culture F1 of 0); wrong predictions
    into other topics still lower those topics' recall and show in the confusion matrix.
    """
    present = [topic for topic in TOPICS if topic in set(truth)]
    shown = [topic for topic in TOPICS if topic in set(truth) | set(predicted)]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=present, zero_division=0
    )
    matrix = confusion_matrix(truth, predicted, labels=shown)
    return {
        "rows": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(
            float(f1_score(truth, predicted, labels=present, average="macro", zero_division=0)), 4
        ),
        "per_topic": {
            topic: {
                "precision": round(float(precision[index]), 4),
                "recall": round(float(recall[index]), 4),
                "f1": round(float(f1[index]), 4),
                "support": int(support[index]),
            }
            for index, topic in enumerate(present)
        },
        "confusion": {
            "rows_are": "true topic",
            "columns": shown,
            "matrix": matrix.tolist(),
        },
    }


def cross_outlet_metrics(frame: pd.DataFrame) -> dict[str, Any]:
    """Train without one ANT outlet, test on all of that outlet's rows; one entry per outlet."""
    results: dict[str, Any] = {}
    ant = frame[frame["source_corpus"] == ANT]
    for outlet in sorted(ant["outlet"].unique()):
        held_out = frame["outlet"] == outlet
        training = frame[~held_out]
        model = fit_topic_model(list(training["normalized"]), list(training["label"]))
        predicted = predict_topics(_classifier(model), frame.loc[held_out, "normalized"])
        truth = list(frame.loc[held_out, "label"])
        metrics = classification_metrics(truth, predicted)
        results[outlet] = {
            key: metrics[key] for key in ("rows", "accuracy", "macro_f1", "per_topic")
        }
        logger.info("cross-outlet %s: accuracy %.4f", outlet, metrics["accuracy"])
    return results


def sanad_label_audit(frame: pd.DataFrame, corpora_dir: Path) -> dict[str, dict[str, int]]:
    """Predict every SANAD row (all six labels) with a model trained on ANT only.

    Shows what each SANAD ``source`` label holds, which is how the mapping was checked.
    """
    ant = frame[frame["source_corpus"] == ANT]
    model = fit_topic_model(list(ant["normalized"]), list(ant["label"]), require_all_topics=False)
    sanad = load_sanad(corpora_dir, keep_unmapped=True)
    predicted = predict_topics(_classifier(model), (model_text("", text) for text in sanad["text"]))
    audit: dict[str, dict[str, int]] = {}
    for source_label, topic in zip(sanad["source_label"], predicted, strict=True):
        audit.setdefault(source_label, {}).setdefault(topic, 0)
        audit[source_label][topic] += 1
    return audit


def load_english_evaluation(corpora_dir: Path) -> pd.DataFrame:
    """Return English human-written news with a topic implied by its collection."""
    records: list[dict[str, str]] = []
    folder = corpora_dir / LLMFAKE / "experiment" / "data" / "chatgpt_3.5_generation"
    for dataset, topic in ENGLISH_EVALUATION_SETS.items():
        path = (
            folder / dataset / f"synthetic-gpt-3.5-turbo_{dataset}_rewrite_generation_processed.csv"
        )
        if not path.is_file():
            continue
        table = pd.read_csv(path, dtype=str).drop_duplicates("news_id")
        records.extend(
            {"text": str(text), "label": topic, "collection": f"{LLMFAKE}/{dataset}"}
            for text in table["news_text"].dropna()
        )
    fakes = corpora_dir / FAKES / "data" / "raw" / "FA-KES.csv"
    if fakes.is_file():
        table = pd.read_csv(fakes, encoding="latin-1", dtype=str)
        records.extend(
            {"text": f"{title}\n{body}", "label": "politics", "collection": FAKES}
            for title, body in zip(
                table["article_title"].fillna(""), table["article_content"].fillna(""), strict=True
            )
        )
    frame = pd.DataFrame.from_records(records, columns=["text", "label", "collection"])
    return frame[frame["text"].str.len() >= MIN_ENGLISH_EVALUATION_CHARS].reset_index(drop=True)


def english_prior_metrics(classifier: TopicClassifier, corpora_dir: Path) -> dict[str, Any]:
    """Evaluate the English keyword prior on :func:`load_english_evaluation` rows."""
    frame = load_english_evaluation(corpora_dir)
    if frame.empty:
        return {"rows": 0, "note": "English evaluation corpora not found"}
    predicted = [classifier.predict(text, language="en") for text in frame["text"]]
    metrics = classification_metrics(list(frame["label"]), predicted)
    metrics["collections"] = {
        str(name): int(count) for name, count in frame["collection"].value_counts().items()
    }
    metrics["note"] = (
        "only politics, culture and health have English labelled text here; precision of "
        "the other topics is not measured"
    )
    return metrics


def corpus_fingerprint(paths: Iterable[Path], root: Path) -> str:
    """Return one sha256 over the relative paths and sha256s of the corpus files used."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(f"{path.relative_to(root)}\t{file_sha256(path)}\n".encode())
    return digest.hexdigest()


def _corpus_files(corpora_dir: Path) -> dict[str, list[Path]]:
    return {
        ANT: sorted((corpora_dir / ANT).glob("*/*/*.txt")),
        SANAD: [corpora_dir / SANAD / "kb_articles_sanad.csv"],
    }


def _model_card(metadata: dict[str, Any]) -> str:
    metrics = metadata["metrics"]
    held_out = metrics["held_out_test"]
    lines = [
        f"# Topic classifier {metadata['version']}",
        "",
        "Predicts one of six news topics for an article: " + ", ".join(TOPICS) + ".",
        "Used by the `beat` signal to compare an author's beat with the article's topic.",
        "",
        "## Model",
        f"- Arabic: {metadata['features']['arabic']}",
        f"- English: {metadata['features']['english']}",
        f"- Trained with `python -m training.topics` (seed {metadata['training']['seed']}).",
        "",
        "## Training data",
    ]
    for name, info in metadata["corpora"].items():
        lines.append(f"- `{name}` ({info['role']}): {info['what']}. Licence: {info['licence']}.")
    lines += [
        "",
        "SANAD label mapping: " + json.dumps(metadata["training"]["sanad_mapping"]) + ".",
        metadata["training"]["sanad_mapping_reason"],
        "",
        "## Held-out results",
        f"- Arabic test split ({held_out['rows']} articles, 20 % per topic): accuracy "
        f"{held_out['accuracy']}, macro F1 {held_out['macro_f1']}.",
    ]
    for topic, values in held_out["per_topic"].items():
        lines.append(f"  - {topic}: F1 {values['f1']} (support {values['support']})")
    for outlet, values in metrics.get("cross_outlet", {}).items():
        lines.append(
            f"- Unseen outlet {outlet} ({values['rows']} articles): accuracy {values['accuracy']}, "
            f"macro F1 {values['macro_f1']}."
        )
    english = metrics.get("english_keyword_prior", {})
    if english.get("rows"):
        lines.append(
            f"- English keyword prior ({english['rows']} articles, politics/culture/health only): "
            f"accuracy {english['accuracy']}."
        )
    lines += [
        "",
        "## Limits",
        "- Health has only about 150 training articles, all from SANAD; health F1 is the least"
        " certain figure.",
        "- Arabic news of 2013-2018; topics that arrived later are unseen.",
        "- English topics come from a hand-written keyword list, not a trained model.",
        "",
    ]
    return "\n".join(lines)


def train_and_write(
    output_root: Path,
    version: str = DEFAULT_VERSION,
    corpora_dir: Path | None = None,
    cross_outlet: bool = True,
) -> Path:
    """Train on the training split, evaluate, and write ``<output_root>/<version>/``."""
    root = corpora_dir or get_settings().corpora_dir
    frame = load_topic_corpus(root)
    train = frame[frame["split"] == "train"]
    test = frame[frame["split"] == "test"]
    logger.info("training on %d articles, testing on %d", len(train), len(test))
    model = fit_topic_model(list(train["normalized"]), list(train["label"]))
    payload = model.payload()
    classifier = TopicClassifier.from_payload(payload, {"version": version})

    predicted = predict_topics(classifier, test["normalized"])
    held_out = classification_metrics(list(test["label"]), predicted)
    test_predictions = pd.Series(predicted, index=test.index)
    held_out["accuracy_by_corpus"] = {
        str(name): round(float((test_predictions[rows.index] == rows["label"]).mean()), 4)
        for name, rows in test.groupby("source_corpus")
    }
    held_out["accuracy_by_outlet"] = {
        str(name): round(float((test_predictions[rows.index] == rows["label"]).mean()), 4)
        for name, rows in test.groupby("outlet")
    }
    logger.info("held-out accuracy %.4f, macro F1 %.4f", held_out["accuracy"], held_out["macro_f1"])
    metrics: dict[str, Any] = {"held_out_test": held_out}
    if cross_outlet:
        metrics["cross_outlet"] = cross_outlet_metrics(frame)
    metrics["english_keyword_prior"] = english_prior_metrics(classifier, root)
    audit = sanad_label_audit(frame, root)

    bundle = output_root / version
    bundle.mkdir(parents=True, exist_ok=True)
    model_path = bundle / MODEL_FILE
    joblib.dump(payload, model_path, compress=3)
    files = _corpus_files(root)
    corpora = {
        name: {
            **info,
            **(
                {
                    "files": len(files[name]),
                    "content_sha256": corpus_fingerprint(files[name], root),
                    "rows_used": int((frame["source_corpus"] == name).sum()),
                }
                if name in files
                else {}
            ),
        }
        for name, info in CORPUS_PROVENANCE.items()
    }
    metadata: dict[str, Any] = {
        "name": "topics",
        "version": version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "topics": list(TOPICS),
        "format": BUNDLE_FORMAT,
        "features": {
            "arabic": (
                "word unigrams and bigrams (tokens of 2+ word characters) of "
                "normalize_for_matching(title + newline + body), first "
                f"{MAX_CLASSIFIED_CHARS} characters; vocabulary: min document frequency "
                f"{MIN_DOCUMENT_FREQUENCY}, then the {len(model.terms)} terms with the highest "
                "chi-squared score; sublinear tf-idf, L2-normalised; multinomial logistic "
                f"regression (C={INVERSE_REGULARISATION}, balanced class weights, times "
                f"{EXTRA_CLASS_WEIGHT} on top)"
            ),
            "english": (
                f"keyword prior from detector/lexicons/{ENGLISH_KEYWORDS_LEXICON}.txt: "
                f"(hits + {KEYWORD_SMOOTHING}) per topic, normalised; not trained"
            ),
            "english_keywords_sha256": hashlib.sha256(
                "\n".join(load_lexicon(ENGLISH_KEYWORDS_LEXICON)).encode()
            ).hexdigest(),
            "vocabulary_size": len(model.terms),
        },
        "training": {
            "seed": SEED,
            "split": (
                f"stratified by topic: per topic the {TEST_FRACTION:.0%} of rows with the lowest "
                f"sha256('{SEED}:' + id); exact duplicate texts removed first"
            ),
            "train_rows": len(train),
            "test_rows": len(test),
            "rows_per_topic": {topic: int((frame["label"] == topic).sum()) for topic in TOPICS},
            "ant_mapping": ANT_TOPICS,
            "sanad_mapping": SANAD_TOPICS,
            "sanad_mapping_reason": (
                "In this sample SANAD_Politics rows are finance/business news and SANAD_Media "
                "rows are political news (read by hand and confirmed by an ANT-only model, see "
                "sanad_label_audit). SANAD_Religion (sermons, hadith, charity) is dropped: it is "
                "not one of the six topics, and the ANT-only model already files most of it "
                "under culture, so as culture rows it would add outlet style, not topic signal."
            ),
            "sanad_label_audit": audit,
        },
        "metrics": metrics,
        "libraries": library_versions(),
        "corpora": corpora,
        "model_file": MODEL_FILE,
        "model_bytes": model_path.stat().st_size,
        "sha256": file_sha256(model_path),
    }
    (bundle / METADATA_FILE).write_text(
        json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (bundle / "MODEL_CARD.md").write_text(_model_card(metadata), encoding="utf-8")
    return bundle


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: train, evaluate and write the topic bundle."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", default=DEFAULT_VERSION, help="bundle version folder name")
    parser.add_argument(
        "--output-root",
        type=Path,
        default=None,
        help="where bundles go (default: <models_root>/topics)",
    )
    parser.add_argument("--corpora-dir", type=Path, default=None, help="corpora root")
    parser.add_argument(
        "--no-cross-outlet", action="store_true", help="skip the per-outlet evaluation (faster)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    output_root = args.output_root or get_settings().models_root / "topics"
    bundle = train_and_write(output_root, args.version, args.corpora_dir, not args.no_cross_outlet)
    metadata = json.loads((bundle / METADATA_FILE).read_text(encoding="utf-8"))
    held_out = metadata["metrics"]["held_out_test"]
    print(f"wrote {bundle} ({metadata['model_bytes']} bytes)")
    print(f"held-out accuracy {held_out['accuracy']}, macro F1 {held_out['macro_f1']}")
    for topic, values in held_out["per_topic"].items():
        print(f"  {topic:<11} F1 {values['f1']:.4f}  support {values['support']}")
    for outlet, values in metadata["metrics"].get("cross_outlet", {}).items():
        print(f"  unseen outlet {outlet:<9} accuracy {values['accuracy']}")
    english = metadata["metrics"]["english_keyword_prior"]
    if english.get("rows"):
        print(f"English keyword prior accuracy {english['accuracy']} on {english['rows']} articles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
