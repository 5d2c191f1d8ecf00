"""Experts evidence in the forms real content-farm pages use, and the wire forms that stay quiet.

The sentences are written for these tests; they follow the shapes seen on real pages:
title-only experts with a genitive field ("محلل الطقس ..."), titles after the name, quoted
names, feminine titles, plural unnamed groups and reports, vox-pops, a bot's persona name,
first-person credentials and source lines that name no outlet.
"""

from __future__ import annotations

import pytest

from mizan.detector import DetectorEngine
from mizan.detector.article import ArticleInput, parse_article
from mizan.detector.signals.base import SignalContext, SignalResult
from mizan.detector.signals.experts import (
    REASON_CREDENTIAL,
    REASON_CREDIT,
    REASON_PERSONA,
    REASON_VOX_POP,
    REASONS,
    ExpertsSignal,
)


def _extract(body: str) -> SignalResult:
    doc = parse_article(ArticleInput(body=body))
    return ExpertsSignal().extract(doc, SignalContext())


def _evidence(body: str) -> list[str]:
    return [item.text for item in _extract(body).evidence]


# (body, the evidence texts expected, in order)
ARABIC_POSITIVES = [
    pytest.param(
        "وحذر محلل الأسواق ماجد الحربي من موجة بيع جديدة في البورصة.",
        ["محلل الأسواق ماجد الحربي"],
        id="ar-indefinite-title-genitive-field-then-name",
    ),
    pytest.param(
        "سلمان الدوسري، خبير النقل والموانئ، يرى أن المشروع سيغير وجه المنطقة.",
        ["سلمان الدوسري، خبير النقل والموانئ"],
        id="ar-title-after-name-before-verb",
    ),
    pytest.param(
        "ناصر القحطاني، المستشار في شؤون العقار يطلق تحذيرات للمشترين قبل نهاية العام.",
        ["ناصر القحطاني، المستشار في شؤون العقار"],
        id="ar-appositive-without-closing-comma-warning-phrase",
    ),
    pytest.param(
        "وأوضحت الخبيرة التربوية منى السالم أن الطلاب يحتاجون إلى ساعات نوم أطول.",
        ["الخبيرة التربوية منى السالم"],
        id="ar-feminine-title-and-adjective",
    ),
    pytest.param(
        'ورجح "فهد الزهراني" خبير الفلك، أن يظهر الهلال مساء الخميس.',
        ['فهد الزهراني" خبير الفلك'],
        id="ar-quoted-name-right-after-verb",
    ),
    pytest.param(
        "كما أن خبير المناخ سعد العنزي قام بتحذير المزارعين من الصقيع.",
        ["خبير المناخ سعد العنزي"],
        id="ar-sentence-opener-before-speaker",
    ),
    pytest.param(
        "إلا أن المحللين الماليين يؤكدون أن الهبوط مؤقت.",
        ["المحللين الماليين"],
        id="ar-plural-analysts-before-verb",
    ),
    pytest.param(
        "وزعمت بعض التقارير أن اللاعب وقع عقدا جديدا.",
        ["بعض التقارير"],
        id="ar-some-reports-claimed",
    ),
    pytest.param(
        "ويتوقع المراقبون انخفاض الأسعار في الربع المقبل.",
        ["المراقبون"],
        id="ar-observers-then-verbal-noun-not-a-name",
    ),
    pytest.param(
        "ووسط تحذيرات الخبراء من موجة حر، أغلقت المدارس أبوابها.",
        ["تحذيرات الخبراء"],
        id="ar-experts-warnings-without-verb",
    ),
    pytest.param(
        "ليلى حسن، ربة منزل من الإسكندرية، لم تعد تشتري اللحوم كل أسبوع.",
        ["ليلى حسن، ربة منزل من الإسكندرية"],
        id="ar-vox-pop-name-job-city",
    ),
    pytest.param(
        "ويقول أحد السكان إن المياه انقطعت ثلاثة أيام.",
        ["أحد السكان"],
        id="ar-one-of-the-residents",
    ),
    pytest.param(
        "خبراء التغذية في مصر يحذرون من مشروب شائع\n\n"
        "انتشر المشروب بين الشباب في الصيف الماضي بسرعة كبيرة.",
        ["خبراء التغذية في مصر"],
        id="ar-headline-unnamed-experts",
    ),
    pytest.param(
        "الحديث عن المستقبل يحتاج إلى تفكير هادئ ومتوازن.\nسلمى الفارس\n"
        "AI 🤖 هذه رؤية متوازنة لما قد يحدث في السنوات المقبلة.",
        ["سلمى الفارس"],
        id="ar-persona-name-over-ai-marker",
    ),
    pytest.param(
        "ارتفعت أسعار الخضار هذا الأسبوع في معظم الأسواق.\nالمصدر: مواقع",
        ["المصدر: مواقع"],
        id="ar-source-line-websites",
    ),
    pytest.param(
        "انتقد البعض القرار بشدة. ورأى البعض أنه متسرع.",
        ["البعض", "البعض"],
        id="ar-each-claim-on-some-shown",
    ),
    pytest.param(
        "وتشير الدراسات إلى أن النوم المبكر يحسن الذاكرة.",
        ["الدراسات"],
        id="ar-studies-indicate",
    ),
]

ARABIC_NEGATIVES = [
    pytest.param(
        "وقال الدكتور هشام النجار، أستاذ الاقتصاد بجامعة عين شمس، إن التضخم سيتراجع.",
        id="ar-named-professor-at-university",
    ),
    pytest.param(
        "وأكد وكيل وزارة المالية خالد الرشيد أن الميزانية متوازنة.",
        id="ar-named-official-with-ministry",
    ),
    pytest.param(
        "محمد سعيد، موظف في وزارة الصحة، قال إن المستشفى مزدحم.",
        id="ar-person-with-employer-is-no-vox-pop",
    ),
    pytest.param(
        "وتتولى الطباعة شركة النور، إحدى شركات المجموعة الوطنية.",
        id="ar-named-company-of-a-group",
    ),
    pytest.param(
        "وكثير من الأسر يقولون إن الأسعار مرتفعة.",
        id="ar-many-families-not-a-source",
    ),
    pytest.param(
        'وقال "الأسعار ستنخفض قريبا" في حديثه.',
        id="ar-quoted-statement-is-no-name",
    ),
    pytest.param(
        "ارتفعت أسعار الخضار هذا الأسبوع في معظم الأسواق.\nالمصدر: رويترز",
        id="ar-source-line-names-agency",
    ),
    pytest.param(
        "أستاذ اقتصاد يشرح أسباب التضخم\n\n"
        "وقال الدكتور هشام النجار، أستاذ الاقتصاد بجامعة عين شمس، إن التضخم سيتراجع.",
        id="ar-headline-single-title-left-to-body",
    ),
]

ENGLISH_POSITIVES = [
    pytest.param(
        "I've been investing in property for 12 years and this market scares me.",
        ["I've been investing in property for 12 years"],
        id="en-first-person-credential",
    ),
    pytest.param(
        "Analysts expect the central bank to cut rates again.",
        ["Analysts"],
        id="en-analysts-expect",
    ),
    pytest.param("Top officials say the deal is done.", ["Top officials"], id="en-top-officials"),
    pytest.param(
        "Gold rose again this week.\nSource: Riyadh –",
        ["Source: Riyadh –"],
        id="en-dateline-source",
    ),
    pytest.param(
        "Whispers of a merger are spreading among traders.", ["Whispers of"], id="en-whispers"
    ),
    pytest.param(
        "The find was reported by national media.", ["national media"], id="en-reported-by-media"
    ),
    pytest.param(
        "Sarah Collins, a nurse from Leeds, could not find an open pharmacy.",
        ["Sarah Collins, a nurse from Leeds"],
        id="en-vox-pop-without-verb",
    ),
]

ENGLISH_NEGATIVES = [
    pytest.param(
        '"Demand is strong," said Laura Finch, chief economist at Harbor Bank.',
        id="en-named-economist-at-bank",
    ),
    pytest.param("Officials said the stadium will reopen in May.", id="en-plain-officials"),
    pytest.param(
        "Economists had expected a smaller rise, a Reuters poll showed.",
        id="en-economists-in-a-poll",
    ),
    pytest.param(
        "Sarah Collins, a nurse at Leeds General Hospital, could not find an open pharmacy.",
        id="en-person-with-employer",
    ),
]


@pytest.mark.parametrize(("body", "expected"), ARABIC_POSITIVES + ENGLISH_POSITIVES)
def test_unsourced_speakers_get_evidence(body: str, expected: list[str]) -> None:
    result = _extract(body)
    assert [item.text for item in result.evidence] == expected
    assert result.score > 0.0


@pytest.mark.parametrize("body", ARABIC_NEGATIVES + ENGLISH_NEGATIVES)
def test_sourced_speakers_and_ordinary_text_stay_quiet(body: str) -> None:
    result = _extract(body)
    assert result.evidence == ()
    assert result.score == 0.0


def test_unnamed_source_beside_on_record_minister_is_counted_not_shown() -> None:
    body = "وقال وزير الطاقة سالم العلي إن الإنتاج سيرتفع. وذكر مصدر مطلع أن الاتفاق قريب."
    result = _extract(body)
    assert result.features["experts.anonymous_count"] == 1.0
    assert result.features["experts.sourced_count"] == 1.0
    assert result.evidence == ()


def test_unnamed_source_alone_is_shown() -> None:
    assert _evidence("وذكر مصدر مطلع أن الاتفاق قريب.") == ["مصدر مطلع"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("ليلى حسن، ربة منزل من الإسكندرية، لم تعد تشتري اللحوم.", REASON_VOX_POP),
        ("نص قصير عن المستقبل.\nسلمى الفارس\nAI 🤖 رأي متوازن.", REASON_PERSONA),
        ("I have been trading gold for 20 years.", REASON_CREDENTIAL),
        ("ارتفعت الأسعار.\nالمصدر: مواقع", REASON_CREDIT),
        ("وزعمت بعض التقارير أن الصفقة انتهت.", REASONS["anonymous"]),
    ],
)
def test_evidence_says_why(body: str, reason: str) -> None:
    assert [item.reason for item in _extract(body).evidence] == [reason]


def test_persona_needs_the_ai_marker() -> None:
    assert _evidence("نص قصير عن المستقبل.\nسلمى الفارس\nرأي متوازن في سطر آخر.") == []


def test_evidence_offsets_point_into_the_body() -> None:
    body = "مقدمة قصيرة عن الطقس.\nكما أن خبير المناخ سعد العنزي قام بتحذير المزارعين."
    result = _extract(body)
    assert [body[item.start : item.end] for item in result.evidence] == ["خبير المناخ سعد العنزي"]


def test_repeated_vox_pop_counts_once() -> None:
    one = "ليلى حسن، ربة منزل من الإسكندرية. "
    result = _extract(one * 400)
    # Every sentence introduces the same speaker: shown once per distinct phrase.
    assert result.features["experts.distinct_unsourced_count"] == 1.0


@pytest.fixture(scope="module")
def engine() -> DetectorEngine:
    return DetectorEngine.from_settings()


def _experts(engine: DetectorEngine, body: str) -> SignalResult:
    report = engine.score({"body": body})
    return next(result for result in report.signals if result.name == "experts")


@pytest.mark.parametrize(
    "body",
    [
        "نص قصير عن المستقبل.\nسلمى الفارس\nAI 🤖 رأي متوازن.",
        "ارتفعت الأسعار.\nالمصدر: مواقع",
        "I've been trading gold for 20 years.",
        "ليلى حسن، ربة منزل من الإسكندرية، لم تعد تشتري اللحوم.",
        "ووسط تحذيرات الخبراء من موجة حر، أغلقت المدارس أبوابها.",
    ],
)
def test_invisible_characters_inside_words_change_nothing(
    engine: DetectorEngine, body: str
) -> None:
    clean = _experts(engine, body)
    # A zero-width space or a soft hyphen after the first letter of every longer word.
    marked = " ".join(
        word[:1] + ("\u200b" if number % 2 else "\u00ad") + word[1:] if len(word) > 2 else word
        for number, word in enumerate(body.split(" "))
    )
    dirty = _experts(engine, marked)
    assert clean.evidence
    assert dirty.score == clean.score
    assert [item.reason for item in dirty.evidence] == [item.reason for item in clean.evidence]
    shown = [
        marked[item.start : item.end].replace("\u200b", "").replace("\u00ad", "")
        for item in dirty.evidence
    ]
    assert shown == [item.text for item in clean.evidence]
