"""Read archives of articles one row at a time: JSONL, CSV and Parquet.

Inputs are streamed (JSONL and CSV line by line, Parquet by record batches) so an archive of
any size is read in constant memory. Rows are numbered from 1 in input order (the CSV header
and blank JSONL lines are not rows); a row that cannot be read comes with the reason instead
of its values.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from mizan.detector.errors import MizanError
from mizan.service.batch.formats import PARQUET_BATCH_ROWS, InputFormat, is_stdio


@dataclass(frozen=True)
class SourceRow:
    """One input row: its number (from 1) and its values, or why it could not be read."""

    number: int
    values: dict[str, Any] | None
    problem: str | None = None


def _open_binary(path: Path) -> contextlib.AbstractContextManager[IO[bytes]]:
    """Open an input for one ``with`` block; stdin (``-``) is left open at its end."""
    if is_stdio(path):
        return contextlib.nullcontext(sys.stdin.buffer)
    if path.suffix.lower() == ".gz":
        return cast(IO[bytes], gzip.open(path, "rb"))
    return open(path, "rb")


def _decoded_lines(handle: IO[bytes]) -> Iterator[str]:
    """Decode lines one by one and drop a byte-order mark; bad bytes become lone surrogates."""
    for index, line in enumerate(handle):
        if index == 0 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        yield line.decode("utf-8", "surrogateescape")


def _is_utf8(cells: Iterable[str]) -> bool:
    """Return whether no cell holds a byte that was not UTF-8 (a lone surrogate)."""
    try:
        for cell in cells:
            cell.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# What a malformed archive raises while it is read (pyarrow's errors are ValueError or OSError).
_READ_ERRORS = (UnicodeDecodeError, csv.Error, ValueError, EOFError)


def read_header(path: Path, input_format: InputFormat) -> list[str] | None:
    """Return the column names of a CSV or Parquet input; None for JSONL (no header).

    Raises:
        MizanError: the file cannot be read in that format.
    """
    try:
        if input_format == "csv":
            with _open_binary(path) as handle:
                return next(csv.reader(_decoded_lines(handle)), [])
        if input_format == "parquet":
            import pyarrow.parquet as pq  # the batch extra

            return list(pq.ParquetFile(path).schema_arrow.names)
    except _READ_ERRORS as error:
        raise MizanError(f"cannot read {path} as {input_format}: {error}") from error
    return None


def count_rows(path: Path, input_format: InputFormat) -> int | None:
    """Return the number of rows when it is known without reading the data (Parquet)."""
    if input_format == "parquet":
        import pyarrow.parquet as pq  # the batch extra

        return int(pq.ParquetFile(path).metadata.num_rows)
    return None


def _iter_jsonl(path: Path) -> Iterator[SourceRow]:
    # Bytes, so that only "\n" ends a line and one badly encoded line is one bad row.
    # Rows are numbered by physical line, blank lines included, so a row number in the
    # errors file is the line an editor opens.
    with _open_binary(path) as handle:
        for number, line in enumerate(handle, start=1):
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8) :]
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                yield SourceRow(number, None, f"line is not valid JSON: {error.msg}")
                continue
            except UnicodeDecodeError:
                yield SourceRow(number, None, "line is not valid UTF-8")
                continue
            except RecursionError:
                yield SourceRow(number, None, "line is not valid JSON: nested too deeply")
                continue
            if not isinstance(value, dict):
                yield SourceRow(number, None, "line is not a JSON object")
                continue
            yield SourceRow(number, value)


# A cell larger than this is an error, so that a runaway quote cannot swallow a whole archive.
_CSV_FIELD_LIMIT = 16 * 1024 * 1024


class _TrackedLines:
    """Decoded lines of a binary handle, knowing where the next line starts (to re-read)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.position = 0
        self.line_number = 0  # physical lines read so far

    def __iter__(self) -> _TrackedLines:
        return self

    def __next__(self) -> str:
        line = self.handle.readline()
        if not line:
            raise StopIteration
        if self.line_number == 0 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        self.line_number += 1
        self.position = self.handle.tell()
        return line.decode("utf-8", "surrogateescape")

    def restart_after(self, position: int, line_number: int) -> None:
        """Go back to the line that starts at ``position`` and step over it."""
        self.handle.seek(position)
        self.handle.readline()
        self.position = self.handle.tell()
        self.line_number = line_number + 1


def _iter_csv(path: Path) -> Iterator[SourceRow]:
    """Yield the rows of a CSV file, numbered from 1; a malformed row is one bad row.

    The reader is strict: a quote that is never closed, or text after a closing quote, is an
    error instead of silently merging the rows that follow into one cell. After such a row,
    reading starts again on the physical line after the one the bad row began on.
    """
    # Article bodies are far longer than the csv module's default 128 KiB field limit.
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    with _open_binary(path) as handle:
        lines = _TrackedLines(handle)
        reader = csv.reader(lines, strict=True)
        try:
            header = next(reader, None)
        except csv.Error as error:
            raise MizanError(f"the header of {path} is not valid CSV: {error}") from error
        if header is None:
            return
        number = 0
        while True:
            row_position, row_line = lines.position, lines.line_number
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                number += 1
                problem = f"row is not valid CSV (it starts on line {row_line + 1}): {error}"
                yield SourceRow(number, None, problem)
                lines.restart_after(row_position, row_line)
                reader = csv.reader(lines, strict=True)
                continue
            if not cells:
                continue
            number += 1
            if len(cells) > len(header):
                yield SourceRow(number, None, "row has more cells than the header")
            elif not _is_utf8(cells):
                yield SourceRow(number, None, "row is not valid UTF-8")
            else:
                padded = cells + [""] * (len(header) - len(cells))
                yield SourceRow(number, dict(zip(header, padded, strict=True)))


def _iter_parquet(
    path: Path, columns: Sequence[str] | None, batch_rows: int
) -> Iterator[SourceRow]:
    import pyarrow.parquet as pq  # the batch extra

    parquet_file = pq.ParquetFile(path)
    present = set(parquet_file.schema_arrow.names)
    wanted = [column for column in columns if column in present] if columns else None
    number = 0
    for batch in parquet_file.iter_batches(batch_size=batch_rows, columns=wanted):
        for values in batch.to_pylist():
            number += 1
            yield SourceRow(number, values)


def iter_source_rows(
    path: Path,
    input_format: InputFormat,
    columns: Sequence[str] | None = None,
    batch_rows: int = PARQUET_BATCH_ROWS,
) -> Iterator[SourceRow]:
    """Stream the rows of an archive, numbered from 1.

    Args:
        path: the archive (``.gz`` is read transparently for JSONL and CSV).
        input_format: ``jsonl``, ``csv`` or ``parquet``.
        columns: for Parquet, the only columns to read (absent ones are skipped).
        batch_rows: Parquet record-batch size.

    Yields:
        One :class:`SourceRow` per row; a line that is not a JSON object, or a CSV row with
        more cells than the header, comes with ``problem`` set instead of values.

    Raises:
        MizanError: the archive is malformed past row level (bad CSV encoding, a corrupt
            Parquet page, a truncated gzip stream); the message names the last good row.
    """
    if input_format == "jsonl":
        rows = _iter_jsonl(path)
    elif input_format == "csv":
        rows = _iter_csv(path)
    else:
        rows = _iter_parquet(path, columns, batch_rows)
    number = 0
    try:
        for row in rows:
            number = row.number
            yield row
    except _READ_ERRORS as error:
        raise MizanError(
            f"cannot read {path} as {input_format} after row {number}: {error}"
        ) from error
