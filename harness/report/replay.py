"""``harness replay``: the canonical event log and the folded turn of each exchange, for debugging."""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Console
from rich.text import Text

from harness import events as ev
from harness.report.data import turn_data
from harness.report.model import CassetteReport, ExchangeReport
from harness.report.safe import json_bytes, printable
from harness.report.terminal import finding_line


def replay_json_lines(report: CassetteReport, only: int | None = None) -> Iterator[str]:
    """Each canonical event as a JSON line, then the exchange's folded turn."""
    for exchange in _shown(report, only):
        for event in exchange.events:
            yield json_bytes(ev.dump(event)).decode()
        turn = turn_data(exchange.turn) if exchange.turn else None
        yield json_bytes({"exchange": exchange.index, "turn": turn}).decode()


def print_replay(report: CassetteReport, console: Console, only: int | None = None) -> None:
    for exchange in _shown(report, only):
        console.rule(Text(printable(f"exchange {exchange.index}: {exchange.request_line} ({exchange.provider})")))
        for event in exchange.events:
            fields = ev.dump(event, exclude={"seq", "origin", "type"}, exclude_none=True)
            line = Text(printable(f"{event.seq:>5} f{event.origin.frame} {event.origin.native_type or ''} "), style="dim")
            line.append(event.type, style="bold").append(printable(f" {fields}"), style="default")
            console.print(line, highlight=False, soft_wrap=True)
        console.print_json(data=turn_data(exchange.turn) if exchange.turn else None, ensure_ascii=True)
        for item in exchange.findings:
            console.print(finding_line(item))
    if not report.exchanges:
        for item in report.findings:
            console.print(finding_line(item))


def _shown(report: CassetteReport, only: int | None) -> Iterator[ExchangeReport]:
    return (exchange for exchange in report.exchanges if only is None or exchange.index == only)
