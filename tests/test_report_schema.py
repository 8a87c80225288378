"""The JSON report follows its published, versioned schema (schemas/report/), whatever it holds."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from harness.report.baseline import Baseline
from harness.report.data import REPORT_VERSION
from harness.report.json_report import render_json
from harness.run import check_paths

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "schemas" / "report" / f"report-{REPORT_VERSION}.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def validate(document: bytes) -> dict:
    data = json.loads(document)
    errors = sorted(VALIDATOR.iter_errors(data), key=str)
    assert not errors, [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]]
    return data


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.fixture(scope="module")
def shipped() -> list:
    return check_paths([ROOT / "cassettes"])


def test_the_report_of_every_shipped_cassette_validates(shipped: list) -> None:
    data = validate(render_json(shipped))
    assert data["summary"]["cassettes"] == len(shipped) > 100


def test_a_report_with_a_baseline_and_a_crash_validates(shipped: list) -> None:
    from harness.cassette import CassetteMeta
    from harness.report.model import CassetteReport

    baseline = Baseline.of(shipped[:5])
    reports = [baseline.accept(report) for report in shipped[:10]]
    reports.append(CassetteReport(path="x.yaml", meta=CassetteMeta(), crash="RuntimeError: boom"))
    data = validate(render_json(reports))
    assert any(f.get("in_baseline") for c in data["cassettes"] for f in c["findings"])


def test_the_schema_catches_drift(shipped: list) -> None:
    data = json.loads(render_json(shipped[:1]))
    data["cassettes"][0]["verdict"] = "maybe"
    assert list(VALIDATOR.iter_errors(data))
