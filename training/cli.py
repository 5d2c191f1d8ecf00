"""``mizan train``: rebuild the default model bundle from the corpora."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from mizan.detector.errors import MizanError
from mizan.training.config import MODEL_VERSION, TrainConfig
from mizan.training.train import repo_relative, train


class StageLog:
    """Prints one line per training stage with the elapsed time (to stderr)."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        """Print ``message`` with the seconds since training began."""
        elapsed = time.perf_counter() - self.started
        print(f"[{elapsed:7.1f}s] {message}", file=sys.stderr, flush=True)


def progress_bar(total: int, description: str) -> Any:
    """Return a tqdm progress bar on stderr."""
    from tqdm import tqdm  # on use: the progress bars only

    return tqdm(total=total, desc=description, unit="row", file=sys.stderr, mininterval=2.0)


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments shared by ``mizan train`` and ``mizan evaluate``."""
    parser.add_argument(
        "--corpora-dir", type=Path, help="labelled corpora (default: MIZAN_CORPORA_DIR)"
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        dest="max_rows",
        help="at most this many rows per corpus (quick runs; the default bundle uses all)",
    )
    parser.add_argument(
        "--human-news-rows",
        type=int,
        nargs=3,
        metavar=("TRAIN", "VAL", "TEST"),
        help="SaudiNewsNet rows sampled per split (default 6000 2000 3000)",
    )
    parser.add_argument("--workers", type=int, help="worker processes (default: up to 4 CPUs)")
    parser.add_argument(
        "--cache-dir", type=Path, help="feature cache folder (default .cache/features)"
    )
    parser.add_argument("--no-cache", action="store_true", help="extract features afresh")
    parser.add_argument("--quiet", action="store_true", help="no progress display")


def config_from_args(args: argparse.Namespace, base: TrainConfig | None = None) -> TrainConfig:
    """Build a :class:`TrainConfig` from parsed arguments."""
    config = base or TrainConfig()
    changes: dict[str, Any] = {}
    if getattr(args, "seed", None) is not None:
        changes["seed"] = args.seed
    if getattr(args, "version", None):
        changes["version"] = args.version
    if args.corpora_dir is not None:
        changes["corpora_dir"] = args.corpora_dir
    if getattr(args, "models_root", None) is not None:
        changes["models_root"] = args.models_root
    if args.max_rows is not None:
        if args.max_rows < 10:
            raise MizanError("--max-rows must be at least 10")
        changes["max_rows_per_corpus"] = args.max_rows
    if args.human_news_rows is not None:
        changes["human_news_rows"] = dict(
            zip(("train", "val", "test"), args.human_news_rows, strict=True)
        )
    if args.workers is not None:
        changes["workers"] = args.workers
    if args.no_cache:
        changes["cache_dir"] = None
    elif args.cache_dir is not None:
        changes["cache_dir"] = args.cache_dir
    if getattr(args, "no_default", False):
        changes["update_default"] = False
    if getattr(args, "with_feedback", False):
        changes["with_feedback"] = True
    if getattr(args, "no_memory", False):
        changes["training_memory"] = False
    if getattr(args, "store", None):
        if not getattr(args, "with_feedback", False):
            raise MizanError("--store names the feedback store; use it with --with-feedback")
        changes["store_url"] = args.store
    return replace(config, **changes)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``mizan train`` arguments."""
    parser.add_argument("--seed", type=int, help="random seed (default 13)")
    parser.add_argument("--version", help=f"bundle version (default {MODEL_VERSION})")
    parser.add_argument(
        "--models-root", type=Path, help="where bundles are written (default: models/)"
    )
    parser.add_argument(
        "--no-default", action="store_true", help="do not point models/DEFAULT at the new bundle"
    )
    parser.add_argument(
        "--with-feedback",
        action="store_true",
        help="add the editors' latest reliable/unreliable verdicts from the store to the "
        "train split (never val or test)",
    )
    parser.add_argument(
        "--store", metavar="URL", help="store holding the feedback (default: MIZAN_STORE_URL)"
    )
    parser.add_argument(
        "--no-memory",
        action="store_true",
        help="compute the author-history and archive features with no store (they stay 0) "
        "instead of a store of the train split's articles",
    )
    add_common_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Train and write the bundle; print where it went and its headline figures."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    config = config_from_args(args)
    say = StageLog()
    result = train(
        config,
        say=(lambda message: None) if args.quiet else say,
        progress=None if args.quiet else progress_bar,
    )
    test_metrics = result.metadata["metrics"]["test"]["corpus"]
    print(f"bundle: {repo_relative(result.bundle_dir)}")
    print(f"thresholds: {result.metadata['thresholds']}")
    feedback = result.metadata.get("feedback")
    if feedback is not None:
        print(
            f"editor feedback: {feedback['rows']} train rows ({feedback['unreliable']} "
            f"unreliable, {feedback['reliable']} reliable) from {feedback['verdicts']} verdicts"
        )
    for corpus, entry in test_metrics.items():
        head = entry["head"]
        print(
            f"  {corpus:<30} {entry['task']:<13} AUROC {head['auroc']:.3f}  "
            f"accuracy {head['accuracy']:.3f}  ECE {head['ece']:.3f}"
        )
    print(f"trained in {result.seconds:.0f} s; bundle {result.metadata['size_bytes'] / 1e6:.1f} MB")
    return 0
