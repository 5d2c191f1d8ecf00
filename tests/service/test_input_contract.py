"""One input contract: the API, ``mizan score``, ``mizan batch`` and ``mizan ingest`` accept the
same fields, reject the same unknown ones and apply the same text limit, in the same words."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mizan.detector.settings import get_settings
from mizan.service.cli import EXIT_BAD_INPUT, main

LIMIT = 500
BODY = (
    "أعلنت وزارة النقل افتتاح الطريق الجديد بين المدينتين بعد عامين من الأعمال، "
    "وقال المتحدث باسم الوزارة إن الطريق يختصر زمن الرحلة إلى النصف."
)

CASES: dict[str, tuple[dict[str, Any], str]] = {
    "unknown field": (
        {"id": "a1", "body": BODY, "autor": "سالم"},
        "autor: unknown field (accepted: id, title, body, html, url, author, author_bio, "
        "outlet, published_at, language)",
    ),
    "text over the limit": (
        {"id": "a2", "body": "ب" * (LIMIT + 100)},
        f"body has {LIMIT + 100} characters; the limit is {LIMIT}",
    ),
    "html over the limit": (
        {"id": "a3", "html": "<p>" + "ب" * (5 * LIMIT) + "</p>"},
        f"html has {5 * LIMIT + 7} characters; the limit is {5 * LIMIT}",
    ),
    "wrong type": ({"id": "a4", "body": BODY, "title": 5}, "title: Input should be a valid string"),
    "no text": (
        {"id": "a5", "body": "   ", "title": "عنوان"},
        "an article needs a non-empty 'body' (text or page text) or 'html'",
    ),
}


@pytest.fixture
def contract_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run the command line with the same text limit as the API under test."""
    monkeypatch.setenv("MIZAN_MAX_TEXT_CHARS", str(LIMIT))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _api(client: TestClient, article: dict[str, Any]) -> str:
    response = client.post("/v1/score", json=article)
    assert response.status_code in (413, 422), response.text
    return str(response.json()["detail"])


def _score(tmp_path: Path, capsys: pytest.CaptureFixture[str], article: dict[str, Any]) -> str:
    path = tmp_path / "article.json"
    path.write_text(json.dumps(article, ensure_ascii=False), encoding="utf-8")
    assert main(["score", str(path)]) == EXIT_BAD_INPUT
    # The last line: the service under test may log on the same captured stderr.
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("mizan: ")
    return err.removeprefix("mizan: ")


def _batch(tmp_path: Path, capsys: pytest.CaptureFixture[str], article: dict[str, Any]) -> str:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["batch", str(source), str(out), "--no-progress", "--overwrite"]) == EXIT_BAD_INPUT
    capsys.readouterr()
    (error,) = [json.loads(line) for line in (tmp_path / "out.jsonl.errors.jsonl").open()]
    assert error["row"] == 1 and error["id"] == article["id"]
    return str(error["reason"])


def _ingest(tmp_path: Path, capsys: pytest.CaptureFixture[str], article: dict[str, Any]) -> str:
    source, errors = tmp_path / "in.jsonl", tmp_path / "rejected.jsonl"
    source.write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
    store = f"sqlite:///{tmp_path / 'store.db'}"
    arguments = [str(source), "--store", store, "--no-topics", "--no-progress", "--workers", "1"]
    assert main(["ingest", *arguments, "--errors", str(errors)]) == EXIT_BAD_INPUT
    assert "0 stored" in capsys.readouterr().err
    (error,) = [json.loads(line) for line in errors.open()]
    assert error["row"] == 1 and error["id"] == article["id"]
    return str(error["reason"])


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_way_in_rejects_alike(
    case: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make_client: Callable[..., TestClient],
    contract_limit: None,
) -> None:
    article, reason = CASES[case]
    client = make_client(max_text_chars=LIMIT)
    api = _api(client, article)
    capsys.readouterr()
    answers = {
        "api": api,
        "score": _score(tmp_path, capsys, article),
        "batch": _batch(tmp_path, capsys, article),
        "ingest": _ingest(tmp_path, capsys, article),
    }
    assert answers == dict.fromkeys(answers, reason)


def test_a_clean_article_passes_every_way_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make_client: Callable[..., TestClient]
) -> None:
    article = {"id": "ok", "title": "افتتاح الطريق الجديد", "body": BODY, "outlet": "صحيفة"}
    assert make_client().post("/v1/score", json=article).status_code == 200
    path = tmp_path / "article.json"
    path.write_text(json.dumps(article, ensure_ascii=False), encoding="utf-8")
    assert main(["score", str(path)]) == 0
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["batch", str(source), str(tmp_path / "out.jsonl"), "--no-progress"]) == 0
    store = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["ingest", str(source), "--store", store, "--no-topics", "--workers", "1"]) == 0
    capsys.readouterr()
