"""The templating measures' shared passes find what separate passes find."""

from __future__ import annotations

from detector.article import ArticleInput, parse_article
from detector.signals.templating.layout import _Layout
from detector.signals.templating.phrases import (
    clickbait_matcher,
    lexicon_matcher,
    residue_matcher,
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
