"""Text normalisation, language detection and offset-keeping segmentation.

Every function that changes text for matching keeps a map back to the original
characters, so evidence always points at what the user sent.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
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


def _format_ranges() -> str:
    """Return a regex class body of the invisible format characters.

    Unicode's format category (Cf: zero-width space, non-joiner and joiner, word joiner,
    BOM, soft hyphen, Arabic letter mark, LRM/RLM, bidi embeddings and isolates, tags) plus
    the combining grapheme joiner, which is a mark but just as invisible.
    """
    codes = [code for code in range(0x10000) if unicodedata.category(chr(code)) == "Cf"]
    codes.append(0x034F)
    codes.sort()
    ranges: list[str] = []
    start = previous = codes[0]
    for code in [*codes[1:], -1]:
        if code == previous + 1:
            previous = code
            continue
        ranges.append(f"\\u{start:04x}" + (f"-\\u{previous:04x}" if previous > start else ""))
        start = previous = code
    return "".join(ranges) + "\\U000e0000-\\U000e007f"


FORMAT_RANGES = _format_ranges()
"""The body of a regex class of the invisible format characters (see :func:`_format_ranges`)."""
# One run of invisible format characters (the class is closed, so a run cannot backtrack).
FORMAT_RE = re.compile(f"[{FORMAT_RANGES}]++")


@dataclass(frozen=True)
class VisibleText:
    """Text with its invisible format characters removed, and the way back.

    ``index[i]`` is the offset in :attr:`original` of character ``i`` of :attr:`text`;
    ``index`` is ``None`` when nothing was removed (the two texts are the same).
    """

    original: str
    text: str
    index: Sequence[int] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of :attr:`text` to offsets into :attr:`original`."""
        if self.index is None:
            return start, end
        if start >= len(self.index):
            return len(self.original), len(self.original)
        original_start = self.index[start]
        original_end = self.index[end - 1] + 1 if end > start else original_start
        return original_start, original_end


def strip_format_characters(text: str) -> VisibleText:
    """Remove invisible format characters from ``text``, keeping a map to its offsets.

    A zero-width joiner or a soft hyphen inside a word would otherwise split it for every
    lexicon and pattern; removing them once, before parsing, lets every signal read the
    words a reader sees, and the map lets evidence point into what the caller sent.
    """
    if FORMAT_RE.search(text) is None:
        return VisibleText(text, text)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    keep = np.ones(len(codes), dtype=bool)
    for match in FORMAT_RE.finditer(text):
        keep[match.start() : match.end()] = False
    visible = codes[keep].tobytes().decode("utf-32-le")
    return VisibleText(text, visible, np.flatnonzero(keep).tolist())


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
    folded, lengths = _fold(text)
    if lengths.dtype == np.bool_:
        index = np.flatnonzero(lengths).tolist()
    else:
        index = np.repeat(np.arange(len(lengths)), lengths).tolist()
    return NormalizedText(text, folded, index)


def folded_text(text: str) -> str:
    """Return ``normalize_with_offsets(text).text`` without building the offset map."""
    if text.isascii():
        return text.lower()
    return _fold(text)[0]


def _fold(text: str) -> tuple[str, np.ndarray]:
    """Fold each character of ``text`` to :func:`normalize_char` of it.

    Returns the folded text and how many characters each character became (a boolean
    array when every one became at most one). A per-code-point table folds letters and
    drops marks in one vectorised pass; only characters whose fold is longer than one
    character (or that lie outside the table) are folded one by one.
    """
    fold, is_mark, expands = _fold_tables()
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    bmp = np.minimum(codes, 0xFFFF)
    keep = ~is_mark[bmp]
    special = expands[bmp] | (codes > 0xFFFF)
    if not special.any():
        return fold[bmp][keep].tobytes().decode("utf-32-le"), keep
    # Lay the table's codes out with each character's length (0 for a dropped mark, 1 from
    # the table, the fold's length for a special one), then write the special folds over
    # their places.
    positions = np.flatnonzero(special).tolist()
    replacements = [normalize_char(text[position]) for position in positions]
    lengths = keep.astype(np.intp)
    lengths[positions] = [len(replacement) for replacement in replacements]
    out = np.repeat(fold[bmp], lengths)
    starts = np.cumsum(lengths) - lengths
    for position, replacement in zip(positions, replacements, strict=True):
        if replacement:
            start = int(starts[position])
            out[start : start + len(replacement)] = np.frombuffer(
                replacement.encode("utf-32-le"), dtype=np.uint32
            )
    return out.tobytes().decode("utf-32-le"), lengths


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


def first_occurrence_ids(words: Sequence[str]) -> np.ndarray:
    """Return, for each word, the position of its first occurrence (equal words, equal ids)."""
    first_seen: dict[str, int] = {}
    return np.fromiter(
        map(first_seen.setdefault, words, range(len(words))), dtype=np.int64, count=len(words)
    )


def words(text: str) -> list[str]:
    """Return the word tokens of ``text`` (Arabic and Latin letters, digits)."""
    return WORD_RE.findall(text)


# The diacritics that WORD_RE keeps inside words, as code point ranges.
_WORD_MARK_RANGES = ((0x0610, 0x061A), (0x064B, 0x065F), (0x0670, 0x0670))


@lru_cache(maxsize=1)
def letter_or_digit_table() -> np.ndarray:
    r"""Return, per BMP code point, whether ``re`` counts it in ``[^\W_]`` (a letter or digit).

    That class is ``str.isalnum``; ``"_"`` and the other code points are outside it.
    """
    return np.fromiter((chr(code).isalnum() for code in range(0x10000)), dtype=bool, count=0x10000)


@lru_cache(maxsize=1)
def _word_table() -> np.ndarray:
    """Return, per BMP code point, whether :data:`WORD_RE` takes it into a word."""
    table = letter_or_digit_table().copy()
    for first, last in _WORD_MARK_RANGES:
        table[first : last + 1] = True
    return table


def bmp_codes(text: str) -> np.ndarray | None:
    """Return the code points of ``text`` as ``uint32``, or ``None`` beyond the BMP.

    ``None`` also for text that cannot be encoded (lone surrogates): callers then fall back
    to their regular expression.
    """
    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:
        return None
    if codes.size and int(codes.max()) > 0xFFFF:
        return None
    return codes


_VECTORISED_MIN_CHARS = 400
"""From this length on, runs of letters and digits are found on the code points (shorter
texts: by regex, which is faster there)."""
_LETTERS_AND_DIGITS = re.compile(r"[^\W_]+")


def letter_digit_runs(text: str) -> tuple[list[int], list[int]] | None:
    r"""Return the starts and ends of the runs of letters and digits (``[^\W_]+``) of ``text``.

    Found on the code points; ``None`` for text shorter than 400 characters (a regular
    expression is faster there) or beyond the BMP.
    """
    codes = bmp_codes(text) if len(text) >= _VECTORISED_MIN_CHARS else None
    if codes is None:
        return None
    # A run starts or ends where the letter-or-digit flag changes (outside the text it is
    # off): those positions alternate between starts and ends.
    flags = np.zeros(len(codes) + 2, dtype=bool)
    flags[1:-1] = letter_or_digit_table()[codes]
    edges = np.flatnonzero(flags[1:] != flags[:-1]).tolist()
    return edges[0::2], edges[1::2]


def _letters_and_digits_only(codes: np.ndarray, letters: np.ndarray) -> list[str]:
    """Return the runs of letters and digits of BMP ``codes`` (``letters``: which are ones).

    Every other character becomes a space, and ``str.split`` cuts the words out in one
    call: no letter or digit is white space, so the pieces are exactly the runs.
    """
    return np.where(letters, codes, np.uint32(0x20)).tobytes().decode("utf-32-le").split()


def letter_digit_spans(text: str) -> tuple[list[str], list[int], list[int]] | None:
    r"""Return the runs of letters and digits (``[^\W_]+``) of ``text`` and their offsets.

    The words with their starts and ends, found on the code points; ``None`` where
    :func:`letter_digit_runs` gives ``None``.
    """
    codes = bmp_codes(text) if len(text) >= _VECTORISED_MIN_CHARS else None
    if codes is None:
        return None
    letters = letter_or_digit_table()[codes]
    flags = np.zeros(len(codes) + 2, dtype=bool)
    flags[1:-1] = letters
    edges = np.flatnonzero(flags[1:] != flags[:-1]).tolist()
    return _letters_and_digits_only(codes, letters), edges[0::2], edges[1::2]


def letter_digit_words(text: str) -> list[str]:
    r"""Return ``re.findall(r"[^\W_]+", text)``: the runs of letters and digits of ``text``."""
    codes = bmp_codes(text) if len(text) >= _VECTORISED_MIN_CHARS else None
    if codes is None:
        return _LETTERS_AND_DIGITS.findall(text)
    return _letters_and_digits_only(codes, letter_or_digit_table()[codes])


@lru_cache(maxsize=1)
def word_character_table() -> np.ndarray:
    r"""Return, per BMP code point, whether ``re`` counts it in ``\w`` (letters, digits, "_")."""
    table = letter_or_digit_table().copy()
    table[ord("_")] = True
    return table


def word_character_runs(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Return the starts and ends of the runs of ``\w`` characters among BMP ``codes``."""
    flags = np.zeros(len(codes) + 2, dtype=bool)
    flags[1:-1] = word_character_table()[codes]
    edges = np.flatnonzero(flags[1:] != flags[:-1])
    return edges[0::2], edges[1::2]


# Runs of characters are compared through a polynomial hash of their code points,
# sum(code[j] * BASE ** j) mod 2 ** 64: a run's hash comes from prefix sums over the text.
_RUN_HASH_BASE = 0x100000001B3
_RUN_HASH_MODULUS = 1 << 64
_RUN_HASH_INVERSE = pow(_RUN_HASH_BASE, -1, _RUN_HASH_MODULUS)
_hash_powers_cache: list[tuple[np.ndarray, np.ndarray]] = []


def string_hash(run: str) -> int:
    """Return the hash :func:`run_hashes` gives a run of characters equal to ``run``."""
    return (
        sum(ord(char) * pow(_RUN_HASH_BASE, j, _RUN_HASH_MODULUS) for j, char in enumerate(run))
        % _RUN_HASH_MODULUS
    )


def _hash_powers(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``BASE ** k`` and ``BASE ** -k`` mod 2 ** 64 for ``k`` below at least ``size``."""
    if _hash_powers_cache and len(_hash_powers_cache[-1][0]) >= size:
        return _hash_powers_cache[-1]
    count = max(size, 4096, 2 * len(_hash_powers_cache[-1][0]) if _hash_powers_cache else 0)
    with np.errstate(over="ignore"):
        powers = np.cumprod(np.full(count, _RUN_HASH_BASE, dtype=np.uint64))
        inverses = np.cumprod(np.full(count, _RUN_HASH_INVERSE, dtype=np.uint64))
    one = np.ones(1, dtype=np.uint64)
    pair = (np.concatenate((one, powers[:-1])), np.concatenate((one, inverses[:-1])))
    _hash_powers_cache[:] = [pair]  # the longest so far replaces the shorter ones
    return pair


def run_hashes(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Return the :func:`string_hash` of each run ``codes[starts[i]:ends[i]]`` as ``uint64``.

    Equal runs hash alike; different runs may collide (rarely): compare them when that
    matters.
    """
    powers, inverses = _hash_powers(len(codes) + 1)
    with np.errstate(over="ignore"):
        prefix = np.zeros(len(codes) + 1, dtype=np.uint64)
        np.cumsum(codes.astype(np.uint64) * powers[: len(codes)], out=prefix[1:])
        hashes: np.ndarray = (prefix[ends] - prefix[starts]) * inverses[starts]
    return hashes


def count_words(text: str) -> int:
    """Return ``len(words(text))``, counted on the code points without building the words.

    A word is a maximal run of letters, digits and the diacritics :data:`WORD_RE` keeps,
    so the count is the number of positions where such a run starts.
    """
    codes = bmp_codes(text)
    if codes is None:
        return len(words(text))
    inside = _word_table()[codes]
    if not inside.size:
        return 0
    return int(inside[0]) + int(np.count_nonzero(inside[1:] & ~inside[:-1]))


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
# A sentence break starts right after one of .!?؟… or at a line break: the only places where
# _SENTENCE_END can match, found much faster than by trying it at every position.
_SENTENCE_END_CUE = re.compile("[.!?؟…\n]")


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def _sentence_breaks(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """Yield what ``_SENTENCE_END.finditer(text, start, end)`` yields.

    The pattern is tried only where a match can start: after a cue character (its
    lookbehinds look at that character, also one before ``start``) or on a line break.
    """
    position = start
    for cue in _SENTENCE_END_CUE.finditer(text, max(start - 1, 0), end):
        candidate = cue.start() if cue.group() == "\n" else cue.end()
        if candidate < position:
            continue
        match = _SENTENCE_END.match(text, candidate, end)
        if match is not None:
            yield match
            # After an empty match the search moves on by one position, and nothing else
            # matches where it did (every other branch would have matched first).
            position = match.end() if match.end() > candidate else candidate + 1


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
    matches = (
        _sentence_breaks(text, start, end)
        if breaks is _SENTENCE_END
        else breaks.finditer(text, start, end)
    )
    for match in matches:
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
