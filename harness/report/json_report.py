"""The machine-readable report."""

from __future__ import annotations

from pathlib import Path

from harness.report.model import CassetteReport
from harness.report.data import report_data
from harness.report.safe import json_bytes


def render_json(reports: list[CassetteReport]) -> bytes:
    return json_bytes(report_data(reports), indent=True, sort_keys=True) + b"\n"


def write_json(reports: list[CassetteReport], path: Path) -> None:
    path.write_bytes(render_json(reports))
