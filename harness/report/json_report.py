"""The machine-readable report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from harness.report.data import report_data
from harness.report.model import CassetteReport, Skipped
from harness.report.safe import json_bytes


def render_json(reports: Sequence[CassetteReport], skipped: Sequence[Skipped] = ()) -> bytes:
    return json_bytes(report_data(reports, skipped), indent=True, sort_keys=True) + b"\n"


def write_json(reports: list[CassetteReport], path: Path) -> None:
    path.write_bytes(render_json(reports))
