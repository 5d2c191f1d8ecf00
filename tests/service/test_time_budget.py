"""A running service under hostile load: a time budget per article, a readable 413."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from mizan.detector.budget import time_budget
from mizan.detector.engine import DetectorEngine
from mizan.detector.errors import ScoringBudgetError

ROOT = Path(__file__).resolve().parents[2]
# About 100k characters of chained attributions: seconds of work, linear but long.
SLOW = {"body": "قال هو، " * 12_400}
NORMAL = {"body": (ROOT / "examples" / "wire_ar.txt").read_text(encoding="utf-8")}
BUDGET_S = 0.4


def test_the_budget_stops_an_article_in_this_process() -> None:
    engine = DetectorEngine.from_settings()
    with pytest.raises(ScoringBudgetError, match="time budget of 0.05 s"):
        with time_budget(0.05):
            engine.score(SLOW)
    assert engine.score(NORMAL).reliability > 0  # the engine is still usable


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "MIZAN_SCORE_TIMEOUT_S": str(BUDGET_S),
        "MIZAN_SCORERS": "2",
        "MIZAN_API_KEYS": "[]",
        "MIZAN_STORE_URL": f"sqlite:///{tmp_path_factory.mktemp('budget') / 'mizan.db'}",
        "MIZAN_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "mizan.service.cli", "serve", "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                pytest.fail("the service stopped while starting")
            time.sleep(0.3)
        else:
            pytest.fail("the service was not ready in 180 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.slow
def test_a_normal_request_stays_fast_while_two_slow_ones_are_in_flight(server: str) -> None:
    assert httpx.post(f"{server}/v1/score", json=NORMAL, timeout=30).status_code == 200

    def post(article: dict[str, str]) -> tuple[int, float, dict[str, object]]:
        started = time.perf_counter()
        answer = httpx.post(f"{server}/v1/score", json=article, timeout=60)
        return answer.status_code, time.perf_counter() - started, answer.json()

    with ThreadPoolExecutor(3) as pool:
        slow = [pool.submit(post, SLOW) for _ in range(2)]
        time.sleep(0.1)  # both scoring processes are now busy with a slow article
        normal = pool.submit(post, NORMAL)
        normal_status, normal_seconds, _ = normal.result()
        slow_results = [future.result() for future in slow]

    assert normal_status == 200
    assert normal_seconds < 1.0
    for status, _seconds, body in slow_results:
        assert status == 422
        assert "time budget" in str(body["detail"])
    # The processes were not lost: the next request is answered at once.
    assert httpx.post(f"{server}/v1/score", json=NORMAL, timeout=30).status_code == 200


@pytest.mark.slow
def test_a_body_over_the_limit_gets_a_readable_413(server: str) -> None:
    host, port = server.removeprefix("http://").split(":")
    body = b'{"body": "' + b"x" * 3_000_000 + b'"}'
    head = (
        f"POST /v1/score HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(head + body)  # the whole body: the server reads and drops it
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_the_budget_survives_an_exception_that_is_swallowed_once() -> None:
    swallowed = 0
    with pytest.raises(ScoringBudgetError):
        with time_budget(0.05):
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    while time.monotonic() < deadline:
                        pass
                except ScoringBudgetError:
                    if swallowed:
                        raise
                    swallowed += 1  # as a gc callback or a broad except would
    assert swallowed == 1
