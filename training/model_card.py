"""Write a bundle's MODEL_CARD.md from its metadata (and the evaluation, when there is one)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from mizan.training.metrics import check_targets

TEST_SPLIT_NOTE = (
    "While the text features were first being chosen, an early exploration printed the "
    "test-split AUROC of text-only models on MCE (and on a provisional split of the other "
    "corpora). `mizan train` prints test figures after fitting, and the evaluation report of "
    "one earlier build (identical except that the combiner's signal weights were shrunk "
    "towards 0 rather than towards the rules-v0 weights) was read before the final build; "
    "that change was made because of how the example articles scored, and it left the "
    "validation figures unchanged. Every choice (hash size and n-gram ranges, "
    "regularisation, which corpora and signals enter which layer, the combiner's form, "
    "calibration and thresholds) was made on the validation split. Treat the MCE test "
    "figure as slightly optimistic; the independent MCE hold-out kept outside the corpora "
    "folder was never read."
)

LIMITS = (
    "- **Credibility is hard from text alone.** MCE labels come from a human media monitor "
    "judging sourcing, accuracy and neutrality of 2013 Egyptian news; the model ranks MCE "
    "articles far better than chance but well below the 0.93 AUROC target. FA-KES (Syrian "
    "war casualty claims checked against an external database) is at chance: its labels "
    "depend on facts outside the text. ReCOVery's labels are source-level and its test "
    "split has 14 articles.",
    "- **Machine-text detection is learnt from ChatGPT-era generators** (ChatGPT for "
    "Arabic; GPT-3.5, GPT-4o, Gemini 1.5, Llama 3 for English). Newer generators, "
    "paraphrasing tools and human post-editing will lower recall. The Arabic machine-text "
    "corpus is informational web text, not news; the only machine-written *news* is the "
    "few dozen machine-written web pages (some sites contribute several), so recall on "
    "machine-written Arabic news rests on little data.",
    "- **Priors differ across corpora.** MCE is 74% untrusted, SaudiNewsNet is all "
    "mainstream news. The reliability score is calibrated on the pooled validation data, so "
    "on a single corpus it can be off (see the per-corpus reliability ECE in "
    "`reports/evaluation.md`); the heads are calibrated per task.",
    "- **Domain shortcuts.** Mainstream human news in training is Saudi (2015) and Egyptian "
    "(2013). Articles from other regions, dialects, eras or registers (opinion, sports "
    "live-blogs, press releases) are out of distribution.",
    "- **Diacritics.** The text model reads normalised text (diacritics, tatweel and letter "
    "variants removed), so adding or stripping diacritics does not change its text score; "
    "the `style` signal still sees the raw text.",
    "- **Not a fact checker.** Statistics checks cover a small reference table (country "
    "areas, populations, capitals); most false claims are not detectable.",
    "- **The signals are validated mainly by the web pages.** In the corpora the signals "
    "fire on about 1% of articles, for both labels; the web pages (a few hundred) are the "
    "data where `experts`, `statistics` and `templating` fire on content farms, and their "
    "combiner weights rest on them. No corpus has author bios, and only human-written news "
    "(SaudiNewsNet) has bylines with a history, so `beat` fires on unreliable articles "
    "nowhere in the training data: its weight is held at the rules-v0 prior (2.5 log-odds "
    "per unit of score), not fitted (see *Training memory*). The verdicts of articles "
    "where `beat` fires are therefore not covered by the calibration figures.",
)

FAILURE_MODES = (
    "- **Machine-written Arabic news unlike the web pages' sites is still missed.** Most "
    "Arabic machine-written examples are informational web text and most Arabic human "
    "examples are news, so news register reads as human unless it resembles the "
    "machine-written pages the head has seen.",
    "- **The `content_farm` head reads page text, templates included.** Out of fold (no "
    "site in two folds) it generalises across sites, but a farm with a template unlike "
    "any in the development pages, or a wire site with farm-like chrome, can be misread; "
    "the signals' evidence is the part that explains a verdict.",
    "- Short texts (a headline and one paragraph) get uncertain scores near the prior.",
    "- Human articles written in a list-heavy, SEO style (how-to, health tips) can score as "
    "machine-written; the Arabic training negatives include such web text, but less of it "
    "than news.",
    "- Wire copy repeated across outlets looks like templated content to the `templating` "
    "signal when an outlet archive is connected.",
    "- Articles that quote many anonymous officials (common in legitimate security reporting) "
    "lower credibility, as MCE penalised unnamed sources.",
)


def _idf_heads(config: Mapping[str, Any]) -> list[str]:
    """Return the heads whose text model is the idf-weighted logistic regression."""
    return [
        f"`{head}`"
        for head, kind in dict(config.get("text_model") or {}).items()
        if kind == "idf_logistic"
    ]


def _idf_c(config: Mapping[str, Any]) -> str:
    """Return the C of each idf-weighted logistic text model as ``head value`` pairs."""
    values = dict(config.get("text_c") or {})
    return ", ".join(f"{head} {value:g}" for head, value in values.items()) or "n/a"


def _memory_lines(metadata: Mapping[str, Any]) -> list[str]:
    """Describe the training memory and the weights held at their prior."""
    memory = metadata.get("training_memory")
    held = metadata.get("combiner_held_at_prior") or []
    lines = ["", "### Training memory", ""]
    if memory is None:
        lines.append(
            "Trained without a store: the author-history and outlet-archive features were 0."
        )
    else:
        lines.append(
            f"The author-history and outlet-archive features (`beat.history_*`, "
            f"`beat.articles_per_day`, `templating.*archive*`) were computed against a store of "
            f"the {memory['articles']} train-split articles that name an author or an outlet "
            "(before sampling); validation and test rows were scored against it but never "
            "added, and a train row was scored with itself left out. The raw memory features "
            "are kept out of the heads (in the corpora, a stored history mostly means "
            "SaudiNewsNet, i.e. human news); they reach the model through the `beat` and "
            "`templating` scores in the combiner."
        )
    lines += [
        "",
        "### No corpus priors",
        "",
        "No layer reads the language flag (`language.is_arabic`): it only told which corpora "
        "an article came from (the English corpora hold most of the machine-written rows), so "
        "it moved English articles towards `review` with every signal at zero. English keeps "
        "its own text weight (`text.*.english`), which reads the text, not the corpus.",
    ]
    if held:
        names = ", ".join(f"`{name}`" for name in held)
        lines += [
            "",
            f"Held at their rules-v0 prior weight because they fire on training rows of one "
            f"label only, so the data cannot estimate them: {names}.",
        ]
    return lines


def _web_pages_lines(metadata: Mapping[str, Any]) -> list[str]:
    """Describe what is fitted on the web pages and their out-of-fold figures."""
    cv = metadata.get("web_pages_cv")
    if not cv:
        return ["", "### Web pages", "", "Trained without the web-pages corpus."]
    config = metadata.get("config", {})
    weights = dict(config.get("web_pages_weight", {}))
    layer_weights = dict(config.get("web_pages_layer_weight", {}))
    coefficients = metadata.get("combiner_coefficients") or {}
    held = set(metadata.get("combiner_held_at_prior") or [])
    fitted = ", ".join(
        f"`{name}` {value:.3f}{' (prior)' if name in held else ''}"
        for name, value in coefficients.items()
    )
    lines = [
        "",
        "### Web pages: what is fitted on them, and out-of-fold figures",
        "",
        "The web-pages corpus (real page excerpts: content-farm or machine-written = 1, wire "
        "= 0) is in train only. It fits the `content_farm` head (text model and layer), "
        "joins the `ai_generated` head (machine-written and wire pages), and weighs in the "
        "combiner's fit, so the combiner's head and signal weights are fitted on it. Row "
        f"weight factors of the pages: text models and combiner {weights}, head layers "
        f"{layer_weights}. The rules-v0 prior remains only where the data cannot speak "
        "(marked *prior* below and listed under *No corpus priors*).",
        "",
        "Combiner weights (per standard deviation of each input, towards unreliability): "
        + (fitted or "not recorded")
        + ".",
        "",
        f"Figures are out of fold on {cv['folds']} folds ({cv['fold_rule']}): for each fold "
        "every text model and layer that reads web pages is refitted without the fold's "
        "pages, and the fold is scored by those refits; verdicts use the shipped "
        "thresholds. `ai_generated` recall on machine-written pages is read at "
        f"{cv['ai_generated_threshold']}, which at most 1% of pre-LLM human val news "
        "(SaudiNewsNet, MCE trusted) exceeds (0.5 unless that needs more). Baseline and "
        "full table: `reports/web_pages.md`.",
        "",
        "Settings chosen on these folds (with the validation split for the corpora): the "
        "`content_farm` text model (idf-weighted logistic regression, its C, where its idf is "
        "counted, its SaudiNewsNet weight), whether it reads the signals, the web pages' "
        "weight in each layer and in the combiner, and whether MCE's trusted "
        "articles join the `ai_generated` head (they lowered AIGT accuracy, so they stay "
        "out of its fit and serve only to set and check its false-alarm rate). Because "
        "those choices were read off the out-of-fold figures, treat the figures as slightly "
        "optimistic; the pages are a development set and independent evaluation draws on "
        "other pages.",
        "",
        "| language | pages | AUROC | farm not `reliable` | wire `unreliable` "
        "| machine-written `ai_generated` recall |",
        "|---|---|---|---|---|---|",
    ]
    for language, row in cv.get("summary", {}).items():
        lines.append(
            f"| {language} | {row['pages']} | {_number(row['auroc'])} "
            f"| {_number(row['farm_not_reliable'])} | {_number(row['wire_unreliable'])} "
            f"| {_number(row['machine_ai_recall'])} |"
        )
    return lines


def _with_val_lines(config: Mapping[str, Any]) -> list[str]:
    """Say which heads' text models also learnt from their val rows, and what that means."""
    heads = [head for head, on in (config.get("text_with_val") or {}).items() if on]
    if not heads:
        return []
    return [
        f"- Text models fitted on train + validation ({', '.join(f'`{h}`' for h in heads)}): "
        "the validation rows are scored out of fold (grouped folds) like the train rows, so "
        "the layers are calibrated, the thresholds set and the validation figures read on "
        "logits from text models that did not see those rows; the shipped text model is "
        "fitted on all of them, and the test split stays unseen. The AIGT corpus's Pure "
        "variant has validation and test rows but no train split, so only this way does "
        "the head learn from it."
    ]


def _number(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _metrics_rows(
    metrics: Mapping[str, Any], baseline: Mapping[str, Any] | None, kind: str
) -> list[str]:
    header = "| slice | task | n | AUROC | TPR@1%FPR | F1 | accuracy | Brier | ECE |"
    if baseline is not None:
        header += " baseline AUROC | baseline ECE |"
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for name, entry in metrics.get(kind, {}).items():
        head = entry["head"]
        cells = [name, entry["task"], head["n"]]
        cells += [
            _number(head[key])
            for key in ("auroc", "tpr_at_1pct_fpr", "f1", "accuracy", "brier", "ece")
        ]
        if baseline is not None:
            base = baseline.get(kind, {}).get(name, {}).get("head", {})
            cells += [_number(base.get("auroc")), _number(base.get("ece"))]
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    return lines


def render_model_card(
    metadata: Mapping[str, Any], evaluation: Mapping[str, Any] | None = None
) -> str:
    """Return the model card as Markdown.

    Args:
        metadata: The bundle's ``metadata.json`` content.
        evaluation: The report of :func:`mizan.training.evaluate.evaluate`, when available; adds
            the baseline, the false-positive figures and the ablation.
    """
    thresholds = metadata["thresholds"]
    text_model = metadata.get("text_model", {})
    config = metadata.get("config", {})
    lines = [
        f"# Model card: {metadata['name']} {metadata['version']}",
        "",
        f"`model.joblib` sha256 `{metadata.get('sha256', 'written with the bundle')}`; "
        f"seed {metadata.get('seed')}; trained in {metadata.get('training_seconds', '?')} s.",
        "",
        "## Intended use",
        "",
        "Scoring one Arabic or English news article for reliability, as an aid to editors and "
        "moderators: a calibrated reliability in 0..1, a verdict (`unreliable`, `review`, "
        "`reliable`), the probability that the text is machine-written (`ai_generated`), a "
        "credibility probability, evidence spans from the signals and the features that moved "
        "the score. It is meant to prioritise human review, not to replace it, and not to "
        "make automated decisions about people (authors, outlets).",
        "",
        "Out of scope: social-media posts, claims without an article body, languages other "
        "than Arabic and English, and any use as proof that a text was machine-written.",
        "",
        "## How it works",
        "",
        f"- Text model per head: logistic regression (SGD) on hashed character "
        f"{text_model.get('char_ngrams')}-grams and word 1-{text_model.get('word_ngrams')}-grams "
        f"(2^{text_model.get('hash_bits')} buckets, sublinear tf, L2 norm) of the normalised "
        "title and article text (diacritics stripped: "
        f"{text_model.get('strip_diacritics')}); for the heads marked `idf_logistic` in the "
        f"config ({', '.join(_idf_heads(config)) or 'none'}) the same vectors are weighted by "
        "an idf counted on the head's web pages (n-grams on fewer than "
        f"{config.get('text_min_df', 2)} pages dropped) and fitted by a logistic regression "
        f"(C {_idf_c(config)}), the representation of the TF-IDF baseline; the idf is folded "
        "into the stored weights, so scoring is unchanged.",
        *_with_val_lines(config),
        "- `ai_generated` head: a logistic layer over the text score (its own weight per "
        "language) and the signal features, less those read from the store and the `beat` "
        "and `templating` scores that mix them in. Machine-written side: the machine-text "
        "corpora and the machine-written web pages; human side: their human rows, "
        "SaudiNewsNet, the wire pages and MCE's trusted articles. `credibility` head: a "
        "logistic layer over the text score (signal features did not help it on "
        "validation). Both Platt-calibrated on the validation split.",
        "- `content_farm` head: a logistic layer over its own text score (the signal "
        "features, all of them or only the scores, made it worse out of fold), fitted on the "
        "web pages (content-farm or machine-written = 1, wire = 0) with SaudiNewsNet as "
        "down-weighted negatives (they keep it from firing on plain news); the pages are all "
        "in train folds, so it is Platt-calibrated on its out-of-fold train logits.",
        "- Reliability: a logistic combiner, predicting unreliability, over softplus of the "
        "three heads' logits (a noisy-OR) and the five `<signal>.score` values, with "
        "non-negative weights on the heads and signals (a signal firing can only lower "
        "reliability), fitted on every train row, the web pages included (the first data "
        "where `experts`, `statistics` and `templating` fire on the bad side). The L2 "
        "penalty pulls each signal weight towards its rules-v0 value instead of 0, so a "
        "signal the data says little about keeps its expert weight and scores are not "
        "clipped. Platt-calibrated on validation. `top_features` are the combiner's "
        "terms `coef * standardised value`; with the intercept they sum to the reliability "
        "logit.",
        f"- Thresholds (from validation): `unreliable` below {thresholds['unreliable_below']}, "
        f"`reliable` above {thresholds['reliable_above']}. "
        f"Rule: {metadata.get('threshold_rule', '')}.",
        "",
        "## Training data",
        "",
        "Splits are deterministic (seed above); exact and near duplicates (MinHash) and "
        "rewrites of one article never cross splits; MCE, FA-KES and ReCOVery are split "
        "outlet-disjoint where the outlet is known. SaudiNewsNet is sampled per split; its "
        "test sample is the held-out human-news set.",
        *_memory_lines(metadata),
        *_web_pages_lines(metadata),
        "",
        "| corpus | language | task | licence | train | val | test | labels (1 = bad) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for corpus in metadata.get("corpora", []):
        rows = corpus["rows"]
        labels = ", ".join(f"{key}: {value}" for key, value in sorted(corpus["labels"].items()))
        lines.append(
            f"| {corpus['name']} | {corpus['language']} | {corpus['task']} | {corpus['licence']} "
            f"| {rows.get('train', 0)} | {rows.get('val', 0)} | {rows.get('test', 0)} | {labels} |"
        )
    lines += [
        "",
        "Because SaudiNewsNet and ReCOVery are CC BY-NC-SA and two corpora state no licence, "
        "this bundle is for research and non-commercial use. Corpus folder hashes are in "
        "`metadata.json`.",
        "",
        "## Metrics (test splits)",
        "",
        "Task head: `ai_generated` for machine-text corpora, `1 - credibility` for credibility "
        "corpora.",
        "",
    ]
    test_metrics = metadata.get("metrics", {}).get("test", {})
    baseline = evaluation.get("baseline_test") if evaluation else None
    lines += _metrics_rows(test_metrics, baseline, "corpus")
    lines += ["", "Per language:", ""]
    lines += _metrics_rows(test_metrics, baseline, "language")
    if evaluation:
        human = evaluation.get("human_news_false_positives")
        if human:
            lines += [
                "",
                f"Held-out human news ({human['corpus']}, {human['kept']['n']} articles): "
                f"`unreliable` verdict on {human['kept']['unreliable_rate']:.2%} "
                f"(diacritics stripped: {human['stripped']['unreliable_rate']:.2%}); "
                f"`ai_generated > 0.5` on {human['kept']['ai_generated_rate']:.2%} "
                f"(stripped: {human['stripped']['ai_generated_rate']:.2%}).",
            ]
        aigt = evaluation.get("aigt_variants", {})
        if aigt:
            parts = [
                f"{name}: accuracy {_number(entry['accuracy'])}"
                for name, entry in aigt.items()
                if "baseline" not in name
            ]
            lines += ["", "Arabic AIGT test: " + "; ".join(parts) + "."]
        targets = evaluation.get("targets")
        if targets is None:
            targets = check_targets(evaluation)
        lines += ["", "Targets:", ""]
        for row in targets:
            lines.append(
                f"- {row['target']}: {_number(row['value'], 4)} "
                f"({'met' if row['met'] else 'not met'}{'; ' + row['note'] if row['note'] else ''})"
            )
        lines += ["", "Full tables, ablation and plots: `reports/evaluation.md`."]
    lines += [
        "",
        "## Limits",
        "",
        *LIMITS,
        "",
        "## Known failure modes",
        "",
        *FAILURE_MODES,
        "",
        "## Use of the test split",
        "",
        TEST_SPLIT_NOTE,
        "",
        "## Reproduce",
        "",
        "`mizan train` (same seed, same corpora: same bundle), then `mizan evaluate`.",
        "",
        "Library versions: "
        + ", ".join(f"{key} {value}" for key, value in metadata.get("library_versions", {}).items())
        + ".",
        "",
    ]
    return "\n".join(lines)
