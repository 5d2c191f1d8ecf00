"""Work shared between readers of one document gives what each reader found on its own.

The words split in one C-level call, the normalised block ranges found once at parse time,
the word ids numbered once for the style and templating measures, the text hasher's
sorted short n-grams and the model layers' grouped transforms are each compared with the
plain computation they replace, on random text built to hit the edge cases.
"""

from __future__ import annotations

import random
import re
from bisect import bisect_left

import numpy as np
import pytest

from mizan.detector import trained
from mizan.detector.article import ArticleInput, parse_article, word_spans
from mizan.detector.article.document import Document
from mizan.detector.language import word_spans as language_word_spans
from mizan.detector.signals.beat import article_topic_text
from mizan.detector.signals.style import moving_average_type_token_ratio
from mizan.detector.signals.templating.layout import _Layout
from mizan.detector.signals.templating.repetition import _WordSequence
from mizan.detector.text import (
    first_occurrence_ids,
    letter_digit_spans,
    letter_digit_words,
    normalize_for_matching,
)
from mizan.detector.trained import TextHasher, transform_inputs

_ODD = ["_", "\u064b", "\u0670", "\u0640", "ﷺ", "Σ", "ß", "ﬁ", "e\u0301", "\u00a0", "٣", "①"]
_ODD += ["\n", "\t", " ", "-", "،", "؟", ".", "٫", "\u200c", "\u3000", "\x00", "２"]
_ARABIC = [chr(code) for code in range(0x0621, 0x064B)] + [" "] * 8
_LATIN = list("abcdefXYZ 0123456789.,!?:\"'()") + [" "] * 6
_LETTERS_AND_DIGITS = re.compile(r"[^\W_]+")


def _random_text(rng: random.Random, length: int, beyond_bmp: bool = False) -> str:
    pools = (_ARABIC, _LATIN, _ODD + (["😀", "𝐀"] if beyond_bmp else []))
    weights = (6, 3, rng.choice((0, 1, 3)))
    return "".join(rng.choice(rng.choices(pools, weights)[0]) for _ in range(length))


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return [
        _random_text(rng, rng.choice((0, 3, 120, 399, 400, 401, 900, 3000)), rng.random() < 0.2)
        for _ in range(count)
    ]


def _regex_spans(text: str) -> tuple[list[str], list[int], list[int]]:
    matches = list(_LETTERS_AND_DIGITS.finditer(text))
    return (
        [match.group() for match in matches],
        [match.start() for match in matches],
        [match.end() for match in matches],
    )


def test_words_split_in_one_call_match_the_regex() -> None:
    for text in _texts(1, 400):
        expected = _regex_spans(text)
        spans = letter_digit_spans(text)
        if spans is not None:
            assert spans == expected
        else:
            assert len(text) < 400 or any(ord(char) > 0xFFFF for char in text)
        assert letter_digit_words(text) == expected[0]
        found = word_spans(text)
        assert (found.words, found.starts, found.ends) == expected
        assert language_word_spans(text) == expected


def test_long_text_with_every_separator_splits_like_the_regex() -> None:
    # Separators of every kind between words, and words at both ends of the text.
    separators = ["\u00a0", "\u3000", "\x00", "\x1f", "_", "-", "\u200c", "\u064b", "\n\n", "،"]
    text = "".join(f"كلمة{index}{separators[index % len(separators)]}" for index in range(300))
    text += "آخر"
    spans = letter_digit_spans(text)
    assert spans is not None and spans == _regex_spans(text)


def _documents(seed: int, count: int) -> list[Document]:
    rng = random.Random(seed)
    docs = []
    while len(docs) < count:
        lines = [_random_text(rng, rng.choice((3, 30, 200))) for _ in range(rng.randint(1, 7))]
        if rng.random() < 0.3:
            lines.insert(0, "الرئيسية | أخبار | رياضة | اقتصاد")
        title = _random_text(rng, rng.choice((0, 12))).strip()
        try:
            docs.append(parse_article(ArticleInput(title=title or None, body="\n".join(lines))))
        except Exception:  # random text may hold no article
            continue
    return docs


def test_block_ranges_kept_from_parsing_are_the_blocks_normalised_offsets() -> None:
    for doc in _documents(2, 150):
        index = doc.normalized.index
        expected = [
            (bisect_left(index, block.start), bisect_left(index, block.end)) for block in doc.blocks
        ]
        assert doc.normalized_block_ranges == expected
        fresh = Document(body=doc.body, title=doc.title, blocks=list(doc.blocks))
        assert fresh.normalized_block_ranges == expected


def test_readers_of_block_ranges_give_what_bisecting_gives() -> None:
    for doc in _documents(3, 150):
        index, text = doc.normalized.index, doc.normalized.text
        title = [normalize_for_matching(doc.title)] if doc.title else []
        pieces = [
            text[bisect_left(index, block.start) : bisect_left(index, block.end)]
            for block in doc.content_blocks
        ]
        assert article_topic_text(doc) == "\n".join(title + pieces)
        assert doc.normalized_content_words == _LETTERS_AND_DIGITS.findall(
            doc.normalized_content_text
        )
        layout = _Layout(doc)
        edges = {edge for block in doc.blocks for edge in (block.start, block.end)}
        for offset in sorted(edges | set(range(0, len(doc.body) + 1, 7))):
            assert layout.normalized_offset(offset) == bisect_left(index, offset)


def test_word_ids_numbered_once_match_numbering_each_time() -> None:
    rng = random.Random(4)
    vocabulary = ["في", "من", "على", "the", "of", "2024", "قال", "وزير"]
    for _ in range(200):
        words = [rng.choice(vocabulary) for _ in range(rng.choice((0, 1, 5, 60, 300)))]
        ids = first_occurrence_ids(words)
        assert ids.dtype == np.int64
        assert ids.tolist() == [words.index(word) for word in words]
        for window in (1, 4, 50):
            assert moving_average_type_token_ratio(
                words, window, word_ids=ids
            ) == moving_average_type_token_ratio(words, window)
        shared, alone = _WordSequence(words, ids), _WordSequence(words)
        for size in (2, 5):
            assert shared.duplicate_char_fraction(size) == alone.duplicate_char_fraction(size)
        assert shared.top_char_fraction(2) == alone.top_char_fraction(2)
    for doc in _documents(5, 60):
        assert doc.normalized_content_word_ids.tolist() == (
            first_occurrence_ids(doc.normalized_content_words).tolist()
        )


@pytest.mark.parametrize(
    "hasher",
    [
        TextHasher(),
        TextHasher(n_bits=20, char_ngrams=(1, 5)),
        TextHasher(n_bits=12, char_ngrams=(1, 2), word_ngrams=1),
        TextHasher(n_bits=8, char_ngrams=(2, 2), word_ngrams=0, strip_diacritics=False),
    ],
)
def test_short_ngrams_sorted_or_counted_apart_give_the_same_buckets(
    hasher: TextHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [*_texts(6, 40), "".join(chr(code) for code in range(0x4E00, 0x4E00 + 2100))]
    sorted_together = [hasher.bucket_counts(text) for text in texts]
    monkeypatch.setattr(trained, "_COUNTED_MIN_CODES", 0)
    for text, (buckets, counts) in zip(texts, sorted_together, strict=True):
        counted_buckets, counted_counts = hasher.bucket_counts(text)
        assert buckets.dtype == counted_buckets.dtype == np.int64
        assert counts.dtype == counted_counts.dtype == np.float64
        assert np.array_equal(buckets, counted_buckets)
        assert np.array_equal(counts, counted_counts)


def _transformed_one_by_one(values: np.ndarray, transforms: tuple[str, ...]) -> np.ndarray:
    values = np.array(values, dtype=np.float64, copy=True)
    for column, transform in enumerate(transforms):
        if transform == "log1p":
            values[..., column] = np.log1p(np.maximum(values[..., column], 0.0))
        elif transform == "softplus":
            values[..., column] = np.logaddexp(0.0, values[..., column])
    return values


def test_grouped_transforms_match_transforming_column_by_column() -> None:
    rng = np.random.default_rng(7)
    for width in (1, 3, 20, 70):
        transforms = tuple(rng.choice(trained.TRANSFORMS, size=width).tolist())
        for rows in ((width,), (1, width), (9, width)):
            values = rng.standard_normal(rows) * np.exp(rng.uniform(-8, 8, rows))
            sent = values.tobytes()
            expected = _transformed_one_by_one(values, transforms)
            assert transform_inputs(values, transforms).tobytes() == expected.tobytes()
            assert values.tobytes() == sent  # the inputs are left as they were
    with pytest.raises(ValueError, match="unknown input transform"):
        transform_inputs(np.zeros((1, 2)), ("identity", "square"))


def test_no_letter_or_digit_is_white_space() -> None:
    # Splitting on white space cuts out the runs of letters and digits only while no
    # character is both.
    assert not [code for code in range(0x10000) if chr(code).isalnum() and chr(code).isspace()]
