"""The page against itself across sentences: a vague yearly amount, a total and its parts.

Two checks that compare a figure in one sentence with figures in another sentence of the
same page, for the same thing:

* a vague yearly amount ("مئات الريالات سنويا", "hundreds of dollars a year") against an
  amount in the same currency stated per month, which, twelve times over, is already
  more than the vague amount can be ("400 ريال شهريا" is 4,800 riyals a year, thousands);
* a total said to cross a figure ("the total deal crosses half a trillion dollars")
  against the page's own list of what it is worth ("a deal worth $110 billion now and
  $350 billion over ten years"), whose sum falls short of it.

The two sentences must share a word (the verb "يوفر" of the saving, the noun "deal" of the
total), which keeps an unrelated monthly wage or another list of figures out. Both checks
add to ``checked`` and ``internal`` only when they fire, so a page where neither fires
keeps its feature values.

Every loop is bounded: at most ``MAX_CLAIMS`` vague amounts or totals per field, each
compared with the field's figures once, and every window is a fixed number of characters.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence

from mizan.detector.signals.statistics.claims import (
    _TOKEN_RE,
    _Field,
    _figure,
    _Findings,
    _Number,
    _plain,
)

MONTHS_PER_YEAR = 12
MAX_CLAIMS = 4
"""At most this many vague amounts (and as many totals) are checked per field."""
TOTAL_TOLERANCE = 0.001
"""Parts may fall short of a stated total by 0.1% plus their written rounding."""
_SENTENCE_CHARS = 300
"""How far a sentence is read either side of a claim (to the nearest full stop or line)."""
_SHARED_WINDOW_TOKENS = 8
"""How many words before a claim name what it is about (the verb, the noun)."""
_PART_GAP = 60

_CURRENCY_FAMILIES: dict[str, frozenset[str]] = {
    "riyal": frozenset({"riyal", "sar", "qar", "omr"}),
    "dirham": frozenset({"dirham", "aed"}),
    "dinar": frozenset({"dinar", "bhd", "kwd", "jod", "iqd"}),
    "dollar": frozenset({"usd"}),
    "euro": frozenset({"eur"}),
    "pound": frozenset({"egp", "gbp"}),
}
_CURRENCY_WORDS = {
    "ريالات": "riyal",
    "دراهم": "dirham",
    "دنانير": "dinar",
    "دولارات": "dollar",
    "جنيهات": "pound",
    "riyals": "riyal",
    "rials": "riyal",
    "dirhams": "dirham",
    "dinars": "dinar",
    "dollars": "dollar",
    "euros": "euro",
    "pounds": "pound",
}
_VAGUE_SCALES = {"عشرات": 100.0, "ميات": 1000.0, "tens": 100.0, "hundreds": 1000.0}
""""Tens of" an amount is under 100 of it, "hundreds of" under 1,000."""

# The patterns below open with their literals: they are matched only where one stands.
_VAGUE_YEARLY_RE = re.compile(
    r"(?P<scale>عشرات|ميات)\s+(?:ال)?(?P<currency>ريالات|دراهم|دنانير|دولارات|جنيهات)"
    r"\s+(?:سنويا|في\s+(?:ال)?(?:سنه|عام)|كل\s+(?:سنه|عام))(?![\w])"
    r"|(?P<scale_en>tens|hundreds)\s+of\s+"
    r"(?P<currency_en>riyals|rials|dirhams|dinars|dollars|euros|pounds)"
    r"\s+(?:(?:a|per|each|every)\s+year|annually|yearly)\b"
)
_VAGUE_LITERALS = ("عشرات", "ميات", "tens", "hundreds")
_MONTHLY_AFTER_RE = re.compile(
    r"\s{0,3}(?:شهريا|في\s+(?:ال)?شهر|كل\s+شهر|(?:a|per|each|every)\s+month\b|monthly\b)(?![\w])"
)
_TOTAL_RE = re.compile(
    r"total\b(?P<subject>[^.\n\d]{0,60}?)\s(?:handily\s+|easily\s+|now\s+)?"
    r"(?:crosses|tops|exceeds|surpasses|passes|is\s+(?:more|over)\s+than|is\s+over)\s+"
    r"|(?:اجمالي|مجموع)(?P<subject_ar>[^.\n\d]{0,60}?)\s"
    r"(?:يتجاوز|تتجاوز|يتخطي|تتخطي|يفوق|تفوق|يزيد\s+عن|تزيد\s+عن|يزيد\s+علي|تزيد\s+علي)\s+"
)
_TOTAL_LITERALS = ("total", "اجمالي", "مجموع")
_HALF_RE = re.compile(
    r"(?:a\s+)?half[-\s](?:a\s+)?(?P<scale>trillion|billion|million)\s+(?P<currency>dollars)\b"
    r"|نصف\s+(?P<scale_ar>تريليون|مليار|مليون)\s+(?P<currency_ar>دولار)(?![\w])"
)
_HALF_SCALES = {
    "trillion": 1e12,
    "billion": 1e9,
    "million": 1e6,
    "تريليون": 1e12,
    "مليار": 1e9,
    "مليون": 1e6,
}
_WORTH_RE = re.compile(
    r"\b(?:worth|valued\s+at|totaling|totalling)\s+|(?<![\w])(?:بقيمه|قيمتها|قيمته)\s+"
)
_JOIN_RE = re.compile(r"(?<![\w])و|،|,|\band\b")
_STOP_WORDS = frozenset(
    {
        *("that", "this", "with", "from", "they", "their", "have", "will", "would", "which"),
        *("than", "more", "about", "question", "handily", "easily", "amount", "value", "some"),
        *("الذي", "التي", "هذا", "هذه", "ذلك", "بينما", "حيث", "قيمه", "اكثر"),
    }
)


def _literal_matches(
    source: _Field, literals: tuple[str, ...], pattern: re.Pattern[str]
) -> Iterator[re.Match[str]]:
    """Yield ``pattern``'s matches at the word-initial occurrences of ``literals``.

    ``pattern`` opens with one of the literals, so trying it only where a literal stands
    (an optional article "ال" before it) finds what a scan of the whole field finds, at
    the cost of the literal search that ``source.holds`` caches. At most ``MAX_CLAIMS``.
    """
    text = source.text
    source.holds(literals, 0, len(text))
    starts, _ends = source.literals[literals]
    found = 0
    previous_end = -1
    for start in starts:
        if start < previous_end:
            continue
        before = start - 2 if text.startswith("ال", start - 2) and start >= 2 else start
        if before > 0 and text[before - 1].isalnum():
            continue
        match = pattern.match(text, start)
        if match is None:
            continue
        yield match
        previous_end = match.end()
        found += 1
        if found >= MAX_CLAIMS:
            return


def _amount(value: float) -> str:
    """Format a large amount in billions or millions ("32 billion"), others as ``_figure``."""
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= scale:
            return f"{value / scale:.4g} {word}"
    return _figure(value)


def _family(unit: str | None) -> str | None:
    """Return the currency family (riyal, dirham, ...) of a mention's unit, or ``None``."""
    if unit is None:
        return None
    return next((name for name, units in _CURRENCY_FAMILIES.items() if unit in units), None)


def _sentence_start(text: str, position: int) -> int:
    """Return where the sentence holding ``position`` starts (a bounded look back)."""
    floor = max(0, position - _SENTENCE_CHARS)
    return max(text.rfind(".", floor, position), text.rfind("\n", floor, position), floor - 1) + 1


def _stems(text: str, start: int, end: int) -> set[str]:
    """Return the last words before ``end`` (from ``start``), cut to a crude stem.

    Arabic words lose a leading "و" / "ف" and the article and keep four letters ("يوفرون"
    and "يوفر" share "يوفر"); English words keep three ("saves", "saving").
    """
    words = _TOKEN_RE.findall(text, start, end)[-_SHARED_WINDOW_TOKENS:]
    stems = set()
    for word in words:
        if word in _STOP_WORDS or word.isdigit():
            continue
        if word.isascii():
            if len(word) >= 4:
                stems.add(word[:3])
            continue
        if word[0] in "وف" and len(word) > 4:
            word = word[1:]
        if word.startswith(("ال", "لل")) and len(word) > 4:
            word = word[2:]
        if len(word) >= 4:
            stems.add(word[:4])
    return stems


def _original(source: _Field, start: int, end: int) -> str:
    """Return the original text of the normalised span ``[start, end)``."""
    original_start, original_end = source.normalized.span(start, end)
    return source.normalized.original[original_start:original_end].strip()


def _check_periods(source: _Field, findings: _Findings) -> None:
    """Flag a monthly amount that contradicts a vague yearly amount for the same thing.

    "يوفر ... مئات الريالات سنويا" (hundreds of riyals a year) and later "يوفرون 400 ريال
    شهريا" (4,800 a year): twelve months of the monthly figure already reach the thousands.
    The monthly figure must be in the same currency family and its sentence must share a
    word stem with the words before the vague amount.
    """
    if not source.has("periods"):
        return
    text = source.text
    claims = []
    for match in _literal_matches(source, _VAGUE_LITERALS, _VAGUE_YEARLY_RE):
        scale = match.group("scale") or match.group("scale_en")
        currency = match.group("currency") or match.group("currency_en")
        claims.append((match, _VAGUE_SCALES[scale], _CURRENCY_WORDS[currency]))
    if not claims:
        return
    monthly = [
        number
        for number in source.numbers
        if _plain(number)
        and _family(number.mention.unit) is not None
        and _MONTHLY_AFTER_RE.match(text, number.end)
    ]
    for match, bound, family in claims:
        about = _stems(text, _sentence_start(text, match.start()), match.start())
        if not about:
            continue
        for number in monthly:
            mention = number.mention
            yearly = mention.value * MONTHS_PER_YEAR
            if _family(mention.unit) != family or yearly < bound:
                continue
            if about.isdisjoint(_stems(text, _sentence_start(text, number.start), number.start)):
                continue
            findings.checked += 1
            findings.internal += 1
            findings.evidence.append(
                source.evidence(
                    number.start,
                    number.end,
                    f"{_figure(mention.value)} a month is {_figure(yearly)} a year "
                    f"({MONTHS_PER_YEAR} x {_figure(mention.value)}), more than the "
                    f"'{_original(source, match.start(), match.end())}' (under "
                    f"{_figure(bound)} a year) the page "
                    "states for the same thing",
                )
            )
            break


def _total_figure(source: _Field, position: int) -> tuple[float, float, str, int] | None:
    """Return (value, rounding, family, end) of the figure a total is said to cross."""
    text = source.text
    index = bisect_left(source.number_starts, position)
    if index < len(source.numbers):
        number = source.numbers[index]
        family = _family(number.mention.unit)
        if number.start - position <= 3 and _plain(number) and family is not None:
            return number.mention.value, number.mention.rounding, family, number.end
    half = _HALF_RE.match(text, position)
    if half is None:
        return None
    scale = half.group("scale") or half.group("scale_ar")
    return 0.5 * _HALF_SCALES[scale], 0.0, "dollar", half.end()


def _parts_lists(source: _Field) -> list[tuple[int, list[_Number]]]:
    """Return (cue start, figures) for every "worth $A ... and $B" list in the field."""
    text = source.text
    lists = []
    for cue in _WORTH_RE.finditer(text):
        index = bisect_left(source.number_starts, cue.end())
        if index >= len(source.numbers) or source.numbers[index].start - cue.end() > 3:
            continue
        first = source.numbers[index]
        family = _family(first.mention.unit)
        if family is None or not _plain(first):
            continue
        parts = [first]
        for number in source.numbers[index + 1 : index + 8]:
            gap_start = parts[-1].end
            gap = text[gap_start : number.start]
            if number.start - gap_start > _PART_GAP or "." in gap or "\n" in gap:
                break
            if not _JOIN_RE.search(gap) or len(_TOKEN_RE.findall(gap)) > 6:
                break
            if not _plain(number) or _family(number.mention.unit) != family:
                break
            parts.append(number)
        if len(parts) >= 2:
            lists.append((cue.start(), parts))
        if len(lists) >= MAX_CLAIMS:
            break
    return lists


def _check_totals(source: _Field, findings: _Findings) -> None:
    """Flag a total said to cross a figure that the page's own parts do not reach.

    "The total deal crosses half a trillion dollars" against "a deal worth $110 billion
    now and $350 billion over ten years" on the same page: the parts add up to $460
    billion. The list must be in the same currency and its sentence must share a word with
    what the total is of ("deal").
    """
    if not source.has("totals") or not source.has("total_verbs"):
        return
    text = source.text
    lists: list[tuple[int, list[_Number]]] | None = None
    for match in _literal_matches(source, _TOTAL_LITERALS, _TOTAL_RE):
        figure = _total_figure(source, match.end())
        if figure is None:
            continue
        value, rounding, family, figure_end = figure
        subject = match.group("subject") or match.group("subject_ar") or ""
        about = _stems(subject, 0, len(subject))
        if not about:
            continue
        if lists is None:
            lists = _parts_lists(source)
        best: Sequence[_Number] | None = None
        for cue_start, parts in lists:
            if _family(parts[0].mention.unit) != family:
                continue
            if about.isdisjoint(_stems(text, _sentence_start(text, cue_start), cue_start)):
                continue
            if best is None or sum(p.mention.value for p in parts) > sum(
                p.mention.value for p in best
            ):
                best = parts
        if best is None:
            continue
        summed = sum(part.mention.value for part in best)
        allowed = value * TOTAL_TOLERANCE + rounding + sum(p.mention.rounding for p in best)
        if summed + allowed >= value:
            continue
        findings.checked += 1
        findings.internal += 1
        listed = " and ".join(f"{_amount(part.mention.value)} {family}s" for part in best)
        findings.evidence.append(
            source.evidence(
                match.start(),
                figure_end,
                f"the page's own parts of this total, {listed}, add up to {_amount(summed)}, "
                f"short of the {_amount(value)} {family}s it is said to cross",
            )
        )
