"""The web-pages task: loader, site-grouped folds, baseline on the same folds."""

import json
from pathlib import Path

import numpy as np
import pytest

from mizan.detector.errors import MizanError
from mizan.training.web_pages import baseline_scores, load_web_pages, site_folds

WORDS = ("amber", "basil", "cedar", "delta", "ember", "fjord", "garnet", "harbor")


def _words(number: int, count: int = 5) -> str:
    """Words no other page of the corpus uses (so no two pages share a story)."""
    return " ".join(f"{WORDS[(number + step) % len(WORDS)]}{number}" for step in range(count))


def _write(folder: Path, name: str, rows: list[dict[str, str]]) -> None:
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _corpus(folder: Path) -> Path:
    farm = [
        {
            "id": f"f{i}",
            "language": "en",
            "site": f"farm{i % 4}.example",
            "kind": "content_farm",
            "text": f"Top tips: {_words(i)}, click here",
        }
        for i in range(12)
    ]
    wire = [
        {
            "id": f"w{i}",
            "language": "en",
            "site": f"Wire{i % 4}.example",
            "text": f"The minister approved the budget: {_words(i)}.",
        }
        for i in range(12)
    ]
    _write(folder, "farm.jsonl", farm)
    _write(folder, "wire.jsonl", wire)
    return folder


def test_loader_labels_farm_one_and_wire_zero(tmp_path: Path) -> None:
    pages = load_web_pages(_corpus(tmp_path))
    assert len(pages) == 24
    assert {page.label for page in pages if page.page_id.startswith("f")} == {1}
    assert {page.label for page in pages if page.page_id.startswith("w")} == {0}
    assert all(page.site == page.site.lower() for page in pages)


def test_no_site_in_two_folds(tmp_path: Path) -> None:
    pages = load_web_pages(_corpus(tmp_path))
    folds = site_folds(pages, 3)
    by_site: dict[str, set[int]] = {}
    for page, fold in zip(pages, folds, strict=True):
        by_site.setdefault(page.site, set()).add(int(fold))
    assert all(len(found) == 1 for found in by_site.values())


def test_baseline_scores_are_out_of_fold_probabilities(tmp_path: Path) -> None:
    pages = load_web_pages(_corpus(tmp_path))
    scores = baseline_scores(pages, site_folds(pages, 3))
    assert scores.shape == (24,)
    assert np.all((scores >= 0.0) & (scores <= 1.0))


def test_bad_row_is_a_clear_error(tmp_path: Path) -> None:
    _corpus(tmp_path)
    (tmp_path / "wire.jsonl").write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(MizanError, match="wire.jsonl:1"):
        load_web_pages(tmp_path)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MizanError, match="missing"):
        load_web_pages(tmp_path)
