"""HTTP latency of single-article scoring at 1, 8 and 32 concurrent clients.

Starts `mizan serve` on 127.0.0.1 with a free port, sends a bounded number of requests per
concurrency level (and stops early after a time limit), and writes p50/p99 per level to
benchmarks/results/http_latency.json. Target: p99 under 60 ms at 8 concurrent clients.

    python benchmarks/http_latency.py [--requests 400] [--workers 1] [--scorers 2]

The default is what `mizan serve` runs on this machine: one server process feeding one
scoring process per CPU from a single queue.
"""

from __future__ import annotations

import argparse
import asyncio
import json
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


def _store_description() -> str:
    """Say what the server's store held (every request still fingerprints and queries it)."""
    from mizan.detector.settings import get_settings
    from mizan.detector.store import ArticleStore

    url = get_settings().store_url
    with ArticleStore(url, topics=None) as store:
        return f"{store.count_articles()} articles in {url}"


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


def _requests(host: str, port: int, articles: list[dict]) -> list[bytes]:
    """Encode one keep-alive ``POST /v1/score`` per article, ready to write."""
    encoded = []
    for article in articles:
        body = json.dumps(article, ensure_ascii=False).encode("utf-8")
        head = (
            f"POST /v1/score HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        encoded.append(head.encode("ascii") + body)
    return encoded


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    """Send one request on a kept-alive connection; read the whole answer; return its status."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    length = {key.lower(): value for key, value in headers.items()}.get("content-length")
    if length is None:
        raise RuntimeError("the server answered without a Content-Length")
    await reader.readexactly(int(length))
    return status


async def _level(base: str, articles: list[dict], clients: int, total: int) -> dict:
    """Send ``total`` requests from ``clients`` concurrent keep-alive connections.

    The load generator is a bare asyncio HTTP/1.1 client: it shares the machine's cores with
    the server, so it should cost as little CPU per request as it can.
    """
    host, port = base.removeprefix("http://").rsplit(":", 1)
    requests = _requests(host, int(port), articles)
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))
    deadline = time.monotonic() + TIME_LIMIT_S

    async def client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for index in counter:
                if time.monotonic() > deadline:
                    return
                started = time.perf_counter()
                status = await _exchange(reader, writer, requests[index % len(requests)])
                latencies.append((time.perf_counter() - started) * 1000)
                errors += status != 200
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
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
    parser.add_argument("--workers", type=int, default=1, help="uvicorn server processes")
    parser.add_argument(
        "--scorers",
        type=int,
        default=len(os.sched_getaffinity(0)),
        help="scoring processes per server process (0: a thread in the server)",
    )
    parser.add_argument("--words", type=int, default=1000)
    args = parser.parse_args()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "mizan.service.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(args.workers)]
    command += ["--scorers", str(args.scorers)]
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
        "scorers": args.scorers,
        "words_per_article": args.words,
        "levels": levels,
        "target": "p99 < 60 ms at 8 concurrent clients",
        "store": _store_description(),
        "load_average": os.getloadavg(),
    }
    path = write_result("http_latency", result)
    for level in levels:
        print(level)
    print(f"-> {path}")


if __name__ == "__main__":
    main()
