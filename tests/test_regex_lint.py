"""Regex lint: no compiled pattern of the project can backtrack super-linearly.

Every module under ``detector/``, ``service/`` and ``training/`` is imported and each
compiled pattern it holds at module level (directly, or in a list, tuple, set or dict) is
parsed with ``re._parser``. A pattern fails when

* an unbounded backtracking repeat contains another unbounded backtracking repeat
  (``(a+)+``, ``(?:\\s*x)*``), or
* an unbounded backtracking repeat is followed, with only optional items between, by another
  unbounded repeat over characters it can also match (``\\s*:?\\s*``, ``.*\\s+``),

unless the first one is possessive (``*+``, ``++``) or inside an atomic group ``(?>...)``.
Character classes are compared over a sample alphabet (ASCII, Latin, Arabic, the common
spaces and format characters), which errs towards reporting.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_parser: Any = getattr(re, "_parser")  # noqa: B009 - the parse tree has no public API
_constants: Any = getattr(re, "_constants")  # noqa: B009

# The parser behind ``re`` (``sre_parse`` before Python 3.11); typeshed does not describe it.
C: Any = importlib.import_module("re._constants")
P: Any = importlib.import_module("re._parser")

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("detector", "service", "training")
MAXREPEAT = _constants.MAXREPEAT
OP = _constants  # opcodes are module constants: OP.MAX_REPEAT, OP.IN, ...

# Known offenders in modules this lint does not fix itself, keyed by "module:attribute".
# Each entry names why it is listed; the owners of these modules empty this list.
ALLOWED: dict[str, str] = {}

_ALPHABET = (
    "".join(
        chr(code)
        for block in (
            range(0x00, 0x250),
            range(0x600, 0x700),
            range(0x750, 0x780),
            range(0x2000, 0x2070),
            range(0xFB50, 0xFB60),
            range(0xFE70, 0xFE80),
        )
        for code in block
    )
    + "\u3000\ufeff\u00a0"
)

_CATEGORY_PATTERNS = {
    OP.CATEGORY_DIGIT: re.compile(r"\d"),
    OP.CATEGORY_NOT_DIGIT: re.compile(r"\D"),
    OP.CATEGORY_SPACE: re.compile(r"\s"),
    OP.CATEGORY_NOT_SPACE: re.compile(r"\S"),
    OP.CATEGORY_WORD: re.compile(r"\w"),
    OP.CATEGORY_NOT_WORD: re.compile(r"\W"),
}
_ALL = frozenset(_ALPHABET)


def _category(category: Any) -> frozenset[str]:
    pattern = _CATEGORY_PATTERNS.get(category)
    if pattern is None:
        return _ALL
    return frozenset(ch for ch in _ALPHABET if pattern.match(ch))


def _single(op: Any, av: Any, flags: int) -> frozenset[str] | None:
    """Characters one single-character item matches, or None when it is no such item."""
    fold = bool(flags & re.IGNORECASE)

    def same(ch: str, code: int) -> bool:
        return ord(ch) == code or (fold and ch.lower() == chr(code).lower())

    if op is OP.LITERAL:
        return frozenset(ch for ch in _ALPHABET if same(ch, av))
    if op is OP.NOT_LITERAL:
        return frozenset(ch for ch in _ALPHABET if not same(ch, av))
    if op is OP.ANY:
        return _ALL if flags & re.DOTALL else _ALL - {"\n"}
    if op is OP.CATEGORY:
        return _category(av)
    if op is OP.IN:
        negate = False
        chars: set[str] = set()
        for item_op, item_av in av:
            if item_op is OP.NEGATE:
                negate = True
            elif item_op is OP.LITERAL:
                chars |= {ch for ch in _ALPHABET if same(ch, item_av)}
            elif item_op is OP.RANGE:
                low, high = item_av
                chars |= {
                    ch
                    for ch in _ALPHABET
                    if low <= ord(ch) <= high or (fold and low <= ord(ch.lower()) <= high)
                }
            elif item_op is OP.CATEGORY:
                chars |= _category(item_av)
            else:
                return _ALL
        return _ALL - chars if negate else frozenset(chars)
    return None


def _chars(items: Any, flags: int) -> frozenset[str]:
    """Every character a subpattern can consume (a superset)."""
    found: set[str] = set()
    for op, av in items:
        single = _single(op, av, flags)
        if single is not None:
            found |= single
        elif op in (OP.MAX_REPEAT, OP.MIN_REPEAT, OP.POSSESSIVE_REPEAT):
            found |= _chars(av[2], flags)
        elif op is OP.SUBPATTERN:
            found |= _chars(av[3], flags)
        elif op is OP.ATOMIC_GROUP:
            found |= _chars(av, flags)
        elif op is OP.BRANCH:
            for branch in av[1]:
                found |= _chars(branch, flags)
        elif op is OP.GROUPREF:
            return _ALL
    return frozenset(found)


def _first(items: Any, flags: int) -> frozenset[str]:
    """Characters a subpattern can start with (a superset)."""
    found: set[str] = set()
    for op, av in items:
        single = _single(op, av, flags)
        if single is not None:
            return frozenset(found | single)
        if op in (OP.MAX_REPEAT, OP.MIN_REPEAT, OP.POSSESSIVE_REPEAT):
            found |= _first(av[2], flags)
        elif op is OP.SUBPATTERN:
            found |= _first(av[3], flags)
        elif op is OP.ATOMIC_GROUP:
            found |= _first(av, flags)
        elif op is OP.BRANCH:
            for branch in av[1]:
                found |= _first(branch, flags)
        elif op not in (OP.AT, OP.ASSERT, OP.ASSERT_NOT):
            return _ALL
        if not _nullable(op, av):
            return frozenset(found)
    return frozenset(found)


def _nullable(op: Any, av: Any) -> bool:
    """Tell whether an item can match the empty string (roughly: zero-width or optional)."""
    if op in (OP.MAX_REPEAT, OP.MIN_REPEAT, OP.POSSESSIVE_REPEAT):
        return av[0] == 0
    if op in (OP.AT, OP.ASSERT, OP.ASSERT_NOT):
        return True
    if op is OP.SUBPATTERN:
        return all(_nullable(o, a) for o, a in av[3])
    if op is OP.ATOMIC_GROUP:
        return all(_nullable(o, a) for o, a in av)
    if op is OP.BRANCH:
        return any(all(_nullable(o, a) for o, a in branch) for branch in av[1])
    return False


def _is_unbounded(op: Any, av: Any) -> bool:
    return op in (OP.MAX_REPEAT, OP.MIN_REPEAT) and av[1] == MAXREPEAT


def _overlapping_unbounded(items: Any, starts: frozenset[str], flags: int) -> bool:
    """Tell whether ``items`` hold an unbounded backtracking repeat over any of ``starts``.

    A repeated body that begins with a delimiter its inner repeats cannot match
    (``(?:-\\w+)*``) splits the input one way only, so it is linear.
    """
    for op, av in items:
        if _is_unbounded(op, av) and _chars(av[2], flags) & starts:
            return True
        if op in (OP.MAX_REPEAT, OP.MIN_REPEAT) and _overlapping_unbounded(av[2], starts, flags):
            return True
        if op is OP.SUBPATTERN and _overlapping_unbounded(av[3], starts, flags):
            return True
        if op is OP.BRANCH and any(
            _overlapping_unbounded(branch, starts, flags) for branch in av[1]
        ):
            return True
    return False


def problems(pattern: re.Pattern[str]) -> list[str]:
    """Name the super-linear constructs of ``pattern`` (empty when it is linear)."""
    found: list[str] = []
    flags = pattern.flags

    def walk(items: Any) -> None:
        items = list(items)
        for index, (op, av) in enumerate(items):
            if _is_unbounded(op, av):
                if _overlapping_unbounded(av[2], _first(av[2], flags), flags):
                    found.append("nested unbounded repeats")
                mine = _chars(av[2], flags)
                for next_op, next_av in items[index + 1 :]:
                    repeat = next_op in (OP.MAX_REPEAT, OP.MIN_REPEAT, OP.POSSESSIVE_REPEAT)
                    if repeat and next_av[1] == MAXREPEAT and mine & _first(next_av[2], flags):
                        found.append("adjacent unbounded repeats over overlapping characters")
                        break
                    if not _nullable(next_op, next_av):
                        break
            if op in (OP.MAX_REPEAT, OP.MIN_REPEAT, OP.POSSESSIVE_REPEAT):
                walk(av[2])
            elif op is OP.SUBPATTERN:
                walk(av[3])
            elif op is OP.BRANCH:
                for branch in av[1]:
                    walk(branch)
            elif op in (OP.ASSERT, OP.ASSERT_NOT):
                walk(av[1])
            # An atomic group is not walked: nothing inside it backtracks once it matched.

    walk(_parser.parse(pattern.pattern, flags).data)
    return sorted(set(found))


def _patterns_in(value: Any, depth: int = 0) -> Iterator[re.Pattern[str]]:
    if isinstance(value, re.Pattern):
        if isinstance(value.pattern, str):
            yield value
    elif depth < 2 and isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _patterns_in(item, depth + 1)
    elif depth < 2 and isinstance(value, dict):
        for item in value.values():
            yield from _patterns_in(item, depth + 1)


def _modules() -> list[str]:
    names: list[str] = []
    for package in PACKAGES:
        if not (ROOT / package / "__init__.py").exists():
            continue
        names.append(f"mizan.{package}")
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"mizan.{package}."):
            names.append(info.name)
    return names


def _defines(module: Any, attribute: str) -> bool:
    """Tell whether ``module``'s source assigns ``attribute`` (rather than importing it)."""
    try:
        source = Path(module.__file__).read_text(encoding="utf-8")
    except (OSError, TypeError):
        return False
    return re.search(rf"^{re.escape(attribute)}\s*+[:=]", source, re.MULTILINE) is not None


def _project_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Every module-level pattern, keyed by the module that defines it and its attribute."""
    keys: dict[int, str] = {}
    patterns: dict[int, re.Pattern[str]] = {}
    for name in _modules():
        try:
            module = importlib.import_module(name)
        except Exception:  # an optional extra (service, training) may be missing here
            continue
        for attribute, value in sorted(vars(module).items()):
            for position, pattern in enumerate(_patterns_in(value)):
                key = f"{name}:{attribute}"
                if not isinstance(value, re.Pattern):
                    key += f"[{position}]"
                if id(pattern) not in keys or _defines(module, attribute):
                    keys[id(pattern)] = key
                    patterns[id(pattern)] = pattern
    return sorted(((keys[ident], patterns[ident]) for ident in keys), key=lambda kv: kv[0])


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(a+)+b", True),
        (r"(?:\s*x)*y", True),
        (r"\s*:?\s*z", True),
        (r".*\s+$", True),
        (r"[^|\n]*\s*\|", True),
        (r"\s*+:?\s*z", False),
        (r"(?>\s*):?\s*z", False),
        (r"\d+\s+\w", False),
        (r"[a-z]+[0-9]+", False),
        (r"(?:[\w.]++\s++){0,5}x", False),
        (r"\w{1,40}\s*", False),
        (r"[^\W_]+(?:['’-][^\W_]+)*", False),
        (r"(?:x+y+)*", True),
        (r"^\s*\|?\s*(?:by)\s*[:]?\s*(?P<name>[^|\n]{3,80}?)\s*\|?\s*$", True),
    ],
)
def test_lint_tells_linear_from_backtracking_patterns(pattern: str, expected: bool) -> None:
    assert bool(problems(re.compile(pattern))) is expected


def test_project_patterns_are_linear() -> None:
    patterns = _project_patterns()
    assert len(patterns) >= 10, "the lint found too few patterns to be checking anything"
    offenders = {
        key: problems(pattern)
        for key, pattern in patterns
        if key not in ALLOWED and problems(pattern)
    }
    assert not offenders, "super-linear patterns:\n" + "\n".join(
        f"  {key}: {', '.join(why)}: {pattern.pattern[:120]!r}"
        for key, why in offenders.items()
        for pattern in [dict(patterns)[key]]
    )


def test_allowed_offenders_still_exist() -> None:
    # An entry whose pattern was fixed (or removed) must leave the allow-list.
    keys = dict(_project_patterns())
    stale = [key for key in ALLOWED if key in keys and not problems(keys[key])]
    assert not stale, f"fixed patterns still allowed: {stale}"


def test_alphabet_covers_arabic_and_spaces() -> None:
    assert "\u00a0" in _ALPHABET and "ب" in _ALPHABET
    assert unicodedata.category("\u200c") == "Cf" and "\u200c" in _ALPHABET


def test_lint_reads_every_module_of_the_packages() -> None:
    # Subpackages (a signal split into modules) are walked too, so their patterns are linted.
    files = {
        ".".join(("mizan", *path.relative_to(ROOT).with_suffix("").parts)).removesuffix(".__init__")
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if (path.parent / "__init__.py").exists()
    }
    missing = files - set(_modules())
    assert not missing, f"modules the lint does not import: {sorted(missing)}"
    assert any(name.startswith("mizan.detector.signals.experts.") for name in _modules())
