"""Article input and parsing into a :class:`Document`.

Three input shapes are accepted: explicit fields (title, body, author, ...), raw page text
as copied from a news site (navigation, share buttons, repeated titles, byline lines and an
author box around the article), and raw HTML (reduced to the article with trafilatura).
The parsed document keeps every span as offsets into the text the caller sent.

One module a job: :mod:`~mizan.detector.article.input` (what a caller sends),
:mod:`~mizan.detector.article.document` (the parsed document, its blocks and words),
:mod:`~mizan.detector.article.lines` (what one line is), :mod:`~mizan.detector.article.page_text`
(page text), :mod:`~mizan.detector.article.fields` (an explicit body and its implied headline),
:mod:`~mizan.detector.article.markup` (HTML) and :mod:`~mizan.detector.article.parse` (which of them
applies, and the fields the caller gave).
"""

from __future__ import annotations

from mizan.detector.article.document import (
    CONTENT_KINDS,
    Block,
    BlockKind,
    Document,
    Lines,
    WordSpans,
    normalized_pieces,
    word_spans,
)
from mizan.detector.article.fields import LEADING_RESIDUE_MAX_CHARS, parse_fields
from mizan.detector.article.input import ArticleInput
from mizan.detector.article.lines import HEADLINE_MAX_WORDS, HEADLINE_MIN_WORDS
from mizan.detector.article.markup import MAX_HTML_DEPTH, flatten_deep_html, parse_html
from mizan.detector.article.page_text import LINK_LIST_MAX_LINES, parse_page_text
from mizan.detector.article.parse import parse_article
from mizan.detector.settings import MAX_TEXT_CHARS

__all__ = [
    "CONTENT_KINDS",
    "HEADLINE_MAX_WORDS",
    "HEADLINE_MIN_WORDS",
    "LEADING_RESIDUE_MAX_CHARS",
    "LINK_LIST_MAX_LINES",
    "MAX_HTML_DEPTH",
    "MAX_TEXT_CHARS",
    "ArticleInput",
    "Block",
    "BlockKind",
    "Document",
    "Lines",
    "WordSpans",
    "flatten_deep_html",
    "normalized_pieces",
    "parse_article",
    "parse_fields",
    "parse_html",
    "parse_page_text",
    "word_spans",
]
