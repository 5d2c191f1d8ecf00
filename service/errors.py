"""Error answers: every bad input is a 4xx whose ``detail`` says what is wrong.

Validation problems are rendered as one readable sentence in ``detail`` (``"articles[2].title:
Input should be a valid string"``) plus an ``errors`` list with each location; the rejected
input is never echoed back.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from mizan.detector.contract import BODY_FIELDS, error_message, text_limits, unknown_field_message
from mizan.detector.errors import (
    InvalidArticleError,
    MizanError,
    ModelBundleError,
    ScoringBudgetError,
)
from mizan.detector.store.database import StoreError
from mizan.detector.store.migrations import SchemaError
from mizan.service.dependencies import RETRY_AFTER_SECONDS

logger = logging.getLogger("mizan.service")

MAX_REPORTED_ERRORS = 10
MAX_LOCATION_CHARS = 80
TEXT_FIELDS = frozenset(BODY_FIELDS)

_HTTP_ERROR_KINDS = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    503: "not_ready",
}
_JSON_TYPE_NAMES = {
    "list": "an array",
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "bool": "a boolean",
    "NoneType": "null",
}


def set_error_kind(scope: Scope, kind: str) -> None:
    """Remember what kind of error a request ended in, for the metrics."""
    scope.setdefault("state", {})["error_kind"] = kind


def printable(text: str, limit: int = MAX_LOCATION_CHARS) -> str:
    """Return ``text`` shortened and safe to encode as UTF-8 (lone surrogates escaped)."""
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def error_body(
    detail: str, errors: Sequence[Mapping[str, str]] | None = None, **extra: Any
) -> dict[str, Any]:
    """Return the JSON body of an error answer."""
    body: dict[str, Any] = {"detail": printable(detail, limit=2_000)}
    if errors is not None:
        body["errors"] = list(errors)
    body.update(extra)
    return body


def error_response(
    status: int,
    detail: str,
    kind: str | None = None,
    scope: Scope | None = None,
    headers: Mapping[str, str] | None = None,
    errors: Sequence[Mapping[str, str]] | None = None,
) -> JSONResponse:
    """Build an error answer and record its kind on the request scope."""
    if scope is not None:
        set_error_kind(scope, kind or _HTTP_ERROR_KINDS.get(status, f"http_{status}"))
    return JSONResponse(error_body(detail, errors), status_code=status, headers=headers)


def format_location(loc: Sequence[int | str]) -> str:
    """Render a pydantic location inside the request body: ``articles[2].title`` ('' = root)."""
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[1:]
    rendered = ""
    for part in parts:
        if isinstance(part, int):
            rendered += f"[{part}]"
        else:
            name = printable(str(part))
            rendered += f".{name}" if rendered else name
    return rendered


def _json_type(value: Any) -> str:
    return _JSON_TYPE_NAMES.get(type(value).__name__, "a value of another type")


def _message(error: Mapping[str, Any], batch_root: bool) -> str:
    """Turn one pydantic error into words a caller can act on (the contract's words)."""
    kind = error.get("type", "")
    location = tuple(error.get("loc", ()))
    at_root = location in (("body",), ())
    if kind == "missing" and at_root:
        return "the request body is empty; send a JSON object with the article fields"
    if kind in ("model_attributes_type", "dict_type", "model_type") and at_root:
        return f"the request body must be a JSON object, not {_json_type(error.get('input'))}"
    if kind == "extra_forbidden" and batch_root:
        return unknown_field_message(("articles",))
    return error_message(error)


def describe_validation_errors(
    errors: Sequence[Mapping[str, Any]],
    batch_root: bool = False,
    max_text_chars: int | None = None,
) -> tuple[int, str, list[dict[str, str]]]:
    """Return the status, the one-line detail and the itemised errors for validation errors.

    Malformed JSON is a 400; a batch with too many articles or a text over the size limit is a
    413; everything else is a 422. With ``max_text_chars`` a text over the model's own field
    limit is told the limit of the input contract, the one that applies to every article.
    """
    items: list[dict[str, str]] = []
    too_large: list[dict[str, str]] = []
    for error in errors:
        kind = str(error.get("type", "value_error"))
        location = tuple(error.get("loc", ()))
        ctx = error.get("ctx") or {}
        if kind == "json_invalid":
            position = location[1] if len(location) > 1 else 0
            reason = ctx.get("error", "invalid JSON")
            return 400, f"malformed JSON: {reason} at character {position}", []
        inner = location[1:] if location[:1] == ("body",) else location
        at_batch_root = batch_root and len(inner) == 1
        item = {
            "loc": format_location(location),
            "msg": _message(error, at_batch_root),
            "type": kind,
        }
        if kind == "too_long" and inner == ("articles",):
            count = ctx.get("actual_length", "more than allowed")
            item["msg"] = (
                f"too many articles in one batch: {count}; the limit is {ctx.get('max_length')}"
            )
            too_large.append(item)
        elif kind == "string_too_long" and inner and inner[-1] in TEXT_FIELDS:
            if max_text_chars is not None:
                limit = min(
                    int(ctx.get("max_length") or 0) or sys.maxsize,
                    dict(text_limits(max_text_chars))[str(inner[-1])],
                )
                item["msg"] = error_message({**error, "ctx": {**ctx, "max_length": limit}})
            too_large.append(item)
        items.append(item)
    # A size problem is the one to act on first; other errors may be its consequence.
    status, shown = (413, too_large) if too_large else (422, items[:MAX_REPORTED_ERRORS])
    detail = "; ".join(
        f"{item['loc']}: {item['msg']}" if item["loc"] else item["msg"] for item in shown
    )
    if status == 422 and len(items) > len(shown):
        detail += f"; and {len(items) - len(shown)} more"
    return status, detail or "invalid request body", shown


def _is_batch_route(request: Request) -> bool:
    route = request.scope.get("route")
    return getattr(route, "path", "").endswith("/batch")


async def request_validation_handler(request: Request, exc: Exception) -> JSONResponse:
    """Answer a body that FastAPI could not validate (400, 413 or 422)."""
    assert isinstance(exc, RequestValidationError)
    settings = getattr(request.app.state, "settings", None)
    status, detail, items = describe_validation_errors(
        exc.errors(), _is_batch_route(request), getattr(settings, "max_text_chars", None)
    )
    kind = {400: "invalid_json", 413: "too_large"}.get(status, "invalid_input")
    return error_response(status, detail, kind, request.scope, errors=items or None)


async def pydantic_validation_handler(request: Request, exc: Exception) -> JSONResponse:
    """Answer a validation error raised inside the engine (422)."""
    assert isinstance(exc, ValidationError)
    status, detail, items = describe_validation_errors(exc.errors(), False)
    return error_response(status, detail, "invalid_input", request.scope, errors=items)


async def mizan_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Answer an error the library raised on purpose.

    An article it cannot score is the caller's to fix (422); a store or model bundle that
    cannot be used is ours, and passing (503 with ``Retry-After``, logged); anything else
    the library raised is a fault of ours (500), never reported as the caller's input.
    """
    if isinstance(exc, ScoringBudgetError):
        # 422, not 503: past the linear-time guarantees a normal article needs about a
        # thousandth of the budget, so an article that overruns it would overrun it again;
        # a client that retried a 503 would hold a scoring process each time.
        return error_response(422, str(exc), "scoring_budget_exceeded", request.scope)
    if isinstance(exc, InvalidArticleError):
        return error_response(422, str(exc), "invalid_article", request.scope)
    retry = {"Retry-After": RETRY_AFTER_SECONDS}
    if isinstance(exc, StoreError | SchemaError):
        logger.error("store unavailable: %s", exc)
        detail = "the article store is unavailable; retry later"
        return error_response(503, detail, "store_unavailable", request.scope, headers=retry)
    if isinstance(exc, ModelBundleError):
        logger.error("model bundle unusable: %s", exc)
        detail = "the model is unavailable; retry later"
        return error_response(503, detail, "model_unavailable", request.scope, headers=retry)
    logger.error("library error: %s: %s", type(exc).__name__, exc)
    return error_response(500, "internal error", "internal", request.scope)


async def http_exception_handler(request: Request, exc: Exception) -> JSONResponse:
    """Answer an ``HTTPException`` with its status, detail and headers."""
    assert isinstance(exc, StarletteHTTPException)
    detail = str(exc.detail)
    if isinstance(exc.__cause__, RecursionError):
        detail = "malformed JSON: nested too deeply"
    return error_response(exc.status_code, detail, scope=request.scope, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn bad input into 4xx answers.

    Anything else is a fault of ours; :class:`mizan.service.middleware.RequestContextMiddleware`
    logs it with the request id and answers 500.
    """
    app.add_exception_handler(RequestValidationError, request_validation_handler)
    app.add_exception_handler(ValidationError, pydantic_validation_handler)
    app.add_exception_handler(MizanError, mizan_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_exception_handler)
