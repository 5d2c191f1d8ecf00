"""Text normalisation, language detection and offset-keeping segmentation.

Every function that changes text for matching keeps a map back to the original
characters, so evidence always points at what the user sent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# Arabic diacritics (harakat, tanween, shadda, sukun, superscript alef, Quranic marks) and tatweel.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_CHAR_MAP = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ة": "ه",
        "ک": "ك",
        "ی": "ي",
        # Arabic-Indic and Persian digits read as ASCII digits.
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "٫": ".",  # Arabic decimal separator
        "٬": ",",  # Arabic thousands separator
    }
)


@lru_cache(maxsize=1)
def _fold_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Build per-code-point tables: folded code point, dropped mark, NFKC expands.

    Characters whose NFKC form is longer than one character take the slow path.
    """
    fold = np.arange(0x10000, dtype=np.uint32)
    is_mark = np.zeros(0x10000, dtype=bool)
    expands = np.zeros(0x10000, dtype=bool)
    is_normalized = unicodedata.is_normalized
    for code in range(0x80, 0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        if is_normalized("NFKC", char) and code not in _CHAR_MAP and not 0x0610 <= code <= 0x06ED:
            lowered = char.lower()
            if len(lowered) == 1:
                fold[code] = ord(lowered)
            else:
                expands[code] = True
            continue
        folded = normalize_char(char)
        if folded == "":
            is_mark[code] = True
        elif len(folded) == 1:
            fold[code] = ord(folded)
        else:
            expands[code] = True
    for code in range(0x80):
        fold[code] = ord(chr(code).lower())
    return fold, is_mark, expands


# Letters and digits (Arabic punctuation such as ، ؛ ؟ is not part of a word); diacritics kept.
# Runs of each kind alternate inside the group, so the engine loops once per run, not per
# character; the possessive ++ never backtracks into them.
WORD_RE = re.compile(r"(?:[^\W_]+|[\u0610-\u061a\u064b-\u065f\u0670]+)++")


def strip_diacritics(text: str) -> str:
    """Remove Arabic diacritics and tatweel."""
    return _ARABIC_MARKS.sub("", text)


def normalize_char(char: str) -> str:
    """Normalise one character for matching (may return "" for dropped marks)."""
    if _ARABIC_MARKS.match(char):
        return ""
    folded = unicodedata.normalize("NFKC", char)
    return folded.translate(_CHAR_MAP).lower()


@lru_cache(maxsize=4096)
def normalize_for_matching(text: str) -> str:
    """Normalise text for matching: NFKC, diacritics and tatweel removed, letter forms unified.

    Alef forms become bare alef, alef maqsura and yeh-hamza become yeh, teh marbuta becomes heh,
    Arabic-Indic and Persian digits become ASCII digits, and Latin letters are lower-cased.
    The result is not length-preserving; use :func:`normalize_with_offsets` when spans matter.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _ARABIC_MARKS.sub("", text)
    return text.translate(_CHAR_MAP).lower()


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text with a map from each normalised character to its original index."""

    original: str
    text: str
    index: Sequence[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised ``[start, end)`` span back to original offsets."""
        if start >= len(self.index):
            return len(self.original), len(self.original)
        original_start = self.index[start]
        original_end = self.index[end - 1] + 1 if end > start else original_start
        # Extend over trailing marks (diacritics) that normalisation dropped.
        while original_end < len(self.original) and _ARABIC_MARKS.match(
            self.original[original_end]
        ):
            original_end += 1
        return original_start, original_end


def normalize_with_offsets(text: str) -> NormalizedText:
    """Normalise ``text`` like :func:`normalize_for_matching` and keep an offset map."""
    if text.isascii():
        return NormalizedText(text, text.lower(), range(len(text)))
    # Fast path: a per-code-point table folds letters and drops marks in one vectorised pass.
    fold, is_mark, expands = _fold_tables()
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    bmp = np.minimum(codes, 0xFFFF)
    if not expands[bmp].any() and (codes <= 0xFFFF).all():
        keep = ~is_mark[bmp]
        folded_codes = fold[bmp][keep]
        folded = folded_codes.astype(np.uint32).tobytes().decode("utf-32-le")
        return NormalizedText(text, folded, np.flatnonzero(keep).tolist())
    chars: list[str] = []
    slow_index: list[int] = []
    for position, char in enumerate(text):
        folded = normalize_char(char)
        for piece in folded:
            chars.append(piece)
            slow_index.append(position)
    return NormalizedText(text, "".join(chars), slow_index)


def detect_language(text: str) -> str:
    """Return ``"ar"``, ``"en"`` or ``"und"`` from the share of Arabic and Latin letters."""
    # Arabic letters are U+0621-U+064A and U+0671-U+06D3, Latin letters A-Z and a-z; both are
    # counted on the code points in one vectorised pass.
    codes = np.frombuffer(text[:20000].encode("utf-32-le"), dtype=np.uint32)
    arabic = int(
        np.count_nonzero(
            ((codes >= 0x0621) & (codes <= 0x064A)) | ((codes >= 0x0671) & (codes <= 0x06D3))
        )
    )
    latin = int(np.count_nonzero(((codes | 0x20) >= 0x61) & ((codes | 0x20) <= 0x7A)))
    if arabic + latin < 20:
        return "und"
    return "ar" if arabic >= latin else "en"


def words(text: str) -> list[str]:
    """Return the word tokens of ``text`` (Arabic and Latin letters, digits)."""
    return WORD_RE.findall(text)


@dataclass(frozen=True)
class Span:
    """A ``[start, end)`` character span into an original text."""

    start: int
    end: int

    def of(self, text: str) -> str:
        """Return the text the span covers."""
        return text[self.start : self.end]


_SENTENCE_END = re.compile(r"(?<=[.!?؟…])[\"'”»)]*\s+|\n+|(?<=[.!?؟])[\"'”»)]*$")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n")


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def _split_spans(
    text: str, breaks: re.Pattern[str], start: int, end: int | None, keep_marks: bool
) -> list[Span]:
    """Return the trimmed, non-empty pieces of ``text[start:end]`` between ``breaks`` matches.

    With ``keep_marks``, a break that is not only whitespace (closing quotes after a full
    stop) stays with the piece before it.
    """
    end = len(text) if end is None else end
    spans: list[Span] = []
    cursor = start
    for match in breaks.finditer(text, start, end):
        piece_end = match.end() if keep_marks and match.group().strip() else match.start()
        span = _trimmed(text, cursor, piece_end)
        if span:
            spans.append(span)
        cursor = match.end()
    span = _trimmed(text, cursor, end)
    if span:
        spans.append(span)
    return spans


def split_paragraphs(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split ``text[start:end]`` into non-empty lines/paragraphs with original offsets."""
    return _split_spans(text, _PARAGRAPH_BREAK, start, end, keep_marks=False)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split ``text[start:end]`` into sentences, keeping offsets into ``text``.

    Sentences end at ``. ! ? ؟ …`` followed by space, or at a line break. Decimal points
    ("2.7") do not end a sentence because no space follows them.
    """
    return _split_spans(text, _SENTENCE_END, start, end, keep_marks=True)
