"""Signal families and their explicit registration.

Each factory imports its module when the signal is first built, so importing the package is
cheap and a broken signal module fails loudly when it is used.
"""

from __future__ import annotations

from mizan.detector.signals import registry
from mizan.detector.signals.base import Signal


def _experts() -> Signal:
    from mizan.detector.signals.experts import ExpertsSignal

    return ExpertsSignal()


def _statistics() -> Signal:
    from mizan.detector.signals.statistics import StatisticsSignal

    return StatisticsSignal()


def _beat() -> Signal:
    from mizan.detector.signals.beat import BeatSignal

    return BeatSignal()


def _templating() -> Signal:
    from mizan.detector.signals.templating import TemplatingSignal

    return TemplatingSignal()


def _style() -> Signal:
    from mizan.detector.signals.style import StyleSignal

    return StyleSignal()


registry.register("experts", _experts)
registry.register("statistics", _statistics)
registry.register("beat", _beat)
registry.register("templating", _templating)
registry.register("style", _style)

DEFAULT_SIGNALS: tuple[str, ...] = registry.names()

__all__ = ["DEFAULT_SIGNALS", "registry"]
