"""Write and read back report files: JSONL lines appended as they come, Parquet in one go.

Reports are written as JSONL lines appended by :class:`JsonlAppender`; :func:`scan_jsonl`
reads such a file back and cuts off a torn last line left by a killed writer. Parquet
reports are written in one go from such lines by :func:`write_reports_parquet`, with the
fixed columns of :data:`REPORT_COLUMNS`, whose report columns and types come from the
library's definition of a report (:data:`mizan.detector.report_shape.SUMMARY_COLUMNS`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from mizan.detector.errors import MizanError
from mizan.detector.report_shape import SummaryColumn, summary_columns
from mizan.service.batch.formats import PARQUET_BATCH_ROWS

PARQUET_ROW_GROUP_ROWS = 4096

# --- JSONL output ------------------------------------------------------------------------


def dumps_line(record: Mapping[str, Any]) -> str:
    """Serialise one record as a JSONL line (UTF-8 text kept readable, newline at the end)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def scan_jsonl(path: Path, repair: bool = True) -> Iterator[dict[str, Any]]:
    """Read a JSONL file written by :class:`JsonlAppender`, record by record.

    A last line without its newline, or one that does not parse, is what a killed writer
    leaves behind: with ``repair`` the file is truncated before it (else it is skipped).

    Raises:
        MizanError: a line other than the last is not a JSON object (the file is not ours or
            was edited), so resuming from it would not be safe.
    """
    if not path.exists():
        return
    good_end = 0
    torn = False
    with open(path, "rb") as handle:
        line_number = 0
        for raw in handle:
            line_number += 1
            record: Any = None
            if raw.endswith(b"\n"):
                try:
                    record = json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    record = None
            if isinstance(record, dict):
                good_end += len(raw)
                yield record
                continue
            if not raw.strip() and raw.endswith(b"\n"):
                good_end += len(raw)
                continue
            if handle.read(1):
                raise MizanError(
                    f"{path} line {line_number} is not a JSON object; "
                    "it cannot be resumed (use --overwrite to start again)"
                )
            torn = True
    if torn and repair:
        with open(path, "r+b") as handle:
            handle.truncate(good_end)
            handle.flush()
            os.fsync(handle.fileno())


class JsonlAppender:
    """Append JSONL lines to a file: flushed after every :meth:`write`, fsynced every N lines.

    The file is opened on the first write, or at once with ``create``. A process killed
    mid-write leaves at most one torn last line, which :func:`scan_jsonl` removes.
    """

    def __init__(self, path: Path, fsync_every: int = 1000, create: bool = False) -> None:
        self.path = path
        self.fsync_every = max(1, fsync_every)
        self._handle: IO[bytes] | None = open(path, "ab") if create else None
        self._unsynced = 0
        self.lines_written = 0

    def write(self, lines: Sequence[str]) -> None:
        """Append ``lines`` (each ending in a newline) and flush them to the OS."""
        if not lines:
            return
        if self._handle is None:
            self._handle = open(self.path, "ab")
        self._handle.write("".join(lines).encode("utf-8"))
        self._handle.flush()
        self.lines_written += len(lines)
        self._unsynced += len(lines)
        if self._unsynced >= self.fsync_every:
            os.fsync(self._handle.fileno())
            self._unsynced = 0

    def close(self) -> None:
        """Flush, fsync and close the file."""
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            self._handle = None

    def __enter__(self) -> JsonlAppender:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class JsonlStream:
    """Write JSONL lines to an open stream (stdout, stderr), flushed after every write.

    The same ``write``/``close`` interface as :class:`JsonlAppender`; the stream is left
    open. Text streams are written through their byte buffer, so the lines are UTF-8
    whatever the locale.
    """

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.lines_written = 0

    def write(self, lines: Sequence[str]) -> None:
        """Write ``lines`` (each ending in a newline) and flush them."""
        if not lines:
            return
        text = "".join(lines)
        binary = getattr(self.stream, "buffer", None)
        if binary is not None:
            self.stream.flush()
            binary.write(text.encode("utf-8"))
            binary.flush()
        else:
            self.stream.write(text)
            self.stream.flush()
        self.lines_written += len(lines)

    def close(self) -> None:
        """Flush the stream (it stays open)."""
        self.stream.flush()

    def __enter__(self) -> JsonlStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# --- Parquet output ----------------------------------------------------------------------

SUMMARY: tuple[SummaryColumn, ...] = summary_columns()
"""The report's own flat columns, typed from :class:`mizan.detector.report_shape.ReportOut`."""

REPORT_COLUMNS: tuple[str, ...] = ("row", *(column.name for column in SUMMARY), "report_json")
"""Parquet columns: the row number, the report's summary columns, the whole report as JSON."""


def report_schema() -> Any:
    """Return the pyarrow schema of Parquet reports (the full report is in ``report_json``)."""
    import pyarrow as pa  # the batch extra

    arrow = {"string": pa.string(), "float": pa.float64()}
    return pa.schema(
        [
            ("row", pa.int64()),
            *((column.name, arrow[column.kind]) for column in SUMMARY),
            ("report_json", pa.string()),
        ]
    )


def report_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten one report record (``report.to_dict()`` plus ``row``) into the Parquet columns."""
    row: dict[str, Any] = {"row": record.get("row")}
    for column in SUMMARY:
        row[column.name] = column.read(record)
    row["report_json"] = dumps_line(record)[:-1]
    return row


def iter_parquet_columns(path: Path, columns: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Stream ``columns`` of a Parquet file as dicts, one record batch at a time."""
    import pyarrow.parquet as pq  # the batch extra

    for batch in pq.ParquetFile(path).iter_batches(
        batch_size=PARQUET_BATCH_ROWS, columns=list(columns)
    ):
        yield from batch.to_pylist()


def _fsync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def write_reports_parquet(
    destination: Path,
    records: Iterable[Mapping[str, Any]],
    keep_from: Path | None = None,
    row_group_rows: int = PARQUET_ROW_GROUP_ROWS,
) -> int:
    """Write report records to a Parquet file atomically and return the number of rows.

    The file is written to ``<destination>.tmp`` row group by row group, fsynced and renamed
    over ``destination``, so a reader (or a killed run) sees the old file or the new one,
    never half of one.

    Args:
        destination: the Parquet file to create or replace.
        records: report records (``report.to_dict()`` plus ``row``), streamed.
        keep_from: an earlier reports Parquet file whose rows are copied first.
        row_group_rows: rows per row group.
    """
    import pyarrow as pa  # the batch extra
    import pyarrow.parquet as pq  # the batch extra

    schema = report_schema()
    temporary = destination.with_name(destination.name + ".tmp")
    total = 0
    with pq.ParquetWriter(temporary, schema, compression="zstd") as writer:
        if keep_from is not None and keep_from.exists():
            for batch in pq.ParquetFile(keep_from).iter_batches(batch_size=row_group_rows):
                table = pa.Table.from_batches([batch]).select(list(schema.names)).cast(schema)
                writer.write_table(table)
                total += table.num_rows
        pending: list[dict[str, Any]] = []
        for record in records:
            pending.append(report_row(record))
            if len(pending) >= row_group_rows:
                writer.write_table(pa.Table.from_pylist(pending, schema=schema))
                total += len(pending)
                pending = []
        if pending:
            writer.write_table(pa.Table.from_pylist(pending, schema=schema))
            total += len(pending)
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, destination)
    _fsync_directory(destination.parent)
    return total
