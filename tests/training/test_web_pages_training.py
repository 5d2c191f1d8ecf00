"""Training on the web pages: story folds, head membership, out-of-fold folds and scores."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mizan.detector.model import Thresholds
from mizan.training.data import head_mask, sample_weights
from mizan.training.text_stage import text_folds
from mizan.training.thresholds import choose_thresholds
from mizan.training.web_pages import (
    WEB_FOLD_COLUMN,
    Page,
    evaluate,
    out_of_fold_scores,
    site_folds,
    story_pairs,
    verdict_of,
    web_pages_frame,
)

# Written for these tests: one story told twice with other chrome, and unrelated reports.
STORY = (
    "The port authority said on Monday that container traffic rose by a fifth in the first "
    "half of the year, helped by a new berth that opened in March and by shorter waits."
)
OTHER = (
    "A heavy rain warning was issued for the coastal towns, and schools will close early on "
    "Thursday while crews clear the drains along the main roads."
)
THIRD = (
    "The football club named a new coach after a season without a trophy, and the board "
    "promised fresh money for young players from the academy."
)


def _page(page_id: str, site: str, text: str, label: int = 0, kind: str = "wire") -> Page:
    return Page(page_id, "en", site, label, kind, text)


def test_story_pairs_join_a_retold_story_and_nothing_else() -> None:
    texts = [f"Home | News | Share\n{STORY}", OTHER, f"{STORY}\nRead more: subscribe", THIRD]
    assert story_pairs(texts) == [(0, 2)]


def test_pages_of_one_story_share_a_fold_across_sites() -> None:
    pages = [_page(f"p{i}", f"site{i}.example", f"{STORY} Report number {i}.") for i in range(12)]
    pages.append(_page("other", "lonely.example", OTHER))
    folds = site_folds(pages, 5)
    assert len(set(folds[:12].tolist())) == 1


WORDS = ("amber", "basil", "cedar", "delta", "ember", "fjord", "garnet", "harbor")


def _words(number: int, count: int = 5) -> str:
    """Words no other page of the corpus uses (so no two pages share a story)."""
    return " ".join(f"{WORDS[(number + step) % len(WORDS)]}{number}" for step in range(count))


def _write(folder: Path, name: str, rows: list[dict[str, str]]) -> None:
    text = "\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n"
    (folder / name).write_text(text, encoding="utf-8")


def _corpus(folder: Path) -> Path:
    farm = [
        {
            "id": f"f{i}",
            "language": "ar" if i % 2 else "en",
            "site": f"farm{i % 5}.example",
            "kind": ["content_farm", "machine_written", "both"][i % 3],
            "text": f"You will not believe it: {_words(i)}, the secret",
        }
        for i in range(15)
    ]
    wire = [
        {
            "id": f"w{i}",
            "language": "ar" if i % 2 else "en",
            "site": f"wire{i % 5}.example",
            "text": f"The ministry said on Sunday: {_words(i)}.",
        }
        for i in range(15)
    ]
    _write(folder, "farm.jsonl", farm)
    _write(folder, "wire.jsonl", wire)
    return folder


def test_web_pages_frame_holds_train_rows_with_site_folds(tmp_path: Path) -> None:
    frame = web_pages_frame(_corpus(tmp_path), 5)
    assert len(frame) == 30
    assert set(frame["split"]) == {"train"}
    assert set(frame["task"]) == {"web_pages"}
    assert frame.loc[frame["id"].str.contains(":w"), "variant"].eq("wire").all()
    assert frame.groupby("group")[WEB_FOLD_COLUMN].nunique().max() == 1
    assert frame[WEB_FOLD_COLUMN].between(0, 4).all()


def _mixed_frame() -> pd.DataFrame:
    rows = [
        ("aigt", "ai_generated", "arabic-aigt-diacritics", 1, None),
        ("mce-trusted", "credibility", "mce-arabic-news-credibility", 0, None),
        ("mce-untrusted", "credibility", "mce-arabic-news-credibility", 1, None),
        ("snn", "human_news", "saudinewsnet", 0, None),
        ("farm", "web_pages", "web-pages-dev", 1, "content_farm"),
        ("machine", "web_pages", "web-pages-dev", 1, "machine_written"),
        ("both", "web_pages", "web-pages-dev", 1, "both"),
        ("wire", "web_pages", "web-pages-dev", 0, "wire"),
    ]
    return pd.DataFrame(rows, columns=["id", "task", "source_corpus", "label", "variant"])


def test_ai_generated_head_takes_machine_written_pages_and_human_news() -> None:
    frame = _mixed_frame()
    with_pages = dict(zip(frame["id"], head_mask(frame, "ai_generated", True, True), strict=True))
    assert with_pages == {
        "aigt": True,
        "mce-trusted": True,
        "mce-untrusted": False,
        "snn": True,
        "farm": False,
        "machine": True,
        "both": True,
        "wire": True,
    }
    without = head_mask(frame, "ai_generated", True, False)
    assert frame["id"][without].tolist() == ["aigt", "snn"]


def test_content_farm_head_learns_the_web_pages() -> None:
    frame = _mixed_frame()
    mask = head_mask(frame, "content_farm", False)
    assert frame["id"][mask].tolist() == ["farm", "machine", "both", "wire"]


def test_web_page_weight_scales_only_web_rows() -> None:
    frame = _mixed_frame()
    plain = sample_weights(frame, 1.0, 1.0)
    heavy = sample_weights(frame, 1.0, 3.0)
    web = (frame["task"] == "web_pages").to_numpy()
    ratio = (heavy[web] / heavy[~web].mean()) / (plain[web] / plain[~web].mean())
    assert np.allclose(ratio, 3.0)


def test_text_folds_keep_each_page_in_its_site_fold() -> None:
    groups = np.arange(40) // 2  # pairs of corpus rows that must stay together
    page_fold = np.full(40, -1)
    page_fold[30:] = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]
    rows = np.arange(40)
    fold_of = text_folds(rows, groups, page_fold, 5)
    assert np.array_equal(fold_of[30:], page_fold[30:])
    for group in np.unique(groups[:30]):
        assert len(set(fold_of[:30][groups[:30] == group].tolist())) == 1
    assert set(fold_of.tolist()) == {0, 1, 2, 3, 4}


def test_no_one_corpus_carries_the_false_alarms() -> None:
    # Pooled, 3 of 300 human rows may be flagged; all three low scores are in one corpus
    # of 60, which would flag 5% of it; its own cap (3%) allows one.
    corpora = ["saudinewsnet"] * 240 + ["mce-arabic-news-credibility"] * 60
    scores = np.concatenate([np.linspace(0.5, 0.9, 240), [0.1, 0.12, 0.14], np.full(57, 0.8)])
    frame = pd.DataFrame({"source_corpus": corpora, "label": 0})
    thresholds = choose_thresholds(scores, frame, np.arange(300))
    flagged = scores < thresholds.unreliable_below
    assert flagged[240:].sum() <= 1
    assert flagged.sum() <= 3


def test_out_of_fold_scores_give_verdicts_at_the_shipped_thresholds() -> None:
    pages = [_page("a", "x.example", STORY, 1, "content_farm"), _page("b", "y.example", OTHER)]
    cv = {
        "pages": [
            {"id": "web-pages-dev:a", "fold": 2, "unreliable": 0.9, "ai_generated": 0.7},
            {"id": "web-pages-dev:b", "fold": 0, "unreliable": 0.1, "ai_generated": 0.01},
        ]
    }
    thresholds = Thresholds(0.3, 0.8).to_dict()
    scored = out_of_fold_scores(pages, cv, thresholds)
    assert scored is not None
    assert [row["verdict"] for row in scored] == ["unreliable", "reliable"]
    assert out_of_fold_scores([*pages, _page("c", "z.example", THIRD)], cv, thresholds) is None
    assert verdict_of(0.5, thresholds) == "review"


def test_evaluate_reads_the_bundles_out_of_fold_scores(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    frame = web_pages_frame(folder, 3)
    labels = frame["label"].to_numpy()
    # A model that ranks every page right, except one wire page it calls unreliable.
    unreliable = np.where(labels == 1, 0.95, 0.05)
    unreliable[np.flatnonzero(labels == 0)[0]] = 0.97
    metadata = {
        "thresholds": {"unreliable_below": 0.3, "reliable_above": 0.8},
        "web_pages_cv": {
            "folds": 3,
            "ai_generated_threshold": 0.6,
            "pages": [
                {"id": row_id, "fold": 0, "unreliable": float(value), "ai_generated": 0.7}
                for row_id, value in zip(frame["id"], unreliable, strict=True)
            ],
        },
    }
    figures = evaluate(folder, 3, metadata)
    overall = figures["all"]
    assert overall["scores"] == "out-of-fold"
    assert overall["farm_not_reliable"] == 1.0
    assert overall["wire_unreliable"] == pytest.approx(1 / 15)
    assert overall["model_auroc"] == pytest.approx(1 - 15 / (15 * 15))
    assert overall["machine_ai_recall"] == 1.0


def test_text_folds_of_web_pages_alone_are_their_site_folds() -> None:
    page_fold = np.array([0, 1, 2, 3, 4, 2])
    fold_of = text_folds(np.arange(6), np.arange(6), page_fold, 5)
    assert np.array_equal(fold_of, page_fold)
