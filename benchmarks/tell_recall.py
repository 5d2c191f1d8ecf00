"""Tell recall on real web pages: how much of what an editor marked does the evidence cover?

Reads the development corpus ``web-pages-dev`` (real farm, machine-written and wire pages
with annotated tells and hard negatives; see its PROVENANCE files) from the corpora folder,
scores every page as raw page text (``{"body": text, "url": url}``, the way a CMS that copies
a page would send it) and reports, per tell code, the share of annotated quotes that evidence
of the matching signal overlaps:

- E, U: experts; S: statistics; H, T, B, K, P: templating; A: beat;
- M: the page's ``ai_generated`` above 0.5 (a page-level judgement, not a span);
- F (false non-numeric claims) is listed but no signal claims to check facts, so it is
  reported only as a count.

For statistics, ``S checkable`` counts the quotes whose annotation shows arithmetic that can
be done offline from the page itself or from a small reference table (pegs, karat and ounce
ratios, areas, populations, the page's own totals and percentages), as opposed to world
knowledge such as a footballer's transfer record.

On the wire side every hard negative (legitimate unnamed sourcing, named experts, correct
numbers, site chrome repeating the title, list-heavy service pieces, ...) is checked for
evidence of the signal that would misread it; the target is evidence on at most 5% of them.
Verdict shares per language close the table: farm pages not ``reliable``, wire pages
``unreliable``.

    python benchmarks/tell_recall.py [--language ar|en] [--misses CODE] [--limit N]

Writes benchmarks/results/tell_recall.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))

from common import write_result  # noqa: E402

from mizan.detector.engine import DetectorEngine, Report  # noqa: E402
from mizan.detector.settings import get_settings  # noqa: E402

TELL_SIGNAL = {
    "E": "experts",
    "U": "experts",
    "S": "statistics",
    "H": "templating",
    "T": "templating",
    "B": "templating",
    "K": "templating",
    "P": "templating",
    "A": "beat",
}
HARD_NEGATIVE_SIGNAL = {
    "U": "experts",
    "X": "experts",
    "O": "experts",
    "N": "statistics",
    "S": "statistics",
    "T": "templating",
    "L": "templating",
    "R": "templating",
    "Y": "beat",
}
TARGETS = {"E": 0.90, "H": 0.90, "U": 0.85, "T": 0.85, "S checkable": 0.70}
HARD_NEGATIVE_TARGET = 0.05

# An annotation note that shows offline arithmetic: the page's own figures, a peg or a ratio.
_CHECKABLE_NOTE = re.compile(
    r"[÷×=≈]|\bimpl(?:y|ies)\b|\bpeg|\bbuy\b|\bsell|\bkarat|\b2[124]k\b|\bounce|\barea\b|"
    r"\bpopulation|\bkm\b|\bpercent|%|\bits own\b|\bself-contradict|\bcontradicts\b|"
    r"\bsum\b|\btotal",
    re.IGNORECASE,
)


def load_pages(folder: Path) -> list[dict[str, Any]]:
    """Return the farm and wire rows of ``web-pages-dev``, farm first."""
    rows: list[dict[str, Any]] = []
    for name in ("farm.jsonl", "wire.jsonl"):
        with (folder / name).open(encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    return rows


def evidence_spans(report: Report, text: str, signal: str) -> list[tuple[int, int]]:
    """Return the body offsets of ``signal``'s evidence (title evidence placed where it stands)."""
    title_at = text.find(report.title) if report.title else -1
    spans = []
    for result in report.signals:
        if result.name != signal:
            continue
        for item in result.evidence:
            if item.field == "body":
                spans.append((item.start, item.end))
            elif item.field == "title" and title_at >= 0:
                spans.append((title_at + item.start, title_at + item.end))
    return spans


def covered(quote: str, text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether any span overlaps an occurrence of ``quote`` in ``text``."""
    start = text.find(quote)
    while start >= 0:
        end = start + len(quote)
        if any(span_start < end and start < span_end for span_start, span_end in spans):
            return True
        start = text.find(quote, start + 1)
    return False


def checkable(note: str) -> bool:
    """Whether a statistics annotation shows arithmetic that can be checked offline."""
    return bool(_CHECKABLE_NOTE.search(note))


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def measure(
    rows: list[dict[str, Any]], engine: DetectorEngine, misses: str | None = None
) -> dict[str, Any]:
    """Score every page and tally tell recall, hard-negative evidence and verdicts."""
    tells: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    negatives: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    verdicts: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    seconds = 0.0
    for row in rows:
        language, text = row["language"], row["text"]
        started = time.perf_counter()
        report = engine.score({"id": row["id"], "body": text, "url": row.get("url")})
        seconds += time.perf_counter() - started
        verdicts[language][row["label"]][report.verdict] += 1
        spans = {name: evidence_spans(report, text, name) for name in set(TELL_SIGNAL.values())}
        for tell in row.get("tells", []):
            code = tell["code"]
            if code == "M":
                hit = (report.ai_generated or 0.0) > 0.5
            elif code in TELL_SIGNAL:
                hit = covered(tell["quote"], text, spans[TELL_SIGNAL[code]])
            else:
                hit = False
            keys = [code, "S checkable"] if code == "S" and checkable(tell["note"]) else [code]
            for key in keys:
                for scope in (language, "all"):
                    tells[key][scope][0] += hit
                    tells[key][scope][1] += 1
            if misses == code and not hit:
                print(f"miss {row['id']}: {tell['quote'][:90]!r}", file=sys.stderr)
        for negative in row.get("hard_negative", []):
            code = negative["code"]
            signal = HARD_NEGATIVE_SIGNAL.get(code)
            if signal is None:
                continue
            hit = covered(negative["quote"], text, spans[signal])
            for key in (code, "all"):
                for scope in (language, "all"):
                    negatives[key][scope][0] += hit
                    negatives[key][scope][1] += 1
            if misses == f"-{code}" and hit:
                print(f"false evidence {row['id']}: {negative['quote'][:90]!r}", file=sys.stderr)
    return {
        "pages": len(rows),
        "seconds_per_page": round(seconds / max(len(rows), 1), 4),
        "tell_recall": {
            code: {
                scope: {"covered": hit, "of": total, "share": _share(hit, total)}
                for scope, (hit, total) in scopes.items()
            }
            for code, scopes in sorted(tells.items())
        },
        "hard_negative_evidence": {
            code: {
                scope: {"with_evidence": hit, "of": total, "share": _share(hit, total)}
                for scope, (hit, total) in scopes.items()
            }
            for code, scopes in sorted(negatives.items())
        },
        "verdicts": {
            language: {label: dict(counts) for label, counts in by_label.items()}
            for language, by_label in sorted(verdicts.items())
        },
        "targets": {"tell_recall": TARGETS, "hard_negative_evidence_at_most": HARD_NEGATIVE_TARGET},
    }


def _cell(entry: dict[str, Any] | None, key: str) -> str:
    if not entry or not entry.get("of"):
        return "–"
    return f"{entry['share']:.0%} ({entry[key]}/{entry['of']})"


def print_table(result: dict[str, Any]) -> None:
    """Print the scoreboard as Markdown tables."""
    print("| tell | signal | Arabic | English | all | target |")
    print("|---|---|---|---|---|---|")
    for code, scopes in result["tell_recall"].items():
        signal = TELL_SIGNAL.get(code.split()[0], "ai_generated" if code == "M" else "none")
        target = TARGETS.get(code)
        print(
            f"| {code} | {signal} | {_cell(scopes.get('ar'), 'covered')} | "
            f"{_cell(scopes.get('en'), 'covered')} | {_cell(scopes.get('all'), 'covered')} | "
            f"{'≥ ' + format(target, '.0%') if target else ''} |"
        )
    print()
    print("| hard negative | signal | Arabic | English | all |")
    print("|---|---|---|---|---|")
    for code, scopes in result["hard_negative_evidence"].items():
        signal = HARD_NEGATIVE_SIGNAL.get(code, "any")
        print(
            f"| {code} | {signal} | {_cell(scopes.get('ar'), 'with_evidence')} | "
            f"{_cell(scopes.get('en'), 'with_evidence')} | "
            f"{_cell(scopes.get('all'), 'with_evidence')} |"
        )
    print()
    for language, by_label in result["verdicts"].items():
        farm = by_label.get("farm", {})
        wire = by_label.get("wire", {})
        farm_total, wire_total = sum(farm.values()), sum(wire.values())
        print(
            f"{language}: farm not reliable {farm_total - farm.get('reliable', 0)}/{farm_total}, "
            f"wire unreliable {wire.get('unreliable', 0)}/{wire_total}, "
            f"wire reliable {wire.get('reliable', 0)}/{wire_total}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--language", choices=("ar", "en"))
    parser.add_argument("--limit", type=int, default=0, help="score only the first N pages")
    parser.add_argument(
        "--misses",
        metavar="CODE",
        help="print the quotes of CODE that no evidence covers "
        "(or -CODE: the hard negatives of CODE that got evidence)",
    )
    args = parser.parse_args()
    folder = get_settings().corpora_dir / "web-pages-dev"
    if not folder.is_dir():
        sys.exit(f"tell_recall: no corpus at {folder} (set MIZAN_CORPORA_DIR)")
    rows = load_pages(folder)
    if args.language:
        rows = [row for row in rows if row["language"] == args.language]
    if args.limit:
        rows = rows[: args.limit]
    engine = DetectorEngine.from_settings()
    result = measure(rows, engine, misses=args.misses)
    result["model"] = {"name": engine.model.name, "version": engine.model.version}
    print_table(result)
    if not args.language and not args.limit:
        print(f"wrote {write_result('tell_recall', result)}")


if __name__ == "__main__":
    main()
