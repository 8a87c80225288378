"""The report model as plain data: one dict per cassette, stable keys, no volatile values.

The JSON report and the Markdown one are rendered from this, and ``harness replay`` prints its
turns, so what a machine reads and what a person reads never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from harness import __version__
from harness.findings import Finding, Severity
from harness.report.model import CassetteReport, ExchangeReport, Skipped, Summary
from harness.state import CHANNELS, Item, Turn

REPORT_VERSION = 1  # schemas/report/report-<version>.json describes it


def report_data(reports: Sequence[CassetteReport], skipped: Sequence[Skipped] = ()) -> dict[str, Any]:
    """The whole run; ``skipped``: the files of a folder walk that are no cassette (never in ``cassettes``)."""
    return {
        "report_version": REPORT_VERSION,
        "harness_version": __version__,
        "summary": asdict(Summary.of(reports, len(skipped))),
        "cassettes": [cassette_data(report) for report in reports],
        "skipped": [asdict(item) for item in skipped],
    }


def cassette_data(report: CassetteReport) -> dict[str, Any]:
    return {
        "path": report.path,
        "provider": report.provider,
        "scenario": report.meta.scenario,
        "written_by": report.meta.written_by,
        "verdict": report.verdict,
        "turns": len(report.turns),
        "errors": report.count(Severity.error),
        "warnings": report.count(Severity.warning),
        "expected_findings": report.expected_count,
        "expect": list(report.meta.expect),
        "unchecked_exchanges": report.unchecked,
        "crash": report.crash,
        "exchanges": [exchange_data(exchange) for exchange in report.exchanges],
        "findings": [finding_data(f, report.is_expected(f), report.is_baselined(f)) for f in report.findings],
    }


def exchange_data(exchange: ExchangeReport) -> dict[str, Any]:
    return {
        "index": exchange.index,
        "provider": exchange.provider,
        "request": exchange.request_line,
        "frames": exchange.frames,
        "events": exchange.event_count,
        "resumed_after": exchange.resumed_after,
        "dropped_findings": exchange.dropped,
        "turn": turn_data(exchange.turn) if exchange.turn is not None else None,
    }


def turn_data(turn: Turn) -> dict[str, Any]:
    return {
        "response_id": turn.response_id,
        "status": turn.status,
        "stop": turn.stop,
        "native_stop": turn.native_stop,
        "items": [item_data(item) for item in turn.items],
        "tool_results": [result.model_dump() for result in turn.tool_results],
        "interrupt": turn.interrupt.model_dump() if turn.interrupt else None,
        "usage": turn.usage.model_dump(exclude_none=True) if turn.usage else None,
        "errors": [error.model_dump(exclude_none=True) for error in turn.errors],
    }


def item_data(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {"id": item.item_id, "kind": item.kind, "status": item.status}
    for field in ("role", "name", "call_id", "executor"):
        value = getattr(item, field)
        if value is not None:
            data[field] = value
    for channel in CHANNELS:
        if getattr(item, channel):
            data[channel] = item.joined(channel)
    if item.arguments_text is not None:
        data["arguments"] = item.arguments if item.arguments_valid else None
        data["arguments_text"] = item.arguments_text
        data["arguments_valid"] = item.arguments_valid
    return data


def finding_data(item: Finding, expected: bool = False, baselined: bool = False) -> dict[str, Any]:
    data = item.model_dump(mode="json", exclude_none=True)
    data["location"] = item.location.model_dump(exclude_none=True)
    data["expected_by_cassette"] = expected
    if baselined:
        data["in_baseline"] = True
    return data
