from __future__ import annotations

import csv
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from mizan.detector.settings import REPO_ROOT
from mizan.detector.store import ArticleStore
from mizan.detector.store.pipeline import ingest_articles
from mizan.service.cli import main

# Rows shaped like the saudinewsnet corpus: its own column names, mapped with --map.
ROWS: list[dict[str, Any]] = [
    {
        "id": "okaz-1",
        "source": "okaz",
        "title": "الهلال يتغلب على النصر في ديربي العاصمة",
        "author": "جدة: سعيد الأبيض",
        "date_extracted": "2015-07-21 02:51:32",
        "content": "فاز فريق الهلال على النصر بهدفين مقابل هدف في مباراة الدوري التي أقيمت مساء "
        "أمس على ملعب الملك فهد الدولي بحضور جماهيري كبير.",
    },
    {
        "id": "okaz-2",
        "source": "okaz",
        "title": "المنتخب يبدأ معسكره الإعدادي",
        "author": "سعيد الأبيض (جدة)",
        "date_extracted": "2015-07-22 10:00:00",
        "content": "أعلن مدرب المنتخب الوطني قائمة اللاعبين المشاركين في المعسكر الإعدادي الذي "
        "يبدأ الأسبوع المقبل استعدادا للتصفيات الآسيوية.",
    },
    {
        "id": "aawsat-1",
        "source": "aawsat",
        "title": "Council approves road budget",
        "author": "By Sarah Collins",
        "date_extracted": "2015-07-22",
        "content": "The city council approved a budget of 120 million dollars for road repairs "
        "on Monday after a debate that lasted more than four hours.",
    },
]
MAP = ["--map", "body=content", "--map", "outlet=source", "--map", "published_at=date_extracted"]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    return path


def ingest(path: Path, url: str, *extra: str) -> int:
    return main(["ingest", str(path), "--store", url, "--no-topics", "--no-progress", *MAP, *extra])


def stored_ids(url: str) -> set[str]:
    store = ArticleStore(url, topics=None)
    ids = store.existing_ids(["okaz-1", "okaz-2", "aawsat-1"])
    store.close()
    return ids


def test_ingest_jsonl_with_column_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    source = write_jsonl(tmp_path / "archive.jsonl", ROWS)
    assert ingest(source, url, "--json", "--workers", "1") == 0
    summary = json.loads(capsys.readouterr().out)
    assert {key: summary[key] for key in ("rows", "stored", "already_stored", "rejected")} == {
        "rows": 3,
        "stored": 3,
        "already_stored": 0,
        "rejected": 0,
    }
    store = ArticleStore(url, topics=None)
    stored = store.get_article("okaz-1")
    assert stored is not None
    assert (stored.outlet, stored.authors, stored.published_at) == (
        "okaz",
        ("سعيد الابيض",),
        "2015-07-21T02:51:32+00:00",
    )
    profile = store.author_profile("سعيد الأبيض")
    assert profile is not None and profile.article_count == 2
    store.close()
    # a second run stores nothing new
    assert ingest(source, url, "--json", "--workers", "1") == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["stored"], again["already_stored"]) == (0, 3)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_ingest_csv_and_parquet(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"archive{suffix}"
    if suffix == ".csv":
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(ROWS[0]))
            writer.writeheader()
            writer.writerows(ROWS)
    else:
        pd = pytest.importorskip("pandas")
        pd.DataFrame(ROWS).to_parquet(path)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert ingest(path, url, "--workers", "1") == 0
    assert stored_ids(url) == {"okaz-1", "okaz-2", "aawsat-1"}


def test_rows_without_ids_get_content_ids(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    rows = [{key: value for key, value in row.items() if key != "id"} for row in ROWS]
    first = write_jsonl(tmp_path / "first.jsonl", rows)
    second = write_jsonl(tmp_path / "second.jsonl", list(reversed(rows)))
    assert ingest(first, url, "--workers", "1") == 0
    assert ingest(second, url, "--workers", "1") == 0
    store = ArticleStore(url, topics=None)
    assert store.count_articles() == 3
    assert store.stats()["authors"] == 2
    store.close()


def test_bad_rows_are_reported_and_the_rest_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    source = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps(ROWS[0], ensure_ascii=False),
        "{not json",
        json.dumps({**ROWS[1], "content": "   "}, ensure_ascii=False),
        json.dumps({**ROWS[2], "date_extracted": "last Tuesday"}, ensure_ascii=False),
        json.dumps({**ROWS[1], "id": "okaz-3", "colour": "red"}, ensure_ascii=False),
    ]
    source.write_text("\n".join(lines) + "\n", "utf-8")
    errors = tmp_path / "rejected.jsonl"
    # Rows were rejected, so the exit code says so (as for mizan batch).
    assert ingest(source, url, "--workers", "1", "--errors", str(errors)) == 2
    err = capsys.readouterr().err
    assert "row 2 not stored: line is not valid JSON" in err
    assert "row 3 not stored: an article needs a non-empty 'body'" in err
    assert "row 4 not stored: published_at 'last Tuesday' is not a date" in err
    # An unknown key is rejected as the API rejects it, naming the columns that are read.
    assert "row 5 not stored: colour: unknown field (accepted: id, title, content," in err
    assert "1 stored" in err and "4 rejected" in err
    rejected = [json.loads(line) for line in errors.read_text("utf-8").splitlines()]
    assert [(item["row"], item["id"]) for item in rejected] == [
        (2, None),
        (5, "okaz-3"),
        (3, "okaz-2"),
        (4, "aawsat-1"),
    ]
    store = ArticleStore(url, topics=None)
    assert store.existing_ids(["okaz-1", "okaz-3", "okaz-2"]) == {"okaz-1"}
    store.close()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--map", "body=text"], "has no column 'text'"),
        (["--map", "colour=content"], "'colour' is not an article field"),
        (["--workers", "0"], "--workers must be at least 1"),
    ],
)
def test_unusable_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    source = tmp_path / "archive.csv"
    with open(source, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(ROWS[0]))
        writer.writeheader()
        writer.writerows(ROWS)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    code = main(["ingest", str(source), "--store", url, "--no-topics", "--no-progress", *arguments])
    assert code == 2
    assert message in capsys.readouterr().err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ingest(tmp_path / "nowhere.jsonl", f"sqlite:///{tmp_path / 's.db'}") == 2
    assert "no such file" in capsys.readouterr().err


def _synthetic_rows(count: int, seed: int = 5) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    vocabulary = [
        "الحكومة",
        "المدينة",
        "الفريق",
        "المشروع",
        "الطاقة",
        "السوق",
        "الوزارة",
        "المنطقة",
        "الطلاب",
        "المستشفى",
        "الميناء",
        "الشركة",
        "الملعب",
        "المطار",
        "الجامعة",
        "المهرجان",
        "أعلنت",
        "افتتح",
        "ناقش",
        "أكد",
        "أوضح",
        "خلال",
        "اليوم",
        "الجديد",
        "الكبير",
        "عن",
    ]
    authors = ["محمد العلي", "سعيد الأبيض", "رنيم حنوش", "واس - الرياض", "نايف الرشيد"]
    rows = []
    for index in range(count):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(60, 120))]
        rows.append(
            {
                "id": f"syn-{index}",
                "content": " ".join(words) + f" {index}.",
                "author": authors[index % len(authors)],
                "source": ("okaz", "sabq", "alriyadh")[index % 3],
                "date_extracted": f"2015-07-{index % 28 + 1:02d}",
            }
        )
    return rows


def test_parallel_ingest_stores_every_row(tmp_path: Path) -> None:
    rows = _synthetic_rows(300)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    source = write_jsonl(tmp_path / "many.jsonl", rows)
    assert ingest(source, url, "--workers", "2", "--batch-rows", "40") == 0
    store = ArticleStore(url, topics=None)
    assert store.count_articles() == 300
    assert store.verify() == []
    profile = store.author_profile("محمد العلي")
    assert profile is not None and profile.article_count == 60
    store.close()


def test_training_can_build_a_store_from_rows(tmp_path: Path) -> None:
    store = ArticleStore(f"sqlite:///{tmp_path / 'train.db'}", topics=None)
    articles = [
        {"id": row["id"], "body": row["content"], "author": row["author"], "outlet": row["source"]}
        for row in _synthetic_rows(50)
    ]
    summary = ingest_articles(store, articles, workers=1, use_topics=False)
    assert (summary.stored, summary.rejected) == (50, 0)
    assert ingest_articles(store, articles, workers=1, use_topics=False).already_stored == 50
    store.close()


def _count(database: Path) -> int:
    try:
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
        try:
            return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.OperationalError:
        return 0


@pytest.mark.slow
def test_killed_ingest_loses_no_committed_article(tmp_path: Path) -> None:
    rows = _synthetic_rows(4000)
    source = write_jsonl(tmp_path / "archive.jsonl", rows)
    database = tmp_path / "store.db"
    url = f"sqlite:///{database}"
    command = [
        sys.executable,
        "-m",
        "mizan.service.cli",
        "ingest",
        str(source),
        "--store",
        url,
        "--no-topics",
        "--no-progress",
        "--workers",
        "1",
        "--batch-rows",
        "20",
        *MAP,
    ]
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment
    )
    deadline = time.monotonic() + 120
    while _count(database) < 200 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "the ingest finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    committed = _count(database)
    assert 200 <= committed < len(rows)
    store = ArticleStore(url, topics=None)
    assert store.verify() == []
    # every stored article is whole: its authors are linked and counted
    sample = store.get_article("syn-0")
    assert sample is not None and sample.authors == ("محمد العلي",)
    store.close()
    # running the same ingest again completes the archive without duplicates
    finished = subprocess.run(command, capture_output=True, env=environment, timeout=600)
    assert finished.returncode == 0, finished.stderr.decode()
    assert f"{len(rows) - committed} stored, {committed} already stored" in finished.stderr.decode()
    store = ArticleStore(url, topics=None)
    assert store.count_articles() == len(rows)
    assert store.verify() == []
    profile = store.author_profile("محمد العلي")
    assert profile is not None and profile.article_count == len(rows) // 5
    store.close()


def test_topics_can_be_filled_in_later(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mizan.detector.store.records import default_topic_scorer

    if default_topic_scorer() is None:
        pytest.skip("no topic model bundle under models/topics")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    source = write_jsonl(tmp_path / "archive.jsonl", ROWS)
    assert ingest(source, url, "--workers", "1") == 0
    store = ArticleStore(url, topics=None)
    assert store.stats()["articles_with_topics"] == 0
    store.close()
    code = main(
        [
            "ingest",
            str(source),
            "--store",
            url,
            "--no-progress",
            "--workers",
            "1",
            "--recompute-topics",
            *MAP,
        ]
    )
    assert code == 0
    assert "classified 3 stored articles" in capsys.readouterr().err
    store = ArticleStore(url, topics=None)
    assert store.stats()["articles_with_topics"] == 3
    football = store.get_article("okaz-1")
    assert football is not None and football.topic == "sport"
    profile = store.author_profile("سعيد الأبيض")
    assert profile is not None and sum(profile.topic_counts.values()) == 2
    store.close()
