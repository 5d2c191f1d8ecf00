"""Money: currency pegs, conversions, floating-currency wording, buying and selling rates."""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from mizan.detector.numbers import NumberMention
from mizan.detector.reference.patterns import trie_regex
from mizan.detector.signals.statistics.claims import (
    _CLITIC_FORMS,
    _GENERIC_CURRENCIES,
    _clitic_pattern,
    _Field,
    _figure,
    _Findings,
    _measurable,
    _Money,
    _Number,
    _openers,
    _read_csv,
    _record_deviation,
    _relative_rounding,
)
from mizan.detector.text import normalize_for_matching

# --- money: pegs, conversions and rates --------------------------------------------------

PEG_TOLERANCE = 0.0008
"""A conversion at a pegged rate may miss the peg by 0.08% (the riyal's spot rate trades within
3.7495-3.7530, about that close to the peg)."""
CONVERSION_BAND = 0.1
"""A pair of amounts more than 10% off the peg is read as two amounts, not a conversion."""
COARSE_FIGURE_TOLERANCE = 0.05
PEG_NEAR_FACTOR = 1.5
"""A figure in a peg statement within this factor of the peg is read as the stated rate."""
SPREAD_MAX = 0.05
"""A bank's buying and selling rates for a currency differ by well under 5%."""

_CONVERSION_GAP = 45
_PAIR_GAP = 90
_LOOKBACK_CURRENCY = 300

_EQUIVALENT_RE = re.compile(
    r"يعادل|تعادل|يوازي|توازي|يساوي|تساوي|(?<![\w])(?:اي|او|نحو|حوالي)(?![\w])|[(=]"
    r"|\bequivalent\b|\bequals?\b|\bor\b|\babout\b|\baround\b|\broughly\b|\bapproximately\b"
)
_USD_WORD_RE = re.compile(r"دولار|\bdollars?\b|\busd\b|\$")
_FIXED_RE = re.compile(
    r"ثابت|مثبت|(?<![\w])(?:[وف]?[بل]?ال)?ربط|مربوط|يرتبط|ترتبط|\bpegg?e?d?\b|\bfixed\b"
)
_FIXED_NOW_RE = re.compile(r"ثابت|مثبت|مربوط|يرتبط|ترتبط|\bpegged\b|\bfixed\b")
_UNPEGGED_RE = re.compile(
    r"فك\s+(?:ال)?ربط|سله\s+(?:من\s+)?(?:ال)?عملات|\bbasket\b|\bunpeg|\bde-?pegg?"
)
_SUBUNIT_RE = re.compile(
    r"\s*(?:بيسه|بيسات|فلس|فلوس|هلله|هللات|\bbaisas?\b|\bbaizas?\b|\bfils\b|\bhalalas?\b)"
)
_STALE_RATE_RE = re.compile(
    r"(?:حسب|وفق|بحسب|وفقا\s+ل)\s+(?:ال)?اسعار\s+(?:ال)?صرف\s+(?:ل|في\s+)?(?:سنه|عام)\s*(\d{4})"
    r"|\b(?:at|per|according\s+to)\s+(?:the\s+)?(\d{4})\s+(?:exchange\s+)?rates?\b"
)
# Only ever tested for a match, so the optional article before "عمله" is left out and "\b"
# follows its word: every branch opens with a literal the regex engine can skip to.
_NATIONAL_CURRENCY_RE = re.compile(
    r"عمله\s+(?:ال)?(?:وطنيه|محليه)"
    r"|national(?<=\bnational)\s+currency\b|local(?<=\blocal)\s+currency\b"
)
_FLOAT_PHRASES = (
    "متغيره باستمرار",
    "تتغير باستمرار",
    "يتغير باستمرار",
    "ارتفاعه او انخفاضه",
    "ارتفاعها او انخفاضها",
    "ارتفاعه وانخفاضه",
    "التوقعات المستقبليه",
    "تقلبات كبيره",
    "يعزز من قوه",
    "يعزز قوه",
    "determined by factors such as",
    "its value is determined by",
    "sentiment",
    "fluctuates freely",
    "floats freely",
    "free-floating",
)
_FLOAT_RE = re.compile(rf"(?<![\w])(?:{trie_regex(_FLOAT_PHRASES)})(?![\w])")
_FLOAT_LITERALS = tuple(dict.fromkeys(phrase.split()[0] for phrase in _FLOAT_PHRASES))
_FIXED_LITERALS = ("ثابت", "مثبت", "ربط", "مربوط", "يرتبط", "ترتبط", "peg", "fixed")
_NATIONAL_CURRENCY_LITERALS = ("عمله", "currency")
_BUY_BEFORE_RE = re.compile(
    r"(?:(?<![\w])(?:ال)?(?:شراء|بيع)|\b(?:buy(?:ing)?|sell(?:ing)?)(?:\s+(?:rate|price))?)"
    r"\s{0,3}[:=]?\s{0,3}(?:(?:عند|بلغ|هو)\s{1,3})?$"
)
_BUY_AFTER_RE = re.compile(
    r"(?:\s*[^\s\d]+){0,3}?\s*(?<![\w])(?:لل|ل|في\s+ال|for\s+)?(?:سعر\s+(?:ال)?)?"
    r"(شراء|بيع|buy(?:ing)?|sell(?:ing)?)(?![\w])"
)
_SUBUNIT_AFTER_RE = re.compile(
    r"\s*(?:قرش|قروش|قرشا|هلله|هللات|فلس|فلوس|بيسه|\bpiastres?\b|\bcents?\b|\bfils\b)"
)
_AND_AFTER_CURRENCY_RE = re.compile(r"(?:جنيه|جنيهات|جنيها|ريال|ريالات|دولار|درهم|دينار)\s*و$")
_EXCHANGE_CONTEXT_RE = re.compile(
    r"سعر\s+(?:ال)?صرف|اسعار\s+(?:ال)?صرف|سعر\s+(?:ال)?(?:ريال|دولار|دينار|درهم|يورو|جنيه\s+(?:ال)?استرليني"
    r"|فرنك|ين|ليره|روبيه)|\bexchange\s+rates?\b|\b(?:dollar|riyal|dirham|dinar|euro)\s+rates?\b"
)


@dataclass(frozen=True)
class _Peg:
    """A currency's exchange-rate regime (``detector/reference/pegs.csv``)."""

    code: str
    name: str
    per_usd: float | None
    regime: str
    since: int
    authority: str


@cache
def _pegs() -> tuple[dict[str, _Peg], re.Pattern[str], dict[str, str], re.Pattern[str]]:
    """Return the pegs by code, a pattern of currency names, names to codes, country names."""
    pegs: dict[str, _Peg] = {}
    names: dict[str, str] = {}
    countries: dict[str, str] = {}
    for row in _read_csv("pegs.csv"):
        code = row["code"]
        pegs[code] = _Peg(
            code,
            row["name_en"],
            float(row["per_usd"]) if row["per_usd"] else None,
            row["regime"],
            int(row["since"]),
            row["authority"],
        )
        for name in (*row["names_ar"].split("|"), *row["names_en"].split("|")):
            names[normalize_for_matching(name).strip()] = code
        for name in row["countries_ar"].split("|"):
            countries[normalize_for_matching(name).strip()] = code
    name_re = re.compile(_clitic_pattern(names))
    country_re = re.compile(_clitic_pattern(countries))
    names.update({f"country:{name}": code for name, code in countries.items()})
    return pegs, name_re, names, country_re


@cache
def _peg_openers() -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """Return the words that open every currency name and every country name of ``_pegs``."""
    _pegs_by_code, _name_re, names, _country_re = _pegs()
    country = "country:"
    currency_names = [name for name in names if not name.startswith(country)]
    country_names = [name[len(country) :] for name in names if name.startswith(country)]
    return _openers(currency_names, _CLITIC_FORMS), _openers(country_names, _CLITIC_FORMS)


def _name_code(match: re.Match[str], names: dict[str, str]) -> str | None:
    """Return the currency code of a name match (the clitics stripped)."""
    text = match.group()
    for cut in range(0, min(len(text), 4) + 1):
        code = names.get(text[cut:])
        if code is not None:
            return code
    return None


def _money_context(source: _Field) -> _Money:
    """Find the currency names of a field and resolve "ريال" / "dinar" to one currency."""
    pegs, name_re, names, country_re = _pegs()
    text = source.text
    found = []
    counts: dict[str, int] = {}
    if not source.has("currency"):
        return _Money([], {}, None) if not source.has("country") else _national_only(source)
    name_openers, country_openers = _peg_openers()
    for match in source.opened_matches(name_re, name_openers, 0, len(text)):
        code = _name_code(match, names)
        if code is not None:
            found.append((match.start(), match.end(), code))
            counts[code] = counts.get(code, 0) + 1
    national = None
    for match in source.opened_matches(country_re, country_openers, 0, len(text)):
        text_name = match.group()
        code = next(
            (
                names[f"country:{text_name[cut:]}"]
                for cut in range(0, min(len(text_name), 4) + 1)
                if f"country:{text_name[cut:]}" in names
            ),
            None,
        )
        if code is None:
            continue
        counts[code] = counts.get(code, 0) + 1
        if national is None and pegs[code].regime == "peg":
            national = code
    generic: dict[str, str] = {}
    families = {"riyal": ("SAR", "QAR", "OMR"), "dinar": ("BHD", "KWD", "JOD", "IQD")}
    families["dirham"] = ("AED",)
    for word, codes in families.items():
        ranked = sorted(((counts.get(code, 0), code) for code in codes), reverse=True)
        if ranked[0][0] > 0 and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
            generic[word] = ranked[0][1]
    return _Money(found, generic, national)


def _national_only(source: _Field) -> _Money:
    """Return a money context with only the national currency (no currency named)."""
    text = source.text
    if (
        not source.has("national")
        or not source.holds(_NATIONAL_CURRENCY_LITERALS, 0, len(text))
        or not _NATIONAL_CURRENCY_RE.search(text)
    ):
        return _Money([], {}, None)
    return _Money([], {}, _money_context_countries(source))


def _money_context_countries(source: _Field) -> str | None:
    pegs, _name_re, names, country_re = _pegs()
    matches = source.opened_matches(country_re, _peg_openers()[1], 0, len(source.text))
    for match in matches:
        text_name = match.group()
        for cut in range(0, min(len(text_name), 4) + 1):
            code = names.get(f"country:{text_name[cut:]}")
            if code is not None and pegs[code].regime == "peg":
                return code
    return None


def _currency(mention: NumberMention, money: _Money) -> str | None:
    """Return the ISO code of an amount's currency, or ``None``."""
    unit = mention.unit
    if unit is None:
        return None
    if unit in _GENERIC_CURRENCIES:
        return money.generic.get(unit)
    return unit.upper()


def _usd_rate(code: str | None) -> float | None:
    """Return units of ``code`` per US dollar for the dollar and pegged currencies."""
    if code == "USD":
        return 1.0
    peg = _pegs()[0].get(code or "")
    if peg is None or peg.regime != "peg":
        return None
    return peg.per_usd


def _written_precision(mention: NumberMention) -> float:
    """Return how far a converted figure may be from exact, relative to it.

    One unit of its last digit (papers truncate as often as they round), or 5% for a
    figure of one or two significant digits.
    """
    if not mention.value or not mention.rounding:
        return 0.0
    unit = 2 * mention.rounding
    if mention.value / unit < 100:
        return COARSE_FIGURE_TOLERANCE
    return unit / mention.value


def _check_money_sentence(
    source: _Field,
    start: int,
    end: int,
    numbers: Sequence[_Number],
    money: _Money,
    findings: _Findings,
) -> None:
    """Run the conversion, peg and floating-rate checks on one sentence."""
    _check_conversions(source, numbers, money, findings)
    code = _sentence_currency(source, start, end, money)
    if code is None:
        return
    peg = _pegs()[0][code]
    text = source.text
    fixed = _FIXED_RE.search(text, start, end)
    usd = _USD_WORD_RE.search(text, start, end)
    if peg.per_usd is None:
        return
    if peg.regime == "peg" and usd:
        _check_peg_statement(source, numbers, peg, bool(fixed), money, findings)


def _check_floating(
    source: _Field, start: int, end: int, money: _Money, findings: _Findings
) -> None:
    """Flag a pegged or managed currency described as floating ("متغيرة باستمرار").

    Also flags the Kuwaiti dinar (pegged to a basket) described as fixed to the dollar.
    """
    text = source.text
    floating = (
        _FLOAT_RE.search(text, start, end) if source.holds(_FLOAT_LITERALS, start, end) else None
    )
    fixed = (
        _FIXED_RE.search(text, start, end) if source.holds(_FIXED_LITERALS, start, end) else None
    )
    if floating is None and fixed is None:
        return
    code = _sentence_currency(source, start, end, money)
    if code is None:
        return
    peg = _pegs()[0][code]
    if peg.regime == "basket":
        usd = _USD_WORD_RE.search(text, start, end)
        # "ربط الدينار بالدولار" alone is often history (the peg of 2003-2007) or a tag.
        fixed = _FIXED_NOW_RE.search(text, start, end)
        if fixed and usd and not _UNPEGGED_RE.search(text, start, end):
            findings.checked += 1
            findings.contradicted += 1
            findings.evidence.append(
                source.evidence(
                    min(fixed.start(), usd.start()),
                    max(fixed.end(), usd.end()),
                    f"the {peg.name} has been pegged to an undisclosed basket of currencies "
                    f"since {peg.since} ({peg.authority}), not fixed to the US dollar",
                )
            )
        return
    if peg.per_usd is None or floating is None:
        return
    if floating is not None:
        findings.checked += 1
        findings.contradicted += 1
        if peg.regime == "peg":
            reason = (
                f"the {peg.name} is pegged at {peg.per_usd:g} per US dollar since "
                f"{peg.since} ({peg.authority}); its rate does not float"
            )
        else:
            reason = (
                f"the {peg.name} has an official rate set by the {peg.authority} "
                f"({peg.per_usd:,.0f} per US dollar since {peg.since})"
            )
        findings.evidence.append(source.evidence(floating.start(), floating.end(), reason))


def _sentence_currency(source: _Field, start: int, end: int, money: _Money) -> str | None:
    """Return the pegged currency a sentence is about: named in it or just before it."""
    starts = money.starts
    first = bisect_left(starts, start)
    if first < len(starts) and starts[first] < end:
        return money.names[first][2]
    if first > 0 and starts[first - 1] >= start - _LOOKBACK_CURRENCY:
        return money.names[first - 1][2]
    if (
        money.national
        and source.holds(_NATIONAL_CURRENCY_LITERALS, start, end)
        and _NATIONAL_CURRENCY_RE.search(source.text, start, end)
    ):
        return money.national
    return None


def _check_conversions(
    source: _Field, numbers: Sequence[_Number], money: _Money, findings: _Findings
) -> None:
    """Check "1647.1 مليون ريال عماني، أي ما يعادل 4348.3 مليون دولار" against the pegs."""
    text = source.text
    for first, second in zip(numbers, numbers[1:], strict=False):
        if second.start - first.end > _CONVERSION_GAP:
            continue
        first_code = _currency(first.mention, money)
        second_code = _currency(second.mention, money)
        if first_code is None or second_code is None or first_code == second_code:
            continue
        first_rate, second_rate = _usd_rate(first_code), _usd_rate(second_code)
        if first_rate is None or second_rate is None:
            continue
        if not _EQUIVALENT_RE.search(text, first.end, second.start):
            continue
        claimed, stated = second.mention.value, first.mention.value
        if not (_measurable(claimed) and _measurable(stated)):
            continue
        expected = stated / first_rate * second_rate
        findings.checked += 1
        _record_deviation(findings, claimed, expected)
        allowed = (
            PEG_TOLERANCE + _written_precision(first.mention) + _written_precision(second.mention)
        )
        deviation = abs(claimed / expected - 1)
        # Far off, the two figures are not one amount in two currencies.
        if allowed < deviation <= CONVERSION_BAND:
            peg_code = first_code if first_code != "USD" else second_code
            findings.contradicted += 1
            findings.evidence.append(
                source.evidence(
                    first.start,
                    second.end,
                    f"{_figure(stated)} {first_code} is {_figure(expected)} {second_code} at the "
                    f"peg of {_usd_rate(peg_code):g} {peg_code} per USD, "
                    f"the page gives {_figure(claimed)}",
                )
            )


def _check_peg_statement(
    source: _Field,
    numbers: Sequence[_Number],
    peg: _Peg,
    fixed: bool,
    money: _Money,
    findings: _Findings,
) -> None:
    """Check "ربط الدينار البحريني بالدولار عند 2.65 دولار" against the peg."""
    assert peg.per_usd is not None
    text = source.text
    if any(
        number.mention.kind == "year" and number.mention.value < peg.since for number in numbers
    ):
        return  # a rate of the years before the peg ("1973-1978: 3.947 درهم لكل دولار")
    for number in numbers:
        mention = number.mention
        if mention.kind != "number" or not _measurable(mention.value):
            continue
        code = _currency(mention, money)
        if code not in (None, "USD", peg.code):
            continue
        options = []
        if code != "USD":
            options.append((peg.per_usd, f"{peg.per_usd:g} {peg.code} per US dollar"))
        if code != peg.code:
            options.append((1 / peg.per_usd, f"{1 / peg.per_usd:.4f} US dollars per {peg.code}"))
        value = mention.value
        nearest, label = min(options, key=lambda option: abs(math.log(value / option[0])))
        if max(value / nearest, nearest / value) > PEG_NEAR_FACTOR:
            continue
        findings.checked += 1
        _record_deviation(findings, value, nearest)
        subunit = _SUBUNIT_RE.match(text, number.end)
        allowed = PEG_TOLERANCE + _relative_rounding(mention)
        if subunit is not None and value < 1:
            findings.contradicted += 1
            findings.evidence.append(
                source.evidence(
                    number.start,
                    subunit.end(),
                    f"{_figure(value)}{subunit.group()} per US dollar is a unit error: the peg "
                    f"is {peg.per_usd:g} {peg.code} ({peg.per_usd * 1000:g} of its "
                    f"thousandths) per US dollar ({peg.authority})",
                )
            )
        elif abs(value / nearest - 1) > allowed:
            if not fixed:
                continue
            findings.contradicted += 1
            findings.evidence.append(
                source.evidence(
                    number.start,
                    number.end,
                    f"the {peg.name} peg is {label} since {peg.since} ({peg.authority}); "
                    f"the page gives {_figure(value)}",
                )
            )
        else:
            stale = _STALE_RATE_RE.search(text, number.end, min(len(text), number.end + 60))
            year = int(next(group for group in stale.groups() if group)) if stale else 0
            if stale is not None and year > peg.since + 1:
                findings.contradicted += 1
                findings.evidence.append(
                    source.evidence(
                        number.start,
                        stale.end(),
                        f"the {peg.name} has been pegged at {peg.per_usd:g} per US dollar "
                        f"since {peg.since}; it is not a {year} rate",
                    )
                )


def _check_buy_sell(source: _Field, findings: _Findings) -> None:
    """Find a buying rate above the selling rate, or a spread no bank quotes for a currency."""
    if not source.has("buy_sell"):
        return
    text = source.text
    tagged: list[tuple[_Number, bool]] = []
    for number in source.numbers:
        mention = number.mention
        if mention.kind != "number" or not _measurable(mention.value):
            continue
        if _SUBUNIT_AFTER_RE.match(text, number.end) or _AND_AFTER_CURRENCY_RE.search(
            text, max(0, number.start - 12), number.start
        ):
            continue  # "10 جنيهات و50 قرشا": the piastres are part of one quote
        side = None
        before = _BUY_BEFORE_RE.search(text, max(0, number.start - 25), number.start)
        if before is not None:
            side = before.group()
        else:
            after = _BUY_AFTER_RE.match(text, number.end, min(len(text), number.end + 40))
            if after is not None:
                side = after.group(1)
        if side is None:
            continue
        tagged.append((number, "شراء" in side or "buy" in side))
    index = 0
    while index + 1 < len(tagged):
        (first, first_buy), (second, second_buy) = tagged[index], tagged[index + 1]
        index += 1
        if first_buy == second_buy or second.start - first.end > _PAIR_GAP:
            continue
        index += 1  # each quote belongs to one pair
        buy, sell = (first, second) if first_buy else (second, first)
        buy_value, sell_value = buy.mention.value, sell.mention.value
        if max(buy_value, sell_value) > 2 * min(buy_value, sell_value):
            continue
        context_start = max(0, first.start - 150)
        if not _EXCHANGE_CONTEXT_RE.search(text, context_start, second.end):
            continue
        findings.checked += 1
        span = (first.start, second.end)
        if buy_value > sell_value:
            findings.internal += 1
            findings.evidence.append(
                source.evidence(
                    *span,
                    f"buying rate {buy_value:g} is above the selling rate {sell_value:g}",
                )
            )
        elif (sell_value - buy_value) / sell_value > SPREAD_MAX:
            spread = 100 * (sell_value - buy_value) / sell_value
            findings.internal += 1
            findings.evidence.append(
                source.evidence(
                    *span,
                    f"buying {buy_value:g} and selling {sell_value:g} differ by {spread:.1f}%; "
                    f"banks quote currencies within {SPREAD_MAX:.0%}",
                )
            )
