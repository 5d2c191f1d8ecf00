"""The one explicit registry of signal families. No discovery by import side effects."""

from __future__ import annotations

from collections.abc import Callable

from mizan.detector.errors import SignalNotFoundError
from mizan.detector.signals.base import Signal

_FACTORIES: dict[str, Callable[[], Signal]] = {}


def register(name: str, factory: Callable[[], Signal]) -> None:
    """Register ``factory`` under ``name``; registering a name twice is an error."""
    if name in _FACTORIES:
        raise ValueError(f"a signal named {name!r} is already registered")
    _FACTORIES[name] = factory


def get(name: str) -> Signal:
    """Return a new instance of the signal registered as ``name``."""
    try:
        factory = _FACTORIES[name]
    except KeyError:
        known = ", ".join(sorted(_FACTORIES)) or "none"
        raise SignalNotFoundError(f"no signal named {name!r}; registered: {known}") from None
    return factory()


def names() -> tuple[str, ...]:
    """Return the registered signal names in registration order."""
    return tuple(_FACTORIES)
