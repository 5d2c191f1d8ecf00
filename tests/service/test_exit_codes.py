"""One test per documented exit code of ``mizan``."""

import json
from pathlib import Path

import pytest

from mizan.detector.engine import DetectorEngine
from mizan.service.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_exit_0_when_scored(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(EXAMPLES / "wire_en.json")]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"]


def test_exit_1_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(EXAMPLES / "farm_ar.txt"), "--threshold", "0.99"]) == 1


def test_exit_2_for_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "bad.json"
    article.write_text(json.dumps({"body": "Officials said.", "colour": "red"}), "utf-8")
    assert main(["score", str(article)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Value error" not in err


def test_exit_3_for_an_internal_error_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(self: DetectorEngine, *args: object, **kwargs: object) -> None:
        raise RuntimeError("scoring broke")

    monkeypatch.setattr(DetectorEngine, "score", broken)
    assert main(["score", str(EXAMPLES / "wire_en.json")]) == 3
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: scoring broke" in err
    assert "Traceback" not in err


def test_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(self: DetectorEngine, *args: object, **kwargs: object) -> None:
        raise RuntimeError("scoring broke")

    monkeypatch.setattr(DetectorEngine, "score", broken)
    assert main(["--debug", "score", str(EXAMPLES / "wire_en.json")]) == 3
    assert "Traceback" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["garbage.db", "no/such/dir/x.db"])
def test_exit_3_for_an_unopenable_store(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "garbage.db").write_text("not a database", "utf-8")
    store = f"sqlite:///{tmp_path / name}"
    assert main(["score", str(EXAMPLES / "wire_en.json"), "--store", store]) == 3
    err = capsys.readouterr().err
    assert err.startswith("mizan: store error:") and "Traceback" not in err
    assert not (tmp_path / "no").exists()
