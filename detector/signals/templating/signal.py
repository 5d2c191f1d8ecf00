"""The templating signal: its features, and one score from the measures."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from mizan.detector.article import Document
from mizan.detector.signals.base import Evidence, Signal, SignalContext, SignalResult
from mizan.detector.signals.templating.archive import find_archive_duplicates
from mizan.detector.signals.templating.headings import (
    TEMPLATED_PAGE_MIN_STUFFED,
    doc_heading_starts,
    find_focus_headings,
    find_formula_headings,
    find_headline_copies,
    find_headline_in_text,
    find_stuffed_headings,
    find_title_phrases,
    find_title_repeats,
)
from mizan.detector.signals.templating.layout import (
    _LIST_KINDS,
    _PROSE_KINDS,
    MAX_EVIDENCE_PER_KIND,
    _Layout,
)
from mizan.detector.signals.templating.repetition import (
    _WordSequence,
    find_repeated_lines,
    find_repeated_sentences,
    find_restated_passages,
    repeated_runs,
)
from mizan.detector.signals.templating.residue import (
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
from mizan.detector.text import normalize_for_matching

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


def _no_evidence() -> Sequence[Evidence]:
    return ()


@dataclass(frozen=True)
class HeldEvidenceResult(SignalResult):
    """A signal result with evidence held back until another finding corroborates the page.

    ``evidence`` is what the signal shows on its own; ``held`` computes (only when called)
    the evidence it shows on a page where another signal found something too. The engine
    settles it after all signals ran (:meth:`released`); a caller of ``extract`` alone sees
    ``evidence`` only.
    """

    held: Callable[[], Sequence[Evidence]] = field(default=_no_evidence, compare=False, repr=False)

    def released(self, corroborated: bool) -> SignalResult:
        """Return the plain result, with the held evidence added when ``corroborated``."""
        evidence = tuple(self.evidence)
        if corroborated:
            evidence = tuple(
                sorted(
                    (*evidence, *self.held()),
                    key=lambda item: (item.field, item.start, item.end),
                )
            )
        return SignalResult(self.name, self.version, self.score, self.features, evidence)


TEMPLATE_CONTEXT = "on a page with template tells"
"""How the reason of layout evidence ends on a page that shows its template."""

CORROBORATED_CONTEXT = "on a page with another finding"
"""How it ends on a page where a heading echoing the title or another signal corroborates it."""


def _in_context(items: Sequence[Evidence], context: str) -> list[Evidence]:
    return [
        Evidence(
            item.start, item.end, item.text, f"{item.reason} {context}", item.field, item.weight
        )
        for item in items
    ]


def layout_repetition(layout: _Layout, context: str) -> list[Evidence]:
    """Return the page's layout repetition, each reason ending in ``context``.

    Lines and the headline printed again (outside a repeated masthead or menu), the implied
    headline repeated in the text and passages restated in another paragraph. Ordinary page
    chrome or wire style on their own (sites print the headline two or three times, a lead
    restates the headline, a caption repeats the lead); part of the template on a page that
    shows one, or that another finding corroborates.
    """
    doc = layout.doc
    runs = repeated_runs(layout) if len(doc.title_lines) > 1 else frozenset()
    evidence = find_repeated_lines(layout)[:MAX_EVIDENCE_PER_KIND]
    evidence += find_headline_copies(doc, runs)[:MAX_EVIDENCE_PER_KIND]
    evidence += find_headline_in_text(layout)[:MAX_EVIDENCE_PER_KIND]
    evidence += find_restated_passages(layout)[:MAX_EVIDENCE_PER_KIND]
    return _in_context(evidence, context)


def layout_lists(doc: Document) -> list[Evidence]:
    """Return the bullet lists, tables and label-and-value runs, as part of a shown template.

    Lists are the form of service pieces and official bulletins: only a page that shows its
    own template tells gets them as evidence.
    """
    evidence = [
        Evidence(block.start, block.end, doc.block_text(block), TEMPLATED_LIST_REASON)
        for block in doc.blocks
        if block.kind in _LIST_KINDS
    ][:MAX_EVIDENCE_PER_KIND]
    return evidence + find_labelled_lines(doc)[:MAX_EVIDENCE_PER_KIND]


def echoes_title_below_text(doc: Document, stuffed: Sequence[Evidence]) -> bool:
    """Whether a heading repeating the title's keywords stands below the first paragraph.

    One such heading above the text is often a caption or a standfirst; one under the text
    is a section heading built from the headline's keywords, a finding of its own.
    """
    titles = {block.start for block in doc.title_lines}
    first_text = next(
        (
            block.start
            for block in doc.blocks
            if block.kind in _PROSE_KINDS and block.start not in titles
        ),
        None,
    )
    return first_text is not None and any(item.start > first_text for item in stuffed)


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
        # The same words as the document's normalised content words (unless a block's
        # normalised text is no slice of the normalised body): numbered once for both.
        sequence = _WordSequence(
            content_words,
            doc.normalized_content_word_ids
            if content_words == doc.normalized_content_words
            else None,
        )
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
        shows_template = (
            len(stuffed) >= TEMPLATED_PAGE_MIN_STUFFED
            or markdown
            or len(phrases) >= TEMPLATED_PAGE_MIN_PHRASES
            or clickbait
            or residue
            or engagement_calls
            or formula_headings
            or len(focus_headings) >= TEMPLATED_PAGE_MIN_STUFFED
        )
        # Layout repetition is chrome or wire style on its own: it is evidence on a page that
        # shows its template, or with one section heading echoing the title, or (settled by
        # the engine) where another signal found something.
        echoed = not shows_template and echoes_title_below_text(doc, stuffed)
        if shows_template:
            evidence += layout_repetition(layout, TEMPLATE_CONTEXT) + layout_lists(doc)
        elif echoed:
            evidence += layout_repetition(layout, CORROBORATED_CONTEXT)

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

        result = self.result(self._score(features), features, evidence)
        if shows_template or echoed:
            return result
        # Otherwise the page's layout repetition waits for another signal's finding (the
        # engine settles it once all signals ran).
        return HeldEvidenceResult(
            result.name,
            result.version,
            result.score,
            result.features,
            result.evidence,
            held=lambda: layout_repetition(layout, CORROBORATED_CONTEXT),
        )

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
