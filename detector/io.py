"""Read and write archives of articles and reports: JSONL, CSV and Parquet, one row at a time.

Inputs are streamed (JSONL and CSV line by line, Parquet by record batches) so an archive of
any size is read in constant memory. A :class:`ColumnMapping` says which input column holds
which :class:`~detector.article.ArticleInput` field. Rows are numbered from 1 in input order
(the CSV header and blank JSONL lines are not rows); a row without an id gets the stable id
``row-<number>``.

Reports are written as JSONL lines appended by :class:`JsonlAppender`; :func:`scan_jsonl`
reads such a file back and cuts off a torn last line left by a killed writer. Parquet
reports are written in one go from such lines by :func:`write_reports_parquet`, with the
fixed columns of :data:`REPORT_COLUMNS`.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import csv
import datetime as dt
import gzip
import json
import numbers
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, cast

from detector.contract import ARTICLE_FIELDS as ARTICLE_FIELDS
from detector.contract import BODY_FIELDS as BODY_FIELDS
from detector.contract import unknown_fields_reason
from detector.errors import MizanError

InputFormat = Literal["jsonl", "csv", "parquet"]
OutputFormat = Literal["jsonl", "parquet"]
INPUT_FORMATS: tuple[InputFormat, ...] = ("jsonl", "csv", "parquet")
OUTPUT_FORMATS: tuple[OutputFormat, ...] = ("jsonl", "parquet")


_SUFFIX_FORMATS: dict[str, InputFormat] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
PARQUET_BATCH_ROWS = 1024
PARQUET_ROW_GROUP_ROWS = 4096


STDIO = "-"
"""The name that stands for stdin (as IN) or stdout (as OUT)."""


def is_stdio(path: Path | str) -> bool:
    """Return whether ``path`` is ``-``: stdin as an input, stdout as an output."""
    return str(path) == STDIO


_GZIP_MAGIC = b"\x1f\x8b"
_PARQUET_MAGIC = b"PAR1"
_SNIFF_BYTES = 4096


def sniff_stdin_format(explicit: str | None = None) -> InputFormat:
    """Return the format of stdin: ``explicit`` if given, else told from its first bytes.

    A stream that starts (after a byte-order mark and blanks) with ``{`` or is empty is
    JSONL, one that starts with ``PAR1`` is Parquet, anything else is CSV with a header.
    Nothing is consumed: the bytes are peeked.

    Raises:
        MizanError: an unknown explicit format, or a gzip stream (decompress it first).
    """
    if explicit is not None:
        return detect_input_format(Path(STDIO), explicit)
    stream = sys.stdin.buffer
    peek = getattr(stream, "peek", None)
    head = bytes(peek(_SNIFF_BYTES)[:_SNIFF_BYTES]) if peek is not None else b""
    if head.startswith(_GZIP_MAGIC):
        raise MizanError(
            "stdin is gzip-compressed; decompress it first (zcat FILE.gz | mizan batch - OUT)"
        )
    if head.startswith(_PARQUET_MAGIC):
        return "parquet"
    text = head.removeprefix(codecs.BOM_UTF8).lstrip()
    return "jsonl" if not text or text.startswith(b"{") else "csv"


@contextlib.contextmanager
def stdin_as_file(input_format: InputFormat) -> Iterator[Path]:
    """Yield a path that reads stdin: ``-`` itself for JSONL (streamed), else a spooled copy.

    CSV is re-read after a malformed row and Parquet is read by seeking, so for those
    stdin is first copied to a temporary file, deleted afterwards.
    """
    if input_format == "jsonl":
        yield Path(STDIO)
        return
    with tempfile.TemporaryDirectory(prefix="mizan-stdin-") as directory:
        copy = Path(directory) / f"stdin.{input_format}"
        with open(copy, "wb") as handle:
            shutil.copyfileobj(sys.stdin.buffer, handle, 1024 * 1024)
        yield copy


def _suffix_format(path: Path) -> InputFormat | None:
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return _SUFFIX_FORMATS.get(suffixes[-1]) if suffixes else None


def detect_input_format(path: Path, explicit: str | None = None) -> InputFormat:
    """Return the input format: ``explicit`` if given, else from the suffix (``.gz`` allowed).

    Raises:
        MizanError: the format is unknown or cannot be told from the suffix.
    """
    if explicit is not None:
        if explicit not in INPUT_FORMATS:
            raise MizanError(f"unknown input format {explicit!r}; use one of {INPUT_FORMATS}")
        return explicit
    found = _suffix_format(path)
    if found is None:
        raise MizanError(
            f"cannot tell the format of {path} from its suffix; "
            "name it .jsonl, .csv or .parquet or pass --input-format"
        )
    return found


def detect_output_format(path: Path, explicit: str | None = None) -> OutputFormat:
    """Return the output format: ``explicit`` if given, Parquet for ``.parquet``, else JSONL."""
    if explicit is not None:
        if explicit not in OUTPUT_FORMATS:
            raise MizanError(f"unknown output format {explicit!r}; use one of {OUTPUT_FORMATS}")
        return explicit
    return "parquet" if _suffix_format(path) == "parquet" else "jsonl"


# --- column mapping ----------------------------------------------------------------------


def stable_row_id(row_number: int) -> str:
    """Return the id given to a row that has none: ``row-<number>`` (numbered from 1)."""
    return f"row-{row_number}"


# Fields whose cells may be numbers or dates in a typed archive; every other field is text,
# and a number there (a numeric Parquet body, ``"body": 123`` in JSONL) is a row error.
_NUMBER_AS_TEXT_FIELDS = frozenset({"id", "published_at"})


def _text_value(value: Any, numbers_as_text: bool = True) -> Any:
    """Turn a cell into a field value: None for missing or blank, text for numbers and dates.

    Lists and mappings (and numbers, unless ``numbers_as_text``) are passed through so that
    validation names the bad field.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if not numbers_as_text and isinstance(value, bool | numbers.Real):
        return None if value != value else value  # NaN is a missing cell
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, numbers.Real):
        if value != value:  # NaN from a numeric column
            return None
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value
    return value


@dataclass(frozen=True)
class ColumnMapping:
    """Which input column holds each ArticleInput field.

    A field that is not mapped is read from the column of the same name when it exists.

    Attributes:
        mapped: explicit ``field -> column`` pairs (from ``--map`` and ``--id-column``).
    """

    mapped: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_options(
        cls, map_items: Sequence[str] = (), id_column: str | None = None
    ) -> ColumnMapping:
        """Build a mapping from ``FIELD=COLUMN`` strings and an optional id column.

        Raises:
            MizanError: bad syntax, an unknown field, or a field mapped twice.
        """
        mapped: dict[str, str] = {}
        for item in map_items:
            name, sep, column = item.partition("=")
            name, column = name.strip(), column.strip()
            if not sep or not name or not column:
                raise MizanError(f"--map takes FIELD=COLUMN (e.g. body=content), got {item!r}")
            if name not in ARTICLE_FIELDS:
                raise MizanError(
                    f"--map {item}: {name!r} is not an article field; "
                    f"fields: {', '.join(ARTICLE_FIELDS)}"
                )
            if name in mapped and mapped[name] != column:
                raise MizanError(f"field {name!r} is mapped twice ({mapped[name]!r}, {column!r})")
            mapped[name] = column
        if id_column is not None:
            if mapped.get("id", id_column) != id_column:
                raise MizanError(
                    f"--id-column {id_column!r} disagrees with --map id={mapped['id']}"
                )
            mapped["id"] = id_column
        return cls(mapped)

    def column_for(self, field_name: str) -> str:
        """Return the input column read for ``field_name``."""
        return self.mapped.get(field_name, field_name)

    @property
    def source_columns(self) -> tuple[str, ...]:
        """Every input column that feeds a field, in ArticleInput field order."""
        return tuple(dict.fromkeys(self.column_for(name) for name in ARTICLE_FIELDS))

    def check_header(self, columns: Sequence[str], source: str) -> None:
        """Check that mapped columns exist and that some column gives the article text.

        Raises:
            MizanError: an explicitly mapped column is missing, or no body/html column exists.
        """
        present = set(columns)
        duplicated = sorted(
            {column for column in columns if column in self.source_columns}
            - {column for column in present if list(columns).count(column) == 1}
        )
        if duplicated:
            raise MizanError(
                f"{source} has more than one column named {', '.join(map(repr, duplicated))}; "
                "rename one so that it is clear which is read"
            )
        for name, column in self.mapped.items():
            if column not in present:
                raise MizanError(
                    f"{source} has no column {column!r} (mapped to {name}); "
                    f"columns: {', '.join(columns) or 'none'}"
                )
        if not any(self.column_for(name) in present for name in BODY_FIELDS):
            raise MizanError(
                f"{source} has no 'body' or 'html' column; map one with --map body=COLUMN "
                f"(columns: {', '.join(columns) or 'none'})"
            )

    def unread_columns(self, columns: Sequence[str]) -> tuple[str, ...]:
        """Return the header's columns that feed no article field (``--map`` could name them)."""
        used = set(self.source_columns)
        return tuple(dict.fromkeys(column for column in columns if column not in used))

    def unknown_keys(self, values: Mapping[str, Any], input_format: InputFormat) -> str | None:
        """Say which keys of a JSONL object are no article field (the contract rejects them).

        A JSONL object's keys are its fields, so an unknown one (a misspelt ``autor``) makes
        the row an error, as in the API. CSV and Parquet columns are picked by the mapping:
        their other columns are not read.
        """
        if input_format != "jsonl":
            return None
        return unknown_fields_reason(values, self.source_columns)

    def article_fields(self, values: Mapping[str, Any], fallback_id: str) -> dict[str, Any]:
        """Return the ArticleInput fields of one input row; the id is always set.

        Args:
            values: the row as ``column -> value``.
            fallback_id: the id of a row without one (``stable_row_id(number)``).
        """
        fields: dict[str, Any] = {}
        for name in ARTICLE_FIELDS:
            cell = values.get(self.column_for(name))
            value = _text_value(cell, numbers_as_text=name in _NUMBER_AS_TEXT_FIELDS)
            if value is not None:
                fields[name] = value
        if not isinstance(fields.get("id"), str):
            fields["id"] = fallback_id if "id" not in fields else str(fields["id"])
        return fields


# --- reading inputs ----------------------------------------------------------------------


def add_column_mapping_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--map`` and ``--id-column``, the options read by :meth:`ColumnMapping.from_options`."""
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="read article FIELD from input COLUMN (repeatable), e.g. --map body=content",
    )
    parser.add_argument("--id-column", help="input column holding the article id (default: id)")


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
            import pyarrow.parquet as pq

            return list(pq.ParquetFile(path).schema_arrow.names)
    except _READ_ERRORS as error:
        raise MizanError(f"cannot read {path} as {input_format}: {error}") from error
    return None


def count_rows(path: Path, input_format: InputFormat) -> int | None:
    """Return the number of rows when it is known without reading the data (Parquet)."""
    if input_format == "parquet":
        import pyarrow.parquet as pq

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
    import pyarrow.parquet as pq

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

REPORT_COLUMNS: tuple[str, ...] = (
    "row",
    "id",
    "reliability",
    "verdict",
    "ai_generated",
    "credibility",
    "language",
    "model_name",
    "model_version",
    "report_json",
)


def report_schema() -> Any:
    """Return the pyarrow schema of Parquet reports (the full report is in ``report_json``)."""
    import pyarrow as pa

    return pa.schema(
        [
            ("row", pa.int64()),
            ("id", pa.string()),
            ("reliability", pa.float64()),
            ("verdict", pa.string()),
            ("ai_generated", pa.float64()),
            ("credibility", pa.float64()),
            ("language", pa.string()),
            ("model_name", pa.string()),
            ("model_version", pa.string()),
            ("report_json", pa.string()),
        ]
    )


def report_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten one report record (``report.to_dict()`` plus ``row``) into the Parquet columns."""
    model = record.get("model") or {}
    return {
        "row": record.get("row"),
        "id": record.get("id"),
        "reliability": record.get("reliability"),
        "verdict": record.get("verdict"),
        "ai_generated": record.get("ai_generated"),
        "credibility": record.get("credibility"),
        "language": record.get("language"),
        "model_name": model.get("name"),
        "model_version": model.get("version"),
        "report_json": dumps_line(record)[:-1],
    }


def iter_parquet_columns(path: Path, columns: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Stream ``columns`` of a Parquet file as dicts, one record batch at a time."""
    import pyarrow.parquet as pq

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
    import pyarrow as pa
    import pyarrow.parquet as pq

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
