"""Score articles inside Dask or Spark, with the same engine as everywhere else.

Each worker process builds one engine the first time it scores (a module-level cache), so a
partition costs no model loading after the first.

Dask (``dask[dataframe]``)::

    import dask.dataframe as dd
    from mizan.service.batch.distributed import score_partition, score_meta

    articles = dd.read_parquet("archive/*.parquet")
    reports = articles.map_partitions(
        score_partition, columns={"body": "content", "title": "headline"}, meta=score_meta()
    )
    reports.to_parquet("reports/")

Spark (``mapInPandas``; pyspark is not a dependency of this package)::

    from mizan.service.batch.distributed import SPARK_SCHEMA, score_batches

    articles = spark.read.parquet("archive/")
    reports = articles.mapInPandas(
        lambda batches: score_batches(batches, columns={"body": "content"}),
        schema=SPARK_SCHEMA,
    )

Output columns, one row per input row in the same order: the report's summary columns, the
same as in ``mizan batch`` Parquet output (:data:`mizan.service.batch.reports.SUMMARY`, from
:data:`mizan.detector.report_shape.SUMMARY_COLUMNS`: ``id``, ``reliability``, ``verdict``,
``ai_generated``, ``credibility``, ``language``, ``model_name``, ``model_version``), then
``report_json`` (``report.to_dict()`` as JSON) and ``error`` (why a row could not be scored;
the other columns but ``id`` are then null). A row without an id gets ``row-<index label>``,
stable as long as the frame's index is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from mizan.detector.contract import BODY_FIELDS, check_article, default_max_text_chars
from mizan.detector.errors import MizanError
from mizan.detector.report_shape import ColumnKind
from mizan.service.batch.columns import ColumnMapping
from mizan.service.batch.reports import SUMMARY, dumps_line
from mizan.service.batch.runner import EngineFactory, build_default_engine

if TYPE_CHECKING:
    from mizan.detector.engine import DetectorEngine

OUTPUT_COLUMNS: tuple[str, ...] = (*(column.name for column in SUMMARY), "report_json", "error")
"""The output columns: the report's summary columns, the whole report as JSON, the row's error."""

_DTYPES: dict[ColumnKind, str] = {"string": "object", "float": "float64"}
_SPARK_TYPES: dict[ColumnKind, str] = {"string": "string", "float": "double"}
_KINDS: dict[str, ColumnKind] = {
    **{column.name: column.kind for column in SUMMARY},
    "report_json": "string",
    "error": "string",
}

SPARK_SCHEMA = ", ".join(f"{name} {_SPARK_TYPES[_KINDS[name]]}" for name in OUTPUT_COLUMNS)
"""The Spark DDL schema of :func:`score_batches`' output (:data:`OUTPUT_COLUMNS`, typed)."""

_engines: dict[EngineFactory, DetectorEngine] = {}


def cached_engine(engine_factory: EngineFactory = build_default_engine) -> DetectorEngine:
    """Return this process's engine for ``engine_factory``, building it on first use."""
    engine = _engines.get(engine_factory)
    if engine is None:
        engine = _engines[engine_factory] = engine_factory()
    return engine


def score_meta() -> pd.DataFrame:
    """Return an empty frame with the output columns and dtypes (Dask's ``meta``)."""
    return pd.DataFrame(
        {name: pd.Series([], dtype=_DTYPES[_KINDS[name]]) for name in OUTPUT_COLUMNS}
    )


def score_partition(
    df: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    id_column: str | None = None,
    explain: bool = True,
    engine_factory: EngineFactory = build_default_engine,
) -> pd.DataFrame:
    """Score every row of one partition; usable with ``dask.dataframe.map_partitions``.

    Args:
        df: one partition; columns named like ArticleInput fields unless ``columns`` maps them.
        columns: ``field -> column`` pairs, e.g. ``{"body": "content", "title": "headline"}``.
        id_column: the column holding article ids (same as ``columns={"id": ...}``).
        explain: include evidence and feature contributions in ``report_json``.
        engine_factory: builds the engine; a top-level function so it pickles to workers.

    Returns:
        A frame with :data:`OUTPUT_COLUMNS`, one row per input row, indexed like ``df``.
        Rows that cannot be scored (checked against :mod:`mizan.detector.contract`, as in the
        API) have ``error`` set and no scores; nothing is raised.
    """
    mapping = ColumnMapping.from_options(
        [f"{name}={column}" for name, column in (columns or {}).items()], id_column
    )
    engine = cached_engine(engine_factory)
    max_text_chars = default_max_text_chars()
    cells = df.astype(object).where(df.notna(), None)
    records: list[dict[str, Any]] = []
    names = [str(column) for column in df.columns]
    for label, row_values in zip(df.index, cells.itertuples(index=False, name=None), strict=True):
        fields = mapping.article_fields(dict(zip(names, row_values, strict=True)), f"row-{label}")
        record: dict[str, Any] = dict.fromkeys(OUTPUT_COLUMNS)
        record["id"] = fields["id"]
        try:
            if not any(name in fields for name in BODY_FIELDS):
                raise MizanError(f"no article text (column {mapping.column_for('body')!r})")
            article = check_article(fields, max_text_chars)
            report = engine.score(article, explain=explain).to_dict()
        except MizanError as error:
            record["error"] = str(error)
        else:
            record.update((column.name, column.read(report)) for column in SUMMARY)
            record["report_json"] = dumps_line(report)[:-1]
        records.append(record)
    dtypes = score_meta().dtypes
    return pd.DataFrame(
        {
            name: pd.Series(
                [record[name] for record in records], index=df.index, dtype=dtypes[name]
            )
            for name in OUTPUT_COLUMNS
        }
    )


def score_batches(
    batches: Iterable[pd.DataFrame],
    columns: Mapping[str, str] | None = None,
    id_column: str | None = None,
    explain: bool = True,
    engine_factory: EngineFactory = build_default_engine,
) -> Iterator[pd.DataFrame]:
    """Score an iterator of frames; the function Spark's ``mapInPandas`` expects.

    Arguments are those of :func:`score_partition`; the output matches :data:`SPARK_SCHEMA`.
    """
    for batch in batches:
        yield score_partition(batch, columns, id_column, explain, engine_factory).reset_index(
            drop=True
        )
