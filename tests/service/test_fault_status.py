"""A fault of ours is never reported as the caller's bad input."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from mizan.detector.errors import ModelBundleError
from mizan.detector.store import ArticleStore
from mizan.detector.store.database import StoreError


def _failing(error: Exception) -> Callable[..., object]:
    def fail(*args: object, **kwargs: object) -> object:
        raise error

    return fail


@pytest.mark.parametrize(
    ("error", "status", "kind"),
    [
        (StoreError("database is locked"), 503, "store_unavailable"),
        (ModelBundleError("bundle missing"), 503, "model_unavailable"),
    ],
)
def test_a_server_fault_is_503_with_retry_after(
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
    status: int,
    kind: str,
) -> None:
    monkeypatch.setattr(ArticleStore, "get_article", _failing(error))
    answer = client.get("/v1/articles/some-id")
    assert answer.status_code == status
    assert answer.headers["Retry-After"].isdigit()
    body = answer.json()
    assert "invalid" not in body["detail"]
    assert "retry" in body["detail"]
    assert kind.split("_")[0] in body["detail"]


def test_an_unscoreable_article_is_still_422(client: TestClient) -> None:
    answer = client.post("/v1/score", json={"body": "   \n  "})
    assert answer.status_code == 422
