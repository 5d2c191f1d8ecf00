"""Attributions in an article's prose: a cue, its speaker window, the speaker's class."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from mizan.detector.article import Document
from mizan.detector.signals.experts.categories import Attribution
from mizan.detector.signals.experts.classifier import _Classifier
from mizan.detector.signals.experts.cues import _Cue, _find_cues
from mizan.detector.signals.experts.reader import _BlockReader
from mizan.detector.signals.experts.words import (
    _GROUP_ONLY_KINDS,
    Span,
    _lexicon,
    _prose_blocks,
    _ProseBlock,
)

# A speaker phrase (a name, a title and two appositives) fits in far fewer characters; the
# windows around a cue never look further, so a long comma-chained sentence costs linear time.
_MAX_WINDOW_CHARS = 320
_INVERSION_MARK = re.compile(r"[,،\"'”’]\s*$")
_AR_OPENING_QUOTE = re.compile(r"\s*[«\"“]")


def find_attributions(
    doc: Document, blocks: Sequence[_ProseBlock] | None = None
) -> list[Attribution]:
    """Return every attribution with an identified speaker in the prose of ``doc``.

    ``blocks`` are ``_prose_blocks(doc)`` when the caller has them already.
    """
    normalized = doc.normalized
    index = normalized.index
    body = doc.body
    classifier = _Classifier()
    found: list[Attribution] = []
    lexicons = {"ar": _lexicon("ar"), "en": _lexicon("en")}
    for prose in _prose_blocks(doc) if blocks is None else blocks:
        cues = _find_cues(prose, lexicons)
        if not cues:
            continue
        # Headlines and misplaced blocks ("خبراء الطقس يحذرون") keep only claims put on
        # unnamed groups; a speaker read there must not stand for the body's later mentions.
        group_only = prose.kind in _GROUP_ONLY_KINDS
        block_classifier = _Classifier() if group_only else classifier
        block_start = prose.start
        text = prose.text

        def is_upper(position: int, offset: int = block_start) -> bool:
            return body[index[offset + position]].isupper()

        reader = _BlockReader(text, prose.tokens, is_upper, prose.offsets)
        consumed = 0
        used_tail = 0
        venue_sentence: Span | None = None
        for number, cue in enumerate(cues):
            if cue.start < consumed or (cue.kind == "venue" and cue.start < used_tail):
                continue
            sentence = reader.sentence_of(cue.start)
            next_cue = cues[number + 1].start if number + 1 < len(cues) else len(text)
            limit = min(sentence[1], next_cue)
            windows = _speaker_windows(reader, cue, limit, sentence, consumed)
            for start, end, tail_start, after_cue in windows:
                tail = (tail_start, reader.tail_end(tail_start, sentence[1], cue.lexicon.language))
                if cue.kind == "venue" and _is_outlet_only(reader, cue, end):
                    venue_sentence = sentence
                    consumed = max(consumed, end)
                    break
                classified = block_classifier.classify(
                    reader,
                    cue,
                    (start, end, after_cue),
                    tail,
                    venue_sourced=venue_sentence == sentence,
                )
                if classified is None:
                    continue
                category, span_start, span_end, titled, repeat, name_tokens = classified
                if group_only and category != "anonymous":
                    break
                consumed = max(consumed, end, cue.end)
                used_tail = max(used_tail, tail[1])
                original_start, original_end = normalized.span(
                    block_start + span_start, block_start + span_end
                )
                found.append(
                    Attribution(
                        start=original_start,
                        end=original_end,
                        text=body[original_start:original_end],
                        category=category,
                        titled=titled,
                        repeat=repeat,
                        name_tokens=name_tokens,
                    )
                )
                break
    return found


def _speaker_windows(
    reader: _BlockReader,
    cue: _Cue,
    limit: int,
    sentence: tuple[int, int],
    consumed: int,
) -> Iterator[tuple[int, int, int, bool]]:
    """Yield candidate speaker phrases ``(start, end, tail_start, after_cue)``, best first.

    Arabic names the speaker after the cue ("وقال الخبير ..."), or before it when the verb
    opens no clause ("الخبير أحمد قال"). English names it before the verb ("X said") unless
    the verb follows a quotation or a comma ("..., said John Smith"). A phrase is read only
    when the ones before it gave no speaker.
    """
    text = reader.text
    left = max(sentence[0], consumed, cue.start - _MAX_WINDOW_CHARS)
    limit = min(limit, cue.end + _MAX_WINDOW_CHARS)
    if cue.lexicon.language == "en" and cue.kind == "verb":
        before = text[left : cue.start]
        inverted = not before.strip() or bool(_INVERSION_MARK.search(before))
        if inverted and text[cue.start : cue.end] not in ("told", "tells"):
            start, end = reader.forward_window(cue, limit)
            if end > start and (
                reader.is_upper(start) or text[start:end].split()[0] in ("the", "a", "an", "one")
            ):
                yield start, end, end, True
        start, end = reader.backward_window(cue, left)
        if end > start:
            yield start, end, cue.end, False
        return
    backward = cue.lexicon.language == "ar" and cue.kind == "verb" and not cue.prefixed
    if backward and cue.speaker_first:
        start, end = reader.backward_window(cue, left)
        if end > start:
            yield start, end, cue.end, False
    start, end = reader.forward_window(cue, limit)
    if end > start:
        yield start, end, end, True
    if backward and not cue.speaker_first:
        start, end = reader.backward_window(cue, left)
        if end > start:
            yield start, end, cue.end, False


def _is_outlet_only(reader: _BlockReader, cue: _Cue, end: int) -> bool:
    """Tell whether a venue phrase names an outlet ("في تصريح لـ«العربية»", "speaking to CNN")."""
    lexicon = cue.lexicon
    text = reader.text
    tokens = reader.tokens(cue.end, end)
    tags = lexicon.tagger.tag(text, tokens)
    if "titles" in tags or "anonymous" in tags:
        return False
    if "sources" in tags or "affiliations" in tags:
        return True
    return lexicon.language == "ar" and bool(_AR_OPENING_QUOTE.match(text, cue.end))
