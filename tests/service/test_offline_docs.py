"""``/docs`` and ``/redoc`` load every asset from this app, none from a CDN."""

from __future__ import annotations

import re

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
