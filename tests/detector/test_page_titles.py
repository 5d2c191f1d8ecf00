"""The headline of pasted page text, found as an editor finds it.

Each page below is written for these tests (no sentence comes from a real page), shaped like
the openings real news and content-farm pages have: skip links, menus, site names and slogans,
theme residue (font-size buttons, image placeholders, icons), date lines and share widgets
above the headline, and the headline repeated, echoed by the URL slug or by the byline's page.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from mizan.detector.article import ArticleInput, Document, parse_article, parse_page_text
from mizan.detector.settings import get_settings
from mizan.detector.text import normalize_for_matching

AR_TITLE = "ارتفاع أسعار الذهب في الأسواق المحلية مع بداية الأسبوع"
AR_PROSE = (
    "سجلت أسعار الذهب ارتفاعا ملحوظا في تعاملات صباح اليوم، وقال تجار في سوق الصاغة إن "
    "الطلب زاد بعد صرف الرواتب. وأضاف التجار أن سعر الغرام من عيار 21 صعد بنحو عشرة جنيهات."
)
AR_PROSE_2 = (
    "ويتابع المستثمرون قرارات البنك المركزي المقبلة، إذ يتوقع أن تحدد اتجاه الأسعار خلال "
    "الأسابيع القادمة، بحسب ما ذكره عاملون في القطاع."
)
EN_TITLE = "City council approves new budget for public libraries"
EN_PROSE = (
    "The city council voted on Tuesday to raise the budget of its public libraries by four "
    "percent, the mayor's office said. The extra money will pay for longer opening hours."
)
EN_PROSE_2 = (
    "Council members said the vote followed a year of requests from parents and teachers, "
    "who had asked for more study space in the evenings."
)


def _page(*lines: str) -> str:
    return "\n\n".join(lines)


AR_PAGES = {
    "skip link and menu": _page(
        "تخطى إلى المحتوى",
        "الرئيسية | أخبار | اقتصاد | رياضة | منوعات",
        AR_TITLE,
        "كتب: سامر الحلبي",
        AR_PROSE,
        AR_PROSE_2,
    ),
    "other skip link wording": _page(
        "انتقل إلى المحتوى الرئيسي", AR_TITLE, AR_PROSE, AR_TITLE, AR_PROSE_2
    ),
    "font-size buttons": _page("A A A", "تكبير الخط", "تصغير الخط", AR_TITLE, AR_PROSE),
    "image placeholder above": _page("الرئيسية", "صورة أرشيفية", AR_TITLE, AR_PROSE, AR_PROSE_2),
    "image placeholder below": _page("الرئيسية", AR_TITLE, "صورة تعبيرية", AR_PROSE),
    "date line above": _page("الرئيسية", "2025-10-21", AR_TITLE, AR_PROSE),
    "date and time line": _page("شارك", "2025/03/14 10:30", AR_TITLE, AR_PROSE),
    "share widget above": _page("شارك", "فيسبوك", "تويتر", "واتساب", AR_TITLE, AR_PROSE),
    "slogan, title repeated": _page(
        "الرئيسية",
        "نافذتك اليومية على أخبار المنطقة",
        AR_TITLE,
        AR_PROSE,
        AR_TITLE,
        AR_PROSE_2,
    ),
    "site name line with colon": _page("الرئيسية", "موقع نبض السوق:", AR_TITLE, AR_PROSE, AR_TITLE),
    "menu separated by slashes": _page(
        "الرئيسية / محليات / اقتصاد / الطقس", AR_TITLE, AR_PROSE, AR_PROSE_2
    ),
    "icon-only line": _page("الرئيسية", "★ ★ ★", AR_TITLE, AR_PROSE),
    "byline with bar": _page("الرئيسية", AR_TITLE, "| بقلم: ليلى منصور |", AR_PROSE),
    "theme buttons and search": _page("بحث", "A+ A-", AR_TITLE, AR_PROSE, AR_PROSE_2),
}

EN_PAGES = {
    "skip link and menu": _page(
        "Skip to content",
        "Home | World | Business | Sport | Culture",
        EN_TITLE,
        "By Jane Porter",
        EN_PROSE,
        EN_PROSE_2,
    ),
    "main-content skip link": _page("Skip to main content", EN_TITLE, EN_PROSE, EN_TITLE),
    "jump link and font buttons": _page("Jump to navigation", "A+ A-", EN_TITLE, EN_PROSE),
    "slogan, title repeated": _page(
        "Home",
        "Your trusted source for local news",
        EN_TITLE,
        EN_PROSE,
        EN_TITLE,
        EN_PROSE_2,
    ),
    "share buttons": _page("Share on Facebook", "Share on Twitter", EN_TITLE, EN_PROSE),
    "image placeholder": _page("Menu", "Image placeholder", EN_TITLE, EN_PROSE),
    "date line": _page("Search", "2025-03-14", EN_TITLE, EN_PROSE),
    "font size words": _page("Font size", "A A A", EN_TITLE, EN_PROSE),
    "toggle navigation": _page("Toggle navigation", "Home", EN_TITLE, EN_PROSE),
}


def _title(text: str, url: str | None = None) -> Document:
    return parse_article(ArticleInput(body=text, url=url))


# Page shapes the parser does not read yet (name -> why); entries go once the parser reads them.
KNOWN_GAPS: dict[str, str] = {}


@pytest.mark.parametrize("name", sorted(AR_PAGES))
def test_arabic_page_headline(name: str, request: pytest.FixtureRequest) -> None:
    if name in KNOWN_GAPS:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_GAPS[name], strict=False))
    doc = _title(AR_PAGES[name])
    assert doc.source_format == "page_text"
    assert doc.title == AR_TITLE


@pytest.mark.parametrize("name", sorted(EN_PAGES))
def test_english_page_headline(name: str) -> None:
    doc = _title(EN_PAGES[name])
    assert doc.source_format == "page_text"
    assert doc.title == EN_TITLE


def test_url_slug_picks_the_headline_over_a_slogan() -> None:
    text = _page("الرئيسية", "كل ما يهمك من أخبار الاقتصاد والمال", AR_TITLE, AR_PROSE)
    url = "https://news.example/economy/" + quote(AR_TITLE.replace(" ", "-"))
    assert _title(text, url).title == AR_TITLE
    en = _page("Home", "Fresh stories from our city every day", EN_TITLE, EN_PROSE)
    assert _title(
        en, "https://news.example/2025/03/city-council-approves-budget-libraries"
    ).title == (EN_TITLE)


def test_title_repeated_as_its_own_lines_is_counted() -> None:
    doc = parse_page_text(_page("الرئيسية", AR_TITLE, AR_PROSE, AR_TITLE, AR_PROSE_2, AR_TITLE))
    assert doc.title == AR_TITLE
    title_lines = [block for block in doc.blocks if block.kind == "title"]
    assert len(title_lines) == 3
    assert all(doc.block_text(block) == AR_TITLE for block in title_lines)
    # None of the copies is scored as article text.
    assert AR_TITLE not in doc.content_text


def test_chrome_lines_are_boilerplate_and_kept_out_of_scoring() -> None:
    text = _page(
        "تخطى إلى المحتوى",
        AR_TITLE,
        AR_PROSE,
        "اقرأ أيضا",
        "شارك",
        "الوسوم",
        "عرض جميع المقالات",
        AR_PROSE_2,
    )
    doc = parse_article(ArticleInput(body=text))
    chrome = {doc.block_text(block) for block in doc.blocks if block.kind == "boilerplate"}
    assert {"تخطى إلى المحتوى", "اقرأ أيضا", "شارك", "الوسوم", "عرض جميع المقالات"} <= chrome
    assert "شارك" not in doc.content_text
    assert AR_PROSE in doc.content_text and AR_PROSE_2 in doc.content_text


def test_author_box_bio_is_found() -> None:
    text = _page(
        "Home",
        EN_TITLE,
        "By Jane Porter",
        EN_PROSE,
        EN_PROSE_2,
        "About the author",
        "Jane Porter is a city hall reporter who has covered local politics for ten years.",
    )
    doc = parse_article(ArticleInput(body=text))
    assert doc.author == "Jane Porter"
    assert doc.author_bio is not None and doc.author_bio.startswith("Jane Porter is a")
    assert "city hall reporter" not in doc.content_text


def test_wire_page_text_keeps_its_paragraphs() -> None:
    # A wire report whose lines are all prose loses none of them to boilerplate.
    text = _page(AR_TITLE, "كتب: سامر الحلبي", AR_PROSE, AR_PROSE_2)
    doc = parse_article(ArticleInput(body=text))
    assert doc.title == AR_TITLE
    assert not [block for block in doc.blocks if block.kind == "boilerplate"]
    assert AR_PROSE in doc.content_text and AR_PROSE_2 in doc.content_text


def test_body_without_chrome_keeps_its_opening_headline_apart() -> None:
    # No chrome and no byline: the body is read as plain fields, its title stays empty (the
    # caller sent none) and its opening headline is exposed with its span.
    doc = parse_article(ArticleInput(body=_page(AR_TITLE, AR_PROSE, AR_PROSE_2)))
    assert doc.source_format == "fields" and doc.title == ""
    assert doc.implied_title == AR_TITLE
    assert doc.implied_title_span is not None
    assert doc.body[doc.implied_title_span.start : doc.implied_title_span.end] == AR_TITLE
    en = parse_article(ArticleInput(body=_page(EN_TITLE, EN_PROSE, EN_TITLE, EN_PROSE_2)))
    assert en.implied_title == EN_TITLE


@pytest.mark.parametrize(
    "body",
    [
        _page(AR_PROSE, AR_PROSE_2),  # opens with prose
        _page("2025-10-21 10:30", AR_PROSE),  # a date line is no headline
        _page("عاجل الآن", "ملخص سريع", AR_PROSE),  # two short headings, no headline shape
    ],
)
def test_body_opening_without_a_headline_implies_none(body: str) -> None:
    assert parse_article(ArticleInput(body=body)).implied_title == ""


def test_residue_above_a_body_headline_is_skipped() -> None:
    # A weekday date and a section name above the headline, a counter below it.
    body = _page("الخميس، مايو 8", "اقتصاد", AR_TITLE, "0", AR_PROSE, AR_PROSE_2)
    doc = parse_article(ArticleInput(body=body))
    assert doc.implied_title == AR_TITLE
    en = parse_article(ArticleInput(body=_page("Thursday, May 8", "Business", EN_TITLE, EN_PROSE)))
    assert en.implied_title == EN_TITLE


def test_given_title_implies_nothing() -> None:
    doc = parse_article(ArticleInput(body=_page(AR_TITLE, AR_PROSE), title="عنوان آخر للخبر"))
    assert doc.title == "عنوان آخر للخبر" and doc.implied_title == ""


def _dev_rows() -> list[dict[str, str]]:
    folder = get_settings().corpora_dir / "web-pages-dev"
    rows: list[dict[str, str]] = []
    for name in ("farm.jsonl", "wire.jsonl"):
        path = folder / name
        if path.exists():
            rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return rows


def slug_title_agreement(rows: list[dict[str, str]]) -> tuple[int, int, int]:
    """Compare parsed titles with URL slugs over the dev pages whose slug has 3+ words.

    The corpus gives no headline field; the slug is the headline the site itself wrote. Returns
    how many pages' parsed title (URL not given; the implied headline of a body parsed as
    plain fields) holds at least half of the slug's words, how
    many pages show such a line of at most 20 words among their first 8 lines (what a parser
    could find), and how many pages were compared.
    """
    from mizan.detector.article.page_text import slug_words

    agree = reachable = total = 0
    for row in rows:
        slug = slug_words(row.get("url"))
        if len(slug) < 3:
            continue
        total += 1
        heads = [set(normalize_for_matching(line).split()) for line in row["text"].split("\n")[:8]]
        reachable += any(len(slug & head) * 2 >= len(slug) and len(head) <= 20 for head in heads)
        doc = parse_article(ArticleInput(body=row["text"]))
        words = set(normalize_for_matching(doc.title or doc.implied_title).split())
        agree += len(slug & words) * 2 >= len(slug)
    return agree, reachable, total


def test_dev_corpus_titles_against_url_slugs() -> None:
    rows = _dev_rows()
    if not rows:
        pytest.skip("the web-pages-dev corpus is not present")
    agree, reachable, total = slug_title_agreement(rows)
    print(f"parsed title holds half the URL slug's words: {agree}/{total} ({reachable} reachable)")
    assert 0 < reachable <= total
    # The figure is reported; the floor keeps it from falling back (41 of 189 when written).
    assert agree >= 38
