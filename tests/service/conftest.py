"""TestClient fixtures: one real default engine per session, a fresh app per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mizan.detector.engine import DetectorEngine
from mizan.service.app import create_app
from mizan.service.settings import ServiceSettings

# The limits the tests rely on, set explicitly so MIZAN_ variables in the shell do not matter.
TEST_LIMITS: dict[str, Any] = {
    "api_keys": [],
    "max_body_bytes": 1_000_000,
    "max_text_chars": 100_000,
    "max_batch_items": 100,
}


@pytest.fixture(scope="session")
def test_settings(tmp_path_factory: pytest.TempPathFactory) -> ServiceSettings:
    store = tmp_path_factory.mktemp("store") / "mizan.db"
    return ServiceSettings(**TEST_LIMITS, store_url=f"sqlite:///{store}")


@pytest.fixture(scope="session")
def engine(test_settings: ServiceSettings) -> DetectorEngine:
    """The real default engine, with the committed default model, loaded once."""
    return DetectorEngine.from_settings(test_settings)


@pytest.fixture
def make_app(test_settings: ServiceSettings, engine: DetectorEngine) -> Callable[..., FastAPI]:
    """Build an app with the session engine and some settings changed."""

    def build(**changes: Any) -> FastAPI:
        settings = test_settings.model_copy(update=changes)
        return create_app(settings, engine)

    return build


@pytest.fixture
def make_client(make_app: Callable[..., FastAPI]) -> Iterator[Callable[..., TestClient]]:
    """Build a TestClient (lifespan started) for an app with some settings changed."""
    clients: list[TestClient] = []

    def build(**changes: Any) -> TestClient:
        client = TestClient(make_app(**changes))
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    """A client of an app with the default test limits and no API keys."""
    return make_client()
