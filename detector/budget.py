"""A time budget for scoring one article, enforced inside the process that scores it.

Every pattern and loop of the signals is linear in the input (``benchmarks/worst_case.py``
holds them to 10x a normal article per character), so a normal article uses a thousandth of
the default budget. The budget is the second guard: an article that still runs past it is
stopped by a timer signal, the article gets :class:`~mizan.detector.errors.ScoringBudgetError`, and
the process goes on with the next one (nothing needs restarting).

Timer signals reach only the main thread of a process; elsewhere (a thread of the server)
:func:`time_budget` does nothing and the caller must bound the wait itself.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from mizan.detector.errors import ScoringBudgetError

# Once the budget is spent, the timer fires again this often until the block is left.
REFIRE_S = 0.01


def budget_enforceable() -> bool:
    """Whether :func:`time_budget` can stop work here (the main thread, a Unix timer)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise :class:`ScoringBudgetError` inside the block once ``seconds`` have passed.

    ``None`` or a value of 0 or less sets no budget.
    """
    if not seconds or seconds <= 0 or not budget_enforceable():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        # An exception raised where Python drops it (a garbage-collector callback, a
        # ``__del__``, a broad ``except``) would let the work go on: fire again shortly,
        # until the block is left and the timer cancelled.
        signal.setitimer(signal.ITIMER_REAL, REFIRE_S)
        raise ScoringBudgetError(
            f"scoring took longer than the time budget of {seconds:g} s "
            "(MIZAN_SCORE_TIMEOUT_S); the article was not scored"
        )

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
