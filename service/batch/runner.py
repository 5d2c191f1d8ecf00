"""Score an archive of articles, resumably: the runner behind ``mizan batch IN OUT``.

Input is JSONL, CSV or Parquet (format from the suffix or ``--input-format``), streamed so an
archive of any size runs in constant memory. Each output line is ``report.to_dict()`` plus
``row``, the input row number (from 1; a row without an id gets the id ``row-<number>``).

Crash safety and resuming:

* Reports are appended to a JSONL file chunk by chunk, flushed after every chunk and fsynced
  every ``--fsync-every`` rows. A killed run leaves complete lines plus at most one torn last
  line; ``--resume`` cuts the torn line off, reads the rows already in ``OUT`` and in the
  errors file and scores only the rest, so in the end every input row is in exactly one of
  the two files, once. Rows are matched by row number and their ids are checked, so a
  changed input is refused instead of silently mixed.
* For Parquet output (``--output-format parquet`` or an ``OUT`` ending in ``.parquet``) the
  reports go to the JSONL journal ``OUT.partial.jsonl`` while the run lasts. At the end the
  journal (after the rows of an earlier ``OUT``, on resume) is written to ``OUT.tmp`` row
  group by row group, fsynced and renamed over ``OUT``; then the journal is deleted. A kill at
  any point leaves a readable journal or a complete ``OUT``; a kill between the rename and
  the deletion is recognised on resume (journal rows already in ``OUT`` are not copied twice).
  Parquet columns: see :data:`mizan.service.batch.reports.REPORT_COLUMNS`; ``report_json`` holds
  the report.

Rows that cannot be scored (no body, a field too long or of the wrong type, a line that is
not JSON) go to ``OUT.errors.jsonl`` as ``{"row", "id", "error", "reason"}`` and the run goes
on. Output order is input order within one run; a resumed run appends the rows it scores
after the earlier ones (sort by ``row`` if the order matters).

With ``--workers N`` (N > 1) chunks of rows are scored in N processes, each building one
engine in its initializer; results are written in input order, whatever order they finish in.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import ValidationError

from mizan.detector.budget import time_budget
from mizan.detector.contract import BODY_FIELDS, check_article, no_text_message, validation_reason
from mizan.detector.errors import MizanError
from mizan.detector.pool import batches, ordered_results, worker_pool
from mizan.detector.settings import get_settings
from mizan.service.batch.columns import ColumnMapping, stable_row_id
from mizan.service.batch.formats import (
    InputFormat,
    OutputFormat,
    detect_input_format,
    detect_output_format,
    is_stdio,
    sniff_stdin_format,
    stdin_as_file,
)
from mizan.service.batch.output import (
    CompletedRows,
    OutputPaths,
    finalise_parquet,
    load_completed_rows,
)
from mizan.service.batch.readers import count_rows, iter_source_rows, read_header
from mizan.service.batch.reports import JsonlAppender, JsonlStream, dumps_line

if TYPE_CHECKING:
    from mizan.detector.engine import DetectorEngine

EngineFactory = Callable[[], "DetectorEngine"]
DEFAULT_CHUNK_ROWS = 64
DEFAULT_FSYNC_EVERY = 1000
TASKS_IN_FLIGHT_PER_WORKER = 4


def build_default_engine() -> DetectorEngine:
    """Build the engine the settings describe (the same one ``mizan score`` uses)."""
    # On use: importing the batch package (Dask and Spark workers do) loads no model.
    from mizan.detector.engine import DetectorEngine

    return DetectorEngine.from_settings()


# --- scoring -----------------------------------------------------------------------------


class RowTask(NamedTuple):
    """One row to score: its number, id, and fields, or why it cannot be scored."""

    row: int
    article_id: str
    fields: dict[str, Any] | None
    problem: str | None = None


class RowResult(NamedTuple):
    """One finished row as a ready JSONL line, for the reports file or the errors file."""

    is_report: bool
    line: str


def _error_line(row: int, article_id: str, kind: str, reason: str) -> str:
    return dumps_line({"row": row, "id": article_id, "error": kind, "reason": reason})


def score_chunk(
    engine: DetectorEngine,
    tasks: Sequence[RowTask],
    explain: bool = True,
    include_features: bool = False,
) -> list[RowResult]:
    """Score a chunk of rows; rows that cannot be scored become error lines, never raise.

    Each row is checked against the input contract (:func:`mizan.detector.contract.check_article`:
    field names, types and the ``MIZAN_MAX_TEXT_CHARS`` limits, as in the API) and has the
    scoring time budget of the settings (``MIZAN_SCORE_TIMEOUT_S``); a row that fails either
    is an error line and the run goes on.
    """
    settings = get_settings()
    budget, max_text_chars = settings.score_timeout_s, settings.max_text_chars
    results: list[RowResult] = []
    for task in tasks:
        if task.fields is None:
            reason = task.problem or "row could not be read"
            results.append(
                RowResult(False, _error_line(task.row, task.article_id, "invalid", reason))
            )
            continue
        try:
            article = check_article(task.fields, max_text_chars)
            with time_budget(budget):
                report = engine.score(article, explain=explain)
        except ValidationError as error:
            line = _error_line(task.row, task.article_id, "invalid", validation_reason(error))
            results.append(RowResult(False, line))
            continue
        except MizanError as error:
            results.append(
                RowResult(False, _error_line(task.row, task.article_id, "invalid", str(error)))
            )
            continue
        except Exception as error:  # a fault in one article must not stop an archive run
            reason = f"{type(error).__name__}: {error}"
            results.append(
                RowResult(False, _error_line(task.row, task.article_id, "internal", reason))
            )
            continue
        data = report.to_dict(include_features=include_features)
        record = {"id": data.pop("id"), "row": task.row, **data}
        results.append(RowResult(True, dumps_line(record)))
    return results


_worker_state: dict[str, Any] = {}


def _init_worker(engine_factory: EngineFactory, explain: bool, include_features: bool) -> None:
    """Build this worker process's one engine."""
    _worker_state["engine"] = engine_factory()
    _worker_state["explain"] = explain
    _worker_state["include_features"] = include_features


def _score_chunk_in_worker(tasks: Sequence[RowTask]) -> list[RowResult]:
    return score_chunk(
        _worker_state["engine"],
        tasks,
        explain=_worker_state["explain"],
        include_features=_worker_state["include_features"],
    )


# --- the run -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchOptions:
    """Everything one batch run needs (the command line's arguments, typed)."""

    input_path: Path
    output_path: Path
    errors_path: Path | None = None
    input_format: str | None = None
    output_format: str | None = None
    columns: ColumnMapping = field(default_factory=ColumnMapping)
    resume: bool = False
    overwrite: bool = False
    workers: int = 1
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    fsync_every: int = DEFAULT_FSYNC_EVERY
    explain: bool = True
    include_features: bool = False
    progress: bool | None = None


@dataclass
class BatchSummary:
    """What a run did."""

    scored: int = 0
    errors: int = 0
    skipped: int = 0
    elapsed_s: float = 0.0
    output: Path | None = None
    unread_columns: tuple[str, ...] = ()

    @property
    def rows_per_second(self) -> float:
        """Rows scored or rejected per second of this run (skipped rows not counted)."""
        return (self.scored + self.errors) / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def line(self) -> str:
        """Return the one-line summary printed at the end of a run."""
        return (
            f"mizan batch: {self.scored} rows scored, {self.errors} errors, "
            f"{self.skipped} skipped (resume), {self.elapsed_s:.1f} s, "
            f"{self.rows_per_second:.1f} rows/s -> "
            f"{'stdout' if self.output is not None and is_stdio(self.output) else self.output}"
            + (
                f"; columns not read: {', '.join(self.unread_columns)} "
                "(read one with --map FIELD=COLUMN)"
                if self.unread_columns
                else ""
            )
        )


def _prepare_output(options: BatchOptions, paths: OutputPaths) -> CompletedRows:
    if options.resume and options.overwrite:
        raise MizanError("use either --resume or --overwrite, not both")
    if options.overwrite:
        paths.remove()
        return CompletedRows()
    if options.resume:
        return load_completed_rows(paths)
    existing = paths.existing()
    if existing:
        raise MizanError(
            f"{existing[0]} already exists and is not empty; "
            "add --resume to continue that run or --overwrite to start again"
        )
    paths.parquet_temporary.unlink(missing_ok=True)
    return CompletedRows()


def _prepare_stdout(options: BatchOptions, output_format: OutputFormat) -> CompletedRows:
    """Check the options of a run whose reports go to stdout (OUT is ``-``)."""
    if options.resume:
        raise MizanError(
            "--resume needs an OUT file: reports written to stdout (OUT '-') cannot be read "
            "back to see which rows are done"
        )
    if output_format != "jsonl":
        raise MizanError("reports go to stdout as JSONL only; name an OUT file for Parquet")
    errors = options.errors_path
    if errors is not None and not is_stdio(errors):
        if options.overwrite:
            errors.unlink(missing_ok=True)
        elif errors.exists() and errors.stat().st_size > 0:
            raise MizanError(
                f"{errors} already exists and is not empty; add --overwrite to start again"
            )
    return CompletedRows()


def _check_input(options: BatchOptions, input_format: InputFormat) -> None:
    source = options.input_path
    if is_stdio(source):
        if sys.stdin.isatty():
            raise MizanError(
                "no archive given: IN is '-' (stdin) but nothing is piped in "
                "(cat archive.jsonl | mizan batch - OUT)"
            )
    elif not source.is_file():
        raise MizanError(f"no such file: {source}")
    elif not is_stdio(options.output_path) and (source.resolve() == options.output_path.resolve()):
        raise MizanError("IN and OUT are the same file")


def _iter_tasks(
    options: BatchOptions,
    input_format: InputFormat,
    completed: CompletedRows,
    summary: BatchSummary,
) -> Iterator[RowTask]:
    columns = options.columns
    for source_row in iter_source_rows(
        options.input_path, input_format, columns=columns.source_columns
    ):
        number = source_row.number
        if source_row.values is None:
            task = RowTask(number, stable_row_id(number), None, source_row.problem)
        else:
            fields = columns.article_fields(source_row.values, stable_row_id(number))
            task = RowTask(number, fields["id"], fields)
            unknown = columns.unknown_keys(source_row.values, input_format)
            if unknown:
                task = task._replace(fields=None, problem=unknown)
        if completed.where(number):
            if not completed.id_matches(number, task.article_id):
                raise MizanError(
                    f"row {number} of {options.input_path} has id {task.article_id!r}, not the "
                    "id written for it before: the input changed; use --overwrite to start again"
                )
            summary.skipped += 1
            continue
        if task.fields is not None and not any(name in task.fields for name in BODY_FIELDS):
            body_column = columns.column_for("body")
            problem = no_text_message()
            if body_column != "body":
                problem += f" (body is read from column {body_column!r})"
            task = task._replace(fields=None, problem=problem)
        yield task


def _scored_chunks(
    options: BatchOptions,
    chunks: Iterator[list[RowTask]],
    engine_factory: EngineFactory,
    engine: DetectorEngine,
) -> Iterator[list[RowResult]]:
    """Score chunks in order: in this process, or in worker processes with a bounded queue."""
    if options.workers <= 1:
        for chunk in chunks:
            yield score_chunk(engine, chunk, options.explain, options.include_features)
        return
    # Up to TASKS_IN_FLIGHT_PER_WORKER chunks per worker in flight at once.
    max_pending = options.workers * TASKS_IN_FLIGHT_PER_WORKER - 1
    initargs = (engine_factory, options.explain, options.include_features)
    with worker_pool(options.workers, _init_worker, initargs) as pool:
        yield from ordered_results(pool, _score_chunk_in_worker, chunks, max_pending)


def _progress_bar(options: BatchOptions, total: int | None) -> Any:
    from tqdm import tqdm  # the batch extra

    enabled = sys.stderr.isatty() if options.progress is None else options.progress
    return tqdm(
        total=total, unit="row", desc="scoring", disable=not enabled, file=sys.stderr, smoothing=0.1
    )


def run_batch(
    options: BatchOptions, engine_factory: EngineFactory = build_default_engine
) -> BatchSummary:
    """Score every row of ``options.input_path`` that is not already in the output.

    An input of ``-`` is stdin (JSONL streamed; CSV and Parquet spooled to a temporary file
    first); an output of ``-`` is stdout (JSONL), with the rejected rows on stderr unless
    ``errors_path`` names a file.

    Args:
        options: what to read and write, and how.
        engine_factory: builds an engine; a top-level function, as worker processes call it.

    Raises:
        MizanError: bad arguments, an unreadable input, an existing output without
            ``resume``/``overwrite``, or an output that cannot be resumed safely.
    """
    started = time.perf_counter()
    if is_stdio(options.input_path):
        input_format = sniff_stdin_format(options.input_format)
    else:
        input_format = detect_input_format(options.input_path, options.input_format)
    output_format = detect_output_format(options.output_path, options.output_format)
    if options.workers < 1 or options.chunk_rows < 1:
        raise MizanError("--workers and --chunk-rows must be at least 1")
    if options.resume and options.overwrite:
        raise MizanError("use either --resume or --overwrite, not both")
    if options.resume and options.errors_path is not None and is_stdio(options.errors_path):
        raise MizanError("--resume needs an errors file, not --errors - (stderr)")
    to_stdout = is_stdio(options.output_path)
    if to_stdout:
        _prepare_stdout(options, output_format)
    _check_input(options, input_format)
    if not is_stdio(options.input_path):
        return _run(options, input_format, output_format, engine_factory, started)
    with stdin_as_file(input_format) as source:
        return _run(
            replace(options, input_path=source),
            input_format,
            output_format,
            engine_factory,
            started,
        )


def _run(
    options: BatchOptions,
    input_format: InputFormat,
    output_format: OutputFormat,
    engine_factory: EngineFactory,
    started: float,
) -> BatchSummary:
    header = read_header(options.input_path, input_format)
    if header is not None:
        options.columns.check_header(header, _input_name(options.input_path))
    # Built here even with workers, so a bad model bundle fails with its own message
    # before any earlier output is touched.
    engine = engine_factory()
    to_stdout = is_stdio(options.output_path)
    paths = OutputPaths(options.output_path, output_format, options.errors_path)
    if to_stdout:
        completed = CompletedRows()
    else:
        paths.output.parent.mkdir(parents=True, exist_ok=True)
        completed = _prepare_output(options, paths)

    summary = BatchSummary(
        output=paths.output,
        unread_columns=options.columns.unread_columns(header) if header is not None else (),
    )
    tasks = _iter_tasks(options, input_format, completed, summary)
    total = count_rows(options.input_path, input_format)
    errors_to_stderr = is_stdio(paths.errors) if options.errors_path is not None else to_stdout
    progress_options = replace(options, progress=False) if errors_to_stderr else options
    with (
        JsonlStream(sys.stdout)
        if to_stdout
        else JsonlAppender(paths.reports_journal, options.fsync_every, create=True) as reports,
        JsonlStream(sys.stderr)
        if errors_to_stderr
        else JsonlAppender(paths.errors, options.fsync_every) as errors,
        _progress_bar(progress_options, total) as progress,
    ):
        for results in _scored_chunks(
            options, batches(tasks, options.chunk_rows), engine_factory, engine
        ):
            report_lines = [result.line for result in results if result.is_report]
            error_lines = [result.line for result in results if not result.is_report]
            reports.write(report_lines)
            errors.write(error_lines)
            summary.scored += len(report_lines)
            summary.errors += len(error_lines)
            progress.set_postfix(errors=summary.errors, refresh=False)
            progress.update(summary.scored + summary.errors + summary.skipped - progress.n)
        progress.update(summary.scored + summary.errors + summary.skipped - progress.n)
    if output_format == "parquet":
        finalise_parquet(paths, completed)
    summary.elapsed_s = time.perf_counter() - started
    return summary


def _input_name(path: Path) -> str:
    """Name the input in messages: ``stdin`` for a spooled copy of it."""
    return "stdin" if path.parent.name.startswith("mizan-stdin-") else str(path)
