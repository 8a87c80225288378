"""A conformance report a person can read on GitHub or in a CI summary."""

from __future__ import annotations

import re
from typing import Any

from harness.report.model import CassetteReport
from harness.report.data import report_data
from harness.report.safe import printable

_MARK = {"pass": "✅ pass", "fail": "❌ fail", "crash": "💥 harness crash"}


def render_markdown(reports: list[CassetteReport]) -> str:
    data = report_data(reports)
    summary = data["summary"]
    lines = [
        "# Conformance report",
        "",
        f"{summary['cassettes']} cassettes: {summary['passed']} passed, {summary['failed']} failed"
        f"{_crashed(summary['crashed'])}; "
        f"{summary['errors']} errors, {summary['warnings']} warnings, {summary['expected']} expected findings "
        f"(harness {data['harness_version']}).",
        "",
        "| cassette | provider | turns | status | errors | warnings |",
        "|---|---|---:|---|---:|---:|",
    ]
    for cassette in data["cassettes"]:
        lines.append(
            f"| {_code(cassette['path'])} | {cell(cassette['provider'] or '?')} | {cassette['turns']} | "
            f"{_MARK[cassette['verdict']]} | {cassette['errors']} | {cassette['warnings']} |"
        )
    for cassette in data["cassettes"]:
        if cassette["crash"]:
            lines += ["", f"## {_code(cassette['path'])}", "", f"Internal error: {cell(cassette['crash'])}"]
        if cassette["findings"]:
            lines += ["", f"## {_code(cassette['path'])}", ""] + _findings_table(cassette["findings"])
    return "\n".join(lines) + "\n"


def _crashed(count: int) -> str:
    return f", {count} crashed (a harness bug: please report it)" if count else ""


def _findings_table(findings: list[dict[str, Any]]) -> list[str]:
    rows = ["| check | severity | where | message |", "|---|---|---|---|"]
    for item in findings:
        severity = item["severity"] + (" (expected)" if item["expected_by_cassette"] else "")
        times = f" (x{item['count']}, last at {_where(item['last'])})" if "count" in item else ""
        rows.append(f"| {item['check']} | {severity} | {_where(item['location'])} | {cell(item['message'])}{times} |")
    return rows


def _where(location: dict[str, Any]) -> str:
    parts = [f"{key} {location[key]}" for key in ("exchange", "frame", "seq", "path") if key in location]
    return cell(", ".join(parts)) or "-"


def cell(text: str) -> str:
    """Inert in a table cell: no control character, no cell break, no HTML."""
    return printable(text).replace("|", "\\|").replace("<", "&lt;")


def _code(text: str) -> str:
    """A path as a code span, whatever backticks it holds (the fence is one longer than its longest run)."""
    inner = printable(text).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", inner)), default=0) + 1)
    pad = " " if inner.startswith("`") or inner.endswith("`") else ""
    return f"{fence}{pad}{inner}{pad}{fence}"
