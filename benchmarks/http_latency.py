"""HTTP latency of single-article scoring at 1, 8 and 32 concurrent clients.

Starts `mizan serve` on 127.0.0.1 with a free port, sends a bounded number of requests per
concurrency level (and stops early after a time limit), and writes p50/p99 per level to
benchmarks/results/http_latency.json. Target: p99 under 60 ms at 8 concurrent clients.

    python benchmarks/http_latency.py [--requests 400] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time

import httpx

sys.path.insert(0, os.path.dirname(__file__))
from common import arabic_articles_of_words, write_result  # noqa: E402

TIME_LIMIT_S = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(base: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("server did not become ready")


async def _level(base: str, articles: list[dict], clients: int, total: int) -> dict:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))
    deadline = time.monotonic() + TIME_LIMIT_S

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal errors
        for index in counter:
            if time.monotonic() > deadline:
                return
            started = time.perf_counter()
            response = await http.post(f"{base}/v1/score", json=articles[index % len(articles)])
            latencies.append((time.perf_counter() - started) * 1000)
            errors += response.status_code != 200

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": errors,
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[max(0, int(0.99 * len(ordered)) - 1)], 2),
        "requests_per_s": round(len(latencies) / elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=400, help="requests per level")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--words", type=int, default=1000)
    args = parser.parse_args()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "detector.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(args.workers)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_ready(base)
        articles = arabic_articles_of_words(50, args.words)
        asyncio.run(_level(base, articles, 2, 20))  # warm up both workers
        levels = [asyncio.run(_level(base, articles, c, args.requests)) for c in (1, 8, 32)]
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "workers": args.workers,
        "words_per_article": args.words,
        "levels": levels,
        "target": "p99 < 60 ms at 8 concurrent clients",
        "load_average": os.getloadavg(),
    }
    path = write_result("http_latency", result)
    for level in levels:
        print(level)
    print(f"-> {path}")


if __name__ == "__main__":
    main()
