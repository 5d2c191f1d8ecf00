"""The experts signal's shared reading of a document: blocks, tokens, the reader and patterns.

Every prose block is tokenised once per article and read by both the attribution finder and
the unnamed-mention finder; these tests hold the shared pieces to the plain definitions they
stand for (a block's _WORD tokens, the words inside a span, whole-word matches).
"""

from __future__ import annotations

import re

import pytest

from mizan.detector.article import ArticleInput, Document, parse_article
from mizan.detector.signals.base import SignalContext
from mizan.detector.signals.experts import ExpertsSignal, find_attributions, find_unnamed_mentions
from mizan.detector.signals.experts import words as words_module
from mizan.detector.signals.experts.reader import (
    _AR_COMPLEMENTIZER,
    _AR_CUT,
    _AR_TAIL_STOP,
    _EN_COMPLEMENTIZER,
    _EN_CUT,
    _EN_TAIL_STOP,
    _BlockReader,
)
from mizan.detector.signals.experts.words import _WORD, _lexicon, _prose_blocks, _TokenCache

BODY = (
    "الخبر الأول في الصفحة\n\n"
    "وقال الدكتور سامي العتيبي، خبير الشؤون الاستراتيجية، إن الأزمة ستتفاقم. وأضاف أن الحل بعيد.\n\n"
    "Dr. Emily Carter, a renowned economist, said prices would rise. Analysts at al-Rashid agree."
)


def _doc(body: str) -> Document:
    return parse_article(ArticleInput(body=body))


def _reader(text: str) -> _BlockReader:
    tokens = [(match.start(), match.end(), match.group()) for match in _WORD.finditer(text)]
    return _BlockReader(text, tokens, lambda position: text[position].isupper())


def test_blocks_hold_their_words_at_offsets_into_their_own_text() -> None:
    doc = _doc(BODY)
    blocks = _prose_blocks(doc)
    assert blocks
    for block in blocks:
        assert block.text == doc.normalized.text[block.start : block.start + len(block.text)]
        assert [block.text[start:end] for start, end, _ in block.tokens] == block.words
        assert [word for _, _, word in block.tokens] == block.words
        assert block.token_starts == [start for start, _, _ in block.tokens]


def test_a_block_with_a_hyphenated_name_keeps_it_in_one_token() -> None:
    doc = _doc(BODY)
    english = [block for block in _prose_blocks(doc) if "al-rashid" in block.text]
    assert len(english) == 1
    assert "al-rashid" in english[0].words
    assert english[0].words == _WORD.findall(english[0].text)
    # The document's own words split the name at the hyphen.
    assert "al-rashid" not in doc.normalized_words.words


def test_only_prose_and_headline_blocks_are_read() -> None:
    doc = _doc(BODY)
    kinds = {block.kind for block in _prose_blocks(doc)}
    assert kinds <= {"paragraph", "bullet", "title", "heading", "bio"}
    assert len(_prose_blocks(doc)) == sum(
        block.kind in {"paragraph", "bullet", "title", "heading", "bio"} for block in doc.blocks
    )


def test_shared_blocks_give_what_each_finder_reads_alone() -> None:
    doc = _doc(BODY)
    blocks = _prose_blocks(doc)
    alone = find_attributions(_doc(BODY))
    shared = find_attributions(doc, blocks)
    assert shared == alone
    assert [item.text for item in shared][:1] == ["الدكتور سامي العتيبي، خبير الشؤون الاستراتيجية"]
    assert find_unnamed_mentions(doc, shared, blocks) == find_unnamed_mentions(_doc(BODY), alone)


def test_reader_spans_agree_with_the_words_they_hold() -> None:
    text = "  قال الدكتور سامي العتيبي، خبير الشؤون  الاستراتيجية في بيان. "
    reader = _reader(text)
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            words = reader.tokens(start, end)
            expected = (words[0][0], words[-1][1]) if words else (start, start)
            assert reader.trimmed(start, end) == expected
            for most in (1, 2, 3):
                kept = reader.limit_tokens(start, end, from_end=False, most=most)
                if len(words) > most:
                    assert kept == (start, words[most - 1][1])
                    assert reader.limit_tokens(start, end, from_end=True, most=most) == (
                        words[-most][0],
                        end,
                    )
                else:
                    assert kept == (start, end)


def test_reader_cuts_words_that_straddle_a_span() -> None:
    reader = _reader("الخبير سامي")
    assert reader.tokens(2, 9) == [(2, 6, "خبير"), (7, 9, "سا")]
    assert reader.trimmed(2, 9) == (2, 9)
    assert reader.trimmed(6, 7) == (6, 6)


def test_sentence_ends_skip_the_dots_of_abbreviations() -> None:
    text = "قال د. سامي إن العام الماضي. وقال dr. smith إن السعر ارتفع. ثم انتهى x. وبعد"
    reader = _reader(text)
    # "د." and "dr." open names, and a single letter before a dot reads as an initial.
    assert [text[:end].rsplit(" ", 1)[-1] for end in reader.sentence_ends] == [
        "الماضي.",
        "ارتفع.",
    ]
    assert reader.sentence_of(text.index("سامي")) == (0, reader.sentence_ends[0])


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        (_AR_COMPLEMENTIZER, "وقال ان الوضع", "ان"),
        (_AR_COMPLEMENTIZER, "واكد بانه مستعد", "بانه"),
        (_AR_COMPLEMENTIZER, "بانتاج النفط لانهاء", None),
        (_AR_COMPLEMENTIZER, "xان 1ان _ان", None),
        (_AR_COMPLEMENTIZER, "ثم قايلا", "قايلا"),
        (_AR_TAIL_STOP, "في بيان: الامر", ":"),
        (_EN_COMPLEMENTIZER, "said that prices", "that"),
        (_EN_COMPLEMENTIZER, "thatcher and iffy whetherx", None),
        (_EN_TAIL_STOP, "told reuters, adding", ","),
        (_EN_TAIL_STOP, "asked whether it", "whether"),
        (_AR_CUT, "الخبير في تصريح صحفي", "في تصريح"),
        (_AR_CUT, "الخبير خلال حديثه مع الصحفيين", None),
        (_AR_CUT, "الخبير عبر حسابه", "عبر حسابه"),
        (_AR_CUT, "قال لموقع الخبر", "لموقع"),
        (_AR_CUT, "وفي تصريح", None),
        (_EN_CUT, "the analyst said in a statement", "in a statement"),
        (_EN_CUT, "she said on monday", "on monday"),
        (_EN_CUT, "bin a statement", None),
    ],
)
def test_word_patterns_match_whole_words_only(
    pattern: re.Pattern[str], text: str, expected: str | None
) -> None:
    found = pattern.search(text)
    assert (found.group() if found else None) == expected


def test_word_patterns_see_the_letter_before_a_search_window() -> None:
    text = "xان الوضع"
    # The window starts inside a word: the letter before it still rules the match out.
    assert _AR_COMPLEMENTIZER.search(text, 1) is None
    found = _AR_COMPLEMENTIZER.search(" ان", 1)
    assert found is not None and found.span() == (1, 3)
    assert _EN_COMPLEMENTIZER.search("xthat", 1) is None


def test_tagger_caches_candidates_and_starts_over_when_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tagger = _lexicon("ar").tagger
    text = "قال الخبير سامي"
    tokens = [(match.start(), match.end(), match.group()) for match in _WORD.finditer(text)]
    first = tagger.tag(text, tokens)
    assert "titles" in first
    assert tagger.tag(text, tokens) == first
    cache: _TokenCache[int] = _TokenCache(len)
    monkeypatch.setattr(words_module, "_TOKEN_CACHE_SIZE", 2)
    assert [cache["a"], cache["bb"], cache["ccc"]] == [1, 2, 3]
    assert len(cache) == 1


def test_vox_pop_read_two_or_three_words_before_the_role() -> None:
    body = "وفي السوق قالت كلمات كثيرة. ليلى حسن، ربة منزل من الإسكندرية، لم تعد تشتري اللحوم."
    result = ExpertsSignal().extract(_doc(body), SignalContext())
    assert [item.text for item in result.evidence] == ["ليلى حسن، ربة منزل من الإسكندرية"]
