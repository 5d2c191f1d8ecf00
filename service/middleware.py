"""ASGI middleware: request ids, access logs and metrics, API keys, and body limits.

They are plain ASGI callables rather than ``BaseHTTPMiddleware`` so they see the raw byte
stream (the body limit must stop reading at the limit, not after buffering everything) and
add no task switching per request. Outermost first: request context, API key, body limits.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
import uuid
from collections.abc import Collection, Iterable
from email.message import Message

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as AsgiMessage

from mizan.service.errors import error_body, error_response, set_error_kind
from mizan.service.logs import request_id_var
from mizan.service.metrics import ServiceMetrics

logger = logging.getLogger("mizan.service")
access_logger = logging.getLogger("mizan.access")

REQUEST_ID_HEADER = "X-Request-ID"
API_KEY_HEADER = "X-API-Key"
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# Past the body limit, the rest of a body is read and dropped up to this many times the limit
# or this many seconds before the 413 is sent.
DRAIN_FACTOR = 8
DRAIN_TIMEOUT_S = 5.0
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
MAX_LOGGED_PATH_CHARS = 200
NO_ANSWER_STATUS = 499


def _route_label(scope: Scope, known_paths: Collection[str]) -> str:
    """Return the route template that served the request, or ``unmatched`` (bounded values).

    Answers sent before routing (401, 413, 415) are labelled with the path when it is one of
    the app's own paths, so a fuzzer's random paths never become label values.
    """
    template = getattr(scope.get("route"), "path", None)
    if isinstance(template, str):
        return template
    path = scope.get("path", "")
    return path if path in known_paths else "unmatched"


class RequestContextMiddleware:
    """Give every request an id, log one JSON line for it, count it, and catch our own faults.

    An incoming ``X-Request-ID`` of at most 128 characters from ``[A-Za-z0-9._:-]`` is kept,
    anything else is replaced by a fresh id; the id is returned on every answer. An exception
    that escapes the app is a bug: it is logged with the request id and answered with 500.
    """

    def __init__(
        self, app: ASGIApp, metrics: ServiceMetrics, known_paths: Collection[str] = ()
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.known_paths = known_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
        request_id = incoming if REQUEST_ID_PATTERN.fullmatch(incoming) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        # Stays 499 (nginx's "client closed request") only if no answer was ever sent.
        status = NO_ANSWER_STATUS
        response_started = False

        async def send_with_request_id(message: AsgiMessage) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        except Exception:
            set_error_kind(scope, "internal")
            logger.exception(
                "unhandled error while serving a request",
                extra={
                    "request_id": request_id,
                    "method": scope.get("method"),
                    "path": self._path(scope),
                },
            )
            if not response_started:
                body = error_body(
                    "internal server error; quote the request id when reporting it",
                    request_id=request_id,
                )
                response = JSONResponse(body, status_code=500)
                await response(scope, receive, send_with_request_id)
        finally:
            elapsed = time.perf_counter() - started
            method = scope.get("method", "")
            method_label = method if method in KNOWN_METHODS else "OTHER"
            route = _route_label(scope, self.known_paths)
            error_kind = state.get("error_kind")
            self.metrics.observe_request(method_label, route, status, elapsed, error_kind)
            access_logger.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": method_label,
                    "path": self._path(scope),
                    "route": route,
                    "status": status,
                    "latency_ms": round(elapsed * 1000, 2),
                    **({"error_kind": error_kind} if error_kind else {}),
                },
            )
            request_id_var.reset(token)

    @staticmethod
    def _path(scope: Scope) -> str:
        path = str(scope.get("path", ""))
        if len(path) > MAX_LOGGED_PATH_CHARS:
            path = path[:MAX_LOGGED_PATH_CHARS] + "..."
        return path.encode("utf-8", "backslashreplace").decode("utf-8")


class ApiKeyMiddleware:
    """When API keys are configured, require ``X-API-Key`` on every path but the public ones.

    Public by default: the probes and the metrics (:data:`PUBLIC_PATHS`); pages that hold no
    data themselves can be added with ``public_paths`` or ``public_prefixes``.

    Keys are compared with :func:`secrets.compare_digest`, against every configured key, so
    the time taken does not say how much of a key was right or which key matched.
    """

    def __init__(
        self,
        app: ASGIApp,
        api_keys: Iterable[str],
        public_paths: Collection[str] = PUBLIC_PATHS,
        public_prefixes: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.api_keys = tuple(key.encode("utf-8") for key in api_keys if key)
        self.public_paths = frozenset(public_paths)
        self.public_prefixes = public_prefixes

    def _is_public(self, path: str) -> bool:
        return path in self.public_paths or (
            bool(self.public_prefixes) and path.startswith(self.public_prefixes)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Let the request through, or answer 401."""
        if scope["type"] != "http" or not self.api_keys or self._is_public(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        offered = [value for name, value in scope["headers"] if name == b"x-api-key"]
        if not offered:
            detail = f"missing API key: send it in the {API_KEY_HEADER} header"
        elif self._accepted(offered[0]):
            await self.app(scope, receive, send)
            return
        else:
            detail = f"invalid API key in the {API_KEY_HEADER} header"
        response = error_response(
            401, detail, "unauthorized", scope, headers={"WWW-Authenticate": API_KEY_HEADER}
        )
        await response(scope, receive, send)

    def _accepted(self, offered: bytes) -> bool:
        matched = False
        for key in self.api_keys:
            matched |= secrets.compare_digest(offered, key)
        return matched


class BodyLimitMiddleware:
    """Check request bodies before the app parses them.

    * more than ``max_body_bytes`` (by ``Content-Length`` or as streamed): 413;
    * a body with a Content-Type other than ``application/json`` (UTF-8): 415;
    * bytes that are not valid UTF-8: 400.

    The body is read here (it is at most ``max_body_bytes``) and handed on unchanged.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the body, then pass the request on with the body replayed."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                await self._reject(scope, receive, send, 400, "invalid Content-Length header")
                return
            if int(declared) > self.max_body_bytes:
                await self._too_large(scope, receive, send)
                return
        has_body = (declared is not None and int(declared) > 0) or "transfer-encoding" in headers
        if scope.get("method") not in BODY_METHODS or not has_body:
            await self.app(scope, receive, send)
            return
        media_problem = self._media_type_problem(headers.get("content-type"))
        if media_problem is not None:
            await self._reject(scope, receive, send, 415, media_problem)
            return

        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as error:
            detail = f"the request body is not valid UTF-8 (bad byte at offset {error.start})"
            await self._reject(scope, receive, send, 400, detail, "invalid_utf8")
            return

        replayed = False

        async def replay() -> AsgiMessage:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    def _media_type_problem(content_type: str | None) -> str | None:
        """Return why ``content_type`` is refused, or ``None`` for UTF-8 JSON."""
        if not content_type:
            return "missing Content-Type: send application/json"
        parsed = Message()
        parsed["content-type"] = content_type
        if parsed.get_content_type() != "application/json":
            shown = content_type.split(";")[0].strip()[:60]
            return f"unsupported Content-Type '{shown}': send application/json"
        charset = parsed.get_param("charset")
        if isinstance(charset, str) and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
            return f"unsupported charset '{charset[:40]}': send UTF-8 JSON"
        return None

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        # A lingering close: read and discard what the client is still sending (up to a cap
        # and a few seconds), so that it finishes writing and reads the 413 instead of a reset.
        try:
            await asyncio.wait_for(self._discard_body(receive), DRAIN_TIMEOUT_S)
        except TimeoutError:
            pass
        detail = f"request body is larger than {self.max_body_bytes} bytes"
        response = error_response(413, detail, "too_large", scope, headers={"Connection": "close"})
        await response(scope, receive, send)

    async def _discard_body(self, receive: Receive) -> None:
        """Read the rest of the request body, at most ``DRAIN_FACTOR`` times the limit."""
        budget = DRAIN_FACTOR * self.max_body_bytes
        while budget > 0:
            message = await receive()
            if message["type"] != "http.request":
                return
            budget -= len(message.get("body", b""))
            if not message.get("more_body", False):
                return

    @staticmethod
    async def _reject(
        scope: Scope,
        receive: Receive,
        send: Send,
        status: int,
        detail: str,
        kind: str | None = None,
    ) -> None:
        response = error_response(status, detail, kind, scope)
        await response(scope, receive, send)
