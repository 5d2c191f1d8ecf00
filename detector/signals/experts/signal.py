"""The experts signal: counts and evidence from the article's attributions and mentions."""

from __future__ import annotations

from functools import lru_cache

from mizan.detector.article import Document
from mizan.detector.signals.base import Evidence, Signal, SignalContext, SignalResult
from mizan.detector.signals.experts.attributions import find_attributions
from mizan.detector.signals.experts.categories import REASONS, UNSOURCED_CATEGORIES, Attribution
from mizan.detector.signals.experts.mentions import find_unnamed_mentions
from mizan.detector.signals.experts.words import _WORD, _prose_blocks, _word_forms
from mizan.detector.text import normalize_for_matching

_SOURCE_WORDS = frozenset({"مصدر", "مصادر", "source", "sources"})


def _is_source_mention(attribution: Attribution, any_category: bool = False) -> bool:
    """Whether an anonymous attribution (or any, with ``any_category``) names "a source"."""
    if attribution.category != "anonymous" and not any_category:
        return False
    return _names_a_source(attribution.text)


@lru_cache(maxsize=4096)
def _names_a_source(text: str) -> bool:
    """Whether a speaker phrase holds "مصدر" / "مصادر" / "source(s)", clitics allowed."""
    words = _WORD.findall(normalize_for_matching(text))
    return any(form in _SOURCE_WORDS for word in words for form in _word_forms(word))


class ExpertsSignal(Signal):
    """Unsourced experts and anonymous sources carrying an article.

    Score: ``unsourced_share * (1 - 0.5 ** distinct_unsourced)``, where ``unsourced_share``
    is (unsourced expert + anonymous attributions) / all attributions and
    ``distinct_unsourced`` counts different unsourced speaker phrases shown as evidence (a
    named one once; each claim on an unnamed group is shown, but counted once per phrase).
    One unsourced expert and nothing else gives 0.5, three give 0.875; a wire story that
    quotes a named minister and a ministry statement gives 0.

    Features: ``attribution_count`` (attributions with an identified speaker),
    ``sourced_count``, ``unsourced_expert_count`` (titled experts with no affiliation,
    first-name-only ones included), ``weak_name_count`` (those with a first name or no
    name), ``anonymous_count``, ``other_count`` (named people without a title),
    ``distinct_unsourced_count``, ``unsourced_share``, ``title_only_share`` (unsourced
    experts among attributions whose speaker carries an expert title) and
    ``quotes_per_1000_words``.
    """

    name = "experts"
    version = "2"
    feature_names = (
        "experts.attribution_count",
        "experts.sourced_count",
        "experts.unsourced_expert_count",
        "experts.weak_name_count",
        "experts.anonymous_count",
        "experts.other_count",
        "experts.distinct_unsourced_count",
        "experts.unsourced_share",
        "experts.title_only_share",
        "experts.quotes_per_1000_words",
    )

    def extract(self, doc: Document, context: SignalContext) -> SignalResult:
        """Find attributions, classify their speakers and score the unsourced share."""
        blocks = _prose_blocks(doc)
        attributions = find_attributions(doc, blocks)
        attributions += find_unnamed_mentions(doc, attributions, blocks)
        counts = dict.fromkeys(("sourced", "expert", "weak", "anonymous", "other"), 0)
        for attribution in attributions:
            counts[attribution.category] += 1
        total = len(attributions)
        unsourced_experts = counts["expert"] + counts["weak"]
        unsourced = unsourced_experts + counts["anonymous"]
        titled = sum(1 for attribution in attributions if attribution.titled)
        titled_unsourced = sum(
            1
            for attribution in attributions
            if attribution.titled and attribution.category in ("expert", "weak")
        )

        evidence: list[Evidence] = []
        seen: set[str] = set()
        # Wire practice: an unnamed source beside on-record, sourced speakers ("a source close
        # to the minister" in a report quoting the ministry) is counted but not shown.
        on_record = sum(
            1
            for item in attributions
            if item.category == "sourced" and not _is_source_mention(item, any_category=True)
        )
        vouched = on_record > 0 and on_record >= sum(map(_is_source_mention, attributions))
        for attribution in attributions:
            if attribution.repeat or attribution.category not in UNSOURCED_CATEGORIES:
                continue
            if vouched and _is_source_mention(attribution):
                continue
            key = normalize_for_matching(attribution.text)
            # Each claim put on "البعض" / "experts" is shown; a named speaker only once.
            if key in seen and attribution.category != "anonymous":
                continue
            seen.add(key)
            evidence.append(
                Evidence(
                    start=attribution.start,
                    end=attribution.end,
                    text=attribution.text,
                    reason=attribution.reason or REASONS[attribution.category],
                )
            )
        evidence.sort(key=lambda item: item.start)

        share = unsourced / total if total else 0.0
        score = share * (1.0 - 0.5 ** len(seen))
        word_count = doc.word_count
        features = {
            "experts.attribution_count": float(total),
            "experts.sourced_count": float(counts["sourced"]),
            "experts.unsourced_expert_count": float(unsourced_experts),
            "experts.weak_name_count": float(counts["weak"]),
            "experts.anonymous_count": float(counts["anonymous"]),
            "experts.other_count": float(counts["other"]),
            "experts.distinct_unsourced_count": float(len(seen)),
            "experts.unsourced_share": share,
            "experts.title_only_share": titled_unsourced / titled if titled else 0.0,
            "experts.quotes_per_1000_words": 1000.0 * total / word_count if word_count else 0.0,
        }
        return self.result(score, features, evidence)
