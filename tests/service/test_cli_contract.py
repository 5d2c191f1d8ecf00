"""The command line's contract: an exit code per outcome, and a batch over every malformed row shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mizan.detector.engine import DetectorEngine
from mizan.service.cli import EXIT_BAD_INPUT, EXIT_FLAGGED, EXIT_INTERNAL, EXIT_OK, main

ROOT = Path(__file__).resolve().parents[2]
FARM = ROOT / "examples" / "farm_ar.txt"
WIRE = ROOT / "examples" / "wire_ar.txt"


def _run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str]:
    code = main([str(arg) for arg in args])
    return code, capsys.readouterr().err


def test_0_scored(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(capsys, "score", WIRE)
    assert code == EXIT_OK and err == ""


def test_1_flagged_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "score", FARM)[0] == EXIT_OK
    assert _run(capsys, "score", FARM, "--fail-on", "unreliable")[0] == EXIT_FLAGGED


@pytest.mark.parametrize("problem", ["missing file", "unknown field", "no text"])
def test_2_bad_input_is_one_plain_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], problem: str
) -> None:
    path = tmp_path / "article.json"
    if problem == "unknown field":
        path.write_text(json.dumps({"body": "نص الخبر", "bodyy": "x"}), encoding="utf-8")
    elif problem == "no text":
        path.write_text(json.dumps({"body": "   "}), encoding="utf-8")
    code, err = _run(capsys, "score", path)
    assert code == EXIT_BAD_INPUT
    assert len(err.strip().splitlines()) == 1 and err.startswith("mizan: ")
    assert "Value error" not in err and "Traceback" not in err


@pytest.mark.parametrize("kind", ["missing folder", "a folder, not a file"])
def test_3_an_unopenable_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    target = tmp_path / "no" / "x.db" if kind == "missing folder" else tmp_path
    code, err = _run(capsys, "score", WIRE, "--store", f"sqlite:///{target}")
    assert code == EXIT_INTERNAL
    lines = err.strip().splitlines()
    assert lines[0].startswith("mizan: ") and "Traceback" not in err
    assert len(lines) <= 2  # the error, and how to see the traceback
    assert not (tmp_path / "no").exists()


def test_3_an_internal_error_and_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(self: DetectorEngine, *args: object, **kwargs: object) -> None:
        raise RuntimeError("scoring broke\nsecond line")

    monkeypatch.setattr(DetectorEngine, "score", broken)
    code, err = _run(capsys, "score", WIRE)
    assert code == EXIT_INTERNAL
    assert err.splitlines()[0] == "mizan: internal error: RuntimeError: scoring broke second line"
    assert "Traceback" not in err
    code, err = _run(capsys, "--debug", "score", WIRE)
    assert code == EXIT_INTERNAL and "Traceback" in err


def _good(index: int) -> dict[str, str]:
    return {
        "id": f"good-{index}",
        "title": f"وزارة المالية تعلن أرقام الربع رقم {index}",
        "body": "قال وزير المالية في بيان رسمي إن الإيرادات ارتفعت خلال الربع الماضي. "
        "وأضاف الوزير أن الوزارة ستنشر التفاصيل الأسبوع المقبل على موقعها.",
    }


def test_batch_over_every_malformed_shape_loses_no_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps(_good(1), ensure_ascii=False),
        "",  # blank: no row, but line numbers keep counting
        "[" * 100_000 + "]" * 100_000,  # nested too deeply for the JSON parser
        '{"body": "نص مقطوع',  # not JSON
        '["a", "list"]',  # not an object
        json.dumps({"id": "numeric", "body": 123}),
        json.dumps({"id": "listed", "body": ["a", "b"]}),
        json.dumps({"id": "unknown", "body": "نص الخبر", "bodyy": "x"}),
        json.dumps(_good(2), ensure_ascii=False),
    ]
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_bytes("\n".join(lines).encode() + b"\n\xff\xfe not utf-8\n")
    source.write_bytes(source.read_bytes() + json.dumps(_good(3)).encode() + b"\n")
    code, err = _run(capsys, "batch", source, out)
    assert code == EXIT_BAD_INPUT
    reports = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    errors_file = out.with_name(out.name + ".errors.jsonl")
    errors = [json.loads(line) for line in errors_file.read_text(encoding="utf-8").splitlines()]
    assert sorted(report["id"] for report in reports) == ["good-1", "good-2", "good-3"]
    assert sorted(error["row"] for error in errors) == [3, 4, 5, 6, 7, 8, 10]
    assert "3 rows scored, 7 errors" in err
    code, err = _run(capsys, "batch", source, out, "--resume")
    assert code == EXIT_OK and "0 rows scored, 0 errors, 10 skipped" in err


def test_batch_a_row_past_the_time_budget_goes_to_the_errors_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mizan.detector.settings import get_settings

    monkeypatch.setenv("MIZAN_SCORE_TIMEOUT_S", "0.05")
    get_settings.cache_clear()
    try:
        source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
        rows = [{"id": "slow", "body": "قال هو، " * 12_400}, _good(1)]
        source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
        code, err = _run(capsys, "batch", source, out)
    finally:
        get_settings.cache_clear()
    assert code == EXIT_BAD_INPUT and "1 rows scored, 1 errors" in err
    (error,) = [json.loads(line) for line in out.with_name("out.jsonl.errors.jsonl").open()]
    assert error["id"] == "slow" and "time budget" in error["reason"]
