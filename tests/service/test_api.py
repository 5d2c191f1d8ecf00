"""The HTTP API through TestClient: every endpoint, every class of bad input, keys, ids, metrics."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message

from mizan.detector.engine import DetectorEngine
from mizan.detector.errors import ModelBundleError
from mizan.service import app as app_module
from mizan.service.app import create_app
from mizan.service.logs import JsonFormatter
from mizan.service.metrics import ServiceMetrics
from mizan.service.middleware import ApiKeyMiddleware, BodyLimitMiddleware
from mizan.service.schemas import (
    ARABIC_ARTICLE,
    ENGLISH_ARTICLE,
    RESPONSE_EXAMPLE_ARTICLES,
    SCORE_REQUEST_EXAMPLES,
    ReportOut,
)
from mizan.service.settings import ServiceSettings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
JSON = {"content-type": "application/json"}
HEX_ID = re.compile(r"[0-9a-f]{32}")


def load_example(name: str) -> dict[str, Any]:
    """Return an example article from examples/ as request fields."""
    path = EXAMPLES / name
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        fields: dict[str, Any] = json.loads(text)
        return fields
    if path.suffix == ".html":
        return {"html": text}
    return {"body": text}


def field_text(article: dict[str, Any], report: dict[str, Any], field: str) -> str:
    if field == "body":
        return str(report.get("extracted_body") or article["body"])
    return str(article[field] if field in article else report[field])


def assert_evidence_points_into_input(article: dict[str, Any], report: dict[str, Any]) -> None:
    for signal in report["signals"]:
        for item in signal["evidence"]:
            text = field_text(article, report, item["field"])
            assert text[item["start"] : item["end"]] == item["text"], (signal["name"], item)


# --- scoring -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("article", "language"),
    [
        (ENGLISH_ARTICLE, "en"),
        (ARABIC_ARTICLE, "ar"),
        (load_example("farm_ar.txt"), "ar"),
        (load_example("wire_en.json"), "en"),
    ],
    ids=["english-fields", "arabic-fields", "arabic-page-text", "english-wire"],
)
def test_score_returns_the_engine_report(
    client: TestClient, engine: DetectorEngine, article: dict[str, Any], language: str
) -> None:
    response = client.post("/v1/score", json=article)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report == engine.score(article).to_dict()
    assert report["language"] == language
    assert report["id"] == article.get("id")
    assert 0.0 <= report["reliability"] <= 1.0
    thresholds = report["thresholds"]
    expected_verdict = (
        "unreliable"
        if report["reliability"] < thresholds["unreliable_below"]
        else "reliable"
        if report["reliability"] > thresholds["reliable_above"]
        else "review"
    )
    assert report["verdict"] == expected_verdict
    assert {signal["name"] for signal in report["signals"]} == {
        signal.name for signal in engine.signals
    }
    assert_evidence_points_into_input(article, report)


def test_content_farm_scores_lower_than_wire_copy(client: TestClient) -> None:
    farm = client.post("/v1/score", json=load_example("farm_en.json")).json()
    wire = client.post("/v1/score", json=load_example("wire_en.json")).json()
    assert farm["reliability"] < wire["reliability"]
    assert any(signal["evidence"] for signal in farm["signals"])


def test_html_article_reports_the_extracted_text(client: TestClient) -> None:
    article = load_example("article_ar.html")
    response = client.post("/v1/score", json=article)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["extracted_body"].strip()
    assert "<" not in report["extracted_body"]
    assert_evidence_points_into_input(article, report)


def test_same_input_gives_the_same_report(client: TestClient) -> None:
    article = load_example("farm_ar.txt")
    first = client.post("/v1/score", json=article)
    second = client.post("/v1/score", json=article)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content


def test_explain_false_leaves_out_evidence(client: TestClient) -> None:
    report = client.post("/v1/score?explain=false", json=load_example("farm_en.json")).json()
    assert report["top_features"] == []
    assert all(signal["evidence"] == [] for signal in report["signals"])


def test_features_true_returns_every_feature(client: TestClient, engine: DetectorEngine) -> None:
    report = client.post("/v1/score?features=true", json=ENGLISH_ARTICLE).json()
    assert list(report["features"]) == list(engine.feature_names)
    plain = client.post("/v1/score", json=ENGLISH_ARTICLE).json()
    assert "features" not in plain


def test_scoring_runs_outside_the_event_loop(make_app: Callable[..., FastAPI]) -> None:
    app = make_app()
    real_engine = app.state.engine_slot.engine
    seen: list[bool] = []

    class RecordingEngine:
        def __getattr__(self, name: str) -> Any:
            return getattr(real_engine, name)

        def score(self, article: Any, explain: bool = True) -> Any:
            try:
                asyncio.get_running_loop()
                seen.append(True)
            except RuntimeError:
                seen.append(False)
            return real_engine.score(article, explain=explain)

    app.state.engine_slot._engine = RecordingEngine()
    with TestClient(app) as client:
        assert client.post("/v1/score", json=ENGLISH_ARTICLE).status_code == 200
        assert (
            client.post("/v1/score/batch", json={"articles": [ENGLISH_ARTICLE]}).status_code == 200
        )
    assert seen == [False, False]


def test_concurrent_requests_get_the_same_reports_as_sequential_ones(client: TestClient) -> None:
    articles = [
        load_example("farm_en.json"),
        load_example("farm_ar.txt"),
        load_example("wire_en.json"),
        load_example("wire_ar.txt"),
    ] * 4
    sequential = [client.post("/v1/score", json=article).json() for article in articles]
    concurrent: list[Any] = [None] * len(articles)

    def score(index: int) -> None:
        concurrent[index] = client.post("/v1/score", json=articles[index]).json()

    threads = [threading.Thread(target=score, args=(index,)) for index in range(len(articles))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert concurrent == sequential


def test_a_client_that_leaves_before_sending_its_body_is_counted_as_499(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app()
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/score",
        "raw_path": b"/v1/score",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"100")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    assert sent == []
    text = app.state.metrics.render().decode()
    assert 'mizan_http_requests_total{method="POST",route="/v1/score",status="499"} 1.0' in text


# --- batch -------------------------------------------------------------------------------


def test_batch_keeps_the_order_and_matches_single_scores(client: TestClient) -> None:
    articles = [
        load_example("farm_en.json"),
        ARABIC_ARTICLE,
        load_example("wire_en.json"),
        {**ENGLISH_ARTICLE, "id": "en-2"},
    ]
    response = client.post("/v1/score/batch", json={"articles": articles})
    assert response.status_code == 200, response.text
    reports = response.json()["reports"]
    assert [report["id"] for report in reports] == [article.get("id") for article in articles]
    for article, report in zip(articles, reports, strict=True):
        assert report == client.post("/v1/score", json=article).json()


@pytest.mark.parametrize(
    ("payload", "status", "detail"),
    [
        ({"articles": []}, 422, "articles: List should have at least 1 item"),
        (
            {"articles": [ENGLISH_ARTICLE, {"body": 7}]},
            422,
            "articles[1].body: Input should be a valid string",
        ),
        ({"articles": [{"body": "   "}]}, 422, "articles[0]: an article needs a non-empty 'body'"),
        (
            {"articles": [ENGLISH_ARTICLE], "priority": 1},
            422,
            "priority: unknown field (accepted: articles)",
        ),
        (
            {"articles": [{**ENGLISH_ARTICLE, "autor": "x"}]},
            422,
            "articles[0].autor: unknown field",
        ),
        ({"article": [ENGLISH_ARTICLE]}, 422, "articles: Field required"),
        ({"articles": ENGLISH_ARTICLE}, 422, "articles: Input should be a valid list"),
        (
            {
                "articles": [
                    ENGLISH_ARTICLE,
                    {"html": "<html><body><script>var a = 1;</script></body></html>"},
                ]
            },
            422,
            "articles[1]: no article text could be extracted from the HTML",
        ),
    ],
)
def test_bad_batches_name_the_article(
    client: TestClient, payload: dict[str, Any], status: int, detail: str
) -> None:
    response = client.post("/v1/score/batch", json=payload)
    assert response.status_code == status, response.text
    assert detail in response.json()["detail"]


def test_batch_over_the_item_limit_is_413(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_batch_items=3)
    response = client.post("/v1/score/batch", json={"articles": [ENGLISH_ARTICLE] * 4})
    assert response.status_code == 413
    assert (
        response.json()["detail"] == "articles: too many articles in one batch: 4; the limit is 3"
    )
    assert (
        client.post("/v1/score/batch", json={"articles": [ENGLISH_ARTICLE] * 3}).status_code == 200
    )


def test_batch_limit_wins_over_invalid_items(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_batch_items=2)
    response = client.post("/v1/score/batch", json={"articles": [{"body": 1}] * 5})
    assert response.status_code == 413
    assert "too many articles in one batch: 5" in response.json()["detail"]


# --- bad input ---------------------------------------------------------------------------

BAD_SCORE_REQUESTS = [
    # (id, raw body, content type, status, words the detail must contain)
    (
        "malformed-json",
        b'{"body": "x"',
        "application/json",
        400,
        "malformed JSON: Expecting ',' delimiter at character 12",
    ),
    (
        "trailing-garbage",
        b'{"body": "x"} extra',
        "application/json",
        400,
        "malformed JSON: Extra data",
    ),
    ("deep-nesting", b"[" * 50_000, "application/json", 400, "malformed JSON: nested too deeply"),
    (
        "invalid-utf8",
        b'{"body": "\xff\xfe caf\xe9"}',
        "application/json",
        400,
        "not valid UTF-8 (bad byte at offset 10)",
    ),
    (
        "utf8-encoded-surrogate",
        b'{"body": "\xed\xa0\x80"}',
        "application/json",
        400,
        "not valid UTF-8",
    ),
    (
        "text-plain",
        b'{"body": "x"}',
        "text/plain",
        415,
        "unsupported Content-Type 'text/plain': send application/json",
    ),
    ("form", b"body=x", "application/x-www-form-urlencoded", 415, "unsupported Content-Type"),
    (
        "latin1-charset",
        b'{"body": "x"}',
        "application/json; charset=latin-1",
        415,
        "unsupported charset 'latin-1'",
    ),
    ("empty-request", b"", "application/json", 422, "the request body is empty"),
    (
        "json-null",
        b"null",
        "application/json",
        422,
        "the request body must be a JSON object, not null",
    ),
    (
        "json-array",
        b'[{"body": "x"}]',
        "application/json",
        422,
        "must be a JSON object, not an array",
    ),
    (
        "json-string",
        b'"an article"',
        "application/json",
        422,
        "must be a JSON object, not a string",
    ),
    (
        "empty-body-field",
        b'{"body": ""}',
        "application/json",
        422,
        "an article needs a non-empty 'body'",
    ),
    (
        "whitespace-body",
        b'{"body": " \\n\\t ", "title": "t"}',
        "application/json",
        422,
        "an article needs a non-empty 'body'",
    ),
    (
        "no-text-fields",
        b'{"title": "Only a title"}',
        "application/json",
        422,
        "an article needs a non-empty 'body'",
    ),
    (
        "body-number",
        b'{"body": 42}',
        "application/json",
        422,
        "body: Input should be a valid string",
    ),
    (
        "title-list",
        b'{"body": "x y z", "title": ["a"]}',
        "application/json",
        422,
        "title: Input should be a valid string",
    ),
    (
        "bad-language",
        b'{"body": "x y z", "language": "fr"}',
        "application/json",
        422,
        "language: Input should be 'ar' or 'en'",
    ),
    (
        "unknown-field",
        b'{"body": "x y z", "autor": "Sam"}',
        "application/json",
        422,
        "autor: unknown field (accepted: id, title, body, html",
    ),
    (
        "lone-surrogate",
        b'{"body": "a \\ud800 b"}',
        "application/json",
        422,
        "body: must be valid Unicode text",
    ),
    (
        "surrogate-key",
        b'{"body": "a b", "\\udc00": 1}',
        "application/json",
        422,
        "must be valid Unicode text",
    ),
    (
        "long-title",
        json.dumps({"body": "x y", "title": "t" * 2_001}).encode(),
        "application/json",
        422,
        "title: String should have at most 2000 characters",
    ),
    (
        "no-extractable-html",
        b'{"html": "<html><body><script>var a = 1;</script></body></html>"}',
        "application/json",
        422,
        "no article text could be extracted from the HTML",
    ),
    (
        "only-boilerplate",
        json.dumps({"body": "Share on Facebook\nShare on Twitter\nRead more\nSubscribe"}).encode(),
        "application/json",
        422,
        "",
    ),
]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "detail"),
    [case[1:] for case in BAD_SCORE_REQUESTS],
    ids=[case[0] for case in BAD_SCORE_REQUESTS],
)
def test_bad_input_is_a_4xx_that_says_what_is_wrong(
    client: TestClient, body: bytes, content_type: str, status: int, detail: str
) -> None:
    response = client.post("/v1/score", content=body, headers={"content-type": content_type})
    payload = response.json()
    assert 400 <= response.status_code < 500, response.text
    if detail:
        assert response.status_code == status, response.text
        assert detail in payload["detail"]
    assert payload["detail"]
    assert "input" not in json.dumps(payload.get("errors", []))  # rejected input never echoed


def test_missing_content_type_is_415(client: TestClient) -> None:
    response = client.post("/v1/score", content=b'{"body": "x y z"}')
    assert response.status_code == 415
    assert response.json()["detail"] == "missing Content-Type: send application/json"


def test_validation_errors_are_itemised(client: TestClient) -> None:
    response = client.post("/v1/score", json={"body": 1, "title": 2, "zzz": 3})
    assert response.status_code == 422
    errors = {item["loc"]: item["type"] for item in response.json()["errors"]}
    assert errors == {"body": "string_type", "title": "string_type", "zzz": "extra_forbidden"}


def test_body_over_the_byte_limit_is_413_by_content_length(client: TestClient) -> None:
    body = json.dumps({"body": "word " * 210_000}).encode()
    response = client.post("/v1/score", content=body, headers=JSON)
    assert response.status_code == 413
    assert response.json()["detail"] == "request body is larger than 1000000 bytes"


def test_body_over_the_byte_limit_is_413_when_streamed(client: TestClient) -> None:
    def chunks() -> Any:
        for _ in range(30):
            yield b"x" * 50_000

    response = client.post("/v1/score", content=chunks(), headers=JSON)
    assert response.status_code == 413
    assert "larger than 1000000 bytes" in response.json()["detail"]


def test_streamed_size_is_counted_even_when_content_length_lies() -> None:
    answered: list[dict[str, Any]] = []
    reached_app: list[bool] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached_app.append(True)

    chunks = [b"x" * 600, b"x" * 600, b""]

    async def receive() -> dict[str, Any]:
        chunk = chunks.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def send(message: Message) -> None:
        answered.append(dict(message))

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/score",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"10")],
    }
    asyncio.run(BodyLimitMiddleware(app, max_body_bytes=1_000)(scope, receive, send))
    assert answered[0]["status"] == 413
    assert b"larger than 1000 bytes" in answered[1]["body"]
    assert reached_app == []


@pytest.mark.parametrize(
    ("article", "detail"),
    [
        ({"body": "word " * 300}, "body has 1500 characters; the limit is 1000"),
        ({"html": "<p>" + "x" * 5_001 + "</p>"}, "html has 5008 characters; the limit is 5000"),
    ],
)
def test_text_over_the_character_limit_is_413(
    make_client: Callable[..., TestClient], article: dict[str, Any], detail: str
) -> None:
    client = make_client(max_text_chars=1_000)
    response = client.post("/v1/score", json=article)
    assert response.status_code == 413
    assert response.json()["detail"] == detail
    batch = client.post("/v1/score/batch", json={"articles": [ENGLISH_ARTICLE, article]})
    assert batch.status_code == 413
    assert batch.json()["detail"] == f"articles[1].{detail}"


def test_text_over_the_model_field_limit_is_413(client: TestClient) -> None:
    """Past the model's own field limit the answer still names the contract's limit."""
    response = client.post("/v1/score", json={"body": "x" * 200_001})
    assert response.status_code == 413
    assert "text has 200001 characters; the limit is 100000" in response.json()["detail"]
    response = client.post("/v1/score/batch", json={"articles": [{"body": "x" * 200_001}]})
    assert response.status_code == 413
    assert response.json()["detail"] == (
        "articles[0].body: text has 200001 characters; the limit is 100000"
    )


def test_arabic_text_limit_counts_characters_not_bytes(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(max_text_chars=1_000)
    body = "قال الوزير إن النمو بلغ ثلاثة في المئة هذا العام. " * 19  # < 1000 chars, > 1000 bytes
    assert len(body) < 1_000 < len(body.encode("utf-8"))
    assert client.post("/v1/score", json={"body": body}).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/v1/score", 405), ("DELETE", "/v1/model", 405), ("GET", "/v2/score", 404)],
)
def test_wrong_method_or_path(client: TestClient, method: str, path: str, status: int) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert response.json()["detail"]


def test_a_real_bug_is_a_logged_500_with_the_request_id(
    make_app: Callable[..., FastAPI], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app()

    @app.get("/v1/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.INFO, logger="mizan"), TestClient(app) as client:
        response = client.get("/v1/boom", headers={"X-Request-ID": "trace-500"})
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "trace-500"
    assert response.json()["request_id"] == "trace-500"
    assert "internal server error" in response.json()["detail"]
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None
    assert json.loads(JsonFormatter().format(errors[0]))["request_id"] == "trace-500"
    assert "RuntimeError: boom" in JsonFormatter().format(errors[0])


# --- model, health, readiness ------------------------------------------------------------


def test_model_endpoint_describes_the_loaded_model(
    client: TestClient, engine: DetectorEngine
) -> None:
    response = client.get("/v1/model")
    assert response.status_code == 200
    info = response.json()
    assert info == json.loads(json.dumps(engine.model_info()))
    assert {signal["name"] for signal in info["signals"]} == {
        "experts",
        "statistics",
        "beat",
        "templating",
        "style",
    }


def test_health_and_readiness_with_a_loaded_engine(
    client: TestClient, engine: DetectorEngine
) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "model": {"name": engine.model.name, "version": engine.model.version},
    }


def test_readyz_is_503_until_the_engine_is_loaded(
    test_settings: ServiceSettings, engine: DetectorEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def slow_load(settings: ServiceSettings, memory: object = None) -> DetectorEngine:
        release.wait(30)
        return engine

    monkeypatch.setattr(app_module.DetectorEngine, "from_settings", staticmethod(slow_load))
    app = create_app(test_settings)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        loading = client.get("/readyz")
        assert loading.status_code == 503
        assert loading.json()["detail"] == "the model is still loading; retry in a few seconds"
        scoring = client.post("/v1/score", json=ENGLISH_ARTICLE)
        assert scoring.status_code == 503 and scoring.headers["Retry-After"] == "5"
        assert "mizan_engine_ready 0.0" in client.get("/metrics").text
        release.set()
        assert app.state.engine_slot.wait(30)
        assert client.get("/readyz").status_code == 200
        assert client.post("/v1/score", json=ENGLISH_ARTICLE).status_code == 200
        assert "mizan_engine_ready 1.0" in client.get("/metrics").text


def test_a_model_that_fails_to_load_keeps_readyz_503_with_the_reason(
    test_settings: ServiceSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_load(settings: ServiceSettings, memory: object = None) -> DetectorEngine:
        raise ModelBundleError("models/x/model.joblib does not match the sha256 in metadata.json")

    monkeypatch.setattr(app_module.DetectorEngine, "from_settings", staticmethod(broken_load))
    app = create_app(test_settings)
    with TestClient(app) as client:
        app.state.engine_slot.wait(30)
        response = client.get("/readyz")
        assert response.status_code == 503
        assert "failed to load: ModelBundleError" in response.json()["detail"]
        assert "sha256" in client.post("/v1/score", json=ENGLISH_ARTICLE).json()["detail"]


def test_lifespan_loads_the_default_engine_once(
    test_settings: ServiceSettings, engine: DetectorEngine
) -> None:
    app = create_app(test_settings)
    with TestClient(app) as client:
        assert app.state.engine_slot.wait(120)
        assert client.get("/readyz").status_code == 200
        assert client.get("/v1/model").json() == json.loads(json.dumps(engine.model_info()))
        first = app.state.engine_slot.engine
        client.post("/v1/score", json=ENGLISH_ARTICLE)
        assert app.state.engine_slot.engine is first


# --- API keys ----------------------------------------------------------------------------


@pytest.fixture
def keyed_client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(api_keys=["key-one", "key-two-كلمة"])


@pytest.mark.parametrize(
    ("headers", "status", "detail"),
    [
        ({}, 401, "missing API key: send it in the X-API-Key header"),
        ({"X-API-Key": "key-on"}, 401, "invalid API key in the X-API-Key header"),
        ({"X-API-Key": "key-one "}, 401, "invalid API key in the X-API-Key header"),
        ({"X-API-Key": ""}, 401, "invalid API key in the X-API-Key header"),
        ({"X-API-Key": "key-one"}, 200, None),
        ({"X-API-Key": "key-two-كلمة".encode()}, 200, None),
    ],
)
def test_api_key_is_required_when_configured(
    keyed_client: TestClient, headers: dict[str, Any], status: int, detail: str | None
) -> None:
    response = keyed_client.post("/v1/score", json=ENGLISH_ARTICLE, headers=headers)
    assert response.status_code == status
    if detail:
        assert response.json()["detail"] == detail
        assert response.headers["WWW-Authenticate"] == "X-API-Key"


@pytest.mark.parametrize("path", ["/v1/model", "/docs", "/openapi.json"])
def test_everything_but_the_probes_needs_the_key(keyed_client: TestClient, path: str) -> None:
    assert keyed_client.get(path).status_code == 401
    assert keyed_client.get(path, headers={"X-API-Key": "key-one"}).status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
def test_probes_and_metrics_need_no_key(keyed_client: TestClient, path: str) -> None:
    assert keyed_client.get(path).status_code == 200


def test_key_is_checked_before_the_body(keyed_client: TestClient) -> None:
    response = keyed_client.post(
        "/v1/score", content=b"not json", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("path", "public"),
    [
        ("/healthz", True),
        ("/pages/help", True),
        ("/pages", False),
        ("/v1/score", False),
        ("/healthz/extra", False),
    ],
)
def test_api_key_middleware_can_make_more_paths_public(path: str, public: bool) -> None:
    answered: list[Message] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        answered.append(message)

    middleware = ApiKeyMiddleware(app, ["secret"], public_prefixes=("/pages/",))
    scope = {"type": "http", "method": "GET", "path": path, "headers": []}
    asyncio.run(middleware(scope, receive, send))
    assert answered[0]["status"] == (200 if public else 401)


def test_openapi_documents_the_key_only_when_configured(
    keyed_client: TestClient, client: TestClient
) -> None:
    schema = keyed_client.get("/openapi.json", headers={"X-API-Key": "key-one"}).json()
    scheme = schema["components"]["securitySchemes"]["APIKeyHeader"]
    assert scheme == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "One of MIZAN_API_KEYS.",
    }
    assert schema["paths"]["/v1/score"]["post"]["security"] == [{"APIKeyHeader": []}]
    assert "security" not in schema["paths"]["/healthz"]["get"]
    assert "securitySchemes" not in client.get("/openapi.json").json().get("components", {})


# --- request ids and logs ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/healthz", {}),
        ("POST", "/v1/score", {"json": ENGLISH_ARTICLE}),
        ("POST", "/v1/score", {"content": b"{", "headers": JSON}),
        ("POST", "/v1/score", {"content": b"x", "headers": {"content-type": "text/plain"}}),
        ("GET", "/nowhere", {}),
    ],
)
def test_every_answer_carries_a_request_id(
    client: TestClient, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    headers = dict(kwargs.pop("headers", {}))
    generated = client.request(method, path, headers=headers, **kwargs)
    assert HEX_ID.fullmatch(generated.headers["X-Request-ID"])
    echoed = client.request(
        method, path, headers={**headers, "X-Request-ID": "client-42:a.b_c"}, **kwargs
    )
    assert echoed.headers["X-Request-ID"] == "client-42:a.b_c"


@pytest.mark.parametrize(
    "incoming", ["a" * 129, "has space", "semi;colon", "new\\nline", "<script>", "ümlaut"]
)
def test_unsafe_request_ids_are_replaced(client: TestClient, incoming: str) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": incoming.encode("utf-8")})
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])


def test_request_ids_differ_between_requests(client: TestClient) -> None:
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5


def test_one_json_access_line_per_request(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="mizan.access"):
        client.post("/v1/score", json=ENGLISH_ARTICLE, headers={"X-Request-ID": "req-1"})
        client.post("/v1/score", content=b"{", headers={**JSON, "X-Request-ID": "req-2"})
    lines = [
        json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "mizan.access"
    ]
    assert [line["request_id"] for line in lines] == ["req-1", "req-2"]
    first, second = lines
    assert first["path"] == "/v1/score" and first["route"] == "/v1/score"
    assert first["method"] == "POST" and first["status"] == 200 and first["level"] == "info"
    assert isinstance(first["latency_ms"], float) and first["latency_ms"] > 0
    assert second["status"] == 400 and second["error_kind"] == "invalid_json"


# --- metrics -----------------------------------------------------------------------------


def metric_value(text: str, name: str, **labels: str) -> float:
    for family_line in text.splitlines():
        if family_line.startswith("#") or not family_line.startswith(name):
            continue
        series, value = family_line.rsplit(" ", 1)
        found = dict(re.findall(r'(\w+)="([^"]*)"', series))
        if series.split("{")[0] == name and found == labels:
            return float(value)
    return 0.0


def test_metrics_count_requests_latency_verdicts_and_errors(client: TestClient) -> None:
    verdicts = [client.post("/v1/score", json=ENGLISH_ARTICLE).json()["verdict"] for _ in range(2)]
    batch = client.post(
        "/v1/score/batch", json={"articles": [ARABIC_ARTICLE, ENGLISH_ARTICLE]}
    ).json()
    verdicts += [report["verdict"] for report in batch["reports"]]
    client.post("/v1/score", content=b"{", headers=JSON)
    client.post("/v1/score", content=b"x", headers={"content-type": "text/plain"})
    client.get("/random/path/123")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert (
        metric_value(
            text, "mizan_http_requests_total", method="POST", route="/v1/score", status="200"
        )
        == 2
    )
    assert (
        metric_value(
            text, "mizan_http_requests_total", method="POST", route="/v1/score/batch", status="200"
        )
        == 1
    )
    assert (
        metric_value(
            text, "mizan_http_requests_total", method="POST", route="/v1/score", status="400"
        )
        == 1
    )
    assert (
        metric_value(
            text, "mizan_http_requests_total", method="POST", route="/v1/score", status="415"
        )
        == 1
    )
    assert (
        metric_value(
            text, "mizan_http_requests_total", method="GET", route="unmatched", status="404"
        )
        == 1
    )
    assert (
        metric_value(
            text, "mizan_http_request_duration_seconds_count", method="POST", route="/v1/score"
        )
        == 4
    )
    for verdict in set(verdicts):
        assert metric_value(text, "mizan_scores_total", verdict=verdict) == verdicts.count(verdict)
    assert metric_value(text, "mizan_reliability_count") == 4
    assert (
        metric_value(text, "mizan_http_errors_total", route="/v1/score", kind="invalid_json") == 1
    )
    assert (
        metric_value(
            text, "mizan_http_errors_total", route="/v1/score", kind="unsupported_media_type"
        )
        == 1
    )
    assert metric_value(text, "mizan_http_errors_total", route="unmatched", kind="not_found") == 1
    assert metric_value(text, "mizan_engine_ready") == 1
    assert "/random/path" not in text


def test_each_app_has_its_own_metrics(make_client: Callable[..., TestClient]) -> None:
    first, second = make_client(), make_client()
    verdicts = [first.post("/v1/score", json=ENGLISH_ARTICLE).json()["verdict"] for _ in range(2)]
    first_metrics = first.get("/metrics").text
    assert metric_value(first_metrics, "mizan_scores_total", verdict=verdicts[0]) == 2
    assert "mizan_scores_total{" not in second.get("/metrics").text
    assert ServiceMetrics().registry is not ServiceMetrics().registry


# --- OpenAPI and docs --------------------------------------------------------------------


def test_docs_page_is_served(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()


def test_openapi_has_arabic_and_english_examples(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    score = schema["paths"]["/v1/score"]["post"]
    request_examples = score["requestBody"]["content"]["application/json"]["examples"]
    assert {"english", "arabic", "arabic_page_text", "html"} <= set(request_examples)
    assert re.search("[\u0600-\u06ff]", request_examples["arabic"]["value"]["body"])
    response_examples = score["responses"]["200"]["content"]["application/json"]["examples"]
    assert response_examples["arabic"]["value"]["language"] == "ar"
    assert response_examples["english"]["value"]["language"] == "en"
    assert "Unknown fields are rejected" in score["description"]
    for status in ("400", "401", "413", "415", "422", "503"):
        assert score["responses"][status]["content"]["application/json"]["example"]["detail"]
    batch = schema["paths"]["/v1/score/batch"]["post"]
    assert batch["requestBody"]["content"]["application/json"]["examples"]["mixed"]["value"][
        "articles"
    ]
    batch_schema = schema["components"]["schemas"]["BatchRequest"]["properties"]["articles"]
    assert batch_schema["maxItems"] == 100 and batch_schema["minItems"] == 1


@pytest.mark.parametrize("name", sorted(SCORE_REQUEST_EXAMPLES))
def test_request_examples_are_accepted(client: TestClient, name: str) -> None:
    response = client.post("/v1/score", json=SCORE_REQUEST_EXAMPLES[name]["value"])
    assert response.status_code == 200, response.text
    ReportOut.model_validate(response.json())


@pytest.mark.parametrize("name", sorted(RESPONSE_EXAMPLE_ARTICLES))
def test_response_examples_are_the_engines_real_reports(
    client: TestClient, engine: DetectorEngine, name: str
) -> None:
    """The /docs examples are what the API answers for the example article, so every feature
    they name is one the engine emits."""
    schema = client.get("/openapi.json").json()
    responses = schema["paths"]["/v1/score"]["post"]["responses"]
    report = responses["200"]["content"]["application/json"]["examples"][name]["value"]
    ReportOut.model_validate(report)
    article = RESPONSE_EXAMPLE_ARTICLES[name][1]
    assert report["id"] == article["id"]
    assert_evidence_points_into_input(article, report)
    assert report == client.post("/v1/score", json=article).json()
    emitted = set(engine.feature_names) | {f"{s['name']}.score" for s in report["signals"]}
    named = {item["name"] for item in report["top_features"]}
    named |= {feature for signal in report["signals"] for feature in signal["features"]}
    # The heads' outputs are combiner terms of the model, not signal features.
    model_terms = {head.name for head in getattr(engine.model, "heads", ())}
    assert named - model_terms <= emitted
    assert [(s["name"], s["version"]) for s in report["signals"]] == [
        (s["name"], s["version"]) for s in engine.model_info()["signals"]
    ]
    batch = schema["paths"]["/v1/score/batch"]["post"]["responses"]["200"]["content"]
    reports = batch["application/json"]["examples"]["mixed"]["value"]["reports"]
    assert report in reports


def test_openapi_waits_for_the_engine_before_showing_reports(
    test_settings: ServiceSettings, engine: DetectorEngine
) -> None:
    """While the engine loads the schema has no report examples, and it is not cached."""
    app = create_app(test_settings, None)
    schema = app.openapi()
    score = schema["paths"]["/v1/score"]["post"]["responses"]["200"]
    assert "examples" not in score.get("content", {}).get("application/json", {})
    assert app.openapi_schema is None
    app.state.engine_slot._engine = engine  # as the background load leaves it
    loaded = app.openapi()
    examples = loaded["paths"]["/v1/score"]["post"]["responses"]["200"]["content"]
    assert set(examples["application/json"]["examples"]) == set(RESPONSE_EXAMPLE_ARTICLES)
    assert app.openapi() is loaded


def test_app_factory_builds_independent_apps(
    test_settings: ServiceSettings, engine: DetectorEngine
) -> None:
    first = create_app(test_settings, engine)
    second = create_app(test_settings.model_copy(update={"max_batch_items": 5}), engine)
    assert first.state.metrics is not second.state.metrics
    assert (
        TestClient(first)
        .post("/v1/score/batch", json={"articles": [ENGLISH_ARTICLE] * 6})
        .status_code
        == 200
    )
    assert (
        TestClient(second)
        .post("/v1/score/batch", json={"articles": [ENGLISH_ARTICLE] * 6})
        .status_code
        == 413
    )
