import json
import shutil
from collections import Counter
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from mizan.detector.errors import ModelBundleError
from mizan.detector.settings import get_settings
from mizan.detector.text import normalize_for_matching
from mizan.detector.topics import (
    METADATA_FILE,
    MODEL_FILE,
    TOPICS,
    KeywordPrior,
    TopicClassifier,
    default_topic_classifier,
    newest_bundle,
    topic_ngrams,
)

ARTICLES = [
    (
        "ar",
        "sport",
        "فاز فريق الهلال على ضيفه النصر بهدفين مقابل هدف في مباراة مثيرة ضمن الجولة العاشرة من "
        "الدوري السعودي للمحترفين. وسجل المهاجم هدف الفوز في الدقيقة الأخيرة، ليرفع الفريق رصيده "
        "إلى 24 نقطة في صدارة الترتيب، فيما أكد المدرب أن اللاعبين قدموا أداء كبيرا أمام الجماهير.",
    ),
    (
        "ar",
        "economy",
        "رفع البنك المركزي أسعار الفائدة ربع نقطة مئوية لكبح التضخم الذي بلغ أعلى مستوى له منذ "
        "عشر سنوات. وتراجع مؤشر البورصة الرئيسي بنسبة 1.2 في المئة مع نهاية التداولات، وقال "
        "محللون إن ارتفاع تكلفة الاقتراض سيضغط على أرباح الشركات وعلى نمو الاقتصاد هذا العام.",
    ),
    (
        "ar",
        "politics",
        "أعلنت وزارة الداخلية إحباط هجوم إرهابي كان يستهدف مقرا أمنيا في العاصمة، واعتقال خمسة "
        "مشتبه بهم ينتمون إلى جماعة مسلحة. وقال المتحدث باسم الحكومة إن قوات الأمن تواصل "
        "عملياتها، فيما دعا مجلس الأمن الدولي إلى وقف التصعيد وحماية المدنيين.",
    ),
    (
        "ar",
        "culture",
        "افتتح مهرجان القاهرة السينمائي الدولي دورته الجديدة بعرض فيلم للمخرج يوسف شاهين بعد "
        "ترميمه، بحضور عدد من نجوم الفن والممثلين. وتتنافس في المسابقة الرسمية أفلام من عشرين "
        "دولة، وتكرم إدارة المهرجان الممثلة يسرا عن مسيرتها الفنية.",
    ),
    (
        "ar",
        "technology",
        "كشفت شركة آبل عن هاتفها الذكي الجديد بمعالج أسرع وكاميرا محسنة، إلى جانب تحديث لنظام "
        "التشغيل يضيف ميزات تعتمد على الذكاء الاصطناعي. وتتيح التطبيقات الجديدة للمستخدمين "
        "ترجمة المكالمات فوريا، وتبدأ الشركة بيع الجهاز عبر متجرها على الإنترنت الأسبوع المقبل.",
    ),
    (
        "ar",
        "health",
        "حذر الأطباء من ارتفاع حالات الإصابة بمرض السكري بين الأطفال بسبب السمنة وقلة النشاط "
        "البدني. وأوضحت دراسة طبية حديثة أن تناول الخضروات والفواكه يوميا يقلل خطر الإصابة، "
        "ونصح الباحثون المرضى بمراجعة الطبيب وقياس مستوى السكر في الدم بانتظام.",
    ),
    (
        "en",
        "sport",
        "The striker scored twice as the club won the league match 3-1, and the coach said the "
        "players had earned the victory in front of their fans. The team now leads the "
        "championship by four points before the cup final next week.",
    ),
    (
        "en",
        "politics",
        "The prime minister told parliament the government would not call an early election, "
        "as opposition lawmakers demanded a vote on the security bill. Police and troops were "
        "deployed after protesters gathered outside the ministry.",
    ),
    (
        "en",
        "health",
        "Doctors at the hospital said the new vaccine cut infections among elderly patients by "
        "half. The clinical study followed 4,000 patients with diabetes and heart disease, and "
        "the treatment had few side effects, researchers said.",
    ),
    (
        "en",
        "technology",
        "The company released a software update for its smartphone app that uses artificial "
        "intelligence to sort photos. Users can back up their data online, and the new chips "
        "make the devices faster, the tech firm said.",
    ),
]


@pytest.fixture(scope="module")
def classifier() -> TopicClassifier:
    return default_topic_classifier()


def test_topics_are_the_six_merged_topics() -> None:
    assert TOPICS == ("sport", "economy", "politics", "culture", "technology", "health")


@pytest.mark.parametrize(
    ("language", "topic", "text"), ARTICLES, ids=[f"{case[0]}-{case[1]}" for case in ARTICLES]
)
def test_predicts_the_topic_of_written_articles(
    classifier: TopicClassifier, language: str, topic: str, text: str
) -> None:
    probabilities = classifier.predict_proba(text)
    assert set(probabilities) == set(TOPICS)
    assert sum(probabilities.values()) == pytest.approx(1.0, abs=1e-6)
    assert classifier.predict(text) == topic
    assert max(probabilities, key=probabilities.__getitem__) == topic


def test_diacritics_and_letter_forms_do_not_change_the_probabilities(
    classifier: TopicClassifier,
) -> None:
    plain = "فاز المنتخب في المباراة النهائية وسجل اللاعب هدفين وتوج الفريق بالبطولة"
    marked = "فَازَ المُنْتَخَبُ فِي المُبَارَاةِ النِّهَائِيَّةِ وَسَجَّلَ اللَّاعِبُ هَدَفَيْنِ وَتُوِّجَ الفَرِيقُ بِالبُطُولَةِ"
    assert classifier.predict_proba(marked) == pytest.approx(classifier.predict_proba(plain))
    assert classifier.predict(marked) == "sport"


def test_english_text_without_topic_words_is_uniform(classifier: TopicClassifier) -> None:
    probabilities = classifier.predict_proba("It was a quiet afternoon and nothing much happened.")
    assert probabilities == pytest.approx({topic: 1 / len(TOPICS) for topic in TOPICS})


def test_keyword_prior_counts_unigrams_and_bigrams() -> None:
    prior = KeywordPrior(("sport | goal", "politics | prime minister", "health | doctors"))
    grams = topic_ngrams(normalize_for_matching("The Prime Minister met doctors; a goal, a goal."))
    vector = prior.probabilities(grams)
    counts = dict(zip(TOPICS, vector * (4 + len(TOPICS)), strict=True))
    assert counts["sport"] == pytest.approx(3.0)  # two hits plus smoothing
    assert counts["politics"] == pytest.approx(2.0)
    assert counts["health"] == pytest.approx(2.0)
    assert counts["economy"] == pytest.approx(1.0)


@pytest.mark.parametrize("entry", ["sport goal", "weather | rain", "sport | three word phrase"])
def test_keyword_prior_rejects_malformed_entries(entry: str) -> None:
    with pytest.raises(ValueError):
        KeywordPrior((entry,))


def test_fast_scoring_matches_a_scikit_learn_count_of_the_same_vocabulary(
    classifier: TopicClassifier,
) -> None:
    assert classifier.path is not None
    payload = joblib.load(classifier.path / MODEL_FILE)
    terms = payload["terms"].split("\n")
    counter = CountVectorizer(analyzer=topic_ngrams, vocabulary=terms)
    for _, _, text in ARTICLES[:6]:
        normalized = normalize_for_matching(text)
        counts = counter.transform([normalized]).tocsr()
        values = (1.0 + np.log(counts.data)) * payload["idf"][counts.indices]
        values /= np.linalg.norm(values)
        logits = values @ payload["weights"][counts.indices] + payload["intercept"]
        expected = np.exp(logits - logits.max())
        expected /= expected.sum()
        fast = classifier.probabilities_of_normalized(normalized, "ar")
        np.testing.assert_allclose(fast, expected, atol=1e-5)


def test_bundle_metadata_records_hash_corpora_and_metrics(classifier: TopicClassifier) -> None:
    metadata = classifier.metadata
    assert metadata["topics"] == list(TOPICS)
    assert len(metadata["sha256"]) == 64
    assert {"ant-corpus-multisource", "sanad-sample"} <= set(metadata["corpora"])
    assert all(info["licence"] for info in metadata["corpora"].values())
    held_out = metadata["metrics"]["held_out_test"]
    assert set(held_out["per_topic"]) == set(TOPICS)
    assert held_out["accuracy"] >= 0.85
    assert classifier.path is not None
    assert (classifier.path / MODEL_FILE).stat().st_size < 3 * 1024 * 1024


@pytest.fixture
def bundle_copy(tmp_path: Path, classifier: TopicClassifier) -> Path:
    assert classifier.path is not None
    copy = tmp_path / "topics" / classifier.path.name
    shutil.copytree(classifier.path, copy)
    return copy


def test_a_verified_copy_loads(bundle_copy: Path) -> None:
    loaded = TopicClassifier.load(bundle_copy)
    assert loaded.predict(ARTICLES[0][2]) == "sport"


def test_tampered_model_file_is_refused(bundle_copy: Path) -> None:
    model_path = bundle_copy / MODEL_FILE
    data = bytearray(model_path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model_path.write_bytes(bytes(data))
    with pytest.raises(ModelBundleError, match="sha256"):
        TopicClassifier.load(bundle_copy)


def test_metadata_with_another_hash_is_refused(bundle_copy: Path) -> None:
    metadata_path = bundle_copy / METADATA_FILE
    metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    metadata["sha256"] = "0" * 64
    metadata_path.write_text(json.dumps(metadata), encoding="utf-8")
    with pytest.raises(ModelBundleError, match="modified or corrupted"):
        TopicClassifier.load(bundle_copy)


@pytest.mark.parametrize("missing", [MODEL_FILE, METADATA_FILE])
def test_incomplete_bundle_is_refused(bundle_copy: Path, missing: str) -> None:
    (bundle_copy / missing).unlink()
    with pytest.raises(ModelBundleError, match=missing.replace(".", r"\.")):
        TopicClassifier.load(bundle_copy)


def test_missing_bundle_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelBundleError, match="does not exist"):
        TopicClassifier.load(tmp_path / "nowhere")
    with pytest.raises(ModelBundleError, match="no topic model bundle"):
        newest_bundle(tmp_path)


def test_newest_bundle_compares_version_numbers(tmp_path: Path) -> None:
    for name in ("2026.2.0", "2026.10.0", "2025.12.3"):
        (tmp_path / name).mkdir()
        (tmp_path / name / METADATA_FILE).write_text("{}", encoding="utf-8")
    (tmp_path / "2027.1.0").mkdir()  # no metadata: not a bundle
    assert newest_bundle(tmp_path).name == "2026.10.0"


@pytest.fixture(scope="module")
def held_out_articles() -> pd.DataFrame:
    corpora_dir = get_settings().corpora_dir
    needed = ("ant-corpus-multisource", "sanad-sample")
    missing = [name for name in needed if not (corpora_dir / name).is_dir()]
    if missing:
        pytest.skip(f"corpora not available under {corpora_dir}: missing {', '.join(missing)}")
    from mizan.training.topics import load_topic_corpus

    frame = load_topic_corpus(corpora_dir)
    test = frame[frame["split"] == "test"].sort_values("id")
    return test.groupby("label").head(15)


@pytest.mark.slow
def test_held_out_corpus_articles_are_mostly_classified_right(
    classifier: TopicClassifier, held_out_articles: pd.DataFrame
) -> None:
    predicted = [classifier.predict(text) for text in held_out_articles["normalized"]]
    truth = list(held_out_articles["label"])
    assert set(truth) == set(TOPICS)
    correct = Counter(
        label for label, guess in zip(truth, predicted, strict=True) if label == guess
    )
    accuracy = sum(correct.values()) / len(truth)
    assert accuracy >= 0.85, f"held-out accuracy {accuracy:.2f}; correct per topic {correct}"
    for topic in ("sport", "politics", "economy"):
        assert correct[topic] >= 12, f"{topic}: {correct[topic]} of 15 right"
