"""The terminal view: one table row per cassette, then the findings that need a person's eyes."""

from __future__ import annotations

import os

from rich.console import Console
from rich.table import Table
from rich.text import Text

from harness.findings import Finding, Location, Severity
from harness.report.model import CassetteReport, Summary
from harness.report.safe import printable

_STYLE = {Severity.error: "bold red", Severity.warning: "yellow", Severity.info: "dim"}
_STATUS = {"pass": Text("pass", style="green"), "fail": Text("FAIL", style="bold red"),
           "crash": Text("CRASH", style="bold magenta")}
BUG_REPORT = "this is a bug in the harness, not a finding: please report it with the file attached"


def print_summary(reports: list[CassetteReport], console: Console, *, verbose: int = 0) -> None:
    root = _common_folder([report.path for report in reports])
    table = Table(title=Text(printable(f"Conformance check of {root or '.'}")), show_lines=False, header_style="bold")
    table.add_column("cassette", overflow="fold", ratio=1)
    for column, justify in (("provider", "left"), ("turns", "right"), ("status", "left"),
                            ("errors", "right"), ("warnings", "right"), ("expected", "right")):
        table.add_column(column, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for report in reports:
        status = _STATUS[report.verdict]
        table.add_row(Text(printable(_relative(report.path, root))), Text(printable(report.provider or "?")),
                      str(len(report.turns)), status,
                      str(report.count(Severity.error)), str(report.count(Severity.warning)),
                      str(report.expected_count))
    console.print(table)
    shown = {Severity.error, Severity.warning} | ({Severity.info} if verbose else set())
    for report in reports:
        if report.crash is not None:
            console.print(Text(printable(report.path), style="bold"))
            console.print(Text(printable(f"  internal error: {report.crash}; {BUG_REPORT}"), style="bold magenta"))
        findings = [f for f in report.findings
                    if f.severity in shown and (verbose > 1 or report.is_new(f))]
        if not findings:
            continue
        console.print(Text(printable(report.path), style="bold"))
        for item in findings:
            console.print(finding_line(item, expected=report.is_expected(item), baselined=report.is_baselined(item)))
        for exchange in report.exchanges:
            for check, count in exchange.dropped.items():
                console.print(Text(f"  ... and {count} more {check} findings in exchange {exchange.index} "
                                   "(not kept; the first ones are above)", style="dim"))
    summary = Summary.of(reports)
    style = "bold red" if summary.failed or summary.crashed else "bold green"
    line = f"{summary.passed} passed, {summary.failed} failed"
    if summary.crashed:
        line += f", {summary.crashed} crashed"
    if summary.unchecked:
        line += f"; {summary.unchecked} exchange(s) no family recognised, unchecked"
    console.print(Text(line, style=style))


def finding_line(item: Finding, *, expected: bool = False, baselined: bool = False) -> Text:
    """One finding as every terminal view prints it: id and severity, the message, where it points.
    Built as ``Text``, so nothing a cassette holds is ever read as markup."""
    where = _where(item.location)
    line = Text("  ")
    line.append(f"{item.check} {item.severity.value}", style=_STYLE[item.severity])
    if expected:
        line.append(" (expected)", style="green")
    elif baselined:
        line.append(" (baseline)", style="green")
    line.append(f"  {printable(item.message)}")
    if item.count:
        line.append(f"  (x{item.count}, last at {printable(_where(item.last))})", style="dim")
    if where:
        line.append(f"  [{printable(where)}]", style="dim")
    return line


def _where(location: Location | None) -> str:
    if location is None:
        return ""
    return ", ".join(f"{key} {value}" for key, value in location.model_dump(exclude_none=True, exclude={"cassette"}).items())


def _common_folder(paths: list[str]) -> str:
    """The folder all cassettes share, so the table shows short paths."""
    if len(paths) == 1:
        return os.path.dirname(paths[0])
    return os.path.commonpath(paths) if paths else ""


def _relative(path: str, root: str) -> str:
    return os.path.relpath(path, root) if root else path
