"""Property: whatever text, numbers or HTML a draft holds, scoring never raises a bug.

``DetectorEngine.score`` either returns a report that is finite JSON or raises
``InvalidArticleError`` (the caller's problem, a 4xx). ``MIZAN_PROPERTY_EXAMPLES`` raises the
number of generated articles for a longer local run.
"""

import json
import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mizan.detector import DetectorEngine
from mizan.detector.errors import InvalidArticleError

EXAMPLES = int(os.environ.get("MIZAN_PROPERTY_EXAMPLES", "300"))

ARABIC_WORDS = [
    "قال",
    "الخبير",
    "الاقتصادي",
    "مصادر",
    "مطلعة",
    "مساحة",
    "السعودية",
    "مصر",
    "تبلغ",
    "كيلومتر",
    "مربع",
    "مليون",
    "مليار",
    "ونصف",
    "نصف",
    "ربع",
    "مليونين",
    "ألفين",
    "ضعف",
    "مرات",
    "أضعاف",
    "أصغر",
    "أكبر",
    "بنسبة",
    "٪",
    "%",
    "الذهب",
    "عيار",
    "جرام",
    "أوقية",
    "الريال",
    "الدولار",
    "سعر",
    "شراء",
    "بيع",
    "كتب",
    "بقلم",
    "|",
    "عاجل",
    "تعرف",
    "على",
    "إليك",
    "اقرأ",
    "أيضا",
    "د.",
    "محمد",
    "،",
    ".",
    "؟",
    ":",
    "\n",
    "\n\n",
]
ENGLISH_WORDS = [
    "said",
    "expert",
    "analyst",
    "sources",
    "area",
    "population",
    "million",
    "billion",
    "half",
    "times",
    "smaller",
    "larger",
    "percent",
    "%",
    "By",
    "gold",
    "ounce",
    "gram",
    "Dr.",
    "Smith",
    "|",
    ",",
    ".",
    "\n",
]
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**400).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["0", "0.0", "٠", "١٫٥", "1,5", "1.000.000", "10^6", "1e400", "½", "-0"]),
)
INVISIBLE = st.sampled_from(["\u200c", "\u200d", "\u200b", "\u00ad", "\ufeff", "\u200f", "\u2066"])
HTML = st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<h2>", "</h2>", "<li>", "<br>", "&amp;"])
TOKENS = st.one_of(
    st.sampled_from(ARABIC_WORDS),
    st.sampled_from(ENGLISH_WORDS),
    NUMBERS,
    INVISIBLE,
    HTML,
    st.text(max_size=12),
    st.just(" " * 40),
)
TEXTS = st.lists(TOKENS, min_size=1, max_size=120).map(" ".join)


@pytest.fixture(scope="module")
def engine() -> DetectorEngine:
    return DetectorEngine.from_settings()


def _check(engine: DetectorEngine, article: dict[str, str]) -> None:
    try:
        report = engine.score(article)
    except InvalidArticleError as error:
        assert str(error)
        return
    assert math.isfinite(report.reliability)
    assert 0.0 <= report.reliability <= 1.0
    data = report.to_dict(include_features=True)
    json.dumps(data, allow_nan=False)
    for signal in report.signals:
        for item in signal.evidence:
            assert 0 <= item.start <= item.end


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(title=st.one_of(st.none(), TEXTS), body=TEXTS)
def test_page_text_never_raises_a_bug(engine: DetectorEngine, title: str | None, body: str) -> None:
    article = {"body": body}
    if title:
        article["title"] = title[:2000]
    _check(engine, article)


@settings(
    max_examples=max(EXAMPLES // 3, 20),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(body=TEXTS, depth=st.integers(min_value=0, max_value=400))
def test_html_never_raises_a_bug(engine: DetectorEngine, body: str, depth: int) -> None:
    html = "<html><body>" + "<div>" * depth + f"<p>{body}</p>" + "</div>" * depth + "</body></html>"
    _check(engine, {"html": html})
