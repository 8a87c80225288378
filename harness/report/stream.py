"""The terminal view of a run that keeps no reports: a line for each cassette that fails, as it
arrives, then the counts.

The table (``harness.report.terminal``) needs every report before it can print; a run that only
writes JSON Lines must not hold them, so it prints this instead and keeps nothing but the counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import astuple, replace

from rich.console import Console
from rich.text import Text

from harness.findings import Severity
from harness.report.model import CassetteReport, Skipped, Summary
from harness.report.safe import printable
from harness.report.terminal import BUG_REPORT, skipped_line, totals_line

_NONE = Summary(0, 0, 0, 0, 0, 0, 0, 0)


def print_streamed(reports: Iterable[CassetteReport], console: Console, skipped: Sequence[Skipped] = ()) -> Summary:
    """Print a line per failing or crashed cassette as it comes, then the totals; return them.
    ``skipped`` fills as ``reports`` is read (the files of the walk that are no cassette)."""
    total = _NONE
    for report in reports:
        total = Summary(*(a + b for a, b in zip(astuple(total), astuple(Summary.of([report])), strict=True)))
        line = failure_line(report)
        if line is not None:
            console.print(line)
    console.print(totals_line(total))
    if skipped:
        console.print(skipped_line(skipped))
    return replace(total, skipped=len(skipped))


def failure_line(report: CassetteReport) -> Text | None:
    """``FAIL path (provider): 2 errors: LIFECYCLE-005, ORDER-003``, or ``CRASH path: ...``; None for a pass."""
    if report.verdict == "crash":
        return Text(printable(f"CRASH {report.path}: internal error: {report.crash}; {BUG_REPORT}"),
                    style="bold magenta")
    if report.verdict == "pass":
        return None
    errors = report.undeclared(Severity.error)
    checks = ", ".join(dict.fromkeys(item.check for item in errors))
    line = f"FAIL {report.path} ({report.provider or '?'}): {len(errors)} error(s)"
    line += f": {checks}" if checks else f"; {report.unchecked} exchange(s) unchecked under --strict"
    return Text(printable(line), style="bold red")
