"""The ``mizan`` command line: ``score`` here, the other subcommands in their own modules.

Exit codes: 0 success, 1 flagged (only when ``--threshold`` or ``--fail-on`` is given),
2 bad input or usage (for ``batch`` and ``ingest``: some rows were rejected),
3 an internal error or a store, model or extra that cannot be used. Errors are one line on
stderr; ``--debug`` (or ``MIZAN_DEBUG=1``) adds the traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mizan.detector.errors import InvalidArticleError, MizanError, ModelBundleError

EXIT_OK, EXIT_FLAGGED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_CODES_HELP = (
    "exit codes: 0 scored, 1 flagged (only with --threshold or --fail-on), 2 bad input "
    "(batch: some rows failed), 3 internal, store or model error"
)

# Subcommands that live outside this module: name -> (module, help). Each module has
# ``add_arguments(parser)`` and ``run(args) -> int``; it is imported only when used, so
# ``mizan score`` needs neither the web framework, the batch extras nor the training stack.
_PLUGGED_COMMANDS: dict[str, tuple[str, str]] = {
    "batch": ("mizan.service.batch.command", "score a JSONL, CSV or Parquet archive, resumably"),
    "serve": ("mizan.service.serve", "run the HTTP API"),
    "train": ("mizan.training.cli", "train the default model bundle from the corpora"),
    "evaluate": ("mizan.training.evaluate_cli", "evaluate the bundle and write reports/"),
    "ingest": (
        "mizan.service.batch.ingest",
        "store published articles for author and outlet memory",
    ),
}


def _read_article(path: str) -> dict[str, Any]:
    """Read ``path`` (.txt page text, .html, .json fields, ``-`` for stdin) as article fields."""
    if path == "-":
        if sys.stdin.isatty():
            raise MizanError(
                "no article given: name a file (mizan score FILE) or pipe the text in "
                "(cat FILE | mizan score -)"
            )
        text = sys.stdin.read()
        return {"body": text}
    file = Path(path)
    if not file.is_file():
        raise MizanError(f"no such file: {path}")
    try:
        raw = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise MizanError(f"{path} is not valid UTF-8 (byte {error.start})") from error
    suffix = file.suffix.lower()
    if suffix in (".html", ".htm"):
        return {"html": raw}
    if suffix == ".json":
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise MizanError(
                f"{path} is not valid JSON: {error.msg} at line {error.lineno}"
            ) from error
        if not isinstance(data, dict):
            raise MizanError(f"{path} must hold one JSON object with article fields")
        return data
    return {"body": raw}


def _format_table(report: dict[str, Any]) -> str:
    lines = [
        f"reliability  {report['reliability']:.3f}   verdict: {report['verdict']}   "
        f"(unreliable < {report['thresholds']['unreliable_below']}, "
        f"reliable > {report['thresholds']['reliable_above']})",
        f"language     {report['language']}   model: {report['model']['name']} "
        f"{report['model']['version']}",
    ]
    if report.get("ai_generated") is not None:
        lines.append(f"ai_generated {report['ai_generated']:.3f}")
    if report.get("title"):
        lines.append(f"title        {report['title']}")
    lines.append("")
    lines.append(f"{'signal':<12} {'score':>6}  evidence")
    for signal in report["signals"]:
        evidence = signal["evidence"]
        lines.append(f"{signal['name']:<12} {signal['score']:>6.2f}  {len(evidence)} span(s)")
        for item in evidence[:10]:
            snippet = item["text"].replace("\n", " ")
            if len(snippet) > 70:
                snippet = snippet[:67] + "..."
            lines.append(f"{'':<21}[{item['field']} {item['start']}:{item['end']}] {snippet}")
            lines.append(f"{'':<23}{item['reason']}")
    if report["top_features"]:
        lines.append("")
        lines.append("top features (contribution to the reliability log-odds)")
        lines.append(f"  {'feature':<40} {'value':>10} {'contrib.':>8}")
        for feature in report["top_features"]:
            lines.append(
                f"  {feature['name']:<40} {feature['value']:>10.3f} "
                f"{feature['contribution']:>+8.3f}"
            )
    return "\n".join(lines)


def _add_score_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default="-", help="article file (.txt/.html/.json) or -")
    parser.add_argument("--format", choices=("json", "table"), default="json")
    parser.add_argument("--title", help="article title (for .txt and stdin input)")
    parser.add_argument("--author", help="author byline")
    parser.add_argument("--author-bio", dest="author_bio", help="author bio")
    parser.add_argument("--outlet", help="outlet name")
    parser.add_argument("--language", choices=("ar", "en"), help="override language detection")
    parser.add_argument(
        "--threshold", type=float, help="exit 1 when reliability is below this value"
    )
    parser.add_argument(
        "--fail-on",
        choices=("unreliable", "review"),
        help="exit 1 when the verdict is this bad or worse",
    )
    parser.add_argument("--features", action="store_true", help="include every feature value")
    parser.add_argument(
        "--store",
        metavar="URL",
        help="score with author and outlet memory from this store (default: MIZAN_STORE_URL "
        "when it is set, else none)",
    )


def _run_score(args: argparse.Namespace) -> int:
    # Imported on use, so that `mizan --help` and the other commands start without loading
    # the engine (signals, model) or the store (SQLAlchemy).
    from mizan.detector.contract import check_article
    from mizan.detector.engine import DetectorEngine
    from mizan.detector.settings import get_settings

    fields = _read_article(args.path)
    for name in ("title", "author", "author_bio", "outlet", "language"):
        value = getattr(args, name)
        if value is not None:
            fields[name] = value
    settings = get_settings()
    # The same contract as the API and batch: field names, unknown fields, text limits.
    article = check_article(fields, settings.max_text_chars)
    store_url = args.store or (
        settings.store_url if "store_url" in settings.model_fields_set else None
    )
    memory = None
    if store_url:
        from mizan.detector.store import ArticleStore

        memory = ArticleStore(store_url)
        memory.build_index()
    engine = DetectorEngine.from_settings(settings, memory=memory)
    report = engine.score(article).to_dict(include_features=args.features)
    if args.format == "table":
        print(_format_table(report))
    else:
        print(json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False))
    flagged = args.threshold is not None and report["reliability"] < args.threshold
    if args.fail_on == "unreliable":
        flagged = flagged or report["verdict"] == "unreliable"
    elif args.fail_on == "review":
        flagged = flagged or report["verdict"] in ("unreliable", "review")
    return EXIT_FLAGGED if flagged else EXIT_OK


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Build the argument parser; only ``command``'s module is imported for its arguments."""
    parser = argparse.ArgumentParser(
        prog="mizan",
        description="Score news articles for reliability, with evidence.",
        epilog=EXIT_CODES_HELP,
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an internal error"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    score = commands.add_parser("score", help="score one article", epilog=EXIT_CODES_HELP)
    _add_score_arguments(score)
    score.set_defaults(handler=_run_score)
    for name, (module_name, help_text) in _PLUGGED_COMMANDS.items():
        sub = commands.add_parser(name, help=help_text)
        sub.set_defaults(module_name=module_name)
        if name == command:
            module = importlib.import_module(module_name)
            module.add_arguments(sub)
            sub.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv[0] if argv else None)
    args = parser.parse_args(argv)
    debug = args.debug or os.environ.get("MIZAN_DEBUG", "") not in ("", "0")
    try:
        return int(args.handler(args))
    except ValidationError as error:
        from mizan.detector.contract import validation_reason

        print(f"mizan: invalid input: {validation_reason(error)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (``mizan score x | head``): not an error of the input.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("mizan: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        code, line = _describe(error)
        print(f"mizan: {line}", file=sys.stderr)
        if debug:
            traceback.print_exc()
        elif code == EXIT_INTERNAL:
            print("mizan: run again with --debug for the traceback", file=sys.stderr)
        return code


def _describe(error: Exception) -> tuple[int, str]:
    """Return the exit code and the one line that describe an error."""
    from mizan.detector.store.database import StoreError  # on use: the store loads SQLAlchemy
    from mizan.detector.store.migrations import SchemaError

    if isinstance(error, StoreError | SchemaError):
        return EXIT_INTERNAL, f"store error: {error}"
    if type(error).__module__.split(".")[0] in ("sqlalchemy", "sqlite3"):
        return EXIT_INTERNAL, "store error: " + " ".join(str(error).split("\n")[0].split())
    if isinstance(error, ModelBundleError):
        return EXIT_INTERNAL, f"model error: {error}"
    if isinstance(error, ModuleNotFoundError):
        extra = _EXTRA_OF_MODULE.get((error.name or "").split(".")[0])
        if extra:
            return EXIT_INTERNAL, (
                f"this command needs the '{extra}' extra ({error.name} is not installed): "
                f"pip install 'mizan[{extra}]'"
            )
        return EXIT_INTERNAL, f"internal error: {error}"
    if isinstance(error, InvalidArticleError | MizanError | OSError):
        return EXIT_BAD_INPUT, str(error)
    text = " ".join(str(error).split())
    return EXIT_INTERNAL, f"internal error: {type(error).__name__}: {text}"


# Optional modules and the extra that installs them.
_EXTRA_OF_MODULE = {
    "pandas": "batch",
    "pyarrow": "batch",
    "tqdm": "batch",
    "sklearn": "train",
    "matplotlib": "train",
    "pycountry": "train",
    "countryinfo": "train",
    "fastapi": "service",
    "uvicorn": "service",
    "jinja2": "service",
    "prometheus_client": "service",
    "fastapi_offline": "service",
}


if __name__ == "__main__":
    raise SystemExit(main())
