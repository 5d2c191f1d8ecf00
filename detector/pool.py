"""Worker processes: one way to start a pool and to read its results back in input order.

Each worker process builds its state once, in the pool's initializer (an engine, a topic
scorer), and then takes tasks. :func:`ordered_results` keeps a bounded number of tasks in
flight and yields their results in the order the tasks were given, whatever order they
finish in, so the caller can write them as it reads them. :func:`batches` groups rows into
the lists that make up one task each.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def start_pool(
    processes: int,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
    context: BaseContext | None = None,
) -> ProcessPoolExecutor:
    """Return a pool of ``processes`` worker processes, each running ``initializer`` first.

    Args:
        processes: How many worker processes (at least one).
        initializer: Builds a worker's state; a top-level function, so that it pickles.
        initargs: The initializer's arguments.
        context: The multiprocessing start method (``spawn`` for a threaded server);
            default: the platform's.
    """
    return ProcessPoolExecutor(
        processes, mp_context=context, initializer=initializer, initargs=initargs
    )


@contextlib.contextmanager
def worker_pool(
    processes: int,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[ProcessPoolExecutor]:
    """Yield a pool from :func:`start_pool`; on leaving, cancel what is queued and wait."""
    pool = start_pool(processes, initializer, initargs)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Yield ``items`` in order as lists of ``size`` (the last one may be shorter).

    ``items`` is read lazily: a list is yielded as soon as it is full, so a long input costs
    one list of memory here, and each yielded list is a new one the caller may keep.

    Raises:
        ValueError: ``size`` is below one.
    """
    if size < 1:
        raise ValueError(f"batch size must be at least 1, not {size}")
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ordered_results(
    pool: ProcessPoolExecutor,
    function: Callable[[T], R],
    tasks: Iterable[T],
    max_pending: int,
) -> Iterator[R]:
    """Run ``function`` on every task in ``pool`` and yield the results in task order.

    A task is taken from ``tasks`` only when at most ``max_pending`` are waiting, so a long
    input costs bounded memory; ``tasks`` may be a generator with side effects, which run in
    this process between the results. Tasks not started when the caller stops are cancelled.

    Args:
        pool: The pool to submit to.
        function: A top-level function, so that it pickles.
        tasks: The tasks, read lazily.
        max_pending: Tasks kept in flight after each submission (at least one).
    """
    pending: deque[Future[R]] = deque()
    try:
        for task in tasks:
            pending.append(pool.submit(function, task))
            while len(pending) > max_pending:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
