from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mizan.detector.engine import DetectorEngine
from mizan.detector.store import ArticleStore
from mizan.detector.store.articles import StoredArticle
from mizan.service.app import create_app
from mizan.service.routers.articles import StoredArticleOut
from mizan.service.settings import ServiceSettings

ARTICLE_AR: dict[str, Any] = {
    "id": "ar-2211",
    "title": "الهلال يتغلب على النصر",
    "body": "فاز فريق الهلال على النصر بهدفين مقابل هدف في مباراة الدوري التي أقيمت مساء أمس "
    "على ملعب الملك فهد الدولي بحضور جماهيري كبير.",
    "author": "الرياض: ناصر الحقباني و نايف الرشيد",
    "outlet": "aawsat",
    "published_at": "2015-07-21T09:00:00+03:00",
}
ARTICLE_EN: dict[str, Any] = {
    "id": "en-1042",
    "body": "The city council approved a budget of 120 million dollars for road repairs on "
    "Monday after a debate that lasted more than four hours.",
    "author": "By Sarah Collins",
    "outlet": "Riverton Daily",
}


@pytest.fixture
def make_memory_client(tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []
    engine = DetectorEngine()

    def build(**changes: Any) -> TestClient:
        settings = ServiceSettings(
            api_keys=[],
            max_body_bytes=1_000_000,
            max_text_chars=100_000,
            max_batch_items=3,
            store_url=f"sqlite:///{tmp_path / 'store.db'}",
            **changes,
        )
        app = create_app(settings, engine)
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)
        store = getattr(client.app.state, "store", None)  # type: ignore[attr-defined]
        if isinstance(store, ArticleStore):
            store.close()


@pytest.fixture
def memory_client(make_memory_client: Callable[..., TestClient]) -> TestClient:
    return make_memory_client()


def test_store_an_article_once(memory_client: TestClient) -> None:
    first = memory_client.post("/v1/articles", json=ARTICLE_AR)
    assert first.status_code == 201
    assert first.json() == {
        "id": "ar-2211",
        "stored": True,
        "authors": ["ناصر الحقباني", "نايف الرشيد"],
    }
    again = memory_client.post("/v1/articles", json={**ARTICLE_AR, "body": "نص آخر تماما"})
    assert again.status_code == 200
    assert again.json()["stored"] is False
    stored = memory_client.get("/v1/articles/ar-2211").json()
    assert stored["body"] == ARTICLE_AR["body"]
    assert stored["published_at"] == "2015-07-21T06:00:00+00:00"
    assert stored["authors"] == ["ناصر الحقباني", "نايف الرشيد"]


def test_the_stored_article_response_is_the_store_record_field_by_field(
    memory_client: TestClient,
) -> None:
    # The API model and the store's record name the same fields in the same order, so no
    # field the store keeps is dropped from the answer, and none is documented but missing.
    names = [item.name for item in dataclasses.fields(StoredArticle)]
    assert list(StoredArticleOut.model_fields) == names
    memory_client.post("/v1/articles", json=ARTICLE_EN)
    answer = memory_client.get("/v1/articles/en-1042").json()
    assert list(answer) == names
    assert answer["outlet"] == "Riverton Daily" and answer["word_count"] > 10


def test_article_without_an_id_gets_a_content_id(memory_client: TestClient) -> None:
    article = {key: value for key, value in ARTICLE_EN.items() if key != "id"}
    first = memory_client.post("/v1/articles", json=article).json()
    second = memory_client.post("/v1/articles", json=article)
    assert first["id"].startswith("sha256-")
    assert second.status_code == 200 and second.json()["id"] == first["id"]


def test_author_profile_endpoint(memory_client: TestClient) -> None:
    memory_client.post("/v1/articles", json=ARTICLE_AR)
    memory_client.post(
        "/v1/articles", json={**ARTICLE_AR, "id": "ar-2212", "author": "نايف الرشيد"}
    )
    answer = memory_client.get("/v1/authors", params={"byline": "كتب: نايف الرشيد"})
    assert answer.status_code == 200
    profile = answer.json()
    assert (profile["author"], profile["kind"], profile["article_count"]) == (
        "نايف الرشيد",
        "person",
        2,
    )
    missing = memory_client.get("/v1/authors", params={"byline": "Sarah Collins"})
    assert missing.status_code == 404
    assert "Sarah Collins" in missing.json()["detail"]
    noise = memory_client.get("/v1/authors", params={"byline": "لندن"})
    assert noise.status_code == 422


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (
            {**ARTICLE_EN, "published_at": "last week"},
            422,
            "published_at 'last week' is not a date",
        ),
        ({**ARTICLE_EN, "autor": "x"}, 422, "autor: unknown field"),
        ({"id": "x"}, 422, "non-empty 'body'"),
        ({**ARTICLE_EN, "body": "word " * 30_000}, 413, "the limit is 100000"),
    ],
)
def test_bad_articles_are_4xx(
    memory_client: TestClient, body: dict[str, Any], status: int, detail: str
) -> None:
    answer = memory_client.post("/v1/articles", json=body)
    assert answer.status_code == status
    assert detail in answer.json()["detail"]
    assert memory_client.get(f"/v1/articles/{ARTICLE_EN['id']}").status_code == 404


def test_store_a_batch(memory_client: TestClient) -> None:
    answer = memory_client.post("/v1/articles/batch", json={"articles": [ARTICLE_AR, ARTICLE_EN]})
    assert answer.status_code == 200
    assert [(item["id"], item["stored"]) for item in answer.json()["results"]] == [
        ("ar-2211", True),
        ("en-1042", True),
    ]
    too_many = memory_client.post("/v1/articles/batch", json={"articles": [ARTICLE_EN] * 4})
    assert too_many.status_code == 413
    assert "the limit is 3" in too_many.json()["detail"]


def test_unknown_article_is_404(memory_client: TestClient) -> None:
    answer = memory_client.get("/v1/articles/nowhere")
    assert answer.status_code == 404
    assert answer.json()["detail"] == "no stored article has the id 'nowhere'"


FEEDBACK: dict[str, Any] = {
    "article_id": "ar-2211",
    "verdict": "unreliable",
    "reviewer_id": "desk-editor-7",
    "note": "الخبير المذكور لا ينتمي إلى أي جامعة معروفة",
    "model_verdict": "review",
    "model_version": "2026.11.0",
}


def test_feedback_round_trip_and_export(memory_client: TestClient) -> None:
    created = memory_client.post("/v1/feedback", json=FEEDBACK)
    assert created.status_code == 201
    record = created.json()
    assert {key: record[key] for key in FEEDBACK} == FEEDBACK
    assert record["created_at"].endswith("+00:00")
    with_article = memory_client.post(
        "/v1/feedback",
        json={
            "article_id": "en-1042",
            "verdict": "reliable",
            "reviewer_id": "j.doe",
            "article": ARTICLE_EN,
        },
    )
    assert with_article.status_code == 201
    assert with_article.json()["article"]["body"] == ARTICLE_EN["body"]
    export = memory_client.get("/v1/feedback").json()
    assert [item["article_id"] for item in export["feedback"]] == ["ar-2211", "en-1042"]
    assert export["next_after_id"] is None
    page = memory_client.get("/v1/feedback", params={"limit": 1}).json()
    assert [item["article_id"] for item in page["feedback"]] == ["ar-2211"]
    rest = memory_client.get("/v1/feedback", params={"after_id": page["next_after_id"]}).json()
    assert [item["article_id"] for item in rest["feedback"]] == ["en-1042"]
    only = memory_client.get("/v1/feedback", params={"verdict": "reliable"}).json()
    assert [item["reviewer_id"] for item in only["feedback"]] == ["j.doe"]


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"verdict": "fake"}, "verdict"),
        ({"reviewer_id": "   "}, "reviewer_id"),
        ({"article_id": ""}, "article_id"),
        ({"note": "x" * 5001}, "note"),
        ({"model_verdict": "maybe"}, "model_verdict"),
        ({"score": 3}, "score"),
        ({"article": {"id": "a"}}, "article"),
    ],
)
def test_invalid_feedback_is_422(
    memory_client: TestClient, change: dict[str, Any], location: str
) -> None:
    answer = memory_client.post("/v1/feedback", json={**FEEDBACK, **change})
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith(location)
    assert memory_client.get("/v1/feedback").json()["feedback"] == []


def test_missing_fields_and_bad_queries_are_422(memory_client: TestClient) -> None:
    missing = memory_client.post("/v1/feedback", json={"article_id": "a"})
    assert missing.status_code == 422
    assert "verdict" in missing.json()["detail"]
    assert memory_client.get("/v1/feedback", params={"limit": 0}).status_code == 422
    assert memory_client.get("/v1/feedback", params={"since": "soon"}).status_code == 422


def test_feedback_survives_a_restart(make_memory_client: Callable[..., TestClient]) -> None:
    first = make_memory_client()
    assert first.post("/v1/feedback", json=FEEDBACK).status_code == 201
    first.__exit__(None, None, None)
    second = make_memory_client()
    exported = second.get("/v1/feedback").json()["feedback"]
    assert [(item["article_id"], item["verdict"]) for item in exported] == [
        ("ar-2211", "unreliable")
    ]


def test_routes_are_documented(memory_client: TestClient) -> None:
    paths = memory_client.get("/openapi.json").json()["paths"]
    assert {
        "/v1/articles",
        "/v1/articles/batch",
        "/v1/articles/{article_id}",
        "/v1/authors",
        "/v1/feedback",
    } <= set(paths)
    assert set(paths["/v1/feedback"]) == {"get", "post"}


def test_feedback_export_refuses_an_after_id_past_64_bits(client: TestClient) -> None:
    response = client.get("/v1/feedback", params={"after_id": 2**63})
    assert response.status_code == 422
    assert "after_id" in response.text
