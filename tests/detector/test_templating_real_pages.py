"""Templating evidence on pages shaped like real SEO farms and real wire pages.

Every text here is written for these tests (no sentence comes from a real page). The farm
cases follow what content-farm pages do: headings that echo the headline with no title
field sent, stock SEO section headings, a focus keyword in every heading, the headline
printed again, padding that restates a paragraph, bullets and label lists, teaser formulas,
and residue left by scrapers, spinners and chat tools. The wire cases are the hard
negatives: site chrome that prints a headline or caption again, a lead restating the
headline, list-heavy service pieces, and chrome lines that only look like residue.
"""

from __future__ import annotations

import pytest

from mizan.detector.article import ArticleInput, parse_article
from mizan.detector.engine import DetectorEngine
from mizan.detector.signals.base import Evidence, SignalContext
from mizan.detector.signals.templating import TemplatingSignal

SIGNAL = TemplatingSignal()

# --- building blocks, all written for these tests ------------------------------------------

HEADLINE = "أسعار الأرز في الأسواق المصرية اليوم وتوقعات الأسبوع المقبل"
LEAD = (
    "سجلت أسعار الأرز في الأسواق المصرية تراجعا طفيفا صباح اليوم، وقال تجار الجملة إن "
    "المعروض زاد بعد وصول شحنات جديدة من المحافظات الشمالية إلى المخازن الكبرى."
)
BODY_1 = (
    "ويرى عدد من أصحاب المحلات أن الأسعار قد تستقر حتى نهاية الشهر، في حين يتوقع آخرون "
    "عودة الارتفاع مع اقتراب المواسم الدينية وزيادة الطلب المنزلي على السلع الأساسية."
)
BODY_2 = (
    "وتتابع الأسر هذه التحركات عن قرب، إذ يمثل الأرز جزءا ثابتا من الوجبات اليومية في "
    "أغلب البيوت، ويبحث كثيرون عن بدائل أرخص كلما تغير السعر في المنافذ القريبة منهم."
)
TEASER = "مفاجأة صادمة للجميع"
WIRE_HEADLINE = "الحكومة تقر خطة لدعم صغار المزارعين في المحافظات الجنوبية"
WIRE_LEAD = (
    "أقر مجلس الوزراء في جلسته الأسبوعية أمس خطة لدعم صغار المزارعين في المحافظات "
    "الجنوبية، تشمل قروضا ميسرة وتوزيع بذور محسنة، بحسب بيان رسمي صدر عقب الاجتماع."
)
WIRE_BODY = (
    "وقال وزير الزراعة في مؤتمر صحفي إن الخطة تبدأ مطلع الموسم المقبل وتستهدف نحو ثلاثين "
    "ألف أسرة، مضيفا أن الوزارة ستنشر شروط التقديم على موقعها خلال أسبوعين."
)
WIRE_BODY_2 = (
    "ورحب اتحاد المزارعين بالقرار في بيان، وطالب بتبسيط إجراءات الحصول على القروض "
    "وتوسيع قائمة المحاصيل المشمولة بالدعم في المرحلة الثانية."
)


def _page(*lines: str) -> str:
    return "\n\n".join(lines)


def _evidence(body: str, url: str | None = None) -> tuple[str, list[Evidence]]:
    doc = parse_article(ArticleInput(body=body, url=url))
    return body, SIGNAL.extract(doc, SignalContext()).evidence


def _covering(body: str, evidence: list[Evidence], quote: str) -> list[Evidence]:
    """Evidence items of the body that overlap the first occurrence of ``quote``."""
    start = body.index(quote)
    end = start + len(quote)
    return [
        item for item in evidence if item.field == "body" and item.start < end and start < item.end
    ]


def _reasons(items: list[Evidence]) -> str:
    return " | ".join(item.reason for item in items)


# --- farm pages: (page text, a quote the evidence must cover, words of its reason) ---------

FARM_CASES = {
    "headings echo the body's own headline": (
        _page(
            HEADLINE,
            LEAD,
            "أسعار الأرز اليوم في الأسواق",
            BODY_1,
            "توقعات أسعار الأرز الأسبوع المقبل",
            BODY_2,
        ),
        "توقعات أسعار الأرز الأسبوع المقبل",
        "keywords of the title",
    ),
    "headings echo the title parsed under a skip link": (
        _page(
            "التخطي إلى المحتوى",
            HEADLINE,
            LEAD,
            "الأرز المصري وأسعاره في الأسواق اليوم",
            BODY_1,
            "أسعار الأرز المتوقعة الأسبوع المقبل",
            BODY_2,
        ),
        "الأرز المصري وأسعاره في الأسواق اليوم",
        "keywords of the title",
    ),
    "history blurb heading": (
        _page(LEAD, "نبذة تاريخية عن زراعة الأرز", BODY_1, "زراعة الأرز في الدلتا", BODY_2),
        "نبذة تاريخية عن زراعة الأرز",
        "SEO template",
    ),
    "why-it-matters heading": (
        _page(LEAD, "السبب في أهمية الخبر", BODY_1, "ماذا يعني ذلك للمستهلك", BODY_2),
        "السبب في أهمية الخبر",
        "SEO template",
    ),
    "focus keyword in a heading": (
        _page(
            "سعر الذهب اليوم يتحرك بقوة، ويقول التجار إن سعر الذهب تأثر بالدولار وبقرارات "
            "البنوك. ويترقب المشترون سعر الذهب قبل موسم الأعراس.",
            "لماذا يتغير سعر الذهب كل ساعة",
            BODY_1,
        ),
        "لماذا يتغير سعر الذهب كل ساعة",
        "focus keyword",
    ),
    "slug spelled by a heading under the first paragraph": (
        _page(LEAD, "أسعار الأرز في الأسواق المصرية اليوم", BODY_1, BODY_2),
        "أسعار الأرز في الأسواق المصرية اليوم",
        "keywords of the title",
    ),
    "headline that shares nothing with its text": (
        _page("ثورة شاملة تغير وجه المستقبل في عالم الغد", LEAD, BODY_1, BODY_2),
        "ثورة شاملة تغير وجه المستقبل في عالم الغد",
        "keywords occur in the text",
    ),
    "headline printed twice on a teaser page": (
        _page("الرئيسية", HEADLINE, HEADLINE, LEAD + " " + TEASER + ".", BODY_1),
        HEADLINE,
        "headline printed again",
    ),
    "paragraph restated as padding": (
        _page(
            LEAD,
            BODY_1 + " " + TEASER + ".",
            "وفي سياق متصل، " + LEAD,
            BODY_2,
        ),
        "المعروض زاد بعد وصول شحنات جديدة",
        "restated",
    ),
    "bullets on a teaser page": (
        _page(
            LEAD + " " + TEASER + ".",
            "- سعر الكيلو من الأرز الأبيض",
            "- سعر الكيلو من الأرز البسمتي",
            "- سعر الشيكارة في سوق الجملة",
            BODY_1,
        ),
        "- سعر الكيلو من الأرز البسمتي",
        "bullet list",
    ),
    "label and value lines on a teaser page": (
        _page(
            LEAD + " " + TEASER + ".",
            "سعر الشراء: 31 جنيها",
            "سعر البيع: 33 جنيها",
            "آخر تحديث: صباح اليوم",
            BODY_1,
        ),
        "سعر البيع: 33 جنيها",
        "label-and-value",
    ),
    "weather teaser formula": (
        _page("خبير أرصاد يطلق تحذيراته لسكان الساحل قبل العطلة", LEAD, BODY_1),
        "يطلق تحذيراته",
        "clickbait",
    ),
    "sports rich-list teaser": (
        _page(LEAD, "أغنياء الملاعب في موسم واحد يتقاضون أرقاما لا تصدق بحسب تقارير.", BODY_1),
        "أغنياء الملاعب",
        "clickbait",
    ),
    "read-also link fused to the text": (
        _page(LEAD, "إقرأ أيضا:هبوط جديد في أسعار السكر بالأسواق", BODY_1),
        "إقرأ أيضا:",
        "residue",
    ),
    "words run together by a scraper": (
        _page(LEAD, "ارتفاعأسعارالأرزفيالأسواقالمصريةاليوم", BODY_1),
        "ارتفاعأسعارالأرزفيالأسواقالمصريةاليوم",
        "residue",
    ),
    "chatbot citation markers": (
        _page(LEAD, "ويعد الأرز من أهم المحاصيل في البلاد [1] ويزرع في الدلتا +2", BODY_1),
        "[1]",
        "residue",
    ),
    "bbcode left by a forum copy": (
        _page("[center]", LEAD, "[/center]", BODY_1),
        "[/center]",
        "residue",
    ),
    "empty number slot": (
        _page(LEAD, "وتقدر المساحة المزروعة بالأرز بنحو، وتمثل (حوالي %) من الإنتاج.", BODY_1),
        "(حوالي %)",
        "residue",
    ),
    "image file name printed as a line": (
        _page(LEAD, "IMG-20240604-rice-market.jpg", BODY_1),
        "IMG-20240604-rice-market.jpg",
        "residue",
    ),
    "emoji opening a heading": (
        _page(LEAD, "💰 أسعار الأرز اليوم", BODY_1),
        "💰",
        "residue",
    ),
    "letters of another script inside a word": (
        _page(LEAD, "وقد ألغت الحكومة الدעم عن الأرز في ذلك العام.", BODY_1),
        "الدעم",
        "residue",
    ),
    "keyword tag list printed as text": (
        _page(
            LEAD,
            "سعر الأرز، سعر الأرز اليوم، أسعار الأرز المصري، سعر كيلو الأرز، سعر الأرز بالجملة",
            BODY_1,
        ),
        "سعر الأرز، سعر الأرز اليوم",
        "keyword tag list",
    ),
    "image slug with an id": (
        _page(LEAD, "rice-market-cairo-stall-2024_8fk2j9dq0", BODY_1),
        "rice-market-cairo-stall-2024_8fk2j9dq0",
        "residue",
    ),
    "link cut short and fused": (
        _page(LEAD, "طريقة طهي الأرز ا…طريقة طهي الأرز البسمتي بالخضار", BODY_1),
        "…",
        "residue",
    ),
    "internal link formula": (
        _page(LEAD, "تعرف أيضاً على أسعار السكر في المنافذ الحكومية", BODY_1),
        "تعرف أيضاً على",
        "residue",
    ),
    "short section heading right under the headline": (
        _page(
            "ما هي أسعار الأرز في مصر اليوم",
            "أسعار الأرز في مصر",
            LEAD,
            "أسعار الأرز في الأسواق الشعبية",
            BODY_1,
        ),
        "أسعار الأرز في مصر\n\n" + LEAD[:12],
        "keywords of the title",
    ),
    "view counters left on two lines": (
        _page(LEAD, "0\n1532", BODY_1),
        "0\n1532",
        "residue",
    ),
}


@pytest.mark.parametrize("name", sorted(FARM_CASES))
def test_farm_page_tell_gets_templating_evidence(name: str) -> None:
    text, quote, reason = FARM_CASES[name]
    url = None
    if name.startswith("slug"):
        url = "https://example.test/" + "-".join(
            "اسعار الارز في الاسواق المصرية اليوم الاحد 4 يونيو".split()
        )
    body, evidence = _evidence(text, url)
    found = _covering(body, evidence, quote)
    assert found, f"no evidence on {quote!r}; got: {_reasons(evidence)}"
    assert any(reason in item.reason for item in found), _reasons(found)


# --- wire pages: (page text, a quote that must stay free of templating evidence) -----------

WIRE_CASES = {
    "headline printed twice by the layout": (
        _page("الرئيسية", WIRE_HEADLINE, WIRE_HEADLINE, WIRE_LEAD, WIRE_BODY),
        WIRE_HEADLINE,
    ),
    "caption printed three times": (
        _page(
            WIRE_HEADLINE,
            "مزارع يحصد القمح في حقل جنوبي. (رويترز)",
            "مزارع يحصد القمح في حقل جنوبي. (رويترز)",
            WIRE_LEAD,
            "مزارع يحصد القمح في حقل جنوبي. (رويترز)",
            WIRE_BODY,
        ),
        "مزارع يحصد القمح في حقل جنوبي.",
    ),
    "breadcrumb repeating the headline once": (
        _page("الرئيسية > اقتصاد > " + WIRE_HEADLINE, WIRE_HEADLINE, WIRE_LEAD, WIRE_BODY),
        "الرئيسية > اقتصاد > ",
    ),
    "share line repeating the headline": (
        _page(WIRE_HEADLINE, WIRE_LEAD, "شارك: " + WIRE_HEADLINE, WIRE_BODY),
        "شارك: ",
    ),
    "lead restating the headline once": (
        _page(WIRE_HEADLINE, WIRE_LEAD, WIRE_BODY, WIRE_BODY_2),
        WIRE_LEAD[:40],
    ),
    "standfirst restating the lead": (
        _page(
            WIRE_HEADLINE,
            "خطة لدعم صغار المزارعين في المحافظات الجنوبية تشمل قروضا ميسرة",
            WIRE_LEAD,
            WIRE_BODY,
        ),
        "خطة لدعم صغار المزارعين",
    ),
    "service piece with a bulleted list": (
        _page(
            "شروط التقديم على دعم المزارعين",
            "أعلنت الوزارة شروط التقديم على برنامج الدعم، وهي كما يلي بحسب البيان الرسمي:",
            "- أن يكون المتقدم مالكا أو مستأجرا لأرض زراعية",
            "- ألا تزيد المساحة على خمسة أفدنة",
            "- تقديم بطاقة الحيازة الزراعية",
            WIRE_BODY,
        ),
        "- ألا تزيد المساحة على خمسة أفدنة",
    ),
    "festival awards under short headings": (
        _page(
            "اختتام مهرجان المسرح بتوزيع الجوائز",
            WIRE_LEAD.replace("مجلس الوزراء", "مهرجان المسرح"),
            "أفضل تمثيل",
            "ذهبت جائزة أفضل تمثيل إلى فرقة من الإسكندرية عن عرضها الأخير.",
            "أفضل إخراج",
            "وفاز بجائزة الإخراج مخرج شاب عن أول أعماله الطويلة.",
        ),
        "أفضل تمثيل",
    ),
    "read-also chrome on its own line": (
        _page(WIRE_HEADLINE, WIRE_LEAD, "اقرأ أيضا", WIRE_BODY),
        "اقرأ أيضا",
    ),
    "timetable of label and value lines": (
        _page(
            WIRE_HEADLINE,
            WIRE_LEAD,
            "موعد التقديم: الأول من مارس",
            "آخر موعد: نهاية أبريل",
            WIRE_BODY,
        ),
        "آخر موعد: نهاية أبريل",
    ),
    "a long compound country name": (
        _page(WIRE_HEADLINE, WIRE_LEAD + " وتابعت الولاياتالمتحدة القرار.", WIRE_BODY),
        "الولاياتالمتحدة",
    ),
    "a percentage with a plus sign": (
        _page(WIRE_HEADLINE, "وارتفع المؤشر العام +2% في ختام التعاملات.", WIRE_BODY),
        "+2%",
    ),
    "one heading sharing one word with the headline": (
        _page(WIRE_HEADLINE, WIRE_LEAD, "ردود فعل المزارعين", WIRE_BODY, WIRE_BODY_2),
        "ردود فعل المزارعين",
    ),
    "masthead lines printed twice": (
        _page(
            "رئيس التحرير",
            "سامي الحداد",
            WIRE_HEADLINE,
            WIRE_LEAD,
            WIRE_BODY,
            "رئيس التحرير",
            "سامي الحداد",
        ),
        "رئيس التحرير",
    ),
    "headline ending in a question, printed twice": (
        _page(
            "هل تنجح خطة دعم المزارعين في الجنوب؟",
            "هل تنجح خطة دعم المزارعين في الجنوب؟",
            WIRE_LEAD,
            WIRE_BODY,
        ),
        "هل تنجح خطة دعم المزارعين",
    ),
    "list of provinces in a report": (
        _page(
            WIRE_HEADLINE,
            WIRE_LEAD,
            "تشمل المرحلة الأولى أسوان، وقنا، والأقصر، وسوهاج، وأسيوط، والمنيا",
            WIRE_BODY,
        ),
        "أسوان، وقنا، والأقصر",
    ),
    "date line and section above the headline": (
        _page("الثلاثاء، 4 يونيو 2024", "اقتصاد", WIRE_HEADLINE, WIRE_LEAD, WIRE_BODY),
        "الثلاثاء، 4 يونيو 2024",
    ),
}


@pytest.mark.parametrize("name", sorted(WIRE_CASES))
def test_wire_page_chrome_stays_quiet(name: str) -> None:
    text, quote = WIRE_CASES[name]
    body, evidence = _evidence(text)
    found = _covering(body, evidence, quote)
    assert not found, _reasons(found)


def test_the_same_repeat_is_evidence_only_on_a_templated_page() -> None:
    # The headline printed twice is chrome on a wire page and template on a teaser page.
    plain = _page("الرئيسية", HEADLINE, HEADLINE, LEAD, BODY_1)
    teased = _page("الرئيسية", HEADLINE, HEADLINE, LEAD + " " + TEASER + ".", BODY_1)
    plain_body, plain_evidence = _evidence(plain)
    teased_body, teased_evidence = _evidence(teased)
    assert not _covering(plain_body, plain_evidence, HEADLINE)
    assert _covering(teased_body, teased_evidence, HEADLINE)


def test_repeated_caption_is_not_counted_as_repeated_sentences() -> None:
    caption = "مزارع يحصد القمح في حقل جنوبي. (رويترز)"
    doc = parse_article(
        ArticleInput(body=_page(WIRE_HEADLINE, caption, caption, WIRE_LEAD, caption, WIRE_BODY))
    )
    result = SIGNAL.extract(doc, SignalContext())
    assert result.features["templating.repeated_sentence_count"] == 0
    padded = parse_article(ArticleInput(body=_page(LEAD + " " + LEAD, BODY_1, BODY_2)))
    assert (
        SIGNAL.extract(padded, SignalContext()).features["templating.repeated_sentence_count"] >= 1
    )


def test_headline_spelling_the_whole_slug_under_a_ticker_is_not_stuffing() -> None:
    # A ticker line of other headlines above the article, then its headline, which the URL
    # slug spells word for word: the headline, not a heading stuffed with its keywords.
    ticker = (
        "افتتاح جسر جديد على النهر وسط العاصمة وارتفاع أسعار الوقود للمرة الثانية هذا العام "
        "وتأجيل مباراة القمة بسبب الأمطار الغزيرة التي شهدتها المدينة مساء أمس"
    )
    headline = "الحكومة تقر خطة لدعم صغار المزارعين"
    url = "https://example.test/news/" + "-".join("الحكومه تقر خطه لدعم صغار المزارعين".split())
    body, evidence = _evidence(_page("آخر الأخبار", ticker, headline, WIRE_LEAD, WIRE_BODY), url)
    assert not _covering(body, evidence, headline + "\n"), _reasons(evidence)


# --- layout repetition that another finding corroborates -----------------------------------
#
# A headline printed again, the headline repeated in the lead and a paragraph restated later
# are chrome or wire style on their own. They are evidence where the page shows its template,
# where one section heading under the text echoes the headline, or, settled by the engine
# after every signal ran, where another signal reports a finding of full weight (a claim put
# on unnamed reports, a wrong currency peg). Style's connective-led sentences are a mild
# indication (half weight) and corroborate nothing.

ENGINE = DetectorEngine()
UNNAMED_REPORTS = "ووفقا لتقارير صحفية، يتجه التجار إلى رفع الأسعار مجددا خلال الأيام المقبلة."
WRONG_PEG = "ويرتبط الريال العماني بالدولار الأمريكي بسعر ثابت عند 2.80 دولار منذ سنوات طويلة."
WIRE_UNNAMED = "وبحسب تقارير إعلامية، ستبدأ الوزارة توزيع البذور على المزارعين الشهر المقبل."


def _engine_evidence(body: str) -> tuple[str, list[Evidence], dict[str, list[Evidence]]]:
    """Score ``body`` with every signal; return templating's evidence and all evidence by signal."""
    report = ENGINE.score({"body": body})
    by_signal = {result.name: list(result.evidence) for result in report.signals}
    return body, by_signal["templating"], by_signal


CORROBORATED_FARM_CASES = {
    "headline printed twice on a page that leans on unnamed reports": (
        _page(HEADLINE, HEADLINE, LEAD, UNNAMED_REPORTS, BODY_2),
        HEADLINE,
        "headline printed again",
        "experts",
    ),
    "two-word headline printed twice over a wrong peg": (
        _page("الريال العماني", "الريال العماني", WRONG_PEG, BODY_2),
        "الريال العماني",
        "printed again",
        "statistics",
    ),
    "headline repeated word for word in the lead of a page with unnamed reports": (
        _page(
            HEADLINE,
            "أعلن " + HEADLINE + " بعد تراجع طفيف سجلته أسواق الجملة صباح اليوم.",
            UNNAMED_REPORTS,
            BODY_2,
        ),
        "أعلن " + HEADLINE,
        "headline repeated word for word",
        "experts",
    ),
    "headline printed again further down a page quoting unnamed analysts": (
        _page(
            "Gold prices in Dubai this week and what buyers expect",
            "Gold prices in Dubai slipped on Monday as traders waited for new figures from "
            "the central bank and shops reported fewer buyers than usual.",
            "Analysts say the metal could rebound before the wedding season begins.",
            "Gold prices in Dubai this week and what buyers expect",
            "Jewellers in the old market said most customers asked about smaller pieces.",
        ),
        "Gold prices in Dubai this week and what buyers expect\n\nGold",
        "printed again",
        "experts",
    ),
}


@pytest.mark.parametrize("name", sorted(CORROBORATED_FARM_CASES))
def test_layout_repetition_is_evidence_where_another_signal_found_something(name: str) -> None:
    text, quote, reason, other = CORROBORATED_FARM_CASES[name]
    body, evidence, by_signal = _engine_evidence(text)
    assert any(item.weight >= 1.0 for item in by_signal[other]), by_signal[other]
    found = _covering(body, evidence, quote)
    assert found, f"no evidence on {quote!r}; got: {_reasons(evidence)}"
    assert any(reason in item.reason for item in found), _reasons(found)
    assert all("another finding" in item.reason for item in found), _reasons(found)
    # The signal alone holds it back: the same page without the engine shows none of it.
    assert not _covering(*_evidence(text), quote)


def test_one_section_heading_echoing_the_headline_opens_the_restated_padding() -> None:
    padded = _page(
        HEADLINE,
        LEAD,
        "توقعات أسعار الأرز الأسبوع المقبل",
        BODY_1,
        "وفي سياق متصل، " + LEAD,
    )
    body, evidence = _evidence(padded)
    found = _covering(body, evidence, "المعروض زاد بعد وصول شحنات جديدة")
    assert any("restated" in item.reason for item in found), _reasons(evidence)
    # Above the text, the same heading reads as a standfirst or caption: nothing opens.
    above = _page(
        HEADLINE, "توقعات أسعار الأرز الأسبوع المقبل", LEAD, BODY_1, "وفي سياق متصل، " + LEAD
    )
    body, evidence = _evidence(above)
    assert not [item for item in evidence if "restated" in item.reason], _reasons(evidence)


CORROBORATED_WIRE_CASES = {
    "masthead printed twice over a report citing media reports": (
        _page(
            "رئيس التحرير",
            "سامي عبد الحداد",
            "مدير التحرير",
            "هالة محمود يوسف",
            "رئيس التحرير",
            "سامي عبد الحداد",
            "مدير التحرير",
            "هالة محمود يوسف",
            WIRE_HEADLINE,
            WIRE_LEAD,
            WIRE_UNNAMED,
            WIRE_BODY,
        ),
        "سامي عبد الحداد",
        "experts",
    ),
    "two-word caption printed twice under the headline of a report citing media reports": (
        _page(WIRE_HEADLINE, "حقل قمح", "حقل قمح", WIRE_LEAD, WIRE_UNNAMED, WIRE_BODY),
        "حقل قمح",
        "experts",
    ),
    "headline printed twice over prose full of connectives": (
        _page(
            WIRE_HEADLINE,
            WIRE_HEADLINE,
            "كما أقر مجلس الوزراء خطة لدعم صغار المزارعين في المحافظات الجنوبية أمس. وفي "
            "الجلسة نفسها ناقش الوزراء موازنة العام المقبل. كما استمع المجلس إلى عرض عن "
            "الموسم الزراعي. وفي ختام الاجتماع صدر بيان رسمي. وأكد البيان أن الخطة تبدأ قريبا.",
            WIRE_BODY,
        ),
        WIRE_HEADLINE,
        "style",
    ),
    "headline printed twice on a report with no other finding": (
        _page(
            "Ministry opens a new desalination plant on the coast",
            "Ministry opens a new desalination plant on the coast",
            "The water ministry opened a desalination plant on Tuesday that it said would "
            "supply about 200,000 homes, according to a statement from the ministry.",
            "The plant took three years to build and cost 1.2 billion dirhams, the minister "
            "told reporters at the opening.",
        ),
        "Ministry opens a new desalination plant",
        "",
    ),
}


@pytest.mark.parametrize("name", sorted(CORROBORATED_WIRE_CASES))
def test_chrome_stays_quiet_without_a_corroborating_finding(name: str) -> None:
    text, quote, other = CORROBORATED_WIRE_CASES[name]
    body, evidence, by_signal = _engine_evidence(text)
    if other:
        assert by_signal[other], f"expected {other} evidence on the page"
    found = _covering(body, evidence, quote)
    assert not found, _reasons(found)
