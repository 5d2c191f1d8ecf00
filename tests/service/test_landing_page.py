"""``GET /``: a landing page that links to the review page, the API docs and the model."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_landing_page_links_to_review_docs_and_model(client: TestClient) -> None:
    answer = client.get("/")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    links = set(re.findall(r'href="([^"]*)"', answer.text))
    assert {"/review", "/docs", "/v1/model"} <= links
    for link in ("/review", "/v1/model"):
        assert client.get(link).status_code == 200
