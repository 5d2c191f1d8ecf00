"""Worker pools: results come back in task order, with a bounded number of tasks in flight."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from mizan.detector.pool import batches, ordered_results, worker_pool

_state: dict[str, int] = {}


def _remember_offset(offset: int) -> None:
    _state["offset"] = offset


def _slow_first(task: int) -> tuple[int, int]:
    """Return the task plus the worker's offset; the first tasks take longest."""
    time.sleep(0.02 * max(0, 4 - task))
    return task + _state["offset"], os.getpid()


def test_results_come_back_in_task_order_from_workers_built_once() -> None:
    with worker_pool(2, _remember_offset, (100,)) as pool:
        results = list(ordered_results(pool, _slow_first, range(8), max_pending=3))
    assert [value for value, _ in results] == [100 + task for task in range(8)]
    assert os.getpid() not in {pid for _, pid in results}


def test_tasks_are_read_only_while_few_are_waiting() -> None:
    events: list[str] = []

    def tasks() -> Iterator[int]:
        for task in range(5):
            events.append(f"read {task}")
            yield task

    with worker_pool(1, _remember_offset, (0,)) as pool:
        for value, _ in ordered_results(pool, _slow_first, tasks(), max_pending=2):
            events.append(f"got {value}")
    # The first result is awaited once three tasks are submitted, before the fourth is read.
    assert events[:4] == ["read 0", "read 1", "read 2", "got 0"]
    assert events.index("read 3") > events.index("got 0")
    assert [event for event in events if event.startswith("got")] == [
        f"got {task}" for task in range(5)
    ]


def _sleep(task: int) -> int:
    time.sleep(0.05)
    return task


def test_stopping_early_cancels_the_tasks_not_started() -> None:
    started = time.perf_counter()
    with worker_pool(1) as pool:
        results = ordered_results(pool, _sleep, range(100), max_pending=4)
        assert next(results) == 0
        results.close()
    # 100 tasks take 5 s; only the few already handed to the worker still run.
    assert time.perf_counter() - started < 2.0
    with pytest.raises(RuntimeError):
        pool.submit(_sleep, 1)


def test_batches_keep_the_order_and_end_with_what_is_left() -> None:
    assert list(batches(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batches(range(6), 3)) == [[0, 1, 2], [3, 4, 5]]
    assert list(batches(iter([]), 3)) == []
    assert list(batches("abc", 1)) == [["a"], ["b"], ["c"]]


def test_a_batch_is_yielded_as_soon_as_it_is_full_and_is_a_new_list() -> None:
    read: list[int] = []

    def items() -> Iterator[int]:
        for item in range(5):
            read.append(item)
            yield item

    grouped = batches(items(), 2)
    first = next(grouped)
    assert first == [0, 1] and read == [0, 1]
    second = next(grouped)
    assert second == [2, 3] and read == [0, 1, 2, 3]
    assert first == [0, 1] and first is not second
    assert list(grouped) == [[4]]


def test_a_batch_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        next(batches(range(3), 0))
