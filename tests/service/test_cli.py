import json
import subprocess
import sys
from pathlib import Path

import pytest

from mizan.service.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_score_json_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(EXAMPLES / "farm_en.json")]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["id"] == "example-farm-en"
    assert report["verdict"] in ("unreliable", "review", "reliable")


def test_score_page_text_as_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(EXAMPLES / "farm_ar.txt"), "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "reliability" in out and "experts" in out and "سامي العتيبي" in out


def test_score_html(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(EXAMPLES / "article_ar.html")]) == 0
    assert "extracted_body" in json.loads(capsys.readouterr().out)


def test_threshold_flags_with_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(EXAMPLES / "farm_ar.txt"), "--threshold", "0.99"]) == 1


def test_fail_on_unreliable_passes_clean_article() -> None:
    assert main(["score", str(EXAMPLES / "wire_en.json"), "--fail-on", "unreliable"]) == 0


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        ("", ".txt", "non-empty"),
        ("{not json", ".json", "not valid JSON"),
        ('["a list"]', ".json", "one JSON object"),
        ('{"body": "text", "colour": "red"}', ".json", "colour"),
        ('{"body": 5}', ".json", "body"),
        ("<html><body></body></html>", ".html", "no article text"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, suffix: str, message: str
) -> None:
    path = tmp_path / f"article{suffix}"
    path.write_text(content, encoding="utf-8")
    assert main(["score", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mizan:") and message in err
    assert len(err.splitlines()) == 1


def test_invalid_utf8_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"\xff\xfe\xfa not utf-8")
    assert main(["score", str(path)]) == 2
    assert "not valid UTF-8" in capsys.readouterr().err


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "/no/such/file.txt"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_stdin_through_console_entry_point() -> None:
    text = (EXAMPLES / "wire_ar.txt").read_text(encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mizan.service.cli", "score", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["language"] == "ar"
