import json
import math
from collections.abc import Sequence
from pathlib import Path

import pytest

from mizan.detector.article import ArticleInput, Document, parse_article
from mizan.detector.memory import ArchiveMatch, AuthorProfile
from mizan.detector.minhash import jaccard_estimate, shingles, signature, signature_from_hashvalues
from mizan.detector.signals.base import Evidence, SignalContext, SignalResult
from mizan.detector.signals.templating import (
    TemplatingSignal,
    duplicate_ngram_char_fraction,
    is_projection_row,
    is_round_number,
    keyword_forms,
    locate_passage,
    repeated_keywords,
    title_keywords,
    title_stopwords,
    top_ngram_char_fraction,
)
from mizan.detector.text import normalize_for_matching

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SIGNAL = TemplatingSignal()
NO_MEMORY = SignalContext()


def parse(
    body: str, title: str | None = None, outlet: str | None = None, article_id: str | None = None
) -> Document:
    return parse_article(ArticleInput(title=title, body=body, outlet=outlet, id=article_id))


def extract(doc: Document, context: SignalContext = NO_MEMORY) -> SignalResult:
    return SIGNAL.extract(doc, context)


def assert_spans_point_into_body(doc: Document, evidence: Sequence[Evidence]) -> None:
    for item in evidence:
        source = doc.body if item.field == "body" else doc.title
        assert source[item.start : item.end] == item.text


def reasons_for(evidence: Sequence[Evidence], prefix: str) -> list[Evidence]:
    return [item for item in evidence if item.reason.startswith(prefix)]


# --- stock AI and SEO phrases ---------------------------------------------------------------

PHRASE_POSITIVES = [
    # Arabic, with diacritics, tanween and a leading و/ف kept in the span.
    ("في عالمِ اليومِ المتسارعِ، أصبحت التقنية جزءا من حياتنا اليومية.", "في عالمِ اليومِ المتسارعِ"),
    ("وفي الختام، نؤكد أن الحكومة ماضية في خططها.", "وفي الختام"),
    ("تجدر الإشارة إلى أن الشركة أعلنت أرباحها أمس.", "تجدر الإشارة إلى"),
    ("ومن الجدير بالذكر أن المهرجان يقام سنويا.", "ومن الجدير بالذكر"),
    ("يلعب القطاع الخاص دوراً محورياً في التنمية.", "دوراً محورياً في"),
    ("مما لا شك فيه أن التعليم أساس النهضة.", "مما لا شك فيه"),
    ("فيما يلي بعض النصائح للحفاظ على صحة القلب.", "فيما يلي بعض"),
    ("في ظل التحديات الراهنة تسعى الدول إلى التعاون.", "في ظل التحديات الراهنة"),
    ("وبشكلٍ عام فإن الأسعار مستقرة هذا الشهر.", "وبشكلٍ عام"),
    ("في هذا المقال سنتعرف على فوائد الزنجبيل.", "في هذا المقال سنتعرف"),
    ("إليكم أبرز المعلومات عن فصل الصيف في المدينة.", "إليكم أبرز"),
    ("فتجدر الإشارة إلى أن الموعد تغير.", "فتجدر الإشارة إلى"),
    # English, with a curly apostrophe and a hyphen.
    ("In today’s fast-paced world, everyone wants news quickly.", "In today’s fast-paced world"),
    ("It's important to note that the rules changed in March.", "It's important to note"),
    ("The report delves into the causes of the decline.", "delves"),
    ("The festival is a rich tapestry of music and food.", "rich tapestry"),
    ("Rail freight plays a pivotal role in the region.", "plays a pivotal role"),
    ("Here is everything you need to know about the new tax.", "everything you need to know"),
    ("In conclusion, the plan remains on track.", "In conclusion"),
]


@pytest.mark.parametrize(("body", "phrase"), PHRASE_POSITIVES)
def test_stock_phrases_are_found_with_exact_spans(body: str, phrase: str) -> None:
    doc = parse(body)
    result = extract(doc)
    found = reasons_for(result.evidence, "stock ")
    assert [item.text for item in found] == [phrase]
    assert_spans_point_into_body(doc, found)
    assert result.features["templating.phrase_count"] == 1
    expected_density = 1000 / doc.word_count
    assert result.features["templating.phrases_per_1000_words"] == pytest.approx(expected_density)


PHRASE_NEGATIVES = [
    "قال وزير الخارجية إن المحادثات ستستأنف الأسبوع المقبل في جنيف.",
    "حافظ الشكل العام للمبنى على طابعه التاريخي رغم الترميم.",
    "لا شكوى لدى السكان من الخدمات الجديدة في الحي.",
    "عالم الاجتماع المصري يلقي محاضرة في جامعة القاهرة غدا.",
    "انتهت المباراة بالتعادل السلبي بين الفريقين في الختامية المؤجلة.",
    "The Delaware court ruled against the company on Tuesday.",
    "The conclusion of the talks was delayed by a week.",
    "He played a role in the merger, the filing shows.",
    "Officials said the tapestries were returned to the museum.",
    "Navigation apps rerouted drivers around the flooded bridge.",
]


@pytest.mark.parametrize("body", PHRASE_NEGATIVES)
def test_ordinary_news_sentences_hold_no_stock_phrase(body: str) -> None:
    result = extract(parse(body))
    assert result.features["templating.phrase_count"] == 0
    assert reasons_for(result.evidence, "stock ") == []


def test_phrase_in_a_separate_title_field_is_evidence_on_the_title() -> None:
    title = "Everything you need to know about the new rail line"
    doc = parse("The line opens on Monday, the transport ministry said.", title=title)
    result = extract(doc)
    found = reasons_for(result.evidence, "stock SEO phrase")
    assert [(item.field, item.text) for item in found] == [("title", "Everything you need to know")]
    assert_spans_point_into_body(doc, found)


def test_words_of_a_phrase_split_by_a_line_break_do_not_match() -> None:
    doc = parse("نشرت الوزارة تقريرها في\nالختام عقد مؤتمر صحفي للإعلان عن النتائج.")
    assert extract(doc).features["templating.phrase_count"] == 0


# --- keyword-stuffed headings ----------------------------------------------------------------

STUFFED_AR = """يبحث كثيرون هذه الأيام عن أسعار الذهب قبل موسم الأعراس، وتتابع المحلات التغيرات لحظة بلحظة.
أسعار الذهب في مصر اليوم
ارتفع سعر الغرام في التعاملات الصباحية بحسب شعبة الذهب.
سعر الذهب عيار 21 في مصر
يبلغ سعر الغرام عيار 21 نحو ثلاثة آلاف جنيه وفق آخر تحديث.
نصائح قبل الشراء
احرص على الحصول على فاتورة مختومة من المحل."""


def test_arabic_headings_that_repeat_title_keywords_are_stuffed() -> None:
    doc = parse(STUFFED_AR, title="أسعار الذهب اليوم في مصر")
    result = extract(doc)
    stuffed = reasons_for(result.evidence, "heading repeats")
    assert [item.text for item in stuffed] == [
        "أسعار الذهب في مصر اليوم",
        "سعر الذهب عيار 21 في مصر",
    ]
    for item in stuffed:
        assert doc.body[item.start : item.end] == item.text
    assert result.features["templating.stuffed_heading_count"] == 2
    assert result.features["templating.stuffed_heading_share"] == pytest.approx(2 / 3)


STUFFED_EN = """Shoppers have more choice than ever when it comes to cheap phones this year.
Best Budget Smartphones Under $300
The cheapest models now ship with large batteries and decent cameras.
Why Budget Smartphones Matter in 2025
Phone prices have risen sharply since 2021, analysts said.
Battery life
Most of the tested models lasted two days on one charge."""


def test_english_headings_that_repeat_title_keywords_are_stuffed() -> None:
    doc = parse(STUFFED_EN, title="Best Budget Smartphones of 2025")
    result = extract(doc)
    stuffed = reasons_for(result.evidence, "heading repeats")
    assert [item.text for item in stuffed] == [
        "Best Budget Smartphones Under $300",
        "Why Budget Smartphones Matter in 2025",
    ]
    assert_spans_point_into_body(doc, stuffed)
    assert result.features["templating.stuffed_heading_share"] == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("title", "body"),
    [
        (
            "فيضانات تضرب شمال باكستان",
            "قال مسؤولون إن الأمطار الغزيرة تسببت في انهيار جسور عدة.\nجهود الإنقاذ\n"
            "نقلت المروحيات عشرات العالقين إلى مناطق آمنة.\nرد الحكومة\n"
            "أعلنت الحكومة حالة الطوارئ في ثلاث مقاطعات.",
        ),
        (
            "Floods hit northern Pakistan",
            "Heavy rain washed away several bridges, officials said.\nRescue efforts\n"
            "Helicopters moved dozens of stranded people to safety.\nGovernment response\n"
            "The government declared an emergency in three districts.",
        ),
    ],
)
def test_headings_that_carry_new_information_are_not_stuffed(title: str, body: str) -> None:
    doc = parse(body, title=title)
    assert len(doc.headings) == 2
    result = extract(doc)
    assert result.features["templating.stuffed_heading_count"] == 0
    assert result.features["templating.stuffed_heading_share"] == 0


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("الذهب", "ذهب"),
        ("والذهب", "الذهب"),
        ("بالذهب", "ذهب"),
        ("للذهب", "ذهب"),
        ("phones", "phone"),
    ],
)
def test_keyword_forms_join_article_and_conjunction_variants(first: str, second: str) -> None:
    assert keyword_forms(first) & keyword_forms(second)


def test_title_keywords_drop_stopwords_and_digits() -> None:
    words = normalize_for_matching("أسعار الذهب اليوم في مصر 2025").split()
    keywords = title_keywords(words, title_stopwords())
    assert len(keywords) == 3  # أسعار، الذهب، مصر
    heading = normalize_for_matching("ارتفاع سعر الذهب في مصر").split()
    assert repeated_keywords(keywords, heading) == 2


# --- title repeated in the prose -------------------------------------------------------------


def test_title_repeated_in_arabic_prose_is_counted_with_spans() -> None:
    title = "خطة جديدة لتطوير النقل العام"
    body = (
        "أعلنت المحافظة عن خطةٍ جديدةٍ لتطوير النقل العام تشمل الحافلات الكهربائية.\n"
        "وتأتي خطة جديدة لتطوير النقل العام بعد شكاوى متكررة من الازدحام.\n"
        "وقال المحافظ إن التنفيذ يبدأ مطلع العام المقبل."
    )
    doc = parse(body, title=title)
    result = extract(doc)
    repeats = reasons_for(result.evidence, "title repeated")
    assert [item.text for item in repeats] == [
        "خطةٍ جديدةٍ لتطوير النقل العام",
        "خطة جديدة لتطوير النقل العام",
    ]
    assert_spans_point_into_body(doc, repeats)
    assert result.features["templating.title_repeat_count"] == 2


def test_title_line_at_the_top_of_the_body_is_not_a_repeat() -> None:
    title = "Council approves new bus lanes"
    body = (
        "Council approves new bus lanes\n"
        "The city council voted 7-2 on Tuesday to add bus lanes on two avenues.\n"
        "Work starts in May, the transport office said."
    )
    doc = parse(body, title=title)
    assert extract(doc).features["templating.title_repeat_count"] == 0


# --- closing engagement calls ----------------------------------------------------------------

CLOSING_CASES = [
    (
        "افتتحت البلدية حديقة جديدة في الحي الشمالي.\nتضم الحديقة ملاعب ومسارات للمشي.\n"
        "ما رأيك في الحديقة الجديدة؟ شاركنا رأيك في التعليقات.",
        ["ما رأيك", "شاركنا رأيك"],
    ),
    (
        "ارتفعت أسعار الوقود للمرة الثالثة هذا العام.\nوقالت الوزارة إن القرار مؤقت.\n"
        "هل تتفق مع القرار؟",
        ["هل تتفق"],
    ),
    (
        "Fuel prices rose for the third time this year.\nThe ministry said the move is temporary.\n"
        "What do you think? Let us know in the comments.",
        ["What do you think", "Let us know in the comments"],
    ),
]


@pytest.mark.parametrize(("body", "calls"), CLOSING_CASES)
def test_engagement_calls_at_the_end_are_closers(body: str, calls: list[str]) -> None:
    doc = parse(body)
    result = extract(doc)
    closing = reasons_for(result.evidence, "closing call")
    assert [item.text for item in closing] == calls
    assert_spans_point_into_body(doc, closing)
    assert result.features["templating.closing_engagement_count"] == len(calls)


@pytest.mark.parametrize(
    "body",
    [
        "سأل المذيع الوزير: ما رأيك في الانتقادات؟ فأجاب بأن الحكومة تستمع للجميع.\n"
        "وأضاف أن الموازنة الجديدة تتضمن زيادة في الأجور.\nوتبدأ المناقشات في البرلمان الأحد.\n"
        "ويتوقع المحللون إقرار الموازنة قبل نهاية الشهر.\nوتبلغ قيمة الموازنة 500 مليار.",
        "The host asked the minister: what do you think of the criticism? He said the government "
        "listens.\nThe new budget raises wages.\nDebate in parliament begins on Sunday.\n"
        "Analysts expect the budget to pass this month.\nIt is worth 500 billion.",
    ],
)
def test_engagement_words_early_in_an_interview_are_not_closers(body: str) -> None:
    result = extract(parse(body))
    assert result.features["templating.engagement_call_count"] == 1
    assert result.features["templating.closing_engagement_count"] == 0


# --- repetition (Gopher filters, repeated sentences) -----------------------------------------


def test_duplicate_ngram_fraction_follows_the_gopher_definition() -> None:
    words = "the court ruled on tuesday the court ruled on tuesday".split()
    repeated_chars = sum(len(word) for word in words[5:])
    assert duplicate_ngram_char_fraction(words, 5) == pytest.approx(
        repeated_chars / sum(map(len, words))
    )
    assert duplicate_ngram_char_fraction(words, 10) == 0
    assert duplicate_ngram_char_fraction("the court ruled on tuesday".split(), 5) == 0
    assert duplicate_ngram_char_fraction([], 5) == 0


def test_top_bigram_fraction() -> None:
    words = normalize_for_matching("سعر الذهب اليوم سعر الذهب أمس سعر الذهب غدا").split()
    bigram_chars = len("سعر") + len("الذهب")
    total = sum(len(word) for word in words)
    assert top_ngram_char_fraction(words, 2) == pytest.approx(3 * bigram_chars / total)
    assert top_ngram_char_fraction("no bigram repeats here".split(), 2) == 0


def test_repeated_sentences_and_duplicated_ngrams_in_an_arabic_article() -> None:
    sentence = "ويعد الذهب ملاذا آمنا للمستثمرين في أوقات الأزمات الاقتصادية."
    body = f"{sentence} وارتفع سعره أمس.\nوقال تجار إن الطلب زاد. {sentence}\n{sentence}"
    doc = parse(body)
    result = extract(doc)
    repeated = reasons_for(result.evidence, "sentence repeated")
    assert [item.text for item in repeated] == [sentence, sentence]
    assert repeated[0].start > body.index(sentence)
    assert_spans_point_into_body(doc, repeated)
    assert result.features["templating.repeated_sentence_count"] == 2
    assert result.features["templating.repeated_sentence_fraction"] == pytest.approx(2 / 5)
    # Nine-word sentences: their 5-grams repeat, but no 10-gram does.
    assert result.features["templating.duplicate_5gram_char_fraction"] > 0.25
    assert result.features["templating.duplicate_10gram_char_fraction"] == 0


def test_short_repeated_lines_are_not_repeated_sentences() -> None:
    body = "He said no.\nThe committee met for three hours on Monday.\nHe said no."
    assert extract(parse(body)).features["templating.repeated_sentence_count"] == 0


# --- layout: densities, labelled bullets, markdown, projection tables ------------------------


def test_heading_and_bullet_densities() -> None:
    body = (
        "Here are the main points of the plan announced by the ministry.\n"
        "Key measures\n"
        "- Cost: the plan costs 2 billion.\n"
        "- Timing: work starts in May.\n"
        "- more buses will run on weekends\n"
        "Officials said details will follow."
    )
    doc = parse(body)
    features = extract(doc).features
    assert features["templating.headings_per_1000_words"] == pytest.approx(1000 / doc.word_count)
    assert features["templating.bullets_per_1000_words"] == pytest.approx(3000 / doc.word_count)
    assert features["templating.labelled_bullet_share"] == pytest.approx(2 / 3)


def test_markdown_left_from_a_chat_answer() -> None:
    body = "## مقدمة\nيعد النوم الجيد مهما للصحة.\n**الخلاصة:** احرص على النوم ثماني ساعات."
    doc = parse(body)
    result = extract(doc)
    markers = reasons_for(result.evidence, "markdown")
    assert [item.text for item in markers] == ["## مقدمة", "**الخلاصة:**"]
    assert_spans_point_into_body(doc, markers)


PROJECTION_TABLE = """من المتوقع أن ينمو سوق السيارات الكهربائية بسرعة في المنطقة.
| السنة | حجم السوق |
| 2025 | 500 مليون دولار |
| 2030 | 1,000 مليون دولار |
| 2035 | ٣٠٠٠ مليون دولار |
وتبقى هذه التقديرات غير مؤكدة."""


def test_table_of_round_projections() -> None:
    doc = parse(PROJECTION_TABLE)
    result = extract(doc)
    rows = reasons_for(result.evidence, "table row")
    assert [item.text for item in rows] == [
        "| 2025 | 500 مليون دولار |",
        "| 2030 | 1,000 مليون دولار |",
        "| 2035 | ٣٠٠٠ مليون دولار |",
    ]
    assert result.features["templating.projection_table_rows"] == 3


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("| 2030 | 750 |", True),
        ("| 2028 | 1,200 |", True),
        ("| 2019 | 500 |", False),
        ("| 2030 | 347.6 |", False),
        ("| 2031 | 2029 |", False),
        ("| 2030 | " + "9" * 5000 + " |", False),
    ],
)
def test_projection_rows(row: str, expected: bool) -> None:
    assert is_projection_row(row) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("50", True),
        ("2,000", True),
        ("300.0", True),
        ("47", False),
        ("2030", False),
        ("5", False),
        ("12.5", False),
    ],
)
def test_round_numbers(value: str, expected: bool) -> None:
    assert is_round_number(value) is expected


# --- archive near-duplicates -----------------------------------------------------------------


class FakeMemory:
    """An outlet archive holding a few articles, compared by MinHash."""

    def __init__(self, articles: dict[str, tuple[str, str]], threshold: float = 0.3) -> None:
        self.articles = articles
        self.threshold = threshold
        self.calls: list[tuple[str, str | None, str | None]] = []

    def author_profile(self, author: str, exclude_id: str | None = None) -> AuthorProfile | None:
        return None

    def near_duplicates(
        self, text: str, outlet: str | None, exclude_id: str | None = None
    ) -> list[ArchiveMatch]:
        self.calls.append((text, outlet, exclude_id))
        query = signature(text)
        matches = []
        for article_id, (article_outlet, article_text) in self.articles.items():
            if article_outlet != outlet or article_id == exclude_id:
                continue
            similarity = jaccard_estimate(query, signature(article_text))
            if similarity >= self.threshold:
                shared = next(
                    (line for line in article_text.split("\n") if line and line in text), ""
                )
                matches.append(ArchiveMatch(article_id, similarity, shared_passage=shared))
        return matches


ARCHIVED = (
    "شهدت العاصمة أمس افتتاح معرض الكتاب الدولي بمشاركة أكثر من خمسمائة دار نشر عربية وأجنبية.\n"
    "ويستمر المعرض عشرة أيام ويضم ندوات فكرية وأمسيات شعرية وورش عمل للأطفال."
)


def test_near_duplicate_of_an_archived_article_gives_similarity_and_evidence() -> None:
    body = ARCHIVED + "\nوقالت إدارة المعرض إن عدد الزوار المتوقع يتجاوز مليون زائر."
    memory = FakeMemory({"old-17": ("أخبار اليوم", ARCHIVED), "other-3": ("منصة أخرى", ARCHIVED)})
    doc = parse(body, outlet="أخبار اليوم", article_id="new-1")
    result = extract(doc, SignalContext(memory=memory))
    assert memory.calls == [(doc.content_text, "أخبار اليوم", "new-1")]
    assert result.features["templating.archive_near_duplicates"] == 1
    assert 0.3 <= result.features["templating.max_archive_similarity"] <= 1
    archive = [item for item in result.evidence if "old-17" in item.reason]
    assert len(archive) == 1
    # The span covers the shared words; the closing full stop is not a word.
    assert archive[0].text == ARCHIVED.split("\n")[0].rstrip(".")
    assert_spans_point_into_body(doc, archive)
    # The archive raises the score; the text score is what the article alone gives.
    alone = extract(doc, NO_MEMORY)
    assert result.score > alone.score
    assert result.features["templating.text_score"] == alone.score
    assert alone.features["templating.text_score"] == alone.score


def test_shared_passage_is_found_despite_diacritics_and_spacing() -> None:
    body = "قال الوزيرُ إنّ   الاتفاقَ\nسيوقع غدا في الرياض بحضور الوفود."
    doc = parse(body)
    span = locate_passage(doc.normalized, "قال الوزير إن الاتفاق سيوقع غدا")
    assert span is not None
    assert doc.body[span[0] : span[1]] == "قال الوزيرُ إنّ   الاتفاقَ\nسيوقع غدا"
    assert locate_passage(doc.normalized, "نص غير موجود في المقال") is None


def test_no_memory_or_no_match_means_zero_archive_features() -> None:
    doc = parse("The museum reopened on Friday after a two-year renovation.", outlet="Daily")
    empty = FakeMemory({})
    for context in (NO_MEMORY, SignalContext(memory=empty)):
        features = extract(doc, context).features
        assert features["templating.max_archive_similarity"] == 0
        assert features["templating.archive_near_duplicates"] == 0


def test_minhash_helper() -> None:
    text = "The central bank raised its main interest rate by a quarter point on Thursday."
    assert "the central bank raised its" in shingles(text)
    assert shingles("Two words") == {"two words"}
    assert shingles("") == set()
    same = signature(text.upper())
    assert jaccard_estimate(signature(text), same) == 1.0
    assert jaccard_estimate(signature(text), signature("")) == 0.0
    other = signature("Floods closed three schools in the north of the country on Monday.")
    assert jaccard_estimate(signature(text), other) < 0.3
    restored = signature_from_hashvalues(list(same.hashvalues))
    assert jaccard_estimate(restored, same) == 1.0


# --- whole articles --------------------------------------------------------------------------


def load_example(name: str) -> Document:
    path = EXAMPLES / name
    if name.endswith(".json"):
        return parse_article(ArticleInput(**json.loads(path.read_text(encoding="utf-8"))))
    return parse_article(ArticleInput(body=path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", ["farm_ar.txt", "farm_en.json"])
def test_content_farm_articles_score_high(name: str) -> None:
    doc = load_example(name)
    result = extract(doc)
    assert result.score > 0.7
    assert result.features["templating.phrase_count"] >= 5
    assert result.features["templating.stuffed_heading_count"] >= 2
    assert result.features["templating.closing_engagement_count"] >= 1
    assert_spans_point_into_body(doc, result.evidence)


@pytest.mark.parametrize("name", ["wire_ar.txt", "wire_en.json"])
def test_wire_stories_score_near_zero(name: str) -> None:
    result = extract(load_example(name))
    assert result.score < 0.05
    assert result.features["templating.phrase_count"] == 0


SEO_AR = """في عالم اليوم المتسارع، يبحث الجميع عن أفضل هاتف اقتصادي. لا شك أن الاختيار صعب.
أفضل هاتف اقتصادي في 2025
تجدر الإشارة إلى أن الأسعار تتغير باستمرار، وبشكل عام تلعب البطارية دورا محوريا في الاختيار.
مواصفات أفضل هاتف اقتصادي
وفي الختام، يمكن القول إن أفضل هاتف اقتصادي هو ما يناسب احتياجاتك.
ما رأيك؟ شاركنا رأيك في التعليقات."""


def test_arabic_seo_article_scores_high_and_a_single_phrase_scores_low() -> None:
    seo = extract(parse(SEO_AR, title="أفضل هاتف اقتصادي 2025"))
    assert seo.score > 0.8
    single = extract(
        parse(
            "قال البنك المركزي إن التضخم تراجع إلى 3 في المئة، وبشكل عام بقيت الأسعار مستقرة. "
            "وأضاف في بيان أن أسعار الفائدة لن تتغير قبل نهاية العام، وأن النمو سيتسارع مع "
            "تعافي الصادرات والسياحة وارتفاع تحويلات العاملين في الخارج خلال الأشهر المقبلة."
        )
    )
    assert single.features["templating.phrase_count"] == 1
    assert single.score < 0.15


@pytest.mark.parametrize("body", ["خبر.", "OK", "١٢٣", "- بند واحد"])
def test_tiny_inputs_give_all_finite_features(body: str) -> None:
    result = extract(parse(body))
    assert set(result.features) == set(SIGNAL.feature_names)
    assert all(math.isfinite(value) for value in result.features.values())
    assert 0 <= result.score <= 1


# --- headings against the headline of a page sent without a title ----------------------------

IMPLIED_TITLE_AR = """الأحد، يونيو 14
دليلك الكامل عن الريال العماني
مقدمة
يعد الريال العماني العملة الرسمية لسلطنة عمان ويصدره البنك المركزي منذ عقود طويلة.
نشأة الريال العماني
صدر الريال العماني بعد أن كانت البلاد تتعامل بعملات متعددة في أسواقها المختلفة.
قيمة الريال العماني أمام الدولار
يرتبط الريال بالدولار الأمريكي بسعر ثابت يحافظ على استقراره أمام العملات الأخرى."""


def test_headings_echo_the_leading_heading_when_no_title_is_sent() -> None:
    doc = parse(IMPLIED_TITLE_AR)
    stuffed = reasons_for(extract(doc).evidence, "heading repeats")
    assert [item.text for item in stuffed] == [
        "نشأة الريال العماني",
        "قيمة الريال العماني أمام الدولار",
    ]
    assert_spans_point_into_body(doc, stuffed)


def test_headline_printed_twice_as_page_chrome_is_not_stuffing() -> None:
    body = """مهرجان الربيع للكتاب في عمّان
مهرجان الربيع للكتاب في عمّان
افتتح وزير الثقافة مساء الأحد فعاليات المعرض بمشاركة مئات من دور النشر العربية.
وقال مدير المعرض في كلمته إن الدورة الحالية تستضيف ندوات يومية للكتّاب الشباب."""
    assert reasons_for(extract(parse(body)).evidence, "heading repeats") == []


def test_headline_copy_with_a_different_ending_is_page_chrome() -> None:
    body = """وزارة الصحة تطلق حملة التطعيم الموسمية في جميع المحافظات
وزارة الصحة تطلق حملة التطعيم الموسمية في جميع المحافظات اليوم
آخر تحديث 09:40
بدأت الفرق الطبية صباح اليوم جولاتها في المدارس والمراكز الصحية بحسب بيان الوزارة."""
    assert reasons_for(extract(parse(body)).evidence, "heading repeats") == []


def test_wire_item_with_one_headline_and_a_caption_has_no_stuffed_heading() -> None:
    body = """مجلس النواب يقر تعديلات قانون الضريبة على الدخل
جانب من جلسة مجلس النواب - صورة أرشيفية
أقر مجلس النواب في جلسته الصباحية مشروع القانون المعدل بعد نقاش استمر ثلاث ساعات.
وقال رئيس اللجنة المالية إن التعديلات تخفف العبء عن أصحاب الدخل المحدود."""
    assert reasons_for(extract(parse(body)).evidence, "heading repeats") == []


QUESTION_HEADINGS_AR = """كل ما تريد معرفته عن الليرة التركية
تعرف الليرة التركية بأنها عملة تركيا الرسمية منذ عشرينيات القرن الماضي.
لماذا تتراجع الليرة التركية أمام الدولار؟
يرى متابعون أن التضخم المرتفع دفع العملة إلى مستويات منخفضة خلال العامين الأخيرين.
فئات الليرة التركية:
تصدر الأوراق النقدية بفئات متعددة تبدأ من خمس ليرات وتصل إلى مئتي ليرة."""


def test_question_and_colon_lines_are_headings_that_echo_the_headline() -> None:
    doc = parse(QUESTION_HEADINGS_AR)
    stuffed = reasons_for(extract(doc).evidence, "heading repeats")
    assert [item.text for item in stuffed] == [
        "لماذا تتراجع الليرة التركية أمام الدولار؟",
        "فئات الليرة التركية:",
    ]
    headline = reasons_for(extract(doc).evidence, "headline whose keywords")
    assert [item.text for item in headline] == ["كل ما تريد معرفته عن الليرة التركية"]
    assert_spans_point_into_body(doc, stuffed + headline)


def test_a_question_in_the_last_line_is_not_a_heading() -> None:
    body = """أسعار القمح العالمية ترتفع للأسبوع الثالث
ارتفعت العقود الآجلة للقمح في بورصة شيكاغو مع تراجع توقعات المحصول.
فهل تستمر أسعار القمح العالمية في الارتفاع؟"""
    assert reasons_for(extract(parse(body)).evidence, "heading repeats") == []


LIST_ON_TEMPLATED_PAGE_AR = """دليلك الشامل لأسعار الفضة في الكويت
في هذا المقال نستعرض أسعار الفضة اليوم بشكل مبسط.
أسعار الفضة في الكويت اليوم
- جرام الفضة عيار 999: 0.4 دينار
- جرام الفضة عيار 925: 0.37 دينار
عوامل تؤثر على أسعار الفضة في الكويت
تتأثر الأسعار بحركة الدولار والطلب الصناعي على المعدن."""


def test_lists_on_a_templated_page_are_shown_as_evidence() -> None:
    doc = parse(LIST_ON_TEMPLATED_PAGE_AR)
    lists = reasons_for(extract(doc).evidence, "bullet list or table")
    assert [item.text for item in lists] == [
        "- جرام الفضة عيار 999: 0.4 دينار",
        "- جرام الفضة عيار 925: 0.37 دينار",
    ]
    assert_spans_point_into_body(doc, lists)


def test_official_requirements_list_alone_is_not_evidence() -> None:
    body = """الداخلية تعلن شروط تجديد جواز السفر إلكترونيا
أعلنت الإدارة العامة للجوازات أن طلبات التجديد تقدم عبر المنصة الرسمية اعتبارا من الأحد.
وتشمل المستندات المطلوبة ما يلي:
- صورة شخصية حديثة بخلفية بيضاء.
- بطاقة الهوية الوطنية سارية المفعول.
- إيصال سداد الرسوم المقررة."""
    result = extract(parse(body))
    assert reasons_for(result.evidence, "bullet list or table") == []


REPEATED_HEADLINE_FARM_AR = """أسعار الأرز اليوم في الأسواق المصرية
أسعار الأرز اليوم في الأسواق المصرية
في هذا المقال نعرض لكم أسعار الأرز اليوم في مختلف المحافظات.
أسعار الأرز الأبيض اليوم في الأسواق
يتراوح سعر الكيلو بين عشرين وخمسة وعشرين جنيها بحسب النوع.
أسعار الأرز الشعير في الأسواق المصرية
سجل طن الأرز الشعير ارتفاعا طفيفا مقارنة بالأسبوع الماضي."""


def test_headline_printed_twice_on_a_templated_page_is_evidence() -> None:
    doc = parse(REPEATED_HEADLINE_FARM_AR)
    lines = reasons_for(extract(doc).evidence, "line printed again")
    assert [item.text for item in lines] == ["أسعار الأرز اليوم في الأسواق المصرية"] * 2
    assert lines[0].start < lines[1].start
    assert_spans_point_into_body(doc, lines)


def test_headline_printed_twice_on_a_plain_wire_item_is_not_evidence() -> None:
    body = """الرئاسة تستقبل وفدا برلمانيا أوروبيا في العاصمة
الرئاسة تستقبل وفدا برلمانيا أوروبيا في العاصمة
استقبل رئيس الدولة صباح اليوم وفدا من البرلمان الأوروبي وبحث معه التعاون الثنائي.
وأوضح بيان الرئاسة أن اللقاء تناول ملفات الهجرة والطاقة والتبادل التجاري."""
    assert reasons_for(extract(parse(body)).evidence, "line printed again") == []


@pytest.mark.parametrize(
    ("body", "teaser"),
    [
        (
            "ارتفعت أسعار الفضة إلى المستويات الجنونية هذا الأسبوع في الأسواق المحلية.",
            "المستويات الجنونية",
        ),
        ("خبراء الأرصاد يحذرون سكان هذه المنطقة من موجة غبار قوية.", "سكان هذه المنطقة"),
        ("أعلن النادي عن صفقة مدوية في سوق الانتقالات الشتوية.", "صفقة مدوية"),
        ("لكن دعني أخبرك بصراحة أن السوق لن يبقى على حاله طويلا.", "دعني أخبرك"),
        ("قرار جديد بشأن الإقامات وهذه تفاصيلها الكاملة.", "وهذه تفاصيلها"),
        ("وتبقى النتيجة مفتوحة والوقت وحده سيكشف الحقيقة.", "والوقت وحده سيكشف"),
    ],
)
def test_arabic_clickbait_teasers_are_evidence(body: str, teaser: str) -> None:
    doc = parse(body, title="خبر اليوم")
    found = reasons_for(extract(doc).evidence, "clickbait teaser")
    assert [normalize_for_matching(item.text) for item in found] == [normalize_for_matching(teaser)]
    assert_spans_point_into_body(doc, found)


@pytest.mark.parametrize(
    "body",
    [
        "كشف التقرير السنوي للبنك المركزي عن تراجع معدل التضخم إلى ثلاثة في المئة.",
        "أثار القرار جدلا واسعا في البرلمان قبل إقراره بأغلبية الأعضاء.",
        "وقع انفجار مدو في الميناء صباح اليوم بحسب شهود عيان ومصادر أمنية.",
        "يعيش المقيمون في هذه الدول ظروفا اقتصادية صعبة بحسب تقرير الأمم المتحدة.",
    ],
)
def test_wire_wording_is_not_clickbait(body: str) -> None:
    assert reasons_for(extract(parse(body, title="خبر اليوم")).evidence, "clickbait") == []


@pytest.mark.parametrize(
    ("body", "residue"),
    [
        ("ويقسم الدينار إلى ألف فلس،[١] ويصدره البنك المركزي منذ الاستقلال.", "[١]"),
        ("تقع الإمارة على ساحل الخليج العربي.[2] وهي الأكبر مساحة بين الإمارات.", "[2]"),
        ("AI 🤖تشجيع دور المرأة في سوق العمل من أهداف الخطة الوطنية.", "AI 🤖"),
        ("وينشر “” سعر الريال اليوم في البنوك المحلية والصرافات.", "“”"),
        ("| البنك | سعر الشراء |\n|---|---|\n| الأهلي | 3.75 |", "|---|"),
        (
            "كما يظهر في الرسم البياني المرفق بالخبر ارتفعت الأسعار مرتين.",
            "الرسم البياني المرفق بالخبر",
        ),
    ],
)
def test_scraper_and_chatbot_residue_is_evidence(body: str, residue: str) -> None:
    doc = parse(body, title="عن العملة")
    found = reasons_for(extract(doc).evidence, "scraper, spinner or chatbot residue")
    assert residue in [item.text for item in found]
    assert_spans_point_into_body(doc, found)


@pytest.mark.parametrize(
    "body",
    [
        "سجلت البحرين 41 إصابة جديدة (+3) مقارنة بالأمس بحسب وزارة الصحة.",
        "ارتفع المؤشر العام بنسبة 2.5% في ختام تعاملات اليوم وفق بيان البورصة.",
        "اترك تعليقا على الخبر عبر نموذج التعليقات أسفل الصفحة.",
        "قال المتحدث «إن المفاوضات مستمرة» دون أن يحدد موعدا للجولة المقبلة.",
    ],
)
def test_wire_text_has_no_residue(body: str) -> None:
    found = reasons_for(extract(parse(body, title="خبر")).evidence, "scraper, spinner")
    assert found == []


SLUG_PAGE_AR = """الريال القطري
يعد الريال العملة الرسمية لدولة قطر منذ سبعينيات القرن الماضي.
العملات الورقية في قطر
تصدر الأوراق النقدية بفئات من ريال واحد إلى خمسمئة ريال.
تاريخ عملة قطر
كانت البلاد تتعامل بالروبية قبل إصدار الريال الوطني."""


def test_url_slug_gives_the_keywords_when_no_headline_is_found() -> None:
    article = ArticleInput(body=SLUG_PAGE_AR, url="https://example.com/l/ما-عملة-قطر")
    doc = parse_article(article)
    stuffed = reasons_for(extract(doc).evidence, "heading repeats")
    assert [item.text for item in stuffed] == ["العملات الورقية في قطر", "تاريخ عملة قطر"]
    assert_spans_point_into_body(doc, stuffed)


def test_headline_spelled_by_the_url_slug_is_not_stuffing() -> None:
    body = """ارتفاع معدل التضخم في المملكة لنهاية مايو
تم نشره في الأحد
أعلنت الهيئة العامة للإحصاء أن معدل التضخم السنوي ارتفع بنهاية الشهر الماضي."""
    url = "https://example.com/news/ارتفاع-معدل-التضخم-في-المملكة-لنهاية-مايو"
    doc = parse_article(ArticleInput(body=body, url=url))
    assert reasons_for(extract(doc).evidence, "heading repeats") == []
