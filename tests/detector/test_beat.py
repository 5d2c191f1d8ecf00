import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from mizan.detector.article import ArticleInput, parse_article
from mizan.detector.engine import DetectorEngine
from mizan.detector.memory import ArchiveMatch, AuthorProfile
from mizan.detector.settings import get_settings
from mizan.detector.signals.base import SignalContext
from mizan.detector.signals.beat import BeatSignal, beat_from_bio
from mizan.detector.store import ArticleStore
from mizan.detector.store.pipeline import ingest_articles
from mizan.detector.topics import TOPICS

SPORT_AR = (
    "فاز فريق الهلال على ضيفه النصر بهدفين مقابل هدف في مباراة مثيرة ضمن الجولة العاشرة من "
    "الدوري السعودي للمحترفين. وسجل المهاجم هدف الفوز في الدقيقة الأخيرة، ليرفع الفريق رصيده "
    "إلى 24 نقطة في صدارة الترتيب، فيما أكد المدرب أن اللاعبين قدموا أداء كبيرا أمام الجماهير."
)
SECURITY_AR = (
    "أعلنت وزارة الداخلية إحباط هجوم إرهابي كان يستهدف مقرا أمنيا في العاصمة، واعتقال خمسة "
    "مشتبه بهم ينتمون إلى جماعة مسلحة. وقال المتحدث باسم الحكومة إن قوات الأمن تواصل "
    "عملياتها، فيما دعا مجلس الأمن الدولي إلى وقف التصعيد وحماية المدنيين."
)
POLITICS_AR = (
    "صوت البرلمان بأغلبية كبيرة على منح الثقة للحكومة الجديدة بعد جلسة استمرت ساعات، وتعهد "
    "رئيس الوزراء بإجراء إصلاحات سياسية وإجراء الانتخابات في موعدها. وانتقدت أحزاب المعارضة "
    "برنامج الحكومة، فيما رحب وزير الخارجية بدعم الدول العربية للمسار السياسي."
)
ECONOMY_AR = (
    "رفع البنك المركزي أسعار الفائدة ربع نقطة مئوية لكبح التضخم الذي بلغ أعلى مستوى له منذ "
    "عشر سنوات. وتراجع مؤشر البورصة الرئيسي بنسبة 1.2 في المئة مع نهاية التداولات، وقال "
    "محللون إن ارتفاع تكلفة الاقتراض سيضغط على أرباح الشركات وعلى نمو الاقتصاد هذا العام."
)
TECH_AR = (
    "كشفت شركة آبل عن هاتفها الذكي الجديد بمعالج أسرع وكاميرا محسنة، إلى جانب تحديث لنظام "
    "التشغيل يضيف ميزات تعتمد على الذكاء الاصطناعي. وتتيح التطبيقات الجديدة للمستخدمين "
    "ترجمة المكالمات فوريا، وتبدأ الشركة بيع الجهاز عبر متجرها على الإنترنت الأسبوع المقبل."
)
HEALTH_AR = (
    "حذر الأطباء من ارتفاع حالات الإصابة بمرض السكري بين الأطفال بسبب السمنة وقلة النشاط "
    "البدني. وأوضحت دراسة طبية حديثة أن تناول الخضروات والفواكه يوميا يقلل خطر الإصابة، "
    "ونصح الباحثون المرضى بمراجعة الطبيب وقياس مستوى السكر في الدم بانتظام."
)
CULTURE_AR = (
    "افتتح مهرجان القاهرة السينمائي الدولي دورته الجديدة بعرض فيلم للمخرج يوسف شاهين بعد "
    "ترميمه، بحضور عدد من نجوم الفن والممثلين. وتتنافس في المسابقة الرسمية أفلام من عشرين "
    "دولة، وتكرم إدارة المهرجان الممثلة يسرا عن مسيرتها الفنية."
)
POLITICS_EN = (
    "The prime minister told parliament the government would not call an early election, as "
    "opposition lawmakers demanded a vote on the security bill. Police and troops were "
    "deployed after protesters gathered outside the ministry, and the president urged calm."
)
SPORT_EN = (
    "The striker scored twice as the club won the league match 3-1, and the coach said the "
    "players had earned the victory in front of their fans. The team now leads the "
    "championship by four points before the cup final next week."
)
TECH_EN = (
    "The company released a software update for its smartphone app that uses artificial "
    "intelligence to sort photos. Users can back up their data online, and the new chips "
    "make the devices faster, the tech firm said."
)
HEALTH_EN = (
    "Doctors at the hospital said the new vaccine cut infections among elderly patients by "
    "half. The clinical study followed 4,000 patients with diabetes and heart disease, and "
    "the treatment had few side effects, researchers said."
)

BIOS = [
    ("أحمد علي كاتب صحفي رياضي يعمل في جريدة الأهرام منذ 2010.", "sport", "كاتب صحفي رياضي"),
    ("محرر رياضي في صحيفة الرياض.", "sport", "محرر رياضي"),
    ("مُحَرِّرٌ رِيَاضِيٌّ بجريدة الأيام", "sport", "مُحَرِّرٌ رِيَاضِيٌّ"),
    (
        "سارة محمد صحفية متخصصة في الشؤون الاقتصادية، عملت في عدة صحف خليجية.",
        "economy",
        "صحفية متخصصة في الشؤون الاقتصادية",
    ),
    ("خالد العتيبي محرر اقتصادي في موقع العربية نت.", "economy", "محرر اقتصادي"),
    ("محرر تقني يكتب عن الهواتف الذكية والتطبيقات.", "technology", "محرر تقني"),
    ("مراسل الشؤون السياسية في بيروت منذ عشر سنوات.", "politics", "مراسل الشؤون السياسية"),
    ("محررة صحية في مجلة طبيبك.", "health", "محررة صحية"),
    ("يعمل مراسلا لكرة القدم الإسبانية من مدريد.", "sport", "مراسلا لكرة القدم"),
    ("ناقدة سينمائية وكاتبة في الصحافة الفنية.", "culture", "ناقدة سينمائية"),
    ("John Smith is a sports reporter for The Daily Star.", "sport", "sports reporter"),
    ("Jane Doe is our tech editor.", "technology", "tech editor"),
    ("She covers technology and startups for the Times.", "technology", "covers technology"),
    (
        "Our health correspondent, Amy Lee, has reported from 30 countries.",
        "health",
        "health correspondent",
    ),
    ("Mark is a business reporter based in London.", "economy", "business reporter"),
    (
        "A reporter covering national security and the Pentagon.",
        "politics",
        "reporter covering national security",
    ),
]

NO_BEAT_BIOS = [
    "صحفي مصري مقيم في القاهرة، حاصل على بكالوريوس الإعلام.",
    "كاتب وروائي، صدرت له ثلاث مجموعات قصصية.",
    "لاعب كرة قدم سابق ومدرب للناشئين.",
    "Tom is a freelance journalist based in Paris.",
    "She loves football and grew up in Manchester.",
    "",
]


# Word variants read through the language layer: clitics, the article, feminine and plural
# endings, the accusative alef, and invisible characters or tatweel inside the words.
VARIANT_BIOS = [
    ("عمل محرراً للشؤون الاقتصادية في صحيفة يومية.", "economy", "محرراً للشؤون الاقتصادية"),
    ("وهي محررة رياضية منذ عشر سنوات.", "sport", "محررة رياضية"),
    ("ضمن فريق المحررين الرياضيين في الموقع.", "sport", "المحررين الرياضيين"),
    ("انضم مراسلاً بالشؤون السياسية إلى القناة.", "politics", "مراسلاً بالشؤون السياسية"),
    ("صحفية متخصصة في الصحة العامة.", "health", "صحفية متخصصة في الصحة العامة"),
    ("كاتب صحـــفي رياضي.", "sport", "كاتب صحـــفي رياضي"),
    ("مراسل\u200c الشؤون\u200d الأمنية في بيروت.", "politics", "مراسل\u200c الشؤون\u200d الأمنية"),
    ("وللكاتبة مقالات عديدة، فهي محللة اقتصادية.", "economy", "محللة اقتصادية"),
]

NO_BEAT_VARIANT_BIOS = [
    "مراسل مقيم في الرياض منذ عام 2010.",  # Riyadh is not "رياضة"
    "صحفي من مدينة الرياض.",
]


@pytest.mark.parametrize(("bio", "topic", "phrase"), VARIANT_BIOS)
def test_beat_from_bio_reads_word_variants(bio: str, topic: str, phrase: str) -> None:
    beat, span = beat_from_bio(bio)
    assert beat == topic
    assert span is not None
    assert bio[span.start : span.end] == phrase


@pytest.mark.parametrize("bio", NO_BEAT_VARIANT_BIOS)
def test_beat_from_bio_does_not_read_riyadh_as_sport(bio: str) -> None:
    assert beat_from_bio(bio) == (None, None)


@pytest.mark.parametrize(
    ("bio", "topic", "phrase"), BIOS, ids=[f"{case[1]}-{i}" for i, case in enumerate(BIOS)]
)
def test_beat_from_bio_finds_the_beat_phrase(bio: str, topic: str, phrase: str) -> None:
    beat, span = beat_from_bio(bio)
    assert beat == topic
    assert span is not None
    assert bio[span.start : span.end] == phrase


@pytest.mark.parametrize(
    "bio", NO_BEAT_BIOS, ids=[f"no-beat-{i}" for i in range(len(NO_BEAT_BIOS))]
)
def test_beat_from_bio_without_a_beat(bio: str) -> None:
    assert beat_from_bio(bio) == (None, None)


@pytest.fixture(scope="module")
def signal() -> BeatSignal:
    return BeatSignal()


# (bio, article, author's beat, article topic, fires)
CASES = [
    ("أحمد علي كاتب صحفي رياضي في جريدة الأهرام.", SECURITY_AR, "sport", "politics", True),
    ("أحمد علي كاتب صحفي رياضي في جريدة الأهرام.", SPORT_AR, "sport", "sport", False),
    ("محرر رياضي في صحيفة الرياض.", POLITICS_AR, "sport", "politics", True),
    ("صحفي متخصص في الشؤون الاقتصادية.", ECONOMY_AR, "economy", "economy", False),
    ("صحفي متخصص في الشؤون الاقتصادية.", HEALTH_AR, "economy", "health", True),
    ("محرر تقني في موقع البوابة.", TECH_AR, "technology", "technology", False),
    ("محرر تقني في موقع البوابة.", SECURITY_AR, "technology", "politics", True),
    ("مراسل الشؤون السياسية في بيروت.", POLITICS_AR, "politics", "politics", False),
    ("مراسل الشؤون السياسية في بيروت.", CULTURE_AR, "politics", "culture", True),
    ("محررة صحية في مجلة طبيبك.", HEALTH_AR, "health", "health", False),
    ("ناقدة سينمائية في صحيفة الحياة.", SPORT_AR, "culture", "sport", True),
    ("ناقدة سينمائية في صحيفة الحياة.", CULTURE_AR, "culture", "culture", False),
    ("John Smith is a sports reporter for The Daily Star.", POLITICS_EN, "sport", "politics", True),
    ("John Smith is a sports reporter for The Daily Star.", SPORT_EN, "sport", "sport", False),
    ("Jane Doe is our tech editor.", TECH_EN, "technology", "technology", False),
    ("Jane Doe is our tech editor.", HEALTH_EN, "technology", "health", True),
    ("Our health correspondent, Amy Lee.", HEALTH_EN, "health", "health", False),
    ("Mark is a business reporter based in London.", SPORT_EN, "economy", "sport", True),
]


@pytest.mark.parametrize(
    ("bio", "body", "beat", "topic", "fires"),
    CASES,
    ids=[f"{i}-{case[2]}-writer-on-{case[3]}" for i, case in enumerate(CASES)],
)
def test_bio_beat_against_article_topic(
    signal: BeatSignal, bio: str, body: str, beat: str, topic: str, fires: bool
) -> None:
    doc = parse_article(ArticleInput(body=body, author_bio=bio))
    result = signal.extract(doc, SignalContext())
    features = result.features
    top_topic = max(TOPICS, key=lambda name: features[f"beat.topic_{name}"])
    assert top_topic == topic
    assert features["beat.bio_present"] == 1.0
    assert features["beat.bio_beat_known"] == 1.0
    assert features["beat.agreement"] == pytest.approx(features[f"beat.topic_{beat}"])
    assert features["beat.mismatch"] == pytest.approx(1.0 - features["beat.agreement"])
    if fires:
        assert result.score >= 0.7
        assert features["beat.mismatch"] >= 0.7
        [evidence] = result.evidence
        assert evidence.field == "author_bio"
        assert evidence.text == bio[evidence.start : evidence.end]
        _, beat_span = beat_from_bio(bio)
        assert beat_span is not None
        assert evidence.text == beat_span.of(bio)
        assert evidence.reason.startswith(f"author's beat is {beat} (from the bio)")
        assert f"the article is about {topic} (p=" in evidence.reason
    else:
        assert result.score <= 0.2
        assert result.evidence == ()


@pytest.mark.parametrize(
    ("bio", "body"),
    [
        (None, SECURITY_AR),
        ("صحفي مصري مقيم في القاهرة.", SECURITY_AR),
        (None, POLITICS_EN),
        ("Tom is a freelance journalist based in Paris.", POLITICS_EN),
    ],
)
def test_no_bio_or_no_beat_is_neutral(signal: BeatSignal, bio: str | None, body: str) -> None:
    doc = parse_article(ArticleInput(body=body, author_bio=bio))
    result = signal.extract(doc, SignalContext())
    assert result.score == 0.0
    assert result.evidence == ()
    assert result.features["beat.bio_present"] == (1.0 if bio else 0.0)
    assert result.features["beat.bio_beat_known"] == 0.0
    assert result.features["beat.agreement"] == 1.0
    assert result.features["beat.mismatch"] == 0.0


def test_bio_found_in_page_text_points_into_the_body(signal: BeatSignal) -> None:
    page = "\n".join(
        [
            "الرئيسية | أخبار | رياضة | اقتصاد",
            "الداخلية تحبط هجوما إرهابيا في العاصمة",
            "بقلم: أحمد علي",
            SECURITY_AR,
            "وأكدت الوزارة أن التحقيقات مستمرة لكشف بقية أفراد الخلية وملاحقة من يمولها.",
            "عن الكاتب",
            "أحمد علي كاتب صحفي رياضي يغطي الدوري المصري منذ 2012.",
            "شارك المقال",
        ]
    )
    doc = parse_article(ArticleInput(body=page))
    assert doc.bio_field == "body"
    result = signal.extract(doc, SignalContext())
    assert result.score >= 0.7
    [evidence] = result.evidence
    assert evidence.field == "body"
    assert doc.body[evidence.start : evidence.end] == "كاتب صحفي رياضي"
    assert evidence.text == "كاتب صحفي رياضي"
    assert "author's beat is sport" in evidence.reason
    assert "about politics" in evidence.reason
    # The bio's own words are not part of the classified article text.
    assert result.features["beat.topic_sport"] < 0.1


@dataclass
class FakeMemory:
    profiles: Mapping[str, AuthorProfile] = field(default_factory=dict)

    def author_profile(self, author: str, exclude_id: str | None = None) -> AuthorProfile | None:
        return self.profiles.get(author)

    def near_duplicates(
        self, text: str, outlet: str | None, exclude_id: str | None = None
    ) -> Sequence[ArchiveMatch]:
        return ()


SPORT_WRITER = AuthorProfile(
    author="أحمد علي",
    article_count=50,
    topic_counts={"sport": 41, "politics": 2, "economy": 4, "culture": 3},
    articles_per_day=1.5,
)
POLITICS_WRITER = AuthorProfile(
    author="Jane Doe",
    article_count=30,
    topic_counts={"politics": 24, "economy": 6},
    articles_per_day=0.8,
)
NEW_WRITER = AuthorProfile(
    author="سامي", article_count=3, topic_counts={"sport": 3}, articles_per_day=3.0
)
MEMORY = FakeMemory({p.author: p for p in (SPORT_WRITER, POLITICS_WRITER, NEW_WRITER)})


def test_history_of_a_sports_writer_under_a_security_story(signal: BeatSignal) -> None:
    doc = parse_article(
        ArticleInput(title="إحباط هجوم إرهابي في العاصمة", body=SECURITY_AR, author="أحمد علي")
    )
    result = signal.extract(doc, SignalContext(memory=MEMORY))
    features = result.features
    assert features["beat.history_articles"] == 50.0
    assert features["beat.history_topic_share"] == pytest.approx(2 / 50)
    assert features["beat.history_distinct_topics"] == 4.0
    assert features["beat.articles_per_day"] == 1.5
    assert features["beat.bio_beat_known"] == 0.0
    assert result.score == pytest.approx(41 / 50 - 2 / 50)
    [evidence] = result.evidence
    assert evidence.field == "title"
    assert evidence.text == doc.title[evidence.start : evidence.end]
    assert "author usually writes about sport (41 of 50 articles)" in evidence.reason
    assert "2 of 50 earlier articles are about politics" in evidence.reason


def test_history_of_an_agency_or_a_topic_the_author_covers_at_times_is_quiet(
    signal: BeatSignal,
) -> None:
    doc = parse_article(
        ArticleInput(title="إحباط هجوم إرهابي في العاصمة", body=SECURITY_AR, author="واس")
    )
    agency = replace(SPORT_WRITER, author="واس", kind="agency")
    result = signal.extract(doc, SignalContext(memory=FakeMemory({"واس": agency})))
    # The features still describe the history; wire services cover every beat by design.
    assert result.features["beat.history_topic_share"] == pytest.approx(2 / 50)
    assert result.score == 0.0 and result.evidence == ()
    # A person with 6 of 50 earlier articles on the topic: straying, not a stranger to it.
    strays = replace(SPORT_WRITER, topic_counts={"sport": 41, "politics": 6, "culture": 3})
    result = signal.extract(doc, SignalContext(memory=FakeMemory({"واس": strays})))
    assert result.features["beat.history_topic_share"] == pytest.approx(6 / 50)
    assert result.score == 0.0 and result.evidence == ()


def test_history_in_the_authors_own_topic_is_quiet(signal: BeatSignal) -> None:
    doc = parse_article(ArticleInput(body=POLITICS_EN, author="Jane Doe"))
    result = signal.extract(doc, SignalContext(memory=MEMORY))
    assert result.features["beat.history_topic_share"] == pytest.approx(24 / 30)
    assert result.features["beat.history_distinct_topics"] == 2.0
    assert result.score == 0.0
    assert result.evidence == ()


def test_short_history_is_neutral(signal: BeatSignal) -> None:
    doc = parse_article(ArticleInput(body=SECURITY_AR, author="سامي"))
    result = signal.extract(doc, SignalContext(memory=MEMORY))
    assert result.features["beat.history_articles"] == 3.0
    assert result.features["beat.history_topic_share"] == 1.0
    assert result.features["beat.articles_per_day"] == 3.0
    assert result.score == 0.0


@pytest.mark.parametrize(
    "context",
    [SignalContext(), SignalContext(memory=MEMORY)],
    ids=["no memory", "unknown author"],
)
def test_history_features_are_neutral_without_a_profile(
    signal: BeatSignal, context: SignalContext
) -> None:
    doc = parse_article(ArticleInput(body=SECURITY_AR, author="كاتب غير معروف"))
    features = signal.extract(doc, context).features
    assert features["beat.history_articles"] == 0.0
    assert features["beat.history_topic_share"] == 1.0
    assert features["beat.history_distinct_topics"] == 0.0
    assert features["beat.articles_per_day"] == 0.0


def test_stored_bio_gives_the_beat_when_the_article_has_none(signal: BeatSignal) -> None:
    profile = AuthorProfile(
        author="Mark", article_count=2, topic_counts={}, bio="Mark is a sports reporter."
    )
    doc = parse_article(
        ArticleInput(title="Parliament rejects bill", body=POLITICS_EN, author="Mark")
    )
    result = signal.extract(doc, SignalContext(memory=FakeMemory({"Mark": profile})))
    assert result.features["beat.bio_present"] == 0.0
    assert result.features["beat.bio_beat_known"] == 1.0
    assert result.score >= 0.7
    [evidence] = result.evidence
    assert evidence.field == "title"
    assert "(from the stored author bio)" in evidence.reason


def test_bio_and_history_evidence_together(signal: BeatSignal) -> None:
    doc = parse_article(
        ArticleInput(body=SECURITY_AR, author="أحمد علي", author_bio="محرر رياضي في الأهرام.")
    )
    result = signal.extract(doc, SignalContext(memory=MEMORY))
    fields = sorted(evidence.field for evidence in result.evidence)
    assert fields == ["author_bio", "body"]
    history = next(evidence for evidence in result.evidence if evidence.field == "body")
    assert doc.body[history.start : history.end] == history.text


def test_features_match_the_declared_names(signal: BeatSignal) -> None:
    doc = parse_article(ArticleInput(body=SPORT_EN))
    result = signal.extract(doc, SignalContext())
    assert tuple(result.features) == signal.feature_names
    assert all(name.startswith("beat.") for name in signal.feature_names)
    assert sum(result.features[f"beat.topic_{topic}"] for topic in TOPICS) == pytest.approx(1.0)
    assert result.name == "beat"


def test_a_real_sports_writer_under_a_security_story_is_flagged(tmp_path: Path) -> None:
    """SaudiNewsNet's sports correspondent طارق محيي, stored, then 'writing' on security."""
    folder = get_settings().corpora_dir / "saudinewsnet" / "dataset"
    if not folder.is_dir():
        pytest.skip(f"corpora not available at {folder}")
    archive = []
    for path in sorted(folder.glob("*.zip")):
        with zipfile.ZipFile(path) as bundle:
            for name in bundle.namelist():
                for position, row in enumerate(json.loads(bundle.read(name))):
                    if "طارق محيي" in (row.get("author") or "") and row.get("content"):
                        archive.append(
                            {
                                "id": f"{name}/{position}",
                                "title": row.get("title"),
                                "body": row["content"],
                                "author": row["author"],
                                "outlet": row["source"],
                                "published_at": row["date_extracted"],
                            }
                        )
    assert len(archive) >= 50
    store = ArticleStore(f"sqlite:///{tmp_path / 'archive.db'}")
    ingest_articles(store, archive, workers=1)
    profile = store.author_profile("القاهرة - مكتب الجزيرة - طارق محيي:")
    assert profile is not None and profile.kind == "person"
    usual = max(profile.topic_counts, key=lambda topic: profile.topic_counts[topic])
    assert usual == "sport"
    assert profile.topic_counts.get("politics", 0) + profile.topic_counts.get("security", 0) <= 2

    engine = DetectorEngine.from_settings(memory=store)
    story = {"title": "إحباط هجوم إرهابي في العاصمة", "body": SECURITY_AR}
    report = engine.score({**story, "author": "القاهرة - طارق محيي:", "outlet": "aljazirah"})
    unsigned = engine.score(story)
    [beat] = [signal for signal in report.signals if signal.name == "beat"]
    assert beat.score >= 0.8
    reasons = " ".join(item.reason for item in beat.evidence)
    assert f"author usually writes about sport ({profile.topic_counts['sport']} of" in reasons
    assert report.reliability < unsigned.reliability
