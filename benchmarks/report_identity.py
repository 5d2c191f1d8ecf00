"""Reports byte for byte across a refactoring: a snapshot of a few hundred varied articles.

    python benchmarks/report_identity.py --write before.json    # on the old code
    python benchmarks/report_identity.py --check before.json    # new code: exit 1 on a change

The articles: the shipped examples (page text, HTML and fields), the real pages of the
``web-pages-dev`` corpus as page text with their URL, and SaudiNewsNet articles with their
author and outlet, so that every parser path and every signal is exercised. Each report is
rendered as canonical JSON (sorted keys, ``allow_nan=False``) and hashed; ``--check`` names the
articles whose report changed and prints the first difference.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))

from common import EXAMPLES, saudinewsnet_articles  # noqa: E402

from mizan.detector.engine import DetectorEngine  # noqa: E402
from mizan.detector.settings import get_settings  # noqa: E402


def articles(news: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(key, article)`` pairs: examples, dev-corpus pages, then ``news`` news articles."""
    for path in sorted(EXAMPLES.iterdir()):
        if path.suffix == ".txt":
            yield path.name, {"body": path.read_text(encoding="utf-8")}
        elif path.suffix == ".html":
            yield path.name, {"html": path.read_text(encoding="utf-8")}
        elif path.suffix == ".json":
            yield path.name, json.loads(path.read_text(encoding="utf-8"))
    dev = get_settings().corpora_dir / "web-pages-dev"
    for name in ("farm.jsonl", "wire.jsonl"):
        path = dev / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                page = json.loads(line)
                text = page.get("text") or page.get("body") or ""
                if text.strip():
                    yield f"{name}:{number}", {"body": text, "url": page.get("url")}
    try:
        for number, row in enumerate(saudinewsnet_articles(news), 1):
            yield (
                f"saudinewsnet:{number}",
                {
                    "title": row.get("title"),
                    "body": row["content"],
                    "author": row.get("author"),
                    "outlet": row.get("source"),
                },
            )
    except FileNotFoundError:
        return


def snapshot(news: int) -> dict[str, str]:
    """Return the canonical JSON report of every article, keyed like ``articles``."""
    engine = DetectorEngine.from_settings()
    reports: dict[str, str] = {}
    for key, article in articles(news):
        try:
            report = engine.score(article).to_dict(include_features=True)
        except Exception as exc:  # an error is part of the behaviour being compared
            report = {"error": f"{type(exc).__name__}: {exc}"}
        reports[key] = json.dumps(report, sort_keys=True, ensure_ascii=False, allow_nan=False)
    return reports


def main(argv: list[str] | None = None) -> int:
    """Write or check a snapshot; return 1 when ``--check`` finds a changed report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", type=Path, metavar="FILE", help="write the snapshot here")
    action.add_argument("--check", type=Path, metavar="FILE", help="compare with this snapshot")
    parser.add_argument("--news", type=int, default=200, help="SaudiNewsNet articles included")
    args = parser.parse_args(argv)
    reports = snapshot(args.news)
    if args.write:
        args.write.write_text(json.dumps(reports, ensure_ascii=False, indent=0) + "\n", "utf-8")
        digest = hashlib.sha256("".join(reports.values()).encode()).hexdigest()[:16]
        print(f"{len(reports)} reports written to {args.write} (digest {digest})")
        return 0
    before: dict[str, str] = json.loads(args.check.read_text(encoding="utf-8"))
    return compare(before, reports, "reports", str(args.check))


def compare(before: dict[str, str], after: dict[str, str], noun: str, source: str) -> int:
    """Print whether ``after`` equals the snapshot ``before``; return 1 naming the first change."""
    changed = [key for key in before.keys() | after.keys() if before.get(key) != after.get(key)]
    if not changed:
        print(f"{len(after)} {noun} identical to {source}")
        return 0
    first = sorted(changed)[0]
    old, new = before.get(first, ""), after.get(first, "")
    at = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), 0)
    print(f"{len(changed)} of {len(after)} {noun} changed; first: {first}", file=sys.stderr)
    print(f"  before: ...{old[max(0, at - 60) : at + 60]}", file=sys.stderr)
    print(f"  after:  ...{new[max(0, at - 60) : at + 60]}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
