"""The report's shape is defined once: to_dict, the API models and the batch columns agree."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from mizan.detector.engine import DetectorEngine, Report
from mizan.detector.model import Contribution, Thresholds
from mizan.detector.report_shape import (
    SUMMARY_COLUMNS,
    ContributionOut,
    EvidenceOut,
    ModelRef,
    ReportOut,
    SignalOut,
    ThresholdsOut,
    dump_rule,
    field_plans,
    part_data,
    summary_columns,
)
from mizan.detector.signals.base import Evidence, SignalResult
from mizan.service import schemas
from mizan.service.batch.reports import REPORT_COLUMNS, report_row, report_schema

pa = pytest.importorskip("pyarrow")

PAGE = {
    "id": "shape-1",
    "html": (
        "<html><head><title>Harbour cranes idle as dockworkers strike</title></head><body>"
        "<article><h1>Harbour cranes idle as dockworkers strike</h1>"
        "<p>Experts say shipping costs will rise tenfold within a week, and 93% of traders "
        "are unaware of it, a leading logistics expert said.</p>"
        "<p>The harbour board said talks with the union would resume on Monday.</p>"
        "</article></body></html>"
    ),
}

# Report attributes that are no report field of their own: the model's name and version are
# the ``model`` field, and the scoring time is not reported.
NOT_FIELDS = {"model_name", "model_version", "elapsed_ms"}


@pytest.fixture(scope="module")
def report(engine: DetectorEngine) -> Report:
    """A report of an HTML page (so ``extracted_body`` is set), with evidence."""
    return engine.score(PAGE)


def test_the_api_serves_the_library_models() -> None:
    for model in (ReportOut, SignalOut, EvidenceOut, ContributionOut, ThresholdsOut, ModelRef):
        assert getattr(schemas, model.__name__) is model


def test_every_report_attribute_is_a_field_of_the_shape() -> None:
    attributes = {item.name for item in dataclasses.fields(Report)}
    assert attributes - set(ReportOut.model_fields) == NOT_FIELDS
    for name in ReportOut.model_fields:
        assert hasattr(Report, name) or name in attributes, name


def test_to_dict_writes_the_shape_field_by_field(report: Report) -> None:
    data = report.to_dict(include_features=True)
    written = [name for name in ReportOut.model_fields if name in data]
    assert list(data) == written
    for name in set(ReportOut.model_fields) - set(data):
        rule = dump_rule(ReportOut.model_fields[name])
        assert rule.omit_none and getattr(report, name) is None, name
    assert "extracted_body" in data and "features" in data
    assert "features" not in report.to_dict()
    assert ReportOut.model_validate(data).model_dump(mode="json", exclude_unset=True) == data


def test_nested_parts_write_their_models_fields(report: Report) -> None:
    data = report.to_dict()
    assert list(data["thresholds"]) == list(ThresholdsOut.model_fields)
    assert list(data["model"]) == list(ModelRef.model_fields)
    assert data["signals"] and data["top_features"]
    for signal in data["signals"]:
        assert list(signal) == list(SignalOut.model_fields)
        for item in signal["evidence"]:
            assert list(item) == list(EvidenceOut.model_fields)
    assert any(signal["evidence"] for signal in data["signals"])
    for item in data["top_features"]:
        assert list(item) == list(ContributionOut.model_fields)


def test_rounding_follows_the_shape(report: Report) -> None:
    data = report.to_dict(include_features=True)
    assert data["reliability"] == round(report.reliability, 4)
    assert data["features"] == {key: round(value, 6) for key, value in report.features.items()}


def test_nested_parts_round_by_their_models_rules(report: Report) -> None:
    data = report.to_dict()
    for written, result in zip(data["signals"], report.signals, strict=True):
        assert written["score"] == round(result.score, 4)
        assert written["features"] == {
            key: round(value, 6) for key, value in result.features.items()
        }
    for written, item in zip(data["top_features"], report.top_features, strict=True):
        assert written["value"] == round(item.value, 6)
        assert written["contribution"] == round(item.contribution, 6)
    rules = {plan.name: plan.rule.digits for plan in field_plans(SignalOut)}
    assert rules == {"name": None, "version": None, "score": 4, "features": 6, "evidence": None}


def test_the_parts_own_to_dict_agrees_with_the_shape(report: Report) -> None:
    # Signal results, evidence, thresholds and contributions keep a to_dict (the signal
    # snapshots and training metadata call it); it is the report's walk over their model.
    assert report.thresholds.to_dict() == part_data(ThresholdsOut, report.thresholds)
    evidence = [item for result in report.signals for item in result.evidence]
    assert evidence and report.top_features
    for result in report.signals:
        assert result.to_dict() == part_data(SignalOut, result)
    for item in evidence:
        assert item.to_dict() == part_data(EvidenceOut, item)
        assert "weight" not in part_data(EvidenceOut, item)
    for contribution in report.top_features:
        assert contribution.to_dict() == part_data(ContributionOut, contribution)


def test_the_parts_write_their_fields_in_model_order_with_the_models_rounding() -> None:
    item = Evidence(start=4, end=11, text="a claim", reason="unnamed source", field="title")
    assert list(item.to_dict().items()) == [
        ("field", "title"),
        ("start", 4),
        ("end", 11),
        ("text", "a claim"),
        ("reason", "unnamed source"),
    ]
    result = SignalResult("style", "3", 0.123456, {"style.b": 0.1234567, "style.a": 2.0}, (item,))
    assert list(result.to_dict().items()) == [
        ("name", "style"),
        ("version", "3"),
        ("score", 0.1235),
        ("features", {"style.b": 0.123457, "style.a": 2.0}),
        ("evidence", [item.to_dict()]),
    ]
    assert list(result.to_dict()["features"]) == ["style.b", "style.a"]
    assert Thresholds(0.25, 0.75).to_dict() == {"unreliable_below": 0.25, "reliable_above": 0.75}
    assert list(Contribution("beat.score", 0.3333333, -1.23456789).to_dict().items()) == [
        ("name", "beat.score"),
        ("value", 0.333333),
        ("contribution", -1.234568),
    ]


def test_batch_columns_are_typed_from_the_shape(report: Report) -> None:
    columns = summary_columns()
    assert REPORT_COLUMNS == ("row", *(column.name for column in columns), "report_json")
    schema = report_schema()
    expected = {"string": pa.string(), "float": pa.float64()}
    for column in columns:
        assert schema.field(column.name).type == expected[column.kind]
    assert [column.kind for column in columns] == [
        "string",
        "float",
        "string",
        "float",
        "float",
        "string",
        "string",
        "string",
    ]
    record: dict[str, Any] = {**report.to_dict(), "row": 7}
    row = report_row(record)
    assert list(row) == list(REPORT_COLUMNS)
    assert row["model_name"] == record["model"]["name"]
    assert row["verdict"] == record["verdict"] and row["row"] == 7
    assert json.loads(row["report_json"]) == record


def test_a_column_must_name_a_scalar_report_field() -> None:
    assert "model.name" in SUMMARY_COLUMNS
    with pytest.raises(KeyError):
        summary_columns(("model.owner",))
    with pytest.raises(TypeError):
        summary_columns(("signals",))
