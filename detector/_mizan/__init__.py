"""Mizan: news reliability and AI-spam detection with evidence, for Arabic and English.

The stable public API::

    from mizan import DetectorEngine

    report = DetectorEngine.from_settings().score({"title": ..., "body": ...})

This file is installed as ``mizan/__init__.py`` (``package-dir`` in pyproject.toml); the
library is ``mizan.detector`` (the folder ``detector/``), training ``mizan.training`` and
the HTTP API ``mizan.service``. It lives inside ``detector/`` rather than in a ``mizan/``
folder at the root, which ``python -m`` and pytest would import from the working
directory in place of the installed package, hiding its subpackages.
"""

from mizan import detector
from mizan.detector import *  # noqa: F403  (the library's public names, listed once there)
from mizan.detector import __version__

__all__ = ["__version__"]
__all__ += detector.__all__
