"""A tiny bundle trained once per session from a small sample of the real corpora."""

from pathlib import Path

import pytest

from mizan.detector.settings import get_settings
from mizan.service.cli import main

CORPORA_DIR = get_settings().corpora_dir
TINY_TRAIN_ARGS = ("--max-rows", "80", "--human-news-rows", "60", "30", "30", "--workers", "1")


@pytest.fixture(scope="session")
def tiny_train_args() -> tuple[str, ...]:
    """The row caps of the tiny runs."""
    return TINY_TRAIN_ARGS


@pytest.fixture(scope="session")
def tiny_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Feature cache of the tiny runs (outside the working tree)."""
    return tmp_path_factory.mktemp("tiny-cache")


@pytest.fixture(scope="session")
def tiny_bundle(tmp_path_factory: pytest.TempPathFactory, tiny_cache: Path) -> Path:
    """Run `mizan train` on at most 80 rows per corpus into a temporary models root."""
    if not CORPORA_DIR.is_dir():
        pytest.skip(f"corpora not available at {CORPORA_DIR}")
    root = tmp_path_factory.mktemp("tiny-models")
    cache = tiny_cache
    exit_code = main(
        [
            "train",
            *TINY_TRAIN_ARGS,
            "--models-root",
            str(root),
            "--cache-dir",
            str(cache),
            "--no-default",
            "--version",
            "0.0.1-test",
            "--quiet",
        ]
    )
    assert exit_code == 0
    return root / "mizan-default" / "0.0.1-test"
