"""Number mentions in Arabic and English news text.

Finds digits (``1,250,000``, ``2.7``, Arabic-Indic and Persian digits with ``٫``/``٬``),
scale words (``2.7 مليار``, ``18 billion``), Arabic and English number words, compound
or not (``ثلاثة آلاف وخمسمائة``, ``خمسة وعشرين``, ``two hundred and fifty``), multipliers
(``أربعة أضعاف``, ``ضعفي``, ``ثلاث مرات``, ``twice``, ``4x``), percentages (``%``, ``٪``,
``في المائة``, ``percent``) and units (km, km², people, US dollars, the Gulf and other
Arab currencies with a glued sign such as ``Dh400``, years). Each mention carries how far
its written precision lets the exact figure lie (``rounding``).

Matching runs on normalised text (:func:`mizan.detector.text.normalize_with_offsets`), so
diacritics, letter variants and Arabic-Indic digits do not matter; every mention carries
offsets into the original text.

A dotted group such as ``1.250`` is read as a decimal (1.25); only two or more dotted
groups of three digits (``1.250.000``) are read as thousands separators. The Arabic comma
works the same way: ``33،413،660`` is a count, ``2،1`` a decimal.

The number words live in :mod:`mizan.detector.number_words`, the token patterns and where a
token can start in :mod:`mizan.detector.number_tokens`; this module combines the tokens into
mentions and is the one to import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from mizan.detector.number_tokens import (
    _COMMA_DECIMAL_RE,
    _CURRENCY_PREFIX_RE,
    _DOTTED_THOUSANDS_RE,
    _FRACTION_SCALE_RE,
    _GUARD_RE,
    _JOINER_RE,
    _ONE_SCALE_NEXT_RE,
    _PERCENT_PREFIX_RE,
    _SUFFIX_RE,
    _TIMES_X_RE,
    _YEAR_DIGITS_RE,
    _token_matches,
    prepare_tables,
)
from mizan.detector.number_tokens import _TOKEN_RE as _TOKEN_RE  # re-exported for tests
from mizan.detector.number_words import (
    _DIGIT_SCALES,
    _DIGITS,
    _FRACTIONS,
    _GUARDED_MULTIPLIERS,
    _HUNDRED,
    _HUNDREDS,
    _MULTIPLIER_VALUES,
    _NOT_ALONE,
    _ONE_SCALE_WORDS,
    _SCALE,
    _SCALE_AFTER_NUMBER,
    _SCALE_DUAL,
    _SCALE_WORDS,
    _TEEN,
    _TEN_WORD,
    _TENS,
    _UNIT,
    _WORD_VALUES,
)
from mizan.detector.text import NormalizedText, normalize_with_offsets

if TYPE_CHECKING:
    from mizan.detector.article.document import WordSpans

__all__ = [
    "UNITS",
    "NumberKind",
    "NumberMention",
    "extract_numbers",
    "extract_numbers_normalized",
    "prepare_tables",
]

NumberKind = Literal["number", "percent", "multiplier", "year"]

UNITS: dict[str, str] = {
    "km": "kilometres",
    "km2": "square kilometres",
    "mi": "miles",
    "mi2": "square miles",
    "people": "people or inhabitants",
    "usd": "US dollars",
    "eur": "euros",
    "gbp": "pounds sterling",
    "sar": "Saudi riyals",
    "aed": "UAE dirhams",
    "qar": "Qatari riyals",
    "omr": "Omani rials",
    "bhd": "Bahraini dinars",
    "kwd": "Kuwaiti dinars",
    "jod": "Jordanian dinars",
    "iqd": "Iraqi dinars",
    "egp": "Egyptian pounds",
    "riyal": "riyals or rials of a country not named with them",
    "dinar": "dinars of a country not named with them",
    "dirham": "dirhams of a country not named with them",
    "years": "years (a duration or an age)",
}
"""The units a :class:`NumberMention` can carry, with what each means."""


@dataclass(frozen=True)
class NumberMention:
    """One number in a text, with offsets into the original text.

    Attributes:
        start: Offset of the first character in the original text.
        end: Offset just past the last character in the original text.
        value: The number (``2.7 مليار`` is ``2.7e9``; ``40%`` is ``40.0``; ``ضعف`` is ``2.0``).
        kind: ``"number"``, ``"percent"``, ``"multiplier"`` or ``"year"``.
        unit: One of :data:`UNITS` (``"km"``, ``"km2"``, ``"people"``, ``"usd"``, ``"years"``
            ...) or ``None``.
        raw: The original text of the mention.
        decimal_places: Digits written after the decimal point (``87.349`` has 3).
        rounding: Half the value of the last written digit (``3.75`` is ``0.005``, ``2.7
            مليار`` is ``5e7``): how far the exact figure may lie from ``value``; 0 for words.
    """

    start: int
    end: int
    value: float
    kind: NumberKind
    unit: str | None
    raw: str
    decimal_places: int = 0
    rounding: float = 0.0


_SCALED = (_SCALE, _SCALE_DUAL, _SCALE_AFTER_NUMBER, _DIGITS + "_scaled")
_FRACTION = "fraction"  # a fraction of the scale before it: nothing combines after it


@dataclass
class _Group:
    """Consecutive number tokens being combined into one value."""

    start: int
    end: int
    total: float = 0.0
    current: float = 0.0
    last_class: str | None = None
    digits: str | None = None
    token_count: int = 0
    first_word: str = ""
    last_scale: float = 0.0  # the value of the last scale word: "ونصف" adds half of it
    written: float = 0.0  # the value of ``digits`` as written, before a scale word
    decimals: int = 0  # the decimal places written in ``digits``

    @property
    def value(self) -> float:
        return self.total + self.current


def _combine(group: _Group | None, value: float, cls: str, conjoined: bool) -> bool:
    """Add a token to ``group`` if the number grammar allows it; return whether it did."""
    if group is None:
        return False
    last = group.last_class
    additive_after = (_HUNDRED, _HUNDREDS, _SCALE, _SCALE_DUAL, _SCALE_AFTER_NUMBER)
    if cls == _UNIT:
        allowed = last in additive_after or (last == _TENS and not conjoined)
        if allowed:
            group.current += value
    elif cls == _TEN_WORD:
        allowed = (last == _UNIT and not conjoined) or last in additive_after
        if allowed:
            group.current += value
    elif cls == _TEEN:
        allowed = last in additive_after
        if allowed:
            group.current += value
    elif cls == _TENS:
        allowed = last in additive_after or (last == _UNIT and conjoined)
        if allowed:
            group.current += value
    elif cls == _HUNDRED:
        allowed = (
            last in (_UNIT, _TEEN)
            and not conjoined
            or (last in (_SCALE, _SCALE_DUAL, _SCALE_AFTER_NUMBER) and conjoined)
        )
        if allowed:
            if last in (_UNIT, _TEEN):
                # "ثلاث مائة" / "three hundred": the unit multiplies the hundred.
                group.current *= value
            else:
                group.current += value
    elif cls == _HUNDREDS:
        allowed = last in (_SCALE, _SCALE_DUAL, _SCALE_AFTER_NUMBER) and conjoined
        if allowed:
            group.current += value
    elif cls in (_SCALE, _SCALE_AFTER_NUMBER):
        number_before = last in (_UNIT, _TEN_WORD, _TEEN, _TENS, _HUNDRED, _HUNDREDS)
        allowed = number_before and not conjoined
        if not allowed and cls == _SCALE and conjoined and last in (_SCALE, _SCALE_DUAL):
            allowed = True
            group.current = 1
        if allowed:
            group.total += group.current * value
            group.current = 0
            group.last_scale = value
    elif cls == _SCALE_DUAL:
        # "مليون وألفان", and a dual after a dual: "مليونان وألفان" (2,002,000).
        allowed = conjoined and (
            last in (_SCALE, _SCALE_AFTER_NUMBER)
            or (last == _SCALE_DUAL and value < group.last_scale)
        )
        if allowed:
            group.total += 2 * value
            group.last_scale = value
    elif cls == _DIGITS:
        allowed = conjoined and last in (_SCALE, _SCALE_AFTER_NUMBER, _DIGITS + "_scaled")
        if allowed:
            group.current += value
    else:
        allowed = False
    if allowed:
        group.last_class = cls
        group.token_count += 1
    return allowed


def _start_group(start: int, end: int, value: float, cls: str, word: str) -> _Group | None:
    """Open a group with its first token, or return ``None`` if it cannot start a number."""
    if cls == _SCALE_AFTER_NUMBER:
        return None
    group = _Group(start=start, end=end, last_class=cls, token_count=1, first_word=word)
    if cls == _SCALE:
        group.total = value
        group.last_scale = value
    elif cls == _SCALE_DUAL:
        group.total = 2 * value
        group.last_scale = value
    else:
        group.current = value
    return group


def _parse_digits(digits: str) -> tuple[float, int]:
    """Return the value of a digit string and its number of decimal places."""
    if "،" in digits:
        whole, _, fraction = digits.partition("،")
        if len(fraction) <= 2:
            return float(f"{whole}.{fraction}"), len(fraction)
        return float(digits.replace("،", "")), 0
    if "," not in digits and "." not in digits:
        return float(digits), 0
    if _DOTTED_THOUSANDS_RE.fullmatch(digits):
        return float(digits.replace(".", "")), 0
    if _COMMA_DECIMAL_RE.fullmatch(digits):
        whole, fraction = digits.split(",")
        return float(f"{whole}.{fraction}"), len(fraction)
    cleaned = digits.replace(",", "")
    decimals = len(cleaned.split(".", 1)[1]) if "." in cleaned else 0
    return float(cleaned), decimals


_PREFIX_CHARS = frozenset("$€£dsq%٪")
"""One of these stands in every match of the currency and percent prefix patterns."""


def _finish(group: _Group, normalized: NormalizedText) -> tuple[NumberMention, int] | None:
    """Turn a closed group into a mention, reading a percent sign, multiplier or unit after it."""
    text = normalized.text
    if group.token_count == 1 and group.first_word in _NOT_ALONE:
        return None
    value = group.value
    start, end = group.start, group.end
    kind: NumberKind = "number"
    unit: str | None = None
    decimals = 0
    rounding = 0.0
    if group.digits is not None:
        written, decimals = group.written, group.decimals
        if written > 0 and group.token_count == 1:
            rounding = 0.5 * 10.0**-decimals * value / written
    elif group.current == 0 and group.last_scale:
        rounding = 0.5 * group.last_scale  # "ثلاثة مليارات" is rounded to the billion
    else:
        rounding = 0.5

    suffix = _SUFFIX_RE.match(text, end)
    times_x = group.digits is not None and _TIMES_X_RE.match(text, end)
    if times_x:
        kind, end = "multiplier", times_x.end()
    elif suffix:
        name = suffix.lastgroup
        if name == "percent":
            kind = "percent"
        elif name == "times":
            kind = "multiplier"
        else:
            unit = name
        end = suffix.end()

    window_start = max(0, start - 5)
    before = text[window_start:start]
    if kind == "number" and unit is None and not _PREFIX_CHARS.isdisjoint(before):
        currency = _CURRENCY_PREFIX_RE.search(before)
        percent_before = _PERCENT_PREFIX_RE.search(before) if group.digits is not None else None
        if currency:
            unit = currency.lastgroup
            start = window_start + currency.start()
        elif percent_before:
            # Right-to-left typing often stores "50%" as "%50".
            kind = "percent"
            start = window_start + percent_before.start()

    if (
        kind == "number"
        and unit is None
        and group.digits is not None
        and group.token_count == 1
        and _YEAR_DIGITS_RE.fullmatch(group.digits)
        and 1800 <= value <= 2100
    ):
        kind = "year"

    original_start, original_end = normalized.span(start, end)
    mention = NumberMention(
        start=original_start,
        end=original_end,
        value=float(value),
        kind=kind,
        unit=unit,
        raw=normalized.original[original_start:original_end],
        decimal_places=decimals,
        rounding=rounding,
    )
    return mention, end


def extract_numbers_normalized(
    normalized: NormalizedText,
    start: int = 0,
    end: int | None = None,
    spans: WordSpans | None = None,
) -> list[NumberMention]:
    """Return the number mentions in ``normalized.text[start:end]``.

    Use this when the normalised text already exists (``doc.normalized``); offsets in the
    result point into ``normalized.original``. ``spans``, the words of ``normalized.text``
    when the caller has them (``doc.normalized_words``), save finding them again.
    """
    text = normalized.text
    end = len(text) if end is None else end
    mentions: list[NumberMention] = []
    group: _Group | None = None
    consumed_until = start

    def close() -> None:
        nonlocal consumed_until
        if group is not None:
            finished = _finish(group, normalized)
            if finished is not None:
                mentions.append(finished[0])
                consumed_until = finished[1]

    for match in _token_matches(text, start, end, spans):
        if match.start() < consumed_until:
            continue
        conjoined = False
        if group is not None:
            gap = text[group.end : match.start()]
            joiner = _JOINER_RE.fullmatch(gap) if gap else None
            if gap and joiner is None:
                close()
                group = None
                if match.start() < consumed_until:
                    continue
            elif joiner is not None:
                conjoined = "and" in gap or "و" in gap
        digits = match.group("digits")
        if digits is not None:
            written, decimals = _parse_digits(digits)
            value = written
            scale = match.group("scale")
            if scale:
                value *= _DIGIT_SCALES[scale]
            token_start = match.start("digits")
            if group is not None and token_start > 0 and text[token_start - 1] == "و":
                conjoined = True
            cls = _DIGITS + "_scaled" if scale else _DIGITS
            scale_value = _DIGIT_SCALES[scale] if scale else 0.0
            if _combine(group, value, _DIGITS, conjoined) and group is not None:
                group.end = match.end()
                group.last_class = cls
                group.last_scale = scale_value
                continue
            close()
            group = _Group(
                start=token_start,
                end=match.end(),
                current=value,
                last_class=cls,
                digits=digits,
                token_count=1,
                last_scale=scale_value,
                written=written,
                decimals=decimals,
            )
            continue
        word_group = next(
            name
            for name in ("word", "prefixed", "clitic_word", "short_word")
            if match.group(name) is not None
        )
        word = match.group(word_group)
        word_start = match.start(word_group)
        prefix = match.group("prefix") or match.group("clitic") or match.group("short_clitic") or ""
        if word in _FRACTIONS:
            joined = conjoined or prefix.startswith("و")
            if group is not None and joined and group.last_class in _SCALED and group.last_scale:
                # "مليون ونصف", "ثلاثة ملايين ونصف", "3 ملايين وربع"
                group.total += _FRACTIONS[word] * group.last_scale
                group.end = match.end()
                group.last_class = _FRACTION
                group.token_count += 1
                continue
            scaled = _FRACTION_SCALE_RE.match(text, match.end())
            if scaled is not None and not prefix:
                # "نصف مليون", "ربع مليار", "half a million"
                close()
                scale_value = _SCALE_WORDS[scaled.group("scale")]
                group = _Group(
                    start=word_start,
                    end=scaled.end(),
                    total=_FRACTIONS[word] * scale_value,
                    last_class=_SCALE,
                    token_count=2,
                    first_word=word,
                    last_scale=scale_value,
                )
                consumed_until = max(consumed_until, scaled.end())
                continue
        if word in _MULTIPLIER_VALUES:
            close()
            group = None
            if match.start() < consumed_until:
                continue
            if word in _GUARDED_MULTIPLIERS and not _GUARD_RE.match(text, match.end()):
                continue
            original_start, original_end = normalized.span(word_start, match.end())
            mentions.append(
                NumberMention(
                    start=original_start,
                    end=original_end,
                    value=float(_MULTIPLIER_VALUES[word]),
                    kind="multiplier",
                    unit=None,
                    raw=normalized.original[original_start:original_end],
                )
            )
            consumed_until = match.end()
            continue
        value, cls = (1.0, _UNIT) if word == "a" else _WORD_VALUES[word]
        conjoined = conjoined or prefix.startswith("و")
        if _combine(group, value, cls, conjoined) and group is not None:
            group.end = match.end()
            continue
        close()
        if cls == _SCALE_AFTER_NUMBER and word in _ONE_SCALE_WORDS:
            if _ONE_SCALE_NEXT_RE.match(text, match.end()):
                cls = _SCALE  # "مليارا و760 مليون": the accusative singular is one of the scale
        group = _start_group(word_start, match.end(), value, cls, word)
    close()
    return mentions


def extract_numbers(text: str) -> list[NumberMention]:
    """Return the number mentions in ``text``, in order, with offsets into ``text``.

    Examples:
        ``extract_numbers("بلغت الصادرات 2.7 مليار دولار")`` gives one mention with value
        ``2.7e9``, kind ``"number"`` and unit ``"usd"``.
    """
    return extract_numbers_normalized(normalize_with_offsets(text))
