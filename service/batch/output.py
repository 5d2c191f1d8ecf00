"""The files of one batch run, and what an earlier, killed run already finished.

See :mod:`mizan.service.batch.runner` for how a run journals its reports and how ``--resume`` reads
them back.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mizan.detector.errors import MizanError
from mizan.service.batch.formats import OutputFormat, is_stdio
from mizan.service.batch.reports import iter_parquet_columns, scan_jsonl, write_reports_parquet

# --- output paths and resume state ---------------------------------------------------------


@dataclass(frozen=True)
class OutputPaths:
    """The files one batch run writes."""

    output: Path
    output_format: OutputFormat
    errors_path: Path | None = None

    @property
    def reports_journal(self) -> Path:
        """The JSONL file reports are appended to while the run lasts."""
        if self.output_format == "jsonl":
            return self.output
        return self.output.with_name(self.output.name + ".partial.jsonl")

    @property
    def errors(self) -> Path:
        """The JSONL file of rows that could not be scored (``--errors``, else beside OUT)."""
        if self.errors_path is not None:
            return self.errors_path
        return self.output.with_name(self.output.name + ".errors.jsonl")

    @property
    def parquet_temporary(self) -> Path:
        """Where the final Parquet file is written before it is renamed over the output."""
        return self.output.with_name(self.output.name + ".tmp")

    def existing(self) -> list[Path]:
        """Return the files of an earlier run that hold data."""
        paths = dict.fromkeys([self.output, self.reports_journal, *self._errors_file()])
        return [path for path in paths if path.exists() and path.stat().st_size > 0]

    def remove(self) -> None:
        """Delete every file of an earlier run."""
        for path in (self.output, self.reports_journal, self.parquet_temporary):
            path.unlink(missing_ok=True)
        for path in self._errors_file():
            path.unlink(missing_ok=True)

    def _errors_file(self) -> list[Path]:
        """Return the errors file as a list: empty when rejected rows go to stderr (``-``)."""
        return [] if is_stdio(self.errors) else [self.errors]


# Where a finished row was found; kept as one byte per row number.
_NOT_DONE, _IN_FINAL_OUTPUT, _IN_JOURNAL, _IN_ERRORS = 0, 1, 2, 3


def _id_hash(article_id: str) -> int:
    return zlib.crc32(article_id.encode("utf-8"))


class CompletedRows:
    """The rows an earlier run finished, by row number, with a hash of each row's id.

    One byte (where the row was found) and four bytes (id hash) per row number, so resuming
    an archive of ten million rows costs about 50 MB, not a set of strings.
    """

    def __init__(self) -> None:
        self._where = bytearray()
        self._id_hashes = array("I")
        self.count = 0

    def _grow(self, row: int) -> None:
        missing = row + 1 - len(self._where)
        if missing > 0:
            extra = max(missing, len(self._where) // 2, 1024)
            self._where.extend(bytes(extra))
            self._id_hashes.frombytes(bytes(self._id_hashes.itemsize * extra))

    def add(self, row: int, article_id: str, where: int, source: Path) -> None:
        """Record that ``row`` (with ``article_id``) is finished in ``source``.

        Raises:
            MizanError: the record has no usable row number, or the row is there twice.
        """
        if row < 1:
            raise MizanError(f"{source} has a record without a valid 'row'; cannot resume")
        self._grow(row)
        previous = self._where[row]
        if previous == _IN_FINAL_OUTPUT and where == _IN_JOURNAL:
            # Left by a run killed between the Parquet rename and the journal's deletion.
            return
        if previous != _NOT_DONE:
            raise MizanError(f"{source} holds row {row} twice; cannot resume safely")
        self._where[row] = where
        self._id_hashes[row] = _id_hash(article_id)
        self.count += 1

    def where(self, row: int) -> int:
        """Return where ``row`` was found (0 when it is not finished)."""
        return self._where[row] if row < len(self._where) else _NOT_DONE

    def id_matches(self, row: int, article_id: str) -> bool:
        """Return whether the finished ``row`` was written with ``article_id``."""
        return self._id_hashes[row] == _id_hash(article_id)


def _record_row(record: dict[str, Any], source: Path) -> tuple[int, str]:
    row, article_id = record.get("row"), record.get("id")
    if not isinstance(row, int) or not isinstance(article_id, str):
        raise MizanError(f"{source} has a record without 'row' and 'id'; cannot resume")
    return row, article_id


def load_completed_rows(paths: OutputPaths) -> CompletedRows:
    """Read the rows an earlier run finished, cutting off torn last lines."""
    completed = CompletedRows()
    if paths.output_format == "parquet":
        paths.parquet_temporary.unlink(missing_ok=True)
        if paths.output.exists():
            try:
                for record in iter_parquet_columns(paths.output, ("row", "id")):
                    row, article_id = _record_row(record, paths.output)
                    completed.add(row, article_id, _IN_FINAL_OUTPUT, paths.output)
            except (OSError, ValueError) as error:
                raise MizanError(
                    f"{paths.output} is not a reports Parquet file ({error}); "
                    "use --overwrite to start again"
                ) from error
    for record in scan_jsonl(paths.reports_journal):
        row, article_id = _record_row(record, paths.reports_journal)
        completed.add(row, article_id, _IN_JOURNAL, paths.reports_journal)
    for record in scan_jsonl(paths.errors):
        row, article_id = _record_row(record, paths.errors)
        completed.add(row, article_id, _IN_ERRORS, paths.errors)
    return completed


def _journal_records(paths: OutputPaths, completed: CompletedRows) -> Iterator[dict[str, Any]]:
    for record in scan_jsonl(paths.reports_journal, repair=False):
        if completed.where(int(record["row"])) != _IN_FINAL_OUTPUT:
            yield record


def finalise_parquet(paths: OutputPaths, completed: CompletedRows) -> None:
    """Write the journal (after an earlier output's rows) to the Parquet output, then drop it."""
    journal = paths.reports_journal
    if journal.exists() or not paths.output.exists():
        keep_from = paths.output if paths.output.exists() else None
        write_reports_parquet(paths.output, _journal_records(paths, completed), keep_from)
    journal.unlink(missing_ok=True)
