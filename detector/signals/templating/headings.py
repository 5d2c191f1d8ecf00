"""Headings and the title: keyword-stuffed, formula and focus-keyword headings, title echoes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from mizan.detector.article import Block, Document
from mizan.detector.language import lemma_key
from mizan.detector.lexicons import load_lexicon
from mizan.detector.signals.base import Evidence
from mizan.detector.signals.templating.layout import _PROSE_KINDS, _evidence, _Layout, _word_offsets
from mizan.detector.signals.templating.phrases import (
    _ARABIC_PROCLITICS,
    ENGAGEMENT_CALL,
    TEMPLATE_HEADING,
    PhraseMatcher,
    Tokens,
    heading_formula_matcher,
    lexicon_matcher,
    tokenize,
)
from mizan.detector.text import Span, normalize_for_matching

STUFFED_HEADING_MIN_KEYWORDS = 2
"""A heading repeating at least this many distinct title keywords is keyword-stuffed."""

TITLE_REPEAT_MIN_WORDS = 3
"""Titles shorter than this (in words) are not searched for in the prose."""

NEAR_COPY_WORDS = 4
"""A heading opening with the title's first this many words is a copy of it (page chrome)."""

LINE_HEADING_MAX_WORDS = 12
"""A line ending in "?" or ":" of at most this many words reads as a section heading."""

LINE_HEADING_MAX_CHARS = 120
"""... and of at most this many characters."""

TEMPLATED_PAGE_MIN_STUFFED = 2
"""Stuffed headings from which a page shows its template (one is often a caption).

One under the first paragraph still lets the page's layout repetition count as evidence.
"""

URL_SLUG_MAX_WORDS = 16
"""Words of a URL slug read as the page's keywords (slugs are short; ids are not words)."""

IMPLIED_TITLE_MIN_ECHOES = 1
"""A leading heading is taken as the headline only when this many other headings echo it."""

IMPLIED_TITLE_CANDIDATES = 6
"""Without a title field, this many leading headings are tried as the page's headline."""

STANDFIRST_MIN_WORDS = 6
"""A heading-shaped line this long between the headline and the text is a standfirst."""

FOCUS_KEYWORD_MIN_COUNT = 3
"""A pair of content words the prose repeats this often is the page's focus keyword."""

# Words of a photo caption line ("صورة أرشيفية", "file photo"): not a section heading.
_CAPTION_WORDS = frozenset({"صوره", "ارشيفيه", "photo", "pictured", "image", "عدسه"})
_HEADING_END = frozenset("?؟:：")
_ARABIC_ARTICLE_PREFIXES = ("وبال", "وال", "فال", "بال", "كال", "لل", "ال")
# Separators of breadcrumbs and share lines ("الرئيسية > اقتصاد > ...", "شارك: ...").
_CHROME_SEPARATOR = re.compile(r"[>›»|/:：]")
HEADLINE_COPY_REASON = "headline printed again as its own line"
HEADLINE_IN_TEXT_REASON = "headline repeated word for word in the text"


@lru_cache(maxsize=1)
def title_stopwords() -> frozenset[str]:
    """Return normalised Arabic and English stopwords ignored among title keywords."""
    entries = load_lexicon("ar/templating_stopwords") + load_lexicon("en/templating_stopwords")
    return frozenset(normalize_for_matching(entry) for entry in entries)


def keyword_forms(word: str) -> frozenset[str]:
    """Return the forms a keyword may take: itself, without و, without the Arabic article, -s."""
    forms = {word}
    if len(word) > 3 and word[0] in _ARABIC_PROCLITICS:
        forms.add(word[1:])
    for form in list(forms):
        for prefix in _ARABIC_ARTICLE_PREFIXES:
            if form.startswith(prefix) and len(form) - len(prefix) >= 2:
                forms.add(form[len(prefix) :])
                break
        if form.isascii() and len(form) > 3 and form.endswith("s"):
            forms.add(form[:-1])
    return frozenset(forms)


def url_slug_words(url: str | None) -> list[str]:
    """Return the normalised words of the last path segment of ``url`` with letters in it."""
    if not url:
        return []
    path = unquote(urlsplit(url).path)
    segment = next((part for part in reversed(path.split("/")) if part.strip()), "")
    segment = segment.rsplit(".", 1)[0] if segment.endswith((".html", ".htm", ".php")) else segment
    words = tokenize(normalize_for_matching(segment.replace("-", " ").replace("_", " "))).words
    return [word for word in words[:URL_SLUG_MAX_WORDS] if not word.isdigit()]


def _content_words(title_words: Iterable[str], stopwords: frozenset[str]) -> list[str]:
    """Return a title's content words once each, in order (no stopword, digits or single letter)."""
    words: list[str] = []
    seen: set[str] = set()
    for word in title_words:
        bare = word[1:] if len(word) > 2 and word[0] in _ARABIC_PROCLITICS else word
        if word in stopwords or bare in stopwords or word.isdigit() or len(word) < 2:
            continue
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def title_keyword_pairs(
    title_words: Iterable[str],
) -> list[tuple[frozenset[str], str]]:
    """Return ``(forms, word)`` for the content words of a title, as :func:`title_keywords`."""
    return [(keyword_forms(word), word) for word in _content_words(title_words, title_stopwords())]


def title_keywords(title_words: Iterable[str], stopwords: frozenset[str]) -> list[frozenset[str]]:
    """Return the content words of a title (normalised), each as its set of forms."""
    return [keyword_forms(word) for word in _content_words(title_words, stopwords)]


def doc_heading_starts(doc: Document) -> frozenset[int]:
    """Return the start offsets of the page parser's heading blocks."""
    return frozenset(block.start for block in doc.headings)


def section_headings(layout: _Layout) -> list[Block]:
    """Return the heading blocks plus the short lines that read as headings on pasted pages.

    A line of at most :data:`LINE_HEADING_MAX_WORDS` words ending in "?", "؟" or ":"
    followed by more text ("لماذا الدينار الكويتي هو الأقوى؟") is a section heading there
    even though the page parser keeps it as a paragraph for its end punctuation.
    """
    if layout.section_headings is not None:
        return layout.section_headings
    doc = layout.doc
    blocks = doc.blocks
    found: list[Block] = []
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            found.append(block)
        elif (
            block.kind == "paragraph"
            and index + 1 < len(blocks)
            and block.end - block.start <= LINE_HEADING_MAX_CHARS
            and doc.body[block.start : block.end].rstrip()[-1:] in _HEADING_END
            and len(layout.words_in(block.start, block.end)) <= LINE_HEADING_MAX_WORDS
        ):
            found.append(block)
    layout.section_headings = found
    return found


def implied_title(
    layout: _Layout, stopwords: frozenset[str]
) -> tuple[Block | None, list[frozenset[str]]]:
    """Return the heading that reads as the headline of a page sent without a title.

    Among the first :data:`IMPLIED_TITLE_CANDIDATES` headings of at least
    :data:`TITLE_REPEAT_MIN_WORDS` words, the one whose keywords the most other headings
    repeat (the earliest on a tie); ``(None, [])`` when there is none. Linear: a bounded
    number of candidates, each compared with every heading once.
    """
    headings = section_headings(layout)
    heading_words = [layout.words_in(heading.start, heading.end) for heading in headings]
    best: tuple[Block | None, list[frozenset[str]]] = (None, [])
    best_echoes = -1
    candidates = 0
    for index, words in enumerate(heading_words):
        if candidates >= IMPLIED_TITLE_CANDIDATES:
            break
        if len(words) < TITLE_REPEAT_MIN_WORDS:
            continue
        candidates += 1
        keywords = title_keywords(words, stopwords)
        if len(keywords) < STUFFED_HEADING_MIN_KEYWORDS:
            continue
        echoes = sum(
            1
            for other, other_words in enumerate(heading_words)
            if other != index
            and tuple(other_words) != tuple(words)
            and repeated_keywords(keywords, other_words) >= STUFFED_HEADING_MIN_KEYWORDS
        )
        if echoes > best_echoes:
            best, best_echoes = (headings[index], keywords), echoes
    if best_echoes < IMPLIED_TITLE_MIN_ECHOES:
        return None, []
    return best


def repeated_keywords(keywords: Sequence[frozenset[str]], words: Iterable[str]) -> int:
    """Return how many of ``keywords`` occur (in any form) among ``words``."""
    present: set[str] = set()
    for word in set(words):
        present |= keyword_forms(word)
        present.add(lemma_key(word))
    return sum(1 for forms in keywords if forms & present)


HEADLINE_MISMATCH_PROSE_WORDS = 200
"""Words of the text's opening searched for the headline's keywords."""

HEADLINE_MISMATCH_MIN_KEYWORDS = 4
"""A headline needs this many keywords before its absence from the text is read as a mismatch."""


def _headline_mismatch(
    layout: _Layout, keywords: Sequence[frozenset[str]], span: Span
) -> Evidence | None:
    """Return evidence on a headline of which at most one keyword occurs in the prose.

    A generic SEO headline ("a revolution in technology") over a text about something else
    shares almost no word with it; a news headline shares most of its words with the lead.
    """
    if len(keywords) < HEADLINE_MISMATCH_MIN_KEYWORDS:
        return None
    doc = layout.doc
    prose: list[str] = []
    for block in doc.blocks:
        if block.kind in _PROSE_KINDS:
            prose += layout.words_in(block.start, block.end)
            if len(prose) >= HEADLINE_MISMATCH_PROSE_WORDS:
                break  # a headline's words are in the lead if anywhere
    if len(prose) < 50:
        return None  # too little text to say what it is about
    shared = repeated_keywords(keywords, prose)
    if shared > 1:
        return None
    return Evidence(
        span.start,
        span.end,
        doc.body[span.start : span.end],
        f"headline of which {shared} of {len(keywords)} keywords occur in the text",
    )


def _pair_key(word: str) -> str:
    """Return a normalised word without a leading article ("الدينار" and "والدينار" agree)."""
    if word.startswith("وال"):
        return word[3:]
    return word[2:] if word.startswith("ال") else word


def _pair_keys(words: Iterable[str], stopwords: frozenset[str]) -> list[str]:
    """Return the pair keys of the words of ``words`` that can be keywords, in order."""
    return [
        _pair_key(word)
        for word in words
        if word not in stopwords and not word.isdigit() and len(word) > 2
    ]


def _holds_run(words: Sequence[str], run: Sequence[str]) -> bool:
    """Whether ``run`` (of three words or more) occurs as consecutive items of ``words``."""
    size = len(run)
    if size < TITLE_REPEAT_MIN_WORDS or size > len(words):
        return False
    first = run[0]
    return any(
        words[index] == first and tuple(words[index : index + size]) == tuple(run)
        for index in range(len(words) - size + 1)
    )


def find_formula_headings(layout: _Layout) -> list[Evidence]:
    """Return section headings that open with a stock SEO formula ("نبذة تاريخية عن")."""
    doc = layout.doc
    headings = section_headings(layout)
    if len(headings) < TEMPLATED_PAGE_MIN_STUFFED:
        return []  # one heading is a caption or a standfirst, not a template
    title_starts = {block.start for block in doc.title_lines}
    found: list[Evidence] = []
    for heading in headings:
        if heading.start in title_starts:
            continue
        words = layout.words_in(heading.start, heading.end)
        if not words:
            continue
        tokens = Tokens(" ".join(words), words, *_word_offsets(words))
        matches = heading_formula_matcher().find(tokens)
        if matches and matches[0].first_token == 0:
            reason = f"{TEMPLATE_HEADING}: {matches[0].phrase!r}"
            found.append(Evidence(heading.start, heading.end, doc.block_text(heading), reason))
    return found


def find_focus_headings(layout: _Layout, shown: set[int]) -> list[Evidence]:
    """Return headings holding the page's focus keyword (a word pair the prose repeats)."""
    doc = layout.doc
    title_starts = {block.start for block in doc.title_lines}
    headings = [
        heading
        for heading in section_headings(layout)
        if heading.start not in shown and heading.start not in title_starts
    ]
    if not headings:
        return []
    stopwords = title_stopwords()
    heading_words = [tuple(layout.words_in(block.start, block.end)) for block in headings]
    copies = Counter(heading_words)
    # The word pairs of the headings that may show the focus keyword: only they are counted.
    candidates: list[tuple[Block, list[tuple[str, str]]]] = []
    for heading, heading_key in zip(headings, heading_words, strict=True):
        if copies[heading_key] > 1 or not _CAPTION_WORDS.isdisjoint(heading_key):
            continue
        heading_keys = _pair_keys(heading_key, stopwords)
        heading_pairs = list(zip(heading_keys, heading_keys[1:], strict=False))
        if heading_pairs:
            candidates.append((heading, heading_pairs))
    if not candidates:
        return []
    wanted = {pair for _, heading_pairs in candidates for pair in heading_pairs}
    # Every word whose pair key is a word of a wanted pair: a block without one holds none.
    forms = {form for pair in wanted for key in pair for form in (key, "ال" + key, "وال" + key)}
    pairs: Counter[tuple[str, str]] = Counter()
    for block in doc.blocks:
        if block.kind not in _PROSE_KINDS:
            continue
        words = layout.words_in(block.start, block.end)
        if forms.isdisjoint(words):
            continue
        keys = _pair_keys(words, stopwords)
        pairs.update(zip(keys, keys[1:], strict=False))
    focus = {pair for pair in wanted if pairs[pair] >= FOCUS_KEYWORD_MIN_COUNT}
    if not focus:
        return []
    found: list[Evidence] = []
    for heading, heading_pairs in candidates:
        pair = next((pair for pair in heading_pairs if pair in focus), None)
        if pair is not None:
            reason = f"heading repeats the page's focus keyword {' '.join(pair)!r}"
            found.append(Evidence(heading.start, heading.end, doc.block_text(heading), reason))
    return found


def find_headline_copies(doc: Document, chrome: frozenset[int] = frozenset()) -> list[Evidence]:
    """Return the lines that print the headline, when it stands on the page twice or more.

    Lines starting at an offset of ``chrome`` (lines printed again as part of a masthead or
    menu) do not count as copies.
    """
    lines = [block for block in doc.title_lines if block.start not in chrome]
    if len(lines) < 2:
        return []
    return [
        Evidence(block.start, block.end, doc.block_text(block), HEADLINE_COPY_REASON)
        for block in lines
    ]


def find_title_phrases(doc: Document) -> list[Evidence]:
    """Return stock phrases in the title field (when it is not part of the body)."""
    if not doc.title or doc.title_span is not None:
        return []
    title = doc.normalized_title
    return [
        _evidence(title, match.start, match.end, f"{match.label}: {match.phrase!r}", "title")
        for match in lexicon_matcher().find(tokenize(title.text))
        if match.label != ENGAGEMENT_CALL
    ]


def find_stuffed_headings(layout: _Layout) -> tuple[list[Evidence], list[Evidence]]:
    """Return the stuffed headings and, for a page without a title, its implied headline."""
    doc = layout.doc
    headings = section_headings(layout)
    if not headings:
        return [], []
    stopwords = title_stopwords()
    title_heading: Block | None = None
    copy_at = len(headings) + 1_000_000  # keywords from which a heading is the headline
    implied_span = doc.implied_title_span
    if doc.title:
        keywords = title_keywords(tokenize(normalize_for_matching(doc.title)).words, stopwords)
        title_words = tuple(tokenize(normalize_for_matching(doc.title)).words)
    elif doc.implied_title and implied_span is not None:
        # The headline the parser found at the top of a body sent without a title.
        title_words = tuple(layout.words_in(implied_span.start, implied_span.end))
        keywords = title_keywords(title_words, stopwords)
        title_heading = next(
            (block for block in headings if block.start <= implied_span.start < block.end),
            None,
        )
    else:
        title_heading, keywords = implied_title(layout, stopwords)
        title_words = (
            tuple(layout.words_in(title_heading.start, title_heading.end))
            if title_heading is not None
            else ()
        )
        if title_heading is None:
            # No headline among the headings: the URL slug names the page's keywords.
            slug_words = url_slug_words(doc.url)
            keywords = [
                forms | {lemma_key(word)} for forms, word in title_keyword_pairs(slug_words)
            ]
            # The slug spells the headline: a heading holding nearly all of it is that.
            copy_at = max(STUFFED_HEADING_MIN_KEYWORDS + 1, round(0.75 * len(keywords)))
    if len(keywords) < STUFFED_HEADING_MIN_KEYWORDS:
        return [], []
    stuffed: list[Evidence] = []
    first_prose = next(
        (block.start for block in doc.blocks if block.kind in _PROSE_KINDS), len(doc.body)
    )
    all_words = [tuple(layout.words_in(block.start, block.end)) for block in headings]
    copies = Counter(all_words)
    for heading, words in zip(headings, all_words, strict=True):
        if (
            heading is title_heading
            or words == title_words
            or copies[words] > 1
            or not _CAPTION_WORDS.isdisjoint(words)
        ):
            # Copies of the headline or of one another are page chrome, not stuffing.
            continue
        if (
            len(title_words) > NEAR_COPY_WORDS
            and words[:NEAR_COPY_WORDS] == (title_words[:NEAR_COPY_WORDS])
        ):
            continue  # the headline again with a different ending: page chrome
        if _holds_run(words, title_words) and (
            len(title_words) > NEAR_COPY_WORDS or _CHROME_SEPARATOR.search(doc.block_text(heading))
        ):
            continue  # a breadcrumb or share line carrying the whole headline: chrome
        if title_words and heading.start < first_prose and len(words) >= STANDFIRST_MIN_WORDS:
            continue  # a standfirst under the headline, above the text: wire style
        repeated = repeated_keywords(keywords, words)
        # Above all prose, a heading holding nearly all of the slug is the headline; below
        # the first paragraph only one holding all of it is (a ticker may sit above it).
        limit = copy_at if heading.start < first_prose else max(copy_at, len(keywords))
        if STUFFED_HEADING_MIN_KEYWORDS <= repeated < limit:
            stuffed.append(
                Evidence(
                    heading.start,
                    heading.end,
                    doc.block_text(heading),
                    f"heading repeats {repeated} keywords of the title",
                )
            )
    if not stuffed and implied_span is not None and not doc.title:
        mismatch = _headline_mismatch(layout, keywords, implied_span)
        if mismatch is not None:
            return [], [mismatch]
    if stuffed and title_heading is not None:
        headline = Evidence(
            title_heading.start,
            title_heading.end,
            doc.block_text(title_heading),
            f"headline whose keywords {len(stuffed)} headings repeat",
        )
        return stuffed, [headline]
    return stuffed, []


def find_headline_in_text(layout: _Layout) -> list[Evidence]:
    """Return the implied headline of a page sent without a title, repeated in its prose.

    The counterpart of :func:`find_title_repeats` for the headline the parser found at the
    top of the body: its words again, word for word, inside a paragraph ("أعلن" followed by
    the whole headline). A line that is the headline alone is a headline copy, not prose
    repeating it.
    """
    doc = layout.doc
    span = doc.implied_title_span
    if doc.title or span is None:
        return []
    headline = normalize_for_matching(doc.implied_title)
    words = tokenize(headline).words
    if len(words) < TITLE_REPEAT_MIN_WORDS:
        return []
    repeats: list[Evidence] = []
    for match in PhraseMatcher({"headline": [headline]}).find(layout.tokens):
        block = layout.block_of(match.first_token)
        if (
            block is None
            or block.kind not in _PROSE_KINDS
            or block.start <= span.start < block.end
            or layout.words_in(block.start, block.end) == words
        ):
            continue
        repeats.append(
            _evidence(layout.normalized, match.start, match.end, HEADLINE_IN_TEXT_REASON)
        )
    return repeats


def find_title_repeats(layout: _Layout) -> list[Evidence]:
    """Return the title repeated word for word in the article's prose."""
    title = normalize_for_matching(layout.doc.title)
    if len(tokenize(title).words) < TITLE_REPEAT_MIN_WORDS:
        return []
    repeats: list[Evidence] = []
    for match in PhraseMatcher({"title": [title]}).find(layout.tokens):
        block = layout.block_of(match.first_token)
        if block is not None and block.kind in _PROSE_KINDS:
            repeats.append(
                _evidence(layout.normalized, match.start, match.end, "title repeated in the text")
            )
    return repeats
