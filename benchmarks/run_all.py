"""Run every benchmark in turn, each in its own process; each writes its JSON in results/.

    .venv/bin/python benchmarks/run_all.py          # all of them, several minutes on 2 cores
    .venv/bin/python benchmarks/run_all.py --only tell_recall worst_case
    .venv/bin/python benchmarks/run_all.py --skip store_benchmark http_latency

Exits 1 when any benchmark failed, naming it on stderr; a summary is written to
``results/run_all.json``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

# Name and arguments, quickest first. Those that need the corpora say so when they are missing.
BENCHMARKS: dict[str, list[str]] = {
    "tell_recall": [],
    "score_latency": [],
    "worst_case": ["--limit-s", "60"],
    "batch_throughput": [],
    "batch_kill_resume": [],
    "http_latency": [],
    "beat_history_rates": [],
    "store_benchmark": [],
}


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks and return 0 when all of them succeeded."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), help="run just these")
    parser.add_argument("--skip", nargs="+", choices=sorted(BENCHMARKS), default=[])
    args = parser.parse_args(argv)
    names = [name for name in BENCHMARKS if (not args.only or name in args.only)]
    names = [name for name in names if name not in args.skip]
    summary: dict[str, dict[str, object]] = {}
    for name in names:
        command = [sys.executable, str(HERE / f"{name}.py"), *BENCHMARKS[name]]
        print(f"== {name}: {' '.join(command[1:])}", flush=True)
        started = time.perf_counter()
        code = subprocess.call(command)
        seconds = round(time.perf_counter() - started, 1)
        summary[name] = {"exit_code": code, "seconds": seconds}
        print(f"== {name}: exit {code} in {seconds} s", flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "run_all.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    failed = [name for name, row in summary.items() if row["exit_code"] != 0]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
