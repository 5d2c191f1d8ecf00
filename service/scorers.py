"""Where scoring runs: one thread of the server process, or a pool of scoring processes.

Scoring is CPU-bound and holds the GIL, so it never runs on the event loop. Two scorers:

- :class:`ThreadScorer` (``MIZAN_SCORERS=0``): one scoring thread per server process, with
  the engine the app already holds. Tests and small deployments use it.
- :class:`ProcessScorer` (``MIZAN_SCORERS=N``): ``N`` processes, each with its own engine
  and store handle, fed from **one** queue. The event loop only parses requests and sends
  bytes, and every waiting request goes to whichever process is free first. With uvicorn
  workers instead, each worker keeps the keep-alive connections it accepted, so one worker
  can hold most of the clients while the other idles; a shared queue cannot be unbalanced
  that way.

Both return each report already rendered as JSON by :func:`render_report` (the bytes FastAPI
would write for a :class:`ReportOut`), so the two paths answer byte for byte the same.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import anyio

from mizan.detector.article import ArticleInput
from mizan.detector.budget import time_budget
from mizan.detector.engine import DetectorEngine, Report
from mizan.detector.errors import InvalidArticleError, MizanError, ScoringBudgetError
from mizan.detector.pool import start_pool
from mizan.detector.settings import Settings
from mizan.service.schemas import ReportOut

logger = logging.getLogger("mizan.service")

T = TypeVar("T")

SCORER_NICENESS = 5
"""How much lower the scoring processes' CPU priority is than the server's."""
READY_TIMEOUT_S = 600.0
# How long past its budget a request waits before its scoring processes are recycled.
HUNG_GRACE_S = 5.0
"""How long the scoring processes may take to load the model and the store's index."""


class ScorerUnavailable(Exception):
    """The scoring processes are not running (starting, restarting or failed)."""


@dataclass(frozen=True)
class Scored:
    """One report rendered for the wire, with what the metrics count."""

    body: bytes
    verdict: str
    reliability: float


def render_report(report: Report, include_features: bool) -> Scored:
    """Render ``report`` as the JSON body of a :class:`ReportOut`, as FastAPI would.

    ``Report.to_dict`` already holds JSON types in the documented shape, so it is encoded
    directly (the tests check it equals ``ReportOut`` validation and ``exclude_unset``
    rendering byte for byte).
    """
    data = report.to_dict(include_features=include_features)
    body = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Scored(body.encode("utf-8"), report.verdict, report.reliability)


def validated_body(report: Report, include_features: bool) -> bytes:
    """Render ``report`` through :class:`ReportOut` validation (the reference rendering)."""
    content = ReportOut.model_validate(report.to_dict(include_features=include_features))
    data = content.model_dump(mode="json", exclude_unset=True)
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def score_articles(
    engine: DetectorEngine,
    articles: Sequence[ArticleInput],
    explain: bool,
    include_features: bool,
    first_index: int | None = None,
    budget_s: float | None = None,
) -> list[Scored]:
    """Score and render ``articles`` in order, each within ``budget_s`` seconds.

    With ``first_index`` set (a batch), an article the engine refuses is named
    ``articles[i]`` in the error, ``i`` counted from ``first_index``. The budget is enforced
    in a scoring process's main thread (see :mod:`mizan.detector.budget`).
    """
    scored = []
    for position, article in enumerate(articles):
        try:
            with time_budget(budget_s):
                report = engine.score(article, explain=explain)
        except MizanError as error:
            if first_index is None:
                raise
            kind = (
                ScoringBudgetError if isinstance(error, ScoringBudgetError) else InvalidArticleError
            )
            raise kind(f"articles[{first_index + position}]: {error}") from error
        scored.append(render_report(report, include_features))
    return scored


class Scorer(Protocol):
    """Scores validated articles off the event loop."""

    @property
    def ready(self) -> bool:
        """Whether it can score now."""
        ...

    @property
    def not_ready_reason(self) -> str:
        """Why it cannot score now (empty when ready)."""
        ...

    async def score(
        self,
        articles: Sequence[ArticleInput],
        explain: bool,
        include_features: bool,
        batch: bool,
    ) -> list[Scored]:
        """Return one rendered report per article, in order."""
        ...


class ThreadScorer:
    """Score in one worker thread of this process, with ``engine()``'s engine.

    More threads would only add switching (scoring holds the GIL); waiting requests queue
    on the event loop instead, and health checks stay answered.
    """

    def __init__(self, engine: Callable[[], DetectorEngine]) -> None:
        self._engine = engine
        self._limiter: anyio.CapacityLimiter | None = None

    ready = True
    """The thread is always there; the engine's own readiness is the app's to check."""
    not_ready_reason = ""

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run ``function(*args)`` in the scoring thread."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(1)
        return await anyio.to_thread.run_sync(function, *args, limiter=self._limiter)

    async def score(
        self,
        articles: Sequence[ArticleInput],
        explain: bool,
        include_features: bool,
        batch: bool,
    ) -> list[Scored]:
        """Score ``articles`` in the scoring thread."""
        return await self.run(
            score_articles,
            self._engine(),
            articles,
            explain,
            include_features,
            0 if batch else None,
        )


# --- the scoring processes ----------------------------------------------------------------

_PROCESS_ENGINE: DetectorEngine | None = None


def _load_in_process(settings: Settings, loaded: Any) -> None:
    """Pool initializer: load the engine (and the store's index) once per process."""
    global _PROCESS_ENGINE
    from mizan.detector.store import ArticleStore  # on use: only a server with a store needs it

    # Ctrl-C reaches the whole process group; the server shuts the pool down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The server's short turns (read a request, hand it over, send a report) go first, so a
    # finished report is not held back behind another one being scored.
    os.nice(SCORER_NICENESS)

    store = ArticleStore.from_settings(settings)
    engine = DetectorEngine.from_settings(settings, memory=store)
    store.build_index()
    _PROCESS_ENGINE = engine
    with loaded.get_lock():
        loaded.value += 1


def _score_in_process(
    payloads: list[dict[str, Any]],
    explain: bool,
    include_features: bool,
    first: int | None,
    budget_s: float | None = None,
) -> list[Scored]:
    if _PROCESS_ENGINE is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("scoring process used before its engine was loaded")
    articles = [ArticleInput.model_validate(payload) for payload in payloads]
    return score_articles(_PROCESS_ENGINE, articles, explain, include_features, first, budget_s)


def _ping() -> bool:
    return _PROCESS_ENGINE is not None


class ProcessScorer:
    """``processes`` scoring processes fed from one queue (a process pool).

    :meth:`start` blocks until every process has loaded the model; a process that dies
    (killed, out of memory) breaks the pool, and the next request restarts it in the
    background while answering 503.
    """

    def __init__(self, settings: Settings, processes: int) -> None:
        if processes < 1:
            raise ValueError("a process scorer needs at least one process")
        self.settings = settings
        self.processes = processes
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._restarting = False
        self.error: str | None = None

    @property
    def ready(self) -> bool:
        """Whether every scoring process is loaded and the pool is healthy."""
        return self._executor is not None and not self._restarting

    @property
    def not_ready_reason(self) -> str:
        """Why the processes cannot score now (empty when ready)."""
        if self.ready:
            return ""
        if self.error is not None:
            return f"the scoring processes failed to start: {self.error}"
        if self._restarting:
            return "a scoring process stopped; the scoring processes are restarting"
        return "the scoring processes are starting"

    def start(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        """Start the processes and wait until each has loaded its engine."""
        context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        loaded = context.Value("i", 0)
        executor = start_pool(self.processes, _load_in_process, (self.settings, loaded), context)
        # The pool starts a process for each task submitted while none is idle.
        pings: list[Future[bool]] = [executor.submit(_ping) for _ in range(self.processes)]
        deadline = time.monotonic() + timeout_s
        try:
            while loaded.value < self.processes:
                for ping in pings:
                    if ping.done() and ping.exception() is not None:
                        raise RuntimeError(f"a scoring process failed: {ping.exception()}")
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{loaded.value} of {self.processes} scoring processes loaded "
                        f"in {timeout_s:.0f} s"
                    )
                time.sleep(0.05)
        except BaseException:
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        with self._lock:
            previous, self._executor = self._executor, executor
            self.error = None
        if previous is not None:
            previous.shutdown(wait=False, cancel_futures=True)
        logger.info("scoring processes ready", extra={"processes": self.processes})

    def close(self) -> None:
        """Stop the processes (waiting requests fail)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _recycle(self, executor: ProcessPoolExecutor) -> None:
        """Kill the processes of ``executor`` (one is stuck) and start fresh ones."""
        for process in list(getattr(executor, "_processes", {}).values()):
            process.kill()
        self._restart_in_background()

    def _restart_in_background(self) -> None:
        with self._lock:
            if self._restarting:
                return
            self._restarting = True

        def restart() -> None:
            try:
                self.start()
            except Exception as error:  # the pool stays down; /readyz says why
                self.error = f"{type(error).__name__}: {error}"
                logger.exception("the scoring processes failed to restart")
            finally:
                self._restarting = False

        threading.Thread(target=restart, name="mizan-scorer-restart", daemon=True).start()

    async def score(
        self,
        articles: Sequence[ArticleInput],
        explain: bool,
        include_features: bool,
        batch: bool,
    ) -> list[Scored]:
        """Score ``articles`` in the pool, a batch spread over every process."""
        executor = self._executor
        if executor is None or self._restarting:
            raise ScorerUnavailable(self.not_ready_reason)
        payloads = [article.model_dump(exclude_unset=True) for article in articles]
        size = max(1, -(-len(payloads) // self.processes))
        try:
            budget = self.settings.score_timeout_s
            futures = [
                executor.submit(
                    _score_in_process,
                    payloads[start : start + size],
                    explain,
                    include_features,
                    start if batch else None,
                    budget,
                )
                for start in range(0, len(payloads), size)
            ]
            # Each process stops an article past its budget itself; this bound only catches a
            # process that cannot be interrupted (stuck inside one C call): it is recycled.
            waited = asyncio.gather(*(asyncio.wrap_future(future) for future in futures))
            chunks = await asyncio.wait_for(waited, budget * size + HUNG_GRACE_S)
        except TimeoutError as error:
            logger.error("a scoring process overran its budget; recycling the processes")
            self._recycle(executor)
            raise ScoringBudgetError(
                f"scoring took longer than the time budget of {budget:g} s "
                "(MIZAN_SCORE_TIMEOUT_S); the article was not scored"
            ) from error
        except BrokenProcessPool as error:
            logger.error("a scoring process died; restarting the pool")
            self._restart_in_background()
            raise ScorerUnavailable(self.not_ready_reason) from error
        return [scored for chunk in chunks for scored in chunk]
