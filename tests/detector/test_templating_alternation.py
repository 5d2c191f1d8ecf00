"""Residue patterns run branch by branch find what the whole alternation finds."""

from __future__ import annotations

import itertools
import re

import pytest

from mizan.detector.signals.templating import residue

PIECES = (
    "[2]",
    "[",
    " +4",
    "+",
    "AI 🤖",
    '" "',
    "«»",
    "| --- |",
    "<image>",
    "â€™",
    "كتب",
    " ",
    "\n",
    "اقرأ أيضا:",
    "إقرأأيضاً",
    "بنحو،",
    "(حوالي %)",
    ": . ",
    "x",
)


def _spans(matches: list[re.Match[str]]) -> list[tuple[int, int, str]]:
    return [(match.start(), match.end(), match.group()) for match in matches]


@pytest.mark.parametrize("pattern", list(residue._BRANCHES))
def test_branches_join_into_the_pattern(pattern: re.Pattern[str]) -> None:
    branches = residue._BRANCHES[pattern]
    assert pattern.pattern == "|".join(branch.pattern for _, branch in branches)
    assert len(branches) > 1


@pytest.mark.parametrize("pattern", list(residue._BRANCHES))
def test_branch_by_branch_matches_equal_the_alternation(pattern: re.Pattern[str]) -> None:
    checked = 0
    for left, right in itertools.product(PIECES, repeat=2):
        for text in (left + right, "نص " + left + " " + right + left):
            expected = _spans(list(pattern.finditer(text)))
            assert _spans(residue.alternation_matches(pattern, text)) == expected, text
            checked += bool(expected)
    assert checked > 0


def test_two_branches_matching_fall_back_to_the_alternation() -> None:
    text = "كتب +3 ثم [4] و« »"
    found = _spans(residue.alternation_matches(residue._RESIDUE_MARKER, text))
    assert [item[2] for item in found] == [" +3", "[4]", "« »"]


def test_a_pattern_without_branches_runs_whole() -> None:
    pattern = re.compile(r"ab|b")
    assert _spans(residue.alternation_matches(pattern, "abb")) == [(0, 2, "ab"), (2, 3, "b")]
