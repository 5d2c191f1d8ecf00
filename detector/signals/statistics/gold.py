"""Gold: karat prices, ounces against grams, forecasts passed, masses and reserves."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mizan.detector.signals.statistics.claims import (
    _GENERIC_CURRENCIES,
    _Field,
    _figure,
    _Findings,
    _measurable,
    _Money,
    _Number,
    _relative_rounding,
)
from mizan.detector.signals.statistics.money import _currency, _usd_rate

GOLD_TOLERANCE = 0.045
"""A retail gram price may stand 4.5% off the spot ounce (a premium of about 3% over spot in
Gulf retail, plus the day's movement between two fixes)."""
FORECAST_MARGIN = 0.01
"""A forecast gram price 1% below the page's own current price is already passed."""
GOLD_KARAT_PREMIUM = 0.015
"""Retail karat prices stray from k/24 by about this much more (Dubai prices 22K at 0.926)."""
GRAMS_PER_TROY_OUNCE = 31.1035
MAX_PRICE_PAIRS = 12
"""At most this many ounce prices and as many gram prices are compared per field."""
_OUNCE_AFTER_RE = re.compile(
    r"\s*(?:(?:per|an|a|/)\s*(?:troy\s+)?(?:ounce|oz)\b|(?:لل|ل|/\s*)(?:ال)?(?:اوقيه|اونصه)"
    r"|(?:ال)?(?:اوقيه|اونصه)(?![\w]))"
)
_LEVEL_RE = re.compile(
    r"\b(?:support|resistance|forecasts?|target|could|expected|projected|mark|threshold)\b"
    r"|(?<![\w])(?:دعم|مقاومه|توقعات|متوقع|يتوقع|سيصل|المستهدف|حاجز|ال?حاجز)(?![\w])"
)
_LEVEL_AFTER_RE = re.compile(
    r"\s{0,3}(?:(?:an|a|per)\s{1,3}ounce\s{1,3})?(?:mark|level|barrier|threshold)\b"
    r"|\s{0,3}(?:حاجز|مستوي)(?![\w])"
)
_CHANGE_RE = re.compile(
    r"\b(?:gained|gains|added|lost|grown|grew|(?:rose|fell|increased|climbed|up|down)\s+by)\b"
    r"|(?<![\w])(?:بمقدار|بزياده|زياده|ربح|خسر|مكاسب|خسائر)(?![\w])"
)
_MITHQAL_RE = re.compile(r"مثقال|\bmithqal\b|\btola\b|\btola?s\b")
_OUNCE_BEFORE_RE = re.compile(r"(?:اوقيه|اونصه|\bounce\b|\boz\b)[^\d\n]{0,25}$")
_GRAM_AFTER_RE = re.compile(
    r"\s*(?:(?:per|a|/)\s*(?:gram|gm|g)\b|(?:لل|ل|/\s*)(?:ال)?(?:جرام|غرام)(?![\w]))"
)
_KARAT_BEFORE_RE = re.compile(
    r"(?:(?<![\w])و?عيار\s*(24|22|21|18)(?!\d)|\b(24|22|21|18)\s{0,2}-?\s{0,2}(?:k|karat|carat|ct)\b"
    r"|(?<![\d.])(24|22|21|18)\s+(?:قيراط|بسعر))[^\d\n]{0,40}$"
)


def _check_gold(source: _Field, money: _Money, findings: _Findings) -> None:
    """Compare an ounce price of gold with the page's gram prices by karat (31.1035 g/oz)."""
    if not source.has("gold"):
        return
    text = source.text
    ounces: list[tuple[_Number, str]] = []
    grams: list[tuple[_Number, str, int]] = []
    for number in source.numbers:
        mention = number.mention
        code = _currency(mention, money)
        if code is None and mention.unit in _GENERIC_CURRENCIES:
            code = mention.unit  # comparable with the same word, not converted
        if mention.kind != "number" or code is None or not _measurable(mention.value):
            continue
        line_start = text.rfind("\n", max(0, number.start - 60), number.start) + 1
        window_start = max(line_start, number.start - 60)
        if _OUNCE_AFTER_RE.match(text, number.end) or _OUNCE_BEFORE_RE.search(
            text, window_start, number.start
        ):
            # Support, resistance and forecast levels are not today's price.
            if _LEVEL_RE.search(text, window_start, number.start) or _LEVEL_AFTER_RE.match(
                text, number.end
            ):
                continue
            if len(ounces) < MAX_PRICE_PAIRS:
                ounces.append((number, code))
            continue
        karat = _KARAT_BEFORE_RE.search(text, window_start, number.start)
        if karat is not None and _CHANGE_RE.search(text, karat.start(), number.start):
            karat = None  # "24K has gained Dh158 a gram": a change, not a price
        if karat is not None and _MITHQAL_RE.search(text, window_start, number.end + 25):
            karat = None  # a mithqal is not a gram
        if karat is not None and len(grams) < MAX_PRICE_PAIRS:
            grams.append((number, code, int(next(group for group in karat.groups() if group))))
    _check_karats(source, grams, findings)
    _check_gold_forecast(source, grams, findings)
    _check_session_moves(source, ounces, findings)
    if not ounces or not grams:
        return
    for ounce, ounce_code in ounces:
        worst: tuple[float, str] | None = None
        for gram, gram_code, gram_karat in grams:
            ounce_rate, gram_rate = _usd_rate(ounce_code), _usd_rate(gram_code)
            if ounce_code == gram_code:
                rate = 1.0
            elif ounce_rate is not None and gram_rate is not None:
                rate = gram_rate / ounce_rate
            else:
                continue
            pure = ounce.mention.value / GRAMS_PER_TROY_OUNCE * rate
            expected = pure * gram_karat / 24
            deviation = abs(gram.mention.value / expected - 1)
            findings.checked += 1
            allowed = GOLD_TOLERANCE + _relative_rounding(gram.mention)
            if gram_karat != 24:
                allowed += GOLD_KARAT_PREMIUM
            if deviation > allowed and (worst is None or deviation > worst[0]):
                conversion = "" if rate == 1.0 else f" at {rate:g} {gram_code} per {ounce_code}"
                worst = (
                    deviation,
                    f"{_figure(ounce.mention.value)} {ounce_code} an ounce is "
                    f"{_figure(pure)} {gram_code} a gram of 24K ({GRAMS_PER_TROY_OUNCE} g per "
                    f"troy ounce{conversion}), so {gram_karat}K is {_figure(expected)}; "
                    f"the page gives {_figure(gram.mention.value)}",
                )
        if worst is not None:
            findings.internal += 1
            findings.evidence.append(source.evidence(ounce.start, ounce.end, worst[1]))


MOVE_LEVEL_SPREAD = 0.03
"""Two moves of one price compared only when their levels lie within 3% of each other."""
_MOVE_TO_RE = re.compile(
    r"\s{0,3}(?:to|at|(?:ال|ا)ي|عند|ليصل\s+(?:الي|ا)ي?|ليسجل|مسجلا|مسجله|ل)"
    r"(?:\s{1,3}(?:approach|about|around|reach|nearly|almost|نحو|حوالي|مستوي))?\s{0,3}$"
)
_MOVE_UP_RE = re.compile(
    r"\b(?:rose|rise|rising|increased|up|gained|climbed|advanced|added|jumped)\b"
    r"|(?<![\w])[وف]?(?:ارتفع|ارتفعت|ارتفاع|صعد|صعدت|زاد|زادت|قفز|قفزت|مرتفعا)(?![\w])"
)
_MOVE_DOWN_RE = re.compile(
    r"\b(?:fell|fall|down|dropped|declined|lost|decreased|slipped|eased|shed)\b"
    r"|(?<![\w])[وف]?(?:تراجع|تراجعت|انخفض|انخفضت|هبط|هبطت|خسر|خسرت|نزل|نزلت|منخفضا)(?![\w])"
)
_MOVE_APART_RE = re.compile(
    r"\b(?:futures?|contracts?|comex|delivery|as\s+much\s+as|high|low|peak|record|earlier"
    r"|intraday|pared|paring|trimmed|before|after|then|later)\b"
    r"|(?<![\w])(?:ال)?(?:عقود|العقود|اجله|الاجله|اعلي|ادني|ذروه|قياسي|قياسيا|سابق|ثم|لاحقا"
    r"|قلص|مقلصا|قبل)(?![\w])"
    r"|بما\s+يصل"
)
"""Words that tell two prices apart: futures against spot, an intraday high, a record, an
earlier or later move of the session ("rose 0.6% before paring gains")."""
_MOVE_TIME_RE = re.compile(
    r"\b\d{1,2}:\d{2}\b|\b(?:by|at)\s+\d{4}\b|\b(?:gmt|morning|afternoon|midday|noon|opening)\b"
    r"|(?<![\w])(?:بحلول|بتوقيت|الصباح|صباحا|الظهر|ظهرا|المساء|مساء|الافتتاح|منتصف)(?![\w])"
)
"""A time of day: two moves that both carry one may be a timeline of the session."""


def _session_move(
    source: _Field, numbers: Sequence[_Number], index: int
) -> tuple[int, float, float, float, bool] | None:
    """Return ``(start, base low, base high, level, timed)`` for "rose 0.6% to $3,373 an ounce".

    The base is the price the move started from (3,373 / 1.006), as a range over the
    percentage's rounding, and ``timed`` whether the sentence gives a time of day; ``None``
    when no stated move leads to the price, or when the sentence names futures, a high or a
    record that sets the price apart.
    """
    text = source.text
    price = numbers[index]
    if index == 0:
        return None
    percent = numbers[index - 1]
    if percent.mention.kind != "percent" or price.start - percent.end > 30:
        return None
    if not _MOVE_TO_RE.match(text[percent.end : price.start]):
        return None
    sentence_start = max(
        text.rfind(". ", 0, percent.start), text.rfind("\n", 0, percent.start), percent.start - 80
    )
    before = text[sentence_start + 1 : percent.start]
    up = [match.end() for match in _MOVE_UP_RE.finditer(before)]
    down = [match.end() for match in _MOVE_DOWN_RE.finditer(before)]
    if not up and not down:
        return None
    sign = 1.0 if (up[-1] if up else -1) > (down[-1] if down else -1) else -1.0
    ceiling = min(len(text), price.end + 40)
    stops = [
        stop
        for stop in (text.find(". ", price.end, ceiling), text.find("\n", price.end, ceiling))
        if stop >= 0
    ]
    sentence_end = min(stops) if stops else ceiling
    if _MOVE_APART_RE.search(text, sentence_start + 1, sentence_end):
        return None
    timed = _MOVE_TIME_RE.search(text, sentence_start + 1, sentence_end) is not None
    step, spread = percent.mention.value / 100, percent.mention.rounding / 100
    if not 0 < step < 0.2:
        return None
    level = price.mention.value
    bases = (level / (1 + sign * (step + spread)), level / (1 + sign * (step - spread)))
    return percent.start, min(bases), max(bases), level, timed


def _check_session_moves(
    source: _Field, ounces: Sequence[tuple[_Number, str]], findings: _Findings
) -> None:
    """Flag one price moved twice from the same base.

    "Up 0.6% to 3,373" and "up 0.3% to 3,364" both start from about 3,353: they cannot both
    be today's price unless the page says which is spot and which futures, or dates both
    within the session.
    """
    if len(ounces) < 2:
        return
    positions = {id(number): index for index, number in enumerate(source.numbers)}
    moves: list[tuple[_Number, str, tuple[int, float, float, float, bool]]] = []
    for number, code in ounces:
        index = positions.get(id(number))
        move = _session_move(source, source.numbers, index) if index is not None else None
        if move is not None:
            moves.append((number, code, move))
    for position, (first, code, (start, low, high, level, timed)) in enumerate(moves):
        for second, other_code, (_start, other_low, other_high, other_level, other_timed) in moves[
            position + 1 :
        ]:
            if timed and other_timed:
                continue  # "by 0900 GMT up 0.8% ... by 1400 GMT up 0.4%": a timeline
            apart = abs(level - other_level) - first.mention.rounding - second.mention.rounding
            if other_code != code or apart <= 0.001 * level:
                continue
            if abs(level - other_level) > MOVE_LEVEL_SPREAD * level:
                continue
            if low > other_high or other_low > high:
                continue
            findings.checked += 1
            findings.internal += 1
            findings.evidence.append(
                source.evidence(
                    start,
                    first.end,
                    f"the page moves the same price from about {_figure((low + high) / 2)} "
                    f"{code} an ounce to {_figure(level)} here and to {_figure(other_level)} "
                    f"later; one price cannot be both, and the page does not say which is "
                    f"spot, futures or an earlier high",
                )
            )
            return


KARAT_EXACT = 0.0003
"""A karat price this close to 24K x k/24 shows the page prices by the pure ratio."""
KARAT_TOLERANCE = 0.001
KARAT_LOOSE_TOLERANCE = 0.04
"""Retail tables (Dubai's 22K at about 0.926 of 24K) stray from k/24 by up to 4%."""
TROY_OUNCES_PER_TONNE = 32150.7
_TONNES_RE = re.compile(r"\s*(?:(?:metric\s+)?tonnes|tons|(?:ال)?اطنان|طنا|طن)(?![\w])")
_OUNCES_RE = re.compile(
    r"\s*(?:(?:troy\s+)?ounces|oz|(?:ال)?اوقيات|(?:ال)?اونصات|اوقيه|اونصه)(?![\w])"
)
_FORECAST_RE = re.compile(
    r"\b(?:forecasts?|could\s+reach|expected\s+to\s+reach|may\s+reach|to\s+reach)\b"
    r"|(?<![\w])(?:سيصل|ستصل|قد\s+يصل|قد\s+تصل|توقعات\s+بوصول|يتوقع\s+ان\s+يصل)(?![\w])"
)
_FALL_RE = re.compile(r"\b(?:fall|drop|decline|slide)\b|تنخفض|تتراجع|ينخفض|يتراجع|هبوط")


def _check_karats(
    source: _Field, grams: Sequence[tuple[_Number, str, int]], findings: _Findings
) -> None:
    """Compare each karat price with 24K x k/24 (21K is 0.875 of 24K) in the same currency."""
    first: dict[tuple[str, int], _Number] = {}
    for number, code, karat in grams:
        first.setdefault((code, karat), number)
    for (code, karat), pure_number in first.items():
        if karat != 24:
            continue
        pure = pure_number.mention.value
        others = [
            (other_karat, number)
            for (other_code, other_karat), number in first.items()
            if other_code == code and other_karat != 24
        ]
        deviations = [
            (number.mention.value / (pure * other_karat / 24) - 1, other_karat, number)
            for other_karat, number in others
        ]
        exact = any(
            abs(deviation) <= KARAT_EXACT + _relative_rounding(number.mention)
            for deviation, _k, number in deviations
        )
        tolerance = KARAT_TOLERANCE if exact else KARAT_LOOSE_TOLERANCE
        for deviation, other_karat, number in deviations:
            findings.checked += 1
            allowed = (
                tolerance
                + _relative_rounding(number.mention)
                + _relative_rounding(pure_number.mention)
            )
            if abs(deviation) <= allowed:
                continue
            findings.internal += 1
            basis = "as the page's other karats are" if exact else "within retail margins"
            findings.evidence.append(
                source.evidence(
                    number.start,
                    number.end,
                    f"{other_karat}K at {_figure(number.mention.value)} {code} is not "
                    f"{other_karat}/24 of the page's 24K price {_figure(pure)} "
                    f"(= {_figure(pure * other_karat / 24)}, {basis})",
                )
            )


def _check_gold_forecast(
    source: _Field, grams: Sequence[tuple[_Number, str, int]], findings: _Findings
) -> None:
    """Flag a forecast gram price the page's own current 24K price already exceeds."""
    text = source.text
    current = {code: number for number, code, karat in reversed(grams) if karat == 24}
    if not current:
        return
    for number in source.numbers:
        mention = number.mention
        code = _currency(mention, source.money) if source.money else None
        if code not in current or not _GRAM_AFTER_RE.match(text, number.end):
            continue
        window_start = max(0, number.start - 60)
        forecast = _FORECAST_RE.search(text, window_start, number.start)
        if forecast is None or _FALL_RE.search(text, window_start, number.start):
            continue
        if _KARAT_BEFORE_RE.search(text, window_start, number.start):
            continue
        price = current[code].mention.value
        if mention.value < price * (1 - FORECAST_MARGIN):
            findings.internal += 1
            findings.evidence.append(
                source.evidence(
                    forecast.start(),
                    number.end,
                    f"forecast of {_figure(mention.value)} {code} a gram is below the page's "
                    f"own 24K price of {_figure(price)}",
                )
            )


def _check_masses(source: _Field, findings: _Findings) -> None:
    """Flag a figure given in ounces and later in tonnes (a tonne is 32,150.7 troy ounces)."""
    if not source.has("masses"):
        return
    text = source.text
    ounces: dict[float, _Number] = {}
    for number in source.numbers:
        value = number.mention.value
        if number.mention.kind != "number" or value < 1000:
            continue
        if _OUNCES_RE.match(text, number.end):
            ounces.setdefault(value, number)
        elif value in ounces and _TONNES_RE.match(text, number.end):
            findings.internal += 1
            findings.evidence.append(
                source.evidence(
                    number.start,
                    number.end,
                    f"{_figure(value)} tonnes here, {_figure(value)} ounces earlier "
                    f"(a tonne is {TROY_OUNCES_PER_TONNE:,} troy ounces)",
                )
            )
