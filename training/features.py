"""Feature extraction for training: every row goes through the same engine that scores.

Rows are parsed with :meth:`DetectorEngine.parse` and scored by every signal with
:meth:`DetectorEngine.extract`, so training sees exactly the features (and the text, after
boilerplate removal) that scoring sees. Results are cached per corpus under a key made of
the rows' content hash and the code version (signal versions, feature names and a hash of
the library's source and data files), so reruns of ``mizan train`` and ``mizan evaluate``
only extract what changed.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mizan.detector.article import ArticleInput
from mizan.detector.engine import DetectorEngine
from mizan.detector.errors import MizanError
from mizan.detector.pool import ordered_results, worker_pool
from mizan.detector.settings import REPO_ROOT
from mizan.detector.store import ArticleStore
from mizan.detector.trained import model_text
from mizan.training.memory import TrainingMemory
from mizan.training.records import article_fields, corpus_fingerprint, row_records

logger = logging.getLogger(__name__)

FEATURE_CACHE_FORMAT = "1"
"""Bumped when the layout of cached feature tables changes."""
DEFAULT_CACHE_DIR = REPO_ROOT / ".cache" / "features"
TEXT_COLUMN = "model_text"
"""Cached column: the text the text model reads (title and article content)."""
LANGUAGE_COLUMN = "detected_language"
PARSED_COLUMN = "parsed"
"""Cached column: 1 when the row parsed into an article, 0 when it holds no article text."""
_SOURCE_SUFFIXES = (".py", ".txt", ".json", ".csv")
_CHUNK_ROWS = 200

ProgressFactory = Callable[[int, str], Any]
"""Builds a progress bar: ``factory(total, description)`` with ``update(n)`` and ``close()``."""


def code_version(engine: DetectorEngine) -> str:
    """Return a short hash of what determines the features: signals, names, library files."""
    digest = hashlib.sha256(FEATURE_CACHE_FORMAT.encode())
    for signal in engine.signals:
        digest.update(f"{signal.name}:{signal.version};".encode())
    digest.update("|".join(engine.feature_names).encode())
    library = REPO_ROOT / "detector"
    for path in sorted(library.rglob("*")):
        if path.is_file() and path.suffix in _SOURCE_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(library)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _article_of(row: dict[str, Any]) -> ArticleInput:
    return ArticleInput(**article_fields(row))


_WORKER_ENGINE: DetectorEngine | None = None


def _memory_engine(signal_names: tuple[str, ...], memory_url: str | None) -> DetectorEngine:
    """Return an engine with ``signal_names``, reading the store at ``memory_url`` if given."""
    if memory_url is None:
        return DetectorEngine(signals=signal_names)
    store = ArticleStore(memory_url, refresh_interval_s=float("inf"))
    store.build_index()
    return DetectorEngine(signals=signal_names, memory=store)


def _init_worker(signal_names: tuple[str, ...], memory_url: str | None = None) -> None:
    global _WORKER_ENGINE
    _WORKER_ENGINE = _memory_engine(signal_names, memory_url)


def _extract_rows(
    rows: list[dict[str, Any]], engine: DetectorEngine | None = None
) -> list[dict[str, Any]]:
    """Parse and extract features of ``rows``; rows with no article text get ``parsed = 0``."""
    engine = engine or _WORKER_ENGINE
    if engine is None:
        raise RuntimeError("feature worker used before its engine was built")
    extracted = []
    for row in rows:
        record: dict[str, Any] = {"id": row["id"]}
        try:
            doc = engine.parse(_article_of(row))
            _results, features = engine.extract(doc)
        except MizanError as error:
            logger.debug("%s: not scorable: %s", row["id"], error)
            record.update({PARSED_COLUMN: 0, TEXT_COLUMN: "", LANGUAGE_COLUMN: "und"})
        else:
            record.update(features)
            record.update(
                {PARSED_COLUMN: 1, TEXT_COLUMN: model_text(doc), LANGUAGE_COLUMN: doc.language}
            )
        extracted.append(record)
    return extracted


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _extract_frame(
    frame: pd.DataFrame,
    engine: DetectorEngine,
    workers: int,
    progress: Any | None,
    memory_url: str | None = None,
) -> pd.DataFrame:
    rows = row_records(frame)
    results: list[dict[str, Any]] = []
    signal_names = tuple(signal.name for signal in engine.signals)
    if workers <= 1 or len(rows) < 2 * _CHUNK_ROWS:
        if memory_url is not None:
            engine = _memory_engine(signal_names, memory_url)
        for chunk in _chunks(rows, _CHUNK_ROWS):
            results.extend(_extract_rows(chunk, engine))
            if progress is not None:
                progress.update(len(chunk))
    else:
        with worker_pool(workers, _init_worker, (signal_names, memory_url)) as pool:
            chunks = _chunks(rows, _CHUNK_ROWS)
            for chunk_result in ordered_results(pool, _extract_rows, chunks, 2 * workers):
                results.extend(chunk_result)
                if progress is not None:
                    progress.update(len(chunk_result))
    table = pd.DataFrame.from_records(results)
    for name in engine.feature_names:
        if name not in table.columns:
            table[name] = np.nan
    columns = ["id", PARSED_COLUMN, LANGUAGE_COLUMN, TEXT_COLUMN, *engine.feature_names]
    return table[columns]


def extract_features(
    frame: pd.DataFrame,
    engine: DetectorEngine,
    cache_dir: Path | None = DEFAULT_CACHE_DIR,
    workers: int | None = None,
    progress: ProgressFactory | None = None,
    memory: TrainingMemory | None = None,
) -> pd.DataFrame:
    """Return the features of every row of ``frame``, in its order, using the cache.

    Args:
        frame: Loaded corpus rows (``mizan.training.datasets`` shape).
        engine: The engine whose signals extract the features.
        cache_dir: Folder of cached tables (one parquet file per corpus and key); ``None``
            turns caching off.
        workers: Worker processes (default: the CPUs this process may use, at most 4).
        progress: Optional progress-bar factory.
        memory: The store of training articles the memory features read (author history,
            outlet archive); ``None``: those features are computed with no memory.

    Returns:
        A DataFrame indexed like ``frame`` with ``parsed``, ``detected_language``,
        ``model_text`` and one column per engine feature (0 where a row did not parse).
    """
    workers = workers or min(4, len(os.sched_getaffinity(0)))
    version = code_version(engine)
    memory_url = None
    if memory is not None:
        version = f"{version}-m{memory.key}"
        memory_url = memory.url
    parts: list[pd.DataFrame] = []
    for corpus, rows in frame.groupby("source_corpus", sort=True):
        key = f"{corpus}-{corpus_fingerprint(rows)[:16]}-{version}"
        path = None if cache_dir is None else Path(cache_dir) / f"{key}.parquet"
        if path is not None and path.is_file():
            table = pd.read_parquet(path)
            logger.info("%s: %d feature rows from cache %s", corpus, len(table), path.name)
        else:
            bar = progress(len(rows), f"features {corpus}") if progress is not None else None
            table = _extract_frame(rows, engine, workers, bar, memory_url)
            if bar is not None:
                bar.close()
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                table.to_parquet(path, index=False)
        table = table.set_index("id").reindex(rows["id"].tolist())
        table.index = rows.index
        parts.append(table)
    if not parts:
        empty_columns = [PARSED_COLUMN, LANGUAGE_COLUMN, TEXT_COLUMN, *engine.feature_names]
        return pd.DataFrame(columns=empty_columns, index=frame.index)
    combined = pd.concat(parts).reindex(frame.index)
    feature_columns = list(engine.feature_names)
    combined[feature_columns] = combined[feature_columns].astype(float).fillna(0.0)
    combined[PARSED_COLUMN] = combined[PARSED_COLUMN].fillna(0).astype(int)
    combined[TEXT_COLUMN] = combined[TEXT_COLUMN].fillna("")
    return combined


def feature_matrix(features: pd.DataFrame, names: Sequence[str]) -> np.ndarray:
    """Return the named feature columns as a float matrix."""
    return features[list(names)].to_numpy(dtype=np.float64)
