"""Settings ([tool.harness]) and baselines: what a project accepts, without turning checks off."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.findings import Severity
from harness.report.baseline import Baseline, fingerprints
from harness.run import check_paths
from harness.settings import SettingsError, find, load

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "cassettes" / "anthropic-messages"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_settings_are_found_upward_and_pyproject_needs_the_table(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find(nested) is None
    write(tmp_path, "pyproject.toml", "[tool.harness]\nignore = ['STATE']\n")
    assert find(nested) == tmp_path / "pyproject.toml"
    write(tmp_path / "a", "harness.toml", "select = ['RESUME']\n")
    assert find(nested) == tmp_path / "a" / "harness.toml"
    assert load(find(nested)).rules.select == ("RESUME",)


@pytest.mark.parametrize("text, says", [
    ("selct = []", "unknown setting(s) selct"),
    ("ignore = 'STATE'", "ignore must be a list"),
    ("[severity]\n'STATE-001' = 'fatal'", "severity of STATE-001"),
    ("ignore = [", "harness.toml"),
    ("markdown-limit = 100", "markdown-limit must be 0 (no limit) or a number of characters from 2000"),
    ("markdown-limit = 'big'", "markdown-limit must be"),
])
def test_a_bad_settings_file_says_where_and_why(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(SettingsError, match=says.replace("(", r"\(").replace(")", r"\)")):
        load(write(tmp_path, "harness.toml", text))


def test_select_ignore_severity_per_path_and_per_provider(tmp_path: Path) -> None:
    reports = check_paths([BROKEN])
    every = {f.check for r in reports for f in r.findings}
    assert {"RESUME-201", "LIFECYCLE-202"} <= every or len(every) > 5
    settings = load(write(tmp_path, "harness.toml", """
select = ["RESUME", "LIFECYCLE"]
ignore = ["LIFECYCLE-2"]
[severity]
"RESUME" = "info"
"RESUME-203" = "warning"
[per-path."*tool-use-resume*"]
ignore = ["RESUME"]
[per-provider."openai-chat"]
ignore = ["RESUME"]
"""))
    for report in reports:
        seen = settings.applied(report)
        for item in seen.findings:
            assert item.check.startswith(("RESUME", "LIFECYCLE")) and not item.check.startswith("LIFECYCLE-2")
            if item.check.startswith("RESUME"):
                assert "tool-use-resume" not in report.path
                assert item.severity is (Severity.warning if item.check == "RESUME-203" else Severity.info)
        assert sum(len(e.findings) for e in seen.exchanges) <= len(seen.findings)


def test_fingerprints_ignore_offsets_and_messages_but_not_what_the_finding_is_about() -> None:
    report = check_paths([BROKEN])[0]
    prints = [fp for fp, _ in fingerprints(report)]
    assert len(prints) == len(set(prints))  # rank keeps equal subjects apart
    moved = report.findings[0].model_copy(update={
        "message": "another wording", "location": report.findings[0].location.model_copy(update={"offset": 999_999})})
    from dataclasses import replace
    again = replace(report, findings=[moved, *report.findings[1:]])
    assert [fp for fp, _ in fingerprints(again)] == prints


def test_a_baseline_round_trip(tmp_path: Path) -> None:
    reports = check_paths([BROKEN])
    path = tmp_path / "baseline.json"
    Baseline.of(reports).write(path)
    baseline = Baseline.read(path)
    accepted = [baseline.accept(report) for report in reports]
    assert all(report.count(Severity.error) == 0 for report in accepted)
    assert all(report.verdict == "pass" for report in accepted)
    # a finding fixed since: the baseline says so
    fewer = [replace_findings(reports[0], reports[0].findings[1:]), *reports[1:]]
    assert [entry["check"] for entry in baseline.fixed(fewer)] == [reports[0].findings[0].check]


def replace_findings(report, findings):
    from dataclasses import replace
    return replace(report, findings=findings)


def test_an_unreadable_baseline_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a harness baseline"):
        Baseline.read(write(tmp_path, "b.json", '{"version": 7}'))


# -- from the command line ----------------------------------------------------------------------------------

import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from harness.cli import main  # noqa: E402

CLEAN = ROOT / "cassettes" / "anthropic-messages" / "tool-use-resume.yaml"


def test_a_baseline_round_trip_from_the_command_line(tmp_path: Path) -> None:
    """Write a baseline, re-run clean, introduce a fault, fail on exactly that finding."""
    folder = tmp_path / "cassettes"
    folder.mkdir()
    for source in sorted(BROKEN.glob("broken-*.yaml"))[:3] + [CLEAN]:
        text = source.read_text().replace("expect:", "was_expecting:")  # undeclared: the baseline must carry them
        (folder / source.name).write_text(text)
    baseline = tmp_path / "baseline.json"
    runner = CliRunner()
    assert runner.invoke(main, ["check", str(folder), "--workers", "1"]).exit_code == 1
    written = runner.invoke(main, ["check", str(folder), "--workers", "1", "--baseline", str(baseline), "--update-baseline"])
    assert baseline.exists() and written.exit_code == 0, written.output
    assert runner.invoke(main, ["check", str(folder), "--workers", "1", "--baseline", str(baseline)]).exit_code == 0
    fault = folder / CLEAN.name
    original = fault.read_text()
    fault.write_text(original.replace('"tool_use_id":"toolu_01Oslo"', '"tool_use_id":"toolu_01Nowhere"', 1))
    assert fault.read_text() != original
    report = tmp_path / "r.json"
    failed = runner.invoke(main, ["check", str(folder), "--workers", "1", "--baseline", str(baseline), "--json", str(report)])
    assert failed.exit_code == 1
    new = {(f["check"], Path(c["path"]).name) for c in json.loads(report.read_text())["cassettes"]
           for f in c["findings"] if f["severity"] == "error" and not f.get("in_baseline")}
    assert new and all(name == CLEAN.name and check.startswith("RESUME") for check, name in new)


def test_the_settings_file_is_used_and_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(next(iter(sorted(BROKEN.glob("broken-*.yaml")))), tmp_path / "one.yaml")
    (tmp_path / "one.yaml").write_text((tmp_path / "one.yaml").read_text().replace("expect:", "was_expecting:"))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["check", "one.yaml", "--workers", "1"]).exit_code == 1
    (tmp_path / "harness.toml").write_text("ignore = ['RESUME', 'LIFECYCLE', 'ASSEMBLY', 'STATE', 'ORDER', 'SCHEMA']\n"
                                           "json = 'out/report.json'\n")
    result = runner.invoke(main, ["check", "one.yaml", "--workers", "1"])
    assert result.exit_code == 0 and f"settings from {tmp_path / 'harness.toml'}" in result.output
    assert (tmp_path / "out" / "report.json").exists()
    (tmp_path / "harness.toml").write_text("ignore = 'RESUME'\n")
    assert runner.invoke(main, ["check", "one.yaml"]).exit_code == 2
