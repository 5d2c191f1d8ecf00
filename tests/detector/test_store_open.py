"""Opening a store: a missing folder is an error, an in-memory store serves many threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mizan.detector.article import ArticleInput
from mizan.detector.store import ArticleStore
from mizan.detector.store.database import StoreError


def test_a_store_in_a_missing_folder_is_an_error_not_a_new_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir"
    with pytest.raises(StoreError, match="does not exist"):
        ArticleStore(f"sqlite:///{missing / 'x.db'}")
    assert not (tmp_path / "no").exists()


def test_an_in_memory_store_serves_concurrent_threads() -> None:
    store = ArticleStore("sqlite://")

    def work(index: int) -> bool:
        store.add(
            ArticleInput(
                id=f"a{index}",
                title=f"خبر رقم {index}",
                body="قال وزير المالية إن الميزانية ارتفعت هذا العام بنسبة طفيفة. " * 12,
                author="سارة أحمد",
                outlet="واس",
            )
        )
        return store.get_article(f"a{index}") is not None

    with ThreadPoolExecutor(16) as pool:
        found = list(pool.map(work, range(160)))
    assert all(found)
    profile = store.author_profile("سارة أحمد")
    assert profile is not None
