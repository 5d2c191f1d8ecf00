"""The ``beat`` signal: compare the author's beat with the article's topic.

A sports writer's bio under a security or politics story, or an author whose earlier
articles are nearly all about one topic suddenly writing about another, suggests a byline
that was borrowed or made up. The author's beat is read from the bio ("محرر رياضي",
"صحفي متخصص في الشؤون الاقتصادية", "tech editor", "covers health") with the lexicons
``{ar,en}/beat_roles`` (job titles and verbs) and ``{ar,en}/beat_topics`` (beat words); the
article's topic comes from :mod:`mizan.detector.topics`; the author's history from
``context.memory`` when a store is attached.

Feature values when something is unknown are neutral, never suspicious:
``beat.agreement`` is 1.0 and ``beat.mismatch`` 0.0 when no beat is known;
``beat.history_topic_share`` is 1.0 when fewer than :data:`MIN_HISTORY_ARTICLES` earlier
articles have a topic; the other history features are 0.0 without a profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from mizan.detector.article import CONTENT_KINDS
from mizan.detector.language import PhraseMatcher, Tokens, WordLexicon, tokenize
from mizan.detector.lexicons import load_lexicon
from mizan.detector.memory import AuthorProfile
from mizan.detector.signals.base import (
    Evidence,
    EvidenceField,
    Signal,
    SignalContext,
    SignalResult,
)
from mizan.detector.text import Span, normalize_for_matching
from mizan.detector.topics import (
    MAX_CLASSIFIED_CHARS,
    TOPICS,
    TopicClassifier,
    default_topic_classifier,
)

if TYPE_CHECKING:
    from mizan.detector.article import Document

MIN_HISTORY_ARTICLES = 5
"""Earlier articles with a topic the store must hold before the author's history counts."""
EVIDENCE_MIN_SCORE = 0.5
"""A part of the signal (bio or history) adds evidence from this score on."""
RARE_TOPIC_SHARE = 0.05
"""The history part fires only when at most this share of the author's articles is on the
article's topic: human reporters stray from their main beat often (held-out SaudiNewsNet
articles whose byline has a history: 30% on a topic under a fifth of the byline's
articles), but seldom into a topic they (almost) never cover (4.6% at most this share;
``benchmarks/beat_history_rates.py``)."""
CONFIDENT_TOPIC = 0.5
"""The history part needs the article's top topic at least this probable."""
MAX_WORDS_BETWEEN_ROLE_AND_BEAT = 3
"""Words allowed between a job title and the beat after it ("صحفي متخصص في الشؤون ...")."""
MAX_WORDS_BETWEEN_BEAT_AND_ROLE = 1
"""Words allowed between an English beat and the job title after it ("sports news reporter")."""


@dataclass(frozen=True)
class _Lexicons:
    roles: WordLexicon
    beats: PhraseMatcher


@lru_cache(maxsize=1)
def _lexicons() -> _Lexicons:
    """Job titles (single words, any clitic and form) and beat phrases, labelled by topic."""
    roles: list[str] = []
    beats: dict[str, list[str]] = {topic: [] for topic in TOPICS}
    for language in ("ar", "en"):
        for entry in load_lexicon(f"{language}/beat_roles"):
            roles.extend(tokenize(entry).words)
        for entry in load_lexicon(f"{language}/beat_topics"):
            topic, separator, phrase = (part.strip() for part in entry.partition("|"))
            if not separator or topic not in TOPICS or not tokenize(phrase).words:
                raise ValueError(f"bad beat entry {entry!r} in {language}/beat_topics")
            beats[topic].append(phrase)
    # Every word of a role or a beat may carry a clitic, the article or a feminine or plural
    # ending ("محررا", "للشؤون الاقتصادية", "رياضيين"): the language layer reads them all.
    return _Lexicons(WordLexicon(roles, inflect=True), PhraseMatcher(beats, inflect=True))


def _longest_beats(tokens: Tokens, lexicons: _Lexicons) -> dict[int, tuple[int, str]]:
    """Return, per first word, the end word and topic of the longest beat phrase there."""
    longest: dict[int, tuple[int, str]] = {}
    for match in lexicons.beats.find_all(tokens):
        best = longest.get(match.first_token)
        if best is None or match.end_token > best[0]:
            longest[match.first_token] = (match.end_token, match.label)
    return longest


def beat_from_bio(bio: str) -> tuple[str | None, Span | None]:
    """Return the author's beat named in ``bio`` and the span of the beat phrase.

    A beat is a job title or verb followed by a beat word ("كاتب صحفي رياضي", "مراسل الشؤون
    السياسية", "covers technology"), or in English a beat word right before a job title
    ("sports reporter", "health correspondent"). The first such phrase in the bio wins.

    Returns:
        ``(topic, span)`` with ``span`` offsets into ``bio``, or ``(None, None)``.
    """
    if not bio or not bio.strip():
        return None, None
    lexicons = _lexicons()
    tokens = tokenize(bio)
    words = tokens.words
    is_role = [word in lexicons.roles for word in words]
    beats = _longest_beats(tokens, lexicons)
    position = 0
    while position < len(words):
        found = beats.get(position) if not is_role[position] else None
        if found is None:
            position += 1
            continue
        end, topic = found
        first_word = _role_before(is_role, position)
        last_word = end - 1
        if first_word is None and words[position].isascii():
            role_after = next(
                (
                    index
                    for index in range(
                        end, min(end + MAX_WORDS_BETWEEN_BEAT_AND_ROLE + 1, len(words))
                    )
                    if is_role[index] and words[index].isascii()
                ),
                None,
            )
            if role_after is not None:
                first_word, last_word = position, role_after
        if first_word is not None:
            start, stop = tokens.span(first_word, last_word + 1)
            return topic, Span(start, stop)
        position = end
    return None, None


def _role_before(is_role: list[bool], position: int) -> int | None:
    """Return the first word of the job-title run that ends shortly before ``position``."""
    nearest = next(
        (
            index
            for index in range(
                position - 1, max(-1, position - MAX_WORDS_BETWEEN_ROLE_AND_BEAT - 2), -1
            )
            if is_role[index]
        ),
        None,
    )
    if nearest is None:
        return None
    # Take in the titles just before it ("كاتب صحفي", "صحفي متخصص").
    while nearest > 0 and is_role[nearest - 1]:
        nearest -= 1
    return nearest


def article_topic_text(doc: Document) -> str:
    """Return the normalised title and content blocks of ``doc`` (no byline, bio or chrome).

    Slices the document's cached normalised body, so no text is normalised twice.
    """
    pieces = [normalize_for_matching(doc.title)] if doc.title else []
    text = doc.normalized.text
    size = len(pieces[0]) if pieces else 0
    for block, (low, high) in zip(doc.blocks, doc.normalized_block_ranges, strict=True):
        if block.kind not in CONTENT_KINDS:
            continue
        pieces.append(text[low:high])
        size += high - low
        if size >= MAX_CLASSIFIED_CHARS:
            break
    return "\n".join(pieces)


def _anchor(doc: Document) -> tuple[EvidenceField, int, int, str]:
    """Return where evidence about the author as a whole points: byline, title or body."""
    if doc.author_span is not None:
        span = doc.author_span
        return "body", span.start, span.end, doc.body[span.start : span.end]
    if doc.title:
        return "title", 0, len(doc.title), doc.title
    block = doc.content_blocks[0] if doc.content_blocks else None
    start, end = (block.start, block.end) if block else (0, len(doc.body))
    return "body", start, end, doc.body[start:end]


@dataclass(frozen=True)
class _History:
    articles: float
    topic_share: float
    distinct_topics: float
    articles_per_day: float
    score: float
    reason: str | None


def _history(profile: AuthorProfile | None, top_topic: str, top_probability: float) -> _History:
    """Read the author's stored history against the article's top topic.

    Only a person's history scores: agencies and newsroom desks cover every beat by design.
    """
    if profile is None:
        return _History(0.0, 1.0, 0.0, 0.0, 0.0, None)
    counts = {topic: max(0, int(profile.topic_counts.get(topic, 0))) for topic in TOPICS}
    classified = sum(counts.values())
    distinct = float(sum(1 for count in counts.values() if count > 0))
    if classified < MIN_HISTORY_ARTICLES:
        return _History(
            float(profile.article_count), 1.0, distinct, float(profile.articles_per_day), 0.0, None
        )
    share = counts[top_topic] / classified
    dominant = max(TOPICS, key=lambda topic: counts[topic])
    score = 0.0
    reason = None
    scores = (
        profile.kind == "person"
        and dominant != top_topic
        and share <= RARE_TOPIC_SHARE
        and top_probability >= CONFIDENT_TOPIC
    )
    if scores:
        score = max(0.0, counts[dominant] / classified - share)
        reason = (
            f"author usually writes about {dominant} ({counts[dominant]} of {classified} "
            f"articles) but this article is about {top_topic} (p={top_probability:.2f}); "
            f"{counts[top_topic]} of {classified} earlier articles are about {top_topic}"
        )
    return _History(
        float(profile.article_count),
        share,
        distinct,
        float(profile.articles_per_day),
        score,
        reason,
    )


class BeatSignal(Signal):
    """Author's beat (bio, history) against the article's topic."""

    name = "beat"
    version = "1"
    feature_names: tuple[str, ...] = (
        *(f"beat.topic_{topic}" for topic in TOPICS),
        "beat.bio_present",
        "beat.bio_beat_known",
        "beat.agreement",
        "beat.mismatch",
        "beat.history_articles",
        "beat.history_topic_share",
        "beat.history_distinct_topics",
        "beat.articles_per_day",
    )

    def __init__(self, classifier: TopicClassifier | None = None) -> None:
        """Use ``classifier`` or the default topic bundle (loaded once per process)."""
        self._classifier = classifier or default_topic_classifier()

    def extract(self, doc: Document, context: SignalContext) -> SignalResult:
        """Compare the author's beat and history with the article's topic distribution.

        Score: the larger of the bio part, ``1 - p(beat) / p(top topic)`` (0 when the beat is
        the article's most likely topic), and the history part, the author's share of their
        main topic minus their share of this article's topic, when that topic is one the
        author (almost) never covers (see :data:`RARE_TOPIC_SHARE`), else 0.
        """
        probabilities = self._classifier.probabilities_of_normalized(
            article_topic_text(doc), doc.language
        )
        top_index = int(np.argmax(probabilities))
        top_topic, top_probability = TOPICS[top_index], float(probabilities[top_index])
        features: dict[str, float] = {
            f"beat.topic_{topic}": float(value)
            for topic, value in zip(TOPICS, probabilities, strict=True)
        }
        evidence: list[Evidence] = []

        bio = doc.author_bio or ""
        beat, beat_span = beat_from_bio(bio)
        beat_source = "the bio"
        profile = (
            context.memory.author_profile(doc.author, exclude_id=doc.id)
            if context.memory is not None and doc.author
            else None
        )
        if beat is None and profile is not None and profile.bio:
            beat, _ = beat_from_bio(profile.bio)
            beat_source, beat_span = "the stored author bio", None

        bio_score = 0.0
        agreement = 1.0
        if beat is not None:
            agreement = float(probabilities[TOPICS.index(beat)])
            bio_score = 1.0 - agreement / top_probability
            if bio_score >= EVIDENCE_MIN_SCORE:
                reason = (
                    f"author's beat is {beat} (from {beat_source}) but the article is about "
                    f"{top_topic} (p={top_probability:.2f})"
                )
                evidence.append(self._beat_evidence(doc, beat_span, reason))
        features["beat.bio_present"] = 1.0 if bio.strip() else 0.0
        features["beat.bio_beat_known"] = 1.0 if beat is not None else 0.0
        features["beat.agreement"] = agreement
        features["beat.mismatch"] = 1.0 - agreement if beat is not None else 0.0

        history = _history(profile, top_topic, top_probability)
        features["beat.history_articles"] = history.articles
        features["beat.history_topic_share"] = history.topic_share
        features["beat.history_distinct_topics"] = history.distinct_topics
        features["beat.articles_per_day"] = history.articles_per_day
        if history.reason is not None and history.score >= EVIDENCE_MIN_SCORE:
            field, start, end, text = _anchor(doc)
            evidence.append(Evidence(start, end, text, history.reason, field=field))

        return self.result(max(bio_score, history.score), features, evidence)

    @staticmethod
    def _beat_evidence(doc: Document, beat_span: Span | None, reason: str) -> Evidence:
        if beat_span is None or doc.author_bio is None:
            field, start, end, text = _anchor(doc)
            return Evidence(start, end, text, reason, field=field)
        offset = doc.bio_span.start if doc.bio_span is not None else 0
        text = doc.author_bio[beat_span.start : beat_span.end]
        return Evidence(
            offset + beat_span.start,
            offset + beat_span.end,
            text,
            reason,
            field=doc.bio_field,
        )
