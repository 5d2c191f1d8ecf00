"""Train the default reliability model and write it as a verified bundle.

Stages (each reproducible from the corpora with a fixed seed):

1. Load every corpus (:mod:`mizan.training.datasets`), assign leak-free splits
   (:mod:`mizan.training.splits`), sample the human-news corpus (SaudiNewsNet) per split.
2. Extract the signal features and the model text of every row through the engine
   (:mod:`mizan.training.features`, cached).
3. Text stage, per head: a logistic model (SGD) on hashed character 1-5-grams and word
   1-2-grams of the normalised text; out-of-fold logits on train (grouped folds), the full
   model's logits elsewhere.
4. Stack, per head: a logistic layer over the text logit, the language and the signal
   features, fitted on train, Platt-calibrated on val.
5. Combine: a logistic layer over both heads' logits, the language and the signal
   features, predicting unreliability; fitted on train, Platt-calibrated on val.
6. Thresholds from val: ``unreliable`` on at most 1% of human-written mainstream news.

Nothing is fitted or tuned on the test split.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import platform
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import GroupKFold

from mizan.detector.article import ArticleInput, parse_article
from mizan.detector.engine import DetectorEngine
from mizan.detector.errors import MizanError
from mizan.detector.model import RulesModel, Thresholds, sha256_file
from mizan.detector.settings import REPO_ROOT, get_settings
from mizan.detector.text import detect_language
from mizan.detector.trained import (
    HEAD_NAMES,
    LANGUAGE_INPUT,
    LogisticLayer,
    TextHasher,
    TextHead,
    TextVectorizer,
    TrainedModel,
    transform_inputs,
)
from mizan.training.datasets import load_all
from mizan.training.features import (
    DEFAULT_CACHE_DIR,
    LANGUAGE_COLUMN,
    PARSED_COLUMN,
    TEXT_COLUMN,
    ProgressFactory,
    extract_features,
    feature_matrix,
)
from mizan.training.memory import TrainingMemory, build_training_memory
from mizan.training.records import COLUMNS, corpus_fingerprint, take_limit
from mizan.training.splits import SPLIT_GROUP_COLUMN, UnionFind, assign_splits, near_duplicate_pairs
from mizan.training.web_pages import (
    MACHINE_KINDS,
    WEB_FOLD_COLUMN,
    WEB_PAGES_CORPUS,
    WEB_PAGES_TASK,
    WIRE_KIND,
    web_pages_frame,
)

logger = logging.getLogger(__name__)

MODEL_NAME = "mizan-default"
MODEL_VERSION = "2026.12.1"
HUMAN_NEWS_CORPUS = "saudinewsnet"
HEAD_TASKS: Mapping[str, str] = {
    "ai_generated": "ai_generated",
    "credibility": "credibility",
    "content_farm": WEB_PAGES_TASK,
}
"""The corpus ``task`` each head learns; human-news rows join a head as negatives when its
``human_news_weight`` is above zero, web pages when its ``web_pages_weight`` is (see
:func:`head_mask`)."""
PRE_LLM_HUMAN_CORPORA: frozenset[str] = frozenset({"saudinewsnet", "mce-arabic-news-credibility"})
"""Human-written Arabic news from before language models (label 0 rows): the ``ai_generated``
head's human side besides the wire pages, and where its false-alarm rate is read."""
AI_FALSE_ALARM_RATE = 0.01
"""``ai_generated`` threshold: at most this share of pre-LLM human val news above it."""
MAINSTREAM_NEWS_CORPORA: frozenset[str] = frozenset(
    {
        "saudinewsnet",
        "mce-arabic-news-credibility",
        "en-l2r-newsarticle",
        "en-fakes-syria",
        "en-recovery-sample",
    }
)
"""Corpora whose label-0 rows are human-written mainstream news (thresholds are set on them)."""
CORPUS_LICENCES: Mapping[str, str] = {
    "mce-arabic-news-credibility": "Apache-2.0 (repository); texts belong to the outlets",
    "arabic-aigt-diacritics": "none stated (research repository)",
    "saudinewsnet": "CC BY-NC-SA 4.0 (research only)",
    "en-l2r-newsarticle": "CC BY 3.0",
    "en-llmfake": "none stated (released for research)",
    "en-fakes-syria": "CC BY 4.0",
    "en-recovery-sample": "CC BY-NC-SA 4.0",
    "editor-feedback": "the newsroom's own editor verdicts (POST /v1/feedback); texts as scored",
    WEB_PAGES_CORPUS: "third-party page excerpts, development use only (see its PROVENANCE files)",
}
FEEDBACK_CORPUS = "editor-feedback"
"""``source_corpus`` of the rows made from editor verdicts in the store."""
FEEDBACK_LABELS: Mapping[str, int] = {"unreliable": 1, "reliable": 0}
"""Credibility label of each editor verdict that training uses (``review`` is no verdict)."""
UNRELIABLE_FALSE_POSITIVE_RATE = 0.01
CORPUS_FALSE_POSITIVE_RATE = 0.03
"""At most this share of one mainstream corpus's human val articles below ``unreliable_below``."""
MIN_CORPUS_THRESHOLD_ROWS = 50
RELIABLE_MISS_RATE = 0.05
"""At most this share of unreliable val articles may score above ``reliable_above``."""

Say = Callable[[str], None]

MEMORY_FEATURES: frozenset[str] = frozenset(
    {
        "beat.score",
        "templating.score",
        "beat.history_articles",
        "beat.history_topic_share",
        "beat.history_distinct_topics",
        "beat.articles_per_day",
        "templating.max_archive_similarity",
        "templating.archive_near_duplicates",
    }
)
"""Features read from the store (and the scores that mix them in), kept out of the heads.

In the corpora only some sources carry bylines and outlets (SaudiNewsNet, all human news,
among them), so a head fed these values would learn "has a stored history, so human" from
how the corpora were collected; a content farm's bylines gather history too. They reach the
model only through the beat and templating scores in the combiner, whose weights can only
lower reliability. The heads keep every other templating feature (stock phrases, repeated
n-grams, headings), which is what the templating score summarises besides the archive.
"""


OPERATIONAL_FIELDS: tuple[str, ...] = (
    "corpora_dir",
    "models_root",
    "cache_dir",
    "workers",
    "update_default",
    "store_url",
)
"""Config fields that change where and how fast training runs, not what it produces."""


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a trained bundle."""

    seed: int = 13
    version: str = MODEL_VERSION
    corpora_dir: Path | None = None
    models_root: Path | None = None
    cache_dir: Path | None = DEFAULT_CACHE_DIR
    max_rows_per_corpus: int | None = None
    human_news_rows: Mapping[str, int] = field(
        default_factory=lambda: {"train": 6000, "val": 2000, "test": 3000}
    )
    human_news_weight: Mapping[str, float] = field(
        default_factory=lambda: {
            "ai_generated": 0.5,
            "credibility": 0.01,
            "content_farm": 0.02,
            "combiner": 0.5,
        }
    )
    web_pages: bool = True
    """Fit on the web-pages corpus (content-farm head, machine-written pages in the
    ``ai_generated`` head, the combiner) and score its pages out of fold."""
    web_pages_weight: Mapping[str, float] = field(
        default_factory=lambda: {
            "ai_generated": 1.5,
            "credibility": 0.0,
            "content_farm": 1.0,
            "combiner": 600.0,
        }
    )
    """Factor on the web pages' row weights in each head's text model (0: not in that head)
    and in the combiner."""
    web_pages_layer_weight: Mapping[str, float] = field(
        default_factory=lambda: {"ai_generated": 0.5, "credibility": 0.0, "content_farm": 1.0}
    )
    """Factor on the web pages' row weights in each head's layer (0: fitted without them)."""
    ai_trusted_news: bool = False
    """MCE's trusted (label 0) articles join the ``ai_generated`` head's human side (with
    web pages in that head)."""
    combiner_signals: str = "scores"
    signal_prior: Mapping[str, float] = field(default_factory=lambda: dict(RulesModel.weights))
    head_signals: Mapping[str, bool] = field(
        default_factory=lambda: {"ai_generated": True, "credibility": False, "content_farm": False}
    )
    head_signal_scores: Mapping[str, bool] = field(
        default_factory=lambda: {"ai_generated": False, "credibility": False, "content_farm": False}
    )
    """A head with signals reads only the signal ``.score`` features, each with a weight that
    can only raise the head (``False``: every signal feature, unconstrained)."""
    n_bits: int = 20
    char_ngrams: tuple[int, int] = (1, 5)
    word_ngrams: int = 2
    strip_diacritics: bool = True
    text_alpha: Mapping[str, float] = field(
        default_factory=lambda: {"ai_generated": 1e-6, "credibility": 3e-5, "content_farm": 3e-5}
    )
    text_epochs: int = 30
    text_model: Mapping[str, str] = field(
        default_factory=lambda: {
            "ai_generated": "sgd",
            "credibility": "sgd",
            "content_farm": "idf_logistic",
        }
    )
    """Each head's text learner: ``sgd`` (hashed n-gram vectors, :data:`TrainConfig.text_alpha`)
    or ``idf_logistic`` (the same vectors weighted by an idf fitted on the head's train rows,
    n-grams on fewer than :data:`TrainConfig.text_min_df` of them dropped, and a logistic
    regression with ``C`` :data:`TrainConfig.text_c`; the idf is folded into the weights, so
    the bundle scores it like any other head)."""
    text_c: Mapping[str, float] = field(default_factory=lambda: {"content_farm": 4.0})
    text_min_df: int = 2
    text_idf_rows: str = "web"
    """Rows the ``idf_logistic`` idf is counted on: ``all`` the head's train rows, ``web``
    its web pages only (when it has any)."""
    folds: int = 5
    layer_c: Mapping[str, float] = field(
        default_factory=lambda: {
            "ai_generated": 0.3,
            "credibility": 0.1,
            "content_farm": 0.3,
            "combiner": 0.3,
        }
    )
    workers: int | None = None
    update_default: bool = True
    with_feedback: bool = False
    """Add the editors' latest verdicts from the store to the train split."""
    store_url: str | None = None
    """Store that holds the feedback (default: ``MIZAN_STORE_URL``)."""
    training_memory: bool = True
    """Compute the memory features (author history, outlet archive) against a store of the
    train split's articles (:mod:`mizan.training.memory`), kept in ``cache_dir/memory``;
    ``False``: with no memory."""

    def to_dict(self) -> dict[str, Any]:
        """Return the fields that define the model as JSON-ready data.

        Machine-specific fields (paths, workers) are left out, so the stored config
        rebuilds the same data and model on any machine.
        """
        data = asdict(self)
        for key in OPERATIONAL_FIELDS:
            data.pop(key, None)
        data["char_ngrams"] = list(self.char_ngrams)
        data["human_news_rows"] = dict(self.human_news_rows)
        data["text_alpha"] = dict(self.text_alpha)
        data["text_model"] = dict(self.text_model)
        data["text_c"] = dict(self.text_c)
        data["human_news_weight"] = dict(self.human_news_weight)
        data["web_pages_weight"] = dict(self.web_pages_weight)
        data["web_pages_layer_weight"] = dict(self.web_pages_layer_weight)
        data["layer_c"] = dict(self.layer_c)
        data["head_signals"] = dict(self.head_signals)
        data["head_signal_scores"] = dict(self.head_signal_scores)
        data["signal_prior"] = dict(self.signal_prior)
        return data


def config_from_metadata(
    metadata: Mapping[str, Any], overrides: Mapping[str, Any] | None = None
) -> TrainConfig:
    """Rebuild the :class:`TrainConfig` a bundle was trained with (``metadata["config"]``)."""
    stored = dict(metadata.get("config", {}))
    known = set(TrainConfig.__dataclass_fields__)
    values: dict[str, Any] = {key: value for key, value in stored.items() if key in known}
    if "char_ngrams" in values:
        values["char_ngrams"] = tuple(values["char_ngrams"])
    defaults = TrainConfig()
    for key, value in list(values.items()):
        default = getattr(defaults, key)
        if isinstance(default, Mapping) and isinstance(value, Mapping):
            # A bundle from before a head was added: that head keeps its default setting.
            values[key] = {**default, **value}
    values.update(overrides or {})
    return TrainConfig(**values)


@dataclass
class PreparedData:
    """Rows with splits, labels, model text and signal features."""

    frame: pd.DataFrame
    feature_names: tuple[str, ...]
    features: np.ndarray
    is_arabic: np.ndarray
    corpora: list[dict[str, Any]]
    feedback: dict[str, Any] | None = None
    """Editor-feedback counts when training used them (``--with-feedback``)."""
    memory: TrainingMemory | None = None
    """The store of train-split articles the memory features were computed against."""


@dataclass
class TextStage:
    """The text models of every head and their logits for every row."""

    vectorizer: TextVectorizer
    matrix: sparse.csr_matrix
    weights: dict[str, tuple[np.ndarray, float]]
    logits: dict[str, np.ndarray]


@dataclass
class TrainResult:
    """What :func:`train` produced."""

    model: TrainedModel
    metadata: dict[str, Any]
    bundle_dir: Path
    data: PreparedData
    text_stage: TextStage
    seconds: float


def _quiet(message: str) -> None:
    logger.info(message)


def worker_count(config: TrainConfig) -> int:
    """Worker processes to use: the configured number, or up to 4 available CPUs."""
    return config.workers or max(1, min(4, len(os.sched_getaffinity(0))))


def corpus_folder_hash(folder: Path) -> str:
    """Return a sha256 over every file in a corpus folder (relative paths and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode("utf-8"))
        digest.update(b"\0")
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def sample_human_news(frame: pd.DataFrame, rows: Mapping[str, int], seed: int) -> pd.DataFrame:
    """Keep at most ``rows[split]`` human-news rows per split, chosen by a seeded hash of the id."""
    is_human = frame["source_corpus"] == HUMAN_NEWS_CORPUS
    keep = ~is_human
    order = frame["id"].map(lambda row_id: hashlib.sha1(f"{seed}:{row_id}".encode()).hexdigest())
    for split, limit in rows.items():
        candidates = order[is_human & (frame["split"] == split)].sort_values()
        keep.loc[candidates.index[:limit]] = True
    return frame[keep].reset_index(drop=True)


@dataclass
class FeedbackRows:
    """Training rows made from editor verdicts, and what could not be used."""

    frame: pd.DataFrame
    verdicts: int
    """Latest reliable/unreliable verdicts in the store."""
    missing_article: list[str] = field(default_factory=list)
    """Article ids whose text neither the feedback nor the archive holds."""


def _feedback_article(record: Any, store: Any) -> ArticleInput | None:
    """Return the article a verdict is about: as sent with the feedback, else as archived."""
    if record.entry.article is not None:
        return ArticleInput.model_validate(dict(record.entry.article))
    stored = store.get_article(record.entry.article_id)
    return None if stored is None else stored.as_input()


def feedback_rows(store: Any) -> FeedbackRows:
    """Turn each article's latest editor verdict in ``store`` into a credibility train row.

    ``unreliable`` is label 1, ``reliable`` label 0; articles whose latest verdict is
    ``review`` are left out. Every row is in the train split, so val and test stay the
    corpora's own held-out rows.

    Args:
        store: An open :class:`~mizan.detector.store.archive.ArticleStore`.
    """
    latest = store.latest_verdicts(tuple(FEEDBACK_LABELS))
    records: list[dict[str, Any]] = []
    missing: list[str] = []
    for article_id in sorted(latest):
        record = latest[article_id]
        article = _feedback_article(record, store)
        if article is None:
            missing.append(article_id)
            continue
        document = parse_article(article)
        if not document.body.strip():
            missing.append(article_id)
            continue
        title = document.title or None
        records.append(
            {
                "id": f"{FEEDBACK_CORPUS}:{article_id}",
                "title": title,
                "text": document.body.strip(),
                "author": article.author,
                "outlet": article.outlet,
                "language": detect_language(f"{title or ''}\n{document.body}"),
                "label": FEEDBACK_LABELS[record.entry.verdict],
                "task": "credibility",
                "source_corpus": FEEDBACK_CORPUS,
                "split": "train",
                "group": None,
                "variant": None,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    frame = frame.astype({"label": "int64"})
    return FeedbackRows(frame, len(latest), missing)


def load_feedback(store_url: str | None = None) -> FeedbackRows:
    """Open the store (``store_url`` or ``MIZAN_STORE_URL``) and read its feedback rows.

    Raises:
        MizanError: the URL names a SQLite file that does not exist.
    """
    from mizan.detector.store.archive import ArticleStore

    url = store_url or get_settings().store_url
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///").split("?", 1)[0])
        if not path.is_file():
            raise MizanError(
                f"--with-feedback: no store at {path} (set MIZAN_STORE_URL or --store)"
            )
    with ArticleStore(url, topics=None) as store:
        return feedback_rows(store)


def add_feedback_rows(frame: pd.DataFrame, feedback: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Append feedback rows to split corpus rows, keeping val and test free of them.

    A feedback article that is a copy or near duplicate (:func:`near_duplicate_pairs`) of a
    val or test row is dropped, so nothing that is evaluated was trained on. One that
    duplicates train rows (or other feedback) shares their ``split_group``, so grouped
    folds keep the copies together.

    Returns:
        The combined frame and the number of feedback rows dropped.
    """
    if feedback.empty:
        return frame, 0
    base = frame.reset_index(drop=True)
    extra = feedback.reset_index(drop=True).copy()
    texts = [*base["text"].tolist(), *extra["text"].tolist()]
    offset = len(base)
    held_out = (base["split"] != "train").to_numpy()
    forest = UnionFind(len(extra))
    leaked: set[int] = set()
    first_train_match: dict[int, int] = {}
    for first, second in near_duplicate_pairs(texts):
        if second < offset:
            continue
        if first >= offset:
            forest.union(first - offset, second - offset)
        elif held_out[first]:
            leaked.add(second - offset)
        else:
            first_train_match.setdefault(second - offset, first)
    components = forest.labels()
    leaked_components = {int(components[position]) for position in leaked}
    base_groups = base[SPLIT_GROUP_COLUMN].to_numpy()
    component_group: dict[int, int] = {}
    for position, train_row in first_train_match.items():
        component_group.setdefault(int(components[position]), int(base_groups[train_row]))
    next_group = int(base[SPLIT_GROUP_COLUMN].max()) + 1 if len(base) else 0
    groups: list[int] = []
    keep: list[bool] = []
    for position in range(len(extra)):
        component = int(components[position])
        keep.append(component not in leaked_components)
        if component not in component_group:
            component_group[component] = next_group
            next_group += 1
        groups.append(component_group[component])
    extra[SPLIT_GROUP_COLUMN] = groups
    extra["split"] = "train"
    extra = extra[keep]
    combined = pd.concat([base, extra], ignore_index=True)
    combined.attrs = dict(base.attrs)
    return combined, len(keep) - int(sum(keep))


def prepare_data(
    config: TrainConfig,
    engine: DetectorEngine,
    say: Say = _quiet,
    progress: ProgressFactory | None = None,
) -> PreparedData:
    """Load, split, sample and extract features (stages 1 and 2)."""
    corpora_root = config.corpora_dir or get_settings().corpora_dir
    say(f"loading corpora from {corpora_root}")
    frame = load_all(corpora_dir=corpora_root, limit=config.max_rows_per_corpus)
    say(f"loaded {len(frame)} rows; assigning leak-free splits (seed {config.seed})")
    frame = assign_splits(frame, seed=config.seed)
    memory = None
    if config.training_memory:
        say("storing the train split's articles with an author or outlet (training memory)")
        folder = Path(config.cache_dir) / "memory" if config.cache_dir is not None else None
        memory = build_training_memory(frame, folder, worker_count(config))
        say(f"training memory: {memory.articles} articles")
    frame = sample_human_news(frame, config.human_news_rows, config.seed)
    say(f"{len(frame)} rows after sampling {HUMAN_NEWS_CORPUS}")
    feedback_summary: dict[str, Any] | None = None
    if config.with_feedback:
        feedback = load_feedback(config.store_url)
        frame, dropped = add_feedback_rows(frame, feedback.frame)
        added = len(feedback.frame) - dropped
        labels = frame.loc[frame["source_corpus"] == FEEDBACK_CORPUS, "label"].value_counts()
        feedback_summary = {
            "verdicts": feedback.verdicts,
            "rows": added,
            "unreliable": int(labels.get(1, 0)),
            "reliable": int(labels.get(0, 0)),
            "missing_article": len(feedback.missing_article),
            "dropped_as_val_test_duplicates": dropped,
        }
        say(
            f"editor feedback: {added} train rows from {feedback.verdicts} verdicts "
            f"({len(feedback.missing_article)} without article text, {dropped} dropped as "
            f"duplicates of val/test rows)"
        )
    if config.web_pages:
        frame = add_web_pages(frame, Path(corpora_root), config, say)
    else:
        frame = frame.assign(**{WEB_FOLD_COLUMN: -1})
    say(f"extracting features of {len(frame)} rows")
    extracted = extract_features(
        frame,
        engine,
        cache_dir=config.cache_dir,
        workers=worker_count(config),
        progress=progress,
        memory=memory,
    )
    frame = frame.join(extracted)
    unparsed = int((frame[PARSED_COLUMN] == 0).sum())
    if unparsed:
        say(f"dropped {unparsed} rows that hold no article text after parsing")
    frame = frame[frame[PARSED_COLUMN] == 1].reset_index(drop=True)
    corpora = []
    for corpus, rows in frame.groupby("source_corpus", sort=True):
        folder = Path(corpora_root) / str(corpus)
        corpora.append(
            {
                "name": corpus,
                "licence": CORPUS_LICENCES.get(str(corpus), "see PROVENANCE.md"),
                "language": ",".join(sorted(rows["language"].astype(str).unique())),
                "task": str(rows["task"].iloc[0]),
                "rows": {split: int((rows["split"] == split).sum()) for split in SPLITS},
                "labels": {str(k): int(v) for k, v in rows["label"].value_counts().items()},
                "folder_sha256": corpus_folder_hash(folder) if folder.is_dir() else None,
                "rows_sha256": corpus_fingerprint(rows),
            }
        )
    return PreparedData(
        frame=frame,
        feature_names=engine.feature_names,
        features=feature_matrix(frame, engine.feature_names),
        is_arabic=(frame[LANGUAGE_COLUMN] == "ar").to_numpy(dtype=np.float64),
        corpora=corpora,
        feedback=feedback_summary,
        memory=memory,
    )


SPLITS: tuple[str, ...] = ("train", "val", "test")


def add_web_pages(
    frame: pd.DataFrame, corpora_root: Path, config: TrainConfig, say: Say = _quiet
) -> pd.DataFrame:
    """Append the web-pages corpus to split rows: all in train, each with its site fold.

    Rows of other corpora get fold -1. The pages' ``split_group`` follows their site-grouped
    fold components (new group numbers), so no grouping joins them to corpus rows.
    """
    folder = corpora_root / WEB_PAGES_CORPUS
    base = frame.assign(**{WEB_FOLD_COLUMN: -1})
    if not folder.is_dir():
        say(f"no {WEB_PAGES_CORPUS} corpus at {folder}: training without web pages")
        return base
    pages = web_pages_frame(folder, config.folds)
    if config.max_rows_per_corpus is not None:
        pages = take_limit(pages, config.max_rows_per_corpus).reset_index(drop=True)
    start = int(base[SPLIT_GROUP_COLUMN].max()) + 1 if len(base) else 0
    codes, _sites = pd.factorize(pages["group"], sort=True)
    pages[SPLIT_GROUP_COLUMN] = start + codes
    say(
        f"{WEB_PAGES_CORPUS}: {len(pages)} pages ({int(pages['label'].sum())} farm or "
        f"machine-written) on {config.folds} site-grouped folds"
    )
    combined = pd.concat([base, pages], ignore_index=True)
    combined.attrs = dict(base.attrs)
    return combined


def web_fold(frame: pd.DataFrame) -> np.ndarray:
    """Each row's web-pages fold (-1 for rows of other corpora)."""
    if WEB_FOLD_COLUMN not in frame.columns:
        return np.full(len(frame), -1, dtype=np.int64)
    return frame[WEB_FOLD_COLUMN].fillna(-1).to_numpy(dtype=np.int64)


def head_mask(
    frame: pd.DataFrame,
    head: str,
    with_human_news: bool,
    with_web_pages: bool = False,
    with_trusted_news: bool = True,
) -> np.ndarray:
    """Rows a head learns from: its task's rows, and the human-news rows if asked.

    With ``with_web_pages`` the ``ai_generated`` head also learns from the machine-written
    web pages (label 1) and the wire pages (label 0), with the trusted (label 0) rows of
    the pre-LLM corpora on the human side; content-farm pages that a person wrote stay
    out of it. The ``content_farm`` head's own task is the web pages.
    """
    task = frame["task"].to_numpy()
    mask: np.ndarray = task == HEAD_TASKS[head]
    if with_human_news:
        mask = mask | (task == "human_news")
    if head == "ai_generated" and with_web_pages:
        kind = frame["variant"].to_numpy()
        web = task == WEB_PAGES_TASK
        machine = np.isin(kind, list(MACHINE_KINDS))
        mask = mask | (web & (machine | (kind == WIRE_KIND)))
    if head == "ai_generated" and with_web_pages and with_trusted_news:
        trusted = frame["source_corpus"].isin(PRE_LLM_HUMAN_CORPORA).to_numpy() & (
            frame["label"].to_numpy() == 0
        )
        mask = mask | trusted
    return mask


def sample_weights(
    frame: pd.DataFrame, human_news_weight: float = 1.0, web_pages_weight: float = 1.0
) -> np.ndarray:
    """Per-row weights: each corpus weighs ``sqrt(rows)`` in all; human news scaled down.

    Square-root balancing keeps the large corpora from drowning the small ones without
    letting a 70-row corpus count as much as a 7,000-row one. Web pages are scaled by
    ``web_pages_weight``.
    """
    counts = frame["source_corpus"].map(frame["source_corpus"].value_counts())
    weights = 1.0 / np.sqrt(counts.to_numpy(dtype=np.float64))
    weights[(frame["task"] == "human_news").to_numpy()] *= human_news_weight
    weights[(frame["task"] == WEB_PAGES_TASK).to_numpy()] *= web_pages_weight
    total = float(weights.sum())
    return weights * (len(weights) / total) if total > 0 else weights


def vectorize_texts(
    vectorizer: TextVectorizer, texts: Sequence[str], workers: int
) -> sparse.csr_matrix:
    """Vectorise ``texts`` in chunks, in parallel when ``workers`` > 1."""
    chunk = 2000
    pieces = [list(texts[start : start + chunk]) for start in range(0, len(texts), chunk)]
    if workers <= 1 or len(pieces) <= 1:
        matrices = [vectorizer.transform(piece) for piece in pieces]
    else:
        matrices = joblib.Parallel(n_jobs=workers)(
            joblib.delayed(vectorizer.transform)(piece) for piece in pieces
        )
    if not matrices:
        return sparse.csr_matrix((0, vectorizer.n_features))
    stacked: sparse.csr_matrix = sparse.vstack(matrices, format="csr")
    return stacked


def _text_learner(config: TrainConfig, head: str) -> SGDClassifier:
    return SGDClassifier(
        loss="log_loss",
        alpha=config.text_alpha[head],
        max_iter=config.text_epochs,
        tol=None,
        random_state=config.seed,
    )


def text_idf(matrix: sparse.csr_matrix, min_df: int) -> np.ndarray:
    """Return the smoothed idf of each bucket over the rows of ``matrix`` (0 below ``min_df``).

    ``idf = ln((1 + n) / (1 + df)) + 1`` as scikit-learn's ``TfidfVectorizer`` computes it;
    a bucket found in fewer than ``min_df`` rows gets 0, so n-grams of one page are not learnt.
    """
    found = np.bincount(matrix.indices, minlength=matrix.shape[1])
    idf: np.ndarray = np.log((1.0 + matrix.shape[0]) / (1.0 + found)) + 1.0
    idf[found < min_df] = 0.0
    return idf


def fit_text_model(
    matrix: sparse.csr_matrix,
    rows: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray,
    config: TrainConfig,
    head: str,
    idf_rows: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """Fit one head's text model on ``rows``; return its bucket weights and bias.

    ``sgd``: a logistic SGD model on the hashed vectors. ``idf_logistic``: a logistic
    regression on the vectors scaled by :func:`text_idf` (counted on ``idf_rows``, by default
    ``rows``), the idf then folded into the weights (``matrix @ weights + bias`` is the
    logit). Row weights are rescaled to mean 1, so ``C`` means what it does unweighted.
    """
    if config.text_model.get(head, "sgd") == "sgd":
        learner = _text_learner(config, head).fit(
            matrix[rows], labels[rows], sample_weight=weights[rows]
        )
        return learner.coef_.ravel().astype(np.float64), float(learner.intercept_[0])
    counted = rows if idf_rows is None or not len(idf_rows) else idf_rows
    idf = text_idf(matrix[counted], config.text_min_df)
    scaled = matrix[rows] @ sparse.diags(idf, format="csr")
    row_weights = weights[rows] * (len(rows) / float(weights[rows].sum()))
    learner = LogisticRegression(C=config.text_c[head], max_iter=5000)
    learner.fit(scaled, labels[rows], sample_weight=row_weights)
    return learner.coef_.ravel() * idf, float(learner.intercept_[0])


def fit_text_stage(data: PreparedData, config: TrainConfig, say: Say = _quiet) -> TextStage:
    """Fit each head's text model; logits are out-of-fold on its train rows (stage 3)."""
    frame = data.frame
    hasher = TextHasher(
        n_bits=config.n_bits,
        char_ngrams=config.char_ngrams,
        word_ngrams=config.word_ngrams,
        strip_diacritics=config.strip_diacritics,
    )
    vectorizer = TextVectorizer(hasher)
    say(f"hashing the text of {len(frame)} rows into 2^{config.n_bits} n-gram buckets")
    matrix = vectorize_texts(vectorizer, frame[TEXT_COLUMN].tolist(), worker_count(config))
    weights: dict[str, tuple[np.ndarray, float]] = {}
    logits: dict[str, np.ndarray] = {}
    for head in HEAD_NAMES:
        weights[head], logits[head] = fit_head_text(matrix, frame, config, head, say)
    return TextStage(vectorizer, matrix, weights, logits)


def fit_head_text(
    matrix: sparse.csr_matrix,
    frame: pd.DataFrame,
    config: TrainConfig,
    head: str,
    say: Say = _quiet,
) -> tuple[tuple[np.ndarray, float], np.ndarray]:
    """Fit one head's text model; return its weights and every row's logit.

    Logits are out of fold on the head's train rows (:func:`text_folds`) and on every web
    page; the full model's elsewhere.
    """
    is_train = (frame["split"] == "train").to_numpy()
    groups = frame[SPLIT_GROUP_COLUMN].to_numpy()
    labels = frame["label"].to_numpy()
    page_fold = web_fold(frame)
    human_news_weight = config.human_news_weight[head]
    web_weight = config.web_pages_weight[head]
    row_weights = sample_weights(frame, human_news_weight, web_weight)
    in_head = head_mask(frame, head, human_news_weight > 0, web_weight > 0, config.ai_trusted_news)
    if web_weight <= 0:
        in_head &= page_fold < 0
    rows = np.flatnonzero(in_head & is_train)
    if len(rows) == 0 or len(np.unique(labels[rows])) < 2:
        raise MizanError(f"{head}: no train rows of both labels to fit its text model on")
    on_pages = config.text_idf_rows == "web"

    def idf_rows(of: np.ndarray) -> np.ndarray | None:
        return of[page_fold[of] >= 0] if on_pages else None

    full_coef, bias = fit_text_model(
        matrix, rows, labels, row_weights, config, head, idf_rows(rows)
    )
    coef = full_coef.astype(np.float32)
    head_logits = np.asarray(matrix @ coef.astype(np.float64)).ravel() + bias
    fold_of = text_folds(rows, groups, page_fold, config.folds)
    folds = int(fold_of.max()) + 1 if len(fold_of) else 0
    say(f"{head}: text model on {len(rows)} train rows; {folds}-fold out-of-fold logits")
    if folds >= 2:
        for current in range(folds):
            fit_rows, held_rows = rows[fold_of != current], rows[fold_of == current]
            if len(np.unique(labels[fit_rows])) < 2:
                continue
            fold_coef, fold_bias = fit_text_model(
                matrix, fit_rows, labels, row_weights, config, head, idf_rows(fit_rows)
            )
            # Every web page of the fold is scored by the model that did not see its
            # sites, including pages outside this head (no web page scores in sample).
            held_rows = np.union1d(held_rows, np.flatnonzero(page_fold == current))
            head_logits[held_rows] = np.asarray(matrix[held_rows] @ fold_coef).ravel() + fold_bias
    return (coef, bias), head_logits


def text_folds(
    rows: np.ndarray, groups: np.ndarray, page_fold: np.ndarray, folds: int
) -> np.ndarray:
    """Return the out-of-fold fold of each of ``rows`` (indices into the frame).

    Web pages keep their site-grouped fold; the other rows are split by ``GroupKFold`` over
    their ``split_group`` (copies and versions of one article stay in one fold). With fewer
    than two groups every row is in fold 0.
    """
    fold_of = np.zeros(len(rows), dtype=np.int64)
    is_page = page_fold[rows] >= 0
    other = np.flatnonzero(~is_page)
    count = min(folds, len(np.unique(groups[rows[other]]))) if len(other) else folds
    if count >= 2 and len(other):
        for current, (_fit, held) in enumerate(
            GroupKFold(n_splits=count).split(other, groups=groups[rows[other]])
        ):
            fold_of[other[held]] = current
    if count >= 2 or not len(other):
        fold_of[is_page] = page_fold[rows[is_page]] % max(count, 1)
    return fold_of


def _long_tailed(values: np.ndarray) -> np.ndarray:
    """Columns read on a log scale: non-negative count-like features with a long tail."""
    if values.shape[0] == 0:
        return np.zeros(values.shape[1], dtype=bool)
    minimum = values.min(axis=0)
    high = np.quantile(values, 0.99, axis=0)
    mask: np.ndarray = (minimum >= 0) & (high > 1.5)
    return mask


def fit_logistic(
    z: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray,
    c_value: float,
    nonnegative: np.ndarray,
    prior: np.ndarray | None = None,
    fixed: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """L2-regularised weighted logistic regression with sign bounds and a prior mean.

    Minimises ``0.5 * |coef - prior|^2 + C * sum(weight * log_loss)`` (scikit-learn's
    convention when ``prior`` is 0) with L-BFGS-B, so sign constraints are plain bounds. A
    coefficient the data says little about stays near its prior; one marked ``fixed``
    stays exactly at it.
    """
    from scipy.optimize import minimize

    signs = 2.0 * labels - 1.0
    center = np.zeros(z.shape[1]) if prior is None else prior

    def objective(parameters: np.ndarray) -> tuple[float, np.ndarray]:
        coef, intercept = parameters[:-1], parameters[-1]
        margins = signs * (z @ coef + intercept)
        losses = np.logaddexp(0.0, -margins)
        slopes = -signs * weights / (1.0 + np.exp(margins))
        offset = coef - center
        value = 0.5 * float(offset @ offset) + c_value * float(weights @ losses)
        gradient = np.append(offset + c_value * (z.T @ slopes), c_value * slopes.sum())
        return value, gradient

    held = np.zeros(z.shape[1], dtype=bool) if fixed is None else fixed
    bounds: list[tuple[float | None, float | None]] = []
    for flag, hold, value in zip(nonnegative, held, center, strict=True):
        bounds.append((float(value), float(value)) if hold else (0.0 if flag else None, None))
    bounds.append((None, None))
    start = np.append(center, 0.0)
    result = minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 5000},
    )
    return result.x[:-1].astype(np.float64), float(result.x[-1])


def prior_only_inputs(
    names: Sequence[str], values: np.ndarray, labels: np.ndarray, prior: Mapping[str, float]
) -> list[str]:
    """Return the inputs with a prior that are non-zero in rows of one label only.

    Their weight cannot be estimated from these rows: a signal that fires only on
    human-written news in the corpora (the beat history, where only SaudiNewsNet carries
    bylines) would be fitted to 0 because no labelled farm article has a byline at all. Such
    inputs keep their prior weight instead of learning the corpora's gaps.
    """
    held = []
    for position, name in enumerate(names):
        if name not in prior:
            continue
        firing = values[:, position] != 0
        if firing.any() and len(np.unique(labels[firing])) < 2:
            held.append(name)
    return held


def fit_layer(
    names: Sequence[str],
    values: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray,
    c_value: float,
    transforms: Mapping[str, str],
    nonnegative: Sequence[str] = (),
    prior: Mapping[str, float] | None = None,
) -> LogisticLayer:
    """Fit a logistic layer on transformed, standardised inputs.

    Constant inputs are dropped, except those with a ``prior`` weight (per unit of the raw
    input), which keep that weight: the data cannot move it. Inputs with a prior that fire
    in rows of one label only (:func:`prior_only_inputs`) are held at their prior too.
    """
    prior = prior or {}
    input_transforms = tuple(transforms.get(name, "identity") for name in names)
    transformed = transform_inputs(values, input_transforms)
    mean = transformed.mean(axis=0)
    scale = transformed.std(axis=0)
    constant = scale <= 1e-9
    with_prior = np.array([name in prior for name in names], dtype=bool)
    kept = ~constant | with_prior
    # A constant input with a prior is read raw (mean 0, scale 1), at its prior weight.
    mean = np.where(constant, 0.0, mean)
    scale = np.where(constant, 1.0, scale)
    layer = LogisticLayer(
        input_names=tuple(name for name, keep in zip(names, kept, strict=True) if keep),
        transforms=tuple(t for t, keep in zip(input_transforms, kept, strict=True) if keep),
        mean=mean[kept],
        scale=scale[kept],
        coef=np.zeros(int(kept.sum())),
        intercept=0.0,
    )
    z = layer.standardise(values[:, kept])
    bounded = np.array([name in nonnegative for name in layer.input_names], dtype=bool)
    prior_z = np.array(
        [
            prior.get(name, 0.0) * width
            for name, width in zip(layer.input_names, layer.scale, strict=True)
        ]
    )
    held = set(prior_only_inputs(names, values, labels, prior))
    fixed = np.array([name in held for name in layer.input_names], dtype=bool)
    layer.coef, layer.intercept = fit_logistic(z, labels, weights, c_value, bounded, prior_z, fixed)
    return layer


def calibrate_layer(
    layer: LogisticLayer, values: np.ndarray, labels: np.ndarray, weights: np.ndarray
) -> LogisticLayer:
    """Platt-scale ``layer`` on held-out rows and fold the map into its weights."""
    logits = layer.logits(values).reshape(-1, 1)
    platt = LogisticRegression(C=1e4, max_iter=1000).fit(logits, labels, sample_weight=weights)
    slope, offset = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    return replace(layer, coef=layer.coef * slope, intercept=layer.intercept * slope + offset)


@dataclass
class StackedLayers:
    """The fitted heads and combiner, before they are put into a model."""

    heads: list[TextHead]
    combiner: LogisticLayer
    thresholds: Thresholds
    held_at_prior: list[str] = field(default_factory=list)
    """Combiner inputs kept at their prior weight (:func:`prior_only_inputs`)."""
    row_logits: dict[str, np.ndarray] = field(default_factory=dict)
    """Every row's head and ``unreliable`` logits from the stage's text logits (out of fold
    on train rows)."""


def _inputs(
    names: Sequence[str],
    data: PreparedData,
    extra: Mapping[str, np.ndarray],
    rows: np.ndarray,
) -> np.ndarray:
    position = {name: index for index, name in enumerate(data.feature_names)}
    columns = [
        extra[name][rows] if name in extra else data.features[rows, position[name]]
        for name in names
    ]
    return np.column_stack(columns) if columns else np.zeros((len(rows), 0))


def choose_thresholds(reliability: np.ndarray, frame: pd.DataFrame, rows: np.ndarray) -> Thresholds:
    """Pick verdict thresholds on held-out rows (indices ``rows`` of ``frame``).

    ``unreliable_below`` flags at most 1% of human-written mainstream news, and at most 3%
    of any one mainstream corpus's human rows (corpora with at least 50 of them);
    ``reliable_above`` lets at most 5% of unreliable articles through as reliable.
    """
    part = frame.iloc[rows]
    scores = reliability[rows]
    human_news = (
        part["source_corpus"].isin(MAINSTREAM_NEWS_CORPORA) & (part["label"] == 0)
    ).to_numpy()
    unreliable = (part["label"] == 1).to_numpy()
    unreliable_below = 0.35
    if human_news.any():
        ordered = np.sort(scores[human_news])
        allowed = int(np.floor(UNRELIABLE_FALSE_POSITIVE_RATE * len(ordered)))
        unreliable_below = float(ordered[allowed])
        # No one corpus may carry the false alarms that the pooled rate allows: each
        # mainstream corpus with enough human val rows keeps its own rate low too.
        corpora = part["source_corpus"].to_numpy()
        for corpus in sorted(set(corpora[human_news])):
            own = np.sort(scores[human_news & (corpora == corpus)])
            if len(own) >= MIN_CORPUS_THRESHOLD_ROWS:
                allowed = int(np.floor(CORPUS_FALSE_POSITIVE_RATE * len(own)))
                unreliable_below = min(unreliable_below, float(own[allowed]))
    reliable_above = 0.7
    if unreliable.any():
        reliable_above = float(np.quantile(scores[unreliable], 1 - RELIABLE_MISS_RATE))
    unreliable_below = float(np.clip(unreliable_below, 0.01, 0.9))
    reliable_above = float(np.clip(max(reliable_above, unreliable_below + 0.05), 0.1, 0.99))
    # Round outwards, so rounding never flags more human news or passes more bad articles.
    return Thresholds(
        math.floor(unreliable_below * 1e4) / 1e4, math.ceil(reliable_above * 1e4) / 1e4
    )


def fit_stack(
    data: PreparedData,
    text_stage: TextStage,
    config: TrainConfig,
    drop_families: Sequence[str] = (),
    held_out: np.ndarray | None = None,
) -> StackedLayers:
    """Fit the head layers and the combiner on train, calibrate on val (stages 4-6).

    ``held_out``: a mask of rows left out of every fit (a web-pages fold, scored out of
    fold from the result's ``row_logits``).
    """
    frame = data.frame
    split = frame["split"].to_numpy()
    labels = frame["label"].to_numpy()
    fitted = split == "train"
    if held_out is not None:
        fitted = fitted & ~held_out
    page_fold = web_fold(frame)
    signal_names = [
        name for name in data.feature_names if name.split(".", 1)[0] not in drop_families
    ]
    signal_positions = [data.feature_names.index(name) for name in signal_names]
    train_rows = np.flatnonzero(fitted)
    long_tailed = _long_tailed(data.features[train_rows][:, signal_positions])
    transforms: dict[str, str] = {
        name: "log1p" for name, flag in zip(signal_names, long_tailed, strict=True) if flag
    }

    extra: dict[str, np.ndarray] = {LANGUAGE_INPUT: data.is_arabic}
    heads: list[TextHead] = []
    for head in HEAD_NAMES:
        text_input, english_input = f"text.{head}", f"text.{head}.english"
        extra[text_input] = text_stage.logits[head]
        extra[english_input] = text_stage.logits[head] * (1.0 - data.is_arabic)
        # No corpus prior: which language an article is in must not move any head by itself
        # (the language flag only carried each language's corpus mix); English keeps its own
        # text weight through ``english_input``.
        names = [text_input, english_input]
        raising: list[str] = []
        if config.head_signals[head] and config.head_signal_scores.get(head, False):
            raising = [name for name in signal_names if name.endswith(".score")]
            raising = [name for name in raising if name not in MEMORY_FEATURES]
            names += raising
        elif config.head_signals[head]:
            names += [name for name in signal_names if name not in MEMORY_FEATURES]
        web_weight = config.web_pages_layer_weight[head]
        weights = sample_weights(frame, config.human_news_weight[head], web_weight)
        in_head = head_mask(
            frame, head, config.human_news_weight[head] > 0, web_weight > 0, config.ai_trusted_news
        )
        if web_weight <= 0:
            in_head &= page_fold < 0
        fit_rows = np.flatnonzero(in_head & fitted)
        val_rows = np.flatnonzero(in_head & (split == "val"))
        if len(np.unique(labels[val_rows])) < 2:
            # A head with no labelled val rows of its own (the web pages are all in train
            # folds) is calibrated on its out-of-fold train logits instead.
            val_rows = fit_rows
        layer = fit_layer(
            names,
            _inputs(names, data, extra, fit_rows),
            labels[fit_rows],
            weights[fit_rows],
            config.layer_c[head],
            {**transforms, **dict.fromkeys(raising, "bounded")},
            raising,
        )
        layer = calibrate_layer(
            layer,
            _inputs(layer.input_names, data, extra, val_rows),
            labels[val_rows],
            weights[val_rows],
        )
        coef, bias = text_stage.weights[head]
        heads.append(TextHead(head, coef, bias, layer))
        extra[head] = layer.logits(_inputs(layer.input_names, data, extra, np.arange(len(frame))))

    combiner_signals = [
        name for name in signal_names if config.combiner_signals == "all" or name.endswith(".score")
    ]
    names = [*HEAD_NAMES, *combiner_signals]
    scores = [name for name in combiner_signals if name.endswith(".score")]
    combiner_transforms = {
        **transforms,
        **dict.fromkeys(HEAD_NAMES, "softplus"),
        **dict.fromkeys(scores, "bounded"),
    }
    # Heads and signal scores may only lower reliability (a monotone, readable combiner).
    nonnegative = [*HEAD_NAMES, *scores]
    prior = {
        f"{family}.score": weight
        for family, weight in config.signal_prior.items()
        if f"{family}.score" in scores
    }
    weights = sample_weights(
        frame, config.human_news_weight["combiner"], config.web_pages_weight["combiner"]
    )
    val_rows = np.flatnonzero(split == "val")
    train_inputs = _inputs(names, data, extra, train_rows)
    combiner = fit_layer(
        names,
        train_inputs,
        labels[train_rows],
        weights[train_rows],
        config.layer_c["combiner"],
        combiner_transforms,
        nonnegative,
        prior,
    )
    combiner = calibrate_layer(
        combiner,
        _inputs(combiner.input_names, data, extra, val_rows),
        labels[val_rows],
        weights[val_rows],
    )
    unreliable_logit = combiner.logits(
        _inputs(combiner.input_names, data, extra, np.arange(len(frame)))
    )
    reliability = 1.0 / (1.0 + np.exp(unreliable_logit))
    thresholds = choose_thresholds(reliability, frame, val_rows)
    held = prior_only_inputs(names, train_inputs, labels[train_rows], prior)
    row_logits = {head: extra[head] for head in HEAD_NAMES}
    row_logits["unreliable"] = unreliable_logit
    return StackedLayers(heads, combiner, thresholds, held, row_logits)


def _sigmoid(values: np.ndarray) -> np.ndarray:
    result: np.ndarray = 1.0 / (1.0 + np.exp(-values))
    return result


def ai_generated_threshold(probabilities: np.ndarray, frame: pd.DataFrame) -> float:
    """Return the ``ai_generated`` probability that at most 1% of pre-LLM human val news exceeds.

    Read on the label-0 val rows of :data:`PRE_LLM_HUMAN_CORPORA` (0.5 when there are none),
    rounded up, and never below 0.5.
    """
    rows = (
        (frame["split"] == "val").to_numpy()
        & frame["source_corpus"].isin(PRE_LLM_HUMAN_CORPORA).to_numpy()
        & (frame["label"].to_numpy() == 0)
    )
    if not rows.any():
        return 0.5
    value = float(np.quantile(probabilities[rows], 1.0 - AI_FALSE_ALARM_RATE))
    return max(0.5, math.ceil(value * 1e4) / 1e4)


def web_pages_cv(
    data: PreparedData,
    text_stage: TextStage,
    config: TrainConfig,
    final: StackedLayers,
) -> dict[str, Any] | None:
    """Score every web page out of fold; return the figures the bundle records.

    For each site-grouped fold the head layers and the combiner are refitted without the
    fold's pages, on text logits from text models that did not see them either
    (:func:`fit_text_stage`), and the fold's pages are scored by those refits. Verdicts use
    the shipped thresholds; ``ai_generated`` recall uses the pre-LLM threshold
    (:func:`ai_generated_threshold`) of the shipped model.
    """
    from sklearn.metrics import roc_auc_score

    frame = data.frame
    page_fold = web_fold(frame)
    pages = np.flatnonzero(page_fold >= 0)
    if not len(pages):
        return None
    unreliable = np.zeros(len(frame))
    ai_logit = np.zeros(len(frame))
    for current in np.unique(page_fold[pages]):
        held = page_fold == current
        refit = fit_stack(data, text_stage, config, held_out=held)
        unreliable[held] = refit.row_logits["unreliable"][held]
        ai_logit[held] = refit.row_logits["ai_generated"][held]
    unreliable_p = _sigmoid(unreliable)
    ai_p = _sigmoid(ai_logit)
    threshold = ai_generated_threshold(_sigmoid(final.row_logits["ai_generated"]), frame)
    reliability = 1.0 - unreliable_p
    labels = frame["label"].to_numpy()
    kind = frame["variant"].to_numpy()
    language = frame[LANGUAGE_COLUMN].to_numpy()
    thresholds = final.thresholds
    summary: dict[str, dict[str, float | int]] = {}
    for name in ("ar", "en", "all"):
        mask = np.zeros(len(frame), dtype=bool)
        mask[pages] = True
        if name != "all":
            mask &= language == name
        farm, wire = mask & (labels == 1), mask & (labels == 0)
        machine = mask & np.isin(kind, list(MACHINE_KINDS))
        both = farm.any() and wire.any()
        summary[name] = {
            "pages": int(mask.sum()),
            "auroc": float(roc_auc_score(labels[mask], unreliable_p[mask])) if both else math.nan,
            "farm_not_reliable": float(np.mean(reliability[farm] <= thresholds.reliable_above))
            if farm.any()
            else math.nan,
            "wire_unreliable": float(np.mean(reliability[wire] < thresholds.unreliable_below))
            if wire.any()
            else math.nan,
            "machine_ai_recall": float(np.mean(ai_p[machine] > threshold))
            if machine.any()
            else math.nan,
        }
    return {
        "folds": config.folds,
        "fold_rule": "site-grouped: no site in two folds, pages sharing a story in one fold",
        "ai_generated_threshold": threshold,
        "summary": summary,
        "pages": [
            {
                "id": str(frame["id"].iat[int(row)]),
                "fold": int(page_fold[row]),
                "unreliable": round(float(unreliable_p[row]), 6),
                "ai_generated": round(float(ai_p[row]), 6),
            }
            for row in pages
        ],
    }


def build_model(
    stacked: StackedLayers, text_stage: TextStage, data: PreparedData, config: TrainConfig
) -> TrainedModel:
    """Put the fitted parts into the object a bundle holds."""
    return TrainedModel(
        name=MODEL_NAME,
        version=config.version,
        feature_names=data.feature_names,
        thresholds=stacked.thresholds,
        vectorizer=text_stage.vectorizer,
        heads=stacked.heads,
        combiner=stacked.combiner,
    )


def probabilities_frame(logits: Mapping[str, np.ndarray], index: pd.Index) -> pd.DataFrame:
    """Turn the heads' logits into ``ai_generated``, ``not_credible``, ``unreliable`` columns."""

    def probability(values: np.ndarray) -> np.ndarray:
        result: np.ndarray = 1.0 / (1.0 + np.exp(-values))
        return result

    columns = {
        "ai_generated": probability(logits["ai_generated"]),
        "not_credible": probability(logits["credibility"]),
        "unreliable": probability(logits["unreliable"]),
    }
    if "content_farm" in logits:
        columns["content_farm"] = probability(logits["content_farm"])
    return pd.DataFrame(columns, index=index)


def score_rows(model: TrainedModel, data: PreparedData, matrix: sparse.csr_matrix) -> pd.DataFrame:
    """Return per-row probabilities: ``ai_generated``, ``not_credible``, ``unreliable``."""
    logits = model.score_arrays(data.features, matrix, data.is_arabic)
    return probabilities_frame(logits, data.frame.index)


def library_versions() -> dict[str, str]:
    """Versions of the libraries a bundle depends on."""
    import scipy
    import sklearn

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "joblib": joblib.__version__,
        "pandas": pd.__version__,
    }


def write_bundle(
    model: TrainedModel, metadata: dict[str, Any], bundle_dir: Path, model_card: str
) -> dict[str, Any]:
    """Write ``model.joblib``, ``metadata.json`` (with its sha256) and ``MODEL_CARD.md``."""
    bundle_dir.mkdir(parents=True, exist_ok=True)
    model_path = bundle_dir / "model.joblib"
    joblib.dump(model, model_path, compress=3)
    metadata = {**metadata, "sha256": sha256_file(model_path)}
    metadata["size_bytes"] = model_path.stat().st_size
    (bundle_dir / "metadata.json").write_text(
        json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (bundle_dir / "MODEL_CARD.md").write_text(model_card, encoding="utf-8")
    return metadata


def train(
    config: TrainConfig,
    say: Say = _quiet,
    progress: ProgressFactory | None = None,
) -> TrainResult:
    """Run every stage and write the bundle; return the model, metadata and data."""
    from mizan.training.evaluate import metrics_by_corpus
    from mizan.training.model_card import render_model_card

    started = time.perf_counter()
    np.random.seed(config.seed)
    engine = DetectorEngine()
    data = prepare_data(config, engine, say, progress)
    text_stage = fit_text_stage(data, config, say)
    say("fitting the head layers and the combiner; calibrating on val")
    stacked = fit_stack(data, text_stage, config)
    if stacked.held_at_prior:
        say(f"kept at their prior weight (they fire in one class only): {stacked.held_at_prior}")
    say("web pages: refitting the layers without each site-grouped fold; out-of-fold scores")
    web_cv = web_pages_cv(data, text_stage, config, stacked)
    if web_cv is not None:
        for language, row in web_cv["summary"].items():
            say(
                f"web pages {language}: AUROC {row['auroc']:.3f}, farm not reliable "
                f"{row['farm_not_reliable']:.0%}, wire unreliable {row['wire_unreliable']:.0%}, "
                f"machine-written ai_generated recall {row['machine_ai_recall']:.0%}"
            )
    model = build_model(stacked, text_stage, data, config)
    scores = score_rows(model, data, text_stage.matrix)
    metrics = {split: metrics_by_corpus(data.frame, scores, split) for split in ("val", "test")}
    models_root = config.models_root or get_settings().models_root
    bundle_dir = Path(models_root) / MODEL_NAME / config.version
    seconds = time.perf_counter() - started
    metadata: dict[str, Any] = {
        "name": MODEL_NAME,
        "version": config.version,
        "model_class": f"{TrainedModel.__module__}.{TrainedModel.__name__}",
        "feature_names": list(data.feature_names),
        "signals": [{"name": s.name, "version": s.version} for s in engine.signals],
        "heads": list(HEAD_NAMES),
        "combiner_inputs": list(model.combiner.input_names),
        "combiner_held_at_prior": stacked.held_at_prior,
        "combiner_coefficients": {
            name: round(float(value), 4)
            for name, value in zip(model.combiner.input_names, model.combiner.coef, strict=True)
        },
        "thresholds": model.thresholds.to_dict(),
        "threshold_rule": (
            f"unreliable_below: at most {UNRELIABLE_FALSE_POSITIVE_RATE:.0%} of human-written "
            f"mainstream news in val ({', '.join(sorted(MAINSTREAM_NEWS_CORPORA))}, label 0) "
            f"and at most {CORPUS_FALSE_POSITIVE_RATE:.0%} of any one of them (with at least "
            f"{MIN_CORPUS_THRESHOLD_ROWS} such val rows); "
            f"reliable_above: at most {RELIABLE_MISS_RATE:.0%} of unreliable val articles above it"
        ),
        "text_model": {
            "hash_bits": config.n_bits,
            "char_ngrams": list(config.char_ngrams),
            "word_ngrams": config.word_ngrams,
            "strip_diacritics": config.strip_diacritics,
        },
        "seed": config.seed,
        "config": config.to_dict(),
        "library_versions": library_versions(),
        "corpora": data.corpora,
        "feedback": data.feedback,
        "training_memory": data.memory.to_dict() if data.memory is not None else None,
        "metrics": metrics,
        "web_pages_cv": web_cv,
        "training_seconds": round(seconds, 1),
    }
    card = render_model_card(metadata)
    metadata = write_bundle(model, metadata, bundle_dir, card)
    if config.update_default:
        (Path(models_root) / "DEFAULT").write_text(
            f"{MODEL_NAME}/{config.version}\n", encoding="utf-8"
        )
    say(f"wrote {bundle_dir} ({metadata['size_bytes'] / 1e6:.1f} MB) in {seconds:.0f} s")
    return TrainResult(model, metadata, bundle_dir, data, text_stage, seconds)


def repo_relative(path: Path) -> str:
    """Show ``path`` relative to the repository when it lies inside it."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
