"""``mizan batch IN OUT``: the command line of :func:`mizan.service.batch.runner.run_batch`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mizan.service.batch.columns import ColumnMapping, add_column_mapping_arguments
from mizan.service.batch.runner import (
    DEFAULT_CHUNK_ROWS,
    DEFAULT_FSYNC_EVERY,
    BatchOptions,
    run_batch,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``mizan batch`` arguments to ``parser``."""
    parser.description = (
        "Score every row of a JSONL, CSV or Parquet archive. Rows are numbered from 1 (JSONL: "
        "by physical line, blank lines included); rows without an id get the id row-<number>. "
        "Rows that cannot be scored go to OUT.errors.jsonl (or --errors) and make the exit "
        "code 2; the counts are printed on stderr."
    )
    parser.add_argument(
        "input",
        metavar="IN",
        type=Path,
        help="JSONL, CSV or Parquet archive, or - for stdin (format: --input-format, else "
        "sniffed: JSONL when it starts with '{', Parquet with 'PAR1', else CSV)",
    )
    parser.add_argument(
        "output",
        metavar="OUT",
        type=Path,
        help="reports: JSONL or Parquet file, or - for JSONL on stdout (rejected rows then go "
        "to stderr unless --errors names a file; --resume needs a file)",
    )
    parser.add_argument(
        "--input-format",
        choices=("jsonl", "csv", "parquet"),
        help="default: from IN's suffix; for stdin, sniffed from its first bytes",
    )
    parser.add_argument(
        "--errors",
        metavar="PATH",
        type=Path,
        help="write rejected rows to PATH (- for stderr); default: OUT.errors.jsonl, or stderr "
        "when OUT is -",
    )
    parser.add_argument(
        "--output-format",
        choices=("jsonl", "parquet"),
        help="default: parquet when OUT ends in .parquet, else jsonl",
    )
    add_column_mapping_arguments(parser)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--resume", action="store_true", help="continue a killed run: score only missing rows"
    )
    mode.add_argument("--overwrite", action="store_true", help="delete an earlier OUT first")
    parser.add_argument("--workers", type=int, default=1, help="scoring processes (default 1)")
    parser.add_argument(
        "--chunk-rows",
        type=int,
        default=DEFAULT_CHUNK_ROWS,
        help=f"rows per task and per flush (default {DEFAULT_CHUNK_ROWS})",
    )
    parser.add_argument(
        "--fsync-every",
        type=int,
        default=DEFAULT_FSYNC_EVERY,
        help=f"fsync the output every N rows (default {DEFAULT_FSYNC_EVERY})",
    )
    parser.add_argument(
        "--no-explain", action="store_true", help="leave evidence and contributions out"
    )
    parser.add_argument("--features", action="store_true", help="include every feature value")
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar even on a terminal"
    )


def options_from_args(args: argparse.Namespace) -> BatchOptions:
    """Turn parsed ``mizan batch`` arguments into :class:`BatchOptions`."""
    return BatchOptions(
        input_path=args.input,
        output_path=args.output,
        errors_path=args.errors,
        input_format=args.input_format,
        output_format=args.output_format,
        columns=ColumnMapping.from_options(args.map, args.id_column),
        resume=args.resume,
        overwrite=args.overwrite,
        workers=args.workers,
        chunk_rows=args.chunk_rows,
        fsync_every=args.fsync_every,
        explain=not args.no_explain,
        include_features=args.features,
        progress=False if args.no_progress else None,
    )


def run(args: argparse.Namespace) -> int:
    """Run ``mizan batch``; print the summary line on stderr and return the exit code.

    The code is 2 when any row of this run went to the errors file, else 0.
    """
    summary = run_batch(options_from_args(args))
    print(summary.line(), file=sys.stderr)
    return 2 if summary.errors else 0
