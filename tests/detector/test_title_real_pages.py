"""The parsed headline of whole pages whose first lines are navigation, slogans or residue.

Every page here is written for these tests (no sentence comes from a real page). The shapes
follow what copied news and content-farm pages open with: skip links in several wordings, a
table of contents, a site name or slogan printed above the headline and again in a masthead,
a crawl's date stamp fused to the first line, headlines ending in a question or exclamation
mark, a standfirst, byline or caption between the headline and the first paragraph.
"""

from __future__ import annotations

import pytest

from mizan.detector.article import ArticleInput, Document, parse_article

TITLE = "هبوط مفاجئ في سعر الدينار أمام الدولار خلال تعاملات المساء"
QUESTION = "هل تنخفض أسعار الأرز في الأسواق الشعبية قبل نهاية الشهر؟"
EXCLAIMED = "قرار جديد يفاجئ أصحاب المحلات التجارية في العاصمة!"
QUOTED = 'الشرطة تضبط شبكة تزوير "وثائق سفر" في الميناء'
PROSE = (
    "تراجع سعر الدينار في تعاملات مساء أمس بعد موجة بيع واسعة، وقال متعاملون في سوق "
    "الصرافة إن الطلب على الدولار ارتفع مع اقتراب موسم السفر. وأضافوا أن الفارق بين "
    "سعري الشراء والبيع اتسع إلى مستوى لم يبلغه منذ شهور."
)
PROSE_2 = (
    "ويترقب المتعاملون بيانات البنك المركزي الأسبوعية، إذ يتوقع أن تكشف حجم التدخل في "
    "السوق خلال الأيام الماضية، بحسب ما نقلته صحف محلية."
)


def _page(*lines: str) -> str:
    return "\n\n".join(lines)


def _headline(doc: Document) -> str:
    """The headline the parser found: the title of page text, the implied one of a body."""
    return doc.title or doc.implied_title


# Each case: lines above and around the headline, the headline, what follows it.
PAGES = {
    "definite skip link": _page("التخطي إلى المحتوى", TITLE, PROSE, PROSE_2),
    "skip link without hamza": _page("انتقل الى المحتوى", TITLE, PROSE),
    "skip link then title twice": "\n".join(["التخطي إلى المحتوى", TITLE, TITLE, "", PROSE]),
    "table of contents under the title": _page(
        TITLE, "اقرأ في هذا المقال", "أسباب الهبوط", "توقعات الأسبوع", PROSE
    ),
    "contents label above": _page("المحتويات", TITLE, PROSE, PROSE_2),
    "site name repeated with the title": _page(
        "أخبار الضفتين",
        "الرئيسية | اقتصاد | منوعات",
        "أخبار الضفتين",
        TITLE,
        "الأحد 3 آذار 2024 - 18:40 أخبار الضفتين",
        TITLE,
        PROSE,
        PROSE_2,
    ),
    "slogan over the headline": _page("نافذتك على الخبر اليقين", TITLE, PROSE, PROSE_2),
    "site name over a question headline": _page("Gulf Wire Today", QUESTION, PROSE),
    "question headline repeated": _page("TT", QUESTION, "صورة تعبيرية للموضوع", QUESTION, PROSE),
    "exclamation headline": _page(EXCLAIMED, PROSE, PROSE_2),
    "headline ending in a quote": _page("عاجل", QUOTED, QUOTED, PROSE),
    "theme buttons and reading time": _page("A+ A-", "وقت القراءة", TITLE, PROSE),
    "image placeholder and section": _page("صورة من المصدر", "اقتصاد", TITLE, PROSE),
    "weekday date and section above": _page("الثلاثاء، يونيو 4", "أسواق", TITLE, PROSE),
    "standfirst under the headline": _page(
        TITLE, "المتعاملون يترقبون قرار البنك المركزي", PROSE, PROSE_2
    ),
    "caption and source line under the headline": _page(
        TITLE, "صورة أرشيفية", "الرياض - وكالات", PROSE
    ),
    "date stamp fused to the first line": " date 2024-06-04 " + TITLE + "\n\n" + PROSE,
    "date stamp over a site name": _page(" date 2024-06-04 نبض السوق", TITLE, PROSE),
    "posted-by line above": _page("نشر بواسطة: المحرر الثلاثاء، يونيو 4، 2024", TITLE, PROSE),
    "ad label and counter": _page("إضافة إعلان", "0", TITLE, PROSE, PROSE_2),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_headline_of_pages_that_open_with_chrome(name: str) -> None:
    doc = parse_article(ArticleInput(body=PAGES[name]))
    wanted = next(line for line in (TITLE, QUESTION, EXCLAIMED, QUOTED) if line in PAGES[name])
    assert _headline(doc) == wanted
    span = doc.title_span if doc.title else doc.implied_title_span
    if span is not None:
        assert doc.body[span.start : span.end] == wanted


@pytest.mark.parametrize(
    "line",
    ["التخطي إلى المحتوى", "اقرأ في هذا المقال", "المحتويات", "وقت القراءة", "إضافة إعلان"],
)
def test_chrome_lines_are_never_the_headline(line: str) -> None:
    doc = parse_article(ArticleInput(body=_page("الرئيسية", line, TITLE, PROSE, line)))
    assert _headline(doc) == TITLE
    chrome = {doc.block_text(block) for block in doc.blocks if block.kind == "boilerplate"}
    assert line in chrome and line not in doc.content_text


def test_title_repeated_as_its_own_lines_counts_as_repeated() -> None:
    doc = parse_article(ArticleInput(body=_page("التخطي إلى المحتوى", TITLE, TITLE, PROSE, TITLE)))
    assert doc.title == TITLE
    assert doc.title_repeats == 3


def test_implied_headline_repeats_are_counted() -> None:
    # A plain body (no chrome) printing its headline twice: the copies count as repeats.
    doc = parse_article(ArticleInput(body=_page(TITLE, TITLE, PROSE, PROSE_2)))
    assert doc.source_format == "fields" and doc.implied_title == TITLE
    assert doc.title_repeats == 2


def test_month_named_in_a_headline_is_not_a_date_line() -> None:
    headline = "Coronavirus in the region: updates for March 1"
    body = _page(headline, "Health ministries reported new cases on Sunday across the region.")
    assert parse_article(ArticleInput(body=body)).implied_title == headline


@pytest.mark.parametrize(
    "body",
    [
        _page(PROSE, PROSE_2),  # opens with prose
        _page("التخطي إلى المحتوى", PROSE, PROSE_2),  # chrome, then prose: no headline line
        _page("عاجل", "اقتصاد", "رياضة", PROSE),  # section names only
    ],
)
def test_pages_without_a_headline_line_get_none(body: str) -> None:
    assert _headline(parse_article(ArticleInput(body=body))) == ""


# --- page structure: link lists, tags and the author box kept out of scoring -------------


def _kinds(doc: Document) -> dict[str, str]:
    return {doc.block_text(block).strip(): block.kind for block in doc.blocks}


def test_read_also_titles_are_boilerplate_not_headings() -> None:
    related = ["ارتفاع أسعار السكر في المنافذ الحكومية", "- موعد صرف منحة العمالة غير المنتظمة"]
    body = _page("التخطي إلى المحتوى", TITLE, PROSE, "اقرأ أيضا", *related, PROSE_2)
    doc = parse_article(ArticleInput(body=body))
    kinds = _kinds(doc)
    assert all(kinds[line] == "boilerplate" for line in related)
    assert kinds[PROSE_2] == "paragraph"
    assert "السكر" not in doc.content_text


def test_tags_under_the_article_are_boilerplate() -> None:
    tags = ["الدينار", "أسعار العملات", "البنك المركزي"]
    body = _page("الرئيسية", TITLE, PROSE, PROSE_2, "الوسوم", *tags)
    doc = parse_article(ArticleInput(body=body))
    assert all(_kinds(doc)[tag] == "boilerplate" for tag in tags)


def test_ticker_label_above_the_headline_keeps_the_headline() -> None:
    body = _page("آخر الأخبار", TITLE, "الرياض - وكالات", PROSE, PROSE_2)
    doc = parse_article(ArticleInput(body=body))
    assert doc.title == TITLE
    assert _kinds(doc)[TITLE] == "title"


def test_author_box_with_kataba_and_view_all_link() -> None:
    bio = "صحفية متخصصة في شؤون الاقتصاد والأسواق، تكتب عن العملات منذ عشر سنوات."
    body = _page(
        "التخطي إلى المحتوى", TITLE, PROSE, PROSE_2, "كتبها: هالة السعدي", bio, "عرض جميع المقالات"
    )
    doc = parse_article(ArticleInput(body=body))
    kinds = _kinds(doc)
    assert kinds["كتبها: هالة السعدي"] == "byline"
    assert kinds[bio] == "bio" and doc.author_bio == bio
    assert doc.author == "هالة السعدي"
    assert "عشر سنوات" not in doc.content_text


def test_bio_above_a_view_all_posts_link() -> None:
    bio = "Omar Haddad covers energy markets and has reported from the Gulf since 2015."
    body = _page(
        "Skip to content",
        "Oil prices steady as traders wait for output figures",
        "Oil prices held steady on Monday as traders waited for new output figures from "
        "producers, with analysts expecting little change this month.",
        bio,
        "View all posts",
    )
    doc = parse_article(ArticleInput(body=body))
    assert _kinds(doc)[bio] == "bio"
    assert "energy markets" not in doc.content_text
