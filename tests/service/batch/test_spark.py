"""``score_batches`` inside a real local-mode Spark session matches the single-process engine.

Needs the ``spark`` extra (pyspark) and a Java runtime; ``.ci/run`` installs both. The test
skips, saying which is missing, only when one of them is absent.
"""

import functools
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from mizan.detector.engine import DetectorEngine
from mizan.detector.settings import get_settings
from mizan.service.batch.distributed import OUTPUT_COLUMNS, SPARK_SCHEMA, score_batches

pytestmark = pytest.mark.slow

ROWS_PER_ARCHIVE = 8
ARCHIVES = 3
COLUMNS = {"id": "url", "body": "content", "outlet": "source"}


def _java_missing() -> str | None:
    """Return why no Java runtime can start, or ``None`` when one can."""
    java_home = os.environ.get("JAVA_HOME")
    java = os.path.join(java_home, "bin", "java") if java_home else shutil.which("java")
    if not java or not os.path.exists(java):
        return "no Java runtime (no java on PATH or under JAVA_HOME); .ci/run installs one"
    try:
        subprocess.run([java, "-version"], capture_output=True, check=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as error:
        return f"{java} -version failed: {error}"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A local-mode Spark session with two worker threads, Arrow on and the UI off."""
    sql = pytest.importorskip(
        "pyspark.sql", reason="pyspark is not installed (pip install '.[spark]')"
    )
    reason = _java_missing()
    if reason:
        pytest.skip(reason)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYSPARK_PYTHON", sys.executable)
        patch.setenv("PYSPARK_DRIVER_PYTHON", sys.executable)
        session = (
            sql.SparkSession.builder.master("local[2]")
            .appName("mizan-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.driver.memory", "1g")
            .getOrCreate()
        )
        try:
            yield session
        finally:
            session.stop()


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    """Real articles from a few days of SaudiNewsNet, plus two rows that cannot be scored."""
    dataset = get_settings().corpora_dir / "saudinewsnet" / "dataset"
    archives = sorted(dataset.glob("*.zip"))[-ARCHIVES:] if dataset.is_dir() else []
    if not archives:
        pytest.skip(f"the saudinewsnet corpus is not at {dataset} (set MIZAN_CORPORA_DIR)")
    rows: list[dict[str, Any]] = []
    for path in archives:
        with zipfile.ZipFile(path) as archive:
            articles = json.loads(archive.read(archive.namelist()[0]))
        kept = [article for article in articles if article.get("content", "").strip()]
        rows.extend(
            {
                "url": article["url"],
                "title": article["title"],
                "content": article["content"],
                "author": article.get("author") or None,
                "source": article["source"],
            }
            for article in kept[:ROWS_PER_ARCHIVE]
        )
    rows.append(
        {"url": "empty-body", "title": "No text", "content": None, "author": None, "source": "x"}
    )
    rows.append(
        {
            "url": "blank-body",
            "title": "Blank",
            "content": "   ",
            "author": "Desk",
            "source": "x",
        }
    )
    return pd.DataFrame(rows)


def _single_process(frame: pd.DataFrame) -> dict[str, dict[str, Any] | str]:
    """Score each row with one in-process engine: report by id, or the error's text."""
    engine = DetectorEngine.from_settings()
    results: dict[str, dict[str, Any] | str] = {}
    for row in frame.itertuples(index=False):
        if not isinstance(row.content, str):
            results[row.url] = "no article text (column 'content')"
            continue
        fields = {"id": row.url, "title": row.title, "body": row.content, "outlet": row.source}
        if isinstance(row.author, str) and row.author:
            fields["author"] = row.author
        try:
            results[row.url] = json.loads(json.dumps(engine.score(fields).to_dict()))
        except Exception as error:  # noqa: BLE001 - the Spark path reports any scoring error
            results[row.url] = f"{type(error).__name__}: {error}"
    return results


def test_map_in_pandas_matches_the_single_process_engine(spark: Any, sample: pd.DataFrame) -> None:
    expected = _single_process(sample)
    articles = spark.createDataFrame(
        sample, schema="url string, title string, content string, author string, source string"
    ).repartition(3)
    reports = articles.mapInPandas(
        functools.partial(score_batches, columns=COLUMNS), schema=SPARK_SCHEMA
    )
    assert reports.columns == list(OUTPUT_COLUMNS)
    rows = [row.asDict() for row in reports.collect()]
    assert sorted(row["id"] for row in rows) == sorted(sample["url"])
    for row in rows:
        want = expected[row["id"]]
        if isinstance(want, str):
            assert row["error"] is not None, (row["id"], want)
            assert row["reliability"] is None and row["report_json"] is None
            if row["id"] == "empty-body":
                assert row["error"] == want
            continue
        assert row["error"] is None, (row["id"], row["error"])
        assert json.loads(row["report_json"]) == want
        assert row["reliability"] == want["reliability"]
        assert row["verdict"] == want["verdict"]
        assert row["ai_generated"] == want["ai_generated"]
        assert row["language"] == want["language"]
    scored = [row for row in rows if row["error"] is None]
    assert len(scored) >= ROWS_PER_ARCHIVE * ARCHIVES - 1
