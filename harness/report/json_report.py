"""The machine-readable report."""

from __future__ import annotations

from collections.abc import Sequence

from harness.report.data import report_data
from harness.report.model import CassetteReport, Skipped
from harness.report.safe import json_bytes


def render_json(reports: Sequence[CassetteReport], skipped: Sequence[Skipped] = ()) -> bytes:
    return json_bytes(report_data(reports, skipped), indent=True, sort_keys=True) + b"\n"
