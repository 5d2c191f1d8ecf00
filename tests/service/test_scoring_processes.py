"""Scoring processes (``MIZAN_SCORERS``): same answers as in-process scoring, one queue,
batches spread over the processes, a killed process restarted."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mizan.detector.engine import DetectorEngine
from mizan.service.app import create_app
from mizan.service.scorers import ProcessScorer, render_report, validated_body
from mizan.service.settings import ServiceSettings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _examples() -> list[dict[str, Any]]:
    arabic = (EXAMPLES / "farm_ar.txt").read_text(encoding="utf-8")
    english = json.loads((EXAMPLES / "wire_en.json").read_text(encoding="utf-8"))
    return [{"id": "farm-ar", "body": arabic}, {"id": "wire-en", **english}]


def _without_timing(report: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in report.items() if key != "elapsed_ms"}


def _wait_ready(client: TestClient, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if client.get("/readyz").status_code == 200:
            return
        time.sleep(0.2)
    raise AssertionError(f"not ready after {timeout_s} s: {client.get('/readyz').json()}")


@pytest.fixture(scope="module")
def pooled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = tmp_path_factory.mktemp("pooled") / "mizan.db"
    settings = ServiceSettings(api_keys=[], store_url=f"sqlite:///{store}", scorers=2)
    with TestClient(create_app(settings)) as client:
        _wait_ready(client)
        yield client


def test_processes_answer_exactly_as_the_scoring_thread(
    pooled: TestClient, client: TestClient
) -> None:
    for article in _examples():
        for query in ("", "?features=true", "?explain=false"):
            expected = client.post(f"/v1/score{query}", json=article)
            got = pooled.post(f"/v1/score{query}", json=article)
            assert got.status_code == expected.status_code == 200
            assert got.headers["content-type"] == "application/json"
            assert _without_timing(got.json()) == _without_timing(expected.json())


def test_a_batch_is_spread_over_the_processes_and_keeps_its_order(
    pooled: TestClient, client: TestClient
) -> None:
    articles = [
        {**article, "id": f"{article['id']}-{n}"} for n in range(3) for article in _examples()
    ]
    expected = client.post("/v1/score/batch", json={"articles": articles}).json()["reports"]
    got = pooled.post("/v1/score/batch", json={"articles": articles})
    assert got.status_code == 200
    reports = got.json()["reports"]
    assert [report["id"] for report in reports] == [article["id"] for article in articles]
    assert [_without_timing(r) for r in reports] == [_without_timing(r) for r in expected]


def test_an_unscorable_article_in_a_later_chunk_is_named_by_its_index(
    pooled: TestClient,
) -> None:
    articles = [*_examples(), *_examples(), {"id": "markup-only", "html": "<p></p>"}]
    response = pooled.post("/v1/score/batch", json={"articles": articles})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("articles[4]")


def test_a_killed_scoring_process_is_replaced(pooled: TestClient) -> None:
    scorer = pooled.app.state.scorer  # type: ignore[attr-defined]
    assert isinstance(scorer, ProcessScorer)
    executor = scorer._executor
    assert executor is not None
    victim = next(iter(executor._processes.values()))
    os.kill(victim.pid, signal.SIGKILL)
    victim.join(timeout=10)
    article = _examples()[0]
    answers = [pooled.post("/v1/score", json=article).status_code for _ in range(3)]
    assert 503 in answers  # the broken pool is noticed, not hidden behind a 500
    assert 500 not in answers
    deadline = time.monotonic() + 120
    while not scorer.ready and time.monotonic() < deadline:
        time.sleep(0.2)
    assert scorer.ready
    assert pooled.post("/v1/score", json=article).status_code == 200


def test_an_in_memory_store_is_scored_in_a_thread(caplog: pytest.LogCaptureFixture) -> None:
    settings = ServiceSettings(api_keys=[], store_url="sqlite://", scorers=2)
    with caplog.at_level("WARNING", logger="mizan.service"):
        app = create_app(settings)
    assert not isinstance(app.state.scorer, ProcessScorer)
    assert "in-memory SQLite" in caplog.text


@pytest.mark.parametrize("include_features", [False, True])
def test_reports_are_rendered_as_response_model_validation_would(
    engine: DetectorEngine, include_features: bool
) -> None:
    html = (EXAMPLES / "article_ar.html").read_text(encoding="utf-8")
    for article in [*_examples(), {"id": "html", "html": html}]:
        for explain in (True, False):
            report = engine.score(article, explain=explain)
            rendered = render_report(report, include_features)
            assert rendered.body == validated_body(report, include_features)


def test_an_article_stored_through_the_api_reaches_the_scoring_processes(
    pooled: TestClient,
) -> None:
    original = (EXAMPLES / "wire_ar.txt").read_text(encoding="utf-8")
    stored = pooled.post(
        "/v1/articles", json={"id": "wire-1", "body": original, "outlet": "Al Waha News"}
    )
    assert stored.status_code == 201
    copy = {"id": "wire-copy", "body": original, "outlet": "Al Waha News"}
    deadline = time.monotonic() + 30  # each process picks up other writers' rows each second
    while True:
        report = pooled.post("/v1/score", json=copy).json()
        [templating] = [s for s in report["signals"] if s["name"] == "templating"]
        reasons = " ".join(item["reason"] for item in templating["evidence"])
        if "wire-1" in reasons or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert "wire-1" in reasons
