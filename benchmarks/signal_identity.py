"""Signal results byte for byte across a refactoring, independent of the model bundle.

    python benchmarks/signal_identity.py --signals experts,templating --write before.json
    python benchmarks/signal_identity.py --signals experts,templating --check before.json

The articles are those of ``report_identity.py`` (the shipped examples, the ``web-pages-dev``
pages, SaudiNewsNet articles), parsed by the engine's own ``parse``. Each named signal runs on
every article twice: without memory and with a small fixed memory (an author profile and an
archive match on a passage of the article's own text), so that the archive and history paths
run too. A result (score, features, evidence with spans) is canonical JSON without its
``version`` field, so that a version bump alone does not count as a change; ``--check`` names
the results that changed and prints the first difference.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))

from report_identity import articles, compare  # noqa: E402

from mizan.detector.article import Document  # noqa: E402
from mizan.detector.engine import DetectorEngine  # noqa: E402
from mizan.detector.errors import MizanError  # noqa: E402
from mizan.detector.memory import ArchiveMatch, AuthorProfile  # noqa: E402
from mizan.detector.signals import DEFAULT_SIGNALS, registry  # noqa: E402
from mizan.detector.signals.base import Signal, SignalContext  # noqa: E402


class FixedMemory:
    """A memory that knows every author and finds every article's middle in the archive."""

    def author_profile(self, author: str, exclude_id: str | None = None) -> AuthorProfile | None:
        """Return the same busy two-beat profile for any author."""
        return AuthorProfile(
            author=author,
            article_count=40,
            topic_counts={"economy": 30, "sports": 10},
            articles_per_day=6.0,
            topic_shares={"economy": 0.7, "sports": 0.3},
        )

    def near_duplicates(
        self, text: str, outlet: str | None, exclude_id: str | None = None
    ) -> Sequence[ArchiveMatch]:
        """Return one match sharing a passage from the middle of ``text`` (none when short)."""
        if len(text) < 400:
            return []
        middle = len(text) // 2
        return [ArchiveMatch("archived-1", 0.93, text[middle - 150 : middle + 150], None, outlet)]


def _canonical(signal: Signal, doc: Document, context: SignalContext) -> str:
    try:
        data = signal.extract(doc, context).to_dict()
    except Exception as exc:  # an error is part of the behaviour being compared
        return json.dumps({"error": f"{type(exc).__name__}: {exc}"}, ensure_ascii=False)
    data.pop("version", None)
    return json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False)


def snapshot(names: Sequence[str], news: int) -> dict[str, str]:
    """Return the canonical JSON of every named signal on every article, with and without memory."""
    engine = DetectorEngine(signals=())
    signals = [registry.get(name) for name in names]
    contexts = {"": SignalContext(), "+memory": SignalContext(memory=FixedMemory())}
    results: dict[str, str] = {}
    for key, article in articles(news):
        try:
            doc = engine.parse(article)
        except MizanError as exc:
            results[key] = json.dumps({"error": f"{type(exc).__name__}: {exc}"})
            continue
        for signal in signals:
            for suffix, context in contexts.items():
                results[f"{key}:{signal.name}{suffix}"] = _canonical(signal, doc, context)
    return results


def main(argv: list[str] | None = None) -> int:
    """Write or check a snapshot; return 1 when ``--check`` finds a changed result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", type=Path, metavar="FILE", help="write the snapshot here")
    action.add_argument("--check", type=Path, metavar="FILE", help="compare with this snapshot")
    parser.add_argument(
        "--signals",
        default=",".join(DEFAULT_SIGNALS),
        help="comma-separated signal families (default: all)",
    )
    parser.add_argument("--news", type=int, default=200, help="SaudiNewsNet articles included")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.signals.split(",") if name.strip()]
    results = snapshot(names, args.news)
    digest = hashlib.sha256("\n".join(f"{k}\t{v}" for k, v in sorted(results.items())).encode())
    if args.write:
        args.write.write_text(json.dumps(results, ensure_ascii=False, indent=0) + "\n", "utf-8")
        print(f"{len(results)} results written to {args.write} (digest {digest.hexdigest()[:16]})")
        return 0
    before: dict[str, str] = json.loads(args.check.read_text(encoding="utf-8"))
    return compare(before, results, "results", f"{args.check} (digest {digest.hexdigest()[:16]})")


if __name__ == "__main__":
    raise SystemExit(main())
