"""The ``web_pages`` task: real farm / machine-written pages (1) against wire pages (0).

``mizan train`` fits on these pages (the content-farm head, the machine-written pages in the
``ai_generated`` head, the combiner's signal weights) and scores every page out of fold:
for each of the site-grouped folds (no site in two folds, pages that share a story in one
fold) the stages are refitted without that fold's pages, and the fold is scored with those
refits. The bundle's ``metadata.json`` keeps those out-of-fold scores (``web_pages_cv``).
This module reads them and fits the TF-IDF + logistic regression baseline on the same folds.
With a bundle that holds no such scores (trained without web pages) the bundle itself
scores every page, which is then out-of-sample on every fold.

Run: ``python -m mizan.training.web_pages [--corpus DIR] [--folds 5] [--out reports/web_pages.md]``.
"""

from __future__ import annotations

import argparse
import json
import zlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve

from mizan.detector.engine import DetectorEngine
from mizan.detector.errors import MizanError
from mizan.detector.minhash import shingles
from mizan.detector.model import default_bundle_dir, read_bundle_metadata
from mizan.detector.settings import Settings, get_settings
from mizan.detector.text import normalize_for_matching
from mizan.training.records import COLUMNS
from mizan.training.splits import UnionFind

WEB_PAGES_CORPUS = "web-pages-dev"
"""Folder (and ``source_corpus``) of the web-pages corpus under the corpora root."""
WEB_PAGES_TASK = "web_pages"
"""``task`` of web-page rows: label 1 = content-farm or machine-written page, 0 = wire."""
WEB_FOLD_COLUMN = "web_fold"
"""Frame column with each web page's site-grouped fold (-1 for rows of other corpora)."""
MACHINE_KINDS: frozenset[str] = frozenset({"machine_written", "both"})
"""``kind`` values of pages written by a machine (they join the ``ai_generated`` head)."""
WIRE_KIND = "wire"
STORY_SHINGLE_WORDS = 3
STORY_CONTAINMENT = 0.15
"""Share of the smaller page's word 3-grams two pages must share to count as one story."""
STORY_COMMON_SHINGLE = 20
"""Word 3-grams found on more pages than this are boilerplate and join no story."""
FILES = {"farm.jsonl": 1, "wire.jsonl": 0}


@dataclass(frozen=True)
class Page:
    """One labelled page of the web-pages corpus."""

    page_id: str
    language: str
    site: str
    label: int
    kind: str
    text: str


def load_web_pages(folder: Path) -> list[Page]:
    """Read ``farm.jsonl`` (label 1) and ``wire.jsonl`` (label 0) from ``folder``."""
    pages: list[Page] = []
    for name, label in FILES.items():
        path = folder / name
        if not path.is_file():
            raise MizanError(f"web-pages corpus file missing: {path}")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text = str(row["text"])
                pages.append(
                    Page(
                        str(row["id"]),
                        str(row["language"]),
                        str(row["site"]).lower(),
                        label,
                        str(row.get("kind", WIRE_KIND)),
                        text,
                    )
                )
            except (ValueError, KeyError, TypeError) as error:
                raise MizanError(f"{path}:{number}: bad row ({error})") from None
    return pages


def story_pairs(texts: Sequence[str]) -> list[tuple[int, int]]:
    """Return index pairs ``(i, j)``, ``i < j``, of texts that tell the same story.

    Two texts share a story when at least :data:`STORY_CONTAINMENT` of the smaller one's
    word 3-grams (normalised) occur in the other: the same report rewritten or copied with
    other chrome, which near-duplicate detection at 0.8 misses. Counted through an inverted
    index; 3-grams on more than :data:`STORY_COMMON_SHINGLE` texts are skipped, so the work
    stays linear in the corpus.
    """
    sets = [shingles(normalize_for_matching(text), STORY_SHINGLE_WORDS) for text in texts]
    postings: dict[str, list[int]] = defaultdict(list)
    for position, found in enumerate(sets):
        for shingle in found:
            postings[shingle].append(position)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in postings.values():
        if len(members) > STORY_COMMON_SHINGLE:
            continue
        for index, first in enumerate(members):
            for second in members[index + 1 :]:
                shared[(first, second) if first < second else (second, first)] += 1
    return sorted(
        pair
        for pair, count in shared.items()
        if count >= STORY_CONTAINMENT * max(1, min(len(sets[pair[0]]), len(sets[pair[1]])))
    )


def site_folds(pages: Sequence[Page], folds: int) -> np.ndarray:
    """Assign each page a fold: no site in two folds, pages of one story in one fold.

    Pages are joined by site and by :func:`story_pairs`; each joined group goes to the fold
    given by a stable hash of its first site (sorted), so the folds do not depend on order.
    """
    if folds < 2:
        raise MizanError("folds must be at least 2")
    forest = UnionFind(len(pages))
    first_of_site: dict[str, int] = {}
    for position, page in enumerate(pages):
        forest.union(first_of_site.setdefault(page.site, position), position)
    for first, second in story_pairs([page.text for page in pages]):
        forest.union(first, second)
    components = forest.labels()
    site_of: dict[int, str] = {}
    for position, page in enumerate(pages):
        component = int(components[position])
        site_of[component] = min(site_of.get(component, page.site), page.site)
    return np.array(
        [zlib.crc32(site_of[int(component)].encode("utf-8")) % folds for component in components],
        dtype=np.int64,
    )


def web_pages_frame(folder: Path, folds: int) -> pd.DataFrame:
    """Return the pages as training rows (:data:`mizan.training.records.COLUMNS` shape).

    ``task`` is :data:`WEB_PAGES_TASK`, ``variant`` the page kind (``wire`` for wire pages),
    ``split`` ``train`` (the bundle fits on every page; figures come from the folds), and
    :data:`WEB_FOLD_COLUMN` the site-grouped fold. Only the body is given, as the pages
    are scored (no title, author or outlet).
    """
    pages = load_web_pages(folder)
    fold = site_folds(pages, folds)
    records = [
        {
            "id": f"{WEB_PAGES_CORPUS}:{page.page_id}",
            "title": None,
            "text": page.text.strip(),
            "author": None,
            "outlet": None,
            "language": page.language if page.language in ("ar", "en") else None,
            "label": page.label,
            "task": WEB_PAGES_TASK,
            "source_corpus": WEB_PAGES_CORPUS,
            "split": "train",
            "group": page.site,
            "variant": page.kind,
            "published_at": None,
        }
        for page in pages
    ]
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    frame[WEB_FOLD_COLUMN] = fold
    frame = frame[frame["text"] != ""].reset_index(drop=True)
    return frame.astype({"label": "int64"})


def baseline_scores(pages: Sequence[Page], fold: np.ndarray) -> np.ndarray:
    """Out-of-fold TF-IDF (character 2-5 grams) + logistic regression scores."""
    texts = [page.text for page in pages]
    labels = np.array([page.label for page in pages])
    scores = np.zeros(len(pages))
    for current in np.unique(fold):
        train = fold != current
        test = fold == current
        if len(set(labels[train])) < 2:
            scores[test] = labels[train].mean() if train.any() else 0.5
            continue
        vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, max_features=200000
        )
        matrix = vectorizer.fit_transform([texts[i] for i in np.flatnonzero(train)])
        learner = LogisticRegression(C=4.0, max_iter=2000)
        learner.fit(matrix, labels[train])
        test_matrix = vectorizer.transform([texts[i] for i in np.flatnonzero(test)])
        scores[test] = learner.predict_proba(test_matrix)[:, 1]
    return scores


def model_scores(pages: Sequence[Page]) -> list[dict[str, object]]:
    """Score every page with the shipped bundle (unreliability = 1 - reliability)."""
    engine = DetectorEngine.from_settings(Settings())
    rows: list[dict[str, object]] = []
    for page in pages:
        report = engine.score({"body": page.text})
        rows.append(
            {
                "unreliable": 1.0 - float(report.reliability),
                "verdict": report.verdict,
                "ai_generated": report.ai_generated,
            }
        )
    return rows


def verdict_of(reliability: float, thresholds: Mapping[str, float]) -> str:
    """Return the verdict ``reliability`` gets at the bundle's thresholds."""
    if reliability < float(thresholds["unreliable_below"]):
        return "unreliable"
    if reliability > float(thresholds["reliable_above"]):
        return "reliable"
    return "review"


def out_of_fold_scores(
    pages: Sequence[Page], cv: Mapping[str, Any], thresholds: Mapping[str, float]
) -> list[dict[str, object]] | None:
    """Return the bundle's out-of-fold scores of ``pages``, or ``None`` if it lacks some."""
    by_id = {str(row["id"]): row for row in cv.get("pages", [])}
    rows: list[dict[str, object]] = []
    for page in pages:
        row = by_id.get(f"{WEB_PAGES_CORPUS}:{page.page_id}")
        if row is None:
            return None
        reliability = 1.0 - float(row["unreliable"])
        rows.append(
            {
                "unreliable": float(row["unreliable"]),
                "verdict": verdict_of(reliability, thresholds),
                "ai_generated": float(row["ai_generated"]),
                "fold": int(row["fold"]),
            }
        )
    return rows


def _auroc(labels: np.ndarray, scores: np.ndarray) -> float:
    return float(roc_auc_score(labels, scores)) if len(set(labels)) == 2 else float("nan")


def _bundle_metadata() -> dict[str, Any] | None:
    settings = get_settings()
    bundle = settings.model_dir or default_bundle_dir(settings.models_root)
    return None if bundle is None else dict(read_bundle_metadata(Path(bundle)))


@dataclass
class WebPagesScores:
    """Per-page scores behind the figures: labels, languages, model and baseline."""

    labels: np.ndarray
    languages: np.ndarray
    model: np.ndarray
    baseline: np.ndarray
    source: str


def evaluate(
    folder: Path,
    folds: int,
    metadata: Mapping[str, Any] | None = None,
    scores_out: list[WebPagesScores] | None = None,
) -> dict[str, dict[str, float]]:
    """Per-language figures of the model and the baseline on the same site-grouped folds.

    The model's scores are the bundle's out-of-fold scores (``metadata["web_pages_cv"]``)
    when it holds them for every page, on folds of the same number; otherwise the bundle
    scores every page. ``ai_generated`` recall on machine-written pages is read at 0.5 and
    at the bundle's pre-LLM threshold (at most 1% of SaudiNewsNet and MCE trusted val
    articles above it) when the bundle records one. ``scores_out`` receives the per-page
    scores (for the ROC plot).
    """
    pages = load_web_pages(folder)
    fold = site_folds(pages, folds)
    baseline = baseline_scores(pages, fold)
    cv = dict((metadata or {}).get("web_pages_cv") or {})
    scored = None
    if cv and int(cv.get("folds", 0)) == folds and metadata is not None:
        scored = out_of_fold_scores(pages, cv, metadata["thresholds"])
    source = "out-of-fold" if scored is not None else "bundle"
    if scored is None:
        scored = model_scores(pages)
    model = np.array([float(str(row["unreliable"])) for row in scored])
    verdicts = np.array([str(row["verdict"]) for row in scored])
    ai = np.array([float(str(row["ai_generated"] or 0.0)) for row in scored])
    ai_threshold = float(cv.get("ai_generated_threshold", 0.5)) if source == "out-of-fold" else 0.5
    labels = np.array([page.label for page in pages])
    languages = np.array([page.language for page in pages])
    machine = np.array([page.kind in MACHINE_KINDS for page in pages])
    if scores_out is not None:
        scores_out.append(WebPagesScores(labels, languages, model, baseline, source))
    figures: dict[str, dict[str, Any]] = {}
    for language in ("ar", "en", "all"):
        mask = np.ones(len(pages), bool) if language == "all" else languages == language
        farm = mask & (labels == 1)
        wire = mask & (labels == 0)
        written = mask & machine
        figures[language] = {
            "scores": source,
            "pages": int(mask.sum()),
            "farm": int(farm.sum()),
            "wire": int(wire.sum()),
            "machine_written": int(written.sum()),
            "sites": len({pages[i].site for i in np.flatnonzero(mask)}),
            "model_auroc": _auroc(labels[mask], model[mask]),
            "baseline_auroc": _auroc(labels[mask], baseline[mask]),
            "farm_not_reliable": float((verdicts[farm] != "reliable").mean()),
            "wire_unreliable": float((verdicts[wire] == "unreliable").mean()),
            "wire_reliable": float((verdicts[wire] == "reliable").mean()),
            "machine_ai_over_half": float((ai[written] > 0.5).mean())
            if written.any()
            else float("nan"),
            "ai_generated_threshold": ai_threshold,
            "machine_ai_recall": float((ai[written] > ai_threshold).mean())
            if written.any()
            else float("nan"),
            "wire_ai_over_threshold": float((ai[wire] > ai_threshold).mean())
            if wire.any()
            else float("nan"),
        }
    return figures


def markdown(figures: Mapping[str, Mapping[str, Any]], folds: int) -> str:
    """Render the figures as a markdown table."""
    first = next(iter(figures.values()))
    threshold = float(first.get("ai_generated_threshold", 0.5))
    if first.get("scores") == "out-of-fold":
        about = (
            "Model: out-of-fold scores from `mizan train` (every stage that reads these pages "
            "refitted without the fold's pages, then scored on them), verdicts at the shipped "
            "thresholds."
        )
    else:
        about = (
            "Model: the shipped bundle (not fitted on these pages, so out-of-sample on every fold)."
        )
    lines = [
        f"# Web pages task: {folds} site-grouped folds (no site in two folds)",
        "",
        "Pages that share a story (word 3-grams) are kept in one fold with their sites.",
        about,
        "Baseline: TF-IDF character 2-5 grams + logistic regression fitted on the other folds.",
        f"`ai_generated` recall is read at {threshold:.4f}: the share of pre-LLM human val news "
        "(SaudiNewsNet and MCE trusted) above it is at most 1% (0.5 unless that needs more).",
        "",
        "| language | pages (farm/wire) | sites | model AUROC | baseline AUROC "
        "| farm not `reliable` | wire `unreliable` | wire `reliable` "
        "| machine-written pages | `ai_generated` recall | > 0.5 | wire over threshold |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for language, row in figures.items():
        lines.append(
            f"| {language} | {row['pages']} ({row['farm']}/{row['wire']}) | {row['sites']} "
            f"| {row['model_auroc']:.3f} | {row['baseline_auroc']:.3f} "
            f"| {row['farm_not_reliable']:.0%} | {row['wire_unreliable']:.0%} "
            f"| {row['wire_reliable']:.0%} | {row.get('machine_written', '')} "
            f"| {row.get('machine_ai_recall', float('nan')):.0%} "
            f"| {row['machine_ai_over_half']:.0%} "
            f"| {row.get('wire_ai_over_threshold', float('nan')):.0%} |"
        )
    return "\n".join(lines) + "\n"


def roc_panel(
    axis: Any, labels: np.ndarray, curves: Sequence[tuple[str, np.ndarray]], title: str
) -> None:
    """Draw each named score's ROC curve against ``labels`` on one matplotlib axis.

    Each curve's legend names its AUROC; with a single class there is no curve to draw.
    """
    for name, values in curves:
        if len(set(labels)) < 2:
            continue
        fpr, tpr, _ = roc_curve(labels, values)
        axis.plot(fpr, tpr, label=f"{name} ({_auroc(labels, values):.3f})")
    axis.plot([0, 1], [0, 1], color="grey", linewidth=0.5, linestyle="--")
    axis.set_title(title, fontsize=9)
    axis.set_xlabel("false positive rate")
    axis.set_ylabel("true positive rate")
    axis.legend(loc="lower right", fontsize=8)


def write_roc_plot(scores: WebPagesScores, path: Path) -> Path:
    """Draw the model's and the baseline's ROC curves per language into ``path`` (PNG)."""
    import matplotlib  # on use: only the plots need it, and it is slow to import

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(9, 4.2))
    for axis, language in zip(axes, ("ar", "en"), strict=True):
        mask = scores.languages == language
        roc_panel(
            axis,
            scores.labels[mask],
            (("Mizan", scores.model[mask]), ("TF-IDF + LR", scores.baseline[mask])),
            f"web pages, {language} ({scores.source}, n={int(mask.sum())})",
        )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate the web-pages task and write the markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    default = get_settings().corpora_dir / WEB_PAGES_CORPUS
    parser.add_argument("--corpus", type=Path, default=default)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("reports/web_pages.md"))
    args = parser.parse_args(argv)
    collected: list[WebPagesScores] = []
    figures = evaluate(args.corpus, args.folds, _bundle_metadata(), collected)
    plot = write_roc_plot(collected[0], args.out.with_name("web_pages_roc.png"))
    text = markdown(figures, args.folds) + f"\n![web_pages_roc]({plot.name})\n"
    args.out.write_text(text, encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
