"""One text-length limit: the library's ceiling binds the applications' setting."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import mizan.detector.article
from mizan.detector import settings
from mizan.detector.article import ArticleInput, parse_article
from mizan.detector.contract import HTML_MARKUP_FACTOR, check_article, text_limits
from mizan.detector.errors import InvalidArticleError
from mizan.detector.settings import DEFAULT_MAX_TEXT_CHARS, MAX_TEXT_CHARS, Settings


def _max_length(field: str) -> int:
    (limit,) = [
        item.max_length
        for item in ArticleInput.model_fields[field].metadata
        if hasattr(item, "max_length")
    ]
    return int(limit)


def test_the_article_package_reads_the_ceiling_from_the_settings_module() -> None:
    assert mizan.detector.article.MAX_TEXT_CHARS is settings.MAX_TEXT_CHARS


def test_the_input_fields_hold_the_ceiling_and_the_contract_factor() -> None:
    assert _max_length("body") == MAX_TEXT_CHARS
    assert _max_length("html") == HTML_MARKUP_FACTOR * MAX_TEXT_CHARS


def test_the_setting_defaults_under_the_ceiling_and_may_not_exceed_it() -> None:
    assert Settings().max_text_chars == DEFAULT_MAX_TEXT_CHARS <= MAX_TEXT_CHARS
    assert Settings(max_text_chars=MAX_TEXT_CHARS).max_text_chars == MAX_TEXT_CHARS
    with pytest.raises(ValidationError):
        Settings(max_text_chars=MAX_TEXT_CHARS + 1)


def test_every_limit_the_contract_announces_is_one_the_input_model_accepts() -> None:
    for field, limit in text_limits(MAX_TEXT_CHARS):
        assert limit <= _max_length(field)


def test_the_applications_reject_what_is_over_the_setting_but_under_the_ceiling() -> None:
    body = "كتب المراسل تقريرا طويلا عن الميناء الجديد. " * 40
    with pytest.raises(InvalidArticleError, match="the limit is 500"):
        check_article({"body": body}, max_text_chars=500)
    assert parse_article(ArticleInput(body=body)).word_count > 0


def test_the_library_rejects_text_over_the_ceiling_and_never_truncates() -> None:
    with pytest.raises(ValidationError):
        ArticleInput(body="a" * (MAX_TEXT_CHARS + 1))
    over = ArticleInput.model_construct(body="The harbour opened today. " * 8_000)
    assert len(over.body or "") > MAX_TEXT_CHARS
    with pytest.raises(InvalidArticleError, match=str(MAX_TEXT_CHARS)):
        parse_article(over)
