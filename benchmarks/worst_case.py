"""Worst-case scoring cost: adversarial drafts at the service's limits, per character.

Each family of hostile or careless input (long whitespace runs after a byline word, repeated
attributions, repeated claims, deeply nested HTML, bidi and zero-width runs, text that NFKC
expands, huge numbers, menu-like short lines, one endless word) is built at the size the
service accepts and scored in a child process with a time limit. Its time per character is
compared with a normal 1,000-word Arabic article's, measured in the same run; the target is
at most 10x for every family, and no family may crash (a clear ``InvalidArticleError`` is an
answer, not a crash).

    python benchmarks/worst_case.py [--chars 100000] [--limit-s 120] [--family NAME]

Writes benchmarks/results/worst_case.json.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.dirname(__file__))

from common import arabic_articles_of_words, write_result  # noqa: E402

TARGET_RATIO = 10.0
NORMAL = arabic_articles_of_words(1)[0]["body"]
ENGLISH_NORMAL = (
    "The ministry said on Tuesday that exports rose by 4.2% in the third quarter, "
    "according to figures published by the national statistics office. "
) * 60


def _repeat(unit: str, chars: int) -> str:
    return (unit * (chars // len(unit) + 1))[:chars]


def _fill(head: str, chars: int, tail: str = NORMAL) -> str:
    """``head`` followed by normal article text, cut to ``chars``."""
    return (head + "\n" + _repeat(tail + "\n", max(chars - len(head) - 1, 1)))[:chars]


def _nested_html(depth: int, chars: int) -> str:
    body = f"<p>{NORMAL}</p>" * max(1, chars // (len(NORMAL) + 7))
    return "<html><body>" + "<div>" * depth + body + "</div>" * depth + "</body></html>"


def families(chars: int, html_chars: int) -> dict[str, Callable[[], dict[str, str]]]:
    """Name each adversarial family and how to build its article."""
    invisible = "\u200c\u200d\u200b\u2060\ufeff\u00ad\u061c\u200e\u200f\u034f"
    return {
        "byline_spaces_ar": lambda: {"body": _fill("كتب" + " " * 2000 + "|x", chars)},
        "byline_nbsp_ar": lambda: {"body": _fill("بقلم" + "\u00a0" * 2000 + "|x", chars)},
        "byline_spaces_en": lambda: {
            "body": _fill("By" + " " * 2000 + "|x", chars, ENGLISH_NORMAL)
        },
        "whitespace_only_runs": lambda: {"body": "خبر " + _repeat(" \t\u00a0\u3000", chars - 8)},
        "attributions_ar": lambda: {"body": _repeat("قال هو، ", chars)},
        "attributions_en": lambda: {"body": _repeat("he said, ", chars)},
        "attributions_ar_html": lambda: {"html": "<p>" + _repeat("قال هو، ", html_chars) + "</p>"},
        "experts_titles_ar": lambda: {"body": _repeat("وقال الخبير الاقتصادي والمحلل ", chars)},
        "claims_area_ar": lambda: {
            "body": _repeat(
                "تبلغ مساحة مصر مليون كيلومتر مربع وهي أكبر من السعودية بثلاث مرات. ", chars
            )
        },
        "claims_percent_ar": lambda: {
            "body": _repeat("ارتفع السعر بنسبة 50% من 100 إلى 120 ريالا، وانخفض 30% أمس. ", chars)
        },
        "claims_population_en": lambda: {
            "body": _repeat(
                "Egypt has a population of 900 million, twice that of France and 3 times Spain. ",
                chars,
            )
        },
        "numbers_huge": lambda: {
            "body": _repeat("مساحة مصر " + "9" * 400 + " كيلومتر مربع، ", chars)
        },
        "numbers_zero": lambda: {
            "body": _repeat("مساحة قطر 0 كيلومتر مربع وهي أصغر 0 مرات من مصر. ", chars)
        },
        "numbers_digits_run": lambda: {"body": "الرقم " + _repeat("1234567890", chars - 6)},
        "nested_html_300": lambda: {"html": _nested_html(300, html_chars)},
        "nested_html_5000": lambda: {"html": _nested_html(5000, html_chars)},
        "zero_width_inside_words": lambda: {
            "body": "".join(
                char + (invisible[index % len(invisible)] if char.isalpha() else "")
                for index, char in enumerate(_repeat(NORMAL, chars // 2))
            )
        },
        "zero_width_runs": lambda: {"body": _fill(invisible * (chars // 40), chars)},
        "bidi_runs": lambda: {"body": _repeat("\u202b\u2067مصر\u2069\u202c ", chars)},
        "nfkc_expanding": lambda: {"body": "خبر " + _repeat("\ufdfa \ufdfb ﬃ ", chars // 4)},
        "menu_lines": lambda: {"body": _fill(_repeat("الرئيسية\n", chars // 2), chars)},
        "one_long_word": lambda: {"body": "خبر " + _repeat("ب", chars - 4)},
        "newlines_only": lambda: {"body": "خبر عاجل" + "\n" * (chars - 8)},
        "read_also_links": lambda: {
            "body": _repeat("اقرأ أيضا: تعرف على سعر الذهب اليوم عيار 21\n", chars)
        },
    }


def _score_child(article: dict[str, str], queue: Any) -> None:
    from mizan.detector.engine import DetectorEngine
    from mizan.detector.errors import InvalidArticleError

    engine = DetectorEngine.from_settings()
    engine.score({"body": NORMAL})  # warm caches, as a running service is
    started = time.perf_counter()
    try:
        engine.score(article)
        outcome = "scored"
    except InvalidArticleError as error:
        outcome = f"rejected: {error}"
    except Exception as error:  # noqa: BLE001 - a crash is what this measures
        outcome = f"crash: {type(error).__name__}: {error}"
    queue.put((outcome, time.perf_counter() - started))


def timed(article: dict[str, str], limit_s: float) -> tuple[str, float]:
    """Score ``article`` in a child process; return the outcome and seconds (or a time-out)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_score_child, args=(article, queue))
    process.start()
    process.join(limit_s + 30)
    if process.is_alive():
        process.kill()
        process.join()
        return "timeout", float("inf")
    if queue.empty():
        return f"crash: exit code {process.exitcode}", float("nan")
    outcome, seconds = queue.get()
    return str(outcome), float(seconds)


def normal_seconds_per_char(repeats: int = 30) -> float:
    """Median time per character of the normal 1,000-word Arabic article."""
    from mizan.detector.engine import DetectorEngine

    engine = DetectorEngine.from_settings()
    engine.score({"body": NORMAL})
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        engine.score({"body": NORMAL})
        times.append(time.perf_counter() - started)
    return statistics.median(times) / len(NORMAL)


def _chars(article: dict[str, str]) -> int:
    return len(article.get("body") or article.get("html") or "")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--chars", type=int, default=0, help="body size (default: the limit)")
    parser.add_argument("--limit-s", type=float, default=120.0, help="time limit per family")
    parser.add_argument("--family", action="append", help="run only these families")
    args = parser.parse_args()

    from mizan.detector.settings import get_settings

    settings = get_settings()
    chars = args.chars or settings.max_text_chars
    html_chars = chars * 2
    normal = normal_seconds_per_char()
    rows = []
    for name, build in families(chars, html_chars).items():
        if args.family and name not in args.family:
            continue
        article = build()
        outcome, seconds = timed(article, args.limit_s)
        size = _chars(article)
        ratio = (seconds / size) / normal if size and seconds == seconds else float("inf")
        ok = not outcome.startswith(("crash", "timeout")) and ratio <= TARGET_RATIO
        rows.append(
            {
                "family": name,
                "chars": size,
                "seconds": round(seconds, 4) if seconds != float("inf") else None,
                "ratio_per_char": round(ratio, 2) if ratio != float("inf") else None,
                "outcome": outcome[:200],
                "within_target": ok,
            }
        )
        shown = f"{ratio:8.2f}x" if ratio != float("inf") else "     inf"
        print(f"{name:26s} {size:8d} chars {seconds:9.3f} s {shown}  {outcome[:70]}", flush=True)
    worst = max((row["ratio_per_char"] or float("inf") for row in rows), default=0.0)
    result = {
        "normal_us_per_char": round(normal * 1e6, 4),
        "target_ratio": TARGET_RATIO,
        "worst_ratio": worst if worst != float("inf") else None,
        "all_within_target": all(row["within_target"] for row in rows),
        "families": rows,
    }
    print(f"normal article: {normal * 1e6:.3f} us/char; worst family {worst:.2f}x")
    if not args.family:
        print(f"wrote {write_result('worst_case', result)}")


if __name__ == "__main__":
    main()
