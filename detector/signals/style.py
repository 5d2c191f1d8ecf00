"""Style: descriptive statistics of the prose (TextDescriptives-like).

Each measure is a pure function with a name: sentence length and its burstiness, moving
type-token ratio, word length, share of very common words, punctuation rates, boilerplate
ratio, paragraph counts and the share of sentences that open with a connective. Machine
prose tends to have even sentence lengths, few dashes, brackets or quotes, and many
"Moreover"/"علاوة على ذلك" openers; the score is a mild indication of that shape.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

from mizan.detector.article import Block, Document, normalized_pieces
from mizan.detector.language import word_spans
from mizan.detector.lexicons import load_lexicon
from mizan.detector.signals.base import Evidence, Signal, SignalContext, SignalResult
from mizan.detector.text import (
    Span,
    bmp_codes,
    first_occurrence_ids,
    letter_or_digit_table,
    normalize_for_matching,
)

MATTR_WINDOW = 50
"""Window (in words) of the moving-average type-token ratio."""

MIN_SENTENCES_FOR_BURSTINESS = 8
"""Fewer sentences than this say nothing about sentence-length variation."""

MIN_SENTENCES_FOR_CONNECTIVES = 4
"""Fewer sentences than this say nothing about connective openers."""

MIN_WORDS_FOR_PUNCTUATION = 150
"""Shorter texts are not judged for missing dashes, brackets and quotes."""

HUMAN_SENTENCE_LENGTH_CV = 0.5
"""Sentence-length coefficient of variation typical of human news prose."""

MACHINE_SENTENCE_LENGTH_CV = 0.2
"""Sentence-length coefficient of variation of very even, machine-like prose."""

TYPICAL_CONNECTIVE_SHARE = 0.1
"""Share of connective-led sentences seen in ordinary news prose."""

HEAVY_CONNECTIVE_SHARE = 0.4
"""Share of connective-led sentences from which the connective part is fully on."""

EVIDENCE_CONNECTIVE_SHARE = 0.25
"""Connective-led sentences are reported as evidence only from this share on."""

MAX_EVIDENCE = 10
"""Connective-led sentences reported at most."""

CONNECTIVE_SEARCH_CHARS = 80
"""Characters at the start of a sentence searched for an opening connective."""

BURSTINESS_WEIGHT = 0.45
CONNECTIVE_WEIGHT = 0.4
PUNCTUATION_WEIGHT = 0.15

_SENTENCE_LEAD = re.compile(r"[\W_]*")
_COMMAS = ",،"
_QUESTIONS = "?؟"
_QUOTES = '"“”«»„'
_PARENTHESES = "([{"
_COLONS = ":;؛"
_DASHES = re.compile(r"[–—]|\s-\s|--")
# Every _DASHES match holds a dash: it starts on one, or on the space before a hyphen.
_DASH = re.compile(r"[–—-]")


# --- pure measures --------------------------------------------------------------------------


def word_tokens(text: str) -> list[str]:
    """Return the normalised words of ``text`` (letters and digits, punctuation dropped)."""
    return word_spans(normalize_for_matching(text))[0]


def mean(values: Sequence[float]) -> float:
    """Return the arithmetic mean (0 for no values)."""
    return sum(values) / len(values) if values else 0.0


def coefficient_of_variation(values: Sequence[float]) -> float:
    """Return standard deviation over mean ("burstiness"); 0 for fewer than two values."""
    if len(values) < 2:
        return 0.0
    average = mean(values)
    if average <= 0:
        return 0.0
    variance = sum((value - average) ** 2 for value in values) / len(values)
    return math.sqrt(variance) / average


def moving_average_type_token_ratio(
    words: Sequence[str], window: int = MATTR_WINDOW, word_ids: np.ndarray | None = None
) -> float:
    """Return the moving-average type-token ratio (MATTR, Covington & McFall 2010).

    Texts shorter than ``window`` get their plain type-token ratio; empty text gets 0.
    ``word_ids``: :func:`~mizan.detector.text.first_occurrence_ids` of ``words`` when the
    caller has them.
    """
    if not words:
        return 0.0
    if len(words) <= window:
        return len(set(words)) / len(words)
    # The sum over all windows of their distinct words, counted word by word: a word counts
    # once in every window that holds it but not its previous occurrence, i.e. in the windows
    # starting from max(position - window + 1, previous + 1, 0) to min(position, last_window).
    if word_ids is None:
        word_ids = first_occurrence_ids(words)
    positions = np.arange(len(words))
    by_word = np.argsort(word_ids, kind="stable")
    previous_in_order = np.full(len(words), -1)
    same_word = word_ids[by_word[1:]] == word_ids[by_word[:-1]]
    previous_in_order[1:][same_word] = by_word[:-1][same_word]
    previous = np.empty(len(words), dtype=np.int64)
    previous[by_word] = previous_in_order
    last_window = len(words) - window
    first_window = np.maximum(positions - window + 1, previous + 1)
    windows = np.minimum(positions, last_window) - np.maximum(first_window, 0) + 1
    total = int(np.maximum(windows, 0).sum())
    return total / ((len(words) - window + 1) * window)


def mean_word_length(words: Sequence[str]) -> float:
    """Return the mean length of ``words`` in characters (0 for none)."""
    return sum(map(len, words)) / len(words) if words else 0.0


def common_word_share(words: Sequence[str], common_words: frozenset[str]) -> float:
    """Return the share of ``words`` that are among the most frequent words of the language."""
    return sum(map(common_words.__contains__, words)) / len(words) if words else 0.0


def rate_per_100_words(count: int, word_count: int) -> float:
    """Return ``count`` per 100 words (0 for empty text)."""
    return 100.0 * count / word_count if word_count > 0 else 0.0


def count_characters(text: str, characters: str) -> int:
    """Return how many characters of ``text`` are in ``characters``."""
    return sum(text.count(character) for character in characters)


def count_dashes(text: str) -> int:
    """Return ``len(_DASHES.findall(text))``: dashes, spaced hyphens and double hyphens.

    The pattern is tried only on a dash and on the character before a hyphen, the only
    places where a match can start.
    """
    count = 0
    position = 0
    for dash in _DASH.finditer(text):
        at = dash.start()
        candidates = (at - 1, at) if dash.group() == "-" and at > 0 else (at,)
        for candidate in candidates:
            if candidate < position:
                continue
            match = _DASHES.match(text, candidate)
            if match is not None:
                count += 1
                position = match.end()
                break
    return count


def boilerplate_ratio(doc: Document) -> float:
    """Return the share of body characters that are boilerplate, byline, bio or title."""
    return min(1.0, doc.boilerplate_chars / len(doc.body)) if doc.body else 0.0


def opening_connective(sentence: str, connectives: re.Pattern[str]) -> str | None:
    """Return the connective that opens ``sentence`` (normalised), or ``None``."""
    return normalized_opening_connective(
        normalize_for_matching(sentence[:CONNECTIVE_SEARCH_CHARS]), connectives
    )


def normalized_opening_connective(normalized: str, connectives: re.Pattern[str]) -> str | None:
    """Return the connective that opens an already normalised sentence start, or ``None``."""
    lead = _SENTENCE_LEAD.match(normalized)
    match = connectives.match(normalized, lead.end() if lead else 0)
    return match.group() if match else None


@lru_cache(maxsize=1)
def connective_pattern() -> re.Pattern[str]:
    """Return a regex matching an Arabic or English connective at a sentence start."""
    entries = load_lexicon("ar/style_connectives") + load_lexicon("en/style_connectives")
    normalized = sorted({normalize_for_matching(entry) for entry in entries}, key=len, reverse=True)
    alternation = "|".join(r"\s+".join(map(re.escape, entry.split())) for entry in normalized)
    return re.compile(rf"(?:{alternation})(?![^\W_])")


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Return the most frequent Arabic and English words (normalised)."""
    entries = load_lexicon("ar/style_common_words") + load_lexicon("en/style_common_words")
    return frozenset(normalize_for_matching(entry) for entry in entries)


def _word_counts(doc: Document, spans: Sequence[Span]) -> list[int]:
    """Return how many words (runs of letters and digits) of ``doc.body`` each span holds."""
    codes = bmp_codes(doc.body) if spans else None
    if codes is not None:
        letters = letter_or_digit_table()[codes]
        starts = np.fromiter((span.start for span in spans), dtype=np.intp, count=len(spans))
        ends = np.fromiter((span.end for span in spans), dtype=np.intp, count=len(spans))
        # Counting run starts inside each span is right when no run crosses a span's edge
        # (sentences start and end beside spaces or punctuation); otherwise count by regex.
        cut_at_start = letters[np.maximum(starts - 1, 0)] & (starts > 0)
        cut_at_end = letters[np.minimum(ends, len(letters) - 1)] & (ends < len(letters))
        if not (cut_at_start.any() or cut_at_end.any()):
            run_starts = np.flatnonzero(letters & ~np.concatenate(([False], letters[:-1])))
            counts = np.searchsorted(run_starts, ends) - np.searchsorted(run_starts, starts)
            return [int(count) for count in counts]
    return [len(word_spans(doc.body[span.start : span.end])[0]) for span in spans]


def _block_word_counts(
    blocks: Iterable[Block], sentences: Sequence[Span], sentence_word_counts: Sequence[int]
) -> list[int]:
    """Return the words of each prose block, summed over its sentences.

    Sentences cover their block up to the whitespace between them, so no word straddles two.
    """
    sentence_starts = [sentence.start for sentence in sentences]
    counts = []
    for block in blocks:
        first = bisect_left(sentence_starts, block.start)
        last = bisect_left(sentence_starts, block.end, first)
        counts.append(sum(sentence_word_counts[first:last]))
    return counts


# --- the signal -----------------------------------------------------------------------------


class StyleSignal(Signal):
    """Descriptive style statistics and a mild machine-likeness score."""

    name = "style"
    version = "1"
    feature_names = (
        "style.sentence_count",
        "style.sentence_length_mean",
        "style.sentence_length_cv",
        "style.paragraph_count",
        "style.paragraph_length_cv",
        "style.mattr",
        "style.mean_word_length",
        "style.common_word_share",
        "style.comma_rate",
        "style.question_rate",
        "style.exclamation_rate",
        "style.quote_rate",
        "style.parenthesis_rate",
        "style.dash_rate",
        "style.colon_rate",
        "style.boilerplate_ratio",
        "style.connective_sentence_share",
    )

    def extract(self, doc: Document, context: SignalContext) -> SignalResult:
        """Measure the style of ``doc``; every feature is finite, also for tiny texts."""
        text = doc.content_text
        words = doc.normalized_content_words  # word_tokens(text), normalised once
        word_count = len(words)
        sentence_word_counts = _word_counts(doc, doc.sentences)
        sentence_lengths = [float(count) for count in sentence_word_counts if count > 0]
        paragraphs = [block for block in doc.blocks if block.kind == "paragraph"]
        paragraph_lengths = [
            float(count)
            for count in _block_word_counts(paragraphs, doc.sentences, sentence_word_counts)
        ]

        pattern = connective_pattern()
        sentence_starts = normalized_pieces(
            doc.normalized,
            (
                Span(sentence.start, min(sentence.end, sentence.start + CONNECTIVE_SEARCH_CHARS))
                for sentence in doc.sentences
            ),
        )
        connective_led: list[tuple[Span, str]] = []
        for sentence, normalized_start in zip(doc.sentences, sentence_starts, strict=True):
            connective = normalized_opening_connective(normalized_start, pattern)
            if connective is not None:
                connective_led.append((sentence, connective))
        sentence_count = len(doc.sentences)
        connective_share = len(connective_led) / sentence_count if sentence_count else 0.0

        features = {
            "style.sentence_count": float(sentence_count),
            "style.sentence_length_mean": mean(sentence_lengths),
            "style.sentence_length_cv": coefficient_of_variation(sentence_lengths),
            "style.paragraph_count": float(len(paragraphs)),
            "style.paragraph_length_cv": coefficient_of_variation(paragraph_lengths),
            "style.mattr": moving_average_type_token_ratio(
                words, word_ids=doc.normalized_content_word_ids
            ),
            "style.mean_word_length": mean_word_length(words),
            "style.common_word_share": common_word_share(words, common_words()),
            "style.comma_rate": rate_per_100_words(count_characters(text, _COMMAS), word_count),
            "style.question_rate": rate_per_100_words(
                count_characters(text, _QUESTIONS), word_count
            ),
            "style.exclamation_rate": rate_per_100_words(text.count("!"), word_count),
            "style.quote_rate": rate_per_100_words(count_characters(text, _QUOTES), word_count),
            "style.parenthesis_rate": rate_per_100_words(
                count_characters(text, _PARENTHESES), word_count
            ),
            "style.dash_rate": rate_per_100_words(count_dashes(text), word_count),
            "style.colon_rate": rate_per_100_words(count_characters(text, _COLONS), word_count),
            "style.boilerplate_ratio": boilerplate_ratio(doc),
            "style.connective_sentence_share": connective_share,
        }
        score = self._score(features, word_count)
        evidence: list[Evidence] = []
        if (
            connective_share >= EVIDENCE_CONNECTIVE_SHARE
            and sentence_count >= MIN_SENTENCES_FOR_CONNECTIVES
        ):
            evidence = [
                Evidence(
                    span.start,
                    span.end,
                    span.of(doc.body),
                    f"sentence opens with the connective {connective!r}",
                    weight=0.5,
                )
                for span, connective in connective_led[:MAX_EVIDENCE]
            ]
        return self.result(score, features, evidence)

    @staticmethod
    def _score(features: dict[str, float], word_count: int) -> float:
        """Weighted sum of even sentence lengths, connective openers and plain punctuation."""
        sentence_count = features["style.sentence_count"]
        burstiness_part = 0.0
        if sentence_count >= MIN_SENTENCES_FOR_BURSTINESS:
            burstiness_part = _clip(
                (HUMAN_SENTENCE_LENGTH_CV - features["style.sentence_length_cv"])
                / (HUMAN_SENTENCE_LENGTH_CV - MACHINE_SENTENCE_LENGTH_CV)
            )
        connective_part = 0.0
        if sentence_count >= MIN_SENTENCES_FOR_CONNECTIVES:
            connective_part = _clip(
                (features["style.connective_sentence_share"] - TYPICAL_CONNECTIVE_SHARE)
                / (HEAVY_CONNECTIVE_SHARE - TYPICAL_CONNECTIVE_SHARE)
            )
        plain_punctuation = (
            word_count >= MIN_WORDS_FOR_PUNCTUATION
            and features["style.quote_rate"]
            + features["style.parenthesis_rate"]
            + features["style.dash_rate"]
            == 0
        )
        return (
            BURSTINESS_WEIGHT * burstiness_part
            + CONNECTIVE_WEIGHT * connective_part
            + PUNCTUATION_WEIGHT * float(plain_punctuation)
        )


def _clip(value: float) -> float:
    return max(0.0, min(1.0, value))
