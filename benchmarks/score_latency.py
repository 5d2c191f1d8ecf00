"""Median time to score one 1,000-word Arabic article on one core, model loaded.

Target (issue: scoring core): under 20 ms median. Writes benchmarks/results/score_latency.json.
The baseline in the same process is plain normalisation plus sentence splitting of the same
texts, so the ratio stays comparable across machines.

    python benchmarks/score_latency.py [--articles 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.dirname(__file__))

from common import arabic_articles_of_words, write_result  # noqa: E402

from mizan.detector.engine import DetectorEngine  # noqa: E402
from mizan.detector.text import normalize_with_offsets, split_sentences  # noqa: E402


def _timed(function, items) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for item in items:
        started = time.perf_counter()
        function(item)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    engine = DetectorEngine.from_settings()
    articles = arabic_articles_of_words(args.articles)
    for article in articles[:10]:
        engine.score(article)
    score_ms = _timed(engine.score, articles)
    baseline_ms = _timed(
        lambda a: split_sentences(normalize_with_offsets(a["body"]).text), articles
    )
    per_signal: dict[str, float] = {}
    docs = [engine.parse(article) for article in articles[:50]]
    for signal in engine.signals:
        per_signal[signal.name] = statistics.median(
            _timed(lambda doc, s=signal: s.extract(doc, engine.context), docs)
        )
    result = {
        "articles": len(articles),
        "words_per_article": 1000,
        "model": f"{engine.model.name} {engine.model.version}",
        "median_ms": round(statistics.median(score_ms), 3),
        "p95_ms": round(sorted(score_ms)[int(0.95 * len(score_ms)) - 1], 3),
        "baseline_median_ms": round(statistics.median(baseline_ms), 3),
        "ratio_to_baseline": round(statistics.median(score_ms) / statistics.median(baseline_ms), 2),
        "per_signal_median_ms": {k: round(v, 3) for k, v in per_signal.items()},
        "target_median_ms": 20,
    }
    path = write_result("score_latency", result)
    print(f"median {result['median_ms']} ms, p95 {result['p95_ms']} ms -> {path}")


if __name__ == "__main__":
    main()
