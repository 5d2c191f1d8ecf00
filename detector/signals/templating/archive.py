"""Archive near-duplicates: passages shared with earlier articles of the same outlet."""

from __future__ import annotations

import re

from mizan.detector.article import Document, WordSpans, word_spans
from mizan.detector.signals.base import Evidence, SignalContext
from mizan.detector.signals.templating.layout import MAX_EVIDENCE_PER_KIND
from mizan.detector.signals.templating.phrases import tokenize
from mizan.detector.text import NormalizedText, normalize_for_matching

PASSAGE_PREFIX_WORDS = 12
"""A shared passage not found whole is searched for by this many leading words."""


def find_archive_duplicates(
    doc: Document, context: SignalContext
) -> tuple[float, int, list[Evidence]]:
    """Return the highest archive similarity, the match count and the shared passages."""
    if context.memory is None:
        return 0.0, 0, []
    matches = context.memory.near_duplicates(doc.content_text, doc.outlet, doc.id)
    if not matches:
        return 0.0, 0, []
    evidence: list[Evidence] = []
    ranked = sorted(matches, key=lambda item: item.similarity, reverse=True)
    for match in ranked[:MAX_EVIDENCE_PER_KIND]:
        span = locate_passage(doc.normalized, match.shared_passage, doc.normalized_words)
        if span is None:
            continue
        start, end = span
        evidence.append(
            Evidence(
                start,
                end,
                doc.body[start:end],
                f"near-duplicate of article {match.article_id} of the same outlet "
                f"(similarity {match.similarity:.2f})",
            )
        )
    max_similarity = max(0.0, min(1.0, float(ranked[0].similarity)))
    return max_similarity, len(matches), evidence


def locate_passage(
    normalized: NormalizedText, passage: str, words: WordSpans | None = None
) -> tuple[int, int] | None:
    """Find ``passage`` in the normalised body; return original ``(start, end)`` or ``None``.

    Words are matched in order with any non-word characters between them, so spacing,
    punctuation and diacritics may differ. A passage not found whole is searched again by
    its first :data:`PASSAGE_PREFIX_WORDS` words. ``words`` are the words of
    ``normalized.text`` (``Document.normalized_words``), split again when not given.
    """
    passage_words = tokenize(normalize_for_matching(passage)).words
    if not passage_words:
        return None
    attempts = [passage_words]
    if len(passage_words) > PASSAGE_PREFIX_WORDS:
        attempts.append(passage_words[:PASSAGE_PREFIX_WORDS])
    text = normalized.text
    if "_" in text:
        # "_" is a word character of the regex below but splits words: search as it does.
        for attempt in attempts:
            pattern = re.compile(
                r"(?<!\w)" + r"\W+".join(re.escape(word) for word in attempt) + r"(?!\w)"
            )
            match = pattern.search(text)
            if match:
                return normalized.span(match.start(), match.end())
        return None
    # Without "_", the runs of word characters are exactly the words, so the passage is a
    # run of consecutive words (the first such run is where the search would find it).
    spans = word_spans(text) if words is None else words
    for attempt in attempts:
        position = _find_run(spans.words, attempt)
        if position is not None:
            return normalized.span(spans.starts[position], spans.ends[position + len(attempt) - 1])
    return None


def _find_run(words: list[str], wanted: list[str]) -> int | None:
    """Return the first index where ``wanted`` occurs as consecutive items of ``words``."""
    first, size = wanted[0], len(wanted)
    position = -1
    while True:
        try:
            position = words.index(first, position + 1)
        except ValueError:
            return None
        if words[position : position + size] == wanted:
            return position
