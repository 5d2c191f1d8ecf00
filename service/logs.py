"""JSON log lines, one object per line, carrying the id of the request being served."""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

LOGGER_NAME = "mizan"

# The id of the request being served; handlers, threads started with ``anyio.to_thread`` and
# the error handlers all see it, so every line a request causes can be joined on it.
request_id_var: ContextVar[str | None] = ContextVar("mizan_request_id", default=None)

# Attributes every LogRecord has; anything else was passed with ``extra=`` and is emitted.
_STANDARD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("name", logging.INFO, "path", 0, "msg", None, None))
) | {"message", "asctime", "taskName", "color_message"}


class JsonFormatter(logging.Formatter):
    """Render a record as one JSON object: time, level, logger, message and extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as a single JSON line."""
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id is not None:
            payload["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and key not in payload:
                payload[key] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


def configure_logging(level: str) -> logging.Logger:
    """Give the ``mizan`` logger a JSON handler on stderr (once) and set its level."""
    logger = logging.getLogger(LOGGER_NAME)
    if not any(getattr(handler, "mizan_json", False) for handler in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        handler.mizan_json = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(level.upper())
    return logger


def uvicorn_log_config(level: str) -> dict[str, Any]:
    """Return a ``logging.config`` dict that makes uvicorn's own lines JSON as well.

    uvicorn's access log is switched off: the service writes its own access line per request,
    with the request id, route and latency.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["json"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
