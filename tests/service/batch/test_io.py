import csv
import datetime as dt
import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mizan.detector.errors import MizanError
from mizan.service.batch.columns import ColumnMapping, stable_row_id
from mizan.service.batch.formats import detect_input_format, detect_output_format
from mizan.service.batch.readers import iter_source_rows, read_header
from mizan.service.batch.reports import (
    REPORT_COLUMNS,
    JsonlAppender,
    dumps_line,
    iter_parquet_columns,
    scan_jsonl,
    write_reports_parquet,
)

ARTICLES = [
    {
        "article_id": "spa-101",
        "headline": "وزير المالية يعلن ميزانية العام المقبل",
        "content": "أعلن وزير المالية، اليوم الأحد، أن ميزانية العام المقبل تبلغ 1.1 تريليون ريال.",
        "writer": "الرياض: واس",
    },
    {
        "article_id": "reu-7",
        "headline": "Central bank holds rates",
        "content": "The central bank kept its main rate at 5.25%, citing slowing inflation, "
        "the governor told reporters on Thursday.",
        "writer": "Jane Doe",
    },
    {
        "article_id": "",
        "headline": "الأمطار تعود إلى جدة",
        "content": "توقعت الهيئة العامة للأرصاد هطول أمطار رعدية على محافظة جدة،\nمع رياح نشطة.",
        "writer": "",
    },
]


@pytest.mark.parametrize(
    ("name", "explicit", "expected"),
    [
        ("archive.jsonl", None, "jsonl"),
        ("archive.ndjson", None, "jsonl"),
        ("archive.JSONL.gz", None, "jsonl"),
        ("archive.csv", None, "csv"),
        ("archive.csv.gz", None, "csv"),
        ("archive.parquet", None, "parquet"),
        ("archive.pq", None, "parquet"),
        ("archive.txt", "csv", "csv"),
        ("archive.parquet", "jsonl", "jsonl"),
    ],
)
def test_input_format_from_suffix_or_flag(name: str, explicit: str | None, expected: str) -> None:
    assert detect_input_format(Path(name), explicit) == expected


@pytest.mark.parametrize(
    ("name", "explicit"), [("archive.txt", None), ("archive", None), ("a.csv", "xml")]
)
def test_unknown_input_format_is_a_clear_error(name: str, explicit: str | None) -> None:
    with pytest.raises(MizanError, match="format"):
        detect_input_format(Path(name), explicit)


@pytest.mark.parametrize(
    ("name", "explicit", "expected"),
    [
        ("reports.jsonl", None, "jsonl"),
        ("reports.parquet", None, "parquet"),
        ("reports.out", None, "jsonl"),
        ("reports.jsonl", "parquet", "parquet"),
    ],
)
def test_output_format(name: str, explicit: str | None, expected: str) -> None:
    assert detect_output_format(Path(name), explicit) == expected


@pytest.mark.parametrize(
    ("items", "id_column", "expected"),
    [
        ([], None, {}),
        (["body=content"], None, {"body": "content"}),
        (
            ["body=content", "title = headline"],
            "article_id",
            {"body": "content", "title": "headline", "id": "article_id"},
        ),
        (["id=article_id"], "article_id", {"id": "article_id"}),
        (["body=content", "body=content"], None, {"body": "content"}),
    ],
)
def test_column_mapping_from_options(
    items: list[str], id_column: str | None, expected: dict[str, str]
) -> None:
    assert dict(ColumnMapping.from_options(items, id_column).mapped) == expected


@pytest.mark.parametrize(
    ("items", "id_column", "message"),
    [
        (["body"], None, "FIELD=COLUMN"),
        (["=content"], None, "FIELD=COLUMN"),
        (["body="], None, "FIELD=COLUMN"),
        (["text=content"], None, "'text' is not an article field"),
        (["body=content", "body=text"], None, "mapped twice"),
        (["id=guid"], "article_id", "disagrees"),
    ],
)
def test_column_mapping_rejects_bad_options(
    items: list[str], id_column: str | None, message: str
) -> None:
    with pytest.raises(MizanError, match=message):
        ColumnMapping.from_options(items, id_column)


def test_article_fields_follow_the_mapping_and_ignore_other_columns() -> None:
    mapping = ColumnMapping.from_options(
        ["body=content", "title=headline", "author=writer"], "article_id"
    )
    fields = mapping.article_fields({**ARTICLES[0], "body": "ignored", "views": 12}, "row-1")
    assert fields == {
        "id": "spa-101",
        "title": ARTICLES[0]["headline"],
        "body": ARTICLES[0]["content"],
        "author": "الرياض: واس",
    }


def test_unmapped_fields_are_read_from_same_named_columns() -> None:
    fields = ColumnMapping().article_fields(
        {"body": "نص الخبر", "outlet": "okaz", "language": "ar", "url": None}, "row-3"
    )
    assert fields == {"id": "row-3", "body": "نص الخبر", "outlet": "okaz", "language": "ar"}


@pytest.mark.parametrize(
    ("cell", "expected_id"),
    [
        (None, "row-9"),
        ("", "row-9"),
        ("   ", "row-9"),
        (float("nan"), "row-9"),
        (42, "42"),
        ("a-42", "a-42"),
    ],
)
def test_id_cells(cell: object, expected_id: str) -> None:
    fields = ColumnMapping().article_fields({"id": cell, "body": "خبر"}, stable_row_id(9))
    assert fields["id"] == expected_id


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.datetime(2015, 7, 21, 9, 30), "2015-07-21T09:30:00"),
        (dt.date(2015, 7, 21), "2015-07-21"),
        ("2015-07-21", "2015-07-21"),
        (20150721, "20150721"),
        (True, "true"),
        (b"2015", "2015"),
    ],
)
def test_published_at_cells_become_text(cell: object, expected: str) -> None:
    fields = ColumnMapping().article_fields({"body": "خبر", "published_at": cell}, "row-1")
    assert fields["published_at"] == expected


def test_nested_cells_are_passed_on_for_validation_to_reject() -> None:
    fields = ColumnMapping().article_fields({"body": ["a", "b"]}, "row-1")
    assert fields["body"] == ["a", "b"]


@pytest.mark.parametrize(
    ("columns", "items", "message"),
    [
        (["article_id", "headline"], ["title=headline"], "no 'body' or 'html' column"),
        (["content", "headline"], ["body=text"], "no column 'text' \\(mapped to body\\)"),
        (["content"], [], "map one with --map body=COLUMN"),
    ],
)
def test_header_check(columns: list[str], items: list[str], message: str) -> None:
    with pytest.raises(MizanError, match=message):
        ColumnMapping.from_options(items).check_header(columns, "archive.csv")


@pytest.mark.parametrize(
    ("columns", "items"), [(["body"], []), (["html", "id"], []), (["content"], ["body=content"])]
)
def test_header_check_accepts(columns: list[str], items: list[str]) -> None:
    ColumnMapping.from_options(items).check_header(columns, "archive.csv")


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_csv_rows_are_numbered_without_the_header_and_keep_multiline_cells(tmp_path: Path) -> None:
    path = tmp_path / "archive.csv"
    _write_csv(path, ARTICLES)
    assert read_header(path, "csv") == ["article_id", "headline", "content", "writer"]
    rows = list(iter_source_rows(path, "csv"))
    assert [row.number for row in rows] == [1, 2, 3]
    assert rows[2].values is not None
    assert rows[2].values["content"] == ARTICLES[2]["content"]
    assert "\n" in rows[2].values["content"]


def test_csv_row_with_extra_cells_is_a_problem_row(tmp_path: Path) -> None:
    path = tmp_path / "archive.csv"
    path.write_text("id,body\na1,خبر أول\na2,خبر,زائد\na3,خبر ثالث\n", encoding="utf-8")
    rows = list(iter_source_rows(path, "csv"))
    assert [(row.number, row.problem) for row in rows] == [
        (1, None),
        (2, "row has more cells than the header"),
        (3, None),
    ]


def test_csv_cells_longer_than_the_csv_module_default_are_read(tmp_path: Path) -> None:
    body = "كلمة " * 40_000
    path = tmp_path / "archive.csv"
    _write_csv(path, [{"id": "long", "body": body}])
    (row,) = iter_source_rows(path, "csv")
    assert row.values == {"id": "long", "body": body}


def test_jsonl_rows_skip_blank_lines_and_flag_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "archive.jsonl.gz"
    lines = [
        json.dumps(ARTICLES[0], ensure_ascii=False),
        "",
        '["not", "an", "object"]',
        '{"body": "نص مقطوع',
        json.dumps(ARTICLES[1]),
    ]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    rows = list(iter_source_rows(path, "jsonl"))
    # Numbered by physical line: the blank line 2 is no row but keeps its number.
    assert [row.number for row in rows] == [1, 3, 4, 5]
    assert rows[0].values == ARTICLES[0]
    assert rows[1].problem == "line is not a JSON object"
    assert rows[2].problem is not None and rows[2].problem.startswith("line is not valid JSON")
    assert rows[3].values == ARTICLES[1]


def test_parquet_rows_stream_in_batches_and_read_only_wanted_columns(tmp_path: Path) -> None:
    path = tmp_path / "archive.parquet"
    table = pa.Table.from_pylist(
        [{**article, "views": index} for index, article in enumerate(ARTICLES * 5)]
    )
    pq.write_table(table, path, row_group_size=4)
    rows = list(
        iter_source_rows(
            path, "parquet", columns=["article_id", "content", "missing"], batch_rows=2
        )
    )
    assert [row.number for row in rows] == list(range(1, 16))
    assert rows[4].values == {
        "article_id": ARTICLES[1]["article_id"],
        "content": ARTICLES[1]["content"],
    }


def test_dumps_line_keeps_arabic_readable() -> None:
    line = dumps_line({"id": "a", "title": "عنوان"})
    assert line == '{"id":"a","title":"عنوان"}\n'


def _records(count: int) -> list[dict[str, object]]:
    return [
        {"id": f"a{index}", "row": index, "title": "خبر رقم " + str(index)}
        for index in range(1, count + 1)
    ]


@pytest.mark.parametrize(
    "torn_tail",
    [
        b'{"id":"a4","row":4,"tit',
        '{"id":"a4","row":4,"title":"خبر'.encode()[:-1],  # cut inside a UTF-8 character
        b'{"id":"a4","row":4}',  # complete JSON but its newline never made it
        b"{",
    ],
)
def test_scan_jsonl_cuts_a_torn_last_line(tmp_path: Path, torn_tail: bytes) -> None:
    path = tmp_path / "reports.jsonl"
    good = "".join(dumps_line(record) for record in _records(3)).encode("utf-8")
    path.write_bytes(good + torn_tail)
    assert list(scan_jsonl(path)) == _records(3)
    assert path.read_bytes() == good


def test_scan_jsonl_without_repair_leaves_the_file(tmp_path: Path) -> None:
    path = tmp_path / "reports.jsonl"
    content = "".join(dumps_line(record) for record in _records(2)).encode("utf-8") + b'{"id"'
    path.write_bytes(content)
    assert list(scan_jsonl(path, repair=False)) == _records(2)
    assert path.read_bytes() == content


def test_scan_jsonl_refuses_a_broken_line_in_the_middle(tmp_path: Path) -> None:
    path = tmp_path / "reports.jsonl"
    lines = [dumps_line(record) for record in _records(3)]
    lines[1] = "not json\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(MizanError, match="line 2 is not a JSON object"):
        list(scan_jsonl(path))


def test_scan_jsonl_of_a_missing_file_is_empty(tmp_path: Path) -> None:
    assert list(scan_jsonl(tmp_path / "absent.jsonl")) == []


def test_jsonl_appender_appends_and_creates_only_when_asked(tmp_path: Path) -> None:
    lazy_path, eager_path = tmp_path / "errors.jsonl", tmp_path / "reports.jsonl"
    with (
        JsonlAppender(lazy_path) as lazy,
        JsonlAppender(eager_path, fsync_every=2, create=True) as eager,
    ):
        lazy.write([])
        assert not lazy_path.exists()
        assert eager_path.exists()
        eager.write([dumps_line(record) for record in _records(3)])
        assert eager_path.read_text(encoding="utf-8").count("\n") == 3  # flushed without closing
    with JsonlAppender(eager_path) as again:
        again.write([dumps_line({"id": "a4", "row": 4})])
    assert [record["row"] for record in scan_jsonl(eager_path)] == [1, 2, 3, 4]
    assert not lazy_path.exists()


def _report(row: int) -> dict[str, object]:
    return {
        "id": f"a{row}",
        "row": row,
        "reliability": 0.5 + row / 100,
        "verdict": "review",
        "ai_generated": None,
        "signals": [],
        "language": "ar",
        "model": {"name": "rules-v0", "version": "0"},
    }


def test_write_reports_parquet_keeps_earlier_rows_and_the_full_report(tmp_path: Path) -> None:
    path = tmp_path / "reports.parquet"
    assert write_reports_parquet(path, [_report(row) for row in (1, 2, 3)], row_group_rows=2) == 3
    assert write_reports_parquet(path, [_report(4)], keep_from=path) == 4
    table = pq.read_table(path)
    assert tuple(table.column_names) == REPORT_COLUMNS
    assert table.column("row").to_pylist() == [1, 2, 3, 4]
    assert table.column("model_name").to_pylist() == ["rules-v0"] * 4
    assert table.column("ai_generated").to_pylist() == [None] * 4
    assert [json.loads(text) for text in table.column("report_json").to_pylist()] == [
        _report(row) for row in (1, 2, 3, 4)
    ]
    assert list(iter_parquet_columns(path, ["row", "id"]))[3] == {"row": 4, "id": "a4"}
    assert not (tmp_path / "reports.parquet.tmp").exists()


def test_write_reports_parquet_with_no_rows_writes_an_empty_readable_file(tmp_path: Path) -> None:
    path = tmp_path / "reports.parquet"
    assert write_reports_parquet(path, []) == 0
    assert pq.read_table(path).num_rows == 0


def test_csv_with_a_byte_order_mark_keeps_its_first_column_name(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("\ufeffid,body\nx1,خبر عاجل\n".encode())
    assert read_header(path, "csv") == ["id", "body"]
    assert [row.values for row in iter_source_rows(path, "csv")] == [
        {"id": "x1", "body": "خبر عاجل"}
    ]


def test_jsonl_lines_split_only_on_newline(tmp_path: Path) -> None:
    path = tmp_path / "archive.jsonl"
    body = "الفقرة الأولى\u2028الفقرة الثانية\rتكملة"
    path.write_text(dumps_line({"id": "a1", "body": body}), encoding="utf-8")
    assert [row.values for row in iter_source_rows(path, "jsonl")] == [{"id": "a1", "body": body}]
    assert list(scan_jsonl(path)) == [{"id": "a1", "body": body}]


def test_a_jsonl_line_that_is_not_utf8_is_one_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "archive.jsonl"
    good = dumps_line({"id": "a1", "body": "خبر"}).encode()
    path.write_bytes(b"\xef\xbb\xbf" + good + b'{"id": "a2", "body": "\xff\xfe"}\n' + good)
    rows = list(iter_source_rows(path, "jsonl"))
    assert [(row.number, row.problem) for row in rows] == [
        (1, None),
        (2, "line is not valid UTF-8"),
        (3, None),
    ]


def test_a_csv_row_that_is_not_utf8_is_one_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "archive.csv"
    path.write_bytes(
        "id,body\na1,خبر أول\na2,خبر ثان\n".encode() + b"a3,\xff\xfe\n" + "a4,خبر رابع\n".encode()
    )
    rows = list(iter_source_rows(path, "csv"))
    assert [(row.number, row.problem) for row in rows] == [
        (1, None),
        (2, None),
        (3, "row is not valid UTF-8"),
        (4, None),
    ]
    assert rows[3].values == {"id": "a4", "body": "خبر رابع"}


def test_a_csv_quote_left_open_is_a_bad_row_not_merged_rows(tmp_path: Path) -> None:
    path = tmp_path / "archive.csv"
    path.write_text(
        'id,body\na1,"خبر أول\na2,خبر ثان\na3,"خبر\nعلى سطرين"\na4,"لم يغلق\n',
        encoding="utf-8",
    )
    rows = list(iter_source_rows(path, "csv"))
    good = [row.values for row in rows if row.values is not None]
    bad = [row.problem for row in rows if row.values is None]
    assert good == [{"id": "a2", "body": "خبر ثان"}, {"id": "a3", "body": "خبر\nعلى سطرين"}]
    assert len(bad) == 2 and all("not valid CSV" in problem for problem in bad)
    assert "line 2" in bad[0] and "line 6" in bad[1]


def test_a_duplicated_body_column_is_refused(tmp_path: Path) -> None:
    mapping = ColumnMapping()
    with pytest.raises(MizanError, match="more than one column named 'body'"):
        mapping.check_header(["id", "body", "title", "body"], "archive.csv")


def test_a_truncated_gzip_archive_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "archive.jsonl.gz"
    data = gzip.compress(
        "".join(dumps_line({"id": f"a{n}", "body": "خبر " * 50}) for n in range(200)).encode()
    )
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(MizanError, match="cannot read .* as jsonl after row"):
        list(iter_source_rows(path, "jsonl"))


def test_a_file_that_is_not_parquet_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "archive.parquet"
    path.write_text("id,body\n", encoding="utf-8")
    with pytest.raises(MizanError, match="cannot read .* as parquet"):
        read_header(path, "parquet")
