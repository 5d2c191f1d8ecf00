"""The FastAPI app factory: ``create_app(settings, engine) -> FastAPI``.

``uvicorn.run("mizan.service.app:create_app", factory=True)`` calls it with no arguments; tests
pass their own settings and an already loaded engine.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI, Security
from fastapi.middleware import Middleware
from fastapi.security import APIKeyHeader
from fastapi_offline import FastAPIOffline

from mizan.detector.engine import DetectorEngine
from mizan.detector.store import ArticleStore
from mizan.detector.store.database import is_process_local
from mizan.service.errors import install_error_handlers
from mizan.service.logs import configure_logging
from mizan.service.metrics import ServiceMetrics
from mizan.service.middleware import (
    API_KEY_HEADER,
    PUBLIC_PATHS,
    ApiKeyMiddleware,
    BodyLimitMiddleware,
    RequestContextMiddleware,
)
from mizan.service.routers import articles, feedback, health, model, review, scoring
from mizan.service.runtime import EngineSlot
from mizan.service.schemas import install_report_examples
from mizan.service.scorers import ProcessScorer, Scorer, ThreadScorer
from mizan.service.settings import ServiceSettings, get_settings

logger = logging.getLogger("mizan.service")

DESCRIPTION = """
Scores Arabic and English news articles for reliability and returns a calibrated score, a
verdict (`unreliable`, `review`, `reliable`) and the evidence spans behind it.

**Input.** `Content-Type: application/json` in UTF-8 only (415 otherwise). Unknown fields are
rejected with 422: a misspelt field is an error, not silently ignored.

**Limits.** Request body: `MIZAN_MAX_BODY_BYTES` bytes (413). Article text:
`MIZAN_MAX_TEXT_CHARS` characters for `body`, five times that for `html` (413). Batch:
`MIZAN_MAX_BATCH_ITEMS` articles (413).

**Errors.** Every error answer is JSON with a `detail` sentence; validation errors also list
each problem in `errors`. Malformed JSON and invalid UTF-8 are 400.

**Authentication.** When `MIZAN_API_KEYS` is set (a JSON list: `["key-1", "key-2"]`), every
path except `/healthz`, `/readyz` and `/metrics` needs an `X-API-Key` header with one of the
keys (401 otherwise); that includes `/docs` and `/openapi.json`.

**Tracing.** Send `X-Request-ID` (up to 128 characters of `A-Z a-z 0-9 . _ : -`) or get one;
it is returned on every answer and written on every log line of the request.
"""

OPENAPI_TAGS = [
    {"name": "scoring", "description": "Score articles."},
    {"name": "model", "description": "The loaded model bundle."},
    {"name": "operations", "description": "Probes and metrics; never behind an API key."},
]


def _package_version() -> str:
    try:
        return version("mizan")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"


def create_app(
    settings: ServiceSettings | None = None, engine: DetectorEngine | None = None
) -> FastAPI:
    """Build the HTTP app.

    Args:
        settings: Limits, API keys and the model to load; default: the environment.
        engine: An engine to serve with; when absent the lifespan loads the one the settings
            name, in the background, and ``/readyz`` answers 503 until it is ready.

    Returns:
        The FastAPI application.
    """
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    metrics = ServiceMetrics()
    known_paths: set[str] = set()  # filled below, once the routes exist
    slot = EngineSlot(engine)
    if engine is not None:
        metrics.mark_ready(engine.model.name, engine.model.version)

    store = ArticleStore.from_settings(settings)
    # An engine handed in is scored with in this process; otherwise MIZAN_SCORERS decides.
    processes = None
    if engine is None and settings.scorers:
        if is_process_local(settings.store_url):
            logger.warning(
                "MIZAN_STORE_URL is an in-memory SQLite database, which scoring processes "
                "cannot share; scoring in a thread of the server process instead"
            )
        else:
            processes = ProcessScorer(settings, settings.scorers)
    scorer: Scorer = processes or ThreadScorer(slot.require)

    def load_engine() -> DetectorEngine:
        loaded = DetectorEngine.from_settings(settings, memory=store)
        store.build_index()
        if processes is not None:
            processes.start()  # ready only once every scoring process has loaded
        return loaded

    def engine_loaded(loaded: DetectorEngine) -> None:
        metrics.mark_ready(loaded.model.name, loaded.model.version)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        logger.info("article store", extra={"store": _printable_store(settings.store_url)})
        slot.start_loading(load_engine, on_ready=engine_loaded)
        try:
            yield
        finally:
            if processes is not None:
                processes.close()
            store.close()

    # Swagger UI and ReDoc assets are served from the package (no CDN): /docs works offline.
    app = FastAPIOffline(
        title="Mizan",
        summary="News reliability and AI-spam detector with evidence, for Arabic and English.",
        description=DESCRIPTION,
        version=_package_version(),
        openapi_tags=OPENAPI_TAGS,
        lifespan=lifespan,
        middleware=[
            Middleware(RequestContextMiddleware, metrics=metrics, known_paths=known_paths),
            Middleware(
                ApiKeyMiddleware,
                api_keys=settings.api_keys,
                # With API keys set, the API docs and their assets need a key like the API.
                public_paths=PUBLIC_PATHS | review.PAGE_PATHS,
            ),
            Middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes),
        ],
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.engine_slot = slot
    app.state.store = store
    app.state.scorer = scorer
    install_error_handlers(app)
    # /docs shows the loaded engine's real reports of the example articles.
    install_report_examples(app, lambda: slot.engine)

    # The middleware enforces the key; this dependency only documents it in the schema.
    key_scheme = APIKeyHeader(
        name=API_KEY_HEADER, auto_error=False, description="One of MIZAN_API_KEYS."
    )
    protected = [Security(key_scheme)] if settings.api_keys else []
    scoring_router = scoring.build_router(settings.max_batch_items)
    app.include_router(scoring_router, dependencies=protected)
    app.include_router(model.router, dependencies=protected)
    app.include_router(articles.router, dependencies=protected)
    app.include_router(feedback.router, dependencies=protected)
    app.include_router(health.router)
    app.include_router(review.router)
    routers = (app.router, scoring_router, model.router, health.router)
    for router in (*routers, articles.router, feedback.router, review.router):
        for route in router.routes:
            path = getattr(route, "path", None)
            if isinstance(path, str):
                known_paths.add(path)
    return app


def _printable_store(url: str) -> str:
    """Return the store URL with any password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
