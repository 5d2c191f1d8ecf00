"""What the review page is served to set page furniture apart and to colour signal bars.

``POST /review/layout`` gives the parser's blocks with offsets into the text as sent; the
script and stylesheet use them, and no signal or score bar is painted green.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mizan.detector.article import CONTENT_KINDS, ArticleInput, parse_article
from mizan.service.routers import review

STATIC = Path(review.__file__).resolve().parent.parent / "static"

# A page as copied from a news site: a menu, the headline, a byline, two paragraphs of the
# story, then share and author-box lines (written for this test).
PAGE_LINES = [
    "الرئيسية | محليات | اقتصاد | رياضة",
    "افتتاح سوق الخضار الجديد في الحي الشرقي",
    "كتب: ماجد العتيبي",
    "افتتحت البلدية صباح اليوم سوق الخضار الجديد في الحي الشرقي بعد أشهر من أعمال البناء، "
    "وقال مدير البلدية إن السوق يضم مئة وعشرين محلا.",
    "وأضاف أن السوق يفتح أبوابه يوميا من السادسة صباحا حتى العاشرة مساء.",
    "شارك المقال",
    "عن الكاتب",
    "ماجد العتيبي محرر في قسم المحليات.",
]
PAGE = "\n".join(PAGE_LINES)


@pytest.fixture
def client(make_app: Callable[..., FastAPI]) -> Iterator[TestClient]:
    with TestClient(make_app()) as test_client:
        yield test_client


def _layout(client: TestClient, article: dict[str, str]) -> dict[str, object]:
    answer = client.post("/review/layout", json=article)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_layout_gives_the_parsers_blocks_with_offsets_into_the_text_sent(
    client: TestClient,
) -> None:
    layout = _layout(client, {"body": PAGE})
    assert layout["field"] == "body"
    blocks = layout["blocks"]
    assert isinstance(blocks, list)
    parsed = parse_article(ArticleInput(body=PAGE)).blocks
    assert [(b["start"], b["end"], b["kind"]) for b in blocks] == [
        (b.start, b.end, b.kind) for b in parsed
    ]
    assert all(b["content"] == (b["kind"] in CONTENT_KINDS) for b in blocks)
    by_text = {PAGE[b["start"] : b["end"]]: b for b in blocks}
    # The story's paragraphs are the article; the menu and the share line are not.
    assert by_text[PAGE_LINES[3]]["content"] is True
    assert by_text[PAGE_LINES[0]]["content"] is False
    assert by_text[PAGE_LINES[5]]["content"] is False
    assert any(not b["content"] for b in blocks if b["kind"] in ("byline", "bio"))


def test_layout_offsets_survive_invisible_characters(client: TestClient) -> None:
    """A zero-width joiner is removed before parsing; the offsets still index the text sent."""
    sent = "\u200d" + PAGE.replace("السوق", "ال\u200cسوق")
    plain = _layout(client, {"body": PAGE})["blocks"]
    shown = _layout(client, {"body": sent})["blocks"]
    assert isinstance(plain, list) and isinstance(shown, list) and len(shown) == len(plain)
    assert [b["kind"] for b in shown] == [b["kind"] for b in plain]
    for block in shown:
        text = sent[block["start"] : block["end"]].replace("\u200d", "").replace("\u200c", "")
        assert text in PAGE_LINES


def test_layout_of_html_indexes_the_extracted_text(client: TestClient) -> None:
    html = (
        "<html><body><nav>الرئيسية | أخبار</nav><article><h1>افتتاح السوق الجديد</h1>"
        f"<p>{PAGE_LINES[3]}</p><p>{PAGE_LINES[4]}</p></article></body></html>"
    )
    layout = _layout(client, {"html": html})
    report = client.post("/v1/score", json={"html": html}).json()
    assert layout["field"] == "extracted_body"
    text = report["extracted_body"]
    blocks = layout["blocks"]
    assert isinstance(blocks, list)
    shown = [text[b["start"] : b["end"]] for b in blocks if b["content"]]
    assert PAGE_LINES[3] in shown


def test_layout_keeps_the_input_contract_and_the_key(make_app: Callable[..., FastAPI]) -> None:
    with TestClient(make_app(max_text_chars=200)) as client:
        unknown = client.post("/review/layout", json={"body": "نص", "autor": "x"})
        assert unknown.status_code == 422 and unknown.json()["detail"].startswith(
            "autor: unknown field"
        )
        long = client.post("/review/layout", json={"body": "ب" * 201})
        assert long.status_code == 413
        assert long.json()["detail"] == "body has 201 characters; the limit is 200"
    with TestClient(make_app(api_keys=["key-1"])) as client:
        assert client.post("/review/layout", json={"body": PAGE}).status_code == 401
        answer = client.post("/review/layout", json={"body": PAGE}, headers={"X-API-Key": "key-1"})
        assert answer.status_code == 200


def test_the_script_reads_the_layout_and_colours_bars_by_contribution(
    client: TestClient,
) -> None:
    script = client.get(review.STATIC_PREFIX + "review.js").text
    assert '"/review/layout"' in script
    assert "article-furniture" in script and "lowers-" in script
    # The score bar takes its colour from the signal's contribution, not from its identity.
    styles = client.get(review.STATIC_PREFIX + "review.css").text
    score_fill = re.search(r"\.score-fill \{[^}]*\}", styles)
    assert score_fill is not None and "--sig-line" not in score_fill.group(0)
    for level in ("strong", "some", "slight", "none"):
        assert f".score-fill.lowers-{level}" in styles


def _is_green(hex_colour: str) -> bool:
    red, green, blue = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    return saturation > 0.25 and 75 <= hue * 360 <= 165


def test_no_signal_and_no_bar_is_painted_green() -> None:
    styles = (STATIC / "review.css").read_text(encoding="utf-8")
    variables = dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", styles))
    signal_lines = re.findall(r"\.sig-\d \{[^}]*--sig-line: (#[0-9a-fA-F]{6})", styles)
    assert len(signal_lines) >= 5
    assert not [colour for colour in signal_lines if _is_green(colour)]
    bar_rules = re.findall(
        r"\.(?:score-fill|contribution-fill)[\w.-]* \{[^}]*background: ([^;]+);", styles
    )
    assert bar_rules
    for value in bar_rules:
        colour = variables.get(value.strip()[4:-1], value.strip()) if "var(" in value else value
        assert not _is_green(colour.strip()), value
    assert _is_green(variables["--reliable"])  # the check does see green
