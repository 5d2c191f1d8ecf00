"""The vectorised and pre-filtered paths give exactly what the plain regular expressions give.

Each fast path (code-point tables, hashed runs, cue scanning, counted n-grams) is compared
with a straightforward reference on random text built to hit the edge cases: diacritics,
characters that NFKC expands, capital sigma, characters beyond the BMP, underscores and
every kind of punctuation the patterns look at.
"""

from __future__ import annotations

import pickle
import random
import re
import zlib
from itertools import accumulate

import numpy as np
import pytest

from mizan.detector.article import ArticleInput, parse_article, word_spans
from mizan.detector.model import Thresholds
from mizan.detector.numbers import _TOKEN_RE, _token_matches, extract_numbers
from mizan.detector.signals.style import _DASHES, _word_counts, count_dashes
from mizan.detector.signals.templating import locate_passage
from mizan.detector.signals.templating.repetition import _WordSequence
from mizan.detector.store.lsh import shared_passage, shingle_set
from mizan.detector.text import (
    _SENTENCE_END,
    WORD_RE,
    _sentence_breaks,
    _word_table,
    count_words,
    letter_digit_words,
    letter_or_digit_table,
    normalize_char,
    normalize_for_matching,
    normalize_with_offsets,
    split_sentences,
    word_character_table,
)
from mizan.detector.topics import _TOKEN, KeywordPrior, _LinearModel, topic_ngrams
from mizan.detector.trained import (
    _PACKED,
    LogisticLayer,
    TextHasher,
    TextHead,
    TextVectorizer,
    TrainedModel,
    _mix,
    model_text,
)

_SPECIAL = ["ﻻ", "…", "Σ", "İ", "ﹰ", "_", "\u064b", "\u0670", "\u0640", "ﷺ", "𝐀", "😀", "ß", "ﬁ"]
_SPECIAL += ["e\u0301", "\u00a0", "２", "①", "٣", "१", "-", "'", "’", "–", "—", "\n", "\t", " "]
_ARABIC = [chr(code) for code in range(0x0621, 0x064B)] + [" "] * 8
_LATIN = list("abcdefghij XYZ 0123456789.,!?;:\"'()") + [" "] * 6


def _random_text(rng: random.Random, length: int) -> str:
    pools = (_ARABIC, _LATIN, _SPECIAL)
    weights = (6, 3, rng.choice((0, 1, 3)))
    return "".join(rng.choice(rng.choices(pools, weights)[0]) for _ in range(length))


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return [_random_text(rng, rng.choice((0, 1, 5, 40, 120, 450, 900))) for _ in range(count)]


def test_character_tables_match_the_regex_classes() -> None:
    letters, words, word_chars = letter_or_digit_table(), _word_table(), word_character_table()
    letter_re, word_re = re.compile(r"[^\W_]"), re.compile(r"\w")
    for code in range(0x10000):
        char = chr(code)
        assert bool(letters[code]) == bool(letter_re.fullmatch(char)), hex(code)
        assert bool(words[code]) == bool(WORD_RE.fullmatch(char)), hex(code)
        assert bool(word_chars[code]) == bool(word_re.fullmatch(char)), hex(code)


def _folded_one_by_one(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    index: list[int] = []
    for position, char in enumerate(text):
        for piece in normalize_char(char):
            chars.append(piece)
            index.append(position)
    return "".join(chars), index


def test_normalize_with_offsets_folds_each_character() -> None:
    for text in _texts(1, 600):
        if text.isascii():
            continue
        normalized = normalize_with_offsets(text)
        assert (normalized.text, list(normalized.index)) == _folded_one_by_one(text)


def test_words_and_word_counts_match_the_regexes() -> None:
    split = re.compile(r"([^\W_]+)")
    for text in [*_texts(2, 600), "\ud800 lone surrogate " * 40]:
        pieces = split.split(text)
        offsets = list(accumulate(map(len, pieces), initial=0))
        spans = word_spans(text)
        assert (spans.words, spans.starts, spans.ends) == (
            pieces[1::2],
            offsets[1:-1:2],
            offsets[2::2],
        )
        assert letter_digit_words(text) == pieces[1::2]
        assert count_words(text) == len(WORD_RE.findall(text))


def test_sentence_breaks_match_finditer() -> None:
    rng = random.Random(3)
    alphabet = list("ab .!?؟…\n\"'”») \t") + ["\u00a0", "ي"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        expected = [(m.span(), m.group()) for m in _SENTENCE_END.finditer(text, start, end)]
        assert [(m.span(), m.group()) for m in _sentence_breaks(text, start, end)] == expected


def test_split_sentences_keeps_closing_quotes_and_skips_decimals() -> None:
    text = "قال: «انتهى.» ثم غادر. بلغ 2.7 مليار!"
    assert [span.of(text) for span in split_sentences(text)] == [
        "قال: «انتهى.»",
        "ثم غادر.",
        "بلغ 2.7 مليار!",
    ]


def test_number_tokens_match_finditer() -> None:
    rng = random.Random(4)
    vocabulary = ["ثلاثه", "الف", "مليون", "عشر", "وخمسه", "بثلاث", "twice", "two-fold", "a"]
    vocabulary += ["hundred", "12", "3.5", "1,000", "2020", "١٢", "१२", "_", "x", "km", "%"]
    for _ in range(3_000):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(0, 12))]
        glue = [rng.choice(["", " ", "-", "_", " و", "/", ":", ", "]) for _ in words]
        text = "".join(word + separator for word, separator in zip(words, glue, strict=True))
        text = text * rng.choice((1, 40))
        expected = [(m.span(), m.groupdict()) for m in _TOKEN_RE.finditer(text)]
        found = [(m.span(), m.groupdict()) for m in _token_matches(text, 0, len(text))]
        assert found == expected


def test_long_text_numbers_are_found() -> None:
    text = "بلغ عدد السكان 105 ملايين نسمة في عام 2020، أي ثلاثة أضعاف. " * 10
    mentions = extract_numbers(text)
    assert [mention.value for mention in mentions[:3]] == [105e6, 2020.0, 3.0]
    assert [mention.kind for mention in mentions[:3]] == ["number", "year", "multiplier"]


def test_dashes_are_counted_like_findall() -> None:
    rng = random.Random(5)
    alphabet = list("a -–—\t\n-") + ["\u00a0"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        assert count_dashes(text) == len(_DASHES.findall(text))


def test_sentence_word_counts_match_findall() -> None:
    word = re.compile(r"[^\W_]+")
    for text in _texts(6, 200):
        if not text.strip():
            continue
        try:
            doc = parse_article(ArticleInput(body=text))
        except Exception:  # random text may hold no article
            continue
        expected = [len(word.findall(doc.body, s.start, s.end)) for s in doc.sentences]
        assert _word_counts(doc, doc.sentences) == expected


def _located_by_regex(text: str, passage: str) -> tuple[int, int] | None:
    passage_words = re.findall(r"[^\W_]+", normalize_for_matching(passage))
    normalized = normalize_with_offsets(text)
    attempts = [passage_words, passage_words[:12]] if len(passage_words) > 12 else [passage_words]
    for words in attempts if passage_words else []:
        pattern = r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)"
        match = re.search(pattern, normalized.text)
        if match:
            return normalized.span(match.start(), match.end())
    return None


@pytest.mark.parametrize(
    ("text", "passage"),
    [
        ("قال الوزير إن الاتفاق سيوقع غدا، وقال الوزير إن", "قال الوزير إن"),
        ("a b c d a b c e", "b c e"),
        ("foo_bar baz foo bar baz", "foo bar baz"),
        ("الـــوزير قال", "الوزير قال"),
        ("nothing here", "absent words"),
        (
            "x " * 30 + "one two three four five six seven eight nine ten eleven twelve",
            " ".join(
                [
                    "one",
                    "two",
                    "three",
                    "four",
                    "five",
                    "six",
                    "seven",
                    "eight",
                    "nine",
                    "ten",
                    "eleven",
                    "twelve",
                    "thirteen",
                ]
            ),
        ),
    ],
)
def test_locate_passage_finds_what_the_regex_finds(text: str, passage: str) -> None:
    normalized = normalize_with_offsets(text)
    assert locate_passage(normalized, passage) == _located_by_regex(text, passage)


def test_shared_passage_takes_the_first_longest_run() -> None:
    rng = random.Random(7)
    for _ in range(2_000):
        text = " ".join(rng.choice("abcdef") for _ in range(rng.randint(0, 40)))
        query = " ".join(rng.choice("abc"[: rng.randint(1, 3)]) for _ in range(rng.randint(0, 60)))
        shingles = shingle_set(re.findall(r"[^\W_]+", query))
        tokens = text.split()
        if not tokens or not shingles:
            assert shared_passage(shingles, text) == ""
            continue
        if len(tokens) < 5:
            whole = " ".join(tokens)
            assert shared_passage(shingles, text) == (whole if whole in shingles else "")
            continue
        hits = [" ".join(tokens[i : i + 5]) in shingles for i in range(len(tokens) - 4)]
        best_start, best_length, run_start = 0, 0, -1
        for position, hit in enumerate(hits):
            run_start = (position if run_start < 0 else run_start) if hit else -1
            if hit and position - run_start + 1 > best_length:
                best_start, best_length = run_start, position - run_start + 1
        expected = ""
        if best_length:
            expected = " ".join(
                tokens[best_start : min(best_start + best_length + 4, best_start + 60)]
            )
        assert shared_passage(shingles, text) == expected


def _reference_bucket_counts(hasher: TextHasher, text: str) -> tuple[np.ndarray, np.ndarray]:
    """The hasher as first written: every n-gram hashed, then np.unique."""
    prepared = hasher.prepare(text)
    mask = np.uint64((1 << hasher.n_bits) - 1)
    codes = np.frombuffer(prepared.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    pieces = []
    rolling = np.zeros(len(codes), dtype=np.uint64)
    golden, salt = np.uint64(0x9E3779B97F4A7C15), np.uint64(0x5BD1E995)
    with np.errstate(over="ignore"):
        for size in range(1, hasher.char_ngrams[1] + 1):
            length = len(codes) - size + 1
            if length <= 0:
                break
            rolling = rolling[:length] * golden + codes[size - 1 : size - 1 + length]
            if size >= hasher.char_ngrams[0]:
                pieces.append(_mix(rolling + np.uint64(size)) & mask)
        tokens = re.findall(r"\w+", prepared)
        if tokens and hasher.word_ngrams >= 1:
            hashes = np.array([zlib.crc32(token.encode("utf-8")) for token in tokens], np.uint64)
            chained = hashes
            for size in range(1, hasher.word_ngrams + 1):
                if size > 1:
                    chained = chained[:-1] * golden + hashes[size - 1 :]
                if len(chained) == 0:
                    break
                pieces.append(_mix(chained ^ (salt * np.uint64(size))) & mask)
    if not pieces:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    buckets, counts = np.unique(np.concatenate(pieces), return_counts=True)
    return buckets.astype(np.int64), counts.astype(np.float64)


@pytest.mark.parametrize(
    "hasher",
    [
        TextHasher(),
        TextHasher(n_bits=20, char_ngrams=(1, 5)),
        TextHasher(n_bits=12, char_ngrams=(1, 2), word_ngrams=1),
        TextHasher(n_bits=40, char_ngrams=(1, 4)),
        TextHasher(n_bits=8, char_ngrams=(2, 2), word_ngrams=0, strip_diacritics=False),
    ],
)
def test_bucket_counts_match_hashing_every_ngram(hasher: TextHasher) -> None:
    texts = _texts(8, 150) + ["".join(chr(code) for code in range(0x4E00, 0x4E00 + 2100))]
    for text in texts:
        expected = _reference_bucket_counts(hasher, text)
        buckets, counts = hasher.bucket_counts(text)
        assert buckets.dtype == np.int64 and counts.dtype == np.float64
        assert np.array_equal(buckets, expected[0]) and np.array_equal(counts, expected[1])


def test_document_normalised_pieces_equal_normalising_the_whole() -> None:
    rng = random.Random(9)
    for _ in range(300):
        lines = [_random_text(rng, rng.choice((3, 30, 200))) for _ in range(rng.randint(1, 6))]
        title = _random_text(rng, rng.choice((0, 12)))
        try:
            doc = parse_article(ArticleInput(title=title or None, body="\n".join(lines)))
        except Exception:  # random text may hold no article
            continue
        assert doc.normalized_title_and_content == normalize_for_matching(model_text(doc))
        assert doc.normalized_content_words == re.findall(r"[^\W_]+", doc.normalized_content_text)
        assert doc.title_and_content_words == re.findall(
            r"[^\W_]+", doc.normalized_title_and_content
        )


def _toy_model(terms: list[str]) -> _LinearModel:
    vocabulary = {term: column for column, term in enumerate(terms)}
    count = len(terms)
    return _LinearModel(
        vocabulary,
        np.linspace(1.0, 2.0, count).astype(np.float32),
        np.random.default_rng(0).standard_normal((count, 6)).astype(np.float32),
        np.zeros(6, dtype=np.float32),
        {term: column for term, column in vocabulary.items() if " " not in term},
        {term: column for term, column in vocabulary.items() if " " in term},
    )


def test_topic_tokens_looked_up_by_hash_match_the_dictionary() -> None:
    words = ["سياسه", "اقتصاد", "رياضه", "كره", "القدم", "وزير", "بنك", "ab", "a_b", "x1"]
    terms = words + ["كره القدم", "وزير الخارجيه", "بنك مركزي", "a  b", "سياسه اقتصاد"]
    model = _toy_model(terms)
    rng = random.Random(10)
    for _ in range(500):
        tokens = [rng.choice([*words, "مركزي", "الخارجيه", "_", "z", "abc"]) for _ in range(80)]
        text = "".join(token + rng.choice([" ", " ", "، ", "_", "\n"]) for token in tokens)
        expected = model.probabilities(topic_ngrams(text))
        ids = model.token_ids_of_text(text)
        assert ids is not None
        dictionary_ids = model._token_tables[0]
        assert ids.tolist() == [dictionary_ids.get(token, -1) for token in _TOKEN.findall(text)]
        assert model.probabilities_of_ids(ids).tobytes() == expected.tobytes()
        assert model.probabilities_of_tokens(_TOKEN.findall(text)).tobytes() == expected.tobytes()


def test_keyword_prior_of_tokens_matches_the_ngrams() -> None:
    prior = KeywordPrior(
        ("sport | football", "sport | world cup", "economy | central bank", "health | virus")
    )
    rng = random.Random(11)
    vocabulary = ["football", "world", "cup", "central", "bank", "virus", "the", "a"]
    for _ in range(1_000):
        text = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 30)))
        expected = prior.probabilities(topic_ngrams(text))
        assert prior.probabilities_of_tokens(_TOKEN.findall(text)).tobytes() == expected.tobytes()


def _two_head_model(seed: int) -> TrainedModel:
    rng = np.random.default_rng(seed)
    layer = LogisticLayer((), (), np.zeros(0), np.ones(0), np.zeros(0), 0.0)
    heads = [
        TextHead(name, rng.standard_normal(1 << 12).astype(np.float32), 0.25, layer)
        for name in ("ai_generated", "credibility")
    ]
    vectorizer = TextVectorizer(TextHasher(n_bits=12))
    return TrainedModel("toy", "1", (), Thresholds(), vectorizer, heads, layer)


def test_packed_text_weights_score_like_each_head() -> None:
    model = _two_head_model(12)
    buckets, weights = model.vectorizer.vector("قال الوزير إن الاتفاق سيوقع غدا في الرياض")
    expected = [head.text_score(buckets, weights) for head in model.heads]
    assert model._text_scores(buckets, weights) == expected
    # The heads now read their weights from the packed table, and still score alike.
    assert [head.text_score(buckets, weights) for head in model.heads] == expected
    copy = pickle.loads(pickle.dumps(model))
    assert _PACKED not in copy.__dict__
    assert copy._text_scores(buckets, weights) == expected
    # New weights for a head are packed again.
    fresh = np.zeros(1 << 12, dtype=np.float32)
    model.heads[0].text_weights = fresh
    assert model._text_scores(buckets, weights)[0] == model.heads[0].text_bias


def test_duplicate_ngram_fraction_matches_counting_with_unique() -> None:
    rng = random.Random(13)
    for _ in range(2_000):
        vocabulary = [rng.choice("abcdefgh") * rng.randint(1, 3) for _ in range(rng.randint(1, 8))]
        words = [rng.choice(vocabulary) for _ in range(rng.choice([0, 1, 5, 6, 11, 40, 200]))]
        sequence = _WordSequence(words)
        for size in (1, 5, 10):
            count = len(words) - size + 1
            expected = 0.0
            if count > 0:
                hashes = np.zeros(count, dtype=np.uint64)
                with np.errstate(over="ignore"):
                    for offset in range(size):
                        hashes = hashes * np.uint64(1_000_003) + sequence.ids[
                            offset : offset + count
                        ].astype(np.uint64)
                _, inverse, occurrences = np.unique(hashes, return_inverse=True, return_counts=True)
                seen: set[tuple[str, ...]] = set()
                repeated, position = 0, 0
                for stop in np.flatnonzero(occurrences[inverse] > 1).tolist():
                    if stop < position:
                        continue
                    ngram = tuple(words[stop : stop + size])
                    if ngram in seen:
                        repeated += sum(map(len, ngram))
                        position = stop + size
                    else:
                        seen.add(ngram)
                        position = stop + 1
                total = sum(map(len, words))
                expected = repeated / total if total else 0.0
            assert sequence.duplicate_char_fraction(size) == expected
