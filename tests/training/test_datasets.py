import logging
from pathlib import Path

import pandas as pd
import pytest

from mizan.detector.settings import get_settings
from mizan.training import datasets
from mizan.training.datasets import (
    LOADERS,
    load_all,
    load_arabic_aigt_diacritics,
    load_en_fakes_syria,
    load_en_l2r_newsarticle,
    load_en_llmfake,
    load_en_recovery_sample,
    load_mce_arabic_news_credibility,
    load_saudinewsnet,
    match_rewrites_to_originals,
    repair_mac_roman_mojibake,
)
from mizan.training.records import COLUMNS, SPLITS, TASKS, take_limit

CORPORA_DIR = get_settings().corpora_dir
needs_corpora = pytest.mark.skipif(
    not CORPORA_DIR.is_dir(),
    reason=f"corpora folder {CORPORA_DIR} not found (set MIZAN_CORPORA_DIR)",
)


@pytest.fixture(scope="module")
def full_corpora() -> dict[str, pd.DataFrame]:
    if not CORPORA_DIR.is_dir():
        pytest.skip(f"corpora folder {CORPORA_DIR} not found (set MIZAN_CORPORA_DIR)")
    return {name: loader() for name, loader in LOADERS.items()}


def _assert_schema(frame: pd.DataFrame, corpus: str) -> None:
    assert tuple(frame.columns) == COLUMNS
    assert len(frame) > 0
    assert set(frame["label"].unique()) <= {0, 1}
    assert frame["label"].dtype == "int64"
    assert set(frame["task"].unique()) <= TASKS
    assert set(frame["language"].unique()) <= {"ar", "en"}
    assert (frame["source_corpus"] == corpus).all()
    assert frame["id"].is_unique
    assert frame["id"].str.startswith(f"{corpus}:").all()
    assert frame["text"].map(lambda text: text == text.strip() and text != "").all()
    assert not frame.duplicated(subset=["task", "text"]).any()
    assert frame["split"].map(lambda split: split is None or split in SPLITS).all()
    for column in ("title", "author", "outlet", "group", "variant"):
        assert frame[column].map(lambda value: value is None or isinstance(value, str)).all()


@pytest.mark.slow
@pytest.mark.parametrize("corpus", sorted(LOADERS))
def test_loader_with_limit_returns_schema_and_is_deterministic(
    full_corpora: dict[str, pd.DataFrame], corpus: str
) -> None:
    limited = LOADERS[corpus](limit=40)
    _assert_schema(limited, corpus)
    assert len(limited) == 40
    full = full_corpora[corpus].set_index("id")
    assert limited["id"].tolist() == take_limit(full_corpora[corpus], 40)["id"].tolist()
    assert (limited.set_index("id")["text"] == full.loc[limited["id"], "text"]).all()


@pytest.mark.slow
@pytest.mark.parametrize("corpus", sorted(LOADERS))
def test_full_loader_returns_schema(full_corpora: dict[str, pd.DataFrame], corpus: str) -> None:
    _assert_schema(full_corpora[corpus], corpus)


# corpus, task, rows and share of label 1 expected from PROVENANCE.md, tolerance of the share.
# Loaded counts are a little lower: empty texts and exact duplicates are dropped.
PROVENANCE_COUNTS = [
    ("mce-arabic-news-credibility", "credibility", 1_247 + 3_535, 3_535 / (1_247 + 3_535), 0.02),
    ("arabic-aigt-diacritics", "ai_generated", 7_200 + 900 + 900 + 306 + 306, 0.5, 0.02),
    ("saudinewsnet", "human_news", 31_030, 0.0, 0.0),
    ("en-l2r-newsarticle", "ai_generated", 200 + 200 + 200 + 184 + 200, 784 / 984, 0.02),
    # 414 + 582 + 544 originals, 3 x 270 politifact + 231 gossipcop + 86 coaid rewrites of
    # fake originals, 200 pure ChatGPT texts. 168 coaid originals are repeated boilerplate
    # ("Access denied" pages), so more human rows go as duplicates.
    ("en-llmfake", "ai_generated", 1_540 + 1_327, 1_327 / (1_540 + 1_327), 0.05),
    ("en-fakes-syria", "credibility", 804, 378 / 804, 0.02),
    ("en-recovery-sample", "credibility", 100, 0.5, 0.02),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("corpus", "task", "expected_rows", "expected_share", "tolerance"), PROVENANCE_COUNTS
)
def test_counts_and_label_balance_match_provenance(
    full_corpora: dict[str, pd.DataFrame],
    corpus: str,
    task: str,
    expected_rows: int,
    expected_share: float,
    tolerance: float,
) -> None:
    frame = full_corpora[corpus]
    assert set(frame["task"]) == {task}
    assert 0.9 * expected_rows <= len(frame) <= expected_rows
    assert frame["label"].mean() == pytest.approx(expected_share, abs=tolerance)


@pytest.mark.slow
@needs_corpora
@pytest.mark.parametrize("corpus", ["mce-arabic-news-credibility", "en-fakes-syria"])
def test_limit_keeps_label_share(full_corpora: dict[str, pd.DataFrame], corpus: str) -> None:
    limited = LOADERS[corpus](limit=200)
    assert len(limited) == 200
    assert set(limited["id"]) <= set(full_corpora[corpus]["id"])
    assert limited["label"].mean() == pytest.approx(full_corpora[corpus]["label"].mean(), abs=0.02)


def _row(frame: pd.DataFrame, column: str, prefix: str) -> pd.Series:
    matches = frame[frame[column].fillna("").str.startswith(prefix)]
    assert len(matches) == 1, f"{len(matches)} rows whose {column} starts with {prefix!r}"
    return matches.iloc[0]


@pytest.mark.slow
def test_mce_titles_labels_and_outlets(full_corpora: dict[str, pd.DataFrame]) -> None:
    frame = full_corpora["mce-arabic-news-credibility"]
    article = _row(frame, "title", "الأسواني: مكتب الإرشاد يملي على النائب العام قراراته")
    assert article["label"] == 0
    assert article["id"] == "mce-arabic-news-credibility:trusted/5813"
    assert article["text"].startswith("إنجي خليفة")
    assert article["language"] == "ar"
    untrusted = frame[frame["id"].str.contains(":untrusted/")]
    assert (untrusted["label"] == 1).all()
    outlets = frame["outlet"].dropna()
    assert 800 <= len(outlets) <= 1_000
    assert {"El.Dostor.News", "officialyoum77", "fjp"} <= set(outlets)
    assert not outlets.str.contains("|", regex=False).any()


@pytest.mark.slow
def test_aigt_labels_are_flipped_and_splits_kept(full_corpora: dict[str, pd.DataFrame]) -> None:
    frame = full_corpora["arabic-aigt-diacritics"]
    machine = _row(frame, "text", "تختلف المعايير اللازمة لإجراءات التسجيل في قانون القيمة المضافة")
    human = _row(frame, "text", "فوائد العسل للشعر\n\nيعمل العسل على تقوية بصيلات الشعر")
    assert machine["label"] == 1
    assert human["label"] == 0
    sizes = frame.groupby(["variant", "split"]).size().to_dict()
    assert sizes[("customplus", "train")] == pytest.approx(7_200, abs=30)
    assert sizes[("customplus", "val")] == pytest.approx(900, abs=20)
    assert sizes[("customplus", "test")] == pytest.approx(900, abs=20)
    assert sizes[("pure", "val")] == pytest.approx(306, abs=5)
    assert sizes[("pure", "test")] == pytest.approx(306, abs=5)
    assert ("pure", "train") not in sizes
    for (variant, split), rows in frame.groupby(["variant", "split"]):
        assert rows["label"].mean() == pytest.approx(0.5, abs=0.02), (variant, split)


@pytest.mark.slow
def test_saudinewsnet_outlets_and_bylines(full_corpora: dict[str, pd.DataFrame]) -> None:
    frame = full_corpora["saudinewsnet"]
    assert (frame["label"] == 0).all()
    assert frame["outlet"].nunique() == 14
    assert frame["author"].notna().mean() == pytest.approx(26_294 / 31_030, abs=0.03)
    article = _row(frame, "title", "بريطانيا: أربعة محاور لاستراتيجية جديدة")
    assert article["author"] == "لندن: رنيم حنوش"
    assert article["outlet"] == "aawsat"
    assert article["text"].startswith("حدد رئيس الوزراء البريطاني ديفيد كاميرون")


@pytest.mark.slow
def test_l2r_groups_hold_one_original_and_its_rewrites(
    full_corpora: dict[str, pd.DataFrame],
) -> None:
    frame = full_corpora["en-l2r-newsarticle"]
    assert frame["group"].nunique() == 200
    humans_per_group = frame[frame["label"] == 0].groupby("group").size()
    assert (humans_per_group == 1).all()
    assert frame.groupby("group").size().max() == 5
    assert set(frame.loc[frame["label"] == 0, "variant"]) == {"human"}
    original = _row(frame, "text", "The full cost of damage in Newton Stewart")
    rewrites = frame[frame["group"] == original["group"]].set_index("variant")["text"]
    assert rewrites["GPT-4o"].startswith("The total damage cost in Newton Stewart")
    # The Gemini file is not in the order of the originals; matching still finds this one.
    assert rewrites["Gemini-1.5-Pro"].startswith("The recent deluge across southern Scotland")


@pytest.mark.parametrize(
    ("originals", "rewrites", "expected"),
    [
        (
            [
                "The council approved a new budget for road repairs on Monday.",
                "Heavy rain flooded the town centre and closed two schools.",
                "The striker scored twice as the club won the cup final.",
            ],
            [
                "Two goals from the striker secured the cup final win for the club.",
                "Road repairs get a fresh budget after the council vote on Monday.",
                "Schools shut after rain flooded the centre of the town.",
            ],
            [2, 0, 1],
        ),
    ],
)
def test_match_rewrites_to_originals(
    originals: list[str], rewrites: list[str], expected: list[int]
) -> None:
    assert match_rewrites_to_originals(originals, rewrites) == expected


@pytest.mark.slow
def test_llmfake_rewrites_are_not_copies_of_originals(
    full_corpora: dict[str, pd.DataFrame],
) -> None:
    frame = full_corpora["en-llmfake"]
    counts = frame.groupby("variant").size().to_dict()
    assert counts["politifact/paraphrase"] == 270
    assert counts["gossipcop/rewrite"] == 231
    assert counts["coaid/rewrite"] == 86
    assert counts["politifact/hallucination"] == 100
    humans = frame[frame["label"] == 0]
    assert humans["variant"].str.endswith("/human").all()
    human_text = dict(zip(humans["group"], humans["text"], strict=True))
    machine = frame[(frame["label"] == 1) & frame["group"].notna()]
    for group, text in zip(machine["group"], machine["text"], strict=True):
        original = human_text.get(group)
        assert original is None or not text.startswith(original[:300])
    zayn = _row(frame, "text", "Let Zayn entertain you!")
    assert (zayn["label"], zayn["variant"]) == (0, "gossipcop/human")


@pytest.mark.slow
def test_fakes_labels_are_flipped_and_text_decoded(full_corpora: dict[str, pd.DataFrame]) -> None:
    frame = full_corpora["en-fakes-syria"]
    fake = _row(frame, "title", "Homs governor says U.S. attack caused deaths")
    assert (fake["label"], fake["outlet"]) == (1, "nna")
    assert frame["outlet"].nunique() == 15
    assert frame["text"].str.contains("•").any()
    assert not frame["text"].str.contains("[\x80-\x9f]", regex=True).any()


@pytest.mark.slow
def test_recovery_labels_outlets_and_repaired_text(full_corpora: dict[str, pd.DataFrame]) -> None:
    frame = full_corpora["en-recovery-sample"]
    article = _row(frame, "title", "Gatherings Should Be Limited to 10 People, Trump Says")
    assert (article["label"], article["outlet"], article["author"]) == (
        0,
        "The New York Times",
        None,
    )
    assert not frame["text"].str.contains("‚Ä", regex=False).any()
    assert frame["text"].str.contains("“", regex=False).any()
    assert frame["author"].dropna().str.contains("Kate Gibson", regex=False).any()
    labels_per_outlet = frame.groupby("outlet")["label"].nunique()
    assert (labels_per_outlet == 1).all()


@pytest.mark.parametrize(
    ("garbled", "expected"),
    [
        ("‚ÄúIt seems to me,‚Äù Mr. Trump said", "“It seems to me,” Mr. Trump said"),
        ("we‚Äôll not only hold", "we’ll not only hold"),
        ("Café owners reopened", "Café owners reopened"),
        ("plain ASCII text", "plain ASCII text"),
    ],
)
def test_repair_mac_roman_mojibake(garbled: str, expected: str) -> None:
    assert repair_mac_roman_mojibake(garbled) == expected


@pytest.mark.slow
@needs_corpora
def test_load_all_concatenates_selected_corpora() -> None:
    names = ["en-recovery-sample", "en-fakes-syria"]
    frame = load_all(names, limit=30)
    assert tuple(frame.columns) == COLUMNS
    assert frame.groupby("source_corpus").size().to_dict() == {
        "en-fakes-syria": 30,
        "en-recovery-sample": 30,
    }
    assert frame["id"].is_unique


def test_load_all_rejects_unknown_corpus() -> None:
    with pytest.raises(KeyError, match="no-such-corpus"):
        load_all(["no-such-corpus"])


@pytest.mark.parametrize(
    "loader",
    [
        load_mce_arabic_news_credibility,
        load_arabic_aigt_diacritics,
        load_saudinewsnet,
        load_en_l2r_newsarticle,
        load_en_llmfake,
        load_en_fakes_syria,
        load_en_recovery_sample,
    ],
)
def test_missing_corpus_folder_names_the_setting(tmp_path: Path, loader: datasets.Loader) -> None:
    with pytest.raises(FileNotFoundError, match="MIZAN_CORPORA_DIR"):
        loader(corpora_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="MIZAN_CORPORA_DIR"):
        loader(corpora_dir=tmp_path / "absent")


def test_empty_and_duplicate_texts_are_dropped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "en-fakes-syria" / "data" / "raw"
    folder.mkdir(parents=True)
    rows = pd.DataFrame(
        {
            "unit_id": ["1", "2", "3", "4", "5", "6", "7"],
            "article_title": ["A", "A copy", "B", "B copy", "C", "Empty", "D"],
            "article_content": [
                "Shelling hit the eastern district on Monday, a monitor said.",
                "  Shelling hit the eastern district on Monday, a monitor said.  ",
                "An air strike killed 12 people in the town, officials said.",
                "An air strike killed 12 people in the town, officials said.",
                "Aid convoys reached the besieged suburb after talks.",
                "   ",
                "The ceasefire held for a second day in the north.",
            ],
            "source": ["sana", "sana", "nna", "trt", "etilaf", "sana", "ahram"],
            "labels": [1, 1, 1, 0, 0, 1, 0],
        }
    )
    rows.to_csv(folder / "FA-KES.csv", index=False, encoding="cp1252")
    with caplog.at_level(logging.INFO, logger="mizan.training.datasets"):
        frame = load_en_fakes_syria(corpora_dir=tmp_path)
    assert frame["id"].tolist() == ["en-fakes-syria:1", "en-fakes-syria:5", "en-fakes-syria:7"]
    assert frame["label"].tolist() == [0, 1, 1]
    assert "dropped 1 exact duplicate rows and 2 rows whose duplicates carry another label" in (
        caplog.text
    )
    assert "dropped 1 rows with empty text" in caplog.text
