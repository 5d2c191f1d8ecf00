"""Regular expressions for long word lists, written as a trie so matching stays fast.

Python's ``re`` tries the branches of an alternation one by one; a list of a few hundred
names (countries, number words, lexicon phrases) is much faster as a trie, where each
position only tries the branches that share its first characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any


def trie_regex(words: Iterable[str]) -> str:
    """Return a regex (no groups) matching any of ``words``, longest match first.

    A space inside a word matches any run of whitespace. An empty list gives a pattern
    that matches nothing.
    """
    trie: dict[str, Any] = {}
    for word in words:
        if not word:
            continue
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    if not trie:
        return "(?!)"
    return _render(trie)


def _render(node: dict[str, Any]) -> str:
    branches = []
    for char in sorted(key for key in node if key):
        piece = r"\s+" if char == " " else re.escape(char)
        branches.append(piece + _render(node[char]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body
