"""``GET /review``: the editors' page that shows why an article was flagged.

The page is one server-rendered template with a stylesheet and a script committed next to
it (``service/templates``, ``service/static``); nothing is fetched from another site. The
script calls the JSON API of the same app (``POST /v1/score``, ``GET /v1/articles/{id}``,
``POST /v1/feedback``) and asks for the API key when the API answers 401.

``POST /review/layout`` tells the page which lines of the text are the article and which are
page furniture (menus, share lines, byline, author box, a headline in the body), as the
parser classified them, so the page can set the furniture apart from the article.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.routing import Match

from mizan.detector.article import CONTENT_KINDS, ArticleInput, Block, BlockKind, parse_article
from mizan.detector.engine import visible_article
from mizan.detector.text import VisibleText
from mizan.service.dependencies import SettingsDep
from mizan.service.middleware import API_KEY_HEADER
from mizan.service.routers.scoring import check_text_limits

SERVICE_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = SERVICE_DIR / "templates"
STATIC_DIR = SERVICE_DIR / "static"
REVIEW_PATH = "/review"
LAYOUT_PATH = "/review/layout"
STATIC_PREFIX = "/review/static/"

ASSET_TYPES = {
    "review.js": "text/javascript; charset=utf-8",
    "review.css": "text/css; charset=utf-8",
}

# The page and its assets hold no data and must load without an API key (the page asks for
# the key itself when the API answers 401), so the key middleware lets these paths through.
LANDING_PATH = "/"
PAGE_PATHS = frozenset({LANDING_PATH, REVIEW_PATH, *(STATIC_PREFIX + name for name in ASSET_TYPES)})
LANDING_LINKS = (
    ("review", "the editors' review page"),
    ("docs", "the API documentation (Swagger UI)"),
    ("v1/model", "the loaded model (JSON)"),
)

# Everything the page loads comes from this app; the script never builds markup from text
# (it creates text nodes), and the policy makes the browser refuse anything else.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

templates = Jinja2Templates(directory=TEMPLATES_DIR)
router = APIRouter(tags=["review"])


@lru_cache(maxsize=len(ASSET_TYPES))
def read_asset(name: str) -> tuple[bytes, str]:
    """Return an asset's bytes and a short content hash (its version in URLs and its ETag)."""
    content = (STATIC_DIR / name).read_bytes()
    return content, hashlib.sha256(content).hexdigest()[:16]


def asset_url(root_path: str, name: str) -> str:
    """Return the URL of an asset, versioned by its content so a new release is re-fetched."""
    _, digest = read_asset(name)
    return f"{root_path}{STATIC_PREFIX}{name}?v={digest}"


def has_route(request: Request, path: str, method: str) -> bool:
    """Say whether the app serves ``method path`` (the page hides what the app lacks)."""
    scope = {"type": "http", "path": path, "method": method, "root_path": "", "headers": []}
    return any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes)


@router.api_route(
    REVIEW_PATH,
    methods=["GET", "HEAD"],
    response_class=HTMLResponse,
    summary="Editor review page",
    include_in_schema=False,
)
async def review_page(request: Request) -> Response:
    """Serve the page where an editor scores an article, reads the evidence and gives a verdict."""
    root_path = str(request.scope.get("root_path", ""))
    settings = request.app.state.settings
    context: dict[str, Any] = {
        "api_root": root_path,
        "api_key_header": API_KEY_HEADER,
        "script_url": asset_url(root_path, "review.js"),
        "stylesheet_url": asset_url(root_path, "review.css"),
        "max_text_chars": settings.max_text_chars,
        "can_open_stored": has_route(request, "/v1/articles/any-id", "GET"),
        "can_send_feedback": has_route(request, "/v1/feedback", "POST"),
    }
    return templates.TemplateResponse(request, "review.html", context, headers=PAGE_HEADERS)


@router.api_route(
    LANDING_PATH, methods=["GET", "HEAD"], response_class=HTMLResponse, include_in_schema=False
)
async def landing_page(request: Request) -> Response:
    """Serve a small page that links to the review page, the API docs and the model."""
    root = html.escape(str(request.scope.get("root_path", "")), quote=True)
    items = "".join(
        f'<li><a href="{root}/{path}">/{path}</a>: {html.escape(what)}</li>'
        for path, what in LANDING_LINKS
    )
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mizan</title>'
        "</head><body><h1>Mizan</h1><p>News reliability and AI-spam detector.</p>"
        f"<ul>{items}</ul></body></html>"
    )
    return HTMLResponse(page, headers=PAGE_HEADERS)


@router.api_route(STATIC_PREFIX + "{name}", methods=["GET", "HEAD"], include_in_schema=False)
async def review_asset(name: str, request: Request) -> Response:
    """Serve the page's script or stylesheet (only those two files)."""
    media_type = ASSET_TYPES.get(name)
    if media_type is None:
        raise HTTPException(status_code=404, detail=f"no review asset named {name!r}")
    content, digest = read_asset(name)
    etag = f'"{digest}"'
    headers = {
        "ETag": etag,
        "Cache-Control": "public, max-age=3600",
        "X-Content-Type-Options": "nosniff",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(content, media_type=media_type, headers=headers)


class LayoutBlock(BaseModel):
    """One line or paragraph of the text, as the parser classified it."""

    start: int = Field(ge=0, description="Start offset (characters) into the text.")
    end: int = Field(ge=0, description="End offset (characters, exclusive).")
    kind: BlockKind
    content: bool = Field(description="Part of the article (else page furniture).")


class Layout(BaseModel):
    """Which parts of an article's text are the article and which are page furniture."""

    field: str = Field(
        description="The text the offsets index: 'body' as sent, or 'extracted_body' for HTML."
    )
    blocks: list[LayoutBlock]


def article_layout(article: ArticleInput) -> Layout:
    """Return the parser's blocks of ``article``, with offsets into the text the report shows.

    Evidence offsets of a report index the body as sent (or the text extracted from HTML);
    the blocks are mapped the same way. Should the parsed body not be the text sent (a
    parser that rewrote it), no blocks are returned rather than misplaced ones.
    """
    cleaned, changed = visible_article(article)
    doc = parse_article(cleaned)
    if doc.source_format == "html":
        return Layout(field="extracted_body", blocks=_blocks(doc.blocks, None))
    if doc.body != (cleaned.body or ""):
        return Layout(field="body", blocks=[])
    return Layout(field="body", blocks=_blocks(doc.blocks, changed.get("body")))


def _blocks(blocks: Iterable[Block], visible: VisibleText | None) -> list[LayoutBlock]:
    out: list[LayoutBlock] = []
    for block in blocks:
        start, end = block.start, block.end
        if visible is not None:
            start, end = visible.span(start, end)
        out.append(
            LayoutBlock(start=start, end=end, kind=block.kind, content=block.kind in CONTENT_KINDS)
        )
    return out


@router.post(LAYOUT_PATH, response_model=Layout, include_in_schema=False)
def review_layout(article: ArticleInput, settings: SettingsDep) -> Layout:
    """Classify the article's lines for the review page (parsing only, no scoring).

    A plain function, so FastAPI runs the parsing in its thread pool, off the event loop.
    """
    check_text_limits(article, settings.max_text_chars)
    return article_layout(article)
