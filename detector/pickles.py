"""Load a bundle's ``model.joblib`` whatever import path its classes were pickled under.

Bundles written before the library was installed as ``mizan.detector`` name their classes
``detector.model.*`` and ``detector.trained.*``. While one loads, those names resolve to the
modules of ``mizan.detector``; nothing stays registered under the old names afterwards.
"""

from __future__ import annotations

import importlib
import sys
import threading
from pathlib import Path
from typing import Any

import joblib

LEGACY_PREFIX = "detector"
"""The top-level package name bundles pickled before the ``mizan`` namespace."""

PACKAGE = "mizan.detector"

_LOCK = threading.Lock()


def load_joblib(path: Path) -> Any:
    """Return ``joblib.load(path)``, with ``detector.*`` pickled names read as ``mizan.detector.*``.

    The old names point at the already imported ``mizan.detector`` modules only for the time of
    the load (under a lock), and only where no module of that name is imported already.
    """
    importlib.import_module(f"{PACKAGE}.trained")
    with _LOCK:
        added: list[str] = []
        for name, module in list(sys.modules.items()):
            if name != PACKAGE and not name.startswith(f"{PACKAGE}."):
                continue
            legacy = LEGACY_PREFIX + name[len(PACKAGE) :]
            if legacy not in sys.modules:
                sys.modules[legacy] = module
                added.append(legacy)
        try:
            return joblib.load(path)
        finally:
            for legacy in added:
                sys.modules.pop(legacy, None)
