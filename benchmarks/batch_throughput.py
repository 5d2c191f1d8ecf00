"""Throughput of ``mizan batch`` on 1,000-word Arabic articles with worker processes.

Builds N articles of about 1,000 words from SaudiNewsNet bodies (whole paragraphs of
consecutive articles joined until 1,000 words), writes them to a temporary JSONL archive,
scores it with the batch scorer (``--workers 2`` by default) and writes
``benchmarks/results/batch_throughput.json``. For comparison it also times the same engine
in this process, one article after another, on the first rows (the single-core baseline).

    python benchmarks/batch_throughput.py [--rows 500] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mizan.detector.engine import DetectorEngine
from mizan.detector.settings import get_settings
from mizan.detector.text import words
from mizan.service.batch.columns import ColumnMapping
from mizan.service.batch.reports import dumps_line
from mizan.service.batch.runner import BatchOptions, run_batch

RESULTS = Path(__file__).resolve().parent / "results" / "batch_throughput.json"
TARGET_ARTICLES_PER_SECOND = 150.0
ARTICLE_WORDS = 1000
BASELINE_ROWS = 100


def _corpus_articles() -> Iterator[dict[str, Any]]:
    dataset = get_settings().corpora_dir / "saudinewsnet" / "dataset"
    archives = sorted(dataset.glob("*.zip")) if dataset.is_dir() else []
    if not archives:
        raise SystemExit(f"the saudinewsnet corpus is not at {dataset} (set MIZAN_CORPORA_DIR)")
    for path in archives:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                yield from json.loads(archive.read(name))


def build_articles(count: int) -> list[dict[str, Any]]:
    """Return ``count`` Arabic articles of about 1,000 words each, built from real bodies.

    Paragraphs of consecutive corpus articles are joined until the next one passes 1,000
    words; the title, author and outlet are those of the first article used.
    """
    articles: list[dict[str, Any]] = []
    paragraphs: list[str] = []
    word_total = 0
    first: dict[str, Any] | None = None
    for source in _corpus_articles():
        for paragraph in (source.get("content") or "").split("\n"):
            if not paragraph.strip():
                continue
            first = first or source
            paragraphs.append(paragraph.strip())
            word_total += len(words(paragraph))
            if word_total < ARTICLE_WORDS:
                continue
            articles.append(
                {
                    "id": f"bench-{len(articles) + 1:05d}",
                    "title": first.get("title") or "",
                    "body": "\n\n".join(paragraphs),
                    "author": first.get("author") or None,
                    "outlet": first.get("source"),
                }
            )
            paragraphs, word_total, first = [], 0, None
            if len(articles) == count:
                return articles
    raise SystemExit(f"the corpus holds only {len(articles)} articles of {ARTICLE_WORDS} words")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _cpu_seconds(after: resource.struct_rusage, before: resource.struct_rusage) -> float:
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def single_core_baseline(articles: list[dict[str, Any]]) -> dict[str, Any]:
    """Time the engine in this process, one article at a time (after one warm-up call)."""
    engine = DetectorEngine.from_settings()
    engine.score(articles[0])
    timings = []
    for article in articles[:BASELINE_ROWS]:
        started = time.perf_counter()
        engine.score(article)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "model": f"{engine.model.name} {engine.model.version}",
        "signals": len(engine.signals),
        "rows": len(timings),
        "median_ms": round(statistics.median(timings), 3),
        "mean_ms": round(statistics.fmean(timings), 3),
        "articles_per_second": round(1000 / statistics.fmean(timings), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-rows", type=int, default=16)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    articles = build_articles(args.rows)
    word_counts = [len(words(article["body"])) for article in articles]
    baseline = single_core_baseline(articles)
    with tempfile.TemporaryDirectory(prefix="mizan-batch-bench-") as folder:
        source, out = Path(folder) / "archive.jsonl", Path(folder) / "reports.jsonl"
        source.write_text("".join(dumps_line(article) for article in articles), encoding="utf-8")
        own_before = resource.getrusage(resource.RUSAGE_SELF)
        workers_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        summary = run_batch(
            BatchOptions(
                source,
                out,
                columns=ColumnMapping(),
                workers=args.workers,
                chunk_rows=args.chunk_rows,
                progress=False,
            )
        )
        parent_cpu_s = _cpu_seconds(resource.getrusage(resource.RUSAGE_SELF), own_before)
        worker_cpu_s = _cpu_seconds(resource.getrusage(resource.RUSAGE_CHILDREN), workers_before)
    if summary.scored != args.rows:
        raise SystemExit(f"only {summary.scored} of {args.rows} rows were scored")
    rate = summary.rows_per_second
    result = {
        "benchmark": "batch_throughput",
        "articles_per_second": round(rate, 1),
        "target_articles_per_second": TARGET_ARTICLES_PER_SECOND,
        "meets_target": rate >= TARGET_ARTICLES_PER_SECOND,
        "rows": summary.scored,
        "errors": summary.errors,
        "elapsed_s": round(summary.elapsed_s, 3),
        "workers": args.workers,
        "chunk_rows": args.chunk_rows,
        "cpu_time": {
            "parent_s": round(parent_cpu_s, 3),
            "workers_s": round(worker_cpu_s, 3),
            "worker_ms_per_article": round(1000 * worker_cpu_s / summary.scored, 3),
            # What the workers would reach with a free core each (other load on the machine
            # stretches wall-clock time but not CPU time).
            "cpu_bound_articles_per_second": round(
                summary.scored / max(worker_cpu_s / args.workers, parent_cpu_s, 1e-9), 1
            ),
        },
        "words_per_article": {
            "median": statistics.median(word_counts),
            "min": min(word_counts),
            "max": max(word_counts),
        },
        "single_core_baseline": baseline,
        "speedup_over_single_core": round(rate / baseline["articles_per_second"], 2),
        "machine": {
            "cpu_count": os.cpu_count(),
            "usable_cpus": _usable_cpus(),
            "cpu_model": _cpu_model(),
            "load_average_1m_at_end": round(os.getloadavg()[0], 2),
            "platform": platform.platform(),
            "python": sys.version.split()[0],
        },
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
