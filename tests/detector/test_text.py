import re

import pytest

from mizan.detector.text import (
    FORMAT_RANGES,
    FORMAT_RE,
    detect_language,
    normalize_for_matching,
    normalize_with_offsets,
    split_paragraphs,
    split_sentences,
    strip_diacritics,
    strip_format_characters,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أحمد", "احمد"),
        ("إسلام", "اسلام"),
        ("آمال", "امال"),
        ("مستشفى", "مستشفي"),
        ("مدرسة", "مدرسه"),
        ("مسؤول", "مسوول"),
        ("جريئة", "جرييه"),
        ("الْعَرَبِيَّةُ", "العربيه"),
        ("كـــتب", "كتب"),
        ("٢٠٢٤", "2024"),
        ("۱۲۳", "123"),
        ("٢٫٥", "2.5"),
        ("Expert SAID", "expert said"),
        ("ﻻ", "لا"),  # presentation form folded by NFKC
    ],
)
def test_normalize_for_matching(raw: str, expected: str) -> None:
    assert normalize_for_matching(raw) == expected


def test_strip_diacritics_keeps_letters() -> None:
    assert strip_diacritics("قَالَ الخَبِيرُ") == "قال الخبير"


def test_offsets_map_back_to_original_with_diacritics() -> None:
    original = "وقَالَ الدُّكْتُورُ سامي إن ٣ خبراء"
    normalized = normalize_with_offsets(original)
    start = normalized.text.index("الدكتور")
    span = normalized.span(start, start + len("الدكتور"))
    assert original[span[0] : span[1]] == "الدُّكْتُورُ"
    digit = normalized.text.index("3")
    assert original[slice(*normalized.span(digit, digit + 1))] == "٣"


def test_offsets_identity_for_ascii() -> None:
    normalized = normalize_with_offsets("Said The Expert")
    assert normalized.text == "said the expert"
    assert normalized.span(4, 8) == (4, 8)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("قال وزير المالية إن الاقتصاد ينمو بوتيرة ثابتة هذا العام", "ar"),
        ("The finance minister said the economy is growing steadily", "en"),
        ("123 456 !!", "und"),
        ("قال المتحدث باسم Reuters إن الشركة ستعلن نتائجها المالية قريبا", "ar"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_sentences_keep_offsets_and_decimals() -> None:
    text = "بلغ النمو 2.7 في المئة. وقال الوزير: هل هذا كاف؟ نعم!\nسطر جديد بلا نقطة"
    spans = split_sentences(text)
    pieces = [span.of(text) for span in spans]
    assert pieces == [
        "بلغ النمو 2.7 في المئة.",
        "وقال الوزير: هل هذا كاف؟",
        "نعم!",
        "سطر جديد بلا نقطة",
    ]


def test_english_sentences() -> None:
    text = 'He said "It works." Then he left. Growth was 3.5% in 2024.'
    pieces = [span.of(text) for span in split_sentences(text)]
    assert pieces == ['He said "It works."', "Then he left.", "Growth was 3.5% in 2024."]


def test_paragraphs_skip_blank_lines_and_trim() -> None:
    text = "  first line \n\n\n second line\n"
    spans = split_paragraphs(text)
    assert [span.of(text) for span in spans] == ["first line", "second line"]
    assert spans[0].start == 2


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\u200f"])
def test_format_ranges_cover_invisible_characters(invisible: str) -> None:
    assert FORMAT_RE.fullmatch(invisible * 2)
    assert re.fullmatch(f"[{FORMAT_RANGES}]", invisible)
    assert strip_format_characters(f"خب{invisible}ير").text == "خبير"
