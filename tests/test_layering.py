"""The scoring library stays a library: no applications, web framework or batch stack in it.

``detector/`` is what a CMS developer imports (parse, signals, model, engine, store). The
command line, the batch runner and its file I/O, ingest, the Dask and Spark glue and the HTTP
API are applications under ``service/``; training is its own room. Two checks: no module of
the library names a forbidden package in any import (at the top or inside a function), and
importing every library module and scoring an article loads none of them.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

LIBRARY = Path(__file__).resolve().parents[1] / "detector"

# Packages the library never imports: the applications' and training's own rooms, the web
# framework and server, the command-line parser, and the batch, dataframe and cluster stacks.
FORBIDDEN = (
    "argparse",
    "dask",
    "fastapi",
    "pandas",
    "pyarrow",
    "pyspark",
    "mizan.service",
    "starlette",
    "tqdm",
    "mizan.training",
    "uvicorn",
)
# pydantic-settings (the settings class) imports argparse for its own command-line source, so
# once loaded it says nothing about the library: the static check keeps it out of our code.
LOADED_BY_DEPENDENCIES = ("argparse",)


def _root(name: str) -> str:
    """Return ``name``'s top-level package, or its room for a ``mizan`` module."""
    parts = name.split(".")
    return ".".join(parts[:2]) if parts[0] == "mizan" else parts[0]


def _imported_roots(path: Path) -> set[str]:
    """Return the top-level package of every absolute import in ``path``.

    For ``mizan`` the room is the package (``mizan.service``, ``mizan.training``).
    """
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            roots.update(_root(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(_root(node.module))
    return roots


def _library_modules() -> list[str]:
    """Return the dotted name of every module of the library."""
    names = []
    for path in sorted(LIBRARY.rglob("*.py")):
        if path.parent == LIBRARY / "_mizan":  # installed as mizan/__init__.py
            continue
        parts = ("mizan", *path.relative_to(LIBRARY.parent).with_suffix("").parts)
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_no_library_module_names_a_forbidden_package() -> None:
    found = {
        str(path.relative_to(LIBRARY.parent)): sorted(_imported_roots(path) & set(FORBIDDEN))
        for path in sorted(LIBRARY.rglob("*.py"))
    }
    assert {path: roots for path, roots in found.items() if roots} == {}


def test_the_static_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "lazy.py"
    module.write_text(
        "import json\n"
        "def read():\n"
        "    import pandas as pd\n"
        "    from mizan.service.batch import runner\n"
        "    from . import sibling\n"
        "    return pd, runner, sibling\n",
        encoding="utf-8",
    )
    assert _imported_roots(module) == {"json", "pandas", "mizan.service"}


def test_importing_the_library_and_scoring_loads_no_forbidden_package() -> None:
    modules = _library_modules()
    assert "mizan.detector.engine" in modules and "mizan.detector.store.archive" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "from mizan.detector import DetectorEngine\n"
        "DetectorEngine().score({'title': 't', 'body': 'قال الوزير إن النمو 3 في المئة.'})\n"
        f"roots = {tuple(set(FORBIDDEN) - set(LOADED_BY_DEPENDENCIES))!r}\n"
        "bad = sorted(m for m in sys.modules if any(m == r or m.startswith(r + '.') for r in roots))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_the_applications_left_the_library() -> None:
    for name in ("cli", "batch", "io", "ingest", "distributed"):
        assert not (LIBRARY / f"{name}.py").exists(), f"detector/{name}.py belongs in service/"
