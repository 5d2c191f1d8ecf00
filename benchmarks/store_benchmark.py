"""Article store: ingest throughput into SQLite, and lookup latency with 100,000 articles.

1. Ingest: the whole SaudiNewsNet corpus (about 31,000 articles with bylines) is written to
   a JSONL archive with the corpus's own column names and stored with ``mizan ingest``'s
   pipeline (``--map body=content --map outlet=source --map published_at=date_extracted``)
   into a fresh SQLite file, with topic probabilities when the topic bundle exists. Wall
   time, and the CPU time of this process and its workers, are recorded: on a shared
   machine the CPU rate says what the cores can do when nothing else runs.
2. Scale: more articles are added until the store holds ``--articles`` (100,000 by
   default). They are recombined from real corpus sentences (each a random draw of 8 to 20
   sentences, real outlets and bylines), so their word statistics are those of news text.
3. Latency: a fresh store object opens the file and rebuilds the near-duplicate index from
   the database (timed). Then, for ``--queries`` articles, one store lookup (the author
   profile of the byline) plus one near-duplicate query of the article text within its
   outlet is timed. Half the queries are archived articles with about 6% of their words and
   every number swapped (they must be found); half are unseen recombinations.

Wall times on a machine shared with other work include waiting for a core; the CPU time of
each query (``time.thread_time``) is recorded beside them. Writes
``benchmarks/results/store.json``.

    python benchmarks/store_benchmark.py [--articles 100000] [--queries 2000] [--workers N]
    python benchmarks/store_benchmark.py --keep /tmp/store.db            # keep the store
    python benchmarks/store_benchmark.py --keep /tmp/store.db --reuse    # queries only
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS.parent))

from benchmarks.common import RESULTS, saudinewsnet_articles, write_result  # noqa: E402
from mizan.detector import minhash  # noqa: E402
from mizan.detector.store import ArticleStore  # noqa: E402
from mizan.detector.store.pipeline import IngestRow, ingest_rows  # noqa: E402
from mizan.detector.store.records import content_id  # noqa: E402
from mizan.service.batch.columns import ColumnMapping  # noqa: E402
from mizan.service.batch.ingest import source_rows  # noqa: E402

TARGET_INGEST_PER_SECOND = 1_000.0
TARGET_P99_MS = 5.0
SENTENCE = re.compile(r"(?<=[.!؟?])\s+|\n+")
CORPUS_MAP = ["body=content", "outlet=source", "published_at=date_extracted"]


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    position = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[position]


def _timings(values_ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(_percentile(values_ms, 0.50), 3),
        "p95_ms": round(_percentile(values_ms, 0.95), 3),
        "p99_ms": round(_percentile(values_ms, 0.99), 3),
        "max_ms": round(max(values_ms), 3),
        "mean_ms": round(statistics.fmean(values_ms), 3),
    }


def ingest_corpus(
    store_url: str, folder: Path, workers: int | None, topics: bool
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Store the whole corpus through the ingest pipeline; return the figures and the rows."""
    rows = list(saudinewsnet_articles(10**9))
    archive = folder / "saudinewsnet.jsonl"
    with open(archive, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    store = ArticleStore(store_url, topics="default" if topics else None)
    mapping = ColumnMapping.from_options(CORPUS_MAP)
    load_before = os.getloadavg()[0]
    cpu_before = _cpu_seconds()
    summary = ingest_rows(
        store,
        source_rows(archive, "jsonl", mapping),
        workers=workers,
        use_topics=store.topics is not None,
    )
    cpu = _cpu_seconds() - cpu_before
    cores = min(os.cpu_count() or 1, workers or os.cpu_count() or 1)
    figures = {
        **summary.to_dict(),
        "topics": store.topics is not None,
        "workers": workers or os.cpu_count(),
        "cpu_s": round(cpu, 2),
        "cpu_ms_per_article": round(1000 * cpu / max(1, summary.rows), 3),
        "articles_per_second_if_cores_idle": round(summary.rows * cores / cpu, 1) if cpu else None,
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
    }
    store.close()
    return figures, rows


def recombined_rows(rows: list[dict[str, Any]], count: int, seed: int) -> list[dict[str, Any]]:
    """Return ``count`` articles made of random real sentences, with real outlets and bylines."""
    rng = random.Random(seed)
    sentences = [
        sentence.strip()
        for row in rows
        for sentence in SENTENCE.split(row.get("content") or "")
        if len(sentence.split()) >= 6
    ]
    bylines = [row for row in rows if row.get("author")]
    made = []
    for index in range(count):
        source = rng.choice(bylines)
        body = " ".join(rng.choice(sentences) for _ in range(rng.randint(8, 20)))
        made.append(
            {
                "id": f"mix-{seed}-{index}",
                "body": body,
                "title": source.get("title"),
                "author": source["author"],
                "outlet": source["source"],
                "published_at": source.get("date_extracted"),
            }
        )
    return made


def _true_jaccard(first: str, second: str) -> float:
    shingles_first, shingles_second = minhash.shingles(first), minhash.shingles(second)
    union = shingles_first | shingles_second
    return len(shingles_first & shingles_second) / len(union) if union else 0.0


def swap_words(text: str, share: float, vocabulary: list[str], rng: random.Random) -> str:
    """Replace about ``share`` of the words, and every number, as a template re-use does."""
    words = text.split()
    for position, word in enumerate(words):
        if re.search(r"\d", word):
            words[position] = str(rng.randint(2, 999))
        elif rng.random() < share:
            words[position] = rng.choice(vocabulary)
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--no-topics", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep the SQLite store at this path")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the queries on the store kept by an earlier --keep run (no ingest)",
    )
    args = parser.parse_args()
    if args.reuse and (args.keep is None or not args.keep.is_file()):
        raise SystemExit("--reuse needs --keep PATH of an existing store")

    previous: dict[str, Any] = {}
    if args.reuse and (RESULTS / "store.json").is_file():
        previous = json.loads((RESULTS / "store.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        database = args.keep or folder / "store.db"
        url = f"sqlite:///{database}"
        started = time.perf_counter()
        if args.reuse:
            rows = list(saudinewsnet_articles(10**9))
            ingest = previous.get("ingest_saudinewsnet", {})
            filled_figures = previous.get("filler_articles", {})
        else:
            database.unlink(missing_ok=True)
            ingest, rows = ingest_corpus(url, folder, args.workers, not args.no_topics)
            print(f"ingest: {ingest}", file=sys.stderr)
            store = ArticleStore(url, topics=None)
            missing = max(0, args.articles - store.count_articles())
            filler = recombined_rows(rows, missing, seed=1)
            filled = ingest_rows(
                store,
                (IngestRow(number, row) for number, row in enumerate(filler, start=1)),
                workers=args.workers,
                use_topics=False,
            )
            store.close()
            filled_figures = filled.to_dict()
            print(f"filler: {filled.line()}", file=sys.stderr)

        rebuild_started = time.perf_counter()
        store = ArticleStore(url, topics=None, refresh_interval_s=3600.0)
        indexed = store.build_index()
        rebuild_s = time.perf_counter() - rebuild_started
        stored_total = store.count_articles()

        rng = random.Random(7)
        stored_rows = [row for row in rows if (row.get("content") or "").strip()]
        vocabulary = [
            word for row in rng.sample(stored_rows, 500) for word in row["content"].split()
        ]
        half = args.queries // 2
        queries: list[tuple[dict[str, Any], bool]] = []
        for row in rng.sample(stored_rows, half):
            edited = swap_words(row["content"], 0.06, vocabulary, rng)
            original = content_id(
                {"outlet": row["source"], "title": row.get("title"), "body": row["content"]}
            )
            queries.append(({**row, "body": edited, "outlet": row["source"], "id": original}, True))
        for row in recombined_rows(rows, args.queries - half, seed=2):
            queries.append((row, False))
        rng.shuffle(queries)
        # Warm the caches (query plans, permutation tables) before timing.
        for query, _ in queries[:20]:
            store.author_profile(query.get("author") or "")
            store.near_duplicates(query["body"], query["outlet"])

        lookup_ms, duplicate_ms, total_ms, cpu_ms = [], [], [], []
        copies = found = false_matches = close_copies = close_found = 0
        load_before_queries = os.getloadavg()[0]
        for query, is_copy in queries:
            cpu_started = time.thread_time()
            started_query = time.perf_counter()
            store.author_profile(query.get("author") or "")
            after_lookup = time.perf_counter()
            matches = store.near_duplicates(query["body"], query["outlet"], exclude_id="query")
            finished = time.perf_counter()
            cpu_ms.append((time.thread_time() - cpu_started) * 1000)
            lookup_ms.append((after_lookup - started_query) * 1000)
            duplicate_ms.append((finished - after_lookup) * 1000)
            total_ms.append((finished - started_query) * 1000)
            if is_copy:
                hit = any(
                    match.article_id == query["id"] and match.shared_passage for match in matches
                )
                copies += 1
                found += hit
                if _true_jaccard(query["content"], query["body"]) >= 0.4:
                    close_copies += 1
                    close_found += hit
            else:
                false_matches += bool(matches)
        stats = store.stats()
        store.close()

    result = {
        "ingest_saudinewsnet": ingest,
        "ingest_target_articles_per_second": TARGET_INGEST_PER_SECOND,
        "filler_articles": filled_figures,
        "stored_articles": stored_total,
        "index": {"articles": indexed, "rebuild_s": round(rebuild_s, 3)},
        "queries": {
            "count": len(queries),
            "lookup_plus_near_duplicates": _timings(total_ms),
            "author_profile": _timings(lookup_ms),
            "near_duplicates": _timings(duplicate_ms),
            "cpu_time_of_lookup_plus_near_duplicates": _timings(cpu_ms),
            "target_p99_ms": TARGET_P99_MS,
            "load_average_before_queries": round(load_before_queries, 2),
            "edited_copies_found": round(found / max(1, copies), 4),
            "edited_copies_with_true_jaccard_at_least_0_4_found": round(
                close_found / max(1, close_copies), 4
            ),
            "unseen_articles_with_matches": round(false_matches / max(1, len(queries) - copies), 4),
        },
        "store": stats,
        "load_average_end": round(os.getloadavg()[0], 2),
        "elapsed_s": round(time.perf_counter() - started, 1),
    }
    path = write_result("store", result)
    print(json.dumps(result, indent=2), file=sys.stderr)
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
