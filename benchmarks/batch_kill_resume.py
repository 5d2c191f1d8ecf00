"""Kill `mizan batch` midway through a 5,000-row archive of real articles, then resume.

Builds a JSONL archive from saudinewsnet (human Arabic news), starts
`mizan batch --workers 2`, sends SIGKILL once about half of the reports are written, runs
the same command with `--resume`, and checks that the output holds every input id exactly
once. Writes benchmarks/results/batch_kill_resume.json.

    python benchmarks/batch_kill_resume.py [--rows 5000]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from common import saudinewsnet_articles, write_result  # noqa: E402


def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mizan-kill-"))
    archive, output = folder / "archive.jsonl", folder / "reports.jsonl"
    with archive.open("w", encoding="utf-8") as handle:
        for index, row in enumerate(saudinewsnet_articles(args.rows)):
            article = {
                "id": f"snn-{index}",
                "title": row.get("title") or "",
                "body": row["content"],
            }
            article["author"] = row.get("author") or None
            article["outlet"] = row.get("source") or None
            handle.write(json.dumps(article, ensure_ascii=False) + "\n")
    command = [sys.executable, "-m", "mizan.service.cli", "batch", str(archive), str(output)]
    command += ["--workers", str(args.workers), "--no-progress"]
    started = time.perf_counter()
    first = subprocess.Popen(command, stderr=subprocess.DEVNULL, start_new_session=True)
    while first.poll() is None and _count_lines(output) < args.rows // 2:
        time.sleep(0.2)
    killed_at = _count_lines(output)
    if first.poll() is None:
        os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    ids: Counter[str] = Counter()
    with output.open(encoding="utf-8") as handle:
        for line in handle:
            ids[json.loads(line)["id"]] += 1
    errors_file = Path(f"{output}.errors.jsonl")
    error_ids: set[str] = set()
    if errors_file.exists():
        with errors_file.open(encoding="utf-8") as handle:
            error_ids = {str(json.loads(line).get("id")) for line in handle}
    expected = {f"snn-{index}" for index in range(args.rows)}
    duplicated = sum(1 for count in ids.values() if count > 1)
    result = {
        "rows": args.rows,
        "workers": args.workers,
        "reports_when_killed": killed_at,
        "resume_exit_code": resumed.returncode,
        "resume_summary": resumed.stderr.strip().splitlines()[-1:],
        "reports": sum(ids.values()),
        "error_rows": len(error_ids),
        "duplicated_ids": duplicated,
        "missing_ids": len(expected - set(ids) - error_ids),
        "every_id_exactly_once": duplicated == 0 and (set(ids) | error_ids) == expected,
        "elapsed_s": round(elapsed, 1),
    }
    path = write_result("batch_kill_resume", result)
    print(json.dumps(result, indent=2), f"-> {path}", sep="\n")


if __name__ == "__main__":
    main()
