"""``mizan serve``: arguments, defaults from the settings, and the uvicorn call it makes."""

from __future__ import annotations

import logging.config
import os
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from mizan.service import serve as serve_cli
from mizan.service import settings as service_settings
from mizan.service.cli import build_parser, main
from mizan.service.settings import ServiceSettings


@pytest.fixture
def uvicorn_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[list[tuple[tuple[Any, ...], dict[str, Any]]]]:
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.delenv(serve_cli.SCORERS_ENV, raising=False)  # restored after the test
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    yield calls
    service_settings.get_settings.cache_clear()  # `serve` re-reads the environment


def test_serve_starts_uvicorn_with_the_app_factory(
    uvicorn_calls: list[tuple[tuple[Any, ...], dict[str, Any]]],
) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--port", "9001", "--workers", "2"]) == 0
    ((args, kwargs),) = uvicorn_calls
    assert args == ("mizan.service.app:create_app",)
    assert kwargs["factory"] is True
    assert (kwargs["host"], kwargs["port"], kwargs["workers"]) == ("0.0.0.0", 9001, 2)
    assert kwargs["reload"] is False
    assert kwargs["access_log"] is False
    logging.config.dictConfig(kwargs["log_config"])  # a valid logging configuration


def test_serve_defaults_come_from_the_settings(
    uvicorn_calls: list[tuple[tuple[Any, ...], dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = ServiceSettings(host="0.0.0.0", port=8123, workers=3, log_level="WARNING")
    monkeypatch.setattr(serve_cli, "get_settings", lambda: settings)
    assert main(["serve"]) == 0
    kwargs = uvicorn_calls[0][1]
    assert (kwargs["host"], kwargs["port"], kwargs["workers"]) == ("0.0.0.0", 8123, 3)
    assert kwargs["log_level"] == "warning"


def test_scorers_reach_the_app_factory_through_the_environment(
    uvicorn_calls: list[tuple[tuple[Any, ...], dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["serve"]) == 0
    assert os.environ[serve_cli.SCORERS_ENV] == str(len(os.sched_getaffinity(0)))
    assert ServiceSettings().scorers == len(os.sched_getaffinity(0))
    assert main(["serve", "--scorers", "0"]) == 0
    assert ServiceSettings().scorers == 0
    # With one worker the app is built in this process: the cached settings see it too.
    assert main(["serve", "--scorers", "2"]) == 0
    assert service_settings.get_settings().scorers == 2
    monkeypatch.setenv(serve_cli.SCORERS_ENV, "3")
    monkeypatch.setattr(serve_cli, "get_settings", ServiceSettings)  # read the environment anew
    assert main(["serve"]) == 0
    assert os.environ[serve_cli.SCORERS_ENV] == "3"


def test_reload_runs_a_single_process(
    uvicorn_calls: list[tuple[tuple[Any, ...], dict[str, Any]]],
) -> None:
    assert main(["serve", "--reload"]) == 0
    kwargs = uvicorn_calls[0][1]
    assert kwargs["reload"] is True and kwargs["workers"] is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["serve", "--port", "0"], "must be between 1 and 65535, not 0"),
        (["serve", "--port", "eighty"], "expected a whole number, not 'eighty'"),
        (["serve", "--workers", "0"], "must be between 1 and 64, not 0"),
        (["serve", "--scorers", "65"], "must be between 0 and 64, not 65"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser("serve").parse_args(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_serve_refuses_a_store_in_a_missing_folder(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MIZAN_STORE_URL", f"sqlite:///{tmp_path}/no/such/x.db")
    service_settings.get_settings.cache_clear()
    try:
        code = main(["serve"])
    finally:
        service_settings.get_settings.cache_clear()
    assert code == 3
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err
    assert not (tmp_path / "no").exists()
    assert (
        "MIZAN_STORE_URL"
        in build_parser("serve")._subparsers._group_actions[0].choices["serve"].format_help()
    )
