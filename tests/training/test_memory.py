"""The training memory: train rows only, self left out, near duplicates seen, cache keyed."""

from pathlib import Path

import pandas as pd
import pytest

from mizan.detector.engine import DetectorEngine
from mizan.detector.store import ArticleStore
from mizan.training.features import extract_features
from mizan.training.memory import build_training_memory, memory_rows
from mizan.training.records import COLUMNS

SPORT = (
    "فاز فريق الهلال على النصر بثلاثة أهداف مقابل هدف في مباراة الدوري السعودي للمحترفين "
    "التي أقيمت على ملعب الملك فهد الدولي، وسجل المهاجم هدفين في الشوط الثاني وتصدر "
    "الفريق جدول الترتيب بعد الجولة {n} من المسابقة."
)
SECURITY = (
    "أعلنت وزارة الداخلية إحباط محاولة تهريب أسلحة ومتفجرات عبر الحدود الشمالية، وقال "
    "المتحدث الأمني إن قوات الأمن ألقت القبض على خلية إرهابية تضم {n} عناصر وضبطت "
    "كميات من الذخيرة والعبوات الناسفة."
)
ARCHIVE = (
    "قالت الهيئة العامة للإحصاء في تقريرها الشهري إن معدل التضخم في المملكة بلغ اثنين "
    "بالمئة خلال شهر مايو مقارنة بالشهر نفسه من العام الماضي، مدفوعا بارتفاع أسعار "
    "السكن والمياه والكهرباء والغاز وأنواع الوقود الأخرى، بينما تراجعت أسعار الملابس "
    "والأحذية وخدمات النقل بنسب متفاوتة بحسب بيانات الهيئة المنشورة اليوم."
)


def _row(identifier: str, text: str, split: str, **fields: str | None) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(COLUMNS)
    row.update(
        {
            "id": identifier,
            "text": text,
            "language": "ar",
            "label": 0,
            "task": "human_news",
            "source_corpus": "tiny",
            "split": split,
        }
    )
    row.update(fields)
    return row


@pytest.fixture
def frame() -> pd.DataFrame:
    rows = [
        _row(
            f"tiny:sport-{n}",
            SPORT.format(n=n),
            "train",
            author="كتب: أحمد علي",
            outlet="okaz",
            published_at=f"2015-07-{10 + n:02d}",
        )
        for n in range(6)
    ]
    rows += [
        _row("tiny:archive", ARCHIVE, "train", outlet="sabq"),
        _row("tiny:anonymous", SECURITY.format(n=9), "train"),
        _row("tiny:security", SECURITY.format(n=4), "test", author="أحمد علي", outlet="okaz"),
        # A lightly edited copy of the archived article, held out: found in the memory.
        _row("tiny:copy", ARCHIVE.replace("مايو", "يونيو"), "test", outlet="sabq"),
        _row("tiny:val-author", SPORT.format(n=7), "val", author="أحمد علي"),
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def test_memory_holds_named_train_rows_only(frame: pd.DataFrame, tmp_path: Path) -> None:
    assert set(memory_rows(frame)["id"]) == {f"tiny:sport-{n}" for n in range(6)} | {"tiny:archive"}
    memory = build_training_memory(frame, tmp_path, workers=1)
    assert memory.articles == 7
    with ArticleStore(memory.url) as store:
        assert store.get_article("tiny:security") is None
        assert store.get_article("tiny:copy") is None
        assert store.get_article("tiny:anonymous") is None
        assert store.get_article("tiny:sport-0") is not None
    # The same rows find the stored file again instead of building a second one.
    again = build_training_memory(frame, tmp_path, workers=1)
    assert again == memory
    assert len(list(tmp_path.glob("*.db"))) == 1


def test_memory_features_see_train_history_without_the_row_itself(
    frame: pd.DataFrame, tmp_path: Path
) -> None:
    memory = build_training_memory(frame, tmp_path / "memory", workers=1)
    engine = DetectorEngine()
    with_memory = extract_features(frame, engine, cache_dir=None, workers=1, memory=memory)
    without = extract_features(frame, engine, cache_dir=None, workers=1)
    history = with_memory.set_index(frame["id"])["beat.history_articles"]
    # Held-out rows see the six stored articles; a stored row sees the other five.
    assert history["tiny:security"] == 6
    assert history["tiny:val-author"] == 6
    assert history["tiny:sport-0"] == 5
    assert history["tiny:anonymous"] == 0
    assert (without["beat.history_articles"] == 0).all()
    similarity = with_memory.set_index(frame["id"])["templating.max_archive_similarity"]
    assert similarity["tiny:copy"] > 0.5
    assert similarity["tiny:archive"] == 0  # its only match would be itself
    assert (without["templating.max_archive_similarity"] == 0).all()


def test_feature_cache_is_keyed_on_the_memory(frame: pd.DataFrame, tmp_path: Path) -> None:
    memory = build_training_memory(frame, tmp_path / "memory", workers=1)
    engine = DetectorEngine()
    cache = tmp_path / "features"
    extract_features(frame, engine, cache_dir=cache, workers=1)
    extract_features(frame, engine, cache_dir=cache, workers=1, memory=memory)
    names = sorted(path.name for path in cache.glob("*.parquet"))
    assert len(names) == 2
    assert sum(memory.key in name for name in names) == 1
