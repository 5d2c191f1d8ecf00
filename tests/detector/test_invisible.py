"""Invisible format characters change no score and no evidence; every report is finite JSON."""

import json
import math
import random
from dataclasses import replace
from pathlib import Path

import pytest

from mizan.detector import DetectorEngine
from mizan.detector.signals.base import SignalResult
from mizan.detector.text import strip_format_characters

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# Zero-width non-joiner, joiner and space, word joiner, BOM, soft hyphen, Arabic letter mark,
# LRM, RLM, combining grapheme joiner, and a bidi isolate pair.
INVISIBLE = [
    "\u200c",
    "\u200d",
    "\u200b",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\u061c",
    "\u200e",
    "\u200f",
    "\u034f",
    "\u2066",
    "\u2069",
]


@pytest.fixture(scope="module")
def engine() -> DetectorEngine:
    return DetectorEngine.from_settings()


def _example(name: str) -> dict[str, str]:
    path = EXAMPLES / name
    if path.suffix == ".json":
        data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        return data
    return {"body": path.read_text(encoding="utf-8")}


def _sprinkle(text: str, seed: int, rate: float = 0.3) -> tuple[str, list[int]]:
    """Insert invisible characters inside words; return the text and each clean char's offset."""
    rng = random.Random(seed)
    out: list[str] = []
    where: list[int] = []
    length = 0
    for char in text:
        where.append(length)
        out.append(char)
        length += 1
        if char.isalpha() and rng.random() < rate:
            run = rng.choice(INVISIBLE) * rng.randint(1, 3)
            out.append(run)
            length += len(run)
    return "".join(out), where


@pytest.mark.parametrize(
    "case",
    [
        ("ab\u200ccd", "abcd", [0, 1, 3, 4]),
        ("\ufeffبسم", "بسم", [1, 2, 3]),
        ("كل\u00adمة", "كلمة", [0, 1, 3, 4]),
        ("a\u200e\u200fb", "ab", [0, 3]),
        ("no marks here", "no marks here", None),
    ],
)
def test_strip_format_characters_keeps_offsets(case: tuple[str, str, list[int] | None]) -> None:
    text, expected, index = case
    visible = strip_format_characters(text)
    assert visible.text == expected
    assert (None if visible.index is None else list(visible.index)) == index
    # Every visible span maps back onto the same visible characters of the original.
    for start in range(len(expected)):
        for end in range(start + 1, len(expected) + 1):
            lo, hi = visible.span(start, end)
            assert strip_format_characters(text[lo:hi]).text == expected[start:end]


@pytest.mark.parametrize("name", ["farm_ar.txt", "wire_ar.txt", "farm_en.json", "wire_en.json"])
@pytest.mark.parametrize("seed", [1, 2])
def test_invisible_characters_inside_words_change_nothing(
    engine: DetectorEngine, name: str, seed: int
) -> None:
    clean = _example(name)
    dirty = dict(clean)
    maps: dict[str, list[int]] = {}
    for field in ("title", "body", "author_bio"):
        if clean.get(field):
            dirty[field], maps[field] = _sprinkle(clean[field], seed)
    before, after = engine.score(clean), engine.score(dirty)
    assert after.reliability == before.reliability
    assert after.verdict == before.verdict
    assert after.features == before.features
    assert after.title == before.title
    for clean_signal, dirty_signal in zip(before.signals, after.signals, strict=True):
        assert dirty_signal.score == clean_signal.score
        assert len(dirty_signal.evidence) == len(clean_signal.evidence)
        for old, new in zip(clean_signal.evidence, dirty_signal.evidence, strict=True):
            sent = dirty[new.field]
            # The evidence quotes what was sent, and starts where the clean evidence started.
            assert new.text == sent[new.start : new.end]
            assert new.start == maps[new.field][old.start]
            assert strip_format_characters(new.text).text == old.text
            assert new.reason == old.reason


def test_a_farm_page_keeps_its_evidence_when_words_are_split(engine: DetectorEngine) -> None:
    clean = _example("farm_ar.txt")
    dirty = {"body": _sprinkle(clean["body"], seed=7, rate=0.6)[0]}
    report = engine.score(dirty)
    fired = {signal.name for signal in report.signals if signal.evidence}
    assert {"experts", "statistics"} <= fired
    assert report.verdict == engine.score(clean).verdict


class _Overflowing:
    """Wraps a signal and makes its features overflow, as a 400-digit figure would."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.name = inner.name  # type: ignore[attr-defined]
        self.version = inner.version  # type: ignore[attr-defined]
        self.feature_names = inner.feature_names  # type: ignore[attr-defined]

    def extract(self, doc: object, context: object) -> SignalResult:
        result: SignalResult = self.inner.extract(doc, context)  # type: ignore[attr-defined]
        values = [math.inf, -math.inf, math.nan]
        features = {name: values[index % 3] for index, name in enumerate(result.features)}
        return replace(result, score=math.nan, features=features)


def test_overflowing_features_still_give_finite_json(engine: DetectorEngine) -> None:
    guarded = DetectorEngine.from_settings()
    guarded.signals = tuple(_Overflowing(signal) for signal in engine.signals)  # type: ignore[misc]
    report = guarded.score(_example("farm_ar.txt"))
    assert math.isfinite(report.reliability)
    assert all(math.isfinite(value) for value in report.features.values())
    assert all(0.0 <= signal.score <= 1.0 for signal in report.signals)
    text = json.dumps(report.to_dict(include_features=True), allow_nan=False)
    assert json.loads(text)["reliability"] == round(report.reliability, 4)
