"""The engine the service scores with, loaded once, and whether it is ready yet."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from mizan.detector.engine import DetectorEngine

logger = logging.getLogger("mizan.service")


class EngineSlot:
    """Holds the engine once it is loaded; ``/readyz`` and the scoring routes read it.

    Loading runs in a background thread so the server answers ``/healthz`` (and ``/readyz``
    with 503) while a large model bundle is still being read.
    """

    def __init__(self, engine: DetectorEngine | None = None) -> None:
        self._engine = engine
        self._error: str | None = None
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._loader: threading.Thread | None = None
        self.load_seconds: float | None = None
        if engine is not None:
            self._done.set()

    @property
    def engine(self) -> DetectorEngine | None:
        """The loaded engine, or ``None`` while loading or after a failed load."""
        return self._engine

    @property
    def error(self) -> str | None:
        """Why loading failed, or ``None``."""
        return self._error

    @property
    def status(self) -> str:
        """``"ready"``, ``"loading"`` or ``"failed"``."""
        if self._engine is not None:
            return "ready"
        return "failed" if self._error is not None else "loading"

    def start_loading(
        self,
        load: Callable[[], DetectorEngine],
        on_ready: Callable[[DetectorEngine], None] | None = None,
    ) -> None:
        """Call ``load`` in a background thread, once; later calls do nothing."""
        with self._lock:
            if self._done.is_set() or self._loader is not None:
                return
            self._loader = threading.Thread(
                target=self._load, args=(load, on_ready), name="mizan-engine-loader", daemon=True
            )
            self._loader.start()

    def _load(
        self,
        load: Callable[[], DetectorEngine],
        on_ready: Callable[[DetectorEngine], None] | None,
    ) -> None:
        started = time.perf_counter()
        try:
            engine = load()
        except Exception as error:  # any failure leaves the service unready
            self._error = f"{type(error).__name__}: {error}"
            logger.exception("the detector engine failed to load; /readyz stays 503")
        else:
            self.load_seconds = time.perf_counter() - started
            self._engine = engine
            if on_ready is not None:
                on_ready(engine)
            logger.info(
                "detector engine loaded",
                extra={
                    "model": engine.model.name,
                    "model_version": engine.model.version,
                    "load_seconds": round(self.load_seconds, 3),
                },
            )
        finally:
            self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until loading finished (either way); return whether the engine is ready."""
        self._done.wait(timeout)
        return self._engine is not None

    def require(self) -> DetectorEngine:
        """Return the loaded engine; raise ``RuntimeError`` when there is none yet."""
        if self._engine is None:
            raise RuntimeError("the detector engine is not loaded")
        return self._engine
