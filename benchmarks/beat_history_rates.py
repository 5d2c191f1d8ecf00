"""How often human reporters write off their usual topic: the beat history rule's base rate.

Builds (or reuses) the training memory of ``mizan train`` (the train split's articles with a
byline or outlet, seed 13), then scores held-out SaudiNewsNet articles (val and test, human
news) against it. For those whose byline has a history, it reports the share of articles on
a topic that is under 20% and at most 5% of the byline's stored articles, and how often the
beat signal's history part fires. Writes ``benchmarks/results/beat_history_rates.json``.

    python benchmarks/beat_history_rates.py [--rows 3000]
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from common import write_result  # noqa: E402

from mizan.detector.engine import DetectorEngine  # noqa: E402
from mizan.detector.signals.beat import RARE_TOPIC_SHARE  # noqa: E402
from mizan.detector.store import ArticleStore  # noqa: E402
from mizan.training.datasets import load_all  # noqa: E402
from mizan.training.features import DEFAULT_CACHE_DIR, article_fields, row_records  # noqa: E402
from mizan.training.memory import build_training_memory  # noqa: E402
from mizan.training.splits import assign_splits  # noqa: E402
from mizan.training.train import HUMAN_NEWS_CORPUS, TrainConfig  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=3000, help="held-out articles scored")
    args = parser.parse_args()
    seed = TrainConfig().seed
    frame = assign_splits(load_all(), seed=seed)
    memory = build_training_memory(frame, DEFAULT_CACHE_DIR / "memory")
    held_out = frame[
        (frame["source_corpus"] == HUMAN_NEWS_CORPUS)
        & frame["split"].isin(["val", "test"])
        & frame["author"].notna()
    ].sort_values("id")
    store = ArticleStore(memory.url, refresh_interval_s=float("inf"))
    engine = DetectorEngine(memory=store)
    with_history = under_fifth = rare = fired = 0
    for row in row_records(held_out.head(args.rows)):
        doc = engine.parse(article_fields(row))
        [beat] = [result for result in engine.extract(doc)[0] if result.name == "beat"]
        if beat.features["beat.history_articles"] < 5:
            continue
        with_history += 1
        share = beat.features["beat.history_topic_share"]
        under_fifth += share < 0.2
        rare += share <= RARE_TOPIC_SHARE
        fired += any("usually writes about" in item.reason for item in beat.evidence)
    result = {
        "memory_articles": memory.articles,
        "held_out_articles": min(args.rows, len(held_out)),
        "with_history": with_history,
        "topic_share_under_0.2": round(under_fifth / max(1, with_history), 4),
        f"topic_share_at_most_{RARE_TOPIC_SHARE}": round(rare / max(1, with_history), 4),
        "history_part_fired": round(fired / max(1, with_history), 4),
    }
    path = write_result("beat_history_rates", result)
    print(result)
    print(f"-> {path}")


if __name__ == "__main__":
    main()
