"""Killing the service while it stores articles loses no acknowledged article, corrupts nothing."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from mizan.detector.store import ArticleStore


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _article(index: int) -> dict[str, str]:
    return {
        "id": f"kill-{index}",
        "title": f"خبر رقم {index} عن الاقتصاد",
        "body": (
            f"أعلنت وزارة المالية في بيانها رقم {index} أن الإيرادات ارتفعت بنسبة {index % 9 + 1} "
            "في المئة خلال الربع الثالث، وقال الوزير إن النمو سيستمر في العام المقبل."
        ),
        "author": "محرر الاقتصاد",
        "outlet": "صحيفة الاختبار",
    }


def test_sigkill_during_ingest_keeps_every_acknowledged_article(tmp_path: Path) -> None:
    database = tmp_path / "store.db"
    port = _free_port()
    environment = {**os.environ, "MIZAN_STORE_URL": f"sqlite:///{database}"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mizan.service.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    acknowledged: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise AssertionError("the service did not become ready")

        def post_until_killed() -> None:
            with httpx.Client(timeout=10) as client:
                for index in range(2000):
                    try:
                        response = client.post(f"{base}/v1/articles", json=_article(index))
                    except httpx.HTTPError:
                        return
                    if response.status_code == 201:
                        acknowledged.append(response.json()["id"])

        poster = threading.Thread(target=post_until_killed)
        poster.start()
        while len(acknowledged) < 40 and poster.is_alive():
            time.sleep(0.05)
        os.killpg(server.pid, signal.SIGKILL)
        poster.join(30)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(30)

    assert len(acknowledged) >= 40
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = ArticleStore(f"sqlite:///{database}")
    try:
        missing = [
            article_id for article_id in acknowledged if store.get_article(article_id) is None
        ]
        assert missing == []
        assert store.count_articles() >= len(acknowledged)
    finally:
        store.close()
