from __future__ import annotations

import pytest

from mizan.detector.store.names import (
    AuthorName,
    author_key,
    author_kind,
    parse_byline,
    primary_author,
)

# (byline as printed, expected (key, kind) of every author in order)
BYLINES: list[tuple[str, list[tuple[str, str]]]] = [
    # datelines before a colon
    ("لندن: رنيم حنوش", [("رنيم حنوش", "person")]),
    ("الرياض: د. حسن محمد صندقجي", [("حسن محمد صندقجي", "person")]),
    # two bylines, each with its own dateline
    (
        "صنعاء: عرفات مدابش -  الرياض: ناصر الحقباني",
        [("عرفات مدابش", "person"), ("ناصر الحقباني", "person")],
    ),
    # "و" as a separate word and attached to the second name
    (
        "الرياض: ناصر الحقباني  و نايف الرشيد - صنعاء: عرفات مدابش",
        [("ناصر الحقباني", "person"), ("نايف الرشيد", "person"), ("عرفات مدابش", "person")],
    ),
    ("بيروت: نذير رضا وبولا أسطيح", [("نذير رضا", "person"), ("بولا اسطيح", "person")]),
    (
        "الرياض: فارس السبيعي  وعبد الله الهلابي",
        [("فارس السبيعي", "person"), ("عبدالله الهلابي", "person")],
    ),
    # byline words
    ("كتب: محمد العلي", [("محمد العلي", "person")]),
    ("بقلم د. أحمد الراشد", [("احمد الراشد", "person")]),
    ("كتبت - عايدة بنت صالح:", [("عايده بنت صالح", "person")]),
    ("إعداد وتصوير - فالح الشراخ", [("فالح الشراخ", "person")]),
    ("حاوره:فهيم الحامد  (هاتفيا عدن)", [("فهيم الحامد", "person")]),
    # city in parentheses or after a dash, on either side
    ("أحمد الشميري (صنعاء)", [("احمد الشميري", "person")]),
    ("الأحساء - عدنان الغزال", [("عدنان الغزال", "person")]),
    ("محمد البيضاني - الباحة", [("محمد البيضاني", "person")]),
    ("ياسر النهدي - سليمان مخاشن - جدة", [("ياسر النهدي", "person"), ("سليمان مخاشن", "person")]),
    ("جون أوثرز من لندن", [("جون اوثرز", "person")]),
    # agencies under any spelling, and newsroom desks
    ("واس - الرياض", [("واس", "agency")]),
    ("الرياض : واس", [("واس", "agency")]),
    ("لندن - د ب أ", [("د ب ا", "agency")]),
    ("أ. ف. ب. (نيويورك)", [("ا ف ب", "agency")]),
    ("باريس ــ الفرنسية:", [("ا ف ب", "agency")]),
    ("واشنطن ، طهران - رويترز ، د ب ا", [("رويترز", "agency"), ("د ب ا", "agency")]),
    ("لندن: «الشرق الأوسط أونلاين»", [("الشرق الاوسط اونلاين", "desk")]),
    ("«الاقتصادية» من الرياض", [("الاقتصاديه", "desk")]),
    ("القاهرة - مكتب الجزيرة - طارق محيي:", [("مكتب الجزيره", "desk"), ("طارق محيي", "person")]),
    ("الرياض، عدن -  متعب أبو ظهير، واس", [("متعب ابوظهير", "person"), ("واس", "agency")]),
    # English bylines
    ("By John Smith and Jane Doe", [("john smith", "person"), ("jane doe", "person")]),
    ("By Jean-Pierre Dupont in Paris", [("jean pierre dupont", "person")]),
    (
        "Reporting by Sarah Collins; Editing by Tom Hale",
        [("sarah collins", "person"), ("tom hale", "person")],
    ),
    ("LONDON (Reuters)", [("reuters", "agency")]),
    ("Dr. Amira Haddad, Staff Writer", [("amira haddad", "person")]),
    # a lone unknown word beside an agency or desk is a dateline the place lists miss
    ("شارلوت - أ ف ب", [("ا ف ب", "agency")]),
    ("واس - ماليه", [("واس", "agency")]),
    ("الوئام - SKY", [("الويام", "desk"), ("سكاي نيوز", "agency")]),
    ("الرياضية - Tuesday, 11 August 2015", [("الرياضيه", "desk")]),
    # "السيد" is also a given name, so it stays in the key
    ("القاهرة: السيد الحراني", [("السيد الحراني", "person")]),
    # names that merely start with "و" stay whole
    ("محمد علي وليد", [("محمد علي وليد", "person")]),
    ("سهيل بن حسن قاضي", [("سهيل بن حسن قاضي", "person")]),
]

NOT_BYLINES = [
    "",
    "   ",
    "ناصر القصبي: إنا لله وإنا إليه راجعون #وفاة_المذيع_سعود_الدوسري",
    "- ما نتيجة كل هذا الضخ اليومي المليء بالأفكار المسمومة والجدل الفقهي والشائعات؟",
    "لندن",
    "Follow us on https://example.com/news",
]


@pytest.mark.parametrize(("byline", "expected"), BYLINES)
def test_parse_byline(byline: str, expected: list[tuple[str, str]]) -> None:
    assert [(name.key, name.kind) for name in parse_byline(byline)] == expected


@pytest.mark.parametrize("byline", NOT_BYLINES)
def test_text_that_names_no_author(byline: str) -> None:
    assert parse_byline(byline) == []


def test_page_metadata_after_a_bar_is_dropped() -> None:
    names = parse_byline("مدريد – الرياضية | Monday, 10 August 2015 - 18:04 pm")
    assert [name.key for name in names] == ["الرياضيه"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("عبد الله الهلابي", "عبدالله الهلابي"),
        ("د. حسن صندقجي", "حسن صندقجي"),
        ("الدكتور حسن صندقجي", "حسن صندقجي"),
        ("مُحَمَّد العَلِي", "محمد العلي"),
        ("أحمد الشميري", "احمد الشميري"),
        ("عايدة الفيصل", "عايده الفيصل"),
        ("مصطفى", "مصطفي"),
        ("متعب أبو ظهير", "متعب أبوظهير"),
        ("JOHN SMITH", "John Smith"),
        ("Dr. Jane Doe", "jane doe"),
        ("Prof Jane Doe", "Jane Doe"),
    ],
)
def test_spellings_of_one_name_share_a_key(first: str, second: str) -> None:
    assert author_key(first) == author_key(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("محمد العلي", "محمد الغامدي"),
        ("Ms Jane Doe", "Msjane Doe"),
        ("John Smith", "Jon Smith"),
    ],
)
def test_different_names_keep_different_keys(first: str, second: str) -> None:
    assert author_key(first) != author_key(second)


def test_display_keeps_the_name_as_written() -> None:
    (name,) = parse_byline("لندن: «جوسلين إيليا»")
    assert name == AuthorName(key="جوسلين ايليا", display="جوسلين إيليا", kind="person")


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("واس - الرياض: محمد الغامدي", "محمد الغامدي"),
        ("رويترز", "رويترز"),
        ("", None),
    ],
)
def test_primary_author_prefers_a_person(byline: str, expected: str | None) -> None:
    found = primary_author(byline)
    assert (found.display if found else None) == expected


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("وكالة الأنباء السعودية", "agency"),
        ("Associated Press", "agency"),
        ("المحليات", "desk"),
        ("مكتب الجزيرة", "desk"),
        ("رنيم حنوش", "person"),
        ("Sarah Collins", "person"),
    ],
)
def test_author_kind(name: str, kind: str) -> None:
    assert author_kind(name) == kind
