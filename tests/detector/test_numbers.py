import random

import pytest

from mizan.detector.article import word_spans
from mizan.detector.number_tokens import _CURRENCY_PREFIX_RE, _PERCENT_PREFIX_RE
from mizan.detector.numbers import (
    _PREFIX_CHARS,
    _TOKEN_RE,
    NumberMention,
    _token_matches,
    extract_numbers,
    extract_numbers_normalized,
)
from mizan.detector.text import normalize_with_offsets


def only(text: str) -> NumberMention:
    mentions = extract_numbers(text)
    assert len(mentions) == 1, mentions
    return mentions[0]


# (sentence, raw text of the one mention, value, kind, unit)
SINGLE_MENTION_CASES = [
    # digits, separators, decimals
    ("ارتفع عدد الزوار إلى 1,250,000 زائر هذا العام", "1,250,000", 1_250_000, "number", None),
    ("سجلت الهيئة 1.250.000 طلب تأشيرة", "1.250.000", 1_250_000, "number", None),
    ("Inflation eased to 3.25 in March", "3.25", 3.25, "number", None),
    ("بلغ عدد الطلاب ١٢٣٤٥ طالبا", "١٢٣٤٥", 12_345, "number", None),
    ("بلغ عدد الطلاب ۱۲۳۴۵ طالبا", "۱۲۳۴۵", 12_345, "number", None),
    ("سجل المؤشر ١٬٢٥٠٬٠٠٠ نقطة", "١٬٢٥٠٬٠٠٠", 1_250_000, "number", None),
    ("بلغ معدل النمو ٢٫٧ خلال الربع", "٢٫٧", 2.7, "number", None),
    # scale words after digits
    ("بلغت الصادرات 2.7 مليار العام الماضي", "2.7 مليار", 2.7e9, "number", None),
    ("وتخطط الحكومة لاستثمار 3 ملايين في المشروع", "3 ملايين", 3e6, "number", None),
    ("وصل عدد الزوار إلى 20 ألفا", "20 ألفا", 20_000, "number", None),
    ("The fund holds 18 billion in assets", "18 billion", 18e9, "number", None),
    ("خصصت الوزارة 2,5 مليار للمدارس", "2,5 مليار", 2.5e9, "number", None),
    # Arabic number words
    ("حضر الاجتماع مئة مندوب", "مئة", 100, "number", None),
    ("حضر الاجتماع مائة مندوب", "مائة", 100, "number", None),
    ("شارك ثلاثمائة متطوع في الحملة", "ثلاثمائة", 300, "number", None),
    ("شارك خمسة وعشرين لاعبا في المعسكر", "خمسة وعشرين", 25, "number", None),
    ("وصل عدد المشاركين إلى ثلاثة آلاف وخمسمائة", "ثلاثة آلاف وخمسمائة", 3500, "number", None),
    ("وقّع على العريضة ألف شخص تقريبا", "ألف شخص", 1000, "number", "people"),
    ("أنفقت الشركة مليون وخمسمائة ألف على الحملة", "مليون وخمسمائة ألف", 1_500_000, "number", None),
    ("كلف المشروع ألفين فقط", "ألفين", 2000, "number", None),
    ("غادر أحد عشر لاعبا المعسكر", "أحد عشر", 11, "number", None),
    ("وصل الأمر إلى ثَلَاثَة آلاف شكوى", "ثَلَاثَة آلاف", 3000, "number", None),
    # English number words
    ("Twenty-five schools closed on Monday", "Twenty-five", 25, "number", None),
    (
        "The storm displaced two hundred and fifty thousand residents",
        "two hundred and fifty thousand residents",
        250_000,
        "number",
        "people",
    ),
    ("Officials counted three thousand ballots", "three thousand", 3000, "number", None),
    ("The festival drew a million visitors", "a million", 1e6, "number", None),
    # multipliers
    ("مساحة مصر أربعة أضعاف مساحة لبنان", "أربعة أضعاف", 4, "multiplier", None),
    ("يبلغ عدد سكان الكويت ضعف سكان قطر", "ضعف", 2, "multiplier", None),
    ("ارتفع الإنتاج إلى ضعفي ما كان عليه", "ضعفي", 2, "multiplier", None),
    ("تضاعفت الأسعار ثلاث مرات خلال عام", "ثلاث مرات", 3, "multiplier", None),
    ("أصبح المصنع أكبر بمرتين", "مرتين", 2, "multiplier", None),
    ("ارتفع الدين عشرين ضعفا", "عشرين ضعفا", 20, "multiplier", None),
    ("The city is twice as large as it was", "twice", 2, "multiplier", None),
    ("Egypt is three times the size of Syria", "three times", 3, "multiplier", None),
    ("Sales grew 4x in a year", "4x", 4, "multiplier", None),
    ("Prices rose 4 times faster than wages", "4 times", 4, "multiplier", None),
    ("Output grew threefold in a decade", "threefold", 3, "multiplier", None),
    ("The park is half the size of the old one", "half", 0.5, "multiplier", None),
    # percentages
    ("بلغت نسبة المشاركة 45%", "45%", 45, "percent", None),
    ("بلغت النسبة ٢٣٫٥٪ من الإجمالي", "٢٣٫٥٪", 23.5, "percent", None),
    ("تراجع العجز بنسبة 40 في المائة", "40 في المائة", 40, "percent", None),
    ("ارتفعت الأسعار 15 بالمئة", "15 بالمئة", 15, "percent", None),
    ("انخفضت البطالة إلى %7", "%7", 7, "percent", None),
    ("Turnout reached 62 percent", "62 percent", 62, "percent", None),
    ("خفض البنك الفائدة خمسين في المئة", "خمسين في المئة", 50, "percent", None),
    # units
    ("يمتد الطريق 120 كم", "120 كم", 120, "number", "km"),
    ("يمتد الطريق 120 كيلومترا", "120 كيلومترا", 120, "number", "km"),
    ("The pipeline runs 1,600 km", "1,600 km", 1600, "number", "km"),
    ("تبلغ المساحة 1,002,450 كيلومتر مربع", "1,002,450 كيلومتر مربع", 1_002_450, "number", "km2"),
    ("تبلغ المساحة مليون كم²", "مليون كم²", 1e6, "number", "km2"),
    ("The reserve covers 5,000 km² of forest", "5,000 km²", 5000, "number", "km2"),
    ("The park covers 300 square miles", "300 square miles", 300, "number", "mi2"),
    ("يبلغ عدد سكان مصر 105 ملايين نسمة", "105 ملايين نسمة", 105e6, "number", "people"),
    ("The city has 900,000 inhabitants", "900,000 inhabitants", 900_000, "number", "people"),
    ("بلغت الصفقة 3 مليارات دولار", "3 مليارات دولار", 3e9, "number", "usd"),
    ("The company raised $18 billion", "$18 billion", 18e9, "number", "usd"),
    ("The deal is worth $18bn", "$18bn", 18e9, "number", "usd"),
    ("لديها خبرة 200 عام في الصناعة", "200 عام", 200, "number", "years"),
    ("قضى في السجن خمس سنوات", "خمس سنوات", 5, "number", "years"),
    ("A 150-year-old bridge collapsed", "150-year-old", 150, "number", "years"),
    # years
    ("من المتوقع أن يكتمل المشروع بحلول 2030", "2030", 2030, "year", None),
    ("The agreement was signed in 1994", "1994", 1994, "year", None),
]


@pytest.mark.parametrize(("text", "raw", "value", "kind", "unit"), SINGLE_MENTION_CASES)
def test_single_mention(text: str, raw: str, value: float, kind: str, unit: str | None) -> None:
    mention = only(text)
    assert mention.raw == raw
    assert text[mention.start : mention.end] == raw
    assert mention.start == text.index(raw)
    assert mention.value == pytest.approx(value)
    assert mention.kind == kind
    assert mention.unit == unit


@pytest.mark.parametrize(
    "text",
    [
        "قال إنه لست متأكدا من موعد الاجتماع",  # "لست" is not "to six"
        "أثر ضعف الاقتصاد على الأسواق",  # "ضعف" as weakness
        "زار الوزير أحد المصانع في المدينة",  # "أحد" alone is "one of"
        "تلقى واحد من اللاعبين إنذارا",
        "One of the ministers resigned",
        "Thousands of people marched; millions watched",
        "خرج آلاف المتظاهرين إلى الشوارع وتابعهم ملايين المشاهدين",
        "أصيب بفيروس كوفيد-19 وCOVID-19",
        "عقدت قمة G20 في الرياض",
        "The F-16 crashed near the base",
        "صدر القرار في 12/05/2023 الساعة 10:30",
        "The double standards of the council were criticised",
    ],
)
def test_no_mention(text: str) -> None:
    assert extract_numbers(text) == []


def test_several_mentions_keep_order_and_offsets() -> None:
    text = "بلغت الصادرات 2.7 مليار دولار في 2023، بزيادة 15% عن ثلاثة أعوام سابقة"
    mentions = extract_numbers(text)
    assert [text[m.start : m.end] for m in mentions] == [
        "2.7 مليار دولار",
        "2023",
        "15%",
        "ثلاثة أعوام",
    ]
    assert [m.kind for m in mentions] == ["number", "year", "percent", "number"]
    assert [m.unit for m in mentions] == ["usd", None, None, "years"]


def test_separate_numbers_are_not_added_together() -> None:
    mentions = extract_numbers("between five and ten people, in 2020 and 2021")
    assert [m.value for m in mentions] == [5, 10, 2020, 2021]
    assert mentions[1].unit == "people"


def test_digits_then_scale_then_more_digits() -> None:
    text = "يقطن المدينة 3 ملايين و500 ألف نسمة"
    mention = only(text)
    assert mention.value == 3_500_000
    assert mention.unit == "people"
    assert mention.raw == "3 ملايين و500 ألف نسمة"


def test_decimal_places_are_recorded() -> None:
    text = "من المتوقع أن تصل النسبة إلى 87.349% و 12.5%"
    precise, plain = extract_numbers(text)
    assert precise.decimal_places == 3
    assert precise.kind == "percent"
    assert plain.decimal_places == 1


def test_offsets_survive_diacritics_and_tatweel() -> None:
    text = "بَلَغَتْ نِسْبَةُ النُّمُوِّ خَمْسَةً وَعِشْرِينَ فِي الْمِائَةِ تـقـريبـا"
    mention = only(text)
    assert mention.value == 25
    assert mention.kind == "percent"
    assert text[mention.start : mention.end] == mention.raw
    assert mention.raw.startswith("خَمْسَةً")
    assert mention.raw.endswith("الْمِائَةِ")


def test_normalized_entry_point_uses_the_given_range() -> None:
    text = "في عام 2020 بلغ العدد 40 ألفا، وفي 2021 بلغ 55 ألفا"
    normalized = normalize_with_offsets(text)
    cut = normalized.text.index("وفي")
    mentions = extract_numbers_normalized(normalized, cut)
    assert [m.raw for m in mentions] == ["2021", "55 ألفا"]
    assert all(text[m.start : m.end] == m.raw for m in mentions)


def test_token_starts_from_the_words_match_finditer() -> None:
    rng = random.Random(11)
    vocabulary = ["ثلاثه", "الف", "مليون", "وخمسه", "بثلاث", "لست", "twice", "two-fold", "a"]
    vocabulary += ["hundred", "12", "3.5", "1,000", "2020", "١٢", "१२", "12१२", "_", "x5", "%"]
    vocabulary += ["مصر", "عدد", "الف_", "a1", "😀"]
    for _ in range(2_000):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(1, 12))]
        glue = [rng.choice(["", " ", "-", "_", " و", "/", ":", ", "]) for _ in words]
        text = "".join(word + separator for word, separator in zip(words, glue, strict=True))
        text = text * 40
        expected = [(m.span(), m.groupdict()) for m in _TOKEN_RE.finditer(text)]
        spans = word_spans(text)
        found = [(m.span(), m.groupdict()) for m in _token_matches(text, 0, len(text), spans)]
        assert found == expected


def test_mentions_are_the_same_with_the_words_given() -> None:
    text = "بلغ عدد السكان 105 ملايين نسمة في عام 2020، أي ثلاثة أضعاف ما كان قبل ٣٠ عاما. " * 8
    normalized = normalize_with_offsets(text)
    given = extract_numbers_normalized(normalized, spans=word_spans(normalized.text))
    assert given == extract_numbers_normalized(normalized)
    assert [mention.value for mention in given[:4]] == [105e6, 2020.0, 3.0, 30.0]


@pytest.mark.parametrize(
    "prefix", ["$", "us $", "usd", "€", "£", "dh", "dhs.", "aed", "sar", "qr", "%", "٪ "]
)
def test_every_prefix_holds_a_prefix_character(prefix: str) -> None:
    found = _CURRENCY_PREFIX_RE.search(prefix) or _PERCENT_PREFIX_RE.search(prefix)
    assert found is not None
    assert not _PREFIX_CHARS.isdisjoint(found.group())


@pytest.mark.parametrize(
    ("text", "unit", "kind"),
    [
        ("paid Dh 400 for it", "aed", "number"),
        ("raised SAR 12 million", "sar", "number"),
        ("it cost $18bn", "usd", "number"),
        ("ارتفع بنسبة %50 خلال العام", None, "percent"),
    ],
)
def test_a_prefix_before_the_figure_is_read(text: str, unit: str | None, kind: str) -> None:
    mention = only(text)
    assert (mention.unit, mention.kind) == (unit, kind)
