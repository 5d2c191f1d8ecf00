"""Tests for the unsourced-experts signal: tables of Arabic and English attributions."""

from __future__ import annotations

import pytest

from mizan.detector.article import ArticleInput, Document, parse_article
from mizan.detector.signals.base import SignalContext, SignalResult
from mizan.detector.signals.experts import ExpertsSignal, find_attributions


def _doc(body: str, title: str | None = None) -> Document:
    return parse_article(ArticleInput(body=body, title=title))


def _extract(body: str) -> tuple[Document, SignalResult]:
    doc = _doc(body)
    return doc, ExpertsSignal().extract(doc, SignalContext())


def _feature(result: SignalResult, name: str) -> float:
    return result.features[f"experts.{name}"]


# (body, expected counts, expected evidence texts in order, score range)
ARABIC_CASES = [
    pytest.param(
        "وقال الدكتور سامي العتيبي، خبير الشؤون الاستراتيجية، إن الأزمة ستتفاقم خلال الأشهر"
        " المقبلة.",
        {"attribution_count": 1, "unsourced_expert_count": 1, "sourced_count": 0},
        ["الدكتور سامي العتيبي، خبير الشؤون الاستراتيجية"],
        (0.45, 0.55),
        id="ar-title-name-field-no-institution",
    ),
    pytest.param(
        "وأكد اللواء المتقاعد خالد المطيري، الخبير العسكري، أن الجيش مستعد لكل الاحتمالات.",
        {"attribution_count": 1, "unsourced_expert_count": 1},
        ["اللواء المتقاعد خالد المطيري، الخبير العسكري"],
        (0.45, 0.55),
        id="ar-retired-general-military-expert",
    ),
    pytest.param(
        "وقال وزير المالية محمد الجدعان في بيان إن العجز تراجع إلى أدنى مستوى منذ سنوات.",
        {"attribution_count": 1, "sourced_count": 1, "unsourced_expert_count": 0},
        [],
        (0.0, 0.0),
        id="ar-named-minister-statement",
    ),
    pytest.param(
        "وأوضحت وزارة الصحة في بيان رسمي أن عدد الإصابات انخفض خلال الأسبوع الماضي.",
        {"attribution_count": 1, "sourced_count": 1},
        [],
        (0.0, 0.0),
        id="ar-ministry-statement",
    ),
    pytest.param(
        "وقالت مصادر مطلعة إن المفاوضات وصلت إلى طريق مسدود. ويرى مراقبون أن الحل ما زال بعيدا.",
        {"attribution_count": 2, "anonymous_count": 2, "unsourced_expert_count": 0},
        ["مصادر مطلعة", "مراقبون"],
        (0.7, 0.8),
        id="ar-informed-sources-and-observers",
    ),
    pytest.param(
        "الخبير أحمد قال إن السوق سينهار قريبا.",
        {"attribution_count": 1, "unsourced_expert_count": 1, "weak_name_count": 1},
        ["الخبير أحمد"],
        (0.45, 0.55),
        id="ar-first-name-only-speaker-before-verb",
    ),
    pytest.param(
        "وأشار أحد الخبراء إلى أن الأسعار سترتفع مع بداية العام.",
        {"attribution_count": 1, "weak_name_count": 1},
        ["أحد الخبراء"],
        (0.45, 0.55),
        id="ar-one-of-the-experts",
    ),
    pytest.param(
        "وَقَالَ الدُّكْتُورُ سَامِي العُتَيْبِيُّ، خَبِيرُ الشُّؤُونِ الاسْتِرَاتِيجِيَّةِ، إِنَّ الحَرْبَ قَادِمَةٌ.",
        {"attribution_count": 1, "unsourced_expert_count": 1},
        ["الدُّكْتُورُ سَامِي العُتَيْبِيُّ، خَبِيرُ الشُّؤُونِ الاسْتِرَاتِيجِيَّةِ"],
        (0.45, 0.55),
        id="ar-diacritised",
    ),
    pytest.param(
        "وقال المحلل الاقتصادي محمود السيد إن التضخم سيبلغ ٣٥٪ في عام ٢٠٢٥. وأضاف السيد أن"
        " البنك المركزي تأخر في رفع الفائدة.",
        {
            "attribution_count": 2,
            "unsourced_expert_count": 2,
            "distinct_unsourced_count": 1,
        },
        ["المحلل الاقتصادي محمود السيد"],
        (0.45, 0.55),
        id="ar-arabic-indic-digits-and-second-mention",
    ),
    pytest.param(
        "وقال الدكتور أحمد زويل أستاذ الكيمياء بجامعة القاهرة إن البحث يفتح بابا جديدا.",
        {"attribution_count": 1, "sourced_count": 1, "unsourced_expert_count": 0},
        [],
        (0.0, 0.0),
        id="ar-professor-at-named-university",
    ),
    pytest.param(
        "وفي تصريح لـ«الشرق الأوسط»، قال الخبير سامي العتيبي إن الأزمة ستطول.",
        {"attribution_count": 1, "sourced_count": 1},
        [],
        (0.0, 0.0),
        id="ar-expert-speaking-to-named-outlet",
    ),
    pytest.param(
        "وبحسب تقرير صادر عن صندوق النقد الدولي، فإن النمو سيتباطأ العام المقبل.",
        {"attribution_count": 1, "sourced_count": 1},
        [],
        (0.0, 0.0),
        id="ar-imf-report",
    ),
    pytest.param(
        "وفقا لمصدر مسؤول، فإن الحكومة ستستقيل. وقال مصدر مسؤول في وزارة الخارجية إن الزيارة"
        " ألغيت.",
        {"attribution_count": 2, "anonymous_count": 1, "sourced_count": 1},
        ["مصدر مسؤول"],
        (0.2, 0.3),
        id="ar-official-source-with-and-without-body",
    ),
    pytest.param(
        "وقال محمد علي إن الطريق مغلق منذ الصباح.",
        {"attribution_count": 1, "other_count": 1, "unsourced_expert_count": 0},
        [],
        (0.0, 0.0),
        id="ar-plain-named-person",
    ),
    pytest.param(
        "ارتفعت أسعار النفط اليوم بنسبة ٢٪ في التعاملات الآسيوية. وأكد على ضرورة الالتزام بالخطة.",
        {"attribution_count": 0},
        [],
        (0.0, 0.0),
        id="ar-no-speaker",
    ),
]

ENGLISH_CASES = [
    pytest.param(
        "Dr. Emily Carter, a renowned economist, said the recession is coming.",
        {"attribution_count": 1, "unsourced_expert_count": 1},
        ["Dr. Emily Carter, a renowned economist"],
        (0.45, 0.55),
        id="en-renowned-economist",
    ),
    pytest.param(
        '"Rates will fall," said John Smith, chief economist at ING.',
        {"attribution_count": 1, "sourced_count": 1},
        [],
        (0.0, 0.0),
        id="en-economist-at-named-bank",
    ),
    pytest.param(
        'Analysts say the economy will slow. "Growth will stall," said a source close to the'
        " matter.",
        {"attribution_count": 2, "anonymous_count": 2},
        ["Analysts", "a source"],
        (0.7, 0.8),
        id="en-analysts-and-source-close-to",
    ),
    pytest.param(
        "The Ministry of Health said in a statement that cases fell. Health Minister Jane Doe"
        " told Reuters the numbers were encouraging.",
        {"attribution_count": 2, "sourced_count": 2},
        [],
        (0.0, 0.0),
        id="en-ministry-statement-and-minister",
    ),
    pytest.param(
        '"This is a disaster," Dr. Carter said. Carter added that prices would rise.',
        {"attribution_count": 2, "weak_name_count": 2, "distinct_unsourced_count": 1},
        ["Dr. Carter"],
        (0.45, 0.55),
        id="en-surname-only-doctor-repeated",
    ),
    pytest.param(
        "Speaking to the BBC, Professor Alan Grey said the climate was changing.",
        {"attribution_count": 1, "sourced_count": 1},
        [],
        (0.0, 0.0),
        id="en-professor-speaking-to-named-outlet",
    ),
    pytest.param(
        "Political analyst Mark Jones said the vote was rigged.",
        {"attribution_count": 1, "unsourced_expert_count": 1},
        ["Political analyst Mark Jones"],
        (0.45, 0.55),
        id="en-political-analyst",
    ),
    pytest.param(
        "He said the plan would fail. She added that it was late.",
        {"attribution_count": 0},
        [],
        (0.0, 0.0),
        id="en-pronouns-only",
    ),
]


@pytest.mark.parametrize(("body", "counts", "evidence_texts", "score_range"), ARABIC_CASES)
def test_arabic_attributions(
    body: str, counts: dict[str, int], evidence_texts: list[str], score_range: tuple[float, float]
) -> None:
    doc, result = _extract(body)
    for name, expected in counts.items():
        assert _feature(result, name) == expected, name
    assert [item.text for item in result.evidence] == evidence_texts
    for item in result.evidence:
        assert doc.body[item.start : item.end] == item.text
        assert item.reason
    low, high = score_range
    assert low <= result.score <= high


@pytest.mark.parametrize(("body", "counts", "evidence_texts", "score_range"), ENGLISH_CASES)
def test_english_attributions(
    body: str, counts: dict[str, int], evidence_texts: list[str], score_range: tuple[float, float]
) -> None:
    doc, result = _extract(body)
    for name, expected in counts.items():
        assert _feature(result, name) == expected, name
    assert [item.text for item in result.evidence] == evidence_texts
    for item in result.evidence:
        assert doc.body[item.start : item.end] == item.text
    low, high = score_range
    assert low <= result.score <= high


CONTENT_FARM_AR = """\
انهيار وشيك للعملة خلال أسابيع

وقال الدكتور سامي العتيبي، خبير الشؤون الاستراتيجية، إن الأزمة ستتفاقم بسرعة.

وأكد اللواء المتقاعد خالد المطيري، الخبير العسكري، أن المنطقة مقبلة على مواجهة.

ويرى المحلل الاقتصادي يوسف الحربي أن الأسواق لن تتعافى قبل عامين.

وقالت مصادر مطلعة إن الحكومة تدرس إجراءات عاجلة.
"""

WIRE_STORY_AR = """\
الحكومة تعلن خفض العجز

وقال وزير المالية محمد الجدعان في بيان إن العجز تراجع إلى أدنى مستوى منذ عشر سنوات.

وأوضحت وزارة المالية في بيان رسمي أن الإيرادات غير النفطية ارتفعت بنسبة ١٢٪.

وبحسب تقرير صادر عن صندوق النقد الدولي، فإن النمو سيبلغ ٣٪ هذا العام.
"""

CONTENT_FARM_EN = """\
Experts Warn Of Imminent Collapse

Dr. Emily Carter, a renowned economist, said the recession is coming sooner than expected.

"Markets are blind to the danger," said Michael Brown, a leading financial strategist.

Analysts believe the crash could wipe out trillions. Sources said the government is worried.
"""


@pytest.mark.parametrize(
    ("body", "low", "high", "min_evidence"),
    [
        pytest.param(CONTENT_FARM_AR, 0.9, 1.0, 4, id="ar-content-farm"),
        pytest.param(WIRE_STORY_AR, 0.0, 0.0, 0, id="ar-wire-story"),
        pytest.param(CONTENT_FARM_EN, 0.9, 1.0, 4, id="en-content-farm"),
    ],
)
def test_article_scores(body: str, low: float, high: float, min_evidence: int) -> None:
    doc, result = _extract(body)
    assert low <= result.score <= high
    assert len(result.evidence) >= min_evidence
    for item in result.evidence:
        assert doc.body[item.start : item.end] == item.text
        assert item.field == "body"


def test_evidence_names_the_expert_and_says_why() -> None:
    doc, result = _extract(CONTENT_FARM_AR)
    reasons = {item.text: item.reason for item in result.evidence}
    assert reasons["الدكتور سامي العتيبي، خبير الشؤون الاستراتيجية"] == (
        "expert quoted with no affiliation or source"
    )
    assert "المحلل الاقتصادي يوسف الحربي" in reasons
    assert reasons["مصادر مطلعة"] == "statement attributed to anonymous sources or unnamed experts"
    assert _feature(result, "unsourced_share") == 1.0
    assert _feature(result, "title_only_share") == 1.0
    assert _feature(result, "quotes_per_1000_words") == pytest.approx(1000 * 4 / doc.word_count)


def test_offsets_point_into_the_body_when_the_page_has_chrome() -> None:
    body = (
        "الرئيسية | أخبار | اقتصاد\n"
        "انهيار وشيك للعملة\n"
        "انهيار وشيك للعملة\n"
        "كتب - محمد سعيد\n"
        "وقال الدكتور سامي العتيبي، خبير الشؤون الاستراتيجية، إن الأزمة ستتفاقم.\n"
        "شارك على فيسبوك\n"
    )
    doc = _doc(body)
    attributions = find_attributions(doc)
    assert [item.category for item in attributions] == ["expert"]
    assert body[attributions[0].start : attributions[0].end] == attributions[0].text
    assert attributions[0].text == "الدكتور سامي العتيبي، خبير الشؤون الاستراتيجية"


def test_features_match_declared_names_and_are_zero_without_attributions() -> None:
    signal = ExpertsSignal()
    _, result = _extract("The weather was sunny and the market closed higher on Monday.")
    assert tuple(result.features) == signal.feature_names
    assert all(name.startswith("experts.") for name in signal.feature_names)
    assert all(value == 0.0 for value in result.features.values())
    assert result.score == 0.0
    assert result.name == "experts"
