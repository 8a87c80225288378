"""The terminal view: the counts, a table of the cassettes worst first, then the findings that need a
person's eyes.

Readable at any size, as pytest and ruff are: a small run lists every cassette and every finding;
past ``SMALL_RUN`` cassettes the passes with nothing to show fold into a row per provider (``-v`` lists them) and
each cassette prints at most ``BIG_RUN_FINDINGS`` findings (``--max-findings`` sets it), the most
severe, the rest counted. The JSON report keeps everything.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from harness.findings import Finding, Location, Severity
from harness.report.model import CassetteReport, Skipped, Summary
from harness.report.safe import printable

_STYLE = {Severity.error: "bold red", Severity.warning: "yellow", Severity.info: "dim"}
_STATUS = {"pass": Text("pass", style="green"), "fail": Text("FAIL", style="bold red"),
           "crash": Text("CRASH", style="bold magenta")}
BUG_REPORT = "this is a bug in the harness, not a finding: please report it with the file attached"
SMALL_RUN = 25  # cassettes a run lists in full
BIG_RUN_FINDINGS = 10  # findings a cassette prints in a bigger run, unless --max-findings says otherwise
SKIPPED_SHOWN = 10  # paths of files that are no cassette, named on the skipped line


def print_summary(reports: Sequence[CassetteReport], console: Console, *, verbose: int = 0,
                  skipped: Sequence[Skipped] = (), max_findings: int | None = None) -> None:
    """The counts, the table, then each cassette's findings, worst first. ``max_findings``: findings
    printed per cassette (0: all; None: all in a small run, ``BIG_RUN_FINDINGS`` in a bigger one)."""
    summary = Summary.of(reports, len(skipped))
    big = len(reports) > SMALL_RUN
    limit = (BIG_RUN_FINDINGS if big else 0) if max_findings is None else max_findings
    ordered = sorted(reports, key=lambda report: report.rank)
    console.print(totals_line(summary))
    if skipped:
        console.print(skipped_line(skipped))
    console.print(_table(ordered, fold=big and not verbose))
    shown = {Severity.error, Severity.warning} | ({Severity.info} if verbose else set())
    printed = [_print_findings(report, console, shown, verbose, limit) for report in ordered]
    if any(printed):
        console.print(totals_line(summary))  # again, where the tail of a CI log shows it


def _table(reports: list[CassetteReport], *, fold: bool) -> Table:
    """A row per cassette; folded, the passes without a warning are one row of sums per provider."""
    root = _common_folder([report.path for report in reports])
    table = Table(title=Text(printable(f"Conformance check of {root or '.'}")), show_lines=False, header_style="bold")
    table.add_column("cassette", overflow="fold", ratio=1)
    for column, justify in (("provider", "left"), ("turns", "right"), ("status", "left"),
                            ("errors", "right"), ("warnings", "right"), ("expected", "right")):
        table.add_column(column, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    by_provider: dict[str, list[CassetteReport]] = {}  # the folded passes
    for report in reports:
        if fold and report.verdict == "pass" and not report.count(Severity.warning):
            by_provider.setdefault(report.provider or "?", []).append(report)
            continue
        table.add_row(Text(printable(_relative(report.path, root))), Text(printable(report.provider or "?")),
                      str(len(report.turns)), _STATUS[report.verdict], str(report.count(Severity.error)),
                      str(report.count(Severity.warning)), str(report.expected_count))
    if by_provider:
        table.caption = "passes with no warning are folded by provider; -v lists every cassette"
    for provider, group in sorted(by_provider.items()):
        table.add_row(Text(f"{len(group)} passed, no warning", style="dim"),
                      Text(printable(provider)), str(sum(len(r.turns) for r in group)), _STATUS["pass"], "0", "0",
                      str(sum(r.expected_count for r in group)))
    return table


def _print_findings(report: CassetteReport, console: Console, shown: set[Severity], verbose: int,
                    limit: int) -> bool:
    """A cassette's crash and findings (at most ``limit``, the most severe, in report order; 0: all),
    then what was left out. Whether anything was printed."""
    findings = [f for f in report.findings if f.severity in shown and (verbose > 1 or report.is_new(f))]
    dropped = [(exchange.index, check, count) for exchange in report.exchanges
               for check, count in exchange.dropped.items()]
    if report.crash is None and not findings:
        return False
    console.print(Text(printable(report.path), style="bold"))
    if report.crash is not None:
        console.print(Text(printable(f"  internal error: {report.crash}; {BUG_REPORT}"), style="bold magenta"))
    kept = _most_severe(findings, limit)
    for item in kept:
        console.print(finding_line(item, expected=report.is_expected(item), baselined=report.is_baselined(item)))
    if len(kept) < len(findings):
        console.print(Text(printable(f"  ... and {len(findings) - len(kept)} more finding(s) in {report.path} "
                                     "(--max-findings 0 prints them all; --json keeps them all)"), style="dim"))
    for index, check, count in dropped:
        console.print(Text(f"  ... and {count} more {check} findings in exchange {index} "
                           "(not kept; the first ones are above)", style="dim"))
    return True


def _most_severe(findings: list[Finding], limit: int) -> list[Finding]:
    """The ``limit`` most severe findings (0: all), in the order the report has them."""
    if not limit or len(findings) <= limit:
        return findings
    chosen = sorted(range(len(findings)), key=lambda i: (-findings[i].severity.rank, i))[:limit]
    return [findings[i] for i in sorted(chosen)]


def totals_line(total: Summary) -> Text:
    """The counts of a run, as the table view and the streamed one print them."""
    line = (f"{total.cassettes} cassettes checked: {total.passed} passed, {total.failed} failed, "
            f"{total.crashed} crashed; {total.errors} errors, {total.warnings} warnings, "
            f"{total.expected} expected")
    if total.unchecked:
        line += f"; {total.unchecked} exchange(s) no family recognised, unchecked"
    return Text(line, style="bold red" if total.failed or total.crashed else "bold green")


def skipped_line(skipped: Sequence[Skipped]) -> Text:
    """``N file(s) skipped, not a cassette: a.yaml, b.json ... and K more``: never judged, but said."""
    named = ", ".join(printable(item.path) for item in skipped[:SKIPPED_SHOWN])
    more = f" ... and {len(skipped) - SKIPPED_SHOWN} more" if len(skipped) > SKIPPED_SHOWN else ""
    return Text(f"{len(skipped)} file(s) skipped, not a cassette: {named}{more}", style="yellow")


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
