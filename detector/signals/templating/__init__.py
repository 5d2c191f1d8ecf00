"""Templating: stock AI and SEO phrasing, keyword-stuffed headings and repeated text.

Content farms and machine-written pages share a shape: stock phrases ("in today's fast-paced
world", "في عالم اليوم المتسارع"), headings that repeat the title's keywords, the title
pasted into the prose, a closing call for comments, duplicated word n-grams and sentences
(the Gopher repetition filters), markdown left over from a chat answer, tables of round
projections for 2030, and whole passages shared with earlier articles of the same outlet.
Every measure is a small named function; the signal combines them into one score.

Layout repetition (the headline printed again, the headline repeated in the lead, a paragraph
restated later) is site chrome or wire style on its own. It is evidence on a page that shows
its template, on one with a section heading under the text that echoes the headline, and on
one where another signal reports a finding: the signal holds it back and the engine settles
it once every signal ran. Features never depend on it.
"""

from __future__ import annotations

from mizan.detector.signals.templating.archive import locate_passage
from mizan.detector.signals.templating.headings import (
    keyword_forms,
    repeated_keywords,
    title_keywords,
    title_stopwords,
)
from mizan.detector.signals.templating.repetition import (
    duplicate_ngram_char_fraction,
    top_ngram_char_fraction,
)
from mizan.detector.signals.templating.residue import is_projection_row, is_round_number
from mizan.detector.signals.templating.signal import TemplatingSignal

__all__ = [
    "TemplatingSignal",
    "duplicate_ngram_char_fraction",
    "is_projection_row",
    "is_round_number",
    "keyword_forms",
    "locate_passage",
    "repeated_keywords",
    "title_keywords",
    "title_stopwords",
    "top_ngram_char_fraction",
]
