"""The topic classifier's corpora: loading, the fixed held-out split, provenance.

What each corpus holds and how its labels map to :data:`~mizan.detector.topics.TOPICS` is described
in :mod:`mizan.training.topics`, which trains on them.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from mizan.detector.settings import get_settings
from mizan.detector.text import normalize_for_matching
from mizan.detector.topics import MAX_CLASSIFIED_CHARS, file_sha256

logger = logging.getLogger(__name__)

SEED = 13
TEST_FRACTION = 0.2
MIN_ENGLISH_EVALUATION_CHARS = 300

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


def corpus_fingerprint(paths: Iterable[Path], root: Path) -> str:
    """Return one sha256 over the relative paths and sha256s of the corpus files used."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(f"{path.relative_to(root)}\t{file_sha256(path)}\n".encode())
    return digest.hexdigest()


def corpus_files(corpora_dir: Path) -> dict[str, list[Path]]:
    """Return the files of each training corpus that a bundle's fingerprint covers."""
    return {
        ANT: sorted((corpora_dir / ANT).glob("*/*/*.txt")),
        SANAD: [corpora_dir / SANAD / "kb_articles_sanad.csv"],
    }
