"""The input contract: which article fields are accepted, how unknown ones are met, the limits.

One definition for every way in: the HTTP API, ``mizan score``, ``mizan batch``,
``mizan ingest`` and the Dask/Spark functions all check an article with the functions here,
so they accept the same field names (those of :class:`~mizan.detector.article.ArticleInput`),
reject the same unknown fields (never silently drop them: a misspelt ``autor`` must not
score an article as if it had no author), apply the same text limits (``MIZAN_MAX_TEXT_CHARS``
for ``body``, :data:`HTML_MARKUP_FACTOR` times that for ``html``) and say what is wrong in
the same words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from pydantic import ValidationError

from mizan.detector.article import ArticleInput
from mizan.detector.errors import InvalidArticleError
from mizan.detector.settings import get_settings

ARTICLE_FIELDS: tuple[str, ...] = tuple(ArticleInput.model_fields)
"""Every accepted field name, in order."""

BODY_FIELDS: tuple[str, ...] = ("body", "html")
"""The fields that carry the article text; an article needs one of them."""

HTML_MARKUP_FACTOR = 5
"""Raw HTML carries markup around the text, so it may be this many times longer."""


def unknown_fields(keys: Iterable[str], accepted: Sequence[str] = ARTICLE_FIELDS) -> list[str]:
    """Return the keys that are no accepted field, in the order given."""
    allowed = set(accepted)
    return [key for key in keys if key not in allowed]


def unknown_field_message(accepted: Sequence[str] = ARTICLE_FIELDS) -> str:
    """Return the words that follow an unknown field's name: what is accepted instead."""
    return f"unknown field (accepted: {', '.join(accepted)})"


def unknown_fields_reason(
    keys: Iterable[str], accepted: Sequence[str] = ARTICLE_FIELDS
) -> str | None:
    """Say which keys are unknown (``autor: unknown field (accepted: ...)``), or None."""
    unknown = unknown_fields(keys, accepted)
    if not unknown:
        return None
    return f"{', '.join(unknown)}: {unknown_field_message(accepted)}"


def text_limits(max_text_chars: int) -> tuple[tuple[str, int], ...]:
    """Return ``(field, limit in characters)`` for the text fields under ``max_text_chars``."""
    return (("body", max_text_chars), ("html", max_text_chars * HTML_MARKUP_FACTOR))


def text_limit_problem(
    article: ArticleInput | Mapping[str, Any], max_text_chars: int
) -> str | None:
    """Say which text field is over its limit (``body has N characters; the limit is L``)."""
    for name, limit in text_limits(max_text_chars):
        if isinstance(article, ArticleInput):
            text = getattr(article, name)
        else:
            text = article.get(name)
        if isinstance(text, str) and len(text) > limit:
            return f"{name} has {len(text)} characters; the limit is {limit}"
    return None


def error_message(error: Mapping[str, Any]) -> str:
    """Turn one pydantic error about an article field into words a caller can act on."""
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return unknown_field_message()
    if kind == "string_unicode":
        return "must be valid Unicode text (it holds an unpaired surrogate escape)"
    location = tuple(error.get("loc", ()))
    if kind == "string_too_long" and location and location[-1] in BODY_FIELDS:
        sent = error.get("input")
        limit = (error.get("ctx") or {}).get("max_length")
        size = f"{len(sent)} characters" if isinstance(sent, str) else "too many characters"
        return f"text has {size}; the limit is {limit}"
    return str(error.get("msg", "invalid value")).removeprefix("Value error, ")


def validation_reason(error: ValidationError) -> str:
    """Say what is wrong with an article in one line: the first problem and its field.

    A problem of the whole article (no text) has no field, as in the API's answers.
    """
    first = error.errors()[0]
    location = ".".join(str(part) for part in first.get("loc", ()))
    message = error_message(first)
    return f"{location}: {message}" if location else message


@cache
def no_text_message() -> str:
    """Return what an article without text is told (the words of :class:`ArticleInput`)."""
    try:
        ArticleInput()
    except ValidationError as error:
        return validation_reason(error)
    raise AssertionError("ArticleInput accepts an article without text")  # pragma: no cover


def default_max_text_chars() -> int:
    """Return the text limit of the settings (``MIZAN_MAX_TEXT_CHARS``)."""
    return get_settings().max_text_chars


def check_article(
    fields: Mapping[str, Any] | ArticleInput, max_text_chars: int | None = None
) -> ArticleInput:
    """Check article fields against the contract and return them as an :class:`ArticleInput`.

    Args:
        fields: the article's fields (or an ArticleInput, whose limits are still checked).
        max_text_chars: the body limit; default: the settings' ``MIZAN_MAX_TEXT_CHARS``.

    Raises:
        InvalidArticleError: an unknown field, a value of the wrong type or too long, no
            text, or a text over its limit; the message is one line naming the field.
    """
    limit = default_max_text_chars() if max_text_chars is None else max_text_chars
    if isinstance(fields, ArticleInput):
        article = fields
    else:
        unknown = unknown_fields_reason(fields)
        if unknown is not None:
            raise InvalidArticleError(unknown)
        # The configured limit first, so a long text is told the limit that applies.
        problem = text_limit_problem(fields, limit)
        if problem is not None:
            raise InvalidArticleError(problem)
        try:
            article = ArticleInput.model_validate(dict(fields))
        except ValidationError as error:
            raise InvalidArticleError(validation_reason(error)) from None
    problem = text_limit_problem(article, limit)
    if problem is not None:
        raise InvalidArticleError(problem)
    return article
