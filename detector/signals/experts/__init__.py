"""Unsourced experts: who an article quotes, and whether a reader could check them.

Content farms lean on speakers nobody can look up: "الدكتور سامي العتيبي، خبير الشؤون
الاستراتيجية", "Dr. Emily Carter, a renowned economist", "مصادر مطلعة", "experts say".
Wire copy quotes a named minister, a ministry statement or an analyst at a named bank.

The signal finds attributions in the article's prose (reporting verbs such as قال / أكد /
said / warned and phrases such as وفقا لـ / بحسب / according to), takes the speaker phrase
next to each one (after the cue in Arabic and in inverted English, before it otherwise) and
classifies the speaker:

* ``sourced``: an institution or office (وزارة, جامعة, "minister", "at Goldman Sachs"), a
  document or platform ("في بيان", "in a statement", "in a post on X") or a named outlet;
* ``expert``: an expert title (الدكتور, الخبير, المحلل, "Dr.", "analyst") with a full name
  and no institution;
* ``weak``: an expert title with a first name only or no name, or "أحد الخبراء" /
  "one expert"; counted among the unsourced experts as well;
* ``anonymous``: "مصدر مطلع", "خبراء", "يرى مراقبون", "sources said", "experts say";
* ``other``: a person named in full with no title (an ordinary quote).

A later mention of a speaker already seen ("وأضاف العتيبي", "Carter said") takes that
speaker's class and adds no new evidence; a bare "وأضاف أن" / "he said" is not counted.

Real farm pages phrase these speakers in ways a reporting verb alone misses, so the
speaker phrase also reads a genitive field after an indefinite title ("محلل الطقس عقيل
العقيل", "خبير الهجرة والعمالة"), titles after the name ("X، الخبير في مجال الطقس
يطلق"), quoted names ("توقع "فلان" خبير المناخ"), feminine titles and adjectives, plural
groups and reports before or after the verb ("المحللين الاقتصاديين يؤكدون", "تشير
التقارير"), and headlines for unnamed groups. :func:`find_unnamed_mentions` adds what needs
no verb at all: "تحذير الخبراء", "بعض التقارير", vox-pops ("فاطمة أحمد، طالبة مصرية"),
a bot's persona name above an "AI 🤖" marker, first-person credentials and source lines that
name no outlet. An unnamed source beside on-record sourced speakers (wire practice) is
counted but not shown.
"""

from __future__ import annotations

from mizan.detector.signals.experts.attributions import find_attributions
from mizan.detector.signals.experts.categories import (
    REASON_CREDENTIAL,
    REASON_CREDIT,
    REASON_PERSONA,
    REASON_VOX_POP,
    REASONS,
    UNSOURCED_CATEGORIES,
    Attribution,
    Category,
)
from mizan.detector.signals.experts.mentions import find_unnamed_mentions
from mizan.detector.signals.experts.signal import ExpertsSignal

__all__ = [
    "Attribution",
    "Category",
    "ExpertsSignal",
    "REASONS",
    "REASON_CREDENTIAL",
    "REASON_CREDIT",
    "REASON_PERSONA",
    "REASON_VOX_POP",
    "UNSOURCED_CATEGORIES",
    "find_attributions",
    "find_unnamed_mentions",
]
