"""The page's own arithmetic: area shares, changes, parts of a total, phases, wording."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from mizan.detector.reference import (
    country_by_iso2,
)
from mizan.detector.reference.patterns import trie_regex
from mizan.detector.signals.statistics.claims import (
    _SHARE_AFTER_RE,
    _TOKEN_RE,
    AREA_TOLERANCE,
    _clitic_pattern,
    _Field,
    _figure,
    _Findings,
    _measurable,
    _Number,
    _openers,
    _plain,
    _read_csv,
)
from mizan.detector.text import normalize_for_matching

OWN_SHARE_POINTS = 2.0
REFERENCE_SHARE_POINTS = 3.0
REFERENCE_SHARE_RELATIVE = 0.1
_SHARE_LINE_WINDOW = 250
# Opening with the literal (no lookbehind) lets the regex engine skip to its candidates.
_THOUSANDS_OF_YEARS_RE = re.compile(
    r"(?:ال)?الاف\s+(?:ال)?(?:سنوات|سنين|اعوام)(?![\w])|thousands\s+of\s+years\b"
)
_YEAR_AFTER_RE = re.compile(r"[^\d\n]{0,30}?(?:عام|سنه|\bin\b|\byear\b)\s*(\d{3,4})(?!\d)")
_MAJORITY_RE = re.compile(
    r"\bpredominantly\b|\bmainly\s+dependent\b|\blargely\s+dependent\b|\bthe\s+bulk\s+of\b"
    r"|يعتمد\s+(?:بشكل|بصوره)\s+(?:رييسي|اساسي|شبه\s+كامل)|(?<![\w])(?:غالبيه|اغلبيه)(?![\w])"
)
_THOUSANDS_OF_YEARS_LITERALS = ("الاف", "thousands")
_MAJORITY_LITERALS = ("predominantly", "mainly", "largely", "bulk", "يعتمد", "غالبيه", "اغلبيه")
_CONSTITUTE_RE = re.compile(
    r"\b(?:constitutes?|accounts?\s+for|makes?\s+up|represents?)\b|(?<![\w])(?:يشكل|تشكل|يمثل|تمثل)"
)
MAJORITY_MAX_PERCENT = 25.0


@dataclass(frozen=True)
class _Region:
    """A region inside a country with its area (``detector/reference/regions.csv``)."""

    name: str
    iso2: str
    area_km2: float


@cache
def _regions() -> tuple[dict[str, _Region], re.Pattern[str]]:
    """Return the regions by normalised name and a pattern matching their names."""
    regions: dict[str, _Region] = {}
    for row in _read_csv("regions.csv"):
        region = _Region(row["name_en"], row["iso2"], float(row["area_km2"]))
        for name in (*row["names_ar"].split("|"), *row["names_en"].split("|")):
            regions[normalize_for_matching(name).strip()] = region
    return regions, re.compile(_clitic_pattern(regions))


def _region_of(match: re.Match[str], regions: dict[str, _Region]) -> _Region | None:
    text = match.group()
    for cut in range(0, min(len(text), 4) + 1):
        if text[cut:] in regions:
            return regions[text[cut:]]
    return None


def _check_area_share(
    source: _Field, start: int, end: int, numbers: Sequence[_Number], findings: _Findings
) -> None:
    """Check "أبوظبي ... 84% من إجمالي مساحة الدولة" against the page's and reference areas."""
    if not source.has("area_share"):
        return
    regions, region_re = _regions()
    text = source.text
    for number in numbers:
        mention = number.mention
        if mention.kind != "percent" or not 0 < mention.value <= 100:
            continue
        if not _AREA_SHARE_RE.match(text, number.end):
            continue
        window_start = max(0, number.start - _SHARE_LINE_WINDOW)
        window_start = text.rfind("\n", window_start, number.start) + 1 or window_start
        region = None
        for match in region_re.finditer(text, window_start, number.start):
            region = _region_of(match, regions) or region
        if region is None:
            continue
        part = region.area_km2
        own = False
        for item in source.numbers_in(window_start, number.start):
            if item.mention.unit == "km2" and _measurable(item.mention.value):
                value = item.mention.value
                if max(value / part, part / value) <= AREA_TOLERANCE:
                    part, own = value, True
        whole = findings.stated_areas.get((source.name, region.iso2))
        if whole is None:
            whole = _country_area(region.iso2)
            own = False
        if not whole:
            continue
        expected = 100 * part / whole
        findings.checked += 1
        difference = abs(mention.value - expected)
        allowed = (
            OWN_SHARE_POINTS
            if own
            else max(REFERENCE_SHARE_POINTS, REFERENCE_SHARE_RELATIVE * expected)
        )
        if difference > allowed:
            findings.contradicted += 1
            basis = "the page's own figures" if own else "reference areas"
            findings.evidence.append(
                source.evidence(
                    number.start,
                    number.end,
                    f"share of {region.name} in the country's area claimed "
                    f"{mention.value:g}%, {basis} give {_figure(part)} of {_figure(whole)} km² "
                    f"= {expected:.1f}%",
                )
            )


_AREA_SHARE_RE = re.compile(
    r"\s*(?:(?:تقريبا|approximately|roughly)\s*)?(?:من|of)\s+(?:the\s+)?(?:(?:ال)?(?:اجمالي|مجمل|مجموع|كامل)\s+|total\s+)?"
    r"(?:ال)?(?:مساحه|area\b|land\s+area\b|(?:country|uae)'?s\s+(?:total\s+)?area\b)"
)


@cache
def _country_area(iso2: str) -> float | None:
    country = country_by_iso2(iso2)
    return float(country.area_km2) if country is not None and country.area_km2 else None


def _check_page_arithmetic(
    source: _Field, start: int, end: int, numbers: Sequence[_Number], findings: _Findings
) -> None:
    """Thousands of years that end in a recent year; a majority that is a small share."""
    text = source.text
    if not (source.has("years") or source.has("majority")):
        return
    thousands = (
        _THOUSANDS_OF_YEARS_RE.finditer(text, start, end)
        if source.holds(_THOUSANDS_OF_YEARS_LITERALS, start, end)
        else ()
    )
    for match in thousands:
        year = _YEAR_AFTER_RE.match(text, match.end(), min(end, match.end() + 60))
        if year is None:
            continue
        value = int(year.group(1))
        if 100 <= value <= 2100:
            findings.impossible += 1
            findings.evidence.append(
                source.evidence(
                    match.start(),
                    year.end(),
                    f"thousands of years before now cannot be the year {value}",
                )
            )
    majority = (
        _MAJORITY_RE.search(text, start, end)
        if source.holds(_MAJORITY_LITERALS, start, end)
        else None
    )
    if majority is None:
        return
    constitute = _CONSTITUTE_RE.search(text, majority.end(), min(end, majority.end() + 120))
    if constitute is None:
        return
    for number in numbers:
        mention = number.mention
        if number.start < constitute.end() or mention.kind != "percent":
            continue
        if number.start - constitute.end() > 60:
            break
        if mention.value <= MAJORITY_MAX_PERCENT:
            findings.internal += 1
            findings.evidence.append(
                source.evidence(
                    majority.start(),
                    number.end,
                    f"described as the main part but given as {mention.value:g}%",
                )
            )
        break


LARGEST_GOLD_RESERVE_TONNES = 8133
"""Official gold holdings of the United States, the largest (World Gold Council, 2024)."""

_MONTHS = {
    normalize_for_matching(name): number
    for number, names in enumerate(
        (
            ("يناير", "كانون الثاني", "january"),
            ("فبراير", "شباط", "february"),
            ("مارس", "آذار", "march"),
            ("أبريل", "إبريل", "نيسان", "april"),
            ("مايو", "أيار", "may"),
            ("يونيو", "يونيه", "حزيران", "june"),
            ("يوليو", "يوليه", "تموز", "july"),
            ("أغسطس", "آب", "august"),
            ("سبتمبر", "أيلول", "september"),
            ("أكتوبر", "تشرين الأول", "october"),
            ("نوفمبر", "تشرين الثاني", "november"),
            ("ديسمبر", "كانون الأول", "december"),
        ),
        start=1,
    )
    for name in names
}
_ORDINALS = {
    normalize_for_matching(name): number
    for number, names in enumerate(
        (
            ("الأولى", "first"),
            ("الثانية", "second"),
            ("الثالثة", "third"),
            ("الرابعة", "fourth"),
            ("الخامسة", "fifth"),
            ("السادسة", "sixth"),
        ),
        start=1,
    )
    for name in names
}
_PHASE_DATE_RE = re.compile(
    rf"(?P<ordinal>{trie_regex(_ORDINALS)})(?![\w])"
    rf"[^\d\n.]{{0,30}}?(?<![\w])(?P<month>{trie_regex(_MONTHS)})(?![\w])\s*(?P<year>\d{{4}})(?!\d)"
)
_PHASE_WINDOW = 400
# The first words of the month names: a field without one holds no dated phase.
_MONTH_OPENERS = _openers(_MONTHS, ("",))
_HUNDREDS_OF_TONNES_RE = re.compile(r"(?:ميات|hundreds\s+of)\s+(?:ال)?(?:اطنان|tonnes|tons)")
_LARGEST_RESERVE_RE = re.compile(
    r"اكبر\s+احتياطي\s+(?:من\s+)?(?:ال)?ذهب|\blargest\s+gold\s+reserves?\b"
)
_FIRST_THIS_MONTH_RE = re.compile(
    r"(?:للمره\s+الاولي|لاول\s+مره)\s+(?:خلال|في|منذ\s+بدايه)\s+(?:ال)?(?:شهر|اسبوع)\s+"
    r"(?:ال)?(?:جاري|حالي)|\bfor\s+the\s+first\s+time\s+this\s+(?:month|week)\b"
)
_HUNDREDS_OF_TONNES_LITERALS = ("ميات", "hundreds")
_FIRST_THIS_MONTH_LITERALS = ("للمره", "لاول", "first")
_HISTORIC_RE = re.compile(r"سابقه\s+تاريخيه|(?<![\w])(?:ال)?تاريخيه?(?![\w])|\bhistoric\b")
_MOVE_RE = re.compile(
    r"(?<![\w])[وب]?(?:ال)?(?:انخفاض|ارتفاع|تراجع|هبوط|صعود|قفزه)(?![\w])|\b(?:falls?|drops?|rises?|surges?|jumps?)\b"
)
_STABLE_RE = re.compile(
    r"(?<![\w])[و]?(?:ال)?(?:مستقر|مستقره|استقرار|ثبات|يستقر|تستقر)(?![\w])|\bstable\b|\bsteady\b"
)
_SEQUENCE_RE = re.compile(
    r"(?<![\w])(?:بعد|عقب|وسط|قبل)(?![\w])|\b(?:after|following|amid|before)\b"
)


def _word_start(text: str, position: int) -> bool:
    """Return whether a word starts at ``position``, after at most a "و" or "ف" clitic."""
    if position == 0 or not text[position - 1].isalnum():
        return True
    return text[position - 1] in "وف" and (position == 1 or not text[position - 2].isalnum())


def _check_phases(source: _Field, findings: _Findings) -> None:
    """Flag numbered phases whose dates go backwards: "الثانية في نوفمبر ثم الثالثة في يناير"."""
    if not source.has("phases") or (
        _MONTH_OPENERS is not None and source.words.isdisjoint(_MONTH_OPENERS)
    ):
        return
    text = source.text
    previous: tuple[int, int, int] | None = None
    for match in _PHASE_DATE_RE.finditer(text):
        if not _word_start(text, match.start()):
            continue
        ordinal = _ORDINALS[match.group("ordinal")]
        date = int(match.group("year")) * 12 + _MONTHS[match.group("month")]
        if (
            previous is not None
            and ordinal == previous[0] + 1
            and match.start() - previous[2] <= _PHASE_WINDOW
            and date < previous[1]
        ):
            findings.internal += 1
            findings.evidence.append(
                source.evidence(
                    match.start("ordinal"),
                    match.end(),
                    f"phase {ordinal} is dated before phase {ordinal - 1}",
                )
            )
        previous = (ordinal, date, match.end())


def _check_wording(source: _Field, start: int, end: int, findings: _Findings) -> None:
    """Flag claims that contradict themselves.

    Hundreds of tonnes as the world's largest gold reserve, "for the first time this month"
    as a historic first, a headline price that both fell and held stable.
    """
    text = source.text
    if source.name == "title" and end - start <= _HEADLINE_CHARS:
        _check_headline(source, start, end, findings)
    if not source.has("wording"):
        return
    hundreds = (
        _HUNDREDS_OF_TONNES_RE.search(text, start, end)
        if source.holds(_HUNDREDS_OF_TONNES_LITERALS, start, end)
        else None
    )
    if hundreds is not None and _LARGEST_RESERVE_RE.search(text, start, end):
        findings.contradicted += 1
        findings.evidence.append(
            source.evidence(
                hundreds.start(),
                hundreds.end(),
                "hundreds of tonnes cannot be the world's largest gold reserve: the largest "
                f"official holding is {LARGEST_GOLD_RESERVE_TONNES:,} tonnes (United States)",
            )
        )
    first = (
        _FIRST_THIS_MONTH_RE.search(text, start, end)
        if source.holds(_FIRST_THIS_MONTH_LITERALS, start, end)
        else None
    )
    if first is not None:
        historic = _HISTORIC_RE.search(text, first.end(), min(end, first.end() + 40))
        if historic is not None:
            findings.internal += 1
            findings.evidence.append(
                source.evidence(
                    first.start(),
                    historic.end(),
                    "the first time this month is not a historic first",
                )
            )


_HEADLINE_CHARS = 160


def _check_headline(source: _Field, start: int, end: int, findings: _Findings) -> None:
    """Flag a headline whose price both moved and held stable ("انخفاض ملحوظ.. ومستقر")."""
    text = source.text
    move = _MOVE_RE.search(text, start, end)
    stable = _STABLE_RE.search(text, start, end)
    if move is None or stable is None or _SEQUENCE_RE.search(text, start, end):
        return
    findings.internal += 1
    findings.evidence.append(
        source.evidence(
            min(move.start(), stable.start()),
            max(move.end(), stable.end()),
            "the headline says the price both moved and held stable",
        )
    )


# --- a percentage against the page's own two numbers; parts against their total ---------

CHANGE_POINTS = 0.2
CHANGE_RELATIVE = 0.05
"""A stated change may miss the change between its two figures by 0.2 points or 5%."""
PARTS_TOLERANCE = 0.001

_PAIR_CUE_RE = re.compile(
    r"(?<![\w])(?P<to>الي|حتي)(?![\w])|\b(?P<to_en>to)\b"
    r"|(?<![\w])(?P<against>مقابل|بدلا\s+من)(?![\w])"
    r"|\b(?P<against_en>(?:as\s+)?compared\s+(?:to|with)|versus|from)\b"
)
_FROM_BEFORE_RE = re.compile(r"(?:(?<![\w])من|\bfrom)\s{1,3}(?:[^\W\d]+\s{1,3}){0,2}$")
_CHANGE_WORD_RE = re.compile(
    r"(?<![\w])[وب]?(?:ال)?(?:ارتفاع|انخفاض|نمو|زياده|تراجع|هبوط|صعود|ارتفاعا|انخفاضا|نموا"
    r"|زياده|تراجعا|بنسبه|نسبته|ارتفع|انخفض|تراجع|زاد|نما)(?![\w])"
    r"|\b(?:up|down|rise|rose|fell|fall|increase|increased|decrease|decreased|growth|grew"
    r"|jumped|dropped|declined|climbed)\b"
)
_POINTS_AFTER_RE = re.compile(r"\s{0,3}(?:نقطه|نقاط|percentage\s+points?|points?\b|basis)")
_PARTS_CUE_RE = re.compile(
    r"(?<![\w])(?:منها|منهم|من\s+بينها|من\s+بينهم|بينهم|بينها)(?![\w])"
    r"|\b(?:of\s+which|of\s+whom|including)\b"
)
_PARTS_CUE_LITERALS = ("منها", "منهم", "بينها", "بينهم", "which", "whom", "including")
_PAIR_NUMBER_GAP = 40
_CHANGE_NEAR = 50
CHANGE_BAND = 2.5
_PART_GAP = 60
_JOIN_RE = re.compile(r"(?<![\w])و|،|,|\band\b")
_NEW_LIST_RE = re.compile(
    r"(?<![\w])(?:فيما|بينما|في\s+حين|اضافه|فضلا|كما|اكثر\s+من|ما\s+يزيد)(?![\w])"
    r"|(?<![\w])و?(?:بلغ|تجاوز|ارتفع|اصيب|قتل|قتلوا|توفي|سجل|اضاف|اوضح|قال|اشار)(?![\w])"
    r"|\b(?:while|whereas|besides|plus|more\s+than|were|was|killed|injured|wounded)\b|[.;:]"
)


def _change_pairs(
    source: _Field, start: int, end: int, numbers: Sequence[_Number]
) -> list[tuple[_Number, _Number, int]]:
    """Return (old, new, cue start) for "من 100 إلى 120", "120 مقابل 100", "2.48 ... from 2.23"."""
    text = source.text
    starts = [number.start for number in numbers]
    pairs = []
    for cue in _PAIR_CUE_RE.finditer(text, start, end):
        index = bisect_left(starts, cue.end())
        after = numbers[index] if index < len(numbers) else None
        if after is None or after.start - cue.end() > 15 or not _plain(after):
            continue
        before = None
        for candidate in reversed(numbers[max(0, index - 3) : index]):
            if cue.start() - candidate.end > _PAIR_NUMBER_GAP:
                break
            if _plain(candidate):
                before = candidate
                break
        if before is None or before.mention.unit != after.mention.unit:
            continue
        if cue.group("to") or cue.group("to_en"):
            # "من A إلى B" / "from A to B": the old figure follows "من" / "from".
            if not _FROM_BEFORE_RE.search(text, max(start, before.start - 25), before.start):
                continue
            pairs.append((before, after, cue.start()))
        else:
            pairs.append((after, before, cue.start()))
        if len(pairs) > 3:
            break
    return pairs


def _check_change(
    source: _Field, start: int, end: int, numbers: Sequence[_Number], findings: _Findings
) -> None:
    """Check "ارتفع من 100 إلى 120 بنسبة 30%" against the page's own two figures."""
    if len(numbers) < 3:
        return
    percents = [
        number
        for number in numbers
        if number.mention.kind == "percent" and not _POINTS_AFTER_RE.match(source.text, number.end)
    ]
    if len(percents) != 1:
        return
    if not _CHANGE_WORD_RE.search(source.text, start, end):
        return
    pairs = _change_pairs(source, start, end, numbers)
    if len(pairs) != 1:
        return
    old, new, _cue = pairs[0]
    percent = percents[0]
    if _SHARE_AFTER_RE.match(source.text, percent.end):
        return  # "30% من السكان" is a share, not the change
    pair_start, pair_end = min(old.start, new.start), max(old.end, new.end)
    if percent.start - pair_end > _CHANGE_NEAR or pair_start - percent.end > _CHANGE_NEAR:
        return
    change = 100 * abs(new.mention.value / old.mention.value - 1)
    stated = percent.mention.value
    rounding = (
        100 * (old.mention.rounding / old.mention.value + new.mention.rounding / new.mention.value)
        + percent.mention.rounding
    )
    findings.checked += 1
    if abs(stated - change) <= max(CHANGE_POINTS, CHANGE_RELATIVE * change) + rounding:
        return
    if not stated or not change or max(stated / change, change / stated) > CHANGE_BAND:
        return  # so far apart that the percentage is about something else
    findings.internal += 1
    findings.evidence.append(
        source.evidence(
            min(old.start, new.start, percent.start),
            max(old.end, new.end, percent.end),
            f"a change of {stated:g}% stated, the page's own figures "
            f"{_figure(old.mention.value)} and {_figure(new.mention.value)} give {change:.1f}%",
        )
    )


def _check_parts(
    source: _Field, start: int, end: int, numbers: Sequence[_Number], findings: _Findings
) -> None:
    """Flag parts that add up to more than their total: "200 حالة، منها 150 ... و80 ..."."""
    if len(numbers) < 3 or not source.has("parts"):
        return
    text = source.text
    cue = (
        _PARTS_CUE_RE.search(text, start, end)
        if source.holds(_PARTS_CUE_LITERALS, start, end)
        else None
    )
    if cue is None:
        return
    starts = [number.start for number in numbers]
    index = bisect_left(starts, cue.start())
    if index == 0:
        return
    total = numbers[index - 1]
    if cue.start() - total.end > 30 or not _plain(total):
        return
    if total.mention.decimal_places == 3:
        return  # "277.478 حالة" may be 277,478 written with a dot
    parts: list[_Number] = []
    previous_end = cue.end()
    for number in numbers[index : index + 8]:
        mention = number.mention
        gap = text[previous_end : number.start]
        # Parts are one list: close together, joined by "و" or a comma, no new clause.
        if number.start - previous_end > _PART_GAP or _NEW_LIST_RE.search(gap):
            break
        if parts and (not _JOIN_RE.search(gap) or len(_TOKEN_RE.findall(gap)) > 6):
            break
        if mention.kind != "number" or mention.unit != total.mention.unit:
            break
        if mention.decimal_places == 3:
            return
        parts.append(number)
        previous_end = number.end
    if len(parts) < 2:
        return
    whole = total.mention.value
    if any(part.mention.value >= whole for part in parts):
        return  # a part as large as the total counts something else
    summed = sum(part.mention.value for part in parts)
    findings.checked += 1
    allowed = (
        whole * PARTS_TOLERANCE
        + total.mention.rounding
        + sum(part.mention.rounding for part in parts)
    )
    if summed <= whole + allowed:
        return
    findings.internal += 1
    findings.evidence.append(
        source.evidence(
            total.start,
            parts[-1].end,
            f"the parts add up to {_figure(summed)}, more than the total of {_figure(whole)}",
        )
    )
