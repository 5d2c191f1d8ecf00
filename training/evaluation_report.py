"""The evaluation report's files: ``evaluation.json``, ``evaluation.md`` and the plots.

:func:`write_reports` writes what :func:`mizan.training.evaluate.evaluate` computed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mizan.detector.settings import REPO_ROOT
from mizan.training.evaluate import EvaluationResult
from mizan.training.metrics import ECE_BINS, TASK_SCORE, check_targets, expected_calibration_error
from mizan.training.web_pages import markdown as web_pages_markdown
from mizan.training.web_pages import roc_panel

DEFAULT_REPORTS_DIR = REPO_ROOT / "reports"


def _with_val_note(report: Mapping[str, Any]) -> str:
    heads = report.get("val_in_sample_heads") or []
    if not heads:
        return ""
    named = ", ".join(f"`{head}`" for head in heads)
    return (
        f"; the text model of {named} also learns from its val rows (scored out of fold for "
        "calibration and thresholds), and so does its baseline, refitted on train + val"
    )


def _cell(value: Any, digits: int = 3) -> str:
    if isinstance(value, float):
        return "n/a" if np.isnan(value) else f"{value:.{digits}f}"
    return str(value)


def _metrics_table(report: Mapping[str, Any], kind: str) -> list[str]:
    lines = [
        "| "
        + " | ".join(
            [
                "slice",
                "task",
                "n",
                "AUROC",
                "AUROC (baseline)",
                "TPR@1%FPR",
                "TPR@1%FPR (baseline)",
                "F1",
                "F1 (baseline)",
                "Brier",
                "Brier (baseline)",
                "ECE",
                "ECE (baseline)",
                "accuracy",
                "reliability AUROC",
                "reliability ECE",
            ]
        )
        + " |",
        "|" + "---|" * 16,
    ]
    for name, entry in report["test"][kind].items():
        head = entry["head"]
        base = report["baseline_test"][kind][name]["head"]
        cells = [name, entry["task"], head["n"]]
        for key in ("auroc", "tpr_at_1pct_fpr", "f1", "brier", "ece"):
            cells += [_cell(head[key]), _cell(base[key])]
        reliability = entry["reliability"]
        cells += [_cell(head["accuracy"]), _cell(reliability["auroc"]), _cell(reliability["ece"])]
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    return lines


def render_markdown(report: Mapping[str, Any], plots: Sequence[str]) -> str:
    """Return ``evaluation.md``: headline tables, targets, false positives, ablation, plots."""
    model = report["model"]
    thresholds = report["thresholds"]
    lines = [
        f"# Evaluation of {model['name']} {model['version']}",
        "",
        f"Bundle sha256 `{model['sha256']}`. Verdict thresholds: unreliable below "
        f"{thresholds['unreliable_below']}, reliable above {thresholds['reliable_above']} "
        "(chosen on val).",
        "",
        "All figures are on the **test** splits (never used for fitting, calibration or "
        "thresholds). The task head is `ai_generated` for machine-text corpora and "
        "`1 - credibility` for credibility corpora; *reliability AUROC* scores "
        "`1 - reliability` against the same labels. The baseline is TF-IDF (word 1-2-grams) "
        "+ logistic regression trained on the same train rows (C chosen on val)"
        f"{_with_val_note(report)}. F1 and accuracy at 0.5. ECE over 10 equal-width bins.",
        "",
        "## Per corpus (test)",
        "",
        *_metrics_table(report, "corpus"),
        "",
        "## Per language (test)",
        "",
        *_metrics_table(report, "language"),
        "",
        "## Targets",
        "",
        "| target | value | met | note |",
        "|---|---|---|---|",
    ]
    for row in check_targets(report):
        lines.append(
            f"| {row['target']} | {_cell(row['value'], 4)} | {'yes' if row['met'] else 'no'} "
            f"| {row['note']} |"
        )
    human = report.get("human_news_false_positives")
    if human:
        lines += [
            "",
            f"## False positives on held-out human news ({human['corpus']}, 2015, pre-LLM)",
            "",
            f"Share of diacritic characters in these texts: "
            f"{human['diacritic_character_share']:.5f}.",
            "",
            "| text | n | `unreliable` verdict | `ai_generated > 0.5` |",
            "|---|---|---|---|",
        ]
        for key in ("kept", "stripped"):
            rates = human[key]
            lines.append(
                f"| diacritics {key} | {rates['n']} | {rates['unreliable_rate']:.4f} "
                f"| {rates['ai_generated_rate']:.4f} |"
            )
        lines += [
            "",
            "Human-written (label 0) test articles of every mainstream-news corpus:",
            "",
            "| corpus | n | `unreliable` verdict | `ai_generated > 0.5` |",
            "|---|---|---|---|",
        ]
        for corpus, rates in report.get("human_news_verdicts_by_corpus", {}).items():
            lines.append(
                f"| {corpus} | {rates['n']} | {rates['unreliable_rate']:.4f} "
                f"| {rates['ai_generated_rate']:.4f} |"
            )
    aigt = report.get("aigt_variants")
    if aigt:
        lines += [
            "",
            "## Arabic AIGT: diacritics kept and stripped (test)",
            "",
            "| variant | n | accuracy | AUROC | F1 | ECE |",
            "|---|---|---|---|---|---|",
        ]
        for name, entry in aigt.items():
            lines.append(
                f"| {name} | {entry['n']} | {_cell(entry['accuracy'])} | {_cell(entry['auroc'])} "
                f"| {_cell(entry['f1'])} | {_cell(entry['ece'])} |"
            )
    web = report.get("web_pages")
    if web:
        table = web_pages_markdown(web, 5).splitlines()
        lines += ["", "## Web pages (site-grouped cross-validation)", "", *table[2:]]
    ablation = report.get("ablation")
    if ablation:
        corpora = list(next(iter(ablation.values()))["head_auroc"])
        lines += [
            "",
            "## Ablation: stacking layers refitted without one signal family (test AUROC)",
            "",
            "Text models are shared; `none` is the full refit, `all signals` the text alone.",
            "",
            "| dropped | "
            + " | ".join(f"{c} head / reliability" for c in corpora)
            + " | human news `unreliable` |",
            "|---|" + "---|" * (len(corpora) + 1),
        ]
        for dropped, entry in ablation.items():
            cells = [
                f"{_cell(entry['head_auroc'][c])} / {_cell(entry['reliability_auroc'][c])}"
                for c in corpora
            ]
            lines.append(
                f"| {dropped} | "
                + " | ".join(cells)
                + f" | {entry['human_news_unreliable_rate']:.4f} |"
            )
    if plots:
        lines += ["", "## Plots", ""]
        lines += [f"![{Path(plot).stem}]({Path(plot).name})" for plot in plots]
    lines.append("")
    return "\n".join(lines)


def _reliability_curves(
    axis: Any,
    result: EvaluationResult,
    column: str,
    mask: np.ndarray,
    labels: np.ndarray,
    title: str,
) -> None:
    """Draw Mizan's and the baseline's reliability curves of ``column`` over ``mask`` rows."""
    edges = np.linspace(0, 1, ECE_BINS + 1)
    for name, scores in (("Mizan", result.scores), ("TF-IDF + LR", result.baseline)):
        probabilities = scores[column].to_numpy()[mask]
        observed, predicted = [], []
        for low, high in zip(edges[:-1], edges[1:], strict=True):
            in_bin = (probabilities >= low) & (
                (probabilities < high) | (high == 1.0) & (probabilities <= high)
            )
            if in_bin.sum() >= 5:
                predicted.append(probabilities[in_bin].mean())
                observed.append(labels[mask][in_bin].mean())
        ece = expected_calibration_error(labels[mask], probabilities)
        axis.plot(predicted, observed, marker="o", label=f"{name} (ECE {ece:.3f})")
    axis.plot([0, 1], [0, 1], color="grey", linewidth=0.5, linestyle="--")
    axis.set_title(title, fontsize=9)
    axis.set_xlabel("mean predicted probability")
    axis.set_ylabel("observed rate")
    axis.legend(loc="upper left", fontsize=8)


def write_plots(result: EvaluationResult, reports_dir: Path) -> list[Path]:
    """Write ROC curves per corpus and reliability diagrams as PNG files."""
    import matplotlib  # on use: only the plots need it, and it is slow to import

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = result.frame
    test = (frame["split"] == "test") & (frame["task"] != "human_news")
    corpora = sorted(frame.loc[test, "source_corpus"].unique())
    labels = frame["label"].to_numpy()
    paths: list[Path] = []

    columns = 3
    rows = (len(corpora) + columns - 1) // columns
    figure, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 4 * rows), squeeze=False)
    for axis, corpus in zip(axes.ravel(), corpora, strict=False):
        mask = (test & (frame["source_corpus"] == corpus)).to_numpy()
        task = str(frame.loc[mask, "task"].iloc[0])
        column = TASK_SCORE[task]
        roc_panel(
            axis,
            labels[mask],
            [
                (name, scores[column].to_numpy()[mask])
                for name, scores in (("Mizan", result.scores), ("TF-IDF + LR", result.baseline))
            ],
            f"{corpus}\n({task}, n={int(mask.sum())})",
        )
    for axis in axes.ravel()[len(corpora) :]:
        axis.axis("off")
    figure.tight_layout()
    path = reports_dir / "roc_curves.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    paths.append(path)

    panels = [
        (
            "ai_generated",
            "ai_generated head (machine-text test rows)",
            test & (frame["task"] == "ai_generated"),
        ),
        (
            "not_credible",
            "1 - credibility head (credibility test rows)",
            test & (frame["task"] == "credibility"),
        ),
        ("unreliable", "1 - reliability (all labelled test rows)", test),
    ]
    figure, axes = plt.subplots(1, 3, figsize=(13, 4.3))
    for axis, (column, title, mask_series) in zip(axes, panels, strict=True):
        _reliability_curves(axis, result, column, mask_series.to_numpy(), labels, title)
    figure.tight_layout()
    path = reports_dir / "reliability_diagram.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    paths.append(path)

    # Reliability per language: 1 - reliability against the label of every labelled test row.
    figure, axes = plt.subplots(1, 2, figsize=(9, 4.3))
    for axis, language in zip(axes, ("ar", "en"), strict=True):
        mask = (test & (frame["language"] == language)).to_numpy()
        title = f"1 - reliability, {language} (labelled test rows, n={int(mask.sum())})"
        _reliability_curves(axis, result, "unreliable", mask, labels, title)
    figure.tight_layout()
    path = reports_dir / "reliability_by_language.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    paths.append(path)
    return paths


def write_reports(result: EvaluationResult, reports_dir: Path = DEFAULT_REPORTS_DIR) -> list[Path]:
    """Write ``evaluation.json``, ``evaluation.md`` and the plots into ``reports_dir``."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    plots = write_plots(result, reports_dir)
    report = {**result.report, "targets": check_targets(result.report)}
    json_path = reports_dir / "evaluation.json"
    json_path.write_text(
        json.dumps(_finite(report), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    markdown_path = reports_dir / "evaluation.md"
    markdown_path.write_text(render_markdown(report, [p.name for p in plots]), encoding="utf-8")
    return [markdown_path, json_path, *plots]


def _finite(value: Any) -> Any:
    """Replace NaN floats by ``None`` so the JSON is standard."""
    if isinstance(value, float):
        return None if np.isnan(value) else round(value, 6)
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value
