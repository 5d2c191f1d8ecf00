"""From what a caller sends to a :class:`Document`: page text, explicit fields or HTML."""

from __future__ import annotations

from mizan.detector.article.document import Document, Lines
from mizan.detector.article.fields import leading_headline, parse_fields
from mizan.detector.article.input import ArticleInput
from mizan.detector.article.markup import parse_html
from mizan.detector.article.page_text import looks_like_page_text, parse_page_text
from mizan.detector.errors import InvalidArticleError
from mizan.detector.settings import MAX_TEXT_CHARS
from mizan.detector.text import Span, detect_language


def parse_article(article: ArticleInput) -> Document:
    """Turn an :class:`ArticleInput` into a :class:`Document`.

    Explicit fields win over what is found in page text or HTML metadata.
    """
    meta: dict[str, str | None] = {}
    if article.body and article.body.strip():
        body = article.body
        fmt = "body"
    elif article.html:
        body, meta = parse_html(article.html)
        fmt = "html"
    else:
        raise InvalidArticleError("an article needs a non-empty 'body' or 'html'")
    if len(body) > MAX_TEXT_CHARS:
        raise InvalidArticleError(f"article text is longer than {MAX_TEXT_CHARS} characters")

    lines = Lines.of(body)
    if fmt == "body":
        fmt = "page_text" if looks_like_page_text(lines) else "fields"
    if fmt == "page_text":
        doc = parse_page_text(body, article.title, lines, url=article.url)
    else:
        headline = article.title or meta.get("title")
        implied = None if headline or fmt == "html" else leading_headline(lines)
        doc = parse_fields(body, headline, lines)
        doc.source_format = "html" if fmt == "html" else "fields"
        doc.title = headline or ""
        if implied is not None:
            index, offset = implied
            span = lines.spans[index]
            doc.implied_title = lines.raw[index][offset:]
            doc.implied_title_span = Span(span.start + offset, span.end)

    if article.author:
        doc.author, doc.author_span = article.author, None
    elif meta.get("author") and not doc.author:
        doc.author = meta["author"]
    if article.author_bio:
        doc.author_bio, doc.bio_field, doc.bio_span = (
            article.author_bio,
            "author_bio",
            Span(0, len(article.author_bio)),
        )
    if article.title:
        doc.title = article.title
        if doc.source_format != "page_text":
            doc.title_span = None
    doc.outlet = article.outlet or meta.get("sitename")
    doc.url = article.url or meta.get("url")
    doc.published_at = article.published_at or meta.get("date")
    doc.id = article.id
    doc.language = article.language or detect_language(doc.title + "\n" + doc.content_text)
    if not doc.content_blocks:
        raise InvalidArticleError("the text holds no article content after removing boilerplate")
    return doc
