"""The Arabic language layer: normalisation with offsets, tokenizer, clitics, forms, matcher."""

import pytest

from mizan.detector.language import (
    PhraseMatcher,
    WordLexicon,
    inflections,
    lemma_key,
    normalize,
    readings,
    strip_clitics,
    strip_invisible,
    tokenize,
)

ZWJ, ZWNJ, SOFT_HYPHEN, RLM, TATWEEL = "\u200d", "\u200c", "\u00ad", "\u200f", "\u0640"


@pytest.mark.parametrize(
    ("word", "bare"),
    [
        ("الخبير", "خبير"),
        ("والخبير", "خبير"),
        ("فالخبير", "خبير"),
        ("بالخبير", "خبير"),
        ("كالخبير", "خبير"),
        ("للخبير", "خبير"),
        ("وللخبير", "خبير"),
        ("وبالخبير", "خبير"),
        ("لخبير", "خبير"),
        ("وفي", "في"),
        ("بلد", "بلد"),  # ب must leave three letters
        ("الله", "الله"),  # its ال is no article
        ("الذي", "الذي"),
        ("الدم", "دم"),
        ("experts", "experts"),
    ],
)
def test_strip_clitics(word: str, bare: str) -> None:
    assert strip_clitics(word) == bare


def test_readings_keep_the_definite_form_of_lil() -> None:
    assert readings("للسعوديه") == ("للسعوديه", "السعوديه", "سعوديه")


@pytest.mark.parametrize(
    ("base", "forms"),
    [
        ("محلل", {"محلله", "محللات", "محللون", "محللين", "محللا"}),
        ("اقتصادي", {"اقتصاديه", "اقتصاديون", "اقتصاديين", "اقتصاديات"}),
        ("رياضه", {"رياضات"}),
        ("analyst", {"analysts"}),
    ],
)
def test_inflections(base: str, forms: set[str]) -> None:
    assert forms <= set(inflections(base))


def test_feminine_entry_never_loses_its_teh_marbuta() -> None:
    # "الرياض" (Riyadh) must not read as a form of "رياضة" (sport).
    assert "رياض" not in inflections("رياضه")
    assert "الرياض" not in WordLexicon(["رياضه"], inflect=True)


@pytest.mark.parametrize(
    "word",
    ["وللمحللين", "المحلله", "محللا", "والمحللون", "بالمحللات", "محلل"],
)
def test_lemma_key_groups_variants(word: str) -> None:
    assert lemma_key(word) == "محلل"


# Every variant (clitic + article + feminine/plural) of a lexicon word is matched once.
VARIANTS = [
    "المحلل",
    "والمحلل",
    "للمحلل",
    "بالمحللين",
    "فالمحللون",
    "وللمحللات",
    "كمحلل",
    "المحللة",
    "محللاً",
    "لمحللين",
]


@pytest.mark.parametrize("variant", VARIANTS)
def test_word_lexicon_matches_every_variant(variant: str) -> None:
    lexicon = WordLexicon(["محلل"], inflect=True)
    assert normalize(variant).text in lexicon


@pytest.mark.parametrize("variant", VARIANTS)
def test_phrase_matcher_finds_each_variant_once(variant: str) -> None:
    matcher = PhraseMatcher({"title": ["محلل"]}, inflect=True)
    text = f"قال {variant} إن الأسعار سترتفع."
    matches = matcher.find(text)
    assert len(matches) == 1
    assert text[matches[0].start : matches[0].end] == variant


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("وقال الخبير الاقتصادي إن", "الخبير الاقتصادي"),
        ("وقالت الخبيرة الاقتصادية إن", "الخبيرة الاقتصادية"),
        ("ويرى المحللون الاقتصاديون أن", "المحللون الاقتصاديون"),
        ("وللخبير الاقتصادي رأي", "وللخبير الاقتصادي"),
    ],
)
def test_phrase_matcher_inflects_first_and_last_word_together(text: str, found: str) -> None:
    matcher = PhraseMatcher({"title": ["الخبير الاقتصادي", "محلل اقتصادي"]}, inflect=True)
    matches = matcher.find(text)
    assert [text[match.start : match.end] for match in matches] == [found]


@pytest.mark.parametrize(
    "text",
    [
        "قال الخبيرالاقتصادي",  # no word boundary
        "قال الخبير، الاقتصادي",  # punctuation between the words
        "قال الخبير\nالاقتصادي",  # a line break between the words
        "قال خبيرنا",  # a suffix that is not a form
    ],
)
def test_phrase_matcher_respects_word_boundaries(text: str) -> None:
    matcher = PhraseMatcher({"title": ["الخبير الاقتصادي", "الخبير"]})
    assert [
        text[match.start : match.end]
        for match in matcher.find(text)
        if match.phrase == "الخبير الاقتصادي"
    ] == []
    if "خبيرنا" in text:
        assert matcher.find(text) == []


def test_phrase_matcher_longest_and_leftmost_win() -> None:
    matcher = PhraseMatcher({"short": ["في الختام"], "long": ["وفي الختام يمكن القول"]})
    text = "وفي الختام يمكن القول إن ذلك مهم. في الختام"
    matches = matcher.find(text)
    assert [(match.label, text[match.start : match.end]) for match in matches] == [
        ("long", "وفي الختام يمكن القول"),
        ("short", "في الختام"),
    ]
    assert matches[0].proclitic == ""  # the entry is written with its و
    assert PhraseMatcher({"short": ["في الختام"]}).find("وفي الختام")[0].proclitic == "و"


def test_phrase_matcher_english_phrases_and_hyphens() -> None:
    matcher = PhraseMatcher({"seo": ["ever evolving", "in conclusion"]})
    text = "In an ever-evolving world... In Conclusion, it matters."
    assert [text[match.start : match.end] for match in matcher.find(text)] == [
        "ever-evolving",
        "In Conclusion",
    ]


@pytest.mark.parametrize("invisible", [ZWJ, ZWNJ, SOFT_HYPHEN, RLM, TATWEEL, TATWEEL * 3])
def test_offsets_survive_invisible_characters_inside_words(invisible: str) -> None:
    clean = "وقال المحلل الاقتصادي إن السوق تتعافى"
    dirty = clean.replace("محلل", f"مح{invisible}لل").replace("السوق", f"الس{invisible}وق")
    matcher = PhraseMatcher({"title": ["محلل اقتصادي", "سوق"]}, inflect=True)
    clean_matches = matcher.find(clean)
    dirty_matches = matcher.find(dirty)
    assert [match.phrase for match in clean_matches] == [match.phrase for match in dirty_matches]
    assert [dirty[match.start : match.end] for match in dirty_matches] == [
        f"المح{invisible}لل الاقتصادي",
        f"الس{invisible}وق",
    ]
    assert tokenize(dirty).words == tokenize(clean).words


def test_normalize_maps_back_through_removed_characters() -> None:
    original = f"الخب{ZWJ}يـــر قَالَ"
    normalized = normalize(original)
    assert normalized.text == "الخبير قال"
    start = normalized.text.index("قال")
    assert original[slice(*normalized.span(start, start + 3))] == "قَالَ"
    assert original[slice(*normalized.span(0, 6))] == f"الخب{ZWJ}يـــر"


def test_strip_invisible_keeps_letters_and_maps_back() -> None:
    original = f"كـــتب{SOFT_HYPHEN} الصحفي"
    visible = strip_invisible(original)
    assert visible.text == "كتب الصحفي"
    start = visible.text.index("الصحفي")
    assert original[slice(*visible.span(start, start + 6))] == "الصحفي"
    assert strip_invisible("نص عادي").index is None


def test_tokens_span_and_bad_range() -> None:
    tokens = tokenize("قال، الخبير")
    assert tokens.words == ["قال", "الخبير"]
    assert tokens.span(1, 2) == (5, 11)
    with pytest.raises(IndexError):
        tokens.span(1, 5)


def test_empty_inputs() -> None:
    assert tokenize("").words == []
    assert PhraseMatcher({}).find("قال الخبير") == []
    assert PhraseMatcher({"x": ["الخبير"]}).find("   ،،  ") == []
