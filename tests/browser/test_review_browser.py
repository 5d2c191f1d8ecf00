"""The review page driven in a real headless Chromium (Debian's package) against the real app.

The app runs under uvicorn on 127.0.0.1 in a background thread; Playwright drives
``/usr/bin/chromium`` (installed by ``.ci/browser.sh``; no browser is downloaded). Each case
checks the page against the API's own answer for the same article, fetched with httpx.

Set ``MIZAN_UPDATE_SCREENSHOTS=1`` to rewrite ``docs/review-ar.png`` and
``docs/review-en.png``; otherwise the screenshots go to a temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect, sync_playwright
from starlette.routing import Match

from mizan.detector.engine import DetectorEngine
from mizan.detector.store.records import content_id
from mizan.service import middleware
from mizan.service.app import create_app
from mizan.service.routers import articles, feedback, review
from mizan.service.settings import ServiceSettings

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
DOCS = REPO / "docs"


def find_chromium() -> str | None:
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


CHROMIUM = find_chromium()
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
API_KEY = "editor-key-7f3a"
TEXT_LIMIT = 3_000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no chromium binary (/usr/bin/chromium); run .ci/browser.sh to install Debian's chromium",
    ),
]


# --- the app under uvicorn ------------------------------------------------------------------


def with_review_routes(app: FastAPI) -> FastAPI:
    """Include the page, articles and feedback routers when the app does not include them yet."""
    for router, path, method in (
        (review.router, "/review", "GET"),
        (feedback.router, "/v1/feedback", "POST"),
        (articles.router, "/v1/articles/some-id", "GET"),
    ):
        scope = {"type": "http", "path": path, "method": method, "root_path": "", "headers": []}
        if not any(route.matches(scope)[0] == Match.FULL for route in app.router.routes):
            app.include_router(router)
    return app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def open_page_paths(app: FastAPI) -> None:
    """Let the page and its assets through the API key check, as the page needs.

    tests/service/test_review_page.py checks that ``create_app`` itself does so; this keeps the
    page's own key handling under test whichever way the app opens those paths.
    """
    for entry in app.user_middleware:
        if entry.cls is middleware.ApiKeyMiddleware:
            public = frozenset(entry.kwargs.get("public_paths", middleware.PUBLIC_PATHS))
            entry.kwargs["public_paths"] = public | review.PAGE_PATHS


@contextmanager
def running_app(
    settings: ServiceSettings, engine: DetectorEngine, open_page: bool = False
) -> Iterator[str]:
    """Serve the app on a free local port in a thread; yield its base URL."""
    app = with_review_routes(create_app(settings, engine))
    if open_page:
        open_page_paths(app)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, name="review-page-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def settings_for(tmp: Path, api_keys: list[str]) -> ServiceSettings:
    return ServiceSettings(
        store_url=f"sqlite:///{tmp / 'store.db'}",
        api_keys=api_keys,
        max_text_chars=TEXT_LIMIT,
        max_body_bytes=1_000_000,
        max_batch_items=10,
    )


@pytest.fixture(scope="module")
def engine() -> DetectorEngine:
    return DetectorEngine.from_settings(ServiceSettings())


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, engine: DetectorEngine) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("review-open")
    with running_app(settings_for(tmp, []), engine) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab; fails the test on a script error or a content security policy violation."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield tab
    context.close()
    assert problems == []


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    return DOCS if os.environ.get("MIZAN_UPDATE_SCREENSHOTS") == "1" else tmp_path


# --- reading the page -----------------------------------------------------------------------

# For each highlighted field: its full text, and every <mark> with its UTF-16 offsets in it.
READ_HIGHLIGHTS = """() => {
  const fields = {};
  for (const container of document.querySelectorAll('#article-view [data-field]')) {
    const marks = [];
    let offset = 0;
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const mark = node.parentElement.closest('mark.hl');
      if (mark) {
        marks.push({from: offset, to: offset + node.data.length, text: node.data,
                    evidence: mark.dataset.evidence.split(' ').map(Number),
                    focusable: mark.getAttribute('tabindex') === '0',
                    describedby: mark.getAttribute('aria-describedby')});
      }
      offset += node.data.length;
    }
    fields[container.dataset.field] = {text: container.textContent, marks: marks};
  }
  return fields;
}"""


def utf16_offset(text: str, code_points: int) -> int:
    return len(text[:code_points].encode("utf-16-le")) // 2


def api_score(base_url: str, article: dict[str, Any], api_key: str | None = None) -> httpx.Response:
    headers = {"X-API-Key": api_key} if api_key else {}
    return httpx.post(f"{base_url}/v1/score", json=article, headers=headers, timeout=30)


def evidence_list(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every evidence span in report order (the page numbers them the same way)."""
    return [
        {**evidence, "signal": signal["name"]}
        for signal in report["signals"]
        for evidence in signal["evidence"]
    ]


def assert_highlights_match(page: Page, report: dict[str, Any], texts: dict[str, str]) -> None:
    """Every evidence span is highlighted exactly at its offsets, with its text, and nothing else."""
    fields = page.evaluate(READ_HIGHLIGHTS)
    for field, text in texts.items():
        if text:
            assert fields[field]["text"] == text, f"the {field} is shown as sent"
    expected = evidence_list(report)
    assert expected, "the example article must produce evidence"
    seen: set[int] = set()
    for index, evidence in enumerate(expected):
        shown = fields[evidence["field"]]
        pieces = [mark for mark in shown["marks"] if index in mark["evidence"]]
        assert pieces, f"evidence {index} ({evidence['text']!r}) is not highlighted"
        text = texts[evidence["field"]]
        start = utf16_offset(text, evidence["start"])
        end = utf16_offset(text, evidence["end"])
        # The pieces that name the span tile it exactly, in order, with no gap.
        assert pieces[0]["from"] == start and pieces[-1]["to"] == end
        assert all(a["to"] == b["from"] for a, b in zip(pieces, pieces[1:], strict=False))
        assert "".join(piece["text"] for piece in pieces) == evidence["text"]
        assert evidence["text"] == text[evidence["start"] : evidence["end"]]
        # One keyboard stop at the span's start, described by the span's note.
        assert pieces[0]["focusable"]
        assert f"evidence-note-{index}" in pieces[0]["describedby"].split()
        note = page.locator(f"#evidence-note-{index}").text_content() or ""
        assert evidence["reason"] in note
        seen.add(index)
    every_mark = [mark for shown in fields.values() for mark in shown["marks"]]
    assert {index for mark in every_mark for index in mark["evidence"]} == seen
    expect(page.locator("#unplaced")).to_be_hidden()


def score_in_page(page: Page) -> None:
    page.locator("#score-button").click()


def fill_article(page: Page, article: dict[str, str]) -> None:
    page.locator("#title").fill(article.get("title", ""))
    page.locator("#body").fill(article.get("body", ""))
    page.locator("#author-bio").fill(article.get("author_bio", ""))
    more = page.locator("details.more-fields")
    if not more.evaluate("details => details.open"):
        page.locator("details.more-fields summary").click()
    for selector, field in (("#author", "author"), ("#outlet", "outlet"), ("#article-id", "id")):
        page.locator(selector).fill(article.get(field, ""))


def stored_feedback(
    base_url: str, article_id: str, api_key: str | None = None
) -> list[dict[str, Any]]:
    headers = {"X-API-Key": api_key} if api_key else {}
    answer = httpx.get(
        f"{base_url}/v1/feedback", params={"article_id": article_id}, headers=headers, timeout=30
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json()["feedback"])


def save_screenshot(page: Page, path: Path) -> None:
    """The report and the feedback form, with the note of an expert's evidence open."""
    # A viewport as tall as the page, so the shot needs no resize (which closes the note).
    height = page.evaluate("() => document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 1280, "height": height})
    page.locator("mark.hl[tabindex='0'][data-signal=experts]").first.focus()
    expect(page.locator("#tooltip")).to_be_visible()
    report_box = page.locator("#report").bounding_box()
    feedback_box = page.locator("#feedback").bounding_box()
    assert report_box and feedback_box
    top = report_box["y"] - 8
    bottom = feedback_box["y"] + feedback_box["height"] + 8
    page.screenshot(path=str(path), clip={"x": 0, "y": top, "width": 1280, "height": bottom - top})
    assert path.stat().st_size > 10_000


# --- the cases ------------------------------------------------------------------------------


def test_arabic_page_text(page: Page, base_url: str, screenshot_dir: Path) -> None:
    body = (EXAMPLES / "farm_ar.txt").read_text(encoding="utf-8")
    expected = api_score(base_url, {"body": body})
    assert expected.status_code == 200
    report = expected.json()

    page.goto(f"{base_url}/review")
    page.locator("#body").fill(body)
    score_in_page(page)
    expect(page.locator("#report")).to_be_visible()
    expect(page.locator("#report-heading")).to_be_focused()

    view = page.locator("#article-view")
    expect(view).to_have_attribute("dir", "rtl")
    expect(view).to_have_attribute("lang", "ar")
    assert view.evaluate("node => getComputedStyle(node).direction") == "rtl"
    # Each line takes its own direction, so English lines in Arabic text read correctly.
    assert (
        page.locator(".article-body").evaluate("n => getComputedStyle(n).unicodeBidi")
        == "plaintext"
    )
    expect(page.locator("#verdict")).to_have_text(
        {"unreliable": "Unreliable", "review": "Needs review", "reliable": "Reliable"}[
            report["verdict"]
        ]
    )
    expect(page.locator("#gauge svg[role=img]")).to_have_attribute(
        "aria-label",
        f"Reliability {report['reliability']:.2f} of 1, verdict Unreliable. "
        f"Unreliable below {report['thresholds']['unreliable_below']:.2f}, "
        f"reliable above {report['thresholds']['reliable_above']:.2f}.",
    )
    # The page text has no title field; the title the engine found is shown and highlighted.
    assert_highlights_match(page, report, {"title": report["title"], "body": body})

    # One panel per signal, with its score and a bar per top feature of that signal.
    panels = page.locator(".signal-panel")
    signal_names = {signal["name"] for signal in report["signals"]}
    model_terms = [
        item for item in report["top_features"] if item["name"].split(".")[0] not in signal_names
    ]
    # One panel per signal, plus one for the model's own terms (the heads, the language).
    expect(panels).to_have_count(len(report["signals"]) + (1 if model_terms else 0))
    for signal in report["signals"]:
        panel = page.locator(".signal-panel", has=page.locator(f"code:text-is('{signal['name']}')"))
        expect(panel).to_contain_text(f"Score {signal['score']:.2f}")
        own = [
            item for item in report["top_features"] if item["name"].startswith(signal["name"] + ".")
        ]
        expect(panel.locator(".contributions li")).to_have_count(len(own))

    # Keyboard: Tab from the report heading reaches the first evidence, whose note shows.
    page.keyboard.press("Tab")
    focused = page.locator("mark.hl:focus")
    expect(focused).to_have_count(1)
    tooltip = page.locator("#tooltip")
    expect(tooltip).to_be_visible()
    first_indexes = [int(i) for i in (focused.get_attribute("data-evidence") or "").split()]
    for index in first_indexes:
        expect(tooltip).to_contain_text(evidence_list(report)[index]["reason"])
    page.keyboard.press("Escape")
    expect(tooltip).to_be_hidden()
    # Pointing at a passage shows its note as well.
    page.locator("mark.hl").nth(3).hover()
    expect(tooltip).to_be_visible()

    # Confirm the verdict; the article had no id, so the feedback uses the store's content id.
    page.locator("#reviewer").fill("desk-editor-7")
    page.locator("#note").fill("الخبير المذكور لا ينتمي إلى أي جامعة معروفة")
    page.locator("#confirm-button").click()
    expect(page.locator("#feedback-result")).to_contain_text("Saved as feedback #")
    article_id = content_id({"body": body})
    expect(page.locator("#feedback-article-id")).to_have_text(article_id)
    records = stored_feedback(base_url, article_id)
    assert len(records) == 1
    record = records[0]
    assert record["verdict"] == record["model_verdict"] == report["verdict"]
    assert record["reviewer_id"] == "desk-editor-7"
    assert record["note"] == "الخبير المذكور لا ينتمي إلى أي جامعة معروفة"
    assert record["article"]["body"] == body

    save_screenshot(page, screenshot_dir / "review-ar.png")


def test_english_article(page: Page, base_url: str, screenshot_dir: Path) -> None:
    article = json.loads((EXAMPLES / "farm_en.json").read_text(encoding="utf-8"))
    expected = api_score(base_url, article)
    assert expected.status_code == 200
    report = expected.json()

    page.goto(f"{base_url}/review")
    fill_article(page, article)
    score_in_page(page)
    expect(page.locator("#report")).to_be_visible()
    view = page.locator("#article-view")
    expect(view).to_have_attribute("dir", "ltr")
    expect(view).to_have_attribute("lang", "en")
    assert_highlights_match(
        page,
        report,
        {"title": article["title"], "body": article["body"], "author_bio": article["author_bio"]},
    )
    assert {e["field"] for e in evidence_list(report)} >= {"body", "author_bio"}

    # Overrule with a note: the verdict, note, reviewer and article are stored.
    overrule = "reliable" if report["verdict"] != "reliable" else "review"
    expect(page.locator(f"button.overrule[data-verdict={report['verdict']}]")).to_be_hidden()
    page.locator("#reviewer").fill("j.doe")
    page.locator("#note").fill("The economist is real; the desk checked the trade figure.")
    page.locator(f"button.overrule[data-verdict={overrule}]").click()
    expect(page.locator("#feedback-result")).to_contain_text("overruling the model")
    records = stored_feedback(base_url, article["id"])
    assert [(r["verdict"], r["model_verdict"], r["reviewer_id"]) for r in records] == [
        (overrule, report["verdict"], "j.doe")
    ]
    assert records[0]["note"] == "The economist is real; the desk checked the trade figure."
    assert records[0]["article"]["title"] == article["title"]
    assert records[0]["model_version"] == report["model"]["version"]

    save_screenshot(page, screenshot_dir / "review-en.png")


def test_overlapping_spans_and_text_beyond_the_basic_plane(page: Page, base_url: str) -> None:
    """Offsets count code points like Python; an emoji before the evidence must not shift it."""
    body = (
        "📰 عاجل 📰\n"
        + (EXAMPLES / "farm_ar.txt").read_text(encoding="utf-8")
        + "\nA line in English, said Dr. Emily Carter, a renowned economist."
    )
    report = api_score(base_url, {"body": body}).json()
    page.goto(f"{base_url}/review")
    page.locator("#body").fill(body)
    score_in_page(page)
    expect(page.locator("#report")).to_be_visible()
    assert_highlights_match(page, report, {"title": report["title"], "body": body})
    spans = [(e["start"], e["end"]) for e in evidence_list(report) if e["field"] == "body"]
    overlapping = any(
        a[0] < b[1] and b[0] < a[1] for i, a in enumerate(spans) for b in spans[i + 1 :]
    )
    assert overlapping, "this article is chosen for its overlapping evidence"
    expect(page.locator("mark.hl-overlap").first).to_be_visible()


def test_empty_and_too_long_text_show_the_api_message(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/review")
    alert = page.locator("#alert")
    expect(alert).to_be_empty()

    empty = api_score(base_url, {"body": ""})
    assert empty.status_code == 422
    score_in_page(page)
    expect(alert).to_have_text(empty.json()["detail"])
    expect(page.locator("#report")).to_be_hidden()

    long_body = "خبر طويل جدا. " * (TEXT_LIMIT // 10)
    too_long = api_score(base_url, {"body": long_body})
    assert too_long.status_code == 413
    page.locator("#body").fill(long_body)
    expect(page.locator("#body-count")).to_have_class("help counter over")
    score_in_page(page)
    expect(alert).to_have_text(too_long.json()["detail"])
    expect(page.locator("#report")).to_be_hidden()

    # A good article afterwards clears the message and shows the report.
    page.locator("#body").fill((EXAMPLES / "wire_ar.txt").read_text(encoding="utf-8"))
    score_in_page(page)
    expect(page.locator("#report")).to_be_visible()
    expect(alert).to_be_empty()


def test_open_a_stored_article_by_id(page: Page, base_url: str) -> None:
    article = json.loads((EXAMPLES / "wire_en.json").read_text(encoding="utf-8"))
    article["id"] = "wire-en-stored"
    stored = httpx.post(f"{base_url}/v1/articles", json=article, timeout=30)
    assert stored.status_code in (200, 201), stored.text
    report = api_score(base_url, article).json()

    page.goto(f"{base_url}/review")
    page.locator("#open-id").fill("no-such-article")
    page.locator("#open-button").click()
    expect(page.locator("#alert")).to_contain_text("no stored article has the id 'no-such-article'")

    page.locator("#open-id").fill("wire-en-stored")
    page.locator("#open-button").click()
    expect(page.locator("#report")).to_be_visible()
    expect(page.locator("#body")).to_have_value(article["body"])
    expect(page.locator("#feedback-article-id")).to_have_text("wire-en-stored")
    expect(page.locator("#verdict")).to_have_class(f"verdict verdict-{report['verdict']}")


def test_text_has_enough_contrast(page: Page, base_url: str) -> None:
    """Every piece of text the page shows has a contrast of at least 4.5:1 (WCAG AA)."""
    page.goto(f"{base_url}/review")
    page.locator("#body").fill((EXAMPLES / "farm_ar.txt").read_text(encoding="utf-8"))
    score_in_page(page)
    expect(page.locator("#report")).to_be_visible()
    page.locator("mark.hl[tabindex='0']").first.focus()
    ratios = page.evaluate(
        """() => {
      const parse = (colour) => colour.match(/[\\d.]+/g).map(Number);
      const luminance = ([r, g, b]) => {
        const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
      };
      const background = (node) => {
        for (; node; node = node.parentElement) {
          const colour = parse(getComputedStyle(node).backgroundColor);
          if (colour.length < 4 || colour[3] === 1) return colour;
        }
        return [255, 255, 255];
      };
      const results = [];
      const selector = 'h1, h2, h3, h4, h5, p, label, button, summary, li, td, th, code, mark, strong, span, bdi, a';
      for (const node of document.querySelectorAll(selector)) {
        if (!node.offsetParent && getComputedStyle(node).position !== 'fixed') continue;
        const own = Array.from(node.childNodes).some((child) => child.nodeType === 3 && child.data.trim());
        if (!own) continue;
        const fore = luminance(parse(getComputedStyle(node).color));
        const back = luminance(background(node));
        const ratio = (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
        results.push({text: node.textContent.trim().slice(0, 40), ratio: ratio});
      }
      return results;
    }"""
    )
    assert len(ratios) > 50
    low = [item for item in ratios if item["ratio"] < 4.5]
    assert low == []


def test_asks_for_the_api_key_once(page: Page, engine: DetectorEngine, tmp_path: Path) -> None:
    body = (EXAMPLES / "wire_ar.txt").read_text(encoding="utf-8")
    with running_app(settings_for(tmp_path, [API_KEY]), engine, open_page=True) as url:
        missing = api_score(url, {"body": body})
        assert missing.status_code == 401
        loaded = page.goto(f"{url}/review")
        assert loaded is not None and loaded.status == 200
        page.locator("#body").fill(body)

        # No key yet: the page asks; cancelling shows the API's message.
        score_in_page(page)
        expect(page.locator("#key-section")).to_be_visible()
        expect(page.locator("#key-message")).to_have_text(missing.json()["detail"])
        expect(page.locator("#api-key")).to_be_focused()
        page.locator("#key-cancel").click()
        expect(page.locator("#key-section")).to_be_hidden()
        expect(page.locator("#alert")).to_have_text(missing.json()["detail"])

        # A wrong key is refused and asked for again; the right one scores the article.
        score_in_page(page)
        page.locator("#api-key").fill("not-the-key")
        page.locator("#api-key").press("Enter")
        wrong = api_score(url, {"body": body}, api_key="not-the-key").json()["detail"]
        expect(page.locator("#key-message")).to_have_text(wrong)
        page.locator("#api-key").fill(API_KEY)
        with page.expect_response(lambda answer: answer.url.endswith("/v1/score")) as scored:
            page.locator("#key-form button[type=submit]").click()
        assert scored.value.status == 200
        expect(page.locator("#report")).to_be_visible()
        expect(page.locator("#key-section")).to_be_hidden()
        assert page.evaluate("() => sessionStorage.getItem('mizan.apiKey')") == API_KEY

        # Asked once: the next calls send the kept key without asking.
        with page.expect_response(lambda answer: answer.url.endswith("/v1/score")) as again:
            score_in_page(page)
        assert again.value.status == 200
        assert again.value.request.headers["x-api-key"] == API_KEY
        page.locator("#reviewer").fill("desk-editor-2")
        page.locator("#confirm-button").click()
        expect(page.locator("#feedback-result")).to_contain_text("Saved as feedback #")
        expect(page.locator("#key-section")).to_be_hidden()
        records = stored_feedback(url, content_id({"body": body}), api_key=API_KEY)
        assert [record["reviewer_id"] for record in records] == ["desk-editor-2"]


def test_api_docs_render_with_the_network_off(browser: Browser, base_url: str) -> None:
    """/docs (Swagger UI) and /redoc load every asset from the service itself."""
    context = browser.new_context()
    outside: list[str] = []

    def only_local(route: Any) -> None:
        url = route.request.url
        if url.startswith(base_url):
            route.continue_()
        else:
            outside.append(f"{route.request.resource_type} {url}")
            route.abort()

    context.route("**/*", only_local)
    tab = context.new_page()
    tab.goto(f"{base_url}/docs")
    tab.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "Mizan" in tab.inner_text(".swagger-ui .info .title")
    tab.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = tab.locator(".opblock-summary-path").all_inner_texts()
    assert any(path.replace("\u200b", "") == "/v1/score" for path in paths), paths
    tab.goto(f"{base_url}/redoc")
    tab.wait_for_selector("h1:has-text('Mizan')", timeout=30_000)
    context.close()
    # The ReDoc bundle links its "powered by" logo image from its own site; offline that one
    # decorative image is missing and the page renders all the same. Nothing else leaves.
    assert [request for request in outside if not request.startswith("image ")] == []


def test_page_furniture_is_set_apart_and_no_firing_signal_is_green(
    page: Page, base_url: str
) -> None:
    """Menus, share lines and the byline are shown apart (dimmed) from the article; each score
    bar is coloured by how much its signal lowers the reliability, never green."""
    body = (EXAMPLES / "farm_ar.txt").read_text(encoding="utf-8")
    report = api_score(base_url, {"body": body}).json()
    layout = httpx.post(f"{base_url}/review/layout", json={"body": body}, timeout=30).json()
    furniture = [b for b in layout["blocks"] if not b["content"]]
    story = [b for b in layout["blocks"] if b["content"]]
    assert furniture and story, "the example page has both furniture and a story"

    page.goto(f"{base_url}/review")
    page.locator("#body").fill(body)
    score_in_page(page)
    expect(page.locator("#report")).to_be_visible()
    # Every line sits in the part the parser gave it, and the body is still the text sent.
    shown = page.evaluate(
        """() => Array.from(document.querySelectorAll('.article-body > div')).map((part) => ({
             furniture: part.classList.contains('article-furniture'),
             text: part.textContent,
             label: getComputedStyle(part, '::before').content,
             colour: getComputedStyle(part).color,
             background: getComputedStyle(part).backgroundColor}))"""
    )
    assert "".join(part["text"] for part in shown) == body
    for block in layout["blocks"]:
        line = body[block["start"] : block["end"]]
        holders = [part for part in shown if line in part["text"]]
        assert any(part["furniture"] != block["content"] for part in holders), line
    apart = [part for part in shown if part["furniture"]]
    assert apart and all("Not part of the article" in part["label"] for part in apart)
    article_colour = next(part["colour"] for part in shown if not part["furniture"])
    assert all(part["colour"] != article_colour for part in apart)  # dimmed
    assert all(part["background"] != "rgba(0, 0, 0, 0)" for part in apart)
    assert_highlights_match(page, report, {"title": report["title"], "body": body})

    bars = page.evaluate(
        """() => Array.from(document.querySelectorAll('.signal-panel')).flatMap((panel) => {
             const fill = panel.querySelector('.score-fill');
             if (!fill) return [];
             const [r, g, b] = getComputedStyle(fill).backgroundColor.match(/\\d+/g).map(Number);
             return [{name: panel.querySelector('code').textContent, lowers: panel.dataset.lowers,
                      r: r, g: g, b: b}];
           })"""
    )
    assert len(bars) == len(report["signals"])
    for bar in bars:
        assert not (bar["g"] > bar["r"] + 20 and bar["g"] > bar["b"] + 20), bar  # never green
        own = [
            item["contribution"]
            for item in report["top_features"]
            if item["name"].startswith(bar["name"] + ".")
        ]
        assert (bar["lowers"] != "none") == (sum(own) < 0), bar
    strongest = min(
        bars,
        key=lambda bar: sum(
            item["contribution"]
            for item in report["top_features"]
            if item["name"].startswith(bar["name"] + ".")
        ),
    )
    assert strongest["lowers"] == "strong"
