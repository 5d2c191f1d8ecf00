"""The Dockerfile, checked without a Docker engine: its stages and settings are parsed, and the
command the image runs is started here and answers over real HTTP."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCKERFILE = REPO / "Dockerfile"
IMAGE_COMMAND = ["mizan", "serve", "--host", "0.0.0.0", "--port", "8000"]


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [arguments for name, arguments in self.instructions if name == keyword]

    def last(self, keyword: str) -> str:
        found = self.all(keyword)
        assert found, f"stage {self.name} has no {keyword}"
        return found[-1]


def parse_dockerfile(text: str) -> tuple[dict[str, str], list[Stage]]:
    """Return the global ARG defaults and the stages, continuation lines joined."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    arguments: dict[str, str] = {}
    stages: list[Stage] = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        keyword, rest = keyword.upper(), rest.strip()
        if keyword == "FROM":
            match = re.fullmatch(r"(\S+)(?:\s+AS\s+(\S+))?", rest, flags=re.IGNORECASE)
            assert match, line
            base = re.sub(r"\$\{(\w+)\}", lambda m: arguments[m.group(1)], match.group(1))
            stages.append(Stage(base=base, name=match.group(2)))
        elif not stages and keyword == "ARG":
            name, _, default = rest.partition("=")
            arguments[name] = default
        else:
            assert stages, f"{keyword} before the first FROM"
            stages[-1].instructions.append((keyword, rest))
    return arguments, stages


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse_dockerfile(DOCKERFILE.read_text(encoding="utf-8"))[1]


def runtime_env(stages: list[Stage]) -> dict[str, str]:
    env: dict[str, str] = {}
    for arguments in stages[-1].all("ENV"):
        for key, value in re.findall(r'(\w+)=("[^"]*"|\S+)', arguments):
            env[key] = value.strip('"')
    return env


def test_builder_and_runtime_stages(stages: list[Stage]) -> None:
    assert [stage.name for stage in stages] == ["builder", "runtime"]
    assert all(stage.base == "python:3.11-slim" for stage in stages)
    builder, runtime = stages
    install = " ".join(builder.all("RUN"))
    assert "python -m venv /opt/venv" in install
    assert "pip wheel" in install and "[service,batch]" in install
    assert "--from=builder /opt/venv /opt/venv" in runtime.all("COPY")
    assert not any("pip " in command for command in runtime.all("RUN"))  # no build tools at runtime


def test_runtime_runs_as_a_non_root_user(stages: list[Stage]) -> None:
    user = stages[-1].last("USER").split(":")[0]
    assert user not in ("root", "0", "")
    assert "useradd --system --uid 10001 --gid mizan" in " ".join(stages[-1].all("RUN"))


def test_every_copied_path_exists_in_the_repository(stages: list[Stage]) -> None:
    for stage in stages:
        for arguments in stage.all("COPY"):
            if arguments.startswith("--from="):
                continue
            *sources, _ = shlex.split(arguments)
            for source in sources:
                assert (REPO / source).exists(), f"COPY source {source} is missing"


def test_models_are_baked_in_where_the_settings_look(stages: list[Stage]) -> None:
    env = runtime_env(stages)
    assert f"models {env['MIZAN_MODELS_ROOT']}" in stages[-1].all("COPY")


def test_healthcheck_uses_python_not_curl(stages: list[Stage]) -> None:
    healthcheck = stages[-1].last("HEALTHCHECK")
    options, _, command = healthcheck.partition("CMD ")
    assert "--interval=" in options and "--start-period=" in options
    argv = json.loads(command)
    assert argv[:2] == ["python", "-c"]
    assert "urllib.request" in argv[2] and "http://127.0.0.1:8000/healthz" in argv[2]
    assert "curl" not in healthcheck and "wget" not in healthcheck


def test_exposes_and_runs_the_service(stages: list[Stage]) -> None:
    assert stages[-1].last("EXPOSE") == "8000"
    assert json.loads(stages[-1].last("CMD")) == IMAGE_COMMAND


# --- the image's command, run here ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, str], Any]:
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            headers = {name.lower(): value for name, value in answer.headers.items()}
            return answer.status, headers, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        headers = {name.lower(): value for name, value in error.headers.items()}
        return error.code, headers, json.loads(error.read())


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float) -> int:
    deadline = time.monotonic() + seconds
    status = 0
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server exited with {process.returncode}"
        try:
            status = fetch(url)[0]
            if status == 200:
                return status
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    return status


def image_command_here(port: int) -> list[str]:
    """The image's CMD, bound to 127.0.0.1 and a free port, with this venv's console script."""
    argv = [*IMAGE_COMMAND]
    argv[argv.index("--host") + 1] = "127.0.0.1"
    argv[argv.index("--port") + 1] = str(port)
    script = Path(sys.executable).parent / "mizan"
    launcher = [str(script)] if script.exists() else [sys.executable, "-m", "mizan.service.cli"]
    return launcher + argv[1:]


def test_the_image_command_serves_over_http(stages: list[Stage], tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "MIZAN_MODELS_ROOT": str(REPO / "models"),
        "MIZAN_STORE_URL": f"sqlite:///{tmp_path / 'mizan.db'}",
        "MIZAN_API_KEYS": "[]",
        "MIZAN_LOG_LEVEL": "info",
    }
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            image_command_here(port), cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(f"{base}/healthz", process, 60) == 200
        assert wait_for(f"{base}/readyz", process, 120) == 200

        article = {
            "id": "docker-1",
            "title": "ارتفاع صادرات التمور",
            "body": "ارتفعت صادرات التمور خلال الربع الأول بنسبة 12 في المئة، بحسب هيئة الإحصاء.",
        }
        status, headers, report = fetch(f"{base}/v1/score", article)
        assert status == 200, report
        assert report["id"] == "docker-1" and report["language"] == "ar"
        assert report["verdict"] in ("unreliable", "review", "reliable")
        assert re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"])
        assert fetch(f"{base}/v1/score", {"body": ""})[0] == 422

        healthcheck = json.loads(stages[-1].last("HEALTHCHECK").partition("CMD ")[2])
        probe = [sys.executable, *healthcheck[1:]]
        probe[-1] = probe[-1].replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        assert subprocess.run(probe, timeout=30).returncode == 0
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            exit_code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status reports it.
    assert exit_code in (0, -signal.SIGTERM)
    lines = [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines() if line]
    assert any(line["message"] == "Application shutdown complete." for line in lines)
    access = [line for line in lines if line["logger"] == "mizan.access"]
    scored = [line for line in access if line["path"] == "/v1/score" and line["status"] == 200]
    assert len(scored) == 1 and scored[0]["request_id"] == headers["x-request-id"]
