import logging

import numpy as np
import pandas as pd
import pytest

from mizan.detector.settings import get_settings
from mizan.training.datasets import load_all
from mizan.training.records import COLUMNS
from mizan.training.splits import (
    OUTLET_DISJOINT_ATTR,
    SPLIT_GROUP_COLUMN,
    SPLITS,
    UnionFind,
    assign_splits,
    check_disjoint,
    exact_text_keys,
    near_duplicate_pairs,
)

CORPORA_DIR = get_settings().corpora_dir

ARABIC_ARTICLE = (
    "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في مدينة جدة بسعة خمسمائة سرير، "
    "وقال المتحدث الرسمي باسم الوزارة إن المستشفى سيخدم سكان الأحياء الجنوبية من المدينة "
    "ويضم أقساما للطوارئ والعناية المركزة وجراحة القلب، وأضاف أن العمل في المشروع استغرق "
    "ثلاث سنوات بتكلفة بلغت مليار ريال، وأن المستشفى سيبدأ استقبال المرضى مطلع الشهر المقبل "
    "بعد اكتمال تجهيز المختبرات وغرف العمليات وتدريب الكوادر الطبية والتمريضية. "
    "وأوضح المتحدث أن الوزارة تعمل على توظيف أكثر من ألف طبيب وممرض من خريجي الجامعات "
    "السعودية، وأن المستشفى سيرتبط إلكترونيا بمراكز الرعاية الأولية في المنطقة لتسهيل "
    "تحويل المرضى وحجز المواعيد، مشيرا إلى أن خطة الوزارة تشمل افتتاح أربعة مستشفيات "
    "أخرى في المنطقة الغربية خلال العامين المقبلين لتقليل فترات الانتظار في أقسام الطوارئ."
)
ENGLISH_ARTICLE = (
    "The city council voted on Tuesday to approve a new budget for road repairs, setting "
    "aside twelve million pounds for resurfacing work across the northern districts. The "
    "council leader said the plan would fix more than two hundred streets over the next "
    "three years, starting with the roads near schools and hospitals. Opposition members "
    "argued that the money should have gone to public transport instead, and several "
    "residents who attended the meeting said the repairs were long overdue."
)


def _edited_copy(text: str) -> str:
    """Change one word and add a source line, as a site republishing an article would."""
    words = text.split()
    middle = len(words) // 2
    words[middle] = "الجديدة" if words[middle] != "الجديدة" else "القديمة"
    return " ".join(words) + "\nالمصدر: وكالات"


@pytest.mark.parametrize(
    ("first", "second", "expect_pair"),
    [
        (ARABIC_ARTICLE, _edited_copy(ARABIC_ARTICLE), True),
        (ENGLISH_ARTICLE, ENGLISH_ARTICLE.replace("Tuesday", "Wednesday"), True),
        # Diacritics, alef forms and Arabic-Indic digits do not hide a copy.
        (
            "قال الوزير إن الميزانية بلغت ٣٠٠ مليون ريال هذا العام وستخصص للتعليم والصحة",
            "قالَ الوزيرُ إنّ الميزانيةَ بلغت 300 مليون ريال هذا العام وستخصص للتعليم والصحة",
            True,
        ),
        (ENGLISH_ARTICLE, ENGLISH_ARTICLE.upper(), True),
        (ARABIC_ARTICLE, ENGLISH_ARTICLE, False),
        (
            ENGLISH_ARTICLE,
            "Heavy rain flooded the town centre on Monday and closed two primary schools, "
            "while firefighters pumped water out of dozens of homes near the river bank.",
            False,
        ),
    ],
)
def test_near_duplicate_pairs(first: str, second: str, expect_pair: bool) -> None:
    pairs = near_duplicate_pairs([first, "An unrelated short note about the weather.", second])
    assert ((0, 2) in pairs) is expect_pair
    assert all(1 not in pair for pair in pairs)


def test_exact_text_keys_ignore_whitespace_and_diacritics() -> None:
    keys = exact_text_keys(
        ["السلامُ  عليكم\nورحمة الله", "السلام عليكم ورحمة الله", "السلام عليكم ورحمة"]
    )
    assert keys[0] == keys[1]
    assert keys[1] != keys[2]


def test_texts_without_words_pair_only_with_equal_texts() -> None:
    assert near_duplicate_pairs(["...", "!!!", "..."]) == [(0, 2)]


def test_union_find_joins_transitively() -> None:
    forest = UnionFind(6)
    forest.union(0, 3)
    forest.union(3, 5)
    forest.union_all([1, 4])
    labels = forest.labels()
    assert labels[0] == labels[3] == labels[5]
    assert labels[1] == labels[4]
    assert len({labels[0], labels[1], labels[2]}) == 3


def _random_text(rng: np.random.Generator, vocabulary: list[str], length: int = 60) -> str:
    return " ".join(rng.choice(vocabulary, size=length))


VOCABULARY = [
    "minister", "council", "budget", "school", "hospital", "road", "river", "police", "court",
    "election", "market", "price", "rain", "storm", "football", "match", "factory", "bank",
    "oil", "airport", "village", "mayor", "report", "study", "health", "water", "power",
    "train", "bridge", "museum", "festival", "farm", "tax", "fund", "union", "strike",
]  # fmt: skip


def _synthetic_frame(corpus: str, outlets: list[str | None], seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [
        {
            "id": f"{corpus}:{position}",
            "title": None,
            "text": _random_text(rng, VOCABULARY),
            "author": None,
            "outlet": outlet,
            "language": "en",
            "label": (position // 12) % 2,
            "task": "credibility",
            "source_corpus": corpus,
            "split": None,
            "group": None,
            "variant": None,
        }
        for position, outlet in enumerate(outlets)
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def test_outlet_rule_needs_five_outlets() -> None:
    many = _synthetic_frame("many-outlets", [f"outlet{index % 12}" for index in range(240)])
    few = _synthetic_frame("few-outlets", [f"outlet{index % 4}" for index in range(80)], seed=1)
    result = assign_splits(pd.concat([many, few], ignore_index=True))
    assert result.attrs[OUTLET_DISJOINT_ATTR] == ["many-outlets"]
    in_many = result[result["source_corpus"] == "many-outlets"]
    assert (in_many.groupby("outlet")["split"].nunique() == 1).all()
    assert set(in_many["split"]) == set(SPLITS)
    assert check_disjoint(result) == []


def test_outlet_rule_is_dropped_when_copies_join_all_outlets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    frame = _synthetic_frame("wire-copies", [f"outlet{index % 6}" for index in range(120)])
    wire_story = _random_text(np.random.default_rng(99), VOCABULARY)
    for outlet_index in range(6):
        frame.loc[outlet_index, "text"] = wire_story
    with caplog.at_level(logging.INFO, logger="mizan.training.splits"):
        result = assign_splits(frame)
    assert result.attrs[OUTLET_DISJOINT_ATTR] == []
    assert "wire-copies: not split by outlet" in caplog.text
    assert result.loc[:5, "split"].nunique() == 1
    assert set(result["split"]) == set(SPLITS)
    assert check_disjoint(result) == []


def test_rejects_bad_fractions() -> None:
    frame = _synthetic_frame("any", ["a", "b"])
    with pytest.raises(ValueError, match="val_fraction"):
        assign_splits(frame, val_fraction=0.6, test_fraction=0.5)


PLANTED_FROM = "mce-arabic-news-credibility"


@pytest.fixture(scope="module")
def corpora_sample() -> pd.DataFrame:
    if not CORPORA_DIR.is_dir():
        pytest.skip(f"corpora folder {CORPORA_DIR} not found (set MIZAN_CORPORA_DIR)")
    return load_all(limit=250)


def _with_planted_copies(sample: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Add edited copies of real articles as rows of another corpus; return (copy, original)."""
    mce = sample[(sample["source_corpus"] == PLANTED_FROM) & (sample["text"].str.len() > 1500)]
    aigt_test = sample[
        (sample["source_corpus"] == "arabic-aigt-diacritics")
        & (sample["split"] == "test")
        & (sample["text"].map(lambda text: len(text.split())) > 150)
    ]
    originals = pd.concat([mce.head(3), aigt_test.head(2)])
    planted = originals.assign(
        id=[f"planted:{position}" for position in range(len(originals))],
        text=[_edited_copy(text) for text in originals["text"]],
        source_corpus="planted-copies",
        task="human_news",
        label=0,
        outlet=None,
        split=None,
        group=None,
        variant=None,
    )
    pairs = list(zip(planted["id"], originals["id"], strict=True))
    return pd.concat([sample, planted], ignore_index=True), pairs


@pytest.fixture(scope="module")
def split_sample(corpora_sample: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    frame, pairs = _with_planted_copies(corpora_sample)
    return assign_splits(frame, seed=13), pairs


@pytest.mark.slow
def test_real_sample_splits_are_disjoint(
    split_sample: tuple[pd.DataFrame, list[tuple[str, str]]],
) -> None:
    result, _pairs = split_sample
    assert check_disjoint(result) == []
    assert set(result["split"]) == set(SPLITS)
    assert SPLIT_GROUP_COLUMN in result.columns


@pytest.mark.slow
def test_planted_edited_copies_share_the_original_split(
    split_sample: tuple[pd.DataFrame, list[tuple[str, str]]],
) -> None:
    result, pairs = split_sample
    split_of = dict(zip(result["id"], result["split"], strict=True))
    component_of = dict(zip(result["id"], result[SPLIT_GROUP_COLUMN], strict=True))
    assert len(pairs) == 5
    for copy_id, original_id in pairs:
        assert split_of[copy_id] == split_of[original_id]
        assert component_of[copy_id] == component_of[original_id]
    # Copies of the corpus's own test rows follow them into test.
    assert [split_of[copy_id] for copy_id, _ in pairs[3:]] == ["test", "test"]


@pytest.mark.slow
def test_groups_and_outlets_never_cross_splits(
    split_sample: tuple[pd.DataFrame, list[tuple[str, str]]],
) -> None:
    result, _pairs = split_sample
    assert (result.dropna(subset=["group"]).groupby("group")["split"].nunique() == 1).all()
    outlet_corpora = result.attrs[OUTLET_DISJOINT_ATTR]
    assert {"en-fakes-syria", "en-recovery-sample"} <= set(outlet_corpora)
    for corpus in outlet_corpora:
        rows = result[(result["source_corpus"] == corpus) & result["outlet"].notna()]
        assert (rows.groupby("outlet")["split"].nunique() == 1).all(), corpus


@pytest.mark.slow
def test_corpus_splits_are_kept_and_others_follow_the_fractions(
    corpora_sample: pd.DataFrame,
    split_sample: tuple[pd.DataFrame, list[tuple[str, str]]],
) -> None:
    result, _pairs = split_sample
    before = corpora_sample.set_index("id")["split"].dropna()
    after = result.set_index("id")["split"]
    assert (after[before.index] == before).all()
    free = result[result["source_corpus"].isin(["saudinewsnet", "en-llmfake"])]
    for (corpus, label), rows in free.groupby(["source_corpus", "label"]):
        shares = rows["split"].value_counts(normalize=True)
        assert shares["test"] == pytest.approx(0.15, abs=0.05), (corpus, label)
        assert shares["val"] == pytest.approx(0.15, abs=0.05), (corpus, label)


@pytest.mark.slow
def test_same_seed_same_splits_whatever_the_row_order(
    corpora_sample: pd.DataFrame,
    split_sample: tuple[pd.DataFrame, list[tuple[str, str]]],
) -> None:
    result, _pairs = split_sample
    frame, _ = _with_planted_copies(corpora_sample)
    shuffled = frame.sample(frac=1.0, random_state=7)
    again = assign_splits(shuffled, seed=13).set_index("id")["split"]
    assert again[result["id"]].tolist() == result["split"].tolist()
    other_seed = assign_splits(frame, seed=14)
    free = result["source_corpus"] != "arabic-aigt-diacritics"
    assert (other_seed.loc[free, "split"] != result.loc[free, "split"]).sum() > 50


@pytest.mark.slow
def test_check_disjoint_reports_leaks(
    split_sample: tuple[pd.DataFrame, list[tuple[str, str]]],
) -> None:
    result, pairs = split_sample
    leaked = result.copy()
    copy_id = pairs[0][0]
    copy_split = leaked.loc[leaked["id"] == copy_id, "split"].iloc[0]
    leaked.loc[leaked["id"] == copy_id, "split"] = next(s for s in SPLITS if s != copy_split)
    grouped = leaked.dropna(subset=["group"])
    group = grouped["group"].iloc[0]
    first_member = grouped.index[grouped["group"] == group][0]
    group_split = leaked.loc[first_member, "split"]
    leaked.loc[first_member, "split"] = next(s for s in SPLITS if s != group_split)
    leaked.loc[leaked.index[-1], "split"] = None
    violations = check_disjoint(leaked)
    assert any(copy_id in message and "near duplicates" in message for message in violations)
    assert any(message.startswith(f"group {group!r}") for message in violations)
    assert any("1 rows have no split" in message for message in violations)
