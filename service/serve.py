"""``mizan serve``: run the HTTP API with uvicorn.

Every uvicorn worker process builds its own app with ``create_app()`` (uvicorn's factory
mode) and loads the engine once; settings come from the ``MIZAN_`` environment, host, port,
worker and scorer counts may be given on the command line. By default one server process
feeds one scoring process per CPU from a single queue (see :mod:`mizan.service.scorers`).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable

from mizan.detector import settings as scoring_settings
from mizan.detector.store.database import create_store_engine
from mizan.service import settings as service_settings
from mizan.service.logs import uvicorn_log_config
from mizan.service.settings import get_settings

APP_FACTORY = "mizan.service.app:create_app"
SCORERS_ENV = "MIZAN_SCORERS"


def _bounded_int(low: int, high: int) -> Callable[[str], int]:
    """Return an argparse type that accepts integers from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}, not {value}")
        return value

    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``serve`` options to ``parser``."""
    parser.description = (
        "Run the HTTP API. The article store (author and outlet memory, editor feedback) is "
        "MIZAN_STORE_URL; by default sqlite:///mizan.db, a file in the current folder, made on "
        "first start. A SQLite store's folder must exist."
    )
    parser.add_argument("--host", help="interface to bind (default: MIZAN_HOST or 127.0.0.1)")
    parser.add_argument(
        "--port", type=_bounded_int(1, 65535), help="port to bind (default: MIZAN_PORT or 8000)"
    )
    parser.add_argument(
        "--workers",
        type=_bounded_int(1, 64),
        help="uvicorn server processes (default: MIZAN_WORKERS or 1)",
    )
    parser.add_argument(
        "--scorers",
        type=_bounded_int(0, 64),
        help="scoring processes per server process, fed from one queue; 0 scores in a "
        "thread of the server (default: MIZAN_SCORERS, else one per CPU)",
    )
    parser.add_argument(
        "--reload", action="store_true", help="restart on code changes (development only)"
    )


def run(args: argparse.Namespace) -> int:
    """Start uvicorn with the app factory; return 0 when it stops."""
    import uvicorn  # the service extra

    settings = get_settings()
    # Open the store once before the servers start: a bad URL or a missing folder is one
    # line and exit 3 here, not a traceback in every server process. The app logs the store.
    create_store_engine(settings.store_url).dispose()
    host = args.host or settings.host
    port = args.port if args.port is not None else settings.port
    workers = args.workers if args.workers is not None else settings.workers
    if args.scorers is not None:
        scorers = args.scorers
    elif SCORERS_ENV in os.environ:
        scorers = settings.scorers
    else:
        scorers = len(os.sched_getaffinity(0))
    os.environ[SCORERS_ENV] = str(scorers)  # read by create_app() in each server process
    # One worker: create_app() runs in this process and must read MIZAN_SCORERS anew.
    service_settings.get_settings.cache_clear()
    scoring_settings.get_settings.cache_clear()
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=None if args.reload else workers,
        reload=args.reload,
        log_level=settings.log_level.lower(),
        log_config=uvicorn_log_config(settings.log_level),
        access_log=False,
    )
    return 0
