from pathlib import Path

import pytest
from pydantic import ValidationError

from mizan.detector.article import ArticleInput, flatten_deep_html, parse_article, parse_page_text
from mizan.detector.errors import InvalidArticleError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_page_text_finds_title_byline_bio_and_boilerplate() -> None:
    text = (EXAMPLES / "farm_ar.txt").read_text(encoding="utf-8")
    doc = parse_article(ArticleInput(body=text))
    assert doc.source_format == "page_text"
    assert doc.title.startswith("مصر أكبر من السعودية")
    assert doc.author == "سامر الحربي"
    assert doc.author_span is not None
    assert text[doc.author_span.start : doc.author_span.end] == "سامر الحربي"
    assert doc.author_bio is not None and "كاتب صحفي رياضي" in doc.author_bio
    assert doc.bio_field == "body" and doc.bio_span is not None
    assert text[doc.bio_span.start : doc.bio_span.end] == doc.author_bio
    kinds = {doc.block_text(block): block.kind for block in doc.blocks}
    assert kinds["تخطى إلى المحتوى"] == "boilerplate"
    assert kinds["شارك على فيسبوك"] == "boilerplate"
    assert kinds["النصر يفوز على الاتحاد في الديربي"] == "boilerplate"
    assert kinds["أسرار القوة الإقليمية بين مصر والسعودية"] == "heading"
    # Boilerplate never reaches the scored content.
    assert "شارك على" not in doc.content_text
    assert "جميع الحقوق" not in doc.content_text
    assert "الديربي" not in doc.content_text


@pytest.mark.parametrize(
    ("byline", "author"),
    [
        ("| كتب: محمد علي |", "محمد علي"),
        ("بقلم: سارة أحمد", "سارة أحمد"),
        ("كتبت - هدى المصري", "هدى المصري"),
        ("By Jane Doe", "Jane Doe"),
        ("Written by: John Smith |", "John Smith"),
    ],
)
def test_byline_lines(byline: str, author: str) -> None:
    body = "\n".join(
        [
            "Home",
            "عنوان الخبر الرئيسي اليوم",
            byline,
            "هذه فقرة أولى من الخبر تحمل تفاصيل كافية عن الموضوع المطروح.",
            "وهذه فقرة ثانية تكمل الخبر وتضيف معلومات أخرى مفيدة للقارئ.",
        ]
    )
    doc = parse_article(ArticleInput(body=body))
    assert doc.author == author


def test_explicit_fields_win_over_page_text() -> None:
    text = (EXAMPLES / "farm_ar.txt").read_text(encoding="utf-8")
    doc = parse_article(ArticleInput(body=text, author="اسم آخر", author_bio="محرر اقتصادي"))
    assert doc.author == "اسم آخر"
    assert doc.author_bio == "محرر اقتصادي"
    assert doc.bio_field == "author_bio"


def test_bullets_and_headings_in_fields_body() -> None:
    body = (
        "مقدمة الخبر تتحدث عن الموضوع بالتفصيل.\nعنوان فرعي هنا\n- النقطة الأولى\n- النقطة الثانية"
    )
    doc = parse_article(ArticleInput(title="عنوان", body=body))
    kinds = [block.kind for block in doc.blocks]
    assert kinds == ["paragraph", "heading", "bullet", "bullet"]


def test_html_is_reduced_to_the_article() -> None:
    html = (EXAMPLES / "article_ar.html").read_text(encoding="utf-8")
    doc = parse_article(ArticleInput(html=html))
    assert doc.source_format == "html"
    assert "وزير المالية" in doc.body
    assert "شارك على فيسبوك" not in doc.body
    assert doc.author == "نورة القحطاني"
    assert doc.language == "ar"


@pytest.mark.parametrize(
    "fields",
    [{}, {"body": ""}, {"body": "   \n "}, {"html": ""}, {"title": "only a title"}],
)
def test_empty_input_is_refused(fields: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="non-empty"):
        ArticleInput(**fields)


def test_unknown_field_is_refused() -> None:
    with pytest.raises(ValidationError):
        ArticleInput(body="text", colour="red")  # type: ignore[call-arg]


@pytest.mark.parametrize("html", ["<html><body></body></html>", "<<<>>>", "<p></p>"])
def test_html_without_text_is_a_clear_error(html: str) -> None:
    with pytest.raises(InvalidArticleError, match="no article text"):
        parse_article(ArticleInput(html=html))


def test_boilerplate_only_page_is_a_clear_error() -> None:
    with pytest.raises(InvalidArticleError, match="no article content"):
        parse_article(ArticleInput(body="الرئيسية\nشارك\nتويتر\nفيسبوك\nجميع الحقوق محفوظة"))


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("كتب: سامر الحلبي", "سامر الحلبي"),
        ("| بقلم   ليلى منصور |", "ليلى منصور"),
        ("إعداد - فريق التحرير", "فريق التحرير"),
        ("By Jane Porter", "Jane Porter"),
        ("By: Omar Haddad |", "Omar Haddad"),
    ],
)
def test_byline_names_are_read(line: str, name: str) -> None:
    page = "عنوان الخبر في أعلى الصفحة\n" + line + "\nهذا نص الخبر الكامل الذي يلي سطر الكاتب."
    doc = parse_page_text(page)
    assert doc.author == name


@pytest.mark.parametrize("gap", [" " * 3000, "\u00a0" * 3000, "\t " * 1500])
def test_byline_word_before_a_long_blank_run_is_not_a_byline(gap: str) -> None:
    # Thousands of blanks between a byline word and a bar once made the pattern backtrack
    # for seconds; now the run is read once and the line is no byline.
    for word in ("كتب", "بقلم", "By"):
        page = "عنوان الخبر في أعلى الصفحة\n" + word + gap + "|x\nنص الخبر كما نشر في الصباح."
        doc = parse_page_text(page)
        assert doc.author is None


_DEEP_BODY = (
    "<p>" + "أعلنت وزارة الاقتصاد اليوم عن خطة لدعم المشاريع الصغيرة في المدن. " * 4 + "</p>"
)


@pytest.mark.parametrize(
    "html",
    [
        "<html><body>" + "<div>" * 300 + _DEEP_BODY + "</div>" * 300 + "</body></html>",
        "<html><body>" + "<div>" * 5000 + _DEEP_BODY + "</div>" * 5000 + "</body></html>",
        "<html><body>" + "<div>" * 5000 + _DEEP_BODY + "</body></html>",
        "<html><body>" + "<section><span>" * 800 + _DEEP_BODY + "</span></section>" * 800,
        "<html><body>"
        + "<div>" * 400
        + "<script>var t = '<div><div>';</script>"
        + _DEEP_BODY
        + "</div>" * 400
        + "</body></html>",
    ],
    ids=["300", "5000", "5000-unclosed", "mixed-800", "script-inside"],
)
def test_deeply_nested_html_still_yields_the_article(html: str) -> None:
    doc = parse_article(ArticleInput(html=html))
    assert doc.source_format == "html"
    assert "خطة لدعم المشاريع الصغيرة" in doc.body
    assert "var t" not in doc.body


def test_shallow_html_is_not_rewritten() -> None:
    html = "<html><body>" + "<div>" * 20 + _DEEP_BODY + "</div>" * 20 + "</body></html>"
    assert flatten_deep_html(html) is html


def test_flattening_keeps_the_text_and_drops_only_deep_tags() -> None:
    html = "<div>" * 5 + "نص <b>عريض</b><br/> آخر" + "</div>" * 5
    flat = flatten_deep_html(html, max_depth=2)
    assert flat == "<div><div>نص عريض<br/> آخر</div></div>"


def test_title_repeats_counts_the_title_lines() -> None:
    title = "افتتاح مكتبة عامة جديدة في وسط المدينة"
    prose = "افتتحت البلدية صباح اليوم مكتبة عامة جديدة تضم آلاف الكتب للقراء."
    doc = parse_page_text(f"تخطى إلى المحتوى\n{title}\n{title}\n{prose}\n{title}")
    assert doc.title == title
    assert doc.title_repeats == 3
    assert parse_page_text(f"تخطى إلى المحتوى\n{title}\n{prose}").title_repeats == 1
