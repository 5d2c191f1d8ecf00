"""The templating measures' shared passes find what separate passes find."""

from __future__ import annotations

from mizan.detector.article import ArticleInput, parse_article
from mizan.detector.signals.templating.layout import _Layout
from mizan.detector.signals.templating.phrases import (
    clickbait_matcher,
    lexicon_matcher,
    residue_matcher,
)
from mizan.detector.signals.templating.repetition import (
    _repeated_gram_positions,
    find_restated_passages,
)

BODY = (
    "في الختام، من المهم أن نذكر أن الأسعار ارتفعت في السوق.\n"
    "لن تصدق ما حدث بعد ذلك في المدينة القديمة.\n"
    "شاركنا رأيك في التعليقات.\n"
    "In conclusion, it is important to note that prices rose. Share your thoughts below."
)


def test_matchers_find_the_same_phrases_from_the_shared_candidates() -> None:
    layout = _Layout(parse_article(ArticleInput(body=BODY, title="عنوان")))
    candidates = layout.phrase_candidates()
    assert candidates == sorted(candidates)
    found = 0
    for matcher in (lexicon_matcher(), clickbait_matcher(), residue_matcher()):
        alone = matcher.find(layout.tokens)
        assert matcher.find(layout.tokens, candidates) == alone
        found += len(alone)
    assert found >= 2


def test_words_of_a_span_are_read_once_and_agree() -> None:
    layout = _Layout(parse_article(ArticleInput(body=BODY, title="عنوان")))
    block = layout.doc.blocks[0]
    first = layout.words_in(block.start, block.end)
    assert first[:2] == ["في", "الختام"]
    assert layout.words_in(block.start, block.end) is first


def test_only_repeated_ngrams_are_visited() -> None:
    words = "a b c x a b c y a b".split()
    # 3-grams inside [0, 4) and [4, 10): "a b c" repeats (at 0 and 4), nothing else does.
    assert _repeated_gram_positions(words, [(0, 4), (4, 10)], 3) == [0, 4]
    # A range too short for one n-gram holds none.
    assert _repeated_gram_positions(words, [(0, 2), (4, 6)], 3) == []


def test_a_restated_paragraph_is_found_across_blocks() -> None:
    line = "تشهد المدينة القديمة إقبالا كبيرا من الزوار خلال فصل الصيف كل عام"
    body = f"{line} بحسب السكان.\nفقرة أولى عن موضوع آخر تماما.\nويقول الأهالي إن {line}."
    found = find_restated_passages(_Layout(parse_article(ArticleInput(body=body, title="عنوان"))))
    assert len(found) == 2
    assert all("المدينة القديمة" in item.text for item in found)
