"""The speaker classifier: names, titles and affiliations in a speaker phrase."""

from __future__ import annotations

import re
from functools import partial
from operator import itemgetter

from mizan.detector.signals.experts.categories import UNSOURCED_CATEGORIES, Category
from mizan.detector.signals.experts.cues import _Cue
from mizan.detector.signals.experts.reader import _AR_COMPLEMENTIZER, _BlockReader
from mizan.detector.signals.experts.words import (
    _AR_NAME_HOMOGRAPHS,
    _AR_PROCLITICS,
    Span,
    Token,
    _is_arabic,
    _leading_gap,
    _Lexicon,
    _TokenCache,
    _word_forms,
)

_EN_AT_CAPITAL = re.compile(r"\b(?:at|with)\s+(?:the\s+)?(?=\w)")
# لـ«العربية», a quoted outlet; the ل opens the pattern so the engine skips quickly to it.
_AR_QUOTED_OUTLET = re.compile(r"ل(?<![\w]ل)\s*[«\"“][^»\"”]{2,40}[»\"”]")
_AR_NAME_PARTICLES = frozenset({"عبد", "ابو", "بن", "ابن", "بنت"})
_EN_NAME_PARTICLES = frozenset({"bin", "ibn", "al", "el", "de", "van", "von", "da", "abu"})
# Name words that would otherwise be read as clitic + function word ("الله" as ال + له).
_AR_NAME_WORDS = frozenset({"الله", "علي"})
_AR_JOINED_ARTICLE = ("لل", "بال", "وال", "فال", "كال")
_AR_FIELD_PREPOSITIONS = frozenset({"في", "فى", "بمجال"})
# Sentence openers before a speaker that closes the phrase ("إلا أن الخبراء يرون").
_AR_LEADING_WORDS = frozenset({"الا", "لكن", "ولكن", "بينما", "فيما", "غير", "اذ", "كما", "وكان"})
_CLOSE_TO = re.compile(r"مقرب|قريب|close to|familiar with")
_EN_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "who", "which"})


# What name_run reads of a token: (a title or field word, opens with the article, opens
# with "وال", a feminine adjective's shape, may be part of a name (Arabic: an Arabic word with
# no joined article that is no lexicon word; Latin: a name's shape), a preposition that opens
# a field, an indefinite title that a genitive field may follow).
_NameFlags = tuple[bool, bool, bool, bool, bool, bool, bool]
_NAME_FLAGS: dict[str, tuple[_Lexicon, _TokenCache[_NameFlags]]] = {}


def _name_flags(lexicon: _Lexicon) -> _TokenCache[_NameFlags]:
    """Return the cache of name_run's token flags for ``lexicon``."""
    kept = _NAME_FLAGS.get(lexicon.language)
    if kept is not None and kept[0] is lexicon:
        return kept[1]
    cache: _TokenCache[_NameFlags] = _TokenCache(partial(_token_name_flags, lexicon))
    _NAME_FLAGS[lexicon.language] = (lexicon, cache)
    return cache


def _token_name_flags(lexicon: _Lexicon, token: str) -> _NameFlags:
    """Work out name_run's flags of one token (see ``_NameFlags``)."""
    not_name, descriptor, latin_name = lexicon.token_flags(token)
    definite = token.startswith("ال")
    if lexicon.language == "ar":
        name_word = (
            len(token) > 1
            and _is_arabic(token)
            and not token.startswith(_AR_JOINED_ARTICLE)
            and not not_name
        )
    else:
        name_word = latin_name
    # "خبير", "محللة", "ومحلل": a title without the article.
    indefinite_title = (
        not token.startswith(("ال", "لل"))
        and len(token) > 2
        and token in lexicon.title_words
        or token[1:] in lexicon.title_words
        and token[0] in _AR_PROCLITICS
        and not token[1:].startswith("ال")
    )
    return (
        descriptor,
        definite,
        token.startswith("وال"),
        definite and token.endswith("يه"),
        name_word,
        token in _AR_FIELD_PREPOSITIONS,
        indefinite_title,
    )


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
        text = reader.text
        arabic = lexicon.language == "ar"
        flags_of = _name_flags(lexicon)
        flags = [flags_of[token] for _, _, token in tokens]
        follows_indefinite_title = False
        for index, item in enumerate(tokens):
            start, end, token = item
            descriptor, definite, conjoined, feminine, name_word, field_word, titles_next = flags[
                index
            ]
            adjacent = previous_end >= 0 and (
                previous_end == start or not text[previous_end:start].strip()
            )
            if arabic:
                # "محلل الطقس عقيل العقيل", "خبير الهجرة والعمالة": a definite word right
                # after an indefinite title is its field (a genitive), not the speaker's name.
                in_complement = adjacent and (
                    definite
                    and (in_complement or follows_indefinite_title)
                    or in_complement
                    and conjoined
                )
                # "خبير الشؤون الاستراتيجية", "الخبيرة التربوية": a feminine adjective after a
                # title or field word is no surname; it describes the speaker.
                adjective = after_descriptor and feminine
                if in_complement or adjective:
                    complements.append((start, end))
                is_name = token in _AR_NAME_WORDS or (
                    name_word and not in_complement and not adjective
                )
            else:
                is_particle = (
                    bool(current)
                    and token in _EN_NAME_PARTICLES
                    and index + 1 < len(tokens)
                    and reader.is_upper(tokens[index + 1][0])
                )
                is_name = is_particle or (name_word and reader.is_upper(start))
            if is_name and current and adjacent:
                current.append(item)
            elif is_name:
                current = [item]
                # "ناصر القحطاني، المستشار في شؤون العقار": words after "في" name the field,
                # not the speaker, when a name opens the phrase.
                after_title = after_descriptor and not (field_phrase and runs and runs[0][2])
                runs.append((current, after_title, index == 0))
            else:
                current = []
            if arabic and field_word and after_descriptor:
                field_phrase = True
            after_descriptor = (
                descriptor or in_complement or arabic and after_descriptor and feminine
            )
            follows_indefinite_title = titles_next
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
        run_words = list(map(itemgetter(2), run))
        name_tokens = frozenset(run_words)
        particles = _AR_NAME_PARTICLES if lexicon.language == "ar" else _EN_NAME_PARTICLES
        name_count = len(run_words) - sum(map(particles.__contains__, run_words))
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
        flags_of = _name_flags(lexicon)
        covered = [flags_of[token][0] for _, _, token in tokens]
        # Tokens run in order and do not overlap, so their ends grow too: those inside a
        # marker are the ones from its start on, up to the first that ends after it.
        for marker_start, marker_end in markers:
            for index, (start, end, _) in enumerate(tokens):
                if end > marker_end:
                    break
                if start >= marker_start:
                    covered[index] = True
        first_marker = min(markers)[0]
        first = 0
        for index, token in enumerate(tokens):
            if token[0] >= first_marker:
                first = index
                break
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
