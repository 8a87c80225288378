"""The Markdown report fits a GitHub comment: whole rows and findings left out, worst kept first, and
the closing note's counts add up to what was left out."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.cassette import CassetteMeta
from harness.findings import Finding, Location, Severity
from harness.report.markdown import LIMIT, MIN_LIMIT, render_markdown, size
from harness.report.model import CassetteReport, ExchangeReport, Skipped

TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)  # anything a path or message holds


@st.composite
def reports(draw: st.DrawFn) -> CassetteReport:
    path = draw(TEXT)
    crash = draw(st.none() | TEXT)
    findings = [Finding(check="ORDER-001", severity=draw(st.sampled_from(list(Severity))),
                        message=draw(st.text(max_size=300)), location=Location(cassette=path, exchange=0, frame=n))
                for n in range(0 if crash is not None else draw(st.integers(0, 30)))]
    exchange = ExchangeReport(index=0, provider=draw(TEXT), method="POST", uri="https://h.invalid/", findings=findings)
    return CassetteReport(path=path, meta=CassetteMeta(), exchanges=[exchange], findings=findings, crash=crash)


def left_out(markdown: str) -> dict[str, int]:
    """The closing note's counts by kind."""
    return {words: int(count) for count, words in re.findall(r"^- (\d+) more (.+)$", markdown, re.MULTILINE)}


def tally(markdown: str) -> dict[str, int]:
    """What the report shows: cassette rows, finding rows, internal errors, skipped files."""
    lines = markdown.split("\n")
    rows = findings = 0
    table = None
    for line in lines:
        if line.startswith("| cassette | provider"):
            table = "cassettes"
        elif line.startswith("| check | severity"):
            table = "findings"
        elif not line.startswith("|"):
            table = None
        elif not line.startswith("|---"):
            rows += table == "cassettes"
            findings += table == "findings"
    return {"rows": rows, "findings": findings, "crashes": markdown.count("\nInternal error: "),
            "skipped": sum(1 for line in lines if line.startswith("- `"))}


@settings(max_examples=120, deadline=None)
@given(st.lists(reports(), max_size=25), st.lists(st.builds(Skipped, TEXT, TEXT), max_size=8),
       st.integers(MIN_LIMIT, 12_000))
def test_any_run_fits_and_the_note_counts_what_was_left_out(runs: list[CassetteReport], skipped: list[Skipped],
                                                           limit: int) -> None:
    markdown = render_markdown(runs, skipped, limit)
    assert size(markdown) <= limit
    shown, left = tally(markdown), left_out(markdown)
    assert shown["rows"] + left.get("cassette(s) not in the table", 0) == len(runs)
    assert shown["findings"] + left.get("finding(s) not listed", 0) == sum(len(r.findings) for r in runs)
    assert shown["crashes"] + left.get("internal error(s) not shown", 0) == sum(r.crash is not None for r in runs)
    assert shown["skipped"] + left.get("skipped file(s) not listed", 0) == len(skipped)
    assert ("**Cut to fit" in markdown) == bool(left)
    assert all(line.endswith("|") for line in markdown.split("\n") if line.startswith("|"))  # no half row
    assert markdown == render_markdown(runs, skipped, 0) or left  # nothing cut: the whole report


def report(path: str, errors: int, *, message: str = "x") -> CassetteReport:
    findings = [Finding(check="ORDER-001", severity=Severity.error, message=f"{message} {n}",
                        location=Location(cassette=path, exchange=0, frame=n)) for n in range(errors)]
    exchange = ExchangeReport(index=0, provider="gemini", method="POST", uri="https://h.invalid/", findings=findings)
    return CassetteReport(path=path, meta=CassetteMeta(), exchanges=[exchange], findings=findings)


def test_the_failing_cassettes_and_their_findings_are_kept_before_the_passes() -> None:
    runs = [report(f"pass-{n:04}.yaml", 0) for n in range(3000)] + [report("zz-broken.yaml", 3, message="bad")]
    markdown = render_markdown(runs)
    assert LIMIT - 5_000 < size(markdown) <= LIMIT
    table = markdown.split("| cassette | provider")[1]
    assert table.index("zz-broken.yaml") < table.index("pass-0000.yaml")  # worst first
    assert all(f"bad {n}" in markdown for n in range(3))
    assert "the JSON (`--json`) and HTML (`--html`) reports hold everything" in markdown
    shown = markdown.count("| `pass-")
    assert left_out(markdown) == {"cassette(s) not in the table": 3000 - shown}


def test_no_limit_keeps_everything_and_a_tiny_limit_is_refused() -> None:
    runs = [report(f"c{n}.yaml", 40, message="m" * 200) for n in range(20)]
    assert "Cut to fit" not in render_markdown(runs, limit=0) and size(render_markdown(runs, limit=0)) > LIMIT
    with pytest.raises(ValueError, match="limit"):
        render_markdown(runs, limit=MIN_LIMIT - 1)


def test_skipped_files_are_counted_and_listed() -> None:
    markdown = render_markdown([report("a.yaml", 0)], [Skipped("ci.yml", "no `interactions` list at the top level")])
    assert "1 file(s) skipped, not a cassette" in markdown.split("\n")[2]
    assert "## Skipped: not a cassette\n\n- `ci.yml`: no `interactions` list at the top level\n" in markdown
