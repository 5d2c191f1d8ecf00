"""The block reader: sentences, clauses and the speaker window next to a cue."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from operator import itemgetter

from mizan.detector.signals.experts.cues import _Cue
from mizan.detector.signals.experts.words import (
    Language,
    Span,
    Token,
    _has_form,
    _leading_gap,
    _Lexicon,
    _Offsets,
)

_MAX_WINDOW_TOKENS = 14
_MAX_TAIL_CHARS = 80
# Commas, and dashes with a space on either side ("مصطفى حجازي- المفكر الاستراتيجي").
_COMMA = re.compile(r"[،,]|\s[-–—]\s?|[-–—]\s")
_OPENING_QUOTES = frozenset('«"“')
_CLOSING_QUOTE = re.compile(r"[»\"”]")
_SENTENCE_END = re.compile(r"[.!?؟…](?=[\s\"'”»)]|$)")
_ABBREVIATION = re.compile(
    r"(?<![\w.])(?:د|ا|م|dr|prof|mr|mrs|ms|st|jr|sr|gen|col|lt|sen|rep|gov|inc|co|corp|ltd|no|vs"
    r"|[a-z])$"
)
_ABBREVIATION_ENDS = frozenset("دام\nabcdefghijklmnopqrstuvwxyz")
_HARD_STOP = re.compile(r"[«»\"“”؛;:]")
# Each word-initial pattern below opens with a literal letter and checks the character before
# it afterwards ("ا(?<![\w]ا)" for "(?<![\w])ا"), so the regex engine skips quickly to the
# letters that can open a match; the matches are those of the plain spelling.
_AR_COMPLEMENTIZER_WORDS = (
    r"ا(?<![\w]ا)(?:ن|نه|نها|نهم|نهما|نني|ننا)(?![\w])"
    r"|ب(?<![\w]ب)(?:ان|انه|انها|انهم)(?![\w])"
    r"|ف(?<![\w]ف)(?:ان|انه|انها)(?![\w])"
    r"|ل(?<![\w]ل)ان(?![\w])"
    r"|ق(?<![\w]ق)(?:ايلا|ايله)(?![\w])"
)
# إن / أن / بأن / فإن / لأن / قائلا, as whole words.
_AR_COMPLEMENTIZER = re.compile(_AR_COMPLEMENTIZER_WORDS)
_EN_COMPLEMENTIZER_WORDS = r"t(?<!\wt)hat\b|i(?<!\wi)f\b|w(?<!\ww)hether\b"
# that / if / whether, as whole words.
_EN_COMPLEMENTIZER = re.compile(_EN_COMPLEMENTIZER_WORDS)
_AR_TAIL_STOP = re.compile(f"{_AR_COMPLEMENTIZER_WORDS}|:")
_EN_TAIL_STOP = re.compile(f'{_EN_COMPLEMENTIZER_WORDS}|,|:|;|"|“|”')
_AR_VENUES = (
    r"\s+(?:[\w]+\s+)??"
    r"(?:تصريح|تصريحات|حديث|مقابله|لقاء|اتصال|مداخله|بيان|تغريده|تدوينه|منشور|موتمر|صفحته"
    r"|صفحتها|حسابه|حسابها)(?![\w])"
)
# "في تصريح", "خلال مقابلة", "عبر حسابه", "لصحيفة": where the speaker spoke.
_AR_CUT = re.compile(
    f"ف(?<![\\w]ف)ي{_AR_VENUES}|خ(?<![\\w]خ)لال{_AR_VENUES}|ع(?<![\\w]ع)بر{_AR_VENUES}"
    r"|ل(?<![\w]ل)(?:صحيفه|جريده|قناه|وكاله|موقع|مجله)(?![\w])"
)
_EN_VENUES = (
    r"\s+(?:an?|the|his|her|their)\s+(?:\w+\s+)?"
    r"(?:statement|interview|post|report|note|email|tweet|conference|briefing|speech)\b"
)
# "in a statement", "during the briefing", "on Monday".
_EN_CUT = re.compile(
    f"i(?<!\\wi)n{_EN_VENUES}|o(?<!\\wo)n{_EN_VENUES}|d(?<!\\wd)uring{_EN_VENUES}"
    f"|a(?<!\\wa)t{_EN_VENUES}"
    r"|o(?<!\wo)n\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)


class _BlockReader:
    """Finds speaker phrases inside one prose block of normalised text."""

    def __init__(
        self,
        text: str,
        tokens: list[Token],
        is_upper: Callable[[int], bool],
        offsets: _Offsets | None = None,
    ) -> None:
        """Read ``text`` and its ``tokens``.

        ``offsets`` (see ``_ProseBlock.offsets``) are the tokens' offsets as the document
        keeps them, searched in place.
        """
        self.text = text
        self.all_tokens = tokens
        if offsets is None:
            offsets = (
                list(map(itemgetter(0), tokens)),
                list(map(itemgetter(1), tokens)),
                0,
                len(tokens),
                0,
            )
        self._starts, self._ends, self._first, self._last, self._shift = offsets
        self.is_upper = is_upper
        self.sentence_ends = self._sentence_ends()

    def _sentence_ends(self) -> list[int]:
        """Sentence ends, skipping the dots of "د." and "Dr." that split_sentences would take."""
        text = self.text
        # Each match is one character, so it ends right after the mark it is.
        ends = [match.end() for match in _SENTENCE_END.finditer(text)]
        return [end for end in ends if text[end - 1] != "." or not self._abbreviation(end - 1)]

    def _abbreviation(self, dot: int) -> bool:
        """Whether the dot at ``dot`` closes an abbreviation such as "د." or "Dr."."""
        text = self.text
        # Every abbreviation ends in a Latin letter or in د / ا / م (or, read with "$",
        # before a line break), so other dots need no search.
        if not dot or text[dot - 1] not in _ABBREVIATION_ENDS:
            return False
        token_start = text.rfind(" ", 0, dot) + 1
        return bool(_ABBREVIATION.search(text, token_start, dot))

    def sentence_of(self, position: int) -> Span:
        """Return the ``[start, end)`` of the sentence holding ``position``."""
        after = bisect_right(self.sentence_ends, position)
        start = self.sentence_ends[after - 1] if after else 0
        end = self.sentence_ends[after] if after < len(self.sentence_ends) else len(self.text)
        return start, end

    def _token_range(self, start: int, end: int) -> tuple[int, int]:
        """Return the indices (into the document's lists) of the words meeting ``[start, end)``."""
        shift = self._shift
        first = bisect_right(self._ends, start + shift, self._first, self._last)
        return first, bisect_left(self._starts, end + shift, first, self._last)

    def tokens(self, start: int, end: int) -> list[Token]:
        """Return the word tokens inside ``[start, end)``, cutting those that straddle it."""
        if end <= start:
            return []
        first, last = self._token_range(start, end)
        found = self.all_tokens[first - self._first : last - self._first]
        if found and found[0][0] < start:
            token_start, token_end, token = found[0]
            found[0] = (start, token_end, token[start - token_start :])
        if found and found[-1][1] > end:
            token_start, token_end, token = found[-1]
            found[-1] = (token_start, end, token[: end - token_start])
        return found

    def trimmed(self, start: int, end: int) -> Span:
        """Shrink ``[start, end)`` to run from its first word to its last."""
        if end <= start:
            return start, start
        first, last = self._token_range(start, end)
        if last <= first:
            return start, start
        # The words straddling an edge are cut there, as :meth:`tokens` cuts them.
        shift = self._shift
        return max(start, self._starts[first] - shift), min(end, self._ends[last - 1] - shift)

    def limit_tokens(
        self, start: int, end: int, from_end: bool, most: int = _MAX_WINDOW_TOKENS
    ) -> Span:
        """Keep at most ``most`` words, counted from the start or the end."""
        if end <= start:
            return start, end
        first, last = self._token_range(start, end)
        if last - first <= most:
            return start, end
        # With more than ``most`` words, the one kept last is neither cut word.
        if from_end:
            return self._starts[last - most] - self._shift, end
        return start, self._ends[first + most - 1] - self._shift

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
