"""``mizan batch - -``: stdin in, JSONL reports out on stdout, through a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mizan.service.cli import EXIT_BAD_INPUT, EXIT_OK


def _good(index: int) -> dict[str, str]:
    return {
        "id": f"wire-{index}",
        "title": f"المجلس البلدي يقر ميزانية الحدائق للدورة {index}",
        "body": "أقر المجلس البلدي في جلسته الأسبوعية ميزانية صيانة الحدائق العامة، وقال رئيس "
        "المجلس إن الأعمال تبدأ مطلع الشهر المقبل وفق الجدول المنشور على موقع البلدية.",
    }


def _mizan(
    cwd: Path, *args: str, stdin: bytes = b"", timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "mizan.service.cli", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


def _jsonl(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]


def _stderr_parts(data: bytes) -> tuple[list[dict[str, Any]], list[str]]:
    """Split stderr into JSON records (rejected rows) and plain lines (the counts)."""
    records, lines = [], []
    for line in data.decode("utf-8").splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
        elif line.strip():
            lines.append(line)
    return records, lines


def test_stdin_to_stdout_counts_every_line_and_keeps_whole_reasons(tmp_path: Path) -> None:
    lines = [
        json.dumps(_good(1), ensure_ascii=False),
        "",  # a blank line is no row, but it is a line: row numbers keep counting
        json.dumps({"id": "typo", "body": "نص الخبر كاملا", "autor": "سالم"}, ensure_ascii=False),
        '{"id": "cut", "body": "نص',
        json.dumps(_good(2), ensure_ascii=False),
    ]
    result = _mizan(tmp_path, "batch", "-", "-", stdin="\n".join(lines).encode() + b"\n")
    assert result.returncode == EXIT_BAD_INPUT, result.stderr.decode()
    reports = _jsonl(result.stdout)
    assert [(report["id"], report["row"]) for report in reports] == [("wire-1", 1), ("wire-2", 5)]
    assert all(report["verdict"] in ("reliable", "review", "unreliable") for report in reports)
    rejected, plain = _stderr_parts(result.stderr)
    assert [(item["row"], item["id"]) for item in rejected] == [(3, "typo"), (4, "row-4")]
    assert rejected[0]["reason"] == (
        "autor: unknown field (accepted: id, title, body, html, url, author, author_bio, "
        "outlet, published_at, language)"
    )
    assert rejected[1]["reason"].startswith("line is not valid JSON: ")
    assert plain[-1].startswith("mizan batch: 2 rows scored, 2 errors, 0 skipped")
    assert plain[-1].endswith("-> stdout")
    assert sorted(path.name for path in tmp_path.iterdir()) == []  # no file named '-'


def test_errors_file_beside_stdout_and_a_clean_run_exits_0(tmp_path: Path) -> None:
    rows = [_good(1), {"id": "empty", "body": "  "}]
    stdin = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()
    errors = tmp_path / "rejected.jsonl"
    result = _mizan(tmp_path, "batch", "-", "-", "--errors", str(errors), stdin=stdin)
    assert result.returncode == EXIT_BAD_INPUT
    assert [report["id"] for report in _jsonl(result.stdout)] == ["wire-1"]
    assert [item["id"] for item in _jsonl(errors.read_bytes())] == ["empty"]
    records, plain = _stderr_parts(result.stderr)
    assert records == [] and "1 rows scored, 1 errors" in plain[-1]
    # The errors file is not silently appended to by a second run.
    again = _mizan(tmp_path, "batch", "-", "-", "--errors", str(errors), stdin=stdin)
    assert again.returncode == EXIT_BAD_INPUT and b"already exists" in again.stderr
    clean = json.dumps(_good(3), ensure_ascii=False).encode() + b"\n"
    result = _mizan(tmp_path, "batch", "-", "-", stdin=clean)
    assert result.returncode == EXIT_OK and len(_jsonl(result.stdout)) == 1


@pytest.mark.parametrize("explicit", [False, True])
def test_csv_on_stdin_is_sniffed_or_named(tmp_path: Path, explicit: bool) -> None:
    good = _good(4)
    csv_text = f'article_id,content,notes\n{good["id"]},"{good["body"]}",ignored\nno-text,,\n'
    flags = ["--input-format", "csv"] if explicit else []
    result = _mizan(
        tmp_path,
        "batch",
        "-",
        "-",
        "--map",
        "body=content",
        "--id-column",
        "article_id",
        *flags,
        stdin=csv_text.encode(),
    )
    assert result.returncode == EXIT_BAD_INPUT, result.stderr.decode()
    assert [report["id"] for report in _jsonl(result.stdout)] == [good["id"]]
    rejected, _ = _stderr_parts(result.stderr)
    assert [(item["row"], item["reason"]) for item in rejected] == [
        (
            2,
            "an article needs a non-empty 'body' (text or page text) or 'html' "
            "(body is read from column 'content')",
        )
    ]


def test_stdin_to_a_file_writes_the_errors_file_beside_it(tmp_path: Path) -> None:
    rows = [_good(5), {"id": "typo", "body": "نص", "bodyy": "x"}]
    stdin = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()
    result = _mizan(tmp_path, "batch", "-", "out.jsonl", stdin=stdin)
    assert result.returncode == EXIT_BAD_INPUT
    assert [report["id"] for report in _jsonl((tmp_path / "out.jsonl").read_bytes())] == ["wire-5"]
    errors = _jsonl((tmp_path / "out.jsonl.errors.jsonl").read_bytes())
    assert errors[0]["id"] == "typo" and errors[0]["reason"].startswith("bodyy: unknown field")
    assert result.stdout == b""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--resume"], "--resume needs an OUT file"),
        (["--output-format", "parquet"], "JSONL only"),
    ],
)
def test_stdout_refuses_what_it_cannot_do(tmp_path: Path, extra: list[str], message: str) -> None:
    stdin = json.dumps(_good(6), ensure_ascii=False).encode() + b"\n"
    result = _mizan(tmp_path, "batch", "-", "-", *extra, stdin=stdin)
    assert result.returncode == EXIT_BAD_INPUT
    err = result.stderr.decode()
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert result.stdout == b"" and list(tmp_path.iterdir()) == []


def test_gzip_on_stdin_is_a_clear_error(tmp_path: Path) -> None:
    import gzip

    stdin = gzip.compress(json.dumps(_good(7)).encode() + b"\n")
    result = _mizan(tmp_path, "batch", "-", "-", stdin=stdin)
    assert result.returncode == EXIT_BAD_INPUT and b"decompress it first" in result.stderr


def test_help_says_how_stdin_format_is_chosen(tmp_path: Path) -> None:
    result = _mizan(tmp_path, "batch", "--help")
    text = " ".join(result.stdout.decode().split())
    assert result.returncode == 0
    assert "- for stdin" in text and "sniffed" in text and "- for JSONL on stdout" in text
