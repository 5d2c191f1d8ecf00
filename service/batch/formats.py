"""Archive formats: JSONL, CSV and Parquet, told from a file's suffix or stdin's first bytes.

``-`` stands for stdin as an input and stdout as an output; CSV and Parquet read from stdin are
spooled to a temporary file first (:func:`stdin_as_file`).
"""

from __future__ import annotations

import codecs
import contextlib
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from mizan.detector.errors import MizanError

InputFormat = Literal["jsonl", "csv", "parquet"]
OutputFormat = Literal["jsonl", "parquet"]
INPUT_FORMATS: tuple[InputFormat, ...] = ("jsonl", "csv", "parquet")
OUTPUT_FORMATS: tuple[OutputFormat, ...] = ("jsonl", "parquet")


_SUFFIX_FORMATS: dict[str, InputFormat] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
PARQUET_BATCH_ROWS = 1024


STDIO = "-"
"""The name that stands for stdin (as IN) or stdout (as OUT)."""


def is_stdio(path: Path | str) -> bool:
    """Return whether ``path`` is ``-``: stdin as an input, stdout as an output."""
    return str(path) == STDIO


_GZIP_MAGIC = b"\x1f\x8b"
_PARQUET_MAGIC = b"PAR1"
_SNIFF_BYTES = 4096


def sniff_stdin_format(explicit: str | None = None) -> InputFormat:
    """Return the format of stdin: ``explicit`` if given, else told from its first bytes.

    A stream that starts (after a byte-order mark and blanks) with ``{`` or is empty is
    JSONL, one that starts with ``PAR1`` is Parquet, anything else is CSV with a header.
    Nothing is consumed: the bytes are peeked.

    Raises:
        MizanError: an unknown explicit format, or a gzip stream (decompress it first).
    """
    if explicit is not None:
        return detect_input_format(Path(STDIO), explicit)
    stream = sys.stdin.buffer
    peek = getattr(stream, "peek", None)
    head = bytes(peek(_SNIFF_BYTES)[:_SNIFF_BYTES]) if peek is not None else b""
    if head.startswith(_GZIP_MAGIC):
        raise MizanError(
            "stdin is gzip-compressed; decompress it first (zcat FILE.gz | mizan batch - OUT)"
        )
    if head.startswith(_PARQUET_MAGIC):
        return "parquet"
    text = head.removeprefix(codecs.BOM_UTF8).lstrip()
    return "jsonl" if not text or text.startswith(b"{") else "csv"


@contextlib.contextmanager
def stdin_as_file(input_format: InputFormat) -> Iterator[Path]:
    """Yield a path that reads stdin: ``-`` itself for JSONL (streamed), else a spooled copy.

    CSV is re-read after a malformed row and Parquet is read by seeking, so for those
    stdin is first copied to a temporary file, deleted afterwards.
    """
    if input_format == "jsonl":
        yield Path(STDIO)
        return
    with tempfile.TemporaryDirectory(prefix="mizan-stdin-") as directory:
        copy = Path(directory) / f"stdin.{input_format}"
        with open(copy, "wb") as handle:
            shutil.copyfileobj(sys.stdin.buffer, handle, 1024 * 1024)
        yield copy


def _suffix_format(path: Path) -> InputFormat | None:
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return _SUFFIX_FORMATS.get(suffixes[-1]) if suffixes else None


def detect_input_format(path: Path, explicit: str | None = None) -> InputFormat:
    """Return the input format: ``explicit`` if given, else from the suffix (``.gz`` allowed).

    Raises:
        MizanError: the format is unknown or cannot be told from the suffix.
    """
    if explicit is not None:
        if explicit not in INPUT_FORMATS:
            raise MizanError(f"unknown input format {explicit!r}; use one of {INPUT_FORMATS}")
        return explicit
    found = _suffix_format(path)
    if found is None:
        raise MizanError(
            f"cannot tell the format of {path} from its suffix; "
            "name it .jsonl, .csv or .parquet or pass --input-format"
        )
    return found


def detect_output_format(path: Path, explicit: str | None = None) -> OutputFormat:
    """Return the output format: ``explicit`` if given, Parquet for ``.parquet``, else JSONL."""
    if explicit is not None:
        if explicit not in OUTPUT_FORMATS:
            raise MizanError(f"unknown output format {explicit!r}; use one of {OUTPUT_FORMATS}")
        return explicit
    return "parquet" if _suffix_format(path) == "parquet" else "jsonl"
