"""``/docs`` and ``/redoc`` load every asset from this app, none from a CDN."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient


def test_docs_pages_load_assets_from_the_app_only(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        answer = client.get(page)
        assert answer.status_code == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', answer.text)
        sources += re.findall(r"url: '([^']+)'", answer.text)
        assert sources
        for source in sources:
            assert not source.startswith(("http:", "https:", "//")), source
            assert client.get(source).status_code == 200, source


def test_docs_render_without_a_key_when_keys_are_set(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(api_keys=["secret-key"])
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="(/static-offline-docs/[^"]+)"', page.text)
    assert assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert client.get("/openapi.json").status_code == 200
    assert client.post("/v1/score", json={"body": "نص"}).status_code == 401
