"""The machine-readable report."""

from __future__ import annotations

from pathlib import Path

import orjson

from harness.report.model import CassetteReport
from harness.report.data import report_data


def render_json(reports: list[CassetteReport]) -> bytes:
    return orjson.dumps(report_data(reports), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def write_json(reports: list[CassetteReport], path: Path) -> None:
    path.write_bytes(render_json(reports))
