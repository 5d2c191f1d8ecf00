"""The shape of a report, defined once.

:class:`ReportOut` and the models it nests are the one description of a report's fields:

- :meth:`mizan.detector.engine.Report.to_dict` walks :class:`ReportOut`'s fields, in order, and
  writes each from the report's attribute of the same name, by the field's :class:`Dump` rule
  (rounding, left out when empty, only on request); nested parts (thresholds, signal results,
  their evidence, feature contributions, the model) are written by the same walk over the
  model that describes them (:func:`part_data`), so their shape is defined here too, and
  each part's own ``to_dict`` (``SignalResult``, ``Evidence``, ``Thresholds``,
  ``Contribution``) is that walk over its model;
- the HTTP API uses these models as its response schema (``mizan.service.schemas`` re-exports them),
  so ``/openapi.json`` documents exactly what ``to_dict`` writes;
- the batch output's flat columns are :data:`SUMMARY_COLUMNS`, paths into these models whose
  types are read from the models (see :func:`summary_columns`); the whole report is in
  ``report_json``.

A field added here reaches all three; ``tests/service/test_report_shape.py`` checks that they
agree field by field.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field
from pydantic.fields import FieldInfo


@dataclass(frozen=True)
class Dump:
    """How :meth:`~mizan.detector.engine.Report.to_dict` writes one report field.

    Carried as ``Annotated`` metadata, which the JSON schema does not show.

    Attributes:
        digits: round the number (or each value of a mapping) to this many decimals.
        omit_none: leave the field out when it is None, rather than writing ``null``.
        on_request: write the field only when the caller asks for it (``include_features``).
    """

    digits: int | None = None
    omit_none: bool = False
    on_request: bool = False


PLAIN = Dump()


class EvidenceOut(BaseModel):
    """A span of the submitted text that made a signal fire."""

    model_config = ConfigDict(extra="allow")

    field: Literal["title", "body", "author_bio"] = Field(
        description="Which submitted field the offsets point into."
    )
    start: int = Field(ge=0, description="Start offset (characters) into the field.")
    end: int = Field(ge=0, description="End offset (characters, exclusive).")
    text: str = Field(description="The text between the offsets.")
    reason: str = Field(description="Why this span counts against the article.")


class SignalOut(BaseModel):
    """What one signal family says about the article."""

    model_config = ConfigDict(extra="allow")

    name: str
    version: str
    score: Annotated[float, Dump(digits=4)] = Field(
        ge=0, le=1, description="0 = clean, 1 = strongly fired."
    )
    features: Annotated[dict[str, float], Dump(digits=6)] = Field(default_factory=dict)
    evidence: list[EvidenceOut] = Field(default_factory=list)


class ThresholdsOut(BaseModel):
    """Verdict thresholds of the loaded model."""

    unreliable_below: float
    reliable_above: float


class ContributionOut(BaseModel):
    """A feature's value and its signed contribution to the reliability log-odds."""

    name: str
    value: Annotated[float, Dump(digits=6)]
    contribution: Annotated[float, Dump(digits=6)]


class ModelRef(BaseModel):
    """The model bundle that produced a report."""

    name: str
    version: str


class ReportOut(BaseModel):
    """A calibrated reliability score, a verdict and the evidence behind it."""

    model_config = ConfigDict(extra="allow")

    id: str | None = Field(description="The caller's article id, echoed back.")
    reliability: Annotated[float, Dump(digits=4)] = Field(
        ge=0, le=1, description="Calibrated probability of reliability."
    )
    verdict: Literal["unreliable", "review", "reliable"]
    thresholds: ThresholdsOut
    ai_generated: Annotated[float | None, Dump(digits=4)] = Field(
        default=None, description="Probability the text is machine-generated, when modelled."
    )
    signals: list[SignalOut]
    top_features: list[ContributionOut]
    language: str
    title: str = ""
    author: str | None = None
    model: ModelRef
    credibility: Annotated[float | None, Dump(digits=4, omit_none=True)] = None
    extracted_body: Annotated[str | None, Dump(omit_none=True)] = Field(
        default=None,
        description="For HTML input: the article text that evidence offsets point into.",
    )
    features: Annotated[dict[str, float] | None, Dump(digits=6, on_request=True)] = Field(
        default=None, description="Every feature value (only with ?features=true)."
    )


def dump_rule(info: FieldInfo) -> Dump:
    """Return the :class:`Dump` rule of a model field (plain when it names none)."""
    return next((item for item in info.metadata if isinstance(item, Dump)), PLAIN)


@dataclass(frozen=True)
class FieldPlan:
    """How one field of a report model is written.

    Attributes:
        name: the field (and the attribute it is read from).
        rule: its :class:`Dump` rule.
        part: the nested model its value is written as, if any (``thresholds``, ``model``).
        many: the value is a sequence of ``part`` (``signals``, ``evidence``).
    """

    name: str
    rule: Dump
    part: type[BaseModel] | None = None
    many: bool = False


def _nested_part(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """Return the model a field's annotation nests (and whether it is a list of them)."""
    many = get_origin(annotation) is list
    inner = get_args(annotation)[0] if many else annotation
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return inner, many
    return None, False


@cache
def field_plans(model: type[BaseModel]) -> tuple[FieldPlan, ...]:
    """Return how each field of ``model`` is written, in the order reports write them."""
    return tuple(
        FieldPlan(name, dump_rule(info), *_nested_part(info.annotation))
        for name, info in model.model_fields.items()
    )


REPORT_FIELDS: tuple[tuple[str, Dump], ...] = tuple(
    (plan.name, plan.rule) for plan in field_plans(ReportOut)
)
"""``(field, rule)`` for every field of :class:`ReportOut`, in the order reports write them."""


def _read(source: object, name: str) -> Any:
    """Return the attribute ``name`` of a report part (or its key, for a plain mapping)."""
    if isinstance(source, Mapping):
        return source[name]
    return getattr(source, name)


def _rounded(value: Any, digits: int | None) -> Any:
    """Return ``value`` (a number, or a mapping or sequence of numbers) rounded to ``digits``."""
    if value is None or digits is None:
        return value
    if isinstance(value, Mapping):
        return {key: round(item, digits) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [round(item, digits) for item in value]
    return round(value, digits)


def part_data(
    model: type[BaseModel], source: object, include_features: bool = False
) -> dict[str, Any]:
    """Write ``source`` field by field in the shape of ``model`` (a report model).

    Each field is read from the attribute of the same name and written by its
    :class:`Dump` rule; a field that nests a model (``thresholds``, ``signals``,
    ``evidence``, ``top_features``, ``model``) is written by this same walk over that model.
    Attributes the model does not name (an evidence item's ``weight``) are not written.
    """
    data: dict[str, Any] = {}
    for plan in field_plans(model):
        rule = plan.rule
        if rule.on_request and not include_features:
            continue
        value = _read(source, plan.name)
        if value is None and rule.omit_none:
            continue
        if value is None or plan.part is None:
            data[plan.name] = _rounded(value, rule.digits)
        elif plan.many:
            data[plan.name] = [part_data(plan.part, item) for item in value]
        else:
            data[plan.name] = part_data(plan.part, value)
    return data


def report_data(report: object, include_features: bool = False) -> dict[str, Any]:
    """Write ``report`` in the shape of :class:`ReportOut` (see :func:`part_data`)."""
    return part_data(ReportOut, report, include_features=include_features)


# --- flat columns ------------------------------------------------------------------------

ColumnKind = Literal["string", "float"]

SUMMARY_COLUMNS: tuple[str, ...] = (
    "id",
    "reliability",
    "verdict",
    "ai_generated",
    "credibility",
    "language",
    "model.name",
    "model.version",
)
"""The report's scalar fields given a column of their own in flat outputs, in column order.

A dotted path names a field of a nested model (``model.name`` is the ``model_name`` column).
"""


@dataclass(frozen=True)
class SummaryColumn:
    """One flat column: its name, the path into a report, and the kind of value it holds."""

    name: str
    path: tuple[str, ...]
    kind: ColumnKind

    def read(self, record: Mapping[str, Any]) -> Any:
        """Return this column's value in a report record (None where a part is missing)."""
        value: Any = record
        for part in self.path[:-1]:
            value = value.get(part) or {}
        return value.get(self.path[-1])


def _scalar_kind(annotation: Any) -> ColumnKind:
    """Return the column kind of a scalar annotation (``str``, ``float``, a string Literal)."""
    options = [
        item
        for item in (
            get_args(annotation)
            if get_origin(annotation) in (Union, types.UnionType)
            else (annotation,)
        )
        if item is not type(None)
    ]
    if len(options) == 1:
        (only,) = options
        if only is float:
            return "float"
        if only is str:
            return "string"
        if get_origin(only) is Literal and all(isinstance(item, str) for item in get_args(only)):
            return "string"
    raise TypeError(f"{annotation!r} is not a scalar a flat column can hold")


def _field_annotation(path: tuple[str, ...]) -> Any:
    """Return the annotation of the report field at ``path`` (KeyError if there is none)."""
    model: Any = ReportOut
    annotation: Any = None
    for position, part in enumerate(path):
        annotation = model.model_fields[part].annotation
        if position < len(path) - 1:
            model = annotation
    return annotation


def summary_columns(paths: tuple[str, ...] = SUMMARY_COLUMNS) -> tuple[SummaryColumn, ...]:
    """Return the flat columns of ``paths``, each typed by the report field it holds.

    Raises:
        KeyError: a path names no report field.
        TypeError: a path names a field that is not a scalar.
    """
    columns = []
    for dotted in paths:
        path = tuple(dotted.split("."))
        kind = _scalar_kind(_field_annotation(path))
        columns.append(SummaryColumn("_".join(path), path, kind))
    return tuple(columns)
