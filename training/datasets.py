"""Loaders that turn each labelled corpus into one DataFrame shape.

Every loader reads the corpus files as shipped (zips are read in place) and returns a
DataFrame with the columns of :data:`mizan.training.records.COLUMNS` (what each column holds
is described there).

Exact duplicate texts (same task) are dropped after loading: one copy is kept when all
copies share a label, none when their labels disagree.
"""

from __future__ import annotations

import ast
import io
import json
import logging
import re
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from mizan.detector.settings import get_settings
from mizan.training.records import COLUMNS, clean_optional, take_limit

logger = logging.getLogger(__name__)

_SPREADSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL_COLUMN = re.compile(r"[A-Z]+")


def corpus_dir(name: str, corpora_dir: Path | None = None) -> Path:
    """Return the folder of corpus ``name``, checking that it exists.

    Args:
        name: Folder name of the corpus, e.g. ``"saudinewsnet"``.
        corpora_dir: Corpora root; default ``get_settings().corpora_dir``.

    Raises:
        FileNotFoundError: The corpora root or the corpus folder is missing.
    """
    root = Path(corpora_dir) if corpora_dir is not None else get_settings().corpora_dir
    if not root.is_dir():
        raise FileNotFoundError(
            f"corpora directory {root} does not exist; set MIZAN_CORPORA_DIR to the folder "
            "that holds the labelled corpora"
        )
    folder = root / name
    if not folder.is_dir():
        raise FileNotFoundError(
            f"corpus folder {folder} does not exist; check MIZAN_CORPORA_DIR (now {root})"
        )
    return folder


def _drop_duplicates(frame: pd.DataFrame, corpus: str) -> pd.DataFrame:
    """Drop exact duplicate texts of one task: keep one copy, or none if labels disagree."""
    keys = [frame["task"], frame["text"]]
    label_counts = frame.groupby(keys, sort=False)["label"].transform("nunique")
    conflicting = label_counts > 1
    kept = frame[~conflicting]
    repeated = kept.duplicated(subset=["task", "text"], keep="first")
    result = kept[~repeated]
    if conflicting.any() or repeated.any():
        logger.info(
            "%s: dropped %d exact duplicate rows and %d rows whose duplicates carry another label",
            corpus,
            int(repeated.sum()),
            int(conflicting.sum()),
        )
    return result


def _finish(
    records: Iterable[dict[str, Any]], corpus: str, limit: int | None = None
) -> pd.DataFrame:
    """Build the corpus DataFrame: clean fields, drop empty and duplicate texts, limit rows."""
    frame = pd.DataFrame.from_records(list(records), columns=list(COLUMNS))
    for column in ("title", "author", "outlet", "group", "variant", "split", "published_at"):
        frame[column] = pd.Series(
            [clean_optional(value) for value in frame[column].tolist()],
            index=frame.index,
            dtype=object,
        )
    frame["text"] = frame["text"].map(lambda value: clean_optional(value) or "")
    empty = frame["text"] == ""
    if empty.any():
        logger.info("%s: dropped %d rows with empty text", corpus, int(empty.sum()))
    frame = frame[~empty]
    frame = _drop_duplicates(frame, corpus)
    frame = frame.astype({"label": "int64"})
    unknown_labels = set(frame["label"].unique()) - {0, 1}
    if unknown_labels:
        raise ValueError(f"{corpus}: labels outside {{0, 1}}: {sorted(unknown_labels)}")
    if not frame["id"].is_unique:
        raise ValueError(f"{corpus}: row ids are not unique")
    frame = take_limit(frame, limit)
    logger.info("%s: loaded %d rows", corpus, len(frame))
    return frame.reset_index(drop=True)


def _rows(table: pd.DataFrame) -> list[Any]:
    """Return the rows of ``table`` as named tuples typed ``Any`` (column access by name)."""
    return list(table.itertuples(index=False))


def _record(**fields: Any) -> dict[str, Any]:
    """Return one row with every column present (missing ones ``None``)."""
    return {column: fields.get(column) for column in COLUMNS}


# ---------------------------------------------------------------------------- Arabic corpora

MCE = "mce-arabic-news-credibility"


def _mce_outlets(folder: Path) -> dict[str, str]:
    """Map ``txt/<label>/<file>`` to its outlet where the RSS match names exactly one outlet."""
    sidecar = folder / "DERIVED_mce_to_rss_source_match.tsv"
    if not sidecar.is_file():
        return {}
    matches = pd.read_csv(sidecar, sep="\t", dtype=str)
    single = matches[~matches["rss_sources"].fillna("|").str.contains("|", regex=False)]
    return dict(zip(single["file"], single["rss_sources"], strict=True))


def load_mce_arabic_news_credibility(
    corpora_dir: Path | None = None, limit: int | None = None
) -> pd.DataFrame:
    """Load MCE Watch Arabic news with article-level credibility verdicts (2013).

    The first line of each file is the title, the rest the body (a byline such as
    ``"كتب - محمد سعيد:"`` often opens it and is left in the text; ``author`` stays ``None``).
    ``outlet`` comes from the derived RSS match where it names a single outlet.
    Label 1 = untrusted (MCE penalties), 0 = trusted.
    """
    folder = corpus_dir(MCE, corpora_dir)
    outlets = _mce_outlets(folder)
    records = []
    for verdict, label in (("trusted", 0), ("untrusted", 1)):
        paths = sorted(
            (folder / "txt" / verdict).glob("*.txt"),
            key=lambda path: (len(path.stem), path.stem),
        )
        for path in paths:
            content = path.read_text(encoding="utf-8").replace("\r\n", "\n").strip()
            title, _, body = content.partition("\n")
            relative = f"txt/{verdict}/{path.name}"
            records.append(
                _record(
                    id=f"{MCE}:{verdict}/{path.stem}",
                    title=title,
                    text=body,
                    outlet=outlets.get(relative),
                    language="ar",
                    label=label,
                    task="credibility",
                    source_corpus=MCE,
                )
            )
    return _finish(records, MCE, limit)


AIGT = "arabic-aigt-diacritics"
_AIGT_FILES: tuple[tuple[str, str, str], ...] = (
    ("customplus", "train", "CustomPlus/Training.xlsx"),
    ("customplus", "val", "CustomPlus/Validation.csv"),
    ("customplus", "test", "CustomPlus/Testing.csv"),
    ("pure", "val", "Pure Custom dataset/PureCustomValidation.csv"),
    ("pure", "test", "Pure Custom dataset/PureCustomTesting.csv"),
)


def read_xlsx_first_sheet(path: Path) -> list[list[str | None]]:
    """Return the cell values of the first worksheet of an ``.xlsx`` file, row by row.

    A small reader of the Office Open XML format (shared, inline and plain cell values), so
    the one spreadsheet among the corpora needs no extra dependency. Values are strings;
    missing cells are ``None``.
    """
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
            shared = [
                "".join(node.text or "" for node in item.iter(f"{_SPREADSHEET_NS}t"))
                for item in root.iter(f"{_SPREADSHEET_NS}si")
            ]
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    rows: list[list[str | None]] = []
    for row in sheet.iter(f"{_SPREADSHEET_NS}row"):
        values: dict[int, str | None] = {}
        for cell in row.iter(f"{_SPREADSHEET_NS}c"):
            column_match = _CELL_COLUMN.match(cell.get("r", ""))
            column = _column_index(column_match.group()) if column_match else len(values)
            cell_type = cell.get("t")
            value_node = cell.find(f"{_SPREADSHEET_NS}v")
            if cell_type == "inlineStr":
                inline = cell.find(f"{_SPREADSHEET_NS}is")
                values[column] = (
                    None
                    if inline is None
                    else "".join(node.text or "" for node in inline.iter(f"{_SPREADSHEET_NS}t"))
                )
            elif value_node is None or value_node.text is None:
                values[column] = None
            elif cell_type == "s":
                values[column] = shared[int(value_node.text)]
            else:
                values[column] = value_node.text
        width = max(values) + 1 if values else 0
        rows.append([values.get(index) for index in range(width)])
    return rows


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter) - ord("A") + 1)
    return index - 1


def _read_text_label_table(path: Path) -> pd.DataFrame:
    """Read a ``text,label`` table from CSV or XLSX; rows without a label are dropped."""
    if path.suffix == ".xlsx":
        rows = read_xlsx_first_sheet(path)
        header = [str(name).strip().lower() for name in rows[0]]
        table = pd.DataFrame([row + [None] * (len(header) - len(row)) for row in rows[1:]])
        table.columns = header
    else:
        table = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
        table.columns = [str(name).strip().lower() for name in table.columns]
    table = table[["text", "label"]].dropna(subset=["label"])
    table["label"] = table["label"].astype(float).astype(int)
    return table


def load_arabic_aigt_diacritics(
    corpora_dir: Path | None = None, limit: int | None = None
) -> pd.DataFrame:
    """Load Arabic ChatGPT vs human texts, CustomPlus (train/val/test) and Pure (val/test).

    The corpus's own label is 0 = AI, 1 = human; it is flipped here so 1 = machine-written.
    ``variant`` is ``"customplus"`` or ``"pure"``; the corpus splits are kept.
    """
    folder = corpus_dir(AIGT, corpora_dir) / "Dataset"
    records = []
    for variant, split, relative in _AIGT_FILES:
        table = _read_text_label_table(folder / relative)
        for position, (text, source_label) in enumerate(
            zip(table["text"], table["label"], strict=True)
        ):
            if source_label not in (0, 1):
                raise ValueError(f"{AIGT}/{relative}: unexpected label {source_label}")
            records.append(
                _record(
                    id=f"{AIGT}:{variant}/{split}/{position}",
                    text=text,
                    language="ar",
                    label=1 - int(source_label),
                    task="ai_generated",
                    source_corpus=AIGT,
                    split=split,
                    variant=variant,
                )
            )
    return _finish(records, AIGT, limit)


SAUDINEWSNET = "saudinewsnet"


def load_saudinewsnet(corpora_dir: Path | None = None, limit: int | None = None) -> pd.DataFrame:
    """Load SaudiNewsNet (2015 Saudi newspapers): human news, ``outlet`` = source, bylines.

    ``task`` is ``"human_news"`` and ``label`` 0 for every row.
    """
    folder = corpus_dir(SAUDINEWSNET, corpora_dir) / "dataset"
    records = []
    for archive_path in sorted(folder.glob("*.zip")):
        with zipfile.ZipFile(archive_path) as archive:
            for member in sorted(archive.namelist()):
                if not member.endswith(".json"):
                    continue
                articles = json.loads(archive.read(member).decode("utf-8"))
                for position, article in enumerate(articles):
                    records.append(
                        _record(
                            id=f"{SAUDINEWSNET}:{Path(member).stem}/{position}",
                            title=article.get("title"),
                            text=article.get("content"),
                            author=article.get("author"),
                            outlet=article.get("source"),
                            published_at=article.get("date_extracted"),
                            language="ar",
                            label=0,
                            task="human_news",
                            source_corpus=SAUDINEWSNET,
                        )
                    )
    return _finish(records, SAUDINEWSNET, limit)


# --------------------------------------------------------------------------- English corpora

L2R = "en-l2r-newsarticle"
_L2R_GENERATORS: tuple[str, ...] = ("GPT-3-Turbo", "GPT-4o", "Gemini-1.5-Pro", "Llama-3-70B")


def match_rewrites_to_originals(originals: Sequence[str], rewrites: Sequence[str]) -> list[int]:
    """Return, for each rewrite, the index of the original it rewrites.

    One-to-one assignment (Hungarian method) on TF-IDF cosine similarity, because the
    generator files are not all in the order of the originals (Gemini's is shuffled and
    shorter).
    """
    # On use: only this loader needs SciPy's assignment and scikit-learn (the train extra).
    from scipy.optimize import linear_sum_assignment
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit(originals)
    similarity = (vectorizer.transform(rewrites) @ vectorizer.transform(originals).T).toarray()
    rewrite_rows, original_columns = linear_sum_assignment(-similarity)
    matched = [0] * len(rewrites)
    for rewrite_index, original_index in zip(rewrite_rows, original_columns, strict=True):
        matched[int(rewrite_index)] = int(original_index)
    return matched


def load_en_l2r_newsarticle(
    corpora_dir: Path | None = None, limit: int | None = None
) -> pd.DataFrame:
    """Load L2R NewsArticle: BBC-style human news (0) and four LLM rewrites of them (1).

    ``group`` names the original article, shared by its rewrites; ``variant`` the generator.
    """
    folder = corpus_dir(L2R, corpora_dir) / "L2R_dataset" / "NewsArticle"
    originals: list[str] = json.loads((folder / "human.json").read_text(encoding="utf-8"))
    records = [
        _record(
            id=f"{L2R}:human/{position}",
            text=text,
            language="en",
            label=0,
            task="ai_generated",
            source_corpus=L2R,
            group=f"{L2R}:{position}",
            variant="human",
        )
        for position, text in enumerate(originals)
    ]
    for generator in _L2R_GENERATORS:
        rewrites: list[str] = json.loads((folder / f"{generator}.json").read_text("utf-8"))
        matched = match_rewrites_to_originals(originals, rewrites)
        records.extend(
            _record(
                id=f"{L2R}:{generator}/{position}",
                text=text,
                language="en",
                label=1,
                task="ai_generated",
                source_corpus=L2R,
                group=f"{L2R}:{matched[position]}",
                variant=generator,
            )
            for position, text in enumerate(rewrites)
        )
    return _finish(records, L2R, limit)


LLMFAKE = "en-llmfake"
_LLMFAKE_PAIRED: tuple[tuple[str, str], ...] = (
    ("politifact", "paraphrase"),
    ("politifact", "rewrite"),
    ("politifact", "open_ended"),
    ("gossipcop", "rewrite"),
    ("coaid", "rewrite"),
)
_LLMFAKE_UNPAIRED: tuple[tuple[str, str, str], ...] = (
    ("politifact", "hallucination", "hallucination_processed"),
    ("politifact", "totally_arbitrary", "totally_arbitrary_generation_processed"),
)


def _is_copy(original: str, candidate: str, prefix_chars: int = 3000) -> bool:
    """Return True when one text starts with the other's opening (a copy, not a rewrite)."""
    original, candidate = original.strip(), candidate.strip()
    return candidate.startswith(original[:prefix_chars]) or original.startswith(
        candidate[:prefix_chars]
    )


def load_en_llmfake(corpora_dir: Path | None = None, limit: int | None = None) -> pd.DataFrame:
    """Load LLMFake: human originals (0) and their ChatGPT-3.5 misinformation rewrites (1).

    In the paired files ``synthetic_misinformation`` holds a ChatGPT rewrite only for
    originals whose veracity label is 1; for the others it is a copy of the original, so
    those cells are not used. ``group`` names the original (``"<dataset>:<news_id>"``);
    the pure ChatGPT texts (hallucination, totally arbitrary) have no group.
    """
    folder = corpus_dir(LLMFAKE, corpora_dir) / "experiment" / "data" / "chatgpt_3.5_generation"
    prefix = "synthetic-gpt-3.5-turbo"
    records: list[dict[str, Any]] = []
    seen_originals: set[tuple[str, str]] = set()
    skipped_copies = 0
    for dataset, generation in _LLMFAKE_PAIRED:
        path = folder / dataset / f"{prefix}_{dataset}_{generation}_generation_processed.csv"
        table = pd.read_csv(path, dtype={"news_id": str})
        for row in _rows(table):
            news_id = str(row.news_id)
            group = f"{LLMFAKE}:{dataset}:{news_id}"
            original = str(row.news_text)
            key = (dataset, news_id)
            if key not in seen_originals:
                seen_originals.add(key)
                records.append(
                    _record(
                        id=f"{LLMFAKE}:{dataset}/human/{news_id}",
                        text=original,
                        language="en",
                        label=0,
                        task="ai_generated",
                        source_corpus=LLMFAKE,
                        group=group,
                        variant=f"{dataset}/human",
                    )
                )
            synthetic = clean_optional(row.synthetic_misinformation)
            if synthetic is None or int(row.label) != 1 or _is_copy(original, synthetic):
                skipped_copies += int(synthetic is not None)
                continue
            records.append(
                _record(
                    id=f"{LLMFAKE}:{dataset}/{generation}/{news_id}",
                    text=synthetic,
                    language="en",
                    label=1,
                    task="ai_generated",
                    source_corpus=LLMFAKE,
                    group=group,
                    variant=f"{dataset}/{generation}",
                )
            )
    logger.info(
        "%s: %d synthetic cells are copies of the original, skipped", LLMFAKE, skipped_copies
    )
    for dataset, generation, stem in _LLMFAKE_UNPAIRED:
        table = pd.read_csv(folder / dataset / f"{prefix}_{dataset}_{stem}.csv")
        for position, text in enumerate(table["synthetic misinformation"]):
            records.append(
                _record(
                    id=f"{LLMFAKE}:{dataset}/{generation}/{position}",
                    text=text,
                    language="en",
                    label=1,
                    task="ai_generated",
                    source_corpus=LLMFAKE,
                    variant=f"{dataset}/{generation}",
                )
            )
    return _finish(_unique_ids(records), LLMFAKE, limit)


def _unique_ids(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Suffix repeated ids (``#2``, ``#3``) so every row id is unique."""
    seen: dict[str, int] = {}
    for record in records:
        count = seen.get(record["id"], 0) + 1
        seen[record["id"]] = count
        if count > 1:
            record["id"] = f"{record['id']}#{count}"
    return records


FAKES = "en-fakes-syria"


def load_en_fakes_syria(corpora_dir: Path | None = None, limit: int | None = None) -> pd.DataFrame:
    """Load FA-KES (Syrian war news): label 1 = fake, 0 = credible (the corpus uses 1 = credible).

    The CSV is Windows-1252 (bullets as byte 0x95); undefined bytes are dropped.
    """
    path = corpus_dir(FAKES, corpora_dir) / "data" / "raw" / "FA-KES.csv"
    content = path.read_bytes().decode("cp1252", errors="ignore")
    table = pd.read_csv(io.StringIO(content), dtype={"unit_id": str})
    records = [
        _record(
            id=f"{FAKES}:{row.unit_id}",
            title=row.article_title,
            text=row.article_content,
            outlet=row.source,
            language="en",
            label=1 - int(row.labels),
            task="credibility",
            source_corpus=FAKES,
        )
        for row in _rows(table)
    ]
    return _finish(_unique_ids(records), FAKES, limit)


RECOVERY = "en-recovery-sample"


def repair_mac_roman_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as Mac Roman (``"‚Äú"`` back to ``"“"``).

    Text that does not round-trip (already correct text with accents) is returned unchanged.
    """
    try:
        return text.encode("mac_roman").decode("utf-8")
    except UnicodeError:
        return text


def _author_list(value: Any) -> str | None:
    """Turn ReCOVery's ``"['A', 'B']"`` author cell into ``"A, B"``."""
    cleaned = clean_optional(value)
    if cleaned is None:
        return None
    try:
        parsed = ast.literal_eval(cleaned)
    except (ValueError, SyntaxError):
        return cleaned
    if isinstance(parsed, list | tuple):
        names = [str(name).strip() for name in parsed if str(name).strip()]
        return ", ".join(names) or None
    return str(parsed)


def load_en_recovery_sample(
    corpora_dir: Path | None = None, limit: int | None = None
) -> pd.DataFrame:
    """Load the ReCOVery sample (COVID news): label 1 = unreliable source, 0 = reliable.

    The labels are source-level (NewsGuard / MBFC); ``outlet`` is the publisher.
    """
    path = corpus_dir(RECOVERY, corpora_dir) / "data" / "transformed" / "recovery-news-data_100.csv"
    table = pd.read_csv(path, dtype={"news_id": str})
    records = [
        _record(
            id=f"{RECOVERY}:{row.news_id}",
            title=repair_mac_roman_mojibake(str(row.title)),
            text=repair_mac_roman_mojibake(str(row.body_text)),
            author=_author_list(row.author),
            outlet=row.publisher,
            language="en",
            label=1 - int(row.reliability),
            task="credibility",
            source_corpus=RECOVERY,
        )
        for row in _rows(table)
    ]
    return _finish(records, RECOVERY, limit)


Loader = Callable[..., pd.DataFrame]

LOADERS: dict[str, Loader] = {
    MCE: load_mce_arabic_news_credibility,
    AIGT: load_arabic_aigt_diacritics,
    SAUDINEWSNET: load_saudinewsnet,
    L2R: load_en_l2r_newsarticle,
    LLMFAKE: load_en_llmfake,
    FAKES: load_en_fakes_syria,
    RECOVERY: load_en_recovery_sample,
}
"""Loader of each corpus, by corpus folder name."""


def load_all(
    names: Iterable[str] | None = None,
    corpora_dir: Path | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Load several corpora into one DataFrame.

    Args:
        names: Corpus names (keys of :data:`LOADERS`); default all.
        corpora_dir: Corpora root; default ``get_settings().corpora_dir``.
        limit: At most this many rows per corpus.

    Raises:
        KeyError: An unknown corpus name.
    """
    selected = list(LOADERS) if names is None else list(names)
    unknown = [name for name in selected if name not in LOADERS]
    if unknown:
        raise KeyError(f"unknown corpora {unknown}; known: {sorted(LOADERS)}")
    frames = [LOADERS[name](corpora_dir=corpora_dir, limit=limit) for name in selected]
    if not frames:
        return pd.DataFrame(columns=list(COLUMNS))
    combined = pd.concat(frames, ignore_index=True)
    return combined.astype({"label": "int64"})
