"""``mizan ingest FILE``: store published articles for author and outlet memory.

Reads JSONL, CSV or Parquet with the same column mapping as ``mizan batch`` (``--map
FIELD=COLUMN``, ``--id-column``) and stores every article in the store that
``MIZAN_STORE_URL`` (or ``--store``) names. Ingest is idempotent by id: running it again, or
after it was killed, stores only the articles that are missing. A row without an id gets a
content id (``sha256-...`` of outlet, title and text), so the same article is never stored
twice. Rows are checked against the same input contract as the API, ``mizan score`` and
``mizan batch`` (:mod:`mizan.detector.contract`: a JSONL key that is no article field, a value of
the wrong type or a text over ``MIZAN_MAX_TEXT_CHARS`` rejects the row). Rows that cannot be
stored are counted, listed on stderr and, with ``--errors``, written to a JSONL file; the
others are stored, and the exit code is 2 when any row was rejected.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mizan.detector.errors import MizanError
from mizan.detector.settings import get_settings
from mizan.detector.store.archive import ArticleStore
from mizan.detector.store.pipeline import DEFAULT_BATCH_ROWS, IngestRow, IngestSummary, ingest_rows
from mizan.service.batch.columns import ColumnMapping, add_column_mapping_arguments
from mizan.service.batch.formats import InputFormat, detect_input_format
from mizan.service.batch.readers import count_rows, iter_source_rows, read_header
from mizan.service.batch.reports import dumps_line

SHOWN_PROBLEMS = 20
"""Rejected rows printed on stderr (all go to ``--errors``)."""


def source_rows(
    path: Path, input_format: InputFormat, mapping: ColumnMapping
) -> Iterator[IngestRow]:
    """Read ``path`` into ingest rows with the article fields of ``mapping``.

    Raises:
        MizanError: the file cannot be read, or a mapped column is missing.
    """
    header = read_header(path, input_format)
    if header is not None:
        mapping.check_header(header, str(path))
    columns = mapping.source_columns if input_format == "parquet" else None
    for row in iter_source_rows(path, input_format, columns):
        if row.values is None:
            yield IngestRow(row.number, None, row.problem)
            continue
        # An empty fallback id: the pipeline gives such rows a content id instead.
        fields = mapping.article_fields(row.values, fallback_id="")
        unknown = mapping.unknown_keys(row.values, input_format)
        if unknown is not None:
            yield IngestRow(row.number, None, unknown, fields.get("id") or None)
            continue
        if not fields.get("id"):
            fields.pop("id", None)
        yield IngestRow(row.number, fields)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``mizan ingest`` arguments to ``parser``."""
    parser.description = (
        "Store published articles (JSONL, CSV or Parquet) in the article store, for author "
        "profiles and outlet near-duplicates. Already stored ids are skipped."
    )
    parser.add_argument("input", metavar="FILE", type=Path, help="JSONL, CSV or Parquet archive")
    parser.add_argument("--input-format", choices=("jsonl", "csv", "parquet"))
    add_column_mapping_arguments(parser)
    parser.add_argument(
        "--store", help="SQLAlchemy URL of the store (default: MIZAN_STORE_URL, sqlite:///mizan.db)"
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="preparing processes (default: one per CPU)"
    )
    parser.add_argument(
        "--batch-rows",
        type=int,
        default=DEFAULT_BATCH_ROWS,
        help=f"rows per transaction (default {DEFAULT_BATCH_ROWS})",
    )
    parser.add_argument(
        "--no-topics", action="store_true", help="store no topic probabilities (faster)"
    )
    parser.add_argument(
        "--recompute-topics",
        action="store_true",
        help="afterwards, classify every stored article that has no topics yet",
    )
    parser.add_argument("--errors", type=Path, help="write rejected rows to this JSONL file")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar even on a terminal"
    )


class _Progress:
    """A tqdm bar on stderr that follows the ingest summary (or nothing, when disabled)."""

    def __init__(self, total: int | None, enabled: bool) -> None:
        self._bar: Any = None
        if enabled:
            from tqdm import tqdm  # the batch extra

            self._bar = tqdm(total=total, unit="article", file=sys.stderr, dynamic_ncols=True)

    def update(self, summary: IngestSummary) -> None:
        if self._bar is not None:
            handled = summary.stored + summary.already_stored + summary.rejected
            self._bar.update(handled - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def run(args: argparse.Namespace) -> int:
    """Run ``mizan ingest``; return the exit code.

    The code is 2 when the file cannot be read or any row was rejected (as ``mizan batch``).
    """
    path: Path = args.input
    if not path.is_file():
        raise MizanError(f"no such file: {path}")
    if args.workers is not None and args.workers < 1:
        raise MizanError("--workers must be at least 1")
    if args.batch_rows < 1:
        raise MizanError("--batch-rows must be at least 1")
    input_format = detect_input_format(path, args.input_format)
    mapping = ColumnMapping.from_options(args.map, args.id_column)
    url = args.store or get_settings().store_url
    store = ArticleStore(url, topics=None if args.no_topics else "default")
    try:
        if not args.no_topics and store.topics is None:
            print(
                "mizan: no topic model bundle found; storing articles without topics (author "
                "beats need them: once a model exists, run again with --recompute-topics)",
                file=sys.stderr,
            )
        progress = _Progress(
            count_rows(path, input_format), not args.no_progress and sys.stderr.isatty()
        )
        try:
            summary = ingest_rows(
                store,
                source_rows(path, input_format, mapping),
                workers=args.workers,
                batch_rows=args.batch_rows,
                use_topics=store.topics is not None,
                on_batch=progress.update,
            )
        finally:
            progress.close()
        if args.recompute_topics:
            if store.topics is None:
                raise MizanError(
                    "--recompute-topics needs a topic model bundle (and no --no-topics)"
                )
            classified = store.recompute_topics(only_missing=True)
            print(f"mizan: classified {classified} stored articles", file=sys.stderr)
    finally:
        store.close()
    for problem in summary.problems[:SHOWN_PROBLEMS]:
        print(f"mizan: row {problem.row} not stored: {problem.reason}", file=sys.stderr)
    if summary.rejected > SHOWN_PROBLEMS:
        print(f"mizan: ... and {summary.rejected - SHOWN_PROBLEMS} more rows", file=sys.stderr)
    if args.errors is not None:
        with open(args.errors, "w", encoding="utf-8") as handle:
            for problem in summary.problems:
                handle.write(dumps_line(problem.to_dict()))
    print(summary.line(), file=sys.stderr)
    if args.json:
        print(json.dumps({**summary.to_dict(), "store": _printable_url(url)}, ensure_ascii=False))
    return 2 if summary.rejected else 0


def _printable_url(url: str) -> str:
    """Return the store URL with any password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
