import pytest

from mizan.detector.article import ArticleInput, Document, parse_article
from mizan.detector.signals.base import SignalContext, SignalResult
from mizan.detector.signals.statistics import StatisticsSignal

SIGNAL = StatisticsSignal()
CONTEXT = SignalContext()


def parse(body: str, title: str | None = None) -> Document:
    return parse_article(ArticleInput(title=title, body=body))


def score(body: str, title: str | None = None) -> tuple[Document, SignalResult]:
    doc = parse(body, title)
    return doc, SIGNAL.extract(doc, CONTEXT)


def feature(result: SignalResult, name: str) -> float:
    return result.features[f"statistics.{name}"]


def assert_evidence_points_into_the_text(doc: Document, result: SignalResult) -> None:
    for item in result.evidence:
        text = doc.body if item.field == "body" else doc.title
        assert text[item.start : item.end] == item.text


# --- claims checked against reference data -----------------------------------------------

# (sentence, evidence text, words the reason must contain)
CONTRADICTED_CASES = [
    (
        "وقال المسؤول إن مساحة مصر أربعة أضعاف مساحة السعودية.",
        "مساحة مصر أربعة أضعاف مساحة السعودية",
        ["area ratio Egypt/Saudi Arabia", "claimed 4.0", "reference 0.47"],
    ),
    (
        "وأكد الباحث أن مساحة مصر أكبر من مساحة السعودية بأربع مرات.",
        "مساحة مصر أكبر من مساحة السعودية",
        ["area ratio Egypt/Saudi Arabia", "claimed 4.0"],
    ),
    (
        "تعادل مساحة لبنان نصف مساحة قطر تقريبا.",
        "مساحة لبنان نصف مساحة قطر",
        ["area ratio Lebanon/Qatar", "claimed 0.50", "reference 0.90"],
    ),
    (
        "يبلغ عدد سكان قطر عشرة أضعاف سكان الكويت.",
        "عدد سكان قطر عشرة أضعاف سكان الكويت",
        ["population ratio Qatar/Kuwait", "claimed 10"],
    ),
    (
        "يبلغ عدد سكان دول الخليج 400 مليون نسمة.",
        "عدد سكان دول الخليج 400 مليون نسمة",
        ["population of Gulf Cooperation Council states", "claimed 400 million"],
    ),
    (
        "ويبلغ عدد سكان روسيا نحو 900 مليون نسمة.",
        "عدد سكان روسيا نحو 900 مليون نسمة",
        ["population of Russia", "claimed 900 million"],
    ),
    (
        "لبنان، الذي يبلغ عدد سكانه 40 مليون نسمة، يواجه أزمة.",
        "لبنان، الذي يبلغ عدد سكانه 40 مليون نسمة",
        ["population of Lebanon", "claimed 40 million"],
    ),
    (
        "تبلغ مساحة الكويت 170 ألف كيلومتر مربع.",
        "مساحة الكويت 170 ألف كيلومتر مربع",
        ["area of Kuwait", "km²"],
    ),
    (
        "المسافة بين القاهرة والرياض 5000 كيلومتر.",
        "المسافة بين القاهرة والرياض 5000 كيلومتر",
        ["distance Cairo-Riyadh", "claimed 5000 km", "great-circle 1641 km"],
    ),
    (
        "تبعد جدة عن الرياض نحو 95 كيلومترا فقط.",
        "تبعد جدة عن الرياض نحو 95 كيلومترا",
        ["distance Jeddah-Riyadh", "claimed 95 km"],
    ),
    (
        "Egypt is four times the size of Saudi Arabia, the minister claimed.",
        "Egypt is four times the size of Saudi Arabia",
        ["area ratio Egypt/Saudi Arabia", "claimed 4.0", "reference 0.47"],
    ),
    (
        "Kuwait's population is ten times that of Qatar.",
        "Kuwait's population is ten times that of Qatar",
        ["population ratio Kuwait/Qatar", "claimed 10"],
    ),
    (
        "The population of the Gulf states is 400 million.",
        "population of the Gulf states is 400 million",
        ["population of Gulf Cooperation Council states"],
    ),
    (
        "Qatar, home to 27 million people, hosted the tournament.",
        "Qatar, home to 27 million people",
        ["population of Qatar", "claimed 27 million"],
    ),
    (
        "Egypt covers an area of 3 million square kilometres.",
        "Egypt covers an area of 3 million square kilometres",
        ["area of Egypt", "claimed 3 million km²"],
    ),
    (
        "Paris is 3,400 km from London.",
        "Paris is 3,400 km from London",
        ["distance Paris-London", "claimed 3400 km"],
    ),
]


@pytest.mark.parametrize(("sentence", "evidence_text", "reason_parts"), CONTRADICTED_CASES)
def test_claims_that_contradict_reference_data(
    sentence: str, evidence_text: str, reason_parts: list[str]
) -> None:
    doc, result = score(sentence)
    assert feature(result, "checked_claim_count") == 1
    assert feature(result, "contradicted_claim_count") == 1
    assert feature(result, "max_reference_deviation") > 0.5
    assert result.score >= 0.5
    [evidence] = result.evidence
    assert evidence.text == evidence_text
    assert doc.body[evidence.start : evidence.end] == evidence_text
    for part in reason_parts:
        assert part in evidence.reason


CONSISTENT_CASES = [
    "وتبلغ مساحة السعودية ضعف مساحة مصر تقريبا.",
    "يبلغ عدد سكان الكويت ضعف سكان قطر.",
    "تعادل مساحة مصر 47% من مساحة السعودية.",
    "يبلغ عدد سكان دول الخليج نحو 58 مليون نسمة.",
    "يبلغ عدد سكان مصر نحو 105 ملايين نسمة بحسب الجهاز المركزي للتعبئة العامة والإحصاء.",
    "تبلغ مساحة مصر 1,002,450 كيلومتر مربع.",
    "تبلغ المسافة بين القاهرة والرياض نحو 1600 كيلومتر.",
    "تبعد جدة عن الرياض نحو 950 كيلومترا بالسيارة.",
    "يبلغ عدد سكان السعودية 35 مليون نسمة وفق تعداد 2022.",
    "ويعيش في الإمارات، التي يبلغ عدد سكانها نحو 10 ملايين نسمة، أكثر من 200 جنسية.",
    "Saudi Arabia is about twice the size of Egypt.",
    "Egypt is about half the size of Saudi Arabia.",
    "Egypt has a population of about 105 million people.",
    "Russia has a population of 144 million.",
    "Paris is 340 km from London.",
    "More than 200 nationalities live in the UAE, whose population is about 10 million.",
]


@pytest.mark.parametrize("sentence", CONSISTENT_CASES)
def test_claims_that_agree_with_reference_data(sentence: str) -> None:
    _doc, result = score(sentence)
    assert feature(result, "checked_claim_count") >= 1
    assert feature(result, "contradicted_claim_count") == 0
    assert result.score == 0
    assert result.evidence == ()


UNCHECKED_CASES = [
    # not about territory or population
    "The economy of Egypt is four times the size of Kuwait's economy.",
    "يبلغ حجم اقتصاد السعودية ضعف حجم اقتصاد مصر.",
    # a figure about something in the place, not the place itself
    "يعيش أكبر تجمع للدروز في العالم بتعداد يقارب 700 ألف نسمة.",
    "الصحراء الغربية منطقة تقع شمال غربي أفريقيا ومساحتها حوالي 266 ألف كيلومتر مربع.",
    "ويبلغ عدد سكان مصر الذين يعيشون في المدن 40 مليونا.",
    # a forecast is not today's figure
    "من المتوقع أن يصل عدد سكان مصر إلى 300 مليون نسمة بحلول 2100 وفق الأمم المتحدة.",
    # a road inside a region, far from the two cities named later
    "اختصر الطريق المسافة إلى 12 كيلومترا بين القريتين، ويربط المنطقة بمدن مهمة عدة ويخدم "
    "المسافرين إلى الرياض وسكان المنطقة الذين يتجهون إلى المدينة المنورة.",
    "Thousands marched in Cairo on Friday.",
]


@pytest.mark.parametrize("sentence", UNCHECKED_CASES)
def test_sentences_without_a_checkable_claim(sentence: str) -> None:
    _doc, result = score(sentence)
    assert feature(result, "checked_claim_count") == 0
    assert feature(result, "contradicted_claim_count") == 0
    assert result.score == 0


# --- internal contradictions -------------------------------------------------------------

INTERNAL_CASES = [
    (
        "يبلغ عدد سكان مصر 105 ملايين نسمة. وفي موضع آخر أشار التقرير إلى أن عدد سكان مصر 60 "
        "مليونا فقط.",
        "عدد سكان مصر 60 مليونا",
        "population of Egypt given as 60 million here and 105 million earlier",
    ),
    (
        "يبلغ عدد سكان القاهرة 20 مليون نسمة. ويبلغ عدد سكان القاهرة 10 ملايين نسمة.",
        "عدد سكان القاهرة 10 ملايين نسمة",
        "population of Cairo given as 10 million here and 20 million earlier",
    ),
    (
        "تبلغ مساحة قطر 11,586 كيلومتر مربع. وتبلغ مساحة قطر 14 ألف كيلومتر مربع.",
        "مساحة قطر 14 ألف كيلومتر مربع",
        "area of Qatar given as 14000 km² here and 11586 km² earlier",
    ),
    (
        "The population of Cairo is 20 million. Later the report says the population of Cairo is "
        "9 million.",
        "population of Cairo is 9 million",
        "population of Cairo given as 9 million here and 20 million earlier",
    ),
    (
        "The distance between Cairo and Riyadh is 1,640 km. Officials said the distance between "
        "Cairo and Riyadh is 2,600 km.",
        "distance between Cairo and Riyadh is 2,600 km",
        "distance Cairo-Riyadh given as 2600 km here and 1640 km earlier",
    ),
]


@pytest.mark.parametrize(("body", "evidence_text", "reason"), INTERNAL_CASES)
def test_internal_contradictions(body: str, evidence_text: str, reason: str) -> None:
    doc, result = score(body)
    assert feature(result, "internal_contradiction_count") == 1
    internal = [item for item in result.evidence if "earlier" in item.reason]
    assert [item.text for item in internal] == [evidence_text]
    assert internal[0].reason == reason
    assert_evidence_points_into_the_text(doc, result)
    assert result.score >= 0.35


@pytest.mark.parametrize(
    "body",
    [
        "يبلغ عدد سكان مصر 105 ملايين نسمة. ويبلغ عدد سكان مصر نحو 106 ملايين نسمة.",
        "يبلغ عدد سكان مصر 105 ملايين نسمة. ويبلغ عدد سكان الأردن 11 مليون نسمة.",
        "The population of Cairo is 20 million. The population of Giza is 9 million.",
    ],
)
def test_repeated_or_different_quantities_are_not_contradictions(body: str) -> None:
    _doc, result = score(body)
    assert feature(result, "internal_contradiction_count") == 0


# --- impossible magnitudes ---------------------------------------------------------------

IMPOSSIBLE_CASES = [
    ("وقالت الشركة إن لديها 200 عام من الخبرة في المجال.", "200 عام", "200 years of experience"),
    ("توفي رجل هندي عن عمر ناهز 160 عاما.", "160 عاما", "age of 160 years is over 130"),
    ("احتفل معمر عمره 170 عاما بعيد ميلاده.", "170 عاما", "age of 170 years is over 130"),
    ("وبلغت نسبة البطالة 120% العام الماضي.", "120%", "rate of 120% is over 100%"),
    ("وأظهر المسح أن 150% من السكان يؤيدون القرار.", "150%", "population is over 100%"),
    ("سكان العالم يبلغ 80 مليار نسمة.", "سكان العالم يبلغ 80 مليار نسمة", "more than the world"),
    ("The 150-year-old man was honoured by the village.", "150-year-old", "age of 150 years"),
    ("She died at 140 years, her family said.", "140 years", "age of 140 years"),
    ("Turnout reached 130 percent in the district.", "130 percent", "rate of 130%"),
    ("The firm boasts 300 years of experience.", "300 years", "300 years of experience"),
]


@pytest.mark.parametrize(("sentence", "evidence_text", "reason_part"), IMPOSSIBLE_CASES)
def test_impossible_magnitudes(sentence: str, evidence_text: str, reason_part: str) -> None:
    doc, result = score(sentence)
    assert feature(result, "impossible_magnitude_count") == 1
    [evidence] = result.evidence
    assert evidence.text == evidence_text
    assert doc.body[evidence.start : evidence.end] == evidence_text
    assert reason_part in evidence.reason
    assert result.score >= 0.5


@pytest.mark.parametrize(
    "sentence",
    [
        "ارتفعت الأسعار بنسبة 150% خلال عام.",
        "الدين العام بلغ 177% من الناتج المحلي الإجمالي.",
        "يعود تاريخ المعبد إلى 3000 عام.",
        "يبلغ عمر الشجرة 400 عام بحسب الخبراء.",
        "تأسست الجامعة قبل 100 عام من الآن.",
        "توفيت الجدة عن عمر ناهز 104 أعوام.",
        "Greek debt stands at 177 percent of GDP.",
        "The 2,000-year-old temple was restored.",
        "Sales jumped 250% from a year earlier.",
        "The company has 80 years of experience in shipping.",
    ],
)
def test_large_but_possible_magnitudes(sentence: str) -> None:
    _doc, result = score(sentence)
    assert feature(result, "impossible_magnitude_count") == 0
    assert result.score == 0


# --- projections and precision -------------------------------------------------------------

PROJECTION_CASES = [
    ("من المتوقع أن يصل عدد السياح إلى 30 مليونا بحلول 2030.", True),
    ("ومن المنتظر أن ترتفع الصادرات إلى 50 مليار دولار العام المقبل.", True),
    ("سيصل حجم السوق إلى 12 مليار دولار بحلول عام 2028.", True),
    ("وتوقع البنك الدولي أن يصل النمو إلى 4.5% بحلول 2026.", False),
    ("وبحسب تقرير صندوق النقد، من المتوقع أن يبلغ التضخم 7% العام المقبل.", False),
    ("وقال وزير المالية إن الإيرادات ستصل إلى 300 مليار ريال.", False),
    ("The market is expected to reach $12 billion by 2030.", True),
    ("Exports will reach 50 million tonnes next year.", True),
    ("The IMF expects growth of 3.1% in 2025.", False),
    ("Output is projected to rise to 2 million barrels a day, according to the ministry.", False),
]


@pytest.mark.parametrize(("sentence", "unsourced"), PROJECTION_CASES)
def test_projections(sentence: str, unsourced: bool) -> None:
    doc, result = score(sentence)
    assert feature(result, "projection_count") == 1
    assert feature(result, "unsourced_projection_count") == int(unsourced)
    if unsourced:
        [evidence] = result.evidence
        assert evidence.text == sentence
        assert doc.body[evidence.start : evidence.end] == sentence
        assert 0 < result.score < 0.3
    else:
        assert result.score == 0


@pytest.mark.parametrize(
    "sentence",
    [
        "ارتفعت الصادرات 12% العام الماضي.",
        "The council met in 2030 Avenue to discuss the budget.",
        "من المتوقع أن يصل الوزير غدا.",
    ],
)
def test_not_projections_with_figures(sentence: str) -> None:
    _doc, result = score(sentence)
    assert feature(result, "unsourced_projection_count") == 0


def test_false_precision_in_a_projection() -> None:
    doc, result = score("من المتوقع أن تصل نسبة النمو إلى 87.349% بحلول 2030.")
    assert feature(result, "false_precision_count") == 1
    assert feature(result, "unsourced_projection_count") == 1
    precision = [item for item in result.evidence if "decimal places" in item.reason]
    assert [item.text for item in precision] == ["87.349%"]
    assert_evidence_points_into_the_text(doc, result)
    assert 0.1 < result.score < 0.3


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("Turnout was 61.237% according to the electoral commission.", 1),
        ("بلغت نسبة الإقبال 61.2% وفق الهيئة.", 0),
        ("The pound traded at 1.2745 dollars on Monday.", 0),
    ],
)
def test_false_precision(sentence: str, count: int) -> None:
    _doc, result = score(sentence)
    assert feature(result, "false_precision_count") == count


# --- whole articles ------------------------------------------------------------------------

WIRE_STORY_AR = """الرياض (رويترز) - قالت الهيئة العامة للإحصاء في السعودية يوم الأحد إن عدد سكان المملكة بلغ 32.2 مليون نسمة وفق نتائج تعداد 2022، منهم 18.8 مليون سعودي.
وأضافت الهيئة في بيان أن نسبة الذكور بلغت 61.2 في المئة من إجمالي السكان، وأن متوسط عمر السكان 29 عاما.
وتبلغ مساحة السعودية نحو مليونين و150 ألف كيلومتر مربع، أي ما يزيد على ضعف مساحة مصر.
وتوقع صندوق النقد الدولي أن ينمو اقتصاد المملكة 4.2 بالمئة العام المقبل.
وتبعد الرياض عن جدة نحو 950 كيلومترا برا، وتربط بينهما رحلات يومية.
"""

WIRE_STORY_EN = """CAIRO (Reuters) - Egypt's population reached 105 million, the state statistics agency said on Sunday, adding that the country grows by about 1.5 million people a year.
Egypt covers about 1 million square kilometres, roughly half the size of Saudi Arabia, but most people live along the Nile.
The World Bank expects growth of 4.1% next year, down from 4.2% in 2023.
The distance between Cairo and Riyadh is about 1,640 km, and flights take two and a half hours.
"""


@pytest.mark.parametrize("body", [WIRE_STORY_AR, WIRE_STORY_EN])
def test_clean_wire_story_scores_zero(body: str) -> None:
    doc, result = score(body)
    assert result.score == 0
    assert result.evidence == ()
    assert feature(result, "numeric_claim_count") >= 5
    assert feature(result, "checked_claim_count") >= 2
    assert feature(result, "contradicted_claim_count") == 0
    expected_rate = 1000 * feature(result, "numeric_claim_count") / doc.word_count
    assert feature(result, "numbers_per_1000_words") == pytest.approx(expected_rate)


FABRICATED_STORY = """كشفت مصادر أن دول الخليج التي يبلغ عدد سكانها 400 مليون نسمة تستعد لمشروع ضخم.
وتبلغ مساحة مصر أربعة أضعاف مساحة السعودية، بحسب المصادر نفسها.
ومن المتوقع أن ترتفع الاستثمارات إلى 87.349% بحلول 2030.
وأكدت الشركة المنفذة أن لديها 200 عام من الخبرة.
"""


def test_fabricated_story_scores_high() -> None:
    doc, result = score(FABRICATED_STORY)
    assert feature(result, "contradicted_claim_count") == 2
    assert feature(result, "impossible_magnitude_count") == 1
    assert feature(result, "unsourced_projection_count") == 1
    assert feature(result, "false_precision_count") == 1
    assert result.score > 0.9
    assert_evidence_points_into_the_text(doc, result)
    assert [item.start for item in result.evidence] == sorted(
        item.start for item in result.evidence
    )


def test_title_claims_are_checked_with_title_offsets() -> None:
    title = "مساحة مصر أربعة أضعاف مساحة السعودية"
    doc, result = score("قال مسؤول إن المشروع سيبدأ قريبا في القاهرة.", title=title)
    assert feature(result, "contradicted_claim_count") == 1
    [evidence] = result.evidence
    assert evidence.field == "title"
    assert doc.title[evidence.start : evidence.end] == evidence.text == title


def test_article_without_numbers() -> None:
    _doc, result = score("قال الوزير إن الحكومة تعمل على تحسين الخدمات في جميع المحافظات.")
    assert result.score == 0
    assert all(value == 0 for value in result.features.values())
    assert list(result.features) == list(StatisticsSignal.feature_names)
    assert result.name == "statistics"
