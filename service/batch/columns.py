"""Which input column holds which :class:`~mizan.detector.article.ArticleInput` field.

A :class:`ColumnMapping` is built from ``--map FIELD=COLUMN`` and ``--id-column``; a field that
is not mapped is read from the column of the same name. A row without an id gets the stable id
``row-<number>`` (rows are numbered from 1 in input order).
"""

from __future__ import annotations

import argparse
import datetime as dt
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mizan.detector.contract import ARTICLE_FIELDS, BODY_FIELDS, unknown_fields_reason
from mizan.detector.errors import MizanError
from mizan.service.batch.formats import InputFormat


def stable_row_id(row_number: int) -> str:
    """Return the id given to a row that has none: ``row-<number>`` (numbered from 1)."""
    return f"row-{row_number}"


# Fields whose cells may be numbers or dates in a typed archive; every other field is text,
# and a number there (a numeric Parquet body, ``"body": 123`` in JSONL) is a row error.
_NUMBER_AS_TEXT_FIELDS = frozenset({"id", "published_at"})


def _text_value(value: Any, numbers_as_text: bool = True) -> Any:
    """Turn a cell into a field value: None for missing or blank, text for numbers and dates.

    Lists and mappings (and numbers, unless ``numbers_as_text``) are passed through so that
    validation names the bad field.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if not numbers_as_text and isinstance(value, bool | numbers.Real):
        return None if value != value else value  # NaN is a missing cell
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, numbers.Real):
        if value != value:  # NaN from a numeric column
            return None
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value
    return value


@dataclass(frozen=True)
class ColumnMapping:
    """Which input column holds each ArticleInput field.

    A field that is not mapped is read from the column of the same name when it exists.

    Attributes:
        mapped: explicit ``field -> column`` pairs (from ``--map`` and ``--id-column``).
    """

    mapped: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_options(
        cls, map_items: Sequence[str] = (), id_column: str | None = None
    ) -> ColumnMapping:
        """Build a mapping from ``FIELD=COLUMN`` strings and an optional id column.

        Raises:
            MizanError: bad syntax, an unknown field, or a field mapped twice.
        """
        mapped: dict[str, str] = {}
        for item in map_items:
            name, sep, column = item.partition("=")
            name, column = name.strip(), column.strip()
            if not sep or not name or not column:
                raise MizanError(f"--map takes FIELD=COLUMN (e.g. body=content), got {item!r}")
            if name not in ARTICLE_FIELDS:
                raise MizanError(
                    f"--map {item}: {name!r} is not an article field; "
                    f"fields: {', '.join(ARTICLE_FIELDS)}"
                )
            if name in mapped and mapped[name] != column:
                raise MizanError(f"field {name!r} is mapped twice ({mapped[name]!r}, {column!r})")
            mapped[name] = column
        if id_column is not None:
            if mapped.get("id", id_column) != id_column:
                raise MizanError(
                    f"--id-column {id_column!r} disagrees with --map id={mapped['id']}"
                )
            mapped["id"] = id_column
        return cls(mapped)

    def column_for(self, field_name: str) -> str:
        """Return the input column read for ``field_name``."""
        return self.mapped.get(field_name, field_name)

    @property
    def source_columns(self) -> tuple[str, ...]:
        """Every input column that feeds a field, in ArticleInput field order."""
        return tuple(dict.fromkeys(self.column_for(name) for name in ARTICLE_FIELDS))

    def check_header(self, columns: Sequence[str], source: str) -> None:
        """Check that mapped columns exist and that some column gives the article text.

        Raises:
            MizanError: an explicitly mapped column is missing, or no body/html column exists.
        """
        present = set(columns)
        duplicated = sorted(
            {column for column in columns if column in self.source_columns}
            - {column for column in present if list(columns).count(column) == 1}
        )
        if duplicated:
            raise MizanError(
                f"{source} has more than one column named {', '.join(map(repr, duplicated))}; "
                "rename one so that it is clear which is read"
            )
        for name, column in self.mapped.items():
            if column not in present:
                raise MizanError(
                    f"{source} has no column {column!r} (mapped to {name}); "
                    f"columns: {', '.join(columns) or 'none'}"
                )
        if not any(self.column_for(name) in present for name in BODY_FIELDS):
            raise MizanError(
                f"{source} has no 'body' or 'html' column; map one with --map body=COLUMN "
                f"(columns: {', '.join(columns) or 'none'})"
            )

    def unread_columns(self, columns: Sequence[str]) -> tuple[str, ...]:
        """Return the header's columns that feed no article field (``--map`` could name them)."""
        used = set(self.source_columns)
        return tuple(dict.fromkeys(column for column in columns if column not in used))

    def unknown_keys(self, values: Mapping[str, Any], input_format: InputFormat) -> str | None:
        """Say which keys of a JSONL object are no article field (the contract rejects them).

        A JSONL object's keys are its fields, so an unknown one (a misspelt ``autor``) makes
        the row an error, as in the API. CSV and Parquet columns are picked by the mapping:
        their other columns are not read.
        """
        if input_format != "jsonl":
            return None
        return unknown_fields_reason(values, self.source_columns)

    def article_fields(self, values: Mapping[str, Any], fallback_id: str) -> dict[str, Any]:
        """Return the ArticleInput fields of one input row; the id is always set.

        Args:
            values: the row as ``column -> value``.
            fallback_id: the id of a row without one (``stable_row_id(number)``).
        """
        fields: dict[str, Any] = {}
        for name in ARTICLE_FIELDS:
            cell = values.get(self.column_for(name))
            value = _text_value(cell, numbers_as_text=name in _NUMBER_AS_TEXT_FIELDS)
            if value is not None:
                fields[name] = value
        if not isinstance(fields.get("id"), str):
            fields["id"] = fallback_id if "id" not in fields else str(fields["id"])
        return fields


def add_column_mapping_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--map`` and ``--id-column``, the options read by :meth:`ColumnMapping.from_options`."""
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="read article FIELD from input COLUMN (repeatable), e.g. --map body=content",
    )
    parser.add_argument("--id-column", help="input column holding the article id (default: id)")
