"""The templating signal: its features, and one score from the measures."""

from __future__ import annotations

from collections.abc import Mapping

from detector.article import Document
from detector.signals.base import Evidence, Signal, SignalContext, SignalResult
from detector.signals.templating.archive import find_archive_duplicates
from detector.signals.templating.headings import (
    TEMPLATED_PAGE_MIN_STUFFED,
    doc_heading_starts,
    find_focus_headings,
    find_formula_headings,
    find_headline_copies,
    find_stuffed_headings,
    find_title_phrases,
    find_title_repeats,
)
from detector.signals.templating.layout import _LIST_KINDS, MAX_EVIDENCE_PER_KIND, _Layout
from detector.signals.templating.repetition import (
    _WordSequence,
    find_repeated_lines,
    find_repeated_sentences,
    find_restated_passages,
)
from detector.signals.templating.residue import (
    find_clickbait,
    find_closing,
    find_keyword_lists,
    find_labelled_lines,
    find_lexicon_matches,
    find_markdown_markers,
    find_residue,
    is_projection_row,
    labelled_bullet_share,
)
from detector.text import normalize_for_matching

TEMPLATED_PAGE_MIN_PHRASES = 1
"""Stock phrases from which a page's lists and repeated lines are shown as its template."""

TITLE_REPEATS_TOLERATED = 1
"""News leads often restate the headline once; only further repeats raise the score."""

DUPLICATE_NGRAM_SIZES = (5, 10)
"""Word n-gram sizes of the duplicated-character fractions (Gopher uses 5..10)."""

GOPHER_DUPLICATE_5GRAM_LIMIT = 0.15
"""Gopher quality filter: at most 15% of characters in duplicated word 5-grams."""

GOPHER_TOP_2GRAM_LIMIT = 0.20
"""Gopher quality filter: the most frequent word 2-gram covers at most 20% of characters."""

ARCHIVE_DUPLICATE_SIMILARITY = 0.5
"""Archive similarity from which a near-duplicate counts fully in the score."""

# Weights of the measures in the noisy-or score: each is the most one measure alone can give.
PHRASE_WEIGHT = 0.55
STUFFED_HEADING_WEIGHT = 0.45
CLOSING_ENGAGEMENT_WEIGHT = 0.35
TITLE_REPEAT_WEIGHT = 0.25
REPETITION_WEIGHT = 0.35
MARKDOWN_WEIGHT = 0.25
PROJECTION_TABLE_WEIGHT = 0.2
ARCHIVE_WEIGHT = 0.6
TEMPLATED_LIST_REASON = "bullet list or table on a page with template tells"


def per_thousand_words(count: float, word_count: int) -> float:
    """Return ``count`` per 1000 words (0 for empty text)."""
    return 1000.0 * count / word_count if word_count > 0 else 0.0


def saturating(value: float, full_at: float) -> float:
    """Return ``value / full_at`` clipped to [0, 1]."""
    return max(0.0, min(1.0, value / full_at)) if full_at > 0 else 0.0


class TemplatingSignal(Signal):
    """Stock phrasing, keyword stuffing, repetition and archive near-duplicates."""

    name = "templating"
    version = "3"
    feature_names = (
        "templating.phrase_count",
        "templating.phrases_per_1000_words",
        "templating.stuffed_heading_count",
        "templating.stuffed_heading_share",
        "templating.title_repeat_count",
        "templating.closing_engagement_count",
        "templating.engagement_call_count",
        "templating.duplicate_5gram_char_fraction",
        "templating.duplicate_10gram_char_fraction",
        "templating.top_2gram_char_fraction",
        "templating.repeated_sentence_count",
        "templating.repeated_sentence_fraction",
        "templating.headings_per_1000_words",
        "templating.bullets_per_1000_words",
        "templating.labelled_bullet_share",
        "templating.markdown_marker_count",
        "templating.projection_table_rows",
        "templating.max_archive_similarity",
        "templating.archive_near_duplicates",
        "templating.text_score",
    )

    def extract(self, doc: Document, context: SignalContext) -> SignalResult:
        """Measure templating in ``doc``; see the module docstring for the measures."""
        layout = _Layout(doc)
        word_count = doc.word_count
        features: dict[str, float] = {}
        evidence: list[Evidence] = []

        phrases, engagement_calls = find_lexicon_matches(layout)
        phrases += find_title_phrases(doc)
        features["templating.phrase_count"] = len(phrases)
        features["templating.phrases_per_1000_words"] = per_thousand_words(len(phrases), word_count)
        evidence += phrases[:MAX_EVIDENCE_PER_KIND]

        stuffed, headline = find_stuffed_headings(layout)
        headings = len(doc.headings)
        # The trained bundle learned these features against a sent title over the parsed
        # headings; headings echoing an implied headline or the URL slug are evidence only
        # until the bundle is retrained with them.
        counted = [item for item in stuffed if doc.title and item.start in doc_heading_starts(doc)]
        features["templating.stuffed_heading_count"] = len(counted)
        features["templating.stuffed_heading_share"] = (
            min(1.0, len(counted) / headings) if headings else 0.0
        )
        evidence += headline + stuffed[:MAX_EVIDENCE_PER_KIND]

        clickbait = find_clickbait(layout)
        # Evidence for the reviewer; no feature until the bundle is retrained with one.
        evidence += clickbait[:MAX_EVIDENCE_PER_KIND]

        residue = find_residue(layout) + find_keyword_lists(layout)
        evidence += residue[:MAX_EVIDENCE_PER_KIND]
        formula_headings = find_formula_headings(layout)
        evidence += formula_headings[:MAX_EVIDENCE_PER_KIND]
        focus_headings = find_focus_headings(layout, {item.start for item in stuffed})
        evidence += focus_headings[:MAX_EVIDENCE_PER_KIND]

        title_repeats = find_title_repeats(layout)
        features["templating.title_repeat_count"] = len(title_repeats)
        evidence += title_repeats[:MAX_EVIDENCE_PER_KIND]

        closing = find_closing(doc, engagement_calls)
        features["templating.closing_engagement_count"] = len(closing)
        features["templating.engagement_call_count"] = len(engagement_calls)
        evidence += closing[:MAX_EVIDENCE_PER_KIND]

        content_words: list[str] = []
        for block in doc.content_blocks:
            content_words += layout.words_in(block.start, block.end)
        sequence = _WordSequence(content_words)
        for size in DUPLICATE_NGRAM_SIZES:
            features[f"templating.duplicate_{size}gram_char_fraction"] = (
                sequence.duplicate_char_fraction(size)
            )
        features["templating.top_2gram_char_fraction"] = sequence.top_char_fraction(2)

        repeated = find_repeated_sentences(layout)
        sentence_count = len(doc.sentences)
        features["templating.repeated_sentence_count"] = len(repeated)
        features["templating.repeated_sentence_fraction"] = (
            len(repeated) / sentence_count if sentence_count else 0.0
        )
        evidence += repeated[:MAX_EVIDENCE_PER_KIND]

        bullets = sum(1 for block in doc.blocks if block.kind == "bullet")
        features["templating.headings_per_1000_words"] = per_thousand_words(headings, word_count)
        features["templating.bullets_per_1000_words"] = per_thousand_words(bullets, word_count)
        features["templating.labelled_bullet_share"] = labelled_bullet_share(doc)

        markdown = find_markdown_markers(doc)
        features["templating.markdown_marker_count"] = len(markdown)
        evidence += markdown[:MAX_EVIDENCE_PER_KIND]
        if (
            len(stuffed) >= TEMPLATED_PAGE_MIN_STUFFED
            or markdown
            or len(phrases) >= TEMPLATED_PAGE_MIN_PHRASES
            or clickbait
            or residue
            or engagement_calls
            or formula_headings
            or len(focus_headings) >= TEMPLATED_PAGE_MIN_STUFFED
        ):
            # Lists, a headline printed again and restated paragraphs are ordinary page
            # chrome or wire style on their own; on a page that already shows its template
            # they are part of it.
            evidence += find_repeated_lines(layout)[:MAX_EVIDENCE_PER_KIND]
            evidence += find_headline_copies(doc)[:MAX_EVIDENCE_PER_KIND]
            evidence += find_restated_passages(layout)[:MAX_EVIDENCE_PER_KIND]
            evidence += [
                Evidence(block.start, block.end, doc.block_text(block), TEMPLATED_LIST_REASON)
                for block in doc.blocks
                if block.kind in _LIST_KINDS
            ][:MAX_EVIDENCE_PER_KIND]
            evidence += find_labelled_lines(doc)[:MAX_EVIDENCE_PER_KIND]

        projections = [
            Evidence(
                block.start, block.end, doc.block_text(block), "table row of round projections"
            )
            for block in doc.blocks
            if block.kind == "table"
            and is_projection_row(normalize_for_matching(doc.block_text(block)))
        ]
        features["templating.projection_table_rows"] = len(projections)
        evidence += projections[:MAX_EVIDENCE_PER_KIND]

        max_similarity, duplicates, archive_evidence = find_archive_duplicates(doc, context)
        features["templating.max_archive_similarity"] = max_similarity
        features["templating.archive_near_duplicates"] = duplicates
        evidence += archive_evidence
        # The score from the article alone: what the text says, whatever the store holds.
        features["templating.text_score"] = self._score(
            {**features, "templating.max_archive_similarity": 0.0}
        )

        return self.result(self._score(features), features, evidence)

    @staticmethod
    def _score(features: Mapping[str, float]) -> float:
        """Combine the measures as a noisy-or of weighted strengths."""
        phrase_strength = saturating(features["templating.phrase_count"], 4) * saturating(
            features["templating.phrases_per_1000_words"], 3
        )
        # Repetition counts only past the Gopher limits; ordinary prose stays at zero.
        repetition_strength = max(
            saturating(
                features["templating.duplicate_5gram_char_fraction"] - GOPHER_DUPLICATE_5GRAM_LIMIT,
                GOPHER_DUPLICATE_5GRAM_LIMIT,
            ),
            saturating(
                features["templating.top_2gram_char_fraction"] - GOPHER_TOP_2GRAM_LIMIT,
                GOPHER_TOP_2GRAM_LIMIT,
            ),
            saturating(features["templating.repeated_sentence_count"], 3),
        )
        strengths = (
            PHRASE_WEIGHT * phrase_strength,
            STUFFED_HEADING_WEIGHT
            * saturating(features["templating.stuffed_heading_count"], 2)
            * saturating(features["templating.stuffed_heading_share"], 0.5),
            CLOSING_ENGAGEMENT_WEIGHT
            * saturating(features["templating.closing_engagement_count"], 1),
            TITLE_REPEAT_WEIGHT
            * saturating(features["templating.title_repeat_count"] - TITLE_REPEATS_TOLERATED, 2),
            REPETITION_WEIGHT * repetition_strength,
            MARKDOWN_WEIGHT * saturating(features["templating.markdown_marker_count"], 2),
            PROJECTION_TABLE_WEIGHT * saturating(features["templating.projection_table_rows"], 2),
            ARCHIVE_WEIGHT
            * saturating(
                features["templating.max_archive_similarity"], ARCHIVE_DUPLICATE_SIMILARITY
            ),
        )
        clean = 1.0
        for strength in strengths:
            clean *= 1.0 - strength
        return 1.0 - clean
