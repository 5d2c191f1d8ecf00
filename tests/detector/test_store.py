from __future__ import annotations

import json
import os
import random
import re
import threading
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import create_engine, inspect, text

from mizan.detector import minhash
from mizan.detector.article import ArticleInput
from mizan.detector.errors import InvalidArticleError
from mizan.detector.settings import get_settings
from mizan.detector.store import ArticleStore, FeedbackEntry, SchemaError
from mizan.detector.store.lsh import (
    MATCH_SIMILARITY,
    ArchiveIndex,
    BandedIndex,
    DatasketchIndex,
    fingerprint,
    matching_text,
    shared_passage,
)
from mizan.detector.store.migrations import LATEST_VERSION, MIGRATIONS, upgrade
from mizan.detector.store.records import parse_published_at
from mizan.detector.store.schema import Base
from mizan.detector.text import normalize_for_matching
from mizan.detector.topics import TOPICS

# --- fixtures -----------------------------------------------------------------------------

TOPIC_WORDS = {
    "sport": ("مباراه", "الدوري", "الفريق", "المنتخب", "هدف", "match", "league", "coach"),
    "politics": ("الوزير", "الحكومه", "البرلمان", "الانتخابات", "minister", "parliament"),
    "economy": ("النفط", "الاسهم", "التضخم", "oil", "shares", "inflation"),
}


def keyword_topics(normalized_text: str, language: str | None) -> dict[str, float]:
    """A deterministic stand-in for the topic model: keyword hits per topic, smoothed."""
    hits = dict.fromkeys(TOPICS, 0.1)
    for topic, words in TOPIC_WORDS.items():
        hits[topic] += sum(normalized_text.count(word) for word in words)
    total = sum(hits.values())
    return {topic: value / total for topic, value in hits.items()}


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "DROP TABLE IF EXISTS feedback, author_topics, authors, article_authors, "
                "articles, mizan_schema_version CASCADE"
            )
        )
    engine.dispose()


@pytest.fixture(params=["sqlite-file", "sqlite-memory", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite-file":
        return f"sqlite:///{tmp_path / 'store.db'}"
    if request.param == "sqlite-memory":
        return "sqlite://"
    url = os.environ.get("MIZAN_TEST_POSTGRES_URL")
    if not url:
        pytest.skip(
            "no PostgreSQL server: MIZAN_TEST_POSTGRES_URL is not set (.ci/postgres.sh sets it)"
        )
    pytest.importorskip("psycopg", reason="the psycopg driver is not installed")
    _reset_postgres(url)
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[ArticleStore]:
    opened = ArticleStore(store_url, topics=keyword_topics, refresh_interval_s=0.0)
    yield opened
    opened.close()


@pytest.fixture
def file_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


SPORT_AR = [
    "فاز فريق الهلال على النصر بهدفين مقابل هدف في مباراة الدوري التي أقيمت مساء أمس على ملعب الملك فهد.",
    "أعلن مدرب المنتخب الوطني قائمة اللاعبين المشاركين في معسكر الفريق استعدادا لمباراة الدوري المقبلة.",
    "سجل المهاجم هدف الفوز في الدقيقة الأخيرة من مباراة الدوري وسط فرحة جماهير الفريق في المدرجات.",
    "تعاقد الفريق مع حارس مرمى جديد قبل انطلاق الدوري بأسبوعين بعد إصابة الحارس الأساسي في مباراة ودية.",
    "تأهل المنتخب إلى الدور النهائي بعد مباراة مثيرة انتهت بركلات الترجيح أمام منافسه العنيد.",
]
POLITICS_AR = [
    "التقى الوزير نظيره الفرنسي في باريس وبحث الجانبان تطورات الأوضاع الإقليمية وسبل تعزيز التعاون.",
    "أقر البرلمان مشروع قانون الانتخابات الجديد بعد نقاش طويل بين الكتل النيابية وممثلي الحكومة.",
]
ENGLISH_ECONOMY = (
    "Oil prices rose for a third day on Tuesday as traders weighed supply cuts against "
    "weaker demand, while shares of refiners fell and inflation data due on Thursday kept "
    "investors cautious about the outlook for the rest of the quarter."
)

TEMPLATE_AR = (
    "أعلنت الهيئة العامة للأرصاد وحماية البيئة أن درجات الحرارة في مدينة الرياض ستصل اليوم إلى "
    "46 درجة مئوية مع رياح نشطة مثيرة للأتربة والغبار تحد من مدى الرؤية الأفقية على الطرق "
    "السريعة. ودعت الهيئة السكان إلى تجنب التعرض المباشر لأشعة الشمس في ساعات الظهيرة وشرب "
    "كميات كافية من المياه، مشيرة إلى أن موجة الحر ستستمر حتى نهاية الأسبوع الجاري قبل أن تبدأ "
    "درجات الحرارة في الانخفاض التدريجي. وأوضح المتحدث الرسمي باسم الهيئة أن فرق الرصد تتابع "
    "حالة الطقس على مدار الساعة وأن التنبيهات تصدر عبر التطبيق الرسمي والحسابات الموثقة على "
    "مواقع التواصل الاجتماعي، لافتا إلى أن المناطق الشرقية ستشهد ارتفاعا في نسبة الرطوبة تصل إلى "
    "80 في المئة خلال ساعات الليل والصباح الباكر."
)
# The same article with its nouns and numbers swapped, as a content farm reuses a template.
EDITED_AR = (
    TEMPLATE_AR.replace("الرياض", "جدة")
    .replace("46", "41")
    .replace("الأتربة", "الرمال")
    .replace("الظهيرة", "العصر")
    .replace("الأسبوع", "الشهر")
    .replace("الشرقية", "الساحلية")
    .replace("80", "90")
    .replace("الليل", "المساء")
)
TEMPLATE_EN = (
    "The city council of Riverton approved a budget of 120 million dollars for road repairs on "
    "Monday, after a debate that lasted more than four hours. The mayor said the money would be "
    "spent over three years and that work on the main bridge would begin in the spring. "
    "Residents who spoke at the meeting complained about potholes on the northern avenues and "
    "asked the council to publish a timetable for each district, which the mayor promised to "
    "post on the city website before the end of the month. Opposition members voted against "
    "the plan, arguing that the contracts had not been put out to open tender."
)
EDITED_EN = (
    TEMPLATE_EN.replace("Riverton", "Lakeside")
    .replace("120", "85")
    .replace("road repairs", "school repairs")
    .replace("four", "six")
    .replace("bridge", "library")
    .replace("northern", "eastern")
    .replace("month", "year")
)


def article(identifier: str, body: str, **fields: Any) -> ArticleInput:
    return ArticleInput(id=identifier, body=body, **fields)


# --- storing and profiles -----------------------------------------------------------------


def test_storing_is_idempotent_by_id(store: ArticleStore) -> None:
    first = store.add(article("a-1", SPORT_AR[0], author="كتب: محمد العلي", outlet="Sabq"))
    again = store.add(article("a-1", SPORT_AR[1], author="كتب: محمد العلي", outlet="Sabq"))
    assert (first.stored, again.stored) == (True, False)
    assert store.count_articles() == 1
    stored = store.get_article("a-1")
    assert stored is not None and stored.body == SPORT_AR[0]
    profile = store.author_profile("محمد العلي")
    assert profile is not None and profile.article_count == 1
    assert store.verify() == []


def test_repeated_ids_in_one_batch_store_the_first(store: ArticleStore) -> None:
    results = store.add_many(
        [article("dup", SPORT_AR[0], author="محمد العلي"), article("dup", SPORT_AR[1])]
    )
    assert [result.stored for result in results] == [True, False]
    stored = store.get_article("dup")
    assert stored is not None and stored.body == SPORT_AR[0]
    assert store.verify() == []


def test_author_profile_from_history(store: ArticleStore) -> None:
    bylines = [
        "لندن: رنيم حنوش",
        "رنيم حنوش",
        "كتبت: رنيم حنوش",
        "لندن - رنيم حنوش",
        "رنيم حنوش (لندن)",
    ]
    for index, body in enumerate(SPORT_AR):
        store.add(
            article(
                f"s-{index}",
                body,
                author=bylines[index],
                outlet="aawsat",
                published_at=f"2015-07-2{index % 3 + 1}T09:00:00+03:00",
            )
        )
    for index, body in enumerate(POLITICS_AR):
        store.add(
            article(
                f"p-{index}", body, author="رنيم حنوش", outlet="aawsat", published_at="2015-07-23"
            )
        )
    profile = store.author_profile("بقلم: رنيم حنوش")
    assert profile is not None
    assert profile.author == "رنيم حنوش"
    assert profile.article_count == 7
    assert dict(profile.topic_counts) == {"sport": 5, "politics": 2}
    # seven dated articles over 21 to 23 July: three calendar days
    assert profile.articles_per_day == pytest.approx(7 / 3)
    assert profile.first_seen == "2015-07-21T06:00:00+00:00"
    assert profile.last_seen == "2015-07-23T06:00:00+00:00"
    assert sum(profile.topic_shares.values()) == pytest.approx(1.0)
    assert max(profile.topic_shares, key=lambda topic: profile.topic_shares[topic]) == "sport"
    assert store.author_profile("نايف الرشيد") is None
    assert store.author_profile("") is None


def test_profile_can_leave_the_scored_article_out(store: ArticleStore) -> None:
    for index, body in enumerate(SPORT_AR[:3]):
        store.add(article(f"s-{index}", body, author="محمد العلي"))
    store.add(article("p-0", POLITICS_AR[0], author="محمد العلي"))
    profile = store.author_profile("محمد العلي", exclude_id="p-0")
    assert profile is not None
    assert profile.article_count == 3
    assert dict(profile.topic_counts) == {"sport": 3}
    assert profile.topic_shares == {"sport": pytest.approx(1.0), "politics": pytest.approx(0.0)}
    unrelated = store.author_profile("محمد العلي", exclude_id="not-by-this-author")
    assert unrelated is not None and unrelated.article_count == 4


def test_several_authors_and_agencies_are_filed_separately(store: ArticleStore) -> None:
    store.add(article("x-1", SPORT_AR[0], author="الرياض: ناصر الحقباني و نايف الرشيد - واس"))
    result = store.add(article("x-2", SPORT_AR[1], author="نايف الرشيد"))
    assert result.authors == ("نايف الرشيد",)
    assert store.author_keys("الرياض: ناصر الحقباني و نايف الرشيد - واس") == [
        "ناصر الحقباني",
        "نايف الرشيد",
        "واس",
    ]
    agency = store.author_profile("واس - الرياض")
    assert agency is not None and agency.kind == "agency" and agency.article_count == 1
    second = store.author_profile("نايف الرشيد")
    assert second is not None and second.article_count == 2
    stored = store.get_article("x-1")
    assert stored is not None and stored.authors == ("ناصر الحقباني", "نايف الرشيد", "واس")


def test_bio_and_its_beat_are_kept_for_a_sole_author(store: ArticleStore) -> None:
    store.add(
        article(
            "b-1",
            SPORT_AR[0],
            author="سعد الدوسري",
            author_bio="محرر رياضي يغطي مباريات الدوري والمنتخب منذ عشر سنوات",
        )
    )
    store.add(
        article(
            "b-2",
            POLITICS_AR[0],
            author="سعد الدوسري و نايف الرشيد",
            author_bio="كاتب في شؤون الحكومة والبرلمان",
        )
    )
    store.add(article("b-3", SPORT_AR[1], author="سعد الدوسري"))
    profile = store.author_profile("سعد الدوسري")
    assert profile is not None
    assert profile.bio == "محرر رياضي يغطي مباريات الدوري والمنتخب منذ عشر سنوات"
    assert profile.bio_topic == "sport"


def test_articles_without_topics_keep_counts(store_url: str) -> None:
    plain = ArticleStore(store_url, topics=None)
    plain.add(article("n-1", SPORT_AR[0], author="محمد العلي"))
    profile = plain.author_profile("محمد العلي")
    assert profile is not None
    assert (profile.article_count, dict(profile.topic_counts)) == (1, {})
    plain.topics = keyword_topics
    assert plain.recompute_topics() == 1
    profile = plain.author_profile("محمد العلي")
    assert profile is not None and dict(profile.topic_counts) == {"sport": 1}
    stored = plain.get_article("n-1")
    assert stored is not None and stored.topic == "sport"
    plain.close()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2015-07-21", "2015-07-21T00:00:00"),
        ("2015-07-21 02:51:32", "2015-07-21T02:51:32"),
        ("2015-07-21T02:51:32+03:00", "2015-07-20T23:51:32"),
        ("2015-07-21T02:51:32Z", "2015-07-21T02:51:32"),
        ("Tue, 21 Jul 2015 02:51:32 GMT", "2015-07-21T02:51:32"),
        ("", None),
    ],
)
def test_publication_times_are_read_as_utc(value: str, expected: str | None) -> None:
    moment = parse_published_at(value)
    assert (moment.isoformat() if moment else None) == expected


@pytest.mark.parametrize("value", ["yesterday", "21/07/2015", "1850-01-01", "2015-13-01"])
def test_bad_publication_times_are_refused(value: str) -> None:
    with pytest.raises(InvalidArticleError, match="published_at"):
        parse_published_at(value)


def test_bad_article_stores_nothing(store: ArticleStore) -> None:
    with pytest.raises(InvalidArticleError):
        store.add_many(
            [article("ok", SPORT_AR[0]), article("bad", SPORT_AR[1], published_at="soon")]
        )
    assert store.count_articles() == 0


def test_failed_transaction_leaves_no_partial_batch(
    store: ArticleStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add(article("before", SPORT_AR[0], author="محمد العلي"))

    def fail(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_insert_authors", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        store.add_many(
            [
                article("a", SPORT_AR[1], author="محمد العلي"),
                article("b", SPORT_AR[2], author="محمد العلي"),
            ]
        )
    monkeypatch.undo()
    assert store.count_articles() == 1
    assert store.existing_ids(["before", "a", "b"]) == {"before"}
    assert store.verify() == []


# --- near-duplicates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "edited"), [(TEMPLATE_AR, EDITED_AR), (TEMPLATE_EN, EDITED_EN)]
)
def test_lightly_edited_copy_is_found_with_the_shared_passage(
    store: ArticleStore, original: str, edited: str
) -> None:
    store.add(article("orig", original, outlet="Al Waha News", published_at="2015-07-21"))
    for index, body in enumerate(SPORT_AR):
        store.add(article(f"other-{index}", body, outlet="Al Waha News"))
    matches = store.near_duplicates(edited, "al waha news", exclude_id="copy")
    assert [match.article_id for match in matches] == ["orig"]
    match = matches[0]
    true_jaccard = len(minhash.shingles(original) & minhash.shingles(edited)) / len(
        minhash.shingles(original) | minhash.shingles(edited)
    )
    assert true_jaccard < 0.7
    assert match.similarity >= MATCH_SIMILARITY
    assert match.published_at == "2015-07-21T00:00:00+00:00"
    assert match.outlet == "al waha news"
    passage_words = minhash.normalized_words(match.shared_passage)
    assert len(passage_words) >= 8
    # the passage is text both articles share, in order
    assert " ".join(passage_words) in " ".join(minhash.normalized_words(original))
    assert " ".join(passage_words) in " ".join(minhash.normalized_words(edited))


def test_near_duplicates_of_one_outlet_or_all(store: ArticleStore) -> None:
    store.add(article("okaz-1", TEMPLATE_AR, outlet="okaz"))
    assert store.near_duplicates(TEMPLATE_AR, "alriyadh") == []
    assert [m.article_id for m in store.near_duplicates(TEMPLATE_AR, "OKAZ")] == ["okaz-1"]
    assert [m.article_id for m in store.near_duplicates(TEMPLATE_AR, None)] == ["okaz-1"]
    assert store.near_duplicates(TEMPLATE_AR, "okaz", exclude_id="okaz-1") == []
    assert store.near_duplicates(SPORT_AR[0], "okaz") == []
    assert store.near_duplicates("", "okaz") == []


def test_index_sees_articles_stored_by_another_process(file_url: str) -> None:
    reader = ArticleStore(file_url, topics=None, refresh_interval_s=0.0)
    assert reader.near_duplicates(TEMPLATE_AR, "okaz") == []
    writer = ArticleStore(file_url, topics=None)
    writer.add(article("late", TEMPLATE_AR, outlet="okaz"))
    assert [m.article_id for m in reader.near_duplicates(TEMPLATE_AR, "okaz")] == ["late"]
    assert reader.index_size == 1
    assert reader.build_index() == 1
    reader.close()
    writer.close()


def test_engine_templating_signal_uses_the_archive(file_url: str) -> None:
    from mizan.detector.engine import DetectorEngine

    store = ArticleStore(file_url, topics=None)
    store.add(article("wx-1", TEMPLATE_AR, outlet="okaz"))
    engine = DetectorEngine(signals=("templating",), memory=store)
    report = engine.score(article("wx-2", EDITED_AR, outlet="okaz"))
    templating = report.signals[0]
    assert templating.features["templating.archive_near_duplicates"] == 1
    assert templating.features["templating.max_archive_similarity"] >= MATCH_SIMILARITY
    archive_evidence = [item for item in templating.evidence if "wx-1" in item.reason]
    assert archive_evidence
    span = archive_evidence[0]
    assert EDITED_AR[span.start : span.end] == span.text
    assert len(span.text.split()) >= 8
    alone = DetectorEngine(signals=("templating",)).score(article("wx-2", EDITED_AR, outlet="okaz"))
    assert alone.signals[0].features["templating.archive_near_duplicates"] == 0
    store.close()


# --- fingerprints and the LSH index -------------------------------------------------------


@pytest.mark.parametrize(
    "sample",
    [TEMPLATE_AR, EDITED_EN, "قالَ الوزيرُ إنّ النموَّ بلغ ٣٫٥٪ هذا العام", "ﻻ يوجد", "one two", ""],
)
def test_signature_equals_the_shared_minhash(sample: str) -> None:
    prints = fingerprint(sample)
    assert matching_text(sample) == normalize_for_matching(sample)
    assert prints.shingles == minhash.shingles(sample)
    if prints.shingles:
        assert np.array_equal(prints.signature, minhash.signature(sample).hashvalues)


def test_shared_passage_is_the_longest_common_run() -> None:
    query = fingerprint("the quick brown fox jumps over the lazy dog near the river bank today")
    passage = shared_passage(
        query.shingles, "Yesterday the quick brown fox jumps over the lazy cat near the river."
    )
    assert passage == "the quick brown fox jumps over the lazy"
    assert shared_passage(query.shingles, "nothing in common here at all, really") == ""


def _random_signatures(count: int, seed: int) -> np.ndarray:
    return (
        np.random.default_rng(seed)
        .integers(0, 2**32, size=(count, minhash.NUM_PERM), dtype=np.uint64)
        .astype(np.uint32)
    )


def test_banded_and_datasketch_backends_agree() -> None:
    signatures = _random_signatures(300, seed=7)
    # near copies: share 40 of 64 values with an existing signature
    copies = signatures[:50].copy()
    copies[:, 40:] = _random_signatures(50, seed=8)[:, 40:]
    banded, sketch = BandedIndex(merge_at=64), DatasketchIndex()
    for backend in (banded, sketch):
        backend.insert_many(np.arange(100), signatures[:100])
        backend.insert_many(np.arange(100, 300), signatures[100:])
    for probe in (*copies[:20], *signatures[250:260]):
        assert banded.candidates(probe).tolist() == sketch.candidates(probe).tolist()
    assert 7 in banded.candidates(copies[7]).tolist()


def test_archive_index_filters_by_outlet_and_similarity() -> None:
    signatures = _random_signatures(4, seed=3)
    signatures[1] = signatures[0]
    signatures[2, :32] = signatures[0, :32]
    index = ArchiveIndex()
    added = index.add_many(
        ["a", "b", "c", "d"], ["x", "y", "x", "x"], [10, None, 30, 40], signatures
    )
    assert added == 4
    assert index.add_many(["a"], ["x"], [10], signatures[:1]) == 0
    found = index.query(signatures[0], outlet_key="x")
    assert [(m.article_id, m.similarity, m.published) for m in found] == [
        ("a", 1.0, 10),
        ("c", 0.5, 30),
    ]
    assert [m.article_id for m in index.query(signatures[0])] == ["a", "b", "c"]
    assert [
        m.article_id for m in index.query(signatures[0], min_similarity=0.9, exclude_id="a")
    ] == ["b"]
    assert index.query(signatures[0], outlet_key="unknown") == []


def _saudinewsnet_bodies(limit: int) -> list[str]:
    folder = get_settings().corpora_dir / "saudinewsnet" / "dataset"
    paths = sorted(folder.glob("*.zip"))
    if not paths:
        pytest.skip(f"the saudinewsnet corpus is not at {folder}")
    bodies: list[str] = []
    with zipfile.ZipFile(paths[0]) as archive:
        for name in archive.namelist():
            for row in json.loads(archive.read(name)):
                if len((row.get("content") or "").split()) >= 150:
                    bodies.append(row["content"])
    return bodies[:limit]


def _swap_words(text: str, share: float, vocabulary: list[str], rng: random.Random) -> str:
    """Replace about ``share`` of the words, and every number, as a template re-use does."""
    words = text.split()
    for position, word in enumerate(words):
        if re.search(r"\d", word):
            words[position] = str(rng.randint(2, 999))
        elif rng.random() < share:
            words[position] = rng.choice(vocabulary)
    return " ".join(words)


@pytest.mark.slow
def test_lsh_recall_on_edited_copies_of_real_articles(tmp_path: Path) -> None:
    bodies = _saudinewsnet_bodies(260)
    archive, probes = bodies[:200], bodies[:60]
    vocabulary = [word for body in bodies[200:] for word in body.split()]
    rng = random.Random(11)
    store = ArticleStore(f"sqlite:///{tmp_path / 'recall.db'}", topics=None)
    store.add_many(
        article(f"snn-{index}", body, outlet="sabq") for index, body in enumerate(archive)
    )
    found = 0
    for index, body in enumerate(probes):
        copy = _swap_words(body, 0.06, vocabulary, rng)
        matches = store.near_duplicates(copy, "sabq")
        found += any(match.article_id == f"snn-{index}" for match in matches)
        assert all(match.similarity >= MATCH_SIMILARITY for match in matches)
    assert found / len(probes) >= 0.95
    # unrelated articles are not near-duplicates of each other
    unrelated = sum(bool(store.near_duplicates(body, "sabq")) for body in bodies[200:])
    assert unrelated <= 2
    store.close()


# --- schema versions ----------------------------------------------------------------------


def test_new_store_is_at_the_latest_version(store: ArticleStore) -> None:
    assert store.schema_version == LATEST_VERSION == MIGRATIONS[-1].version


def test_migrated_schema_matches_the_models(store: ArticleStore) -> None:
    inspector = inspect(store.engine)
    for table in Base.metadata.sorted_tables:
        columns = {column["name"] for column in inspector.get_columns(table.name)}
        assert columns == {column.name for column in table.columns}, table.name


def _version_1_store(url: str) -> None:
    engine = create_engine(url)
    upgrade(engine, target=1)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO authors (key, display_name, article_count, dated_article_count, "
                "first_seen, last_seen) VALUES (:key, :name, 3, 0, :seen, :seen)"
            ),
            [
                {"key": key, "name": name, "seen": "2015-07-21 00:00:00"}
                for key, name in (
                    ("واس", "واس"),
                    ("رنيم حنوش", "رنيم حنوش"),
                    ("المحليات", "المحليات"),
                )
            ],
        )
    engine.dispose()


def test_upgrade_from_version_1_keeps_data_and_fills_author_kind(store_url: str) -> None:
    if store_url == "sqlite://":
        pytest.skip("an in-memory database does not outlive its engine")
    _version_1_store(store_url)
    opened = ArticleStore(store_url, topics=None)
    assert opened.schema_version == LATEST_VERSION
    kinds = {}
    for name in ("واس", "رنيم حنوش", "المحليات"):
        profile = opened.author_profile(name)
        assert profile is not None and profile.article_count == 3
        kinds[name] = profile.kind
    assert kinds == {"واس": "agency", "رنيم حنوش": "person", "المحليات": "desk"}
    # upgrading again changes nothing
    assert upgrade(opened.engine) == []
    opened.close()


def test_old_schema_is_refused_without_upgrade(file_url: str) -> None:
    _version_1_store(file_url)
    with pytest.raises(Exception, match="schema is version 1"):
        ArticleStore(file_url, topics=None, upgrade_schema=False)


def test_newer_schema_is_refused(file_url: str) -> None:
    ArticleStore(file_url, topics=None).close()
    engine = create_engine(file_url)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO mizan_schema_version VALUES (99, 'from the future', '2030-01-01')")
        )
    engine.dispose()
    with pytest.raises(SchemaError, match="version 99, newer than this Mizan"):
        ArticleStore(file_url, topics=None)


def test_processes_starting_together_upgrade_once(file_url: str) -> None:
    errors: list[BaseException] = []

    def open_store() -> None:
        try:
            ArticleStore(file_url, topics=None).close()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    engine = create_engine(file_url)
    with engine.connect() as connection:
        versions = (
            connection.execute(text("SELECT version FROM mizan_schema_version")).scalars().all()
        )
    engine.dispose()
    assert sorted(versions) == [migration.version for migration in MIGRATIONS]


# --- feedback -----------------------------------------------------------------------------


def test_feedback_round_trip(store: ArticleStore) -> None:
    snapshot: Mapping[str, Any] = {"id": "ar-9", "body": TEMPLATE_AR, "outlet": "okaz"}
    first = store.add_feedback(
        FeedbackEntry(
            "ar-9",
            "unreliable",
            " desk-7 ",
            note="  قالب مكرر  ",
            model_verdict="review",
            model_version="2026.11.0",
            article=snapshot,
        )
    )
    second = store.add_feedback(FeedbackEntry("en-1", "reliable", "j.doe"))
    third = store.add_feedback(FeedbackEntry("ar-9", "reliable", "chief", note="checked again"))
    assert first.id < second.id < third.id
    assert first.entry.reviewer_id == "desk-7" and first.entry.note == "قالب مكرر"
    listed = store.list_feedback()
    assert [record.id for record in listed] == [first.id, second.id, third.id]
    assert listed[0].entry.article == snapshot
    assert listed[0].entry.model_verdict == "review"
    assert [r.id for r in store.list_feedback(after_id=first.id, limit=1)] == [second.id]
    assert [r.id for r in store.list_feedback(article_id="ar-9")] == [first.id, third.id]
    assert [r.id for r in store.list_feedback(verdict="reliable")] == [second.id, third.id]
    latest = store.latest_verdicts()
    assert {key: record.entry.verdict for key, record in latest.items()} == {
        "ar-9": "reliable",
        "en-1": "reliable",
    }


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (FeedbackEntry("", "reliable", "ed"), "article_id"),
        (FeedbackEntry("a", "fake", "ed"), "verdict must be one of"),
        (FeedbackEntry("a", "reliable", "   "), "reviewer_id"),
        (FeedbackEntry("a", "reliable", "ed", note="x" * 5001), "note has 5001 characters"),
        (FeedbackEntry("a", "reliable", "ed", model_verdict="maybe"), "model_verdict"),
    ],
)
def test_invalid_feedback_is_refused(
    store: ArticleStore, entry: FeedbackEntry, message: str
) -> None:
    with pytest.raises(InvalidArticleError, match=message):
        store.add_feedback(entry)
    assert store.list_feedback() == []


def test_feedback_survives_a_restart(file_url: str) -> None:
    ArticleStore(file_url, topics=None).add_feedback(FeedbackEntry("a-1", "unreliable", "ed"))
    reopened = ArticleStore(file_url, topics=None)
    assert [(r.entry.article_id, r.entry.verdict) for r in reopened.list_feedback()] == [
        ("a-1", "unreliable")
    ]
    reopened.close()


def test_stats_and_bad_urls(store: ArticleStore) -> None:
    store.add(article("s-1", SPORT_AR[0], author="محمد العلي", outlet="sabq"))
    stats = store.stats()
    assert {key: stats[key] for key in ("articles", "authors", "outlets", "feedback")} == {
        "articles": 1,
        "authors": 1,
        "outlets": 1,
        "feedback": 0,
    }
    assert stats["schema_version"] == LATEST_VERSION
    with pytest.raises(Exception, match="not a database URL|unknown database"):
        ArticleStore("nonsense:/x", topics=None)
