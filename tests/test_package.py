"""The installed layout: one top-level import package, ``mizan``, over the three folders."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import mizan
from mizan.detector.engine import DetectorEngine, Report

ROOT = Path(__file__).resolve().parents[1]
ROOMS = ("detector", "training", "service")
MIZAN_INIT = ROOT / "detector" / "_mizan"


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _package_folders() -> set[str]:
    """Import names of the package folders (a folder with an ``__init__.py``) of the rooms."""
    names = {"mizan"}
    for room in ROOMS:
        for init in (ROOT / room).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT).parts
            if "__pycache__" not in parts and init.parent != MIZAN_INIT:
                names.add(".".join(("mizan", *parts)))
    return names


def test_import_mizan_gives_the_engine_and_the_version() -> None:
    assert mizan.DetectorEngine is DetectorEngine
    assert mizan.Report is Report
    assert mizan.__version__ == importlib.metadata.version("mizan")
    assert {"DetectorEngine", "Report", "parse_article", "__version__"} <= set(mizan.__all__)
    assert all(hasattr(mizan, name) for name in mizan.__all__)
    report = mizan.DetectorEngine().score(
        {"title": "Rain expected", "body": "The weather office said rain would reach the coast."}
    )
    assert isinstance(report, mizan.Report) and 0.0 <= report.reliability <= 1.0


def test_mizan_all_is_exactly_the_library_api_and_the_version() -> None:
    import mizan.detector

    # mizan/__init__.py lists the names itself (so that type checkers and `import *` see
    # them); the list must stay the library's public API, nothing more and nothing less.
    assert len(mizan.__all__) == len(set(mizan.__all__))
    assert set(mizan.__all__) == {*mizan.detector.__all__, "__version__"}
    for name in mizan.__all__:
        assert getattr(mizan, name) is getattr(mizan.detector, name), name
    star: dict[str, object] = {}
    exec("from mizan import *", star)
    assert set(star) - {"__builtins__"} == set(mizan.__all__)
    for name in mizan.detector.__all__:
        value = getattr(mizan.detector, name)
        assert getattr(value, "__module__", "").startswith("mizan.detector."), name
    assert isinstance(mizan.__version__, str) and mizan.__version__


def test_the_rooms_are_subpackages_of_mizan() -> None:
    import mizan.detector
    import mizan.service
    import mizan.training

    for room in (mizan.detector, mizan.training, mizan.service):
        assert room.__name__.startswith("mizan.")
        folder = Path(room.__file__ or "").resolve().parent
        assert folder == ROOT / room.__name__.removeprefix("mizan.")


def test_pyproject_lists_every_package_folder_under_mizan() -> None:
    setuptools = _pyproject()["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    assert all(name == "mizan" or name.startswith("mizan.") for name in listed)
    folders = _package_folders()
    assert not folders - listed, f"add to [tool.setuptools] packages: {sorted(folders - listed)}"
    assert not listed - folders, f"no such package folder: {sorted(listed - folders)}"
    mapping = setuptools["package-dir"]
    assert mapping["mizan"] == MIZAN_INIT.relative_to(ROOT).as_posix()
    assert {room: mapping[f"mizan.{room}"] for room in ROOMS} == {room: room for room in ROOMS}
    assert all(key == "mizan" or key.startswith("mizan.") for key in setuptools["package-data"])


def test_the_console_script_names_a_mizan_module() -> None:
    target = _pyproject()["project"]["scripts"]["mizan"]
    module, _, function = target.partition(":")
    assert module.startswith("mizan.")
    assert callable(getattr(importlib.import_module(module), function))


def _bare_imports(path: Path) -> list[str]:
    """Imports of ``detector``, ``training`` or ``service`` as top-level names in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # module names in strings: mock.patch targets, `python -m`, uvicorn app strings
            names = [word for word in node.value.replace(":", " ").split() if "." in word]
        found += [
            f"{path.relative_to(ROOT)}:{node.lineno}: {name}"
            for name in names
            if name.split(".")[0] in ROOMS and _is_module(name)
        ]
    return found


def _is_module(dotted: str) -> bool:
    """Tell whether ``dotted`` starts with a real submodule of a room (``detector.engine``)."""
    parts = dotted.split(".")
    if len(parts) < 2:
        return True
    if not parts[1].isidentifier():  # prose: "the service." ends a sentence
        return False
    head = ROOT / parts[0] / parts[1]
    return head.with_suffix(".py").is_file() or (head / "__init__.py").is_file()


def test_no_code_names_a_room_as_a_top_level_module() -> None:
    # From the repository root the bare folders still import (the working directory is on
    # sys.path under `python -m`), so a name missed by the move would pass unnoticed.
    files = [
        path
        for folder in (*ROOMS, "tests", "benchmarks")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "__pycache__" not in path.parts
    ]
    assert len(files) > 50
    found = [line for path in files for line in _bare_imports(path)]
    assert not found, "\n".join(found)


def test_the_committed_bundle_loads_and_leaves_no_old_module_names() -> None:
    code = (
        "import json, sys, mizan\n"
        "engine = mizan.DetectorEngine.from_settings()\n"
        "old = sorted(m for m in sys.modules if m.split('.')[0] in ('detector', 'training', 'service'))\n"
        "print(json.dumps({'model': engine.model.name, 'old': old}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    outcome = json.loads(result.stdout)
    assert outcome["model"] != "rules-v0"
    assert outcome["old"] == []


@pytest.mark.slow
def test_the_wheel_holds_only_mizan(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path)]
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    result = subprocess.run(
        [*command, str(ROOT)], capture_output=True, text=True, env=env, timeout=600
    )
    if result.returncode != 0 and "No matching distribution" in result.stderr:
        pytest.skip(f"pip cannot fetch the build backend here: {result.stderr.strip()[-200:]}")
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("mizan-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (top_level,) = [n for n in names if n.endswith(".dist-info/top_level.txt")]
        assert archive.read(top_level).decode().split() == ["mizan"]
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        scripts = archive.read(entry_points).decode()
    tops = {name.split("/")[0] for name in names}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"mizan"}
    assert {"mizan/__init__.py", "mizan/py.typed", "mizan/detector/engine.py"} <= set(names)
    assert any(n.startswith("mizan/detector/lexicons/") and n.endswith(".txt") for n in names)
    assert any(n.startswith("mizan/service/templates/") for n in names)
    module = _pyproject()["project"]["scripts"]["mizan"].split(":")[0]
    assert f"mizan = {module}:" in scripts
    assert (
        module.replace(".", "/") + ".py" in names
        or f"{module.replace('.', '/')}/__init__.py" in names
    )
