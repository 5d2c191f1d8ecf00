"""The memory values sit below both the signals and the store that fill them."""

import ast
from pathlib import Path

import pytest

from mizan.detector import memory
from mizan.detector.signals import base
from mizan.detector.store import ArticleStore

DETECTOR = Path(__file__).resolve().parents[2] / "detector"


def _imports(path: Path) -> set[str]:
    """Return the modules ``path`` imports, at any level of its code."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_memory_imports_nothing_of_the_library() -> None:
    imported = _imports(DETECTOR / "memory.py")
    assert imported, "the parse found no imports at all"
    assert not sorted(name for name in imported if name.split(".")[:2] == ["mizan", "detector"])


@pytest.mark.parametrize("path", sorted((DETECTOR / "store").glob("*.py")), ids=lambda p: p.name)
def test_store_takes_its_values_from_memory_not_the_signals(path: Path) -> None:
    assert not sorted(name for name in _imports(path) if name.startswith("mizan.detector.signals"))


def test_signals_and_store_share_one_memory_type() -> None:
    assert base.ArticleMemory is memory.ArticleMemory
    store = ArticleStore("sqlite://", topics=None)
    try:
        assert store.author_profile("nobody") is None
        assert list(store.near_duplicates("نص قصير", None)) == []
        context = base.SignalContext(memory=store)
        assert context.memory is store
    finally:
        store.close()
