"""Word and phrase lists kept as data files, one entry a line, ``#`` lines are comments.

Each file starts with a comment saying where its entries come from.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load_lexicon(name: str) -> tuple[str, ...]:
    """Return the entries of ``detector/lexicons/<name>.txt`` (e.g. ``"ar/boilerplate"``)."""
    path = resources.files("mizan.detector.lexicons").joinpath(f"{name}.txt")
    if not path.is_file():
        raise FileNotFoundError(f"no lexicon named {name!r} (looked for {name}.txt)")
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            entries.append(stripped)
    return tuple(entries)
