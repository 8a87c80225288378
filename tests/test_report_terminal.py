"""The terminal view at any size: counts first, worst first, passes folded, findings capped; and the
progress bar, shown on a terminal only."""

from __future__ import annotations

import io
import re

from rich.console import Console

from harness.cassette import CassetteMeta
from harness.findings import Finding, Location, Severity
from harness.report.model import CassetteReport, ExchangeReport, Skipped
from harness.report.progress import MIN_FILES, progress
from harness.report.terminal import BIG_RUN_FINDINGS, SKIPPED_SHOWN, SMALL_RUN, print_summary


def report(path: str, errors: int = 0, warnings: int = 0, *, provider: str = "gemini",
           crash: str | None = None) -> CassetteReport:
    """A cassette of one exchange with so many error and warning findings (numbered in their messages)."""
    findings = [Finding(check="ORDER-001", severity=Severity.error, message=f"error number {n}",
                        location=Location(cassette=path, exchange=0, frame=n)) for n in range(errors)]
    findings += [Finding(check="STATE-002", severity=Severity.warning, message=f"warning number {n}",
                         location=Location(cassette=path, exchange=0, frame=100 + n)) for n in range(warnings)]
    exchange = ExchangeReport(index=0, provider=provider, method="POST", uri="https://h.invalid/", findings=findings)
    return CassetteReport(path=path, meta=CassetteMeta(), exchanges=[exchange], findings=findings, crash=crash)


def shown(reports: list[CassetteReport], **options: object) -> str:
    out = io.StringIO()
    print_summary(reports, Console(file=out, width=200, force_terminal=False), **options)  # type: ignore[arg-type]
    return out.getvalue()


def test_a_small_run_opens_with_the_counts_and_lists_every_cassette_worst_first() -> None:
    reports = [report("b-pass.yaml"), report("a-pass.yaml"), report("c-warn.yaml", warnings=2),
               report("d-one-error.yaml", errors=1), report("e-two-errors.yaml", errors=2),
               report("f-crash.yaml", crash="RuntimeError: boom")]
    text = shown(reports)
    lines = text.splitlines()
    assert lines[0].startswith("6 cassettes checked: 3 passed, 2 failed, 1 crashed; 3 errors, 2 warnings")
    rows = [name for line in lines for name in re.findall(r"│ (\S+\.yaml)", line)]
    assert rows == ["f-crash.yaml", "e-two-errors.yaml", "d-one-error.yaml", "c-warn.yaml", "a-pass.yaml",
                    "b-pass.yaml"]
    assert "folded" not in text
    headings = [line for line in lines if line.endswith(".yaml") and not line.startswith(("│", "┃"))]
    assert headings == ["f-crash.yaml", "e-two-errors.yaml", "d-one-error.yaml", "c-warn.yaml"]
    assert lines[-1] == lines[0]  # the counts again, where a CI log's tail shows them


def test_a_big_run_folds_the_clean_passes_by_provider_and_caps_each_cassettes_findings() -> None:
    quiet = [report(f"p{n:03}.yaml", provider="gemini" if n % 2 else "openai-chat") for n in range(SMALL_RUN)]
    reports = [*quiet, report("warned.yaml", warnings=1), report("noisy.yaml", errors=BIG_RUN_FINDINGS + 7)]
    text = shown(reports)
    assert "p000.yaml" not in text and "warned.yaml" in text
    assert re.search(r"│ 12 passed, no warning\s+│ gemini ", text)
    assert re.search(r"│ 13 passed, no warning\s+│ openai-chat ", text)
    assert "-v lists every cassette" in text
    printed = re.findall(r"error number (\d+)", text)
    assert len(printed) == BIG_RUN_FINDINGS
    assert "... and 7 more finding(s) in noisy.yaml (--max-findings 0 prints them all" in text
    assert "p000.yaml" in shown(reports, verbose=1)  # -v lists them all
    assert len(re.findall(r"error number", shown(reports, max_findings=0))) == BIG_RUN_FINDINGS + 7


def test_max_findings_keeps_the_most_severe_in_report_order() -> None:
    mixed = report("mixed.yaml", errors=2, warnings=3)
    mixed.findings.reverse()  # warnings first in the report: the cap still keeps the errors
    text = shown([mixed], max_findings=3)
    kept = re.findall(r"(error|warning) number (\d+)", text)
    assert kept == [("warning", "2"), ("error", "1"), ("error", "0")]
    assert "... and 2 more finding(s) in mixed.yaml" in text


def test_files_that_are_no_cassette_are_listed_after_the_counts_capped() -> None:
    skipped = [Skipped(f"notes/{n}.yaml", "no `interactions` list") for n in range(SKIPPED_SHOWN + 3)]
    lines = shown([report("a.yaml")], skipped=skipped).splitlines()
    assert lines[1].startswith(f"{SKIPPED_SHOWN + 3} file(s) skipped, not a cassette: notes/0.yaml, notes/1.yaml")
    assert lines[1].endswith(f"notes/{SKIPPED_SHOWN - 1}.yaml ... and 3 more")


def _bar(console: Console, files: int) -> list[int]:
    with progress(iter(range(files)), files, console) as items:
        return list(items)


def test_the_progress_bar_shows_on_a_terminal_for_a_long_run() -> None:
    out = io.StringIO()
    assert _bar(Console(file=out, force_terminal=True, width=120), MIN_FILES + 1) == list(range(MIN_FILES + 1))
    assert f"{MIN_FILES + 1}/{MIN_FILES + 1}" in out.getvalue() and "files/s" in out.getvalue()


def test_no_progress_bar_off_a_terminal_nor_for_a_short_run() -> None:
    for console, files in ((Console(file=io.StringIO(), force_terminal=False), 100),
                           (Console(file=io.StringIO(), force_terminal=True), MIN_FILES)):
        assert _bar(console, files) == list(range(files))
        assert console.file.getvalue() == ""  # type: ignore[attr-defined]
