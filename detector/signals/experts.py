"""Unsourced experts: who an article quotes, and whether a reader could check them.

Content farms lean on speakers nobody can look up: "الدكتور سامي العتيبي، خبير الشؤون
الاستراتيجية", "Dr. Emily Carter, a renowned economist", "مصادر مطلعة", "experts say".
Wire copy quotes a named minister, a ministry statement or an analyst at a named bank.

The signal finds attributions in the article's prose (reporting verbs such as قال / أكد /
said / warned and phrases such as وفقا لـ / بحسب / according to), takes the speaker phrase
next to each one (after the cue in Arabic and in inverted English, before it otherwise) and
classifies the speaker:

* ``sourced``: an institution or office (وزارة, جامعة, "minister", "at Goldman Sachs"), a
  document or platform ("في بيان", "in a statement", "in a post on X") or a named outlet;
* ``expert``: an expert title (الدكتور, الخبير, المحلل, "Dr.", "analyst") with a full name
  and no institution;
* ``weak``: an expert title with a first name only or no name, or "أحد الخبراء" /
  "one expert"; counted among the unsourced experts as well;
* ``anonymous``: "مصدر مطلع", "خبراء", "يرى مراقبون", "sources said", "experts say";
* ``other``: a person named in full with no title (an ordinary quote).

A later mention of a speaker already seen ("وأضاف العتيبي", "Carter said") takes that
speaker's class and adds no new evidence; a bare "وأضاف أن" / "he said" is not counted.

Real farm pages phrase these speakers in ways a reporting verb alone misses, so the
speaker phrase also reads a genitive field after an indefinite title ("محلل الطقس عقيل
العقيل", "خبير الهجرة والعمالة"), titles after the name ("X، الخبير في مجال الطقس
يطلق"), quoted names ("توقع "فلان" خبير المناخ"), feminine titles and adjectives, plural
groups and reports before or after the verb ("المحللين الاقتصاديين يؤكدون", "تشير
التقارير"), and headlines for unnamed groups. :func:`find_unnamed_mentions` adds what needs
no verb at all: "تحذير الخبراء", "بعض التقارير", vox-pops ("فاطمة أحمد، طالبة مصرية"),
a bot's persona name above an "AI 🤖" marker, first-person credentials and source lines that
name no outlet. An unnamed source beside on-record sourced speakers (wire practice) is
counted but not shown.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, repeat
from operator import itemgetter, sub
from typing import Literal

from detector.article import Document, WordSpans
from detector.lexicons import load_lexicon
from detector.signals.base import Evidence, Signal, SignalContext, SignalResult
from detector.text import normalize_for_matching

Language = Literal["ar", "en"]
Category = Literal["sourced", "expert", "weak", "anonymous", "other"]
CueKind = Literal["verb", "phrase", "venue"]
Token = tuple[int, int, str]
Span = tuple[int, int]

UNSOURCED_CATEGORIES: frozenset[str] = frozenset({"expert", "weak", "anonymous"})
REASONS: dict[str, str] = {
    "expert": "expert quoted with no affiliation or source",
    "weak": "expert quoted by title or first name only, with no affiliation or source",
    "anonymous": "statement attributed to anonymous sources or unnamed experts",
}

REASON_VOX_POP = "ordinary person introduced by name, job and place only, with nothing to trace"
REASON_PERSONA = "persona name signing machine-written text"
REASON_CREDENTIAL = "first-person credential with nothing to trace"
REASON_CREDIT = "source line that names no outlet"
# The longest entry of the mention lists, in words.
_MAX_MENTION_WORDS = 4
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
_SOURCE_WORDS = frozenset({"مصدر", "مصادر", "source", "sources"})
_PROSE_KINDS = frozenset({"paragraph", "bullet"})
_GROUP_ONLY_KINDS = frozenset({"title", "heading", "bio"})
_MAX_WINDOW_TOKENS = 14
_MAX_TAIL_CHARS = 80
# A speaker phrase (a name, a title and two appositives) fits in far fewer characters; the
# windows around a cue never look further, so a long comma-chained sentence costs linear time.
_MAX_WINDOW_CHARS = 320
_TOKEN_CACHE_SIZE = 100_000
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
# An apostrophe or hyphen inside a word ("al-Sisi", "O'Brien"), which _WORD keeps in one token.
# The pattern opens with the joiner so the regex engine can skip quickly to candidates.
_JOINED_RUNS = re.compile(r"['’-](?<=[^\W_]['’-])(?=[^\W_])")
# Commas, and dashes with a space on either side ("مصطفى حجازي- المفكر الاستراتيجي").
_COMMA = re.compile(r"[،,]|\s[-–—]\s?|[-–—]\s")
_OPENING_QUOTES = frozenset('«"“')
_CLOSING_QUOTE = re.compile(r"[»\"”]")
_SENTENCE_END = re.compile(r"[.!?؟…](?=[\s\"'”»)]|$)")
_ABBREVIATION = re.compile(
    r"(?<![\w.])(?:د|ا|م|dr|prof|mr|mrs|ms|st|jr|sr|gen|col|lt|sen|rep|gov|inc|co|corp|ltd|no|vs"
    r"|[a-z])$"
)
_HARD_STOP = re.compile(r"[«»\"“”؛;:]")
_INVERSION_MARK = re.compile(r"[,،\"'”’]\s*$")
_AR_COMPLEMENTIZER = re.compile(
    r"(?<![\w])(?:ان|انه|انها|انهم|انهما|انني|اننا|بان|بانه|بانها|بانهم|فان|فانه|فانها|لان"
    r"|قايلا|قايله)(?![\w])"
)
_EN_COMPLEMENTIZER = re.compile(r"\b(?:that|if|whether)\b")
_AR_TAIL_STOP = re.compile(f"{_AR_COMPLEMENTIZER.pattern}|:")
_EN_TAIL_STOP = re.compile(f'{_EN_COMPLEMENTIZER.pattern}|[,:;"“”]')
_AR_CUT = re.compile(
    r"(?<![\w])(?:في|خلال|عبر)\s+(?:[\w]+\s+)??"
    r"(?:تصريح|تصريحات|حديث|مقابله|لقاء|اتصال|مداخله|بيان|تغريده|تدوينه|منشور|موتمر|صفحته"
    r"|صفحتها|حسابه|حسابها)(?![\w])"
    r"|(?<![\w])(?:لصحيفه|لجريده|لقناه|لوكاله|لموقع|لمجله)(?![\w])"
)
_EN_CUT = re.compile(
    r"\b(?:in|on|during|at)\s+(?:an?|the|his|her|their)\s+(?:\w+\s+)?"
    r"(?:statement|interview|post|report|note|email|tweet|conference|briefing|speech)\b"
    r"|\bon\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)
_EN_AT_CAPITAL = re.compile(r"\b(?:at|with)\s+(?:the\s+)?(?=\w)")
_AR_QUOTED_OUTLET = re.compile(r"(?<![\w])ل\s*[«\"“][^»\"”]{2,40}[»\"”]")
_AR_OPENING_QUOTE = re.compile(r"\s*[«\"“]")
_AR_NAME_PARTICLES = frozenset({"عبد", "ابو", "بن", "ابن", "بنت"})
_EN_NAME_PARTICLES = frozenset({"bin", "ibn", "al", "el", "de", "van", "von", "da", "abu"})
# Given names spelt like function words after normalisation ("على" and "علي").
_AR_NAME_HOMOGRAPHS = frozenset({"علي"})
# Name words that would otherwise be read as clitic + function word ("الله" as ال + له).
_AR_NAME_WORDS = frozenset({"الله", "علي"})
_AR_JOINED_ARTICLE = ("لل", "بال", "وال", "فال", "كال")
# و ف ب ل; ك ("as") is left out: it opens too many names (كمال، كريم).
_AR_PROCLITICS = frozenset("وفبل")
_AR_FIELD_PREPOSITIONS = frozenset({"في", "فى", "بمجال"})
# Sentence openers before a speaker that closes the phrase ("إلا أن الخبراء يرون").
_AR_LEADING_WORDS = frozenset({"الا", "لكن", "ولكن", "بينما", "فيما", "غير", "اذ", "كما", "وكان"})
# A bot's signature: a short name line right above an "AI 🤖" marker.
_PERSONA_MARK = re.compile(r"^[ \t]*ai[ \t]*\U0001F916", re.MULTILINE)
_MAX_PERSONA_CHARS = 40
_PERSONA_NAME = re.compile(r"[^\W\d_]{2,20}(?: [^\W\d_]{2,20}){1,3}")
_EN_CREDENTIAL = re.compile(
    r"\bI(?:['’]ve| have) been [a-z]{2,20}ing(?: [a-z]{1,20}){0,3} for "
    r"(?:over |more than |nearly |almost |about )?\d{1,2}\+? years",
    re.IGNORECASE,
)
_CREDIT_LINE = re.compile(r"^[ \t]*(المصدر|source)[ \t]*:[ \t]*([^\n]{0,40})$", re.MULTILINE)
_DATELINE_CREDIT = re.compile(r"[A-Z][a-z]{1,20}\s?[-–—]")
_GENERIC_CREDITS = frozenset(
    {
        "مواقع",
        "وكالات",
        "مواقع التواصل",
        "الانترنت",
        "مواقع الكترونيه",
        "websites",
        "agencies",
        "internet",
        "social media",
        "online",
        "web",
    }
)
_SENTENCE_GAP = re.compile(r"[.!?؟…:][\s\"'”»)]*")
_CLOSE_TO = re.compile(r"مقرب|قريب|close to|familiar with")
_EN_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "who", "which"})
_MULTIWORD_GAP = frozenset(" \t\u00a0.-")


@dataclass(frozen=True)
class Attribution:
    """One attributed statement and how its speaker was classified.

    ``start`` and ``end`` are offsets of the speaker phrase in ``doc.body``.
    """

    start: int
    end: int
    text: str
    category: Category
    titled: bool
    repeat: bool
    name_tokens: frozenset[str]
    reason: str | None = None


def _is_arabic(token: str) -> bool:
    return bool(token) and "\u0600" <= token[0] <= "\u06ff"


@lru_cache(maxsize=65536)
def _word_forms(token: str) -> tuple[str, ...]:
    """Return the forms a lexicon entry may take inside ``token``.

    Arabic words carry proclitics and the article: "بجامعه" holds "جامعه", "للخبير" and
    "والخبير" hold "خبير". Lexicon words are stored without the article, so "الخبير" in a
    list matches "خبير", "الخبير" and "للخبير" alike. Latin tokens are used as they are.
    """
    if not _is_arabic(token):
        return (token,)
    forms = [token]
    if token.startswith("لل") and len(token) > 4:
        forms.append(token[2:])
    elif token[0] in _AR_PROCLITICS and len(token) > 3:
        forms.append(token[1:])
    for form in list(forms):
        if form.startswith("ال") and len(form) > 3:
            forms.append(form[2:])
    return tuple(forms)


def _entry_word(word: str) -> str:
    """Store an Arabic lexicon word without its article ("الخبير" -> "خبير")."""
    if _is_arabic(word) and word.startswith("ال") and len(word) > 3:
        return word[2:]
    return word


class _Tagger:
    """Entries of several word lists, matched word by word on tokens in one pass.

    Arabic clitics are allowed through :func:`_word_forms`; within one list matches do not
    overlap and the longest entry wins.
    """

    def __init__(self, lists: dict[str, str]) -> None:
        self.by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        words_of: dict[str, set[str]] = {label: set() for label in lists}
        for label, name in lists.items():
            for entry in load_lexicon(name):
                words = tuple(
                    _entry_word(word) for word in _WORD.findall(normalize_for_matching(entry))
                )
                if words:
                    words_of[label].update(words)
                    self.by_first.setdefault(words[0], []).append((label, words))
        for entries in self.by_first.values():
            entries.sort(key=lambda item: len(item[1]), reverse=True)
        self.words = {label: frozenset(words) for label, words in words_of.items()}

    def tag(self, text: str, tokens: Sequence[Token]) -> dict[str, list[Span]]:
        """Return the spans matched by each list, keyed by the list's label."""
        found: dict[str, list[Span]] = {}
        free_from: dict[str, int] = {}
        for index, (start, _, token) in enumerate(tokens):
            for form in _word_forms(token):
                for label, words in self.by_first.get(form, ()):
                    if free_from.get(label, 0) > index:
                        continue
                    size = len(words)
                    if size > 1 and (
                        index + 1 >= len(tokens)
                        or words[1] not in _word_forms(tokens[index + 1][2])
                        or not _rest_matches(text, tokens, index, words)
                    ):
                        continue
                    found.setdefault(label, []).append((start, tokens[index + size - 1][1]))
                    free_from[label] = index + size
        return found


def _rest_matches(text: str, tokens: Sequence[Token], index: int, words: tuple[str, ...]) -> bool:
    """Tell whether ``words[1:]`` follow ``tokens[index]``, separated by spaces only."""
    if index + len(words) > len(tokens):
        return False
    return all(
        words[offset] in _word_forms(tokens[index + offset][2])
        and _joined(text, tokens[index + offset - 1], tokens[index + offset])
        for offset in range(1, len(words))
    )


def _joined(text: str, previous: Token, token: Token) -> bool:
    """Tell whether two tokens are separated by spaces only (or the dots of "أ.د.")."""
    return all(char in _MULTIWORD_GAP for char in text[previous[1] : token[0]])


@dataclass(frozen=True)
class _Lexicon:
    """The word lists of one language, ready for matching."""

    language: Language
    tagger: _Tagger
    stop_words: frozenset[str]
    honorifics: frozenset[str]
    non_name_words: frozenset[str]
    descriptor_words: frozenset[str]
    field_words: frozenset[str]
    title_words: frozenset[str]
    token_cache: dict[str, tuple[bool, bool, bool]] = field(default_factory=dict, compare=False)

    def token_flags(self, token: str) -> tuple[bool, bool, bool]:
        """Return (cannot be a name, is a title or field word, has a Latin name's shape)."""
        flags = self.token_cache.get(token)
        if flags is None:
            forms = _word_forms(token)
            letters = token.replace("'", "").replace("’", "").replace("-", "")
            base = token.replace("’", "'").split("'")[0]
            flags = (
                any(form in self.non_name_words for form in forms),
                any(form in self.descriptor_words for form in forms),
                letters.isalpha() and base not in self.non_name_words,
            )
            if len(self.token_cache) >= _TOKEN_CACHE_SIZE:
                self.token_cache.clear()  # a long-running service sees an open vocabulary
            self.token_cache[token] = flags
        return flags


@dataclass(frozen=True)
class _Cue:
    start: int
    end: int
    kind: CueKind
    prefixed: bool
    lexicon: _Lexicon
    # "قام بتحذير", "يطلق تحذيراته": a verb phrase whose speaker stands before it.
    speaker_first: bool = False


@dataclass(frozen=True)
class _CueEntry:
    """A reporting verb or attribution phrase, keyed in the cue table by its first word.

    ``joined``: the phrase ends in a ل that may open the next word ("وفقا لمصادر").
    ``prefixed``: the key carries a conjunction ("وقال"), so the verb opens no new clause.
    """

    rest: tuple[str, ...]
    kind: CueKind
    joined: bool
    prefixed: bool
    language: Language


@dataclass(frozen=True)
class _CueGroup:
    """The cues that start with one word, phrases first and longest first.

    ``next_words``: the words one of them needs right after the first; ``None`` when one of
    them may match whatever follows (a single word, or a phrase ending in a joined ل).
    """

    entries: tuple[_CueEntry, ...]
    next_words: frozenset[str] | None


def _cue_group(entries: list[_CueEntry]) -> _CueGroup:
    """Order the cues that share a first word and note what must follow that word."""
    ordered = tuple(sorted(entries, key=lambda cue: (cue.kind == "verb", -len(cue.rest))))
    open_ended = any(not entry.rest or (entry.joined and len(entry.rest) == 1) for entry in entries)
    next_words = None if open_ended else frozenset(entry.rest[0] for entry in entries)
    return _CueGroup(ordered, next_words)


@lru_cache(maxsize=1)
def _cue_table() -> dict[str, _CueGroup]:
    """Map a token to the cues it may start."""
    table: dict[str, list[_CueEntry]] = {}
    languages: tuple[Language, ...] = ("ar", "en")
    for language in languages:
        for suffix in ("phrases", "verbs"):
            for entry in load_lexicon(f"{language}/experts_{suffix}"):
                words = tuple(_WORD.findall(normalize_for_matching(entry)))
                if not words:
                    continue
                kind: CueKind = "verb"
                if suffix == "phrases":
                    # "في تصريح لـ" / "speaking to" name an outlet more often than a speaker.
                    kind = "venue" if words[0] in ("في", "speaking", "in") else "phrase"
                joined = kind != "verb" and language == "ar" and words[-1] in ("ل", "ب")
                keys = [(words[0], False)]
                if language == "ar":
                    conjunctions = "و" if kind != "verb" else "وف"
                    keys += [(conjunction + words[0], True) for conjunction in conjunctions]
                for key, prefixed in keys:
                    table.setdefault(key, []).append(
                        _CueEntry(words[1:], kind, joined, prefixed, language)
                    )
    return {key: _cue_group(entries) for key, entries in table.items()}


@lru_cache(maxsize=2)
def _lexicon(language: Language) -> _Lexicon:
    """Load the word lists of ``language`` once per process."""
    prefix = f"{language}/experts_"
    labels = ("titles", "anonymous", "weak", "affiliations", "sources")
    tagger = _Tagger({label: prefix + label for label in labels})
    fields = _list_words(prefix + "fields")
    non_name = frozenset().union(
        fields,
        _list_words(prefix + "stopwords"),
        _list_words(prefix + "verbs"),
        *tagger.words.values(),
    )
    return _Lexicon(
        language=language,
        tagger=tagger,
        stop_words=frozenset(
            normalize_for_matching(word) for word in load_lexicon(prefix + "stopwords")
        ),
        honorifics=frozenset(
            normalize_for_matching(word) for word in load_lexicon(prefix + "honorifics")
        ),
        non_name_words=non_name - _AR_NAME_HOMOGRAPHS,
        descriptor_words=fields | tagger.words["titles"],
        field_words=fields,
        title_words=tagger.words["titles"],
    )


def _list_words(name: str) -> frozenset[str]:
    """Return the words of a lexicon, Arabic ones without their article."""
    return frozenset(
        _entry_word(word)
        for entry in load_lexicon(name)
        for word in _WORD.findall(normalize_for_matching(entry))
    )


def _has_form(token: str, words: frozenset[str]) -> bool:
    return any(form in words for form in _word_forms(token))


def _leading_gap(text: str, position: int) -> int:
    """Return how many spaces and commas follow ``position``."""
    gap = 0
    while position + gap < len(text) and text[position + gap] in " \t\u00a0,،":
        gap += 1
    return gap


class _BlockReader:
    """Finds speaker phrases inside one prose block of normalised text."""

    def __init__(self, text: str, tokens: list[Token], is_upper: Callable[[int], bool]) -> None:
        self.text = text
        self.all_tokens = tokens
        self.token_starts = list(map(itemgetter(0), tokens))
        self.token_ends = list(map(itemgetter(1), tokens))
        self.is_upper = is_upper
        self.sentence_ends = self._sentence_ends()

    def _sentence_ends(self) -> list[int]:
        """Sentence ends, skipping the dots of "د." and "Dr." that split_sentences would take."""
        ends = []
        for match in _SENTENCE_END.finditer(self.text):
            if match.group() == ".":
                token_start = self.text.rfind(" ", 0, match.start()) + 1
                if _ABBREVIATION.search(self.text, token_start, match.start()):
                    continue
            ends.append(match.end())
        return ends

    def sentence_of(self, position: int) -> Span:
        """Return the ``[start, end)`` of the sentence holding ``position``."""
        after = bisect_right(self.sentence_ends, position)
        start = self.sentence_ends[after - 1] if after else 0
        end = self.sentence_ends[after] if after < len(self.sentence_ends) else len(self.text)
        return start, end

    def tokens(self, start: int, end: int) -> list[Token]:
        """Return the word tokens inside ``[start, end)``, cutting those that straddle it."""
        if end <= start:
            return []
        first = bisect_right(self.token_ends, start)
        found = self.all_tokens[first : bisect_left(self.token_starts, end, first)]
        if found and found[0][0] < start:
            token_start, token_end, token = found[0]
            found[0] = (start, token_end, token[start - token_start :])
        if found and found[-1][1] > end:
            token_start, token_end, token = found[-1]
            found[-1] = (token_start, end, token[: end - token_start])
        return found

    def trimmed(self, start: int, end: int) -> Span:
        """Shrink ``[start, end)`` to run from its first word to its last."""
        tokens = self.tokens(start, end)
        if not tokens:
            return start, start
        return tokens[0][0], tokens[-1][1]

    def limit_tokens(
        self, start: int, end: int, from_end: bool, most: int = _MAX_WINDOW_TOKENS
    ) -> Span:
        """Keep at most ``most`` words, counted from the start or the end."""
        tokens = self.tokens(start, end)
        if len(tokens) <= most:
            return start, end
        if from_end:
            return tokens[-most][0], end
        return start, tokens[most - 1][1]

    def segments(self, start: int, end: int, first: int = 0, last: int = 0) -> list[Span]:
        """Split ``[start, end)`` at commas into trimmed, possibly empty segments.

        ``first`` or ``last`` keeps only that many segments from the start or the end, so a
        window of many commas costs one pass over it, not one pass per segment.
        """
        bounds = [start]
        for match in _COMMA.finditer(self.text, start, end):
            bounds.extend((match.start(), match.end()))
            if first and len(bounds) > 2 * first:
                break
        bounds.append(end)
        pairs = range(0, len(bounds), 2)
        if first:
            pairs = pairs[:first]
        if last:
            pairs = pairs[-last:]
        return [self.trimmed(bounds[i], bounds[i + 1]) for i in pairs]

    def is_appositive(self, start: int, end: int, lexicon: _Lexicon) -> bool:
        """Whether a comma segment describes a speaker ("خبير الشؤون", "chief economist at ING").

        The segment must open with a title, office or field word (or "a" / "an" / "who" in
        English); "والدكتور طارق الزمر" after a comma is a second speaker instead.
        """
        tokens = self.tokens(start, end)[:2]
        if not tokens:
            return False
        first = tokens[0][2]
        if lexicon.language == "en":
            if first in ("a", "an", "who"):
                return True
        elif len(first) > 2 and first[0] == "و" and _has_form(first[1:], lexicon.title_words):
            return False
        tags = lexicon.tagger.tag(self.text, tokens)
        opening = [span for spans in tags.values() for span in spans if span[0] == tokens[0][0]]
        return bool(opening) or lexicon.token_flags(first)[1]

    def forward_window(self, cue: _Cue, limit: int) -> Span:
        """Return the speaker phrase after ``cue``: a name and its descriptive appositives."""
        lexicon = cue.lexicon
        complementizer = _AR_COMPLEMENTIZER if lexicon.language == "ar" else _EN_COMPLEMENTIZER
        found = complementizer.search(self.text, cue.end, limit)
        stop = found.start() if found else limit
        position = cue.end
        while cue.kind != "venue":
            found = _HARD_STOP.search(self.text, position, stop)
            if found is None:
                break
            after_name = self._quoted_name_end(cue, found.start(), stop)
            if after_name is None:
                stop = found.start()
                break
            position = after_name
        segments = self.segments(cue.end, stop, first=3)
        if not segments or segments[0][1] <= segments[0][0]:
            return cue.end, cue.end
        start, end = segments[0]
        for segment_start, segment_end in segments[1:3] if cue.kind != "venue" else ():
            if not self.is_appositive(segment_start, segment_end, lexicon):
                break
            end = self.limit_tokens(segment_start, segment_end, from_end=False, most=8)[1]
        start, end = self.limit_tokens(start, end, from_end=False)
        if cue.kind != "venue":
            cut_pattern = _AR_CUT if lexicon.language == "ar" else _EN_CUT
            cut = cut_pattern.search(self.text, start, end)
            if cut:
                start, end = self.trimmed(start, cut.start())
        return start, end

    def _quoted_name_end(self, cue: _Cue, quote: int, stop: int) -> int | None:
        """Step over a quoted name (الدكتور "أشعياء وليم"، رئيس ...); return where it ends.

        Egyptian papers quote names; a quoted outlet (لـ«العربية») or a quoted statement is
        no name and ends the speaker phrase.
        """
        text = self.text
        if cue.lexicon.language != "ar" or text[quote] not in _OPENING_QUOTES:
            return None
        before = text[cue.end : quote].rstrip()
        if before and before[-1] == "ل" and (len(before) == 1 or before[-2].isspace()):
            return None
        closing = _CLOSING_QUOTE.search(text, quote + 1, min(stop, quote + 40))
        if closing is None or not 1 <= len(self.tokens(quote, closing.start())) <= 5:
            return None
        after = closing.end() + _leading_gap(text, closing.end())
        if not before:
            # توقع "وليد الحقيل" خبير المناخ: a quoted name right after the verb counts only
            # when a title follows it; otherwise the quote is the statement itself.
            following = self.tokens(after, stop)
            titled = bool(following) and following[0][0] == after
            if titled and _has_form(following[0][2], cue.lexicon.title_words):
                return closing.end()
            return None
        if after >= stop or text[closing.end() : after].strip() or text[after] in "-–:":
            return closing.end()
        following = self.tokens(after, stop)
        # الدكتور "أيمن أبو العلا" عضو جبهة الإنقاذ: a title or office right after the name.
        if following and following[0][0] == after and cue.lexicon.token_flags(following[0][2])[0]:
            return closing.end()
        return None

    def backward_window(self, cue: _Cue, left: int) -> Span:
        """Return the speaker phrase before ``cue`` ("الخبير أحمد قال", "X, an economist, said")."""
        hard_stops = [match.end() for match in _HARD_STOP.finditer(self.text, left, cue.start)]
        left = max([left, *hard_stops])
        region = self.text[left : cue.start].rstrip()
        appositive_closed = bool(region) and region[-1] in ",،"
        segments = [seg for seg in self.segments(left, cue.start, last=4) if seg[1] > seg[0]]
        if not segments:
            return cue.start, cue.start
        start, end = segments[-1]
        # "X، الخبير في مجال الطقس يطلق": an appositive that opens with a title joins the
        # name before it; without its closing comma it must open with the title itself.
        if (
            len(segments) >= 2
            and self.is_appositive(start, end, cue.lexicon)
            and (appositive_closed or self._opens_with_title(start, end, cue.lexicon))
        ):
            start = segments[-2][0]
        return self.limit_tokens(start, end, from_end=True)

    def _opens_with_title(self, start: int, end: int, lexicon: _Lexicon) -> bool:
        """Whether the first word of ``[start, end)`` is an expert title ("الخبير", "analyst")."""
        tokens = self.tokens(start, end)
        return bool(tokens) and _has_form(tokens[0][2], lexicon.title_words)

    def tail_end(self, position: int, sentence_end: int, language: Language) -> int:
        """End of the look for "في بيان" / "told Reuters" / "لـ«العربية»" after the speaker."""
        if language == "ar":
            bound = min(sentence_end, position + _MAX_TAIL_CHARS)
            found = _AR_TAIL_STOP.search(self.text, position, bound)
        else:
            bound = min(sentence_end, position + _MAX_TAIL_CHARS // 2)
            found = _EN_TAIL_STOP.search(self.text, position, bound)
        return found.start() if found else max(position, bound)


class _Classifier:
    """Classify speaker phrases, remembering the speakers already seen in the article."""

    def __init__(self) -> None:
        self.speakers: list[tuple[frozenset[str], Category, bool]] = []

    def name_run(
        self, reader: _BlockReader, tokens: list[Token], lexicon: _Lexicon
    ) -> tuple[list[Token], bool, list[Span]]:
        """Return the speaker's name (adjacent name-like tokens) and whether it is placed.

        The run right after a title or field word wins ("الدكتور سامي العتيبي"), then one
        that opens the phrase ("سامي العتيبي، خبير ..."), then the longest; only the first
        two are *placed* as a speaker's name ("يتوقع الخبراء ارتفاع السعر" has none). The
        third item lists the field words that complete an indefinite title ("محلل الطقس").
        """
        complements: list[Span] = []
        runs: list[tuple[list[Token], bool, bool]] = []
        current: list[Token] = []
        previous_end = -1
        after_descriptor = False
        in_complement = False
        field_phrase = False
        for index, (start, end, token) in enumerate(tokens):
            adjacent = previous_end >= 0 and not reader.text[previous_end:start].strip()
            if lexicon.language == "ar":
                # "محلل الطقس عقيل العقيل", "خبير الهجرة والعمالة": a definite word right
                # after an indefinite title is its field (a genitive), not the speaker's name.
                in_complement = adjacent and (
                    token.startswith("ال")
                    and (in_complement or self._indefinite_title(tokens, index, lexicon))
                    or in_complement
                    and token.startswith("وال")
                )
                # "خبير الشؤون الاستراتيجية", "الخبيرة التربوية": a feminine adjective after a
                # title or field word is no surname; it describes the speaker.
                adjective = after_descriptor and token.startswith("ال") and token.endswith("يه")
                if in_complement or adjective:
                    complements.append((start, end))
                is_name = token in _AR_NAME_WORDS or (
                    len(token) > 1
                    and _is_arabic(token)
                    and not in_complement
                    and not adjective
                    and not token.startswith(_AR_JOINED_ARTICLE)
                    and not lexicon.token_flags(token)[0]
                )
            else:
                is_particle = (
                    bool(current)
                    and token in _EN_NAME_PARTICLES
                    and index + 1 < len(tokens)
                    and reader.is_upper(tokens[index + 1][0])
                )
                is_name = is_particle or (lexicon.token_flags(token)[2] and reader.is_upper(start))
            if is_name and current and adjacent:
                current.append((start, end, token))
            elif is_name:
                current = [(start, end, token)]
                # "ناصر القحطاني، المستشار في شؤون العقار": words after "في" name the field,
                # not the speaker, when a name opens the phrase.
                after_title = after_descriptor and not (field_phrase and runs and runs[0][2])
                runs.append((current, after_title, index == 0))
            else:
                current = []
            if lexicon.language == "ar" and token in _AR_FIELD_PREPOSITIONS and after_descriptor:
                field_phrase = True
            after_descriptor = (
                lexicon.token_flags(token)[1]
                or in_complement
                or lexicon.language == "ar"
                and after_descriptor
                and token.startswith("ال")
                and token.endswith("يه")
            )
            previous_end = end
        best = next((run for run, after_title, _ in runs if after_title), None)
        if best is None:
            best = next((run for run, _, opening in runs if opening), None)
        placed = best is not None
        if best is None:
            best = max((run for run, _, _ in runs), key=len, default=[])
        if lexicon.language == "ar" and best:
            # Arabic names in news run to three words besides عبد / أبو / بن; what follows
            # ("أكد اللواء محمد إبراهيم استمرار الحملات") is the statement itself.
            particles = sum(1 for _, _, token in best if token in _AR_NAME_PARTICLES)
            best = best[: 3 + particles]
            if best[-1][2] in _AR_NAME_HOMOGRAPHS and best[-1][1] < tokens[-1][1]:
                # "شدد الدكتور كمال الهلباوي على أهمية": "على", not the name "علي".
                best = best[:-1]
        return best, placed, complements

    @staticmethod
    def _indefinite_title(tokens: list[Token], index: int, lexicon: _Lexicon) -> bool:
        """Whether ``tokens[index - 1]`` is a title without the article ("خبير", "محللة")."""
        if index == 0:
            return False
        previous = tokens[index - 1][2]
        return (
            not previous.startswith(("ال", "لل"))
            and len(previous) > 2
            and previous in lexicon.title_words
            or previous[1:] in lexicon.title_words
            and previous[0] in _AR_PROCLITICS
            and not previous[1:].startswith("ال")
        )

    def classify(
        self,
        reader: _BlockReader,
        cue: _Cue,
        window: tuple[int, int, bool],
        tail: Span,
        venue_sourced: bool,
    ) -> tuple[Category, int, int, bool, bool, frozenset[str]] | None:
        """Classify a speaker phrase; return category, span, titled, repeat and name tokens.

        ``window`` is ``(start, end, after_cue)``; ``after_cue`` says the phrase follows the cue.
        """
        lexicon = cue.lexicon
        text = reader.text
        start, end, after_cue = window
        tokens = reader.tokens(start, end)
        if not tokens:
            return None
        if lexicon.language == "en" and all(token in _EN_PRONOUNS for _, _, token in tokens):
            return None
        if lexicon.language == "ar" and not after_cue:
            # "كما أن محلل الطقس ... قام", "إلا أن المحللين يؤكدون": the speaker closes the
            # phrase before the verb; the small words opening the sentence are no part of it.
            while len(tokens) > 1 and (
                tokens[0][2] in lexicon.stop_words or tokens[0][2] in _AR_LEADING_WORDS
            ):
                tokens = tokens[1:]
            start = tokens[0][0]
        if lexicon.language == "ar" and tokens[0][2] in lexicon.stop_words:
            return None
        tags = lexicon.tagger.tag(text, tokens)
        title_matches = tags.get("titles", [])
        anonymous_match = tags["anonymous"][0] if "anonymous" in tags else None
        weak_match = tags["weak"][0] if "weak" in tags else None
        run, placed, complements = self.name_run(reader, tokens, lexicon)
        name_tokens = frozenset(token for _, _, token in run)
        particles = _AR_NAME_PARTICLES if lexicon.language == "ar" else _EN_NAME_PARTICLES
        name_count = sum(1 for _, _, token in run if token not in particles)
        titled = bool(title_matches)

        # An institution, document or outlet inside the phrase names the speaker itself
        # ("وزارة الصحة", "بيان", "the IMF", "an analyst at ING"); one after it ("في بيان",
        # "told Reuters", "لـ«العربية»") only counts when the phrase names someone.
        institutions = tags.get("affiliations", []) + tags.get("sources", [])
        if lexicon.language == "en":
            institutions += self._english_employer(reader, start, end)
        named_here = bool(institutions)
        someone = titled or bool(anonymous_match) or bool(weak_match) or name_count >= 1
        # A titled expert with no institution stays unsourced when an outlet or platform only
        # follows the statement ("محلل الطقس ... في مداخلة مع قناة الإخبارية"): it shows
        # where he spoke, not who he is.
        sourced = named_here or (
            someone
            and (
                venue_sourced
                or not titled
                and "sources" in lexicon.tagger.tag(text, reader.tokens(*tail))
                or (
                    lexicon.language == "ar"
                    and bool(_AR_QUOTED_OUTLET.search(text, start, max(end, tail[1])))
                )
            )
        )
        if anonymous_match and _CLOSE_TO.search(text, start, end):
            sourced = False

        markers = list(title_matches) + complements
        for match in (anonymous_match, weak_match):
            if match:
                markers.append(match)
        # After the verb an unplaced run is the statement ("يتوقع الخبراء ارتفاع السعر");
        # before it, the words closing the phrase describe the speaker ("محللون اقتصاديون").
        if run and (placed or not anonymous_match or not after_cue):
            markers.append((run[0][0], run[-1][1]))

        category: Category | None = None
        repeat = False
        if sourced:
            category = "sourced"
            markers.extend(institutions or [(start, end)])
        elif weak_match:
            category = "weak"
        elif anonymous_match and (name_count < 2 or not placed):
            category = "anonymous"
        elif titled:
            category, repeat = self._titled(name_tokens, name_count, tokens, lexicon)
        elif name_count >= 1:
            previous = self._previous(name_tokens)
            if previous is not None:
                category, repeat = previous, True
            elif name_count >= 2 and cue.kind == "verb":
                if lexicon.language == "en" or self._arabic_plain_name(reader, tokens, run, end):
                    category = "other"
        if category is None or not markers:
            return None
        span_start, span_end = self._speaker_span(tokens, markers, lexicon)
        if not after_cue and (titled or anonymous_match):
            # "الخبير في مجال الطقس والتنبؤات الجوية يطلق", "خبراء الطقس في السعودية يحذرون":
            # a field or place after في closes the phrase.
            rest = [token for token in tokens if token[0] >= span_end]
            field = [token for token in tokens if token[0] < span_end] + rest[:1]
            if (
                rest
                and len(rest) <= 6
                and any(token[2] in _AR_FIELD_PREPOSITIONS for token in field)
            ):
                span_end = rest[-1][1]
        if lexicon.language == "ar" and not self._speaker_at_edge(
            tokens, lexicon, after_cue, span_start, span_end
        ):
            return None
        if span_start > 0 and text[span_start] == "ل" and text[span_start - 1] == "ل":
            # "وفقا للخبير": show the whole word rather than its elided article alone.
            span_start -= 1
        if not repeat:
            self.speakers.append((name_tokens, category, titled))
        return category, span_start, span_end, titled, repeat, name_tokens

    @staticmethod
    def _speaker_span(tokens: list[Token], markers: list[Span], lexicon: _Lexicon) -> Span:
        """Return the span from the first marker over adjacent titles, fields and names.

        "الدكتور سامي العتيبي، خبير الشؤون الاستراتيجية" is one speaker phrase; small words
        inside it ("خبير في الشؤون", "a renowned economist") are kept, what follows is not.
        """
        covered = [
            any(marker_start <= start and end <= marker_end for marker_start, marker_end in markers)
            or lexicon.token_flags(token)[1]
            for start, end, token in tokens
        ]
        first_marker = min(marker_start for marker_start, _ in markers)
        first = next(
            (index for index, (start, _, _) in enumerate(tokens) if start >= first_marker), 0
        )
        while first < len(tokens) - 1 and not covered[first]:
            first += 1
        while first > 0 and covered[first - 1]:
            first -= 1  # "Political analyst Mark Jones", "security experts at ..."
        last = first
        while last + 1 < len(tokens):
            if covered[last + 1]:
                last += 1
            elif (
                last + 2 < len(tokens)
                and covered[last + 2]
                and tokens[last + 1][2] in lexicon.stop_words
            ):
                last += 2
            else:
                break
        return tokens[first][0], tokens[last][1]

    @staticmethod
    def _speaker_at_edge(
        tokens: list[Token], lexicon: _Lexicon, after_cue: bool, first: int, last: int
    ) -> bool:
        """Tell whether the speaker opens the phrase after a verb or closes the one before it.

        "وقال الخبير ..." / "الخبير أحمد قال": a title deep inside a longer stretch
        ("أفادت بمحاولة المستشار ...") belongs to something else.
        """
        if not after_cue:
            return last >= tokens[-1][1]
        opening = next(
            (start for start, _, token in tokens if token not in lexicon.honorifics),
            tokens[0][0],
        )
        return first <= opening

    @staticmethod
    def _arabic_plain_name(
        reader: _BlockReader, tokens: list[Token], run: list[Token], end: int
    ) -> bool:
        """Accept "وقال محمد علي إن": only a name, directly followed by إن / أن."""
        if len(tokens) != len(run) or len(run) > 4 or run[0][2].startswith("ال"):
            return False
        return bool(_AR_COMPLEMENTIZER.match(reader.text, end + _leading_gap(reader.text, end)))

    def _titled(
        self,
        name_tokens: frozenset[str],
        name_count: int,
        tokens: list[Token],
        lexicon: _Lexicon,
    ) -> tuple[Category, bool]:
        """Class of a titled speaker: full name, first name only, or a back-reference."""
        previous = self._previous(name_tokens)
        if name_count >= 2:
            if previous in UNSOURCED_CATEGORIES:
                return previous, True
            return "expert", False
        if name_count == 1:
            return (previous, True) if previous is not None else ("weak", False)
        first = tokens[0][2]
        if lexicon.language == "en":
            definite = first == "the"
        else:
            definite = any(form.startswith("ال") for form in _word_forms(first)) or (
                first.startswith("لل")
            )
        if definite:
            # "وأضاف الخبير" / "the analyst added": the titled speaker quoted last.
            for _, category, titled in reversed(self.speakers):
                if titled:
                    return category, True
        return "weak", False

    def _previous(self, name_tokens: frozenset[str]) -> Category | None:
        """Class of an earlier speaker whose name includes ``name_tokens``."""
        if not name_tokens:
            return None
        for names, category, _ in reversed(self.speakers):
            if names and name_tokens <= names:
                return category
        return None

    @staticmethod
    def _english_employer(reader: _BlockReader, start: int, end: int) -> list[Span]:
        """Find "chief economist at ING", "an analyst with Moody's": at/with and a capital."""
        spans = []
        for match in _EN_AT_CAPITAL.finditer(reader.text, start, end):
            if match.end() < end and reader.is_upper(match.end()):
                name = reader.tokens(match.end(), end)[0]
                spans.append((match.start(), name[1]))
        return spans


def find_attributions(doc: Document) -> list[Attribution]:
    """Return every attribution with an identified speaker in the prose of ``doc``."""
    normalized = doc.normalized
    index = normalized.index
    body = doc.body
    classifier = _Classifier()
    found: list[Attribution] = []
    lexicons = {"ar": _lexicon("ar"), "en": _lexicon("en")}
    for block in doc.blocks:
        if block.kind not in _PROSE_KINDS and block.kind not in _GROUP_ONLY_KINDS:
            continue
        # Headlines and misplaced blocks ("خبراء الطقس يحذرون") keep only claims put on
        # unnamed groups; a speaker read there must not stand for the body's later mentions.
        group_only = block.kind in _GROUP_ONLY_KINDS
        block_classifier = _Classifier() if group_only else classifier
        block_start = bisect_left(index, block.start)
        block_end = bisect_left(index, block.end)
        text = normalized.text[block_start:block_end]
        tokens = _block_tokens(text, doc.normalized_words, block_start, _cue_table())
        cues = _find_cues(text, tokens, lexicons)
        if not cues:
            continue

        def is_upper(position: int, offset: int = block_start) -> bool:
            return body[index[offset + position]].isupper()

        reader = _BlockReader(text, tokens, is_upper)
        consumed = 0
        used_tail = 0
        venue_sentence: Span | None = None
        for number, cue in enumerate(cues):
            if cue.start < consumed or (cue.kind == "venue" and cue.start < used_tail):
                continue
            sentence = reader.sentence_of(cue.start)
            next_cue = cues[number + 1].start if number + 1 < len(cues) else len(text)
            limit = min(sentence[1], next_cue)
            windows = _speaker_windows(reader, cue, limit, sentence, consumed)
            for start, end, tail_start, after_cue in windows:
                tail = (tail_start, reader.tail_end(tail_start, sentence[1], cue.lexicon.language))
                if cue.kind == "venue" and _is_outlet_only(reader, cue, end):
                    venue_sentence = sentence
                    consumed = max(consumed, end)
                    break
                classified = block_classifier.classify(
                    reader,
                    cue,
                    (start, end, after_cue),
                    tail,
                    venue_sourced=venue_sentence == sentence,
                )
                if classified is None:
                    continue
                category, span_start, span_end, titled, repeat, name_tokens = classified
                if group_only and category != "anonymous":
                    break
                consumed = max(consumed, end, cue.end)
                used_tail = max(used_tail, tail[1])
                original_start, original_end = normalized.span(
                    block_start + span_start, block_start + span_end
                )
                found.append(
                    Attribution(
                        start=original_start,
                        end=original_end,
                        text=body[original_start:original_end],
                        category=category,
                        titled=titled,
                        repeat=repeat,
                        name_tokens=name_tokens,
                    )
                )
                break
    return found


@dataclass(frozen=True)
class _MentionLists:
    """The word lists read without a reporting verb: unnamed groups and vox-pop roles."""

    tagger: _Tagger


@lru_cache(maxsize=2)
def _mention_lists(language: Language) -> _MentionLists:
    """Load the unnamed-group and vox-pop lists of ``language`` once per process."""
    prefix = f"{language}/experts_"
    return _MentionLists(_Tagger({"unnamed": prefix + "unnamed", "roles": prefix + "voxpop_roles"}))


@lru_cache(maxsize=1)
def _mention_openers() -> frozenset[str]:
    """Every token that may open an entry of the mention lists, clitics and article included.

    The inverse of :func:`_word_forms`: a block with none of these tokens is skipped
    without tagging.
    """
    openers: set[str] = set()
    languages: tuple[Language, ...] = ("ar", "en")
    for language in languages:
        for word in _mention_lists(language).tagger.by_first:
            openers.add(word)
            if _is_arabic(word):
                for article in ("", "ال"):
                    openers.update(clitic + article + word for clitic in ("", *_AR_PROCLITICS))
                openers.add("لل" + word)
    return frozenset(openers)


def find_unnamed_mentions(doc: Document, attributions: Sequence[Attribution]) -> list[Attribution]:
    """Return unsourced speakers that need no reporting verb, outside ``attributions``.

    * phrases that put a claim on unnamed groups or reports ("تحذير الخبراء", "بعض
      التقارير", "whispers of");
    * vox-pops: a sentence that opens with a two- or three-word name, a comma and an
      ordinary job ("فاطمة أحمد، طالبة مصرية") with no institution in that description;
    * persona names: a short name line right above an "AI 🤖" marker (a bot's signature);
    * first-person credentials ("I've been trading for 15 years");
    * source lines that name no outlet ("المصدر: مواقع", "Source: Dubai –").
    """
    # Spans already given to a speaker, kept sorted by start (they do not overlap), so
    # each new mention is checked against its neighbours only.
    taken = sorted((item.start, item.end) for item in attributions)
    found: list[Attribution] = []

    def add(start: int, end: int, category: Category, reason: str) -> None:
        place = bisect_left(taken, (end,))
        if end <= start or (place and taken[place - 1][1] > start):
            return
        insort(taken, (start, end))
        text = doc.body[start:end]
        found.append(Attribution(start, end, text, category, False, False, frozenset(), reason))

    normalized = doc.normalized
    index = normalized.index
    openers = _mention_openers()
    blocks = doc.blocks if not openers.isdisjoint(doc.normalized_words.words) else []
    for block in blocks:
        if block.kind not in _PROSE_KINDS and block.kind not in _GROUP_ONLY_KINDS:
            continue
        block_start = bisect_left(index, block.start)
        block_end = bisect_left(index, block.end)
        text = normalized.text[block_start:block_end]
        tokens = _block_tokens(text, doc.normalized_words, block_start, openers)
        if not tokens:
            continue
        language: Language = "ar" if _ARABIC_LETTER.search(text) else "en"
        tags = _tag_near(_mention_lists(language).tagger, text, tokens, openers)
        for span_start, span_end in tags.get("unnamed", []):
            add(
                *normalized.span(block_start + span_start, block_start + span_end),
                "anonymous",
                REASONS["anonymous"],
            )
        if block.kind in _PROSE_KINDS and "roles" in tags:

            def is_upper(position: int, offset: int = block_start) -> bool:
                return doc.body[index[offset + position]].isupper()

            for span in _vox_pops(text, tokens, tags, _lexicon(language), is_upper):
                add(
                    *normalized.span(block_start + span[0], block_start + span[1]),
                    "weak",
                    REASON_VOX_POP,
                )
    # Whole-page forms are read in the normalised text (zero-width characters and soft
    # hyphens removed, lower case) and shown at their offsets in the body.
    page = normalized.text
    for match in _PERSONA_MARK.finditer(page) if "\U0001f916" in page else ():
        line_end = page.rfind("\n", 0, match.start())
        if line_end < 0:
            continue
        before = page.rfind("\n", max(0, line_end - _MAX_PERSONA_CHARS - 1), line_end)
        if before < 0 and line_end > _MAX_PERSONA_CHARS:
            continue
        line = page[before + 1 : line_end]
        name = line.strip()
        if _PERSONA_NAME.fullmatch(name):
            first = before + 1 + line.index(name)
            add(*normalized.span(first, first + len(name)), "weak", REASON_PERSONA)
    for match in _EN_CREDENTIAL.finditer(page) if " been " in page else ():
        add(*normalized.span(match.start(), match.end()), "weak", REASON_CREDENTIAL)
    for match in _CREDIT_LINE.finditer(page):
        credit = match.group(2).strip(" -–—.")
        shown = doc.body[slice(*normalized.span(match.start(2), match.end(2)))].strip()
        if credit in _GENERIC_CREDITS or _DATELINE_CREDIT.fullmatch(shown):
            add(*normalized.span(match.start(1), match.end()), "anonymous", REASON_CREDIT)
    return found


def _tag_near(
    tagger: _Tagger, text: str, tokens: list[Token], openers: frozenset[str]
) -> dict[str, list[Span]]:
    """Tag only the few tokens from each opener on; a block has few, and entries are short."""
    found: dict[str, list[Span]] = {}
    next_free = 0
    words = map(itemgetter(2), tokens)
    for number in compress(range(len(tokens)), map(openers.__contains__, words)):
        if number < next_free:
            continue
        window = tokens[number : number + _MAX_MENTION_WORDS]
        tags = tagger.tag(text, window)
        for label, spans in tags.items():
            found.setdefault(label, []).extend(span for span in spans if span[0] == window[0][0])
        next_free = number + 1
    return found


def _vox_pops(
    text: str,
    tokens: list[Token],
    tags: dict[str, list[Span]],
    lexicon: _Lexicon,
    is_upper: Callable[[int], bool],
) -> list[Span]:
    """Return "name، job ..." openings of sentences whose description names no institution."""
    spans = []
    role_starts = dict(tags["roles"])
    starts = [start for start, _, _ in tokens]
    for number, (start, _, _) in enumerate(tokens):
        if number and not _SENTENCE_GAP.fullmatch(text[tokens[number - 1][1] : start]):
            continue
        names = 0
        while (
            number + names < len(tokens)
            and names < 3
            and _vox_pop_name(tokens[number + names], lexicon, is_upper)
            and (not names or _joined(text, tokens[number + names - 1], tokens[number + names]))
        ):
            names += 1
        if names < 2:
            continue
        name_end = tokens[number + names - 1][1]
        comma = _COMMA.match(text, name_end) or _COMMA.match(text, name_end + 1)
        if comma is None or number + names >= len(tokens):
            continue
        role_start = tokens[number + names][0]
        role_end = role_starts.get(role_start)
        if role_end is None or text[comma.end() : role_start].strip():
            continue
        closing = _COMMA.search(text, role_end, role_end + _MAX_TAIL_CHARS)
        end = closing.start() if closing else min(len(text), role_end + _MAX_TAIL_CHARS // 2)
        stop = _SENTENCE_END.search(text, role_end, end)
        end = stop.start() if stop else end
        last = bisect_left(starts, end) - 1
        described = lexicon.tagger.tag(text, tokens[number : last + 1])
        if "affiliations" in described or "sources" in described:
            continue
        spans.append((start, max(role_end, tokens[last][1]) if last >= number else role_end))
    return spans


def _vox_pop_name(token: Token, lexicon: _Lexicon, is_upper: Callable[[int], bool]) -> bool:
    """Whether ``token`` may be part of a person's name (Arabic, or a Latin capital)."""
    word = token[2]
    if lexicon.token_flags(word)[0] or len(word) < 2:
        return False
    if lexicon.language == "ar":
        return _is_arabic(word) and not word.startswith(_AR_JOINED_ARTICLE)
    return is_upper(token[0]) and lexicon.token_flags(word)[2]


def _block_tokens(
    text: str, words: WordSpans, block_start: int, openers: Container[str] | None = None
) -> list[Token]:
    """Return the tokens of a block's normalised ``text``, which starts at ``block_start``.

    These are the document's words inside the block, shifted to block offsets. A block with
    a word joined by an apostrophe or hyphen is tokenised again, since _WORD keeps such a
    word in one token. With ``openers``, a block where no token is one of them gives no
    tokens (no cue can start in it).
    """
    if _JOINED_RUNS.search(text):
        return [(match.start(), match.end(), match.group()) for match in _WORD.finditer(text)]
    first = bisect_left(words.starts, block_start)
    last = bisect_left(words.starts, block_start + len(text), first)
    if openers is not None and not any(map(openers.__contains__, words.words[first:last])):
        return []
    return list(
        zip(
            map(sub, words.starts[first:last], repeat(block_start)),
            map(sub, words.ends[first:last], repeat(block_start)),
            words.words[first:last],
            strict=True,
        )
    )


def _find_cues(text: str, tokens: list[Token], lexicons: dict[str, _Lexicon]) -> list[_Cue]:
    """Return reporting verbs and attribution phrases of both languages, in text order."""
    table = _cue_table()
    cues: list[_Cue] = []
    words = list(map(itemgetter(2), tokens))
    next_free = 0
    for index in compress(range(len(words)), map(table.__contains__, words)):
        if index < next_free:
            continue
        group = table[words[index]]
        if group.next_words is not None and (
            index + 1 >= len(words) or words[index + 1] not in group.next_words
        ):
            continue
        for entry in group.entries:
            matched = _match_cue(text, tokens, index, entry)
            if matched is not None:
                cue_end, used = matched
                lexicon = lexicons[entry.language]
                speaker_first = entry.kind == "verb" and bool(entry.rest)
                cues.append(
                    _Cue(
                        tokens[index][0],
                        cue_end,
                        entry.kind,
                        entry.prefixed,
                        lexicon,
                        speaker_first and entry.language == "ar",
                    )
                )
                next_free = index + used
                break
    return cues


def _match_cue(
    text: str, tokens: list[Token], index: int, entry: _CueEntry
) -> tuple[int, int] | None:
    """Match ``entry`` at ``index``; return where the cue ends and how many whole tokens it uses."""
    size = 1 + len(entry.rest)
    if index + size > len(tokens):
        return None
    checked = size - 1 if entry.joined else size
    for offset in range(1, checked):
        token = tokens[index + offset]
        if token[2] != entry.rest[offset - 1] or not _joined(
            text, tokens[index + offset - 1], token
        ):
            return None
    if not entry.joined:
        return tokens[index + size - 1][1], size
    # "وفقا لمصادر", "وفقاً لـ مصادر": the ل may stand alone or open the next word.
    last = tokens[index + size - 1]
    if last[2] == "ل":
        return last[1], size
    if last[2].startswith("ل") and len(last[2]) > 2:
        return last[0] + 1, size - 1
    return None


def _speaker_windows(
    reader: _BlockReader,
    cue: _Cue,
    limit: int,
    sentence: tuple[int, int],
    consumed: int,
) -> list[tuple[int, int, int, bool]]:
    """Return candidate speaker phrases ``(start, end, tail_start, after_cue)``, best first.

    Arabic names the speaker after the cue ("وقال الخبير ..."), or before it when the verb
    opens no clause ("الخبير أحمد قال"). English names it before the verb ("X said") unless
    the verb follows a quotation or a comma ("..., said John Smith").
    """
    text = reader.text
    left = max(sentence[0], consumed, cue.start - _MAX_WINDOW_CHARS)
    limit = min(limit, cue.end + _MAX_WINDOW_CHARS)
    windows: list[tuple[int, int, int, bool]] = []
    if cue.lexicon.language == "en" and cue.kind == "verb":
        before = text[left : cue.start]
        inverted = not before.strip() or bool(_INVERSION_MARK.search(before))
        if inverted and text[cue.start : cue.end] not in ("told", "tells"):
            start, end = reader.forward_window(cue, limit)
            if end > start and (
                reader.is_upper(start) or text[start:end].split()[0] in ("the", "a", "an", "one")
            ):
                windows.append((start, end, end, True))
        start, end = reader.backward_window(cue, left)
        if end > start:
            windows.append((start, end, cue.end, False))
        return windows
    start, end = reader.forward_window(cue, limit)
    if end > start:
        windows.append((start, end, end, True))
    if cue.lexicon.language == "ar" and cue.kind == "verb" and not cue.prefixed:
        start, end = reader.backward_window(cue, left)
        if end > start:
            position = 0 if cue.speaker_first else len(windows)
            windows.insert(position, (start, end, cue.end, False))
    return windows


def _is_outlet_only(reader: _BlockReader, cue: _Cue, end: int) -> bool:
    """Tell whether a venue phrase names an outlet ("في تصريح لـ«العربية»", "speaking to CNN")."""
    lexicon = cue.lexicon
    text = reader.text
    tokens = reader.tokens(cue.end, end)
    tags = lexicon.tagger.tag(text, tokens)
    if "titles" in tags or "anonymous" in tags:
        return False
    if "sources" in tags or "affiliations" in tags:
        return True
    return lexicon.language == "ar" and bool(_AR_OPENING_QUOTE.match(text, cue.end))


def _is_source_mention(attribution: Attribution, any_category: bool = False) -> bool:
    """Whether an anonymous attribution (or any, with ``any_category``) names "a source"."""
    if attribution.category != "anonymous" and not any_category:
        return False
    words = _WORD.findall(normalize_for_matching(attribution.text))
    return any(form in _SOURCE_WORDS for word in words for form in _word_forms(word))


class ExpertsSignal(Signal):
    """Unsourced experts and anonymous sources carrying an article.

    Score: ``unsourced_share * (1 - 0.5 ** distinct_unsourced)``, where ``unsourced_share``
    is (unsourced expert + anonymous attributions) / all attributions and
    ``distinct_unsourced`` counts different unsourced speaker phrases shown as evidence (a
    named one once; each claim on an unnamed group is shown, but counted once per phrase).
    One unsourced expert and nothing else gives 0.5, three give 0.875; a wire story that
    quotes a named minister and a ministry statement gives 0.

    Features: ``attribution_count`` (attributions with an identified speaker),
    ``sourced_count``, ``unsourced_expert_count`` (titled experts with no affiliation,
    first-name-only ones included), ``weak_name_count`` (those with a first name or no
    name), ``anonymous_count``, ``other_count`` (named people without a title),
    ``distinct_unsourced_count``, ``unsourced_share``, ``title_only_share`` (unsourced
    experts among attributions whose speaker carries an expert title) and
    ``quotes_per_1000_words``.
    """

    name = "experts"
    version = "1"
    feature_names = (
        "experts.attribution_count",
        "experts.sourced_count",
        "experts.unsourced_expert_count",
        "experts.weak_name_count",
        "experts.anonymous_count",
        "experts.other_count",
        "experts.distinct_unsourced_count",
        "experts.unsourced_share",
        "experts.title_only_share",
        "experts.quotes_per_1000_words",
    )

    def extract(self, doc: Document, context: SignalContext) -> SignalResult:
        """Find attributions, classify their speakers and score the unsourced share."""
        attributions = find_attributions(doc)
        attributions += find_unnamed_mentions(doc, attributions)
        counts = dict.fromkeys(("sourced", "expert", "weak", "anonymous", "other"), 0)
        for attribution in attributions:
            counts[attribution.category] += 1
        total = len(attributions)
        unsourced_experts = counts["expert"] + counts["weak"]
        unsourced = unsourced_experts + counts["anonymous"]
        titled = sum(1 for attribution in attributions if attribution.titled)
        titled_unsourced = sum(
            1
            for attribution in attributions
            if attribution.titled and attribution.category in ("expert", "weak")
        )

        evidence: list[Evidence] = []
        seen: set[str] = set()
        # Wire practice: an unnamed source beside on-record, sourced speakers ("a source close
        # to the minister" in a report quoting the ministry) is counted but not shown.
        on_record = sum(
            1
            for item in attributions
            if item.category == "sourced" and not _is_source_mention(item, any_category=True)
        )
        vouched = on_record > 0 and on_record >= sum(map(_is_source_mention, attributions))
        for attribution in attributions:
            if attribution.repeat or attribution.category not in UNSOURCED_CATEGORIES:
                continue
            if vouched and _is_source_mention(attribution):
                continue
            key = normalize_for_matching(attribution.text)
            # Each claim put on "البعض" / "experts" is shown; a named speaker only once.
            if key in seen and attribution.category != "anonymous":
                continue
            seen.add(key)
            evidence.append(
                Evidence(
                    start=attribution.start,
                    end=attribution.end,
                    text=attribution.text,
                    reason=attribution.reason or REASONS[attribution.category],
                )
            )
        evidence.sort(key=lambda item: item.start)

        share = unsourced / total if total else 0.0
        score = share * (1.0 - 0.5 ** len(seen))
        word_count = doc.word_count
        features = {
            "experts.attribution_count": float(total),
            "experts.sourced_count": float(counts["sourced"]),
            "experts.unsourced_expert_count": float(unsourced_experts),
            "experts.weak_name_count": float(counts["weak"]),
            "experts.anonymous_count": float(counts["anonymous"]),
            "experts.other_count": float(counts["other"]),
            "experts.distinct_unsourced_count": float(len(seen)),
            "experts.unsourced_share": share,
            "experts.title_only_share": titled_unsourced / titled if titled else 0.0,
            "experts.quotes_per_1000_words": 1000.0 * total / word_count if word_count else 0.0,
        }
        return self.result(score, features, evidence)
