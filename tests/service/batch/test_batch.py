import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mizan.detector.article import ArticleInput
from mizan.detector.engine import DetectorEngine
from mizan.detector.settings import get_settings
from mizan.service.batch.columns import ColumnMapping
from mizan.service.batch.reports import REPORT_COLUMNS, dumps_line
from mizan.service.batch.runner import BatchOptions, run_batch
from mizan.service.cli import main

ARABIC_PARAGRAPHS = [
    "أعلنت وزارة المالية اليوم أن الإيرادات غير النفطية ارتفعت في الربع الثاني بنسبة 9 في المئة "
    "مقارنة بالفترة نفسها من العام الماضي، وقال المتحدث باسم الوزارة في مؤتمر صحفي بالرياض إن "
    "الزيادة جاءت من ضريبة القيمة المضافة ورسوم الخدمات الحكومية.",
    "وأوضح التقرير الذي نشرته الهيئة العامة للإحصاء على موقعها أن معدل البطالة بين المواطنين "
    "انخفض إلى 8.5 في المئة، وهو أدنى مستوى منذ بدء نشر البيانات الفصلية.",
    "وفي جدة، افتتح أمير منطقة مكة المكرمة مشروع توسعة الميناء الذي تبلغ تكلفته 2.7 مليار ريال، "
    "ويتوقع أن يرفع الطاقة الاستيعابية للميناء إلى 130 مليون طن سنويا بحلول عام 2030.",
    "من جهته، قال رئيس الغرفة التجارية إن القطاع الخاص ينتظر تفاصيل اللائحة التنفيذية قبل "
    "اتخاذ قرارات التوسع، مشيرا إلى أن الشركات الصغيرة هي الأكثر تأثرا بارتفاع تكاليف التمويل.",
]
ENGLISH_PARAGRAPHS = [
    "The central bank kept its benchmark rate unchanged at 5.25% on Thursday, saying inflation "
    "had slowed for a third straight month but remained above its 2% target, according to a "
    "statement published after the two-day meeting.",
    "Governor Maria Lopez told reporters that the committee was divided, with two of its seven "
    "members voting for a quarter-point cut, and that the bank would watch wage data closely.",
    "Port officials in Rotterdam said container volumes fell 4.1% in the first half of the year, "
    "blaming weaker demand in Germany and the rerouting of ships away from the Red Sea.",
    "Analysts at the Institute for Fiscal Studies said the government's plan left little room "
    "for new spending, estimating the shortfall at about 12 billion pounds by 2028.",
]


def _article(index: int, paragraphs_per_article: int = 3) -> dict[str, Any]:
    """Row ``index`` of a synthetic archive: alternating Arabic and English news articles."""
    arabic = index % 2 == 0
    paragraphs = ARABIC_PARAGRAPHS if arabic else ENGLISH_PARAGRAPHS
    chosen = [
        paragraphs[(index + offset) % len(paragraphs)] for offset in range(paragraphs_per_article)
    ]
    lead = (
        f"قالت مصادر رسمية إن الاجتماع رقم {index} عقد صباح اليوم."
        if arabic
        else f"Officials said meeting number {index} took place this morning."
    )
    return {
        "id": f"{'ar' if arabic else 'en'}-{index:04d}",
        "title": f"خبر اقتصادي رقم {index}" if arabic else f"Economy report {index}",
        "body": "\n\n".join([lead, *chosen]),
        "author": "الرياض: واس" if arabic else "Jane Doe",
    }


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(dumps_line(row) for row in rows), encoding="utf-8")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_bytes().split(b"\n") if line]


def _errors_path(out: Path) -> Path:
    return out.with_name(out.name + ".errors.jsonl")


@pytest.fixture(scope="module")
def engine() -> DetectorEngine:
    return DetectorEngine.from_settings()


def _expected(engine: DetectorEngine, fields: dict[str, Any], row: int) -> dict[str, Any]:
    report = engine.score(fields).to_dict()
    return json.loads(json.dumps({"id": report.pop("id"), "row": row, **report}))


def _batch(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str]:
    code = main(["batch", *(str(arg) for arg in args)])
    return code, capsys.readouterr().err


SUMMARY = re.compile(
    r"^mizan batch: (\d+) rows scored, (\d+) errors, (\d+) skipped \(resume\), "
    r"[\d.]+ s, [\d.]+ rows/s -> .+$"
)


def _summary(stderr: str) -> tuple[int, int, int]:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr  # no progress bar when stderr is not a terminal
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    scored, errors, skipped = (int(value) for value in match.groups())
    return scored, errors, skipped


def test_jsonl_round_trip_matches_the_engine(
    tmp_path: Path, engine: DetectorEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [_article(index) for index in range(1, 9)]
    rows[3].pop("id")
    source, out = tmp_path / "archive.jsonl", tmp_path / "reports.jsonl"
    _write_jsonl(source, rows)
    code, stderr = _batch(capsys, source, out)
    assert code == 0
    assert _summary(stderr) == (8, 0, 0)
    assert "columns not read" not in stderr  # a JSONL key is a field: unknown ones are errors
    records = _read_jsonl(out)
    assert [record["row"] for record in records] == list(range(1, 9))
    assert records[3]["id"] == "row-4"
    for number, (row, record) in enumerate(zip(rows, records, strict=True), start=1):
        assert record == _expected(engine, {"id": f"row-{number}", **row}, number)
    assert not _errors_path(out).exists()


def test_csv_with_column_mapping(
    tmp_path: Path, engine: DetectorEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [_article(index) for index in range(1, 6)]
    source, out = tmp_path / "archive.csv", tmp_path / "reports.jsonl"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["article_id", "headline", "content", "writer", "views"])
        for index, row in enumerate(rows):
            writer.writerow([row["id"], row["title"], row["body"], row["author"], index * 10])
    code, stderr = _batch(
        capsys, source, out, "--map", "body=content", "--map", "title=headline",
        "--map", "author=writer", "--id-column", "article_id",
    )  # fmt: skip
    assert code == 0, stderr
    # A column that feeds no field is named once in the summary, never silently dropped.
    assert _summary(stderr) == (5, 0, 0)
    assert stderr.rstrip().endswith("; columns not read: views (read one with --map FIELD=COLUMN)")
    records = _read_jsonl(out)
    assert [record["id"] for record in records] == [row["id"] for row in rows]
    for number, (row, record) in enumerate(zip(rows, records, strict=True), start=1):
        assert "\n\n" in row["body"]  # multi-line CSV cells arrive whole
        assert record == _expected(engine, row, number)
        assert record["title"] == row["title"] and record["author"] == row["author"]


def test_parquet_in_and_parquet_out(
    tmp_path: Path, engine: DetectorEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{**_article(index), "published_at": "2015-07-21"} for index in range(1, 12)]
    rows[5]["body"] = ""
    source, out = tmp_path / "archive.parquet", tmp_path / "reports.parquet"
    pq.write_table(pa.Table.from_pylist(rows), source, row_group_size=4)
    code, stderr = _batch(capsys, source, out, "--chunk-rows", "3")
    assert code == 2, stderr  # one row went to the errors file
    assert _summary(stderr) == (10, 1, 0)
    table = pq.read_table(out)
    assert tuple(table.column_names) == REPORT_COLUMNS
    assert table.column("row").to_pylist() == [1, 2, 3, 4, 5, 7, 8, 9, 10, 11]
    for record in table.to_pylist():
        row = rows[record["row"] - 1]
        expected = _expected(engine, row, record["row"])
        assert json.loads(record["report_json"]) == expected
        assert record["id"] == row["id"]
        assert record["reliability"] == expected["reliability"]
        assert record["verdict"] == expected["verdict"]
        assert record["model_name"] == expected["model"]["name"]
    assert _read_jsonl(_errors_path(out)) == [
        {
            "row": 6,
            "id": rows[5]["id"],
            "error": "invalid",
            "reason": "an article needs a non-empty 'body' (text or page text) or 'html'",
        }
    ]
    assert not out.with_name(out.name + ".partial.jsonl").exists()
    assert not out.with_name(out.name + ".tmp").exists()


def test_unscorable_rows_go_to_the_errors_file_and_the_run_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = [_article(index) for index in range(1, 4)]
    lines = [
        dumps_line(good[0]),
        dumps_line({"id": "empty", "body": "   \n  "}),
        dumps_line({"id": "too-long", "body": "كلمة " * 50_000}),
        dumps_line({"id": "french", "body": "Le ministre a parlé.", "language": "fr"}),
        dumps_line({"id": "list-body", "body": ["فقرة", "فقرة"]}),
        '{"id": "broken", "body": "نص\n',
        "[1, 2]\n",
        dumps_line(good[1]),
        dumps_line({"id": "x" * 300, "body": "Officials said the meeting ended."}),
        dumps_line(good[2]),
    ]
    source, out = tmp_path / "archive.jsonl", tmp_path / "reports.jsonl"
    source.write_text("".join(lines), encoding="utf-8")
    code, stderr = _batch(capsys, source, out)
    assert code == 2  # rows went to the errors file
    assert _summary(stderr) == (3, 7, 0)
    assert [record["row"] for record in _read_jsonl(out)] == [1, 8, 10]
    errors = {record["row"]: record for record in _read_jsonl(_errors_path(out))}
    assert sorted(errors) == [2, 3, 4, 5, 6, 7, 9]
    assert errors[2]["id"] == "empty"
    assert errors[2]["reason"] == (
        "an article needs a non-empty 'body' (text or page text) or 'html'"
    )
    limit = get_settings().max_text_chars  # the contract's limit, the same as the API's
    assert errors[3]["id"] == "too-long"
    assert errors[3]["reason"] == f"body has 250000 characters; the limit is {limit}"
    assert errors[4]["reason"].startswith("language:")
    assert errors[5]["reason"].startswith("body:")
    assert errors[6]["id"] == "row-6" and errors[6]["reason"].startswith("line is not valid JSON")
    assert errors[7]["reason"] == "line is not a JSON object"
    assert errors[9]["reason"].startswith("id:")
    assert {record["error"] for record in errors.values()} == {"invalid"}


def test_existing_output_is_refused_without_resume_or_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, out = tmp_path / "archive.jsonl", tmp_path / "reports.jsonl"
    _write_jsonl(source, [_article(index) for index in range(1, 4)])
    assert _batch(capsys, source, out)[0] == 0
    before = out.read_bytes()
    code, stderr = _batch(capsys, source, out)
    assert code == 2
    assert stderr.count("\n") == 1
    assert "already exists" in stderr and "--resume" in stderr and "--overwrite" in stderr
    assert out.read_bytes() == before
    code, stderr = _batch(capsys, source, out, "--overwrite")
    assert code == 0 and _summary(stderr) == (3, 0, 0)
    assert out.read_bytes() == before
    with pytest.raises(SystemExit) as usage_error:
        _batch(capsys, source, out, "--resume", "--overwrite")
    assert usage_error.value.code == 2


def test_an_errors_file_alone_also_counts_as_an_earlier_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, out = tmp_path / "archive.jsonl", tmp_path / "reports.jsonl"
    _write_jsonl(source, [{"id": "empty", "body": ""}])
    assert _batch(capsys, source, out)[0] == 2
    assert out.read_bytes() == b""
    code, stderr = _batch(capsys, source, out)
    assert code == 2 and "reports.jsonl.errors.jsonl already exists" in stderr
    code, stderr = _batch(capsys, source, out, "--resume")
    assert code == 0 and _summary(stderr) == (0, 0, 1)


def test_resume_after_a_crash_that_tore_the_last_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [_article(index) for index in range(1, 21)]
    rows[2]["body"] = ""
    rows[15]["body"] = ""
    source, out = tmp_path / "archive.jsonl", tmp_path / "reports.jsonl"
    _write_jsonl(source, rows)
    assert _batch(capsys, source, out, "--chunk-rows", "4")[0] == 2
    complete = _read_jsonl(out)
    lines = out.read_bytes().splitlines(keepends=True)
    # As if killed while writing line 8: 7 whole lines and half of the 8th; row 16's error lost.
    out.write_bytes(b"".join(lines[:7]) + lines[7][: len(lines[7]) // 2])
    errors_path = _errors_path(out)
    errors_path.write_bytes(errors_path.read_bytes().splitlines(keepends=True)[0])
    code, stderr = _batch(capsys, source, out, "--resume")
    assert code == 2  # row 16 failed again in this run
    assert _summary(stderr) == (11, 1, 8)
    resumed = _read_jsonl(out)
    assert Counter(record["id"] for record in resumed) == Counter(
        row["id"] for index, row in enumerate(rows) if index not in (2, 15)
    )
    assert sorted(resumed, key=lambda record: record["row"]) == complete
    assert sorted(record["row"] for record in _read_jsonl(errors_path)) == [3, 16]
    code, stderr = _batch(capsys, source, out, "--resume")
    assert code == 0 and _summary(stderr) == (0, 0, 20)


def test_resume_refuses_an_input_that_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [_article(index) for index in range(1, 6)]
    source, out = tmp_path / "archive.jsonl", tmp_path / "reports.jsonl"
    _write_jsonl(source, rows)
    assert _batch(capsys, source, out)[0] == 0
    rows[1]["id"] = "replaced"
    _write_jsonl(source, rows)
    code, stderr = _batch(capsys, source, out, "--resume")
    assert code == 2
    assert "row 2" in stderr and "'replaced'" in stderr and "input changed" in stderr


def test_resume_adds_rows_appended_to_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [_article(index) for index in range(1, 9)]
    source, out = tmp_path / "archive.jsonl", tmp_path / "reports.jsonl"
    _write_jsonl(source, rows[:5])
    assert _batch(capsys, source, out)[0] == 0
    _write_jsonl(source, rows)
    code, stderr = _batch(capsys, source, out, "--resume")
    assert code == 0 and _summary(stderr) == (3, 0, 5)
    assert [record["id"] for record in _read_jsonl(out)] == [row["id"] for row in rows]


def test_resume_of_a_killed_parquet_run_finishes_from_the_journal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [_article(index) for index in range(1, 13)]
    source, out = tmp_path / "archive.jsonl", tmp_path / "reports.parquet"
    _write_jsonl(source, rows)
    assert _batch(capsys, source, out)[0] == 0
    complete = pq.read_table(out).to_pylist()
    # A run killed mid-way has no OUT yet, only its journal, with a torn last line.
    out.unlink()
    journal = out.with_name(out.name + ".partial.jsonl")
    lines = [dumps_line(json.loads(record["report_json"])) for record in complete[:6]]
    journal.write_text("".join(lines[:5]) + lines[5][:40], encoding="utf-8")
    code, stderr = _batch(capsys, source, out, "--resume")
    assert code == 0 and _summary(stderr) == (7, 0, 5)
    assert pq.read_table(out).to_pylist() == complete
    assert not journal.exists()


def test_resume_after_a_kill_between_parquet_rename_and_journal_removal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [_article(index) for index in range(1, 9)]
    source, out = tmp_path / "archive.jsonl", tmp_path / "reports.parquet"
    _write_jsonl(source, rows)
    assert _batch(capsys, source, out)[0] == 0
    complete = pq.read_table(out).to_pylist()
    journal = out.with_name(out.name + ".partial.jsonl")
    journal.write_text(
        "".join(dumps_line(json.loads(record["report_json"])) for record in complete),
        encoding="utf-8",
    )
    code, stderr = _batch(capsys, source, out, "--resume")
    assert code == 0 and _summary(stderr) == (0, 0, 8)
    assert pq.read_table(out).to_pylist() == complete
    assert not journal.exists()


def test_two_workers_write_the_same_output_in_the_same_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [_article(index) for index in range(1, 31)]
    rows[7]["body"] = ""
    source = tmp_path / "archive.jsonl"
    _write_jsonl(source, rows)
    single, parallel = tmp_path / "single.jsonl", tmp_path / "parallel.jsonl"
    assert _batch(capsys, source, single)[0] == 2
    code, stderr = _batch(capsys, source, parallel, "--workers", "2", "--chunk-rows", "3")
    assert code == 2 and _summary(stderr) == (29, 1, 0)
    assert parallel.read_bytes() == single.read_bytes()
    assert _errors_path(parallel).read_bytes() == _errors_path(single).read_bytes()


def test_no_explain_and_features_flags(
    tmp_path: Path, engine: DetectorEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    source, out = tmp_path / "archive.jsonl", tmp_path / "reports.jsonl"
    _write_jsonl(source, [_article(1)])
    assert _batch(capsys, source, out, "--no-explain", "--features")[0] == 0
    (record,) = _read_jsonl(out)
    assert record["top_features"] == []
    assert all(item["evidence"] == [] for item in record["signals"])
    assert set(record["features"]) == set(engine.feature_names)
    assert len(record["signals"]) == len(engine.signals) > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--map", "body"], "FIELD=COLUMN"),
        (["--map", "content=body"], "'content' is not an article field"),
        (["--map", "body=text"], "no column 'text' (mapped to body)"),
        (["--id-column", "guid"], "no column 'guid' (mapped to id)"),
        (["--workers", "0"], "at least 1"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    source = tmp_path / "archive.csv"
    source.write_text("id,body\na1,قال الوزير إن النمو 3 في المئة.\n", encoding="utf-8")
    code, stderr = _batch(capsys, source, tmp_path / "reports.jsonl", *args)
    assert code == 2
    assert stderr.count("\n") == 1 and message in stderr


@pytest.mark.parametrize(
    ("name", "message"), [("missing.jsonl", "no such file"), ("archive.xml", "--input-format")]
)
def test_unreadable_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    if name.endswith(".xml"):
        (tmp_path / name).write_text("<articles/>", encoding="utf-8")
    code, stderr = _batch(capsys, tmp_path / name, tmp_path / "reports.jsonl")
    assert code == 2 and message in stderr


def test_progress_bar_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, out = tmp_path / "archive.jsonl", tmp_path / "reports.jsonl"
    _write_jsonl(source, [_article(index) for index in range(1, 4)])
    summary = run_batch(BatchOptions(source, out, columns=ColumnMapping(), progress=True))
    assert (summary.scored, summary.errors, summary.skipped) == (3, 0, 0)
    assert "scoring" in capsys.readouterr().err


def _complete_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_mid_run_then_resume_writes_every_row_once(tmp_path: Path, workers: int) -> None:
    rows = [_article(index, paragraphs_per_article=4) for index in range(1, 401)]
    for index in (49, 150, 333):
        rows[index]["body"] = ""
    source, out = tmp_path / "archive.jsonl", tmp_path / "reports.jsonl"
    _write_jsonl(source, rows)
    command = [sys.executable, "-m", "mizan.service.cli", "batch", str(source), str(out)]
    command += ["--chunk-rows", "4", "--workers", str(workers)]
    process = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while _complete_lines(out) < 12 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    still_running = process.poll() is None
    if still_running:
        os.killpg(process.pid, signal.SIGKILL)  # the run and its worker processes
    process.wait()
    assert still_running, "the run ended before it could be killed"
    written_before = _complete_lines(out)
    assert 12 <= written_before < 397

    result = subprocess.run(
        [*command, "--resume"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    scored, errors, skipped = _summary(result.stderr)
    assert result.returncode == (2 if errors else 0), result.stderr
    assert scored + errors + skipped == 400 and skipped >= written_before
    reports = _read_jsonl(out)  # every line parses
    failed = _read_jsonl(_errors_path(out))
    assert Counter(record["id"] for record in reports + failed) == Counter(
        row["id"] for row in rows
    )
    assert sorted(record["row"] for record in failed) == [50, 151, 334]
    assert sorted(record["row"] for record in reports + failed) == list(range(1, 401))


def test_resume_as_parquet_over_a_jsonl_output_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, out = tmp_path / "archive.jsonl", tmp_path / "reports.out"
    _write_jsonl(source, [_article(1)])
    assert _batch(capsys, source, out)[0] == 0
    code, stderr = _batch(capsys, source, out, "--resume", "--output-format", "parquet")
    assert code == 2 and "is not a reports Parquet file" in stderr


class _EngineWithAFault(DetectorEngine):
    """The real engine, except that one article trips an unexpected exception."""

    def score(self, article: Any, explain: bool = True) -> Any:
        body = article.body if isinstance(article, ArticleInput) else article["body"]
        if "FAULT" in body:
            raise RuntimeError("signal crashed on this article")
        return super().score(article, explain=explain)


def _engine_with_a_fault() -> DetectorEngine:
    return _EngineWithAFault()


def test_an_unexpected_fault_in_one_row_is_recorded_and_the_run_goes_on(tmp_path: Path) -> None:
    rows = [_article(index) for index in range(1, 5)]
    rows[1]["body"] += " FAULT"
    source, out = tmp_path / "archive.jsonl", tmp_path / "reports.jsonl"
    _write_jsonl(source, rows)
    summary = run_batch(BatchOptions(source, out), engine_factory=_engine_with_a_fault)
    assert (summary.scored, summary.errors) == (3, 1)
    assert [record["row"] for record in _read_jsonl(out)] == [1, 3, 4]
    assert _read_jsonl(_errors_path(out)) == [
        {
            "row": 2,
            "id": rows[1]["id"],
            "error": "internal",
            "reason": "RuntimeError: signal crashed on this article",
        }
    ]
