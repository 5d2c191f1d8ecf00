import json
import zipfile
from typing import Any

import dask
import dask.dataframe as dd
import pandas as pd
import pytest

from mizan.detector.engine import DetectorEngine
from mizan.detector.settings import get_settings
from mizan.service.batch.distributed import (
    OUTPUT_COLUMNS,
    SPARK_SCHEMA,
    score_batches,
    score_meta,
    score_partition,
)
from mizan.service.batch.reports import REPORT_COLUMNS

SAMPLE_ROWS = 40


def _saudinewsnet_sample(count: int) -> list[dict[str, Any]]:
    dataset = get_settings().corpora_dir / "saudinewsnet" / "dataset"
    archives = sorted(dataset.glob("*.zip")) if dataset.is_dir() else []
    if not archives:
        pytest.skip(f"the saudinewsnet corpus is not at {dataset} (set MIZAN_CORPORA_DIR)")
    with zipfile.ZipFile(archives[0]) as archive:
        articles = json.loads(archive.read(archive.namelist()[0]))
    return [article for article in articles if article.get("content", "").strip()][:count]


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    """Real articles with the corpus's own column names (content, not body)."""
    articles = _saudinewsnet_sample(SAMPLE_ROWS)
    frame = pd.DataFrame(
        {
            "url": [article["url"] for article in articles],
            "title": [article["title"] for article in articles],
            "content": [article["content"] for article in articles],
            "author": [article.get("author") or None for article in articles],
            "source": [article["source"] for article in articles],
        }
    )
    return frame


@pytest.fixture(scope="module")
def expected(sample: pd.DataFrame) -> list[dict[str, Any]]:
    engine = DetectorEngine.from_settings()
    reports = []
    for row in sample.itertuples(index=False):
        fields = {"id": row.url, "title": row.title, "body": row.content, "outlet": row.source}
        if row.author:
            fields["author"] = row.author
        reports.append(json.loads(json.dumps(engine.score(fields).to_dict())))
    return reports


COLUMNS = {"id": "url", "body": "content", "outlet": "source"}


@pytest.mark.slow
@pytest.mark.parametrize("scheduler", ["processes", "threads"])
def test_dask_map_partitions_matches_the_single_process_engine(
    sample: pd.DataFrame, expected: list[dict[str, Any]], scheduler: str
) -> None:
    articles = dd.from_pandas(sample, npartitions=4)
    reports = articles.map_partitions(score_partition, columns=COLUMNS, meta=score_meta())
    with dask.config.set(scheduler=scheduler, num_workers=2):
        result = reports.compute()
    assert list(result.columns) == list(OUTPUT_COLUMNS)
    assert list(result.index) == list(sample.index)
    assert result["error"].isna().all()
    assert [json.loads(text) for text in result["report_json"]] == expected
    assert list(result["id"]) == list(sample["url"])
    assert list(result["reliability"]) == [report["reliability"] for report in expected]
    assert list(result["verdict"]) == [report["verdict"] for report in expected]
    assert list(result["language"]) == [report["language"] for report in expected]
    assert result.dtypes.to_dict() == score_meta().dtypes.to_dict()
    assert list(result["credibility"]) == [report["credibility"] for report in expected]
    assert set(result["model_name"]) == {report["model"]["name"] for report in expected}
    assert set(result["model_version"]) == {report["model"]["version"] for report in expected}


def test_the_columns_are_those_of_the_batch_parquet_output() -> None:
    # One column list: the Parquet reports of `mizan batch` have the row number in front,
    # Dask and Spark outputs the row's error at the end; the report's columns are the same.
    assert OUTPUT_COLUMNS == (*REPORT_COLUMNS[1:], "error")
    assert OUTPUT_COLUMNS[:3] == ("id", "reliability", "verdict")
    kinds = dict(part.split() for part in SPARK_SCHEMA.split(", "))
    assert kinds["credibility"] == "double" and kinds["model_version"] == "string"
    assert str(score_meta().dtypes["credibility"]) == "float64"


def test_rows_that_cannot_be_scored_get_an_error_not_an_exception() -> None:
    frame = pd.DataFrame(
        {
            "headline": ["ارتفاع أسعار النفط", "Rates on hold", None],
            "content": [
                "ارتفعت أسعار النفط اليوم بنسبة 2 في المئة بعد قرار خفض الإنتاج.",
                "",
                "The council approved the budget on Monday by nine votes to two.",
            ],
            "language": ["ar", "en", "de"],
        },
        index=[10, 11, 12],
    )
    result = score_partition(frame, columns={"body": "content", "title": "headline"})
    assert list(result["id"]) == ["row-10", "row-11", "row-12"]
    assert result.loc[10, "error"] is None and result.loc[10, "language"] == "ar"
    assert json.loads(result.loc[10, "report_json"])["title"] == "ارتفاع أسعار النفط"
    assert result.loc[11, "error"] == "no article text (column 'content')"
    assert str(result.loc[12, "error"]).startswith("language:")
    assert result.loc[[11, 12], "reliability"].isna().all()
    assert result.loc[[11, 12], "report_json"].isna().all()
    assert result.loc[[11, 12], "model_name"].isna().all()
    assert (
        result.loc[10, "model_name"] == json.loads(result.loc[10, "report_json"])["model"]["name"]
    )


def test_score_batches_is_the_spark_map_in_pandas_shape(
    sample: pd.DataFrame, expected: list[dict[str, Any]]
) -> None:
    batches = [sample.iloc[:15], sample.iloc[15:]]
    outputs = list(score_batches(iter(batches), columns=COLUMNS))
    assert [len(output) for output in outputs] == [15, len(sample) - 15]
    assert list(outputs[1].index) == list(range(len(sample) - 15))
    combined = pd.concat(outputs, ignore_index=True)
    assert [json.loads(text) for text in combined["report_json"]] == expected
    assert [part.split()[0] for part in SPARK_SCHEMA.split(", ")] == list(OUTPUT_COLUMNS)
