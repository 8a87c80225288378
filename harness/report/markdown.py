"""A conformance report a person can read on GitHub or in a CI summary."""

from __future__ import annotations

from typing import Any

from harness.report.model import CassetteReport
from harness.report.data import report_data

_MARK = {"pass": "✅ pass", "fail": "❌ fail"}


def render_markdown(reports: list[CassetteReport]) -> str:
    data = report_data(reports)
    summary = data["summary"]
    lines = [
        "# Conformance report",
        "",
        f"{summary['cassettes']} cassettes: {summary['passed']} passed, {summary['failed']} failed; "
        f"{summary['errors']} errors, {summary['warnings']} warnings, {summary['expected']} expected findings "
        f"(harness {data['harness_version']}).",
        "",
        "| cassette | provider | turns | status | errors | warnings |",
        "|---|---|---:|---|---:|---:|",
    ]
    for cassette in data["cassettes"]:
        lines.append(
            f"| `{cassette['path']}` | {cassette['provider'] or '?'} | {cassette['turns']} | "
            f"{_MARK[cassette['verdict']]} | {cassette['errors']} | {cassette['warnings']} |"
        )
    for cassette in data["cassettes"]:
        if cassette["findings"]:
            lines += ["", f"## `{cassette['path']}`", ""] + _findings_table(cassette["findings"])
    return "\n".join(lines) + "\n"


def _findings_table(findings: list[dict[str, Any]]) -> list[str]:
    rows = ["| check | severity | where | message |", "|---|---|---|---|"]
    for item in findings:
        severity = item["severity"] + (" (expected)" if item["expected_by_cassette"] else "")
        rows.append(f"| {item['check']} | {severity} | {_where(item['location'])} | {_escape(item['message'])} |")
    return rows


def _where(location: dict[str, Any]) -> str:
    parts = [f"{key} {location[key]}" for key in ("exchange", "frame", "seq", "path") if key in location]
    return ", ".join(parts) or "-"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
