"""Suite-wide fixtures: nothing a test does may write into the working tree."""

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _store_outside_the_tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Point the default store at a temporary SQLite file unless a test sets its own."""
    store: Path = tmp_path_factory.mktemp("default-store") / "mizan.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MIZAN_STORE_URL", f"sqlite:///{store}")
        yield
