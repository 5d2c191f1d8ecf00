"""``mizan evaluate``: evaluate the default (or a named) bundle and write ``reports/``."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from mizan.detector.errors import ModelBundleError
from mizan.detector.model import default_bundle_dir, read_bundle_metadata
from mizan.detector.settings import get_settings
from mizan.training.cli import StageLog, add_common_arguments, progress_bar
from mizan.training.evaluate import evaluate
from mizan.training.evaluation_report import DEFAULT_REPORTS_DIR, write_reports
from mizan.training.metrics import check_targets
from mizan.training.model_card import render_model_card
from mizan.training.train import repo_relative


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``mizan evaluate`` arguments."""
    parser.add_argument(
        "--bundle", type=Path, help="bundle folder (default: the one models/DEFAULT names)"
    )
    parser.add_argument(
        "--reports-dir",
        type=Path,
        default=DEFAULT_REPORTS_DIR,
        help="where evaluation.md, evaluation.json and the plots go (default: reports/)",
    )
    parser.add_argument(
        "--no-ablation", action="store_true", help="skip the signal-family ablation (faster)"
    )
    parser.add_argument(
        "--no-model-card",
        action="store_true",
        help="do not rewrite the bundle's MODEL_CARD.md with the evaluation",
    )
    add_common_arguments(parser)


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if args.corpora_dir is not None:
        overrides["corpora_dir"] = args.corpora_dir
    if args.workers is not None:
        overrides["workers"] = args.workers
    if args.no_cache:
        overrides["cache_dir"] = None
    elif args.cache_dir is not None:
        overrides["cache_dir"] = args.cache_dir
    if args.max_rows is not None:
        overrides["max_rows_per_corpus"] = args.max_rows
    if args.human_news_rows is not None:
        overrides["human_news_rows"] = dict(
            zip(("train", "val", "test"), args.human_news_rows, strict=True)
        )
    return overrides


def run(args: argparse.Namespace) -> int:
    """Evaluate, write the reports, refresh the model card; print the targets."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    bundle = args.bundle or settings.model_dir or default_bundle_dir(settings.models_root)
    if bundle is None:
        raise ModelBundleError("no bundle to evaluate: run `mizan train` first or pass --bundle")
    say = StageLog()
    result = evaluate(
        Path(bundle),
        _overrides(args),
        ablation=not args.no_ablation,
        say=(lambda message: None) if args.quiet else say,
        progress=None if args.quiet else progress_bar,
    )
    written = write_reports(result, args.reports_dir)
    if not args.no_model_card:
        metadata = read_bundle_metadata(Path(bundle))
        card = render_model_card(metadata, result.report)
        (Path(bundle) / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    for path in written:
        print(f"wrote {repo_relative(path)}")
    for row in check_targets(result.report):
        status = "met" if row["met"] else "NOT met"
        print(f"  [{status:>7}] {row['target']}: {row['value']:.4f} {row['note']}")
    return 0
