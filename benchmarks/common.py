"""Helpers shared by the benchmark scripts: sample articles and result files."""

from __future__ import annotations

import json
import os
import platform
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mizan.detector.settings import get_settings

RESULTS = Path(__file__).resolve().parent / "results"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def saudinewsnet_articles(limit: int) -> Iterator[dict[str, Any]]:
    """Yield up to ``limit`` articles of the saudinewsnet corpus (human Arabic news)."""
    folder = get_settings().corpora_dir / "saudinewsnet" / "dataset"
    count = 0
    for path in sorted(folder.glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                for row in json.loads(archive.read(name)):
                    if row.get("content"):
                        yield row
                        count += 1
                        if count >= limit:
                            return


def arabic_articles_of_words(count: int, words: int = 1000) -> list[dict[str, Any]]:
    """Return ``count`` Arabic articles of about ``words`` words each.

    Built from saudinewsnet bodies concatenated to length; falls back to the shipped
    examples when the corpora are not available.
    """
    try:
        pool = [row["content"] for row in saudinewsnet_articles(count * 4)]
    except FileNotFoundError:
        pool = []
    if not pool:
        pool = [
            (EXAMPLES / name).read_text(encoding="utf-8") for name in ("farm_ar.txt", "wire_ar.txt")
        ]
    articles = []
    cursor = 0
    for index in range(count):
        parts: list[str] = []
        while sum(len(part.split()) for part in parts) < words:
            parts.append(pool[cursor % len(pool)])
            cursor += 1
        body = "\n".join(parts)
        body = " ".join(body.split(" ")[:words])
        articles.append({"id": f"bench-{index}", "title": body.split("\n")[0][:80], "body": body})
    return articles


def machine() -> dict[str, Any]:
    """Describe the machine a result was measured on."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
    }


def write_result(name: str, data: dict[str, Any]) -> Path:
    """Write ``benchmarks/results/<name>.json`` and return its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({**data, "machine": machine()}, indent=2) + "\n", encoding="utf-8")
    return path
