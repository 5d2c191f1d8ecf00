"""`mizan train --with-feedback`: editor verdicts from the store become train rows."""

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from mizan.detector.article import ArticleInput
from mizan.detector.errors import MizanError
from mizan.detector.settings import get_settings
from mizan.detector.store.archive import ArticleStore, FeedbackEntry
from mizan.service.cli import main
from mizan.training.cli import add_arguments, config_from_args
from mizan.training.config import TrainConfig
from mizan.training.feedback import FEEDBACK_CORPUS, add_feedback_rows, feedback_rows, load_feedback
from mizan.training.records import COLUMNS
from mizan.training.splits import SPLIT_GROUP_COLUMN

ENGLISH_RUMOUR = (
    "Residents of the eastern district were told on Tuesday that the water supply had been "
    "poisoned, according to messages shared thousands of times. The city utility said its "
    "laboratory found no contamination and that the messages came from an account created "
    "two days earlier. Doctors at the central hospital reported no unusual admissions."
)
ENGLISH_REPORT = (
    "The central bank kept its main interest rate unchanged at 5.5 percent on Wednesday, "
    "citing slowing inflation and steady employment. The governor told reporters that the "
    "committee would review the decision at its next meeting in March, and that lending to "
    "small businesses had grown by four percent over the year."
)
ARABIC_REPORT = (
    "أعلنت وزارة الصحة يوم الأحد افتتاح مستشفى جديد في مدينة الدمام بسعة مئتي سرير، "
    "وقال المتحدث باسم الوزارة إن المستشفى سيخدم سكان المنطقة الشرقية ويضم أقساما للطوارئ "
    "والعناية المركزة وطب الأطفال، وإن التشغيل الكامل سيبدأ مطلع العام المقبل."
)
ARABIC_CLAIM = (
    "انتشرت على مواقع التواصل رسالة تزعم أن الحكومة ستلغي رواتب الموظفين الشهر المقبل، "
    "ونفت وزارة المالية الخبر في بيان رسمي وأكدت أن الرواتب ستصرف في موعدها، ودعت "
    "المواطنين إلى استقاء المعلومات من المصادر الرسمية فقط وعدم تداول الشائعات."
)
ENGLISH_FLOOD = (
    "Heavy rain flooded several roads in the northern suburbs overnight, and the transport "
    "authority closed two tunnels until the water was pumped out. No injuries were reported, "
    "and the weather office expects the rain to ease by Friday afternoon."
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ArticleStore]:
    """A SQLite store with archived articles and a history of editor verdicts."""
    opened = ArticleStore(f"sqlite:///{tmp_path / 'store.db'}", topics=None)
    opened.add_many(
        [
            ArticleInput(
                id="archived-rumour",
                title="Water supply poisoned, messages claim",
                body=ENGLISH_RUMOUR,
                outlet="Daily Wire Service",
                author="Sam Reed",
            ),
            ArticleInput(id="archived-rates", title="Rates unchanged", body=ENGLISH_REPORT),
            ArticleInput(id="archived-flood", title="Roads flooded", body=ENGLISH_FLOOD),
        ]
    )
    verdicts = [
        # Archived article, no text sent with the verdict: read from the archive.
        FeedbackEntry("archived-rumour", "unreliable", "editor-1"),
        # Scored only, never archived: the text comes with the feedback.
        FeedbackEntry(
            "scored-hospital",
            "reliable",
            "editor-2",
            article={"body": ARABIC_REPORT, "title": "افتتاح مستشفى جديد", "outlet": "اليوم"},
        ),
        # The editor changed their mind: the last word counts.
        FeedbackEntry("archived-rates", "unreliable", "editor-1"),
        FeedbackEntry("archived-rates", "reliable", "editor-2", note="checked the release"),
        FeedbackEntry("scored-salaries", "reliable", "editor-1", article={"body": ARABIC_CLAIM}),
        FeedbackEntry("scored-salaries", "unreliable", "editor-3", article={"body": ARABIC_CLAIM}),
        # Sent back for review: no verdict to learn from.
        FeedbackEntry("archived-flood", "reliable", "editor-1"),
        FeedbackEntry("archived-flood", "review", "editor-2"),
        # Neither sent with the verdict nor archived: no text to train on.
        FeedbackEntry("never-seen", "unreliable", "editor-1"),
    ]
    for entry in verdicts:
        opened.add_feedback(entry)
    yield opened
    opened.close()


def test_feedback_rows_turn_latest_verdicts_into_credibility_train_rows(
    store: ArticleStore,
) -> None:
    feedback = feedback_rows(store)
    frame = feedback.frame
    assert list(frame.columns) == list(COLUMNS)
    by_id = frame.set_index("id")
    assert sorted(by_id.index) == [
        f"{FEEDBACK_CORPUS}:archived-rates",
        f"{FEEDBACK_CORPUS}:archived-rumour",
        f"{FEEDBACK_CORPUS}:scored-hospital",
        f"{FEEDBACK_CORPUS}:scored-salaries",
    ]
    expected = {
        "archived-rumour": (1, "en", ENGLISH_RUMOUR),
        "archived-rates": (0, "en", ENGLISH_REPORT),
        "scored-hospital": (0, "ar", ARABIC_REPORT),
        "scored-salaries": (1, "ar", ARABIC_CLAIM),
    }
    for article_id, (label, language, text) in expected.items():
        row = by_id.loc[f"{FEEDBACK_CORPUS}:{article_id}"]
        assert row["label"] == label, article_id
        assert row["language"] == language, article_id
        assert row["text"] == text
    assert set(frame["split"]) == {"train"}
    assert set(frame["task"]) == {"credibility"}
    assert set(frame["source_corpus"]) == {FEEDBACK_CORPUS}
    rumour = by_id.loc[f"{FEEDBACK_CORPUS}:archived-rumour"]
    assert rumour["outlet"] == "Daily Wire Service"
    assert rumour["title"] == "Water supply poisoned, messages claim"
    assert by_id.loc[f"{FEEDBACK_CORPUS}:scored-hospital", "outlet"] == "اليوم"
    # The flood article's last verdict is "review"; "never-seen" has no text anywhere.
    assert feedback.verdicts == 5
    assert feedback.missing_article == ["never-seen"]


def test_load_feedback_opens_the_store_by_url(store: ArticleStore) -> None:
    feedback = load_feedback(store.url)
    assert len(feedback.frame) == 4
    assert int(feedback.frame["label"].sum()) == 2


def test_load_feedback_refuses_a_missing_sqlite_store(tmp_path: Path) -> None:
    missing = tmp_path / "absent.db"
    with pytest.raises(MizanError, match="no store"):
        load_feedback(f"sqlite:///{missing}")
    assert not missing.exists()


def _corpus_row(row_id: str, text: str, split: str, group: int, label: int = 0) -> dict:
    return {
        "id": row_id,
        "title": None,
        "text": text,
        "author": None,
        "outlet": None,
        "language": "en",
        "label": label,
        "task": "credibility",
        "source_corpus": "en-fakes-syria",
        "split": split,
        "group": None,
        "variant": None,
        "published_at": None,
        SPLIT_GROUP_COLUMN: group,
    }


def test_feedback_joins_train_only_and_drops_copies_of_held_out_rows(
    store: ArticleStore,
) -> None:
    corpus = pd.DataFrame(
        [
            _corpus_row("syria:1", ENGLISH_FLOOD, "train", 3),
            # The editors' rumour verdict is about an article already in the test split.
            _corpus_row("syria:2", ENGLISH_RUMOUR + " Police are investigating.", "test", 7, 1),
            # The rates report is a train row too: the feedback copy joins its fold group.
            _corpus_row("syria:3", ENGLISH_REPORT, "train", 11),
            _corpus_row("syria:4", ARABIC_CLAIM[:60] + " " + ENGLISH_FLOOD[::-1], "val", 12),
        ]
    )
    feedback = feedback_rows(store).frame
    combined, dropped = add_feedback_rows(corpus, feedback)

    assert dropped == 1
    pd.testing.assert_frame_equal(combined.iloc[: len(corpus)], corpus)
    added = combined[combined["source_corpus"] == FEEDBACK_CORPUS].set_index("id")
    assert sorted(added.index) == [
        f"{FEEDBACK_CORPUS}:archived-rates",
        f"{FEEDBACK_CORPUS}:scored-hospital",
        f"{FEEDBACK_CORPUS}:scored-salaries",
    ]
    assert set(added["split"]) == {"train"}
    assert added.loc[f"{FEEDBACK_CORPUS}:archived-rates", SPLIT_GROUP_COLUMN] == 11
    fresh = added.loc[
        [f"{FEEDBACK_CORPUS}:scored-hospital", f"{FEEDBACK_CORPUS}:scored-salaries"],
        SPLIT_GROUP_COLUMN,
    ]
    assert fresh.nunique() == 2
    assert not set(fresh) & set(corpus[SPLIT_GROUP_COLUMN])
    assert combined["id"].is_unique


def test_no_feedback_leaves_the_frame_as_it_was() -> None:
    corpus = pd.DataFrame([_corpus_row("syria:1", ENGLISH_FLOOD, "train", 0)])
    empty = pd.DataFrame(columns=list(COLUMNS))
    combined, dropped = add_feedback_rows(corpus, empty)
    assert dropped == 0
    pd.testing.assert_frame_equal(combined, corpus)


def test_train_help_lists_the_feedback_flags(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--help"])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    assert "--with-feedback" in help_text
    assert "--store" in help_text


def _parse(*arguments: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(arguments))


def test_feedback_flags_set_the_config() -> None:
    plain = config_from_args(_parse())
    assert plain.with_feedback is False
    assert plain.to_dict()["with_feedback"] is False

    config = config_from_args(_parse("--with-feedback", "--store", "sqlite:///newsroom.db"))
    assert config.with_feedback is True
    assert config.store_url == "sqlite:///newsroom.db"
    recorded = config.to_dict()
    assert recorded["with_feedback"] is True
    assert "store_url" not in recorded  # where the store lives is not part of the model


def test_store_without_with_feedback_is_refused() -> None:
    with pytest.raises(MizanError, match="--with-feedback"):
        config_from_args(_parse("--store", "sqlite:///newsroom.db"))


def test_default_config_trains_without_feedback() -> None:
    assert TrainConfig().with_feedback is False


def test_tiny_training_run_with_feedback_records_it(
    store: ArticleStore,
    tmp_path: Path,
    tiny_cache: Path,
    tiny_train_args: tuple[str, ...],
    capsys: pytest.CaptureFixture[str],
) -> None:
    if not get_settings().corpora_dir.is_dir():
        pytest.skip(f"corpora not available at {get_settings().corpora_dir}")
    root = tmp_path / "models"
    exit_code = main(
        [
            "train",
            *tiny_train_args,
            "--models-root",
            str(root),
            "--cache-dir",
            str(tiny_cache),
            "--no-default",
            "--version",
            "0.0.1-feedback",
            "--with-feedback",
            "--store",
            store.url,
        ]
    )
    assert exit_code == 0
    captured = capsys.readouterr()
    assert "editor feedback: 4 train rows from 5 verdicts (1 without article text" in captured.err
    assert "editor feedback: 4 train rows (2 unreliable, 2 reliable)" in captured.out
    bundle = root / "mizan-default" / "0.0.1-feedback"
    metadata = json.loads((bundle / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["config"]["with_feedback"] is True
    assert metadata["feedback"]["rows"] == 4
    assert metadata["feedback"]["missing_article"] == 1
    (entry,) = [c for c in metadata["corpora"] if c["name"] == FEEDBACK_CORPUS]
    assert entry["rows"] == {"train": 4, "val": 0, "test": 0}
    assert entry["labels"] == {"0": 2, "1": 2}
    assert entry["language"] == "ar,en"
    assert FEEDBACK_CORPUS not in metadata["metrics"]["test"]["corpus"]
    assert FEEDBACK_CORPUS in (bundle / "MODEL_CARD.md").read_text(encoding="utf-8")
