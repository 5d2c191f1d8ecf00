"""Raw HTML reduced to the article's text and metadata (with trafilatura)."""

from __future__ import annotations

import re
from collections import Counter

from mizan.detector.errors import InvalidArticleError

# The HTML parser under trafilatura (libxml2) gives up on elements nested deeper than about
# 255 levels, so a page wrapped in hundreds of <div> would yield no text at all.
MAX_HTML_DEPTH = 200
_TAG = re.compile(r"<(?:!--|(/?)([A-Za-z][A-Za-z0-9:-]{0,40}+)([^<>]*+)>)")
_VOID_TAGS = frozenset(
    "area base br col embed hr img input keygen link meta param source track wbr".split()
)
_RAW_TEXT_TAGS = frozenset({"script", "style", "textarea", "title", "noscript", "template"})
_RAW_TEXT_END = {name: re.compile(rf"</{name}\b", re.IGNORECASE) for name in _RAW_TEXT_TAGS}


def flatten_deep_html(html: str, max_depth: int = MAX_HTML_DEPTH) -> str:
    """Drop the tags of elements opened deeper than ``max_depth`` levels, keeping their text.

    One pass over the markup: raw-text elements (scripts, styles) and comments are skipped
    whole, and a close tag pops the open elements above its match (amortised linear). The
    HTML is returned unchanged when nothing is nested that deep.
    """
    pieces: list[str] = []
    stack: list[tuple[str, bool]] = []
    open_counts: Counter[str] = Counter()
    copied = 0
    pos = 0
    dropped = False
    while True:
        match = _TAG.search(html, pos)
        if match is None:
            break
        pos = match.end()
        if match.group(2) is None:  # a comment: skip to its end
            end = html.find("-->", pos)
            pos = len(html) if end < 0 else end + 3
            continue
        closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
        keep = True
        if closing:
            if open_counts[name]:
                while stack:
                    top, kept = stack.pop()
                    open_counts[top] -= 1
                    if top == name:
                        keep = kept
                        break
        elif name in _RAW_TEXT_TAGS:
            end_match = _RAW_TEXT_END[name].search(html, pos)
            pos = len(html) if end_match is None else end_match.start()
        elif name not in _VOID_TAGS and not attributes.endswith("/"):
            keep = len(stack) < max_depth
            stack.append((name, keep))
            open_counts[name] += 1
        if not keep:
            dropped = True
            pieces.append(html[copied : match.start()])
            copied = match.end()
    if not dropped:
        return html
    pieces.append(html[copied:])
    return "".join(pieces)


def parse_html(html: str) -> tuple[str, dict[str, str | None]]:
    """Extract the article text and metadata from raw HTML with trafilatura.

    Elements nested deeper than :data:`MAX_HTML_DEPTH` levels lose their tags (not their
    text) first, so wrapper nesting of any depth still yields the article.
    """
    try:  # imported on use: only HTML input needs trafilatura, and it is slow to import
        import trafilatura
    except ImportError as error:  # pragma: no cover - dependency is declared
        raise InvalidArticleError("HTML input needs the 'trafilatura' package") from error
    html = flatten_deep_html(html)
    extracted = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, favor_precision=True, with_metadata=True
    )
    if extracted is None:
        raise InvalidArticleError("no article text could be extracted from the HTML")
    data = extracted if isinstance(extracted, dict) else extracted.as_dict()
    text = (data.get("text") or "").strip()
    if not text:
        raise InvalidArticleError("no article text could be extracted from the HTML")
    meta = {key: data.get(key) for key in ("title", "author", "date", "sitename", "url")}
    return text, meta
