"""The ``web_pages`` task: real farm / machine-written pages (1) against wire pages (0).

Evaluation is by site-grouped cross-validation (no site in two folds). The shipped model is
not fitted on these pages, so its scores on every fold are out-of-sample; the TF-IDF +
logistic regression baseline is fitted on the other folds of the same partition.

Run: ``python -m training.web_pages [--corpus DIR] [--folds 5] [--out reports/web_pages.md]``.
"""

from __future__ import annotations

import argparse
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from detector.errors import MizanError
from detector.settings import get_settings

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
                        str(row.get("kind", "wire")),
                        text,
                    )
                )
            except (ValueError, KeyError, TypeError) as error:
                raise MizanError(f"{path}:{number}: bad row ({error})") from None
    return pages


def site_folds(pages: Sequence[Page], folds: int) -> np.ndarray:
    """Assign each page a fold from a stable hash of its site (no site in two folds)."""
    if folds < 2:
        raise MizanError("folds must be at least 2")
    return np.array([zlib.crc32(page.site.encode("utf-8")) % folds for page in pages])


def baseline_scores(pages: Sequence[Page], fold: np.ndarray) -> np.ndarray:
    """Out-of-fold TF-IDF (character 2-5 grams) + logistic regression scores."""
    texts = [page.text for page in pages]
    labels = np.array([page.label for page in pages])
    scores = np.zeros(len(pages))
    for current in np.unique(fold):
        train = fold != current
        test = fold == current
        if len(set(labels[train])) < 2:
            scores[test] = labels[train].mean()
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
    from detector.engine import DetectorEngine
    from detector.settings import Settings

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


def _auroc(labels: np.ndarray, scores: np.ndarray) -> float:
    return float(roc_auc_score(labels, scores)) if len(set(labels)) == 2 else float("nan")


def evaluate(folder: Path, folds: int) -> dict[str, dict[str, float]]:
    """Per-language figures of the model and the baseline on the same site-grouped folds."""
    pages = load_web_pages(folder)
    fold = site_folds(pages, folds)
    baseline = baseline_scores(pages, fold)
    scored = model_scores(pages)
    model = np.array([float(str(row["unreliable"])) for row in scored])
    verdicts = np.array([str(row["verdict"]) for row in scored])
    ai = np.array([float(str(row["ai_generated"] or 0.0)) for row in scored])
    labels = np.array([page.label for page in pages])
    languages = np.array([page.language for page in pages])
    machine = np.array([page.kind in {"machine_written", "both"} for page in pages])
    figures: dict[str, dict[str, float]] = {}
    for language in ("ar", "en", "all"):
        mask = np.ones(len(pages), bool) if language == "all" else languages == language
        farm = mask & (labels == 1)
        wire = mask & (labels == 0)
        figures[language] = {
            "pages": int(mask.sum()),
            "farm": int(farm.sum()),
            "wire": int(wire.sum()),
            "sites": len({pages[i].site for i in np.flatnonzero(mask)}),
            "model_auroc": _auroc(labels[mask], model[mask]),
            "baseline_auroc": _auroc(labels[mask], baseline[mask]),
            "farm_not_reliable": float((verdicts[farm] != "reliable").mean()),
            "wire_unreliable": float((verdicts[wire] == "unreliable").mean()),
            "wire_reliable": float((verdicts[wire] == "reliable").mean()),
            "machine_ai_over_half": float((ai[mask & machine] > 0.5).mean())
            if (mask & machine).any()
            else float("nan"),
        }
    return figures


def markdown(figures: dict[str, dict[str, float]], folds: int) -> str:
    """Render the figures as a markdown table."""
    lines = [
        f"# Web pages task: {folds} site-grouped folds (no site in two folds)",
        "",
        "Model: the shipped bundle (not fitted on these pages, so out-of-sample on every fold).",
        "Baseline: TF-IDF character 2-5 grams + logistic regression fitted on the other folds.",
        "",
        "| language | pages (farm/wire) | sites | model AUROC | baseline AUROC "
        "| farm not `reliable` | wire `unreliable` | wire `reliable` "
        "| machine-written: ai_generated > 0.5 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for language, row in figures.items():
        lines.append(
            f"| {language} | {row['pages']} ({row['farm']}/{row['wire']}) | {row['sites']} "
            f"| {row['model_auroc']:.3f} | {row['baseline_auroc']:.3f} "
            f"| {row['farm_not_reliable']:.0%} | {row['wire_unreliable']:.0%} "
            f"| {row['wire_reliable']:.0%} | {row['machine_ai_over_half']:.0%} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate the web-pages task and write the markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    default = get_settings().corpora_dir / "web-pages-dev"
    parser.add_argument("--corpus", type=Path, default=default)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("reports/web_pages.md"))
    args = parser.parse_args(argv)
    figures = evaluate(args.corpus, args.folds)
    text = markdown(figures, args.folds)
    args.out.write_text(text, encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
