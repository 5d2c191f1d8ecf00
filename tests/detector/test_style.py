import math

import pytest

from mizan.detector.article import ArticleInput, Document, parse_article
from mizan.detector.signals.base import SignalContext
from mizan.detector.signals.style import (
    StyleSignal,
    boilerplate_ratio,
    coefficient_of_variation,
    common_word_share,
    common_words,
    connective_pattern,
    mean,
    mean_word_length,
    moving_average_type_token_ratio,
    opening_connective,
    word_tokens,
)
from mizan.detector.text import normalize_for_matching

SIGNAL = StyleSignal()
CONTEXT = SignalContext()


def parse(body: str, title: str | None = None) -> Document:
    return parse_article(ArticleInput(title=title, body=body))


# --- connective openers ----------------------------------------------------------------------

CONNECTIVE_CASES = [
    ("علاوةً على ذلك، ارتفعت أسعار الخضروات في الأسواق.", "علاوة على ذلك"),
    ("بالإضافة إلى ذلك تعتزم الوزارة فتح مدارس جديدة.", "بالإضافة إلى ذلك"),
    ("وفي سياق متصل، أعلنت الشركة نتائجها الفصلية.", "وفي"),
    ("ومن المتوقع أن يصل الوفد مساء اليوم.", "ومن"),
    ("كما أكد المتحدث أن المفاوضات مستمرة.", "كما"),
    ("«وفي الوقت نفسه» تستمر أعمال الصيانة على الطريق.", "وفي"),
    ("ومع ذلك، لم تصدر الحكومة أي بيان رسمي.", "ومع ذلك"),
    ("من ناحية أخرى، تراجعت صادرات النفط.", "من ناحية أخرى"),
    ("وبالتالي سترتفع تكلفة النقل على المواطنين.", "وبالتالي"),
    ("وختاماً، شكر الوزير جميع المشاركين.", "وختاما"),
    ("Moreover, the plan lacks funding.", "Moreover"),
    ("Additionally the council approved a new budget.", "Additionally"),
    ("Furthermore, prices rose in March.", "Furthermore"),
    ("In addition, two schools will close.", "In addition"),
    ("“However, the vote was delayed,” she said.", "However"),
    ("On the other hand, exports grew.", "On the other hand"),
]


@pytest.mark.parametrize(("sentence", "connective"), CONNECTIVE_CASES)
def test_sentences_opening_with_a_connective(sentence: str, connective: str) -> None:
    assert opening_connective(sentence, connective_pattern()) == normalize_for_matching(connective)


@pytest.mark.parametrize(
    "sentence",
    [
        "كمال الأجسام رياضة تزداد شعبيتها بين الشباب.",
        "ومنذ ذلك الحين لم يعد اللاعب إلى الملاعب.",
        "وفيات الحوادث تراجعت بنسبة عشرة في المئة.",
        "قال الوزير إن الميزانية تكفي حتى نهاية العام.",
        "ختم الرئيس زيارته بلقاء مع الجالية.",
        "Further details emerged on Tuesday.",
        "Thusly is not a word the editor allows.",
        "The minister said the budget is sufficient.",
        "Overalls were sold out within hours.",
    ],
)
def test_sentences_without_a_connective_opener(sentence: str) -> None:
    assert opening_connective(sentence, connective_pattern()) is None


# --- pure measures ---------------------------------------------------------------------------


def test_mean_and_coefficient_of_variation() -> None:
    assert mean([]) == 0
    assert mean([4, 8]) == 6
    assert coefficient_of_variation([12, 12, 12]) == 0
    assert coefficient_of_variation([5, 15]) == pytest.approx(0.5)
    assert coefficient_of_variation([7]) == 0
    assert coefficient_of_variation([0, 0]) == 0


def brute_force_mattr(words: list[str], window: int) -> float:
    if len(words) <= window:
        return len(set(words)) / len(words)
    windows = [words[start : start + window] for start in range(len(words) - window + 1)]
    return sum(len(set(chunk)) / window for chunk in windows) / len(windows)


@pytest.mark.parametrize(
    "text",
    [
        "قال المتحدث إن الوزارة ستعلن خطة جديدة للنقل العام وإن الخطة تشمل الحافلات والقطارات "
        "وإن الوزارة ستبدأ التنفيذ في الربيع وإن الحافلات الجديدة كهربائية بالكامل",
        "the court said the ruling stands and the court said the appeal fails and the court "
        "said costs are awarded to the city and the city said it welcomed the ruling",
    ],
)
def test_mattr_equals_the_brute_force_average(text: str) -> None:
    words = word_tokens(text)
    for window in (5, 10, 50):
        assert moving_average_type_token_ratio(words, window) == pytest.approx(
            brute_force_mattr(words, window)
        )
    assert moving_average_type_token_ratio([]) == 0


def test_word_length_and_common_words() -> None:
    arabic = word_tokens("ذهب الوزير إلى القاهرة في زيارة")
    assert mean_word_length(arabic) == pytest.approx(sum(map(len, arabic)) / 6)
    # في، إلى are among the most frequent Arabic words; الوزير, القاهرة are not.
    assert common_word_share(arabic, common_words()) == pytest.approx(2 / 6)
    english = word_tokens("The minister flew to Cairo on Monday")
    assert common_word_share(english, common_words()) == pytest.approx(3 / 7)
    assert mean_word_length([]) == 0
    assert common_word_share([], common_words()) == 0


def test_word_tokens_drop_arabic_punctuation() -> None:
    assert word_tokens("نعم، قال الوزير؛ ثم غادر؟") == ["نعم", "قال", "الوزير", "ثم", "غادر"]


# --- the signal ------------------------------------------------------------------------------

MACHINE_AR = """علاوة على ذلك، تسعى الحكومة إلى تطوير قطاع النقل العام في المدن.
بالإضافة إلى ذلك، تعمل الوزارة على تحديث شبكة الطرق في المحافظات.
ومن ناحية أخرى، تهدف الخطة إلى تقليل الازدحام المروري في العاصمة.
كما تسعى الجهات المعنية إلى تحسين جودة الخدمات المقدمة للمواطنين.
وفي هذا السياق، تعمل الحكومة على جذب الاستثمارات إلى قطاع النقل.
علاوة على ذلك، تساهم المشاريع الجديدة في توفير فرص العمل للشباب.
ومن ثم، يتوقع الخبراء تحسن مستوى الخدمات خلال السنوات المقبلة.
وبالتالي، ستنعكس هذه الجهود على جودة الحياة في المدن الكبرى.
وفي الختام، تبقى الخطة خطوة مهمة نحو تحقيق التنمية المستدامة."""

HUMAN_AR = """قال شهود عيان إن حريقا اندلع فجر الأحد في سوق الخضار القديم وسط المدينة.
احترقت عشرون محلا.
وقال أبو سمير (62 عاما)، وهو بائع فاكهة منذ أربعين سنة: «خسرت كل شيء، كل شيء».
الدفاع المدني وصل بعد نصف ساعة - بحسب التجار - وهو ما نفاه متحدث باسمه قائلا إن الفرق تحركت فور تلقي البلاغ وإن الازدحام في الأزقة الضيقة أخر وصول الشاحنات.
لا إصابات.
وتحقق النيابة في أسباب الحريق، فيما رجح مسؤول محلي أن يكون ماس كهربائي وراءه.
السوق بني عام 1958.
ويطالب التجار منذ سنوات بتجديد شبكة الكهرباء فيه، لكن البلدية تقول إن الميزانية لا تسمح بذلك قبل العام المقبل على أقرب تقدير."""

MACHINE_EN = """Moreover, the city plans to expand its public transport network this year.
Additionally, the council aims to reduce traffic congestion in the centre.
Furthermore, the project seeks to improve the quality of local services.
In addition, the plan focuses on attracting investment to the transport sector.
However, the authorities must ensure that the budget remains sustainable.
Consequently, experts expect services to improve over the coming years.
Overall, the initiative represents an important step toward sustainable growth.
In conclusion, the strategy reflects a strong commitment to the community."""

HUMAN_EN = """The fire started just after 4 a.m.
By the time the first engine arrived - about 30 minutes later, according to traders - twenty stalls were gone.
"I lost everything," said Samir Haddad, 62, who has sold fruit at the market for four decades.
No one was hurt.
A spokesman for the civil defence (which runs the city's fire service) denied the delay, saying crews left within minutes but were slowed by the narrow lanes around the old market.
Prosecutors are investigating.
The market was built in 1958; traders have asked for new wiring for years."""


@pytest.mark.parametrize(("body", "minimum"), [(MACHINE_AR, 0.6), (MACHINE_EN, 0.6)])
def test_even_connective_led_prose_scores_high_with_evidence(body: str, minimum: float) -> None:
    doc = parse(body)
    result = SIGNAL.extract(doc, CONTEXT)
    assert result.score >= minimum
    assert result.features["style.connective_sentence_share"] >= 0.8
    assert result.features["style.sentence_length_cv"] < 0.2
    assert len(result.evidence) >= 7
    for item in result.evidence:
        assert doc.body[item.start : item.end] == item.text
        assert item.reason.startswith("sentence opens with the connective")


@pytest.mark.parametrize("body", [HUMAN_AR, HUMAN_EN])
def test_varied_reported_prose_scores_low_without_evidence(body: str) -> None:
    result = SIGNAL.extract(parse(body), CONTEXT)
    assert result.score < 0.1
    assert result.features["style.sentence_length_cv"] > 0.6
    assert result.features["style.quote_rate"] > 0
    assert result.features["style.dash_rate"] > 0
    assert result.features["style.parenthesis_rate"] > 0
    assert result.evidence == ()


def test_punctuation_rates_per_100_words() -> None:
    body = "قال الوزير: «سنبدأ غدا»، وأضاف (في مؤتمر صحفي) أن الخطة جاهزة! هل هي كذلك؟ نعم، قالها."
    doc = parse(body)
    words = len(word_tokens(doc.content_text))
    features = SIGNAL.extract(doc, CONTEXT).features
    assert features["style.comma_rate"] == pytest.approx(100 * 2 / words)
    assert features["style.colon_rate"] == pytest.approx(100 * 1 / words)
    assert features["style.quote_rate"] == pytest.approx(100 * 2 / words)
    assert features["style.parenthesis_rate"] == pytest.approx(100 * 1 / words)
    assert features["style.exclamation_rate"] == pytest.approx(100 * 1 / words)
    assert features["style.question_rate"] == pytest.approx(100 * 1 / words)


def test_sentence_and_paragraph_statistics() -> None:
    body = (
        "One two three four. One two.\nOne two three four five six.\nOne two three four five six."
    )
    features = SIGNAL.extract(parse(body), CONTEXT).features
    assert features["style.sentence_count"] == 4
    assert features["style.sentence_length_mean"] == pytest.approx(4.5)
    assert features["style.sentence_length_cv"] == pytest.approx(
        coefficient_of_variation([4, 2, 6, 6])
    )
    assert features["style.paragraph_count"] == 3
    assert features["style.paragraph_length_cv"] == 0


PAGE_TEXT = """تخطى إلى المحتوى
الرئيسية | أخبار | رياضة | اقتصاد | منوعات
افتتاح جسر جديد فوق النهر
افتتاح جسر جديد فوق النهر
شارك على فيسبوك
افتتح المحافظ صباح اليوم جسرا جديدا يربط ضفتي النهر بطول كيلومترين.
وقال إن الجسر سيخفف الزحام عن الطريق القديم.
جميع الحقوق محفوظة"""


def test_boilerplate_ratio_of_page_text() -> None:
    doc = parse(PAGE_TEXT)
    assert doc.source_format == "page_text"
    features = SIGNAL.extract(doc, CONTEXT).features
    assert features["style.boilerplate_ratio"] == pytest.approx(boilerplate_ratio(doc))
    assert 0.3 < features["style.boilerplate_ratio"] < 0.8
    clean = parse("افتتح المحافظ جسرا جديدا.\nوقال إن الجسر سيخفف الزحام.")
    assert SIGNAL.extract(clean, CONTEXT).features["style.boilerplate_ratio"] == 0


@pytest.mark.parametrize("body", ["خبر.", "OK", "١٢٣", "- بند", "؟؟؟ !!!", "Moreover."])
def test_tiny_inputs_give_finite_features_and_zero_score(body: str) -> None:
    result = SIGNAL.extract(parse(body), CONTEXT)
    assert set(result.features) == set(SIGNAL.feature_names)
    assert all(math.isfinite(value) for value in result.features.values())
    assert result.score == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("كـــتب الخبيرُ، والمحللون", ["كتب", "الخبير", "والمحللون"]),
        ("الأسعار ٢٠٢٤؛ Experts_said", ["الاسعار", "2024", "experts", "said"]),
        ("", []),
    ],
)
def test_word_tokens_are_the_language_layer_words(text: str, expected: list[str]) -> None:
    assert word_tokens(text) == expected
