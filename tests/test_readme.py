"""The README's commands work as written.

Every shell line in a ```sh block of the README is either run here (in a scratch folder that
sees the repository's examples, with the venv's commands first on PATH) or matched by a rule in
``NOT_RUN`` that says why not; a new command that is neither fails the test. Python blocks that
need no server are run as well.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)

# Line prefixes that are not run here, with the reason.
NOT_RUN = {
    "make demo": "builds its own venv; .ci/run and a fresh clone exercise it",
    "make test": "this test suite itself",
    "make train": "retrains the bundle from the corpora (minutes); tests/training covers training",
    "make evaluate": "rewrites reports/ from the corpora; tests/training covers evaluation",
    "docker ": "needs a Docker daemon; tests/test_dockerfile.py checks the Dockerfile",
    "mizan serve": "starts a server that runs until stopped; tests/service/test_serve_cli.py runs it",
    "curl ": "talks to the server started above; tests/service covers the API",
}

# Benchmarks take minutes: here each one only has to start (imports and arguments).
SMOKE = re.compile(r"^python (benchmarks/\S+\.py)")


def readme_blocks(language: str) -> list[str]:
    """Return the README's fenced blocks of ``language``."""
    text = README.read_text(encoding="utf-8")
    return [body for lang, body in BLOCK.findall(text) if lang == language]


def shell_lines() -> list[str]:
    """Return every command of the README's sh blocks, continuation lines joined."""
    lines: list[str] = []
    for block in readme_blocks("sh"):
        pending = ""
        for raw in block.splitlines():
            line = raw.rstrip()
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            line = (pending + line).strip()
            pending = ""
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MIZAN_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder that sees the repository's examples and benchmarks, as a clone's root would."""
    folder = tmp_path_factory.mktemp("readme")
    for name in ("examples", "benchmarks"):
        (folder / name).symlink_to(ROOT / name)
    return folder


def test_every_shell_line_is_run_or_has_a_reason() -> None:
    lines = shell_lines()
    assert len(lines) >= 10, "the README's sh blocks were not found"
    for line in lines:
        runnable = _runnable(line)
        assert runnable is not None or any(line.startswith(p) for p in NOT_RUN), line


def _runnable(line: str) -> str | None:
    if any(line.startswith(prefix) for prefix in NOT_RUN):
        return None
    smoke = SMOKE.match(line)
    if smoke:
        return f"python {smoke.group(1)} --help"
    if line.startswith(("mizan ", "cat examples/", "python ")):
        return line
    return None


@pytest.mark.slow
def test_readme_shell_commands_run_as_written(scratch: Path) -> None:
    env = _environment(scratch)
    ran = 0
    for line in shell_lines():
        command = _runnable(line)
        if command is None:
            continue
        result = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=scratch,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        allowed = {0, 1} if ("--threshold" in line or "--fail-on" in line) else {0}
        assert result.returncode in allowed, f"{line}\nexit {result.returncode}\n{result.stderr}"
        ran += 1
    assert ran >= 10


@pytest.mark.slow
def test_readme_python_examples_run(scratch: Path) -> None:
    blocks = [block for block in readme_blocks("python") if "http://" not in block]
    assert blocks, "the README's Python example was not found"
    for block in blocks:
        result = subprocess.run(
            [sys.executable, "-c", block],
            cwd=scratch,
            env=_environment(scratch),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"{block}\n{result.stderr}"
