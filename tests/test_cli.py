"""The `harness` command line: checks catalogue, check exit codes, JSON report, declared expectations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

try:
    from click.testing import CliRunner

    from harness.cli import main
except ImportError as error:  # the provider modules are not all there yet
    pytest.skip(f"harness.cli does not import yet: {error}", allow_module_level=True)

from harness.registry import catalogue

# A plain text turn in Anthropic's Messages stream (the shape of specs/openai-anthropic.md C.7, text only).
TEXT_TURN = [
    {"type": "message_start", "message": {"id": "msg_1", "type": "message", "role": "assistant", "content": [],
                                          "model": "claude-x", "stop_reason": None, "stop_sequence": None,
                                          "usage": {"input_tokens": 30, "output_tokens": 1}}},
    {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello"}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": " world"}},
    {"type": "content_block_stop", "index": 0},
    {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
     "usage": {"output_tokens": 5}},
    {"type": "message_stop"},
]
TRUNCATED = TEXT_TURN[:-2]  # no message_delta, no message_stop: LIFECYCLE-005, an error


def sse(events) -> str:
    return "".join(f"event: {event['type']}\ndata: {json.dumps(event)}\n\n" for event in events)


def write_cassette(folder: Path, name: str, events, expect=None) -> Path:
    document = {
        "interactions": [{
            "request": {"method": "POST", "uri": "https://api.anthropic.com/v1/messages",
                        "headers": {"content-type": ["application/json"]},
                        "body": json.dumps({"model": "claude-x", "stream": True, "max_tokens": 100,
                                            "messages": [{"role": "user", "content": "hi"}]})},
            "response": {"status": {"code": 200, "message": "OK"},
                         "headers": {"content-type": ["text/event-stream"]},
                         "body": {"string": sse(events)}},
        }],
        "version": 1,
    }
    if expect is not None:
        document["harness"] = {"provider": "anthropic-messages", "scenario": name, "expect": expect}
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_checks_lists_every_catalogue_id(runner):
    result = runner.invoke(main, ["checks", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    for check in catalogue():
        assert check in result.output


def test_checks_table_lists_every_catalogue_id(runner):
    result = runner.invoke(main, ["checks"], terminal_width=250)
    assert result.exit_code == 0, result.output
    missing = [check for check in catalogue() if check not in result.output]
    assert not missing


def test_checks_json(runner):
    result = runner.invoke(main, ["checks", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [row["id"] for row in rows] == list(catalogue())
    for row in rows:
        assert row["severity"] in ("error", "warning", "info")
        assert row["rule"] and row["source"]


def test_checks_family_filter(runner):
    rows = json.loads(runner.invoke(main, ["checks", "--format", "json", "--family", "order"]).output)
    assert rows and all(row["id"].startswith("ORDER-") for row in rows)


def test_check_clean_cassette_exits_0(runner, tmp_path):
    path = write_cassette(tmp_path, "clean", TEXT_TURN)
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output


def test_check_undeclared_error_exits_1(runner, tmp_path):
    path = write_cassette(tmp_path, "truncated", TRUNCATED)
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 1, result.output


def test_check_missing_path_exits_2(runner, tmp_path):
    result = runner.invoke(main, ["check", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 2


def test_check_folder_with_no_cassettes_exits_2(runner, tmp_path):
    (tmp_path / "notes.md").write_text("nothing here")
    assert runner.invoke(main, ["check", str(tmp_path)]).exit_code == 2


def test_check_json_report(runner, tmp_path):
    clean = write_cassette(tmp_path, "clean", TEXT_TURN)
    broken = write_cassette(tmp_path, "truncated", TRUNCATED)
    report_path = tmp_path / "out" / "report.json"
    result = runner.invoke(main, ["check", str(clean), str(broken), "--json", str(report_path)])
    assert result.exit_code == 1, result.output
    report = json.loads(report_path.read_text())
    entries = {Path(entry["path"]).name: entry for entry in report["cassettes"]}
    assert set(entries) == {"clean.yaml", "truncated.yaml"}
    for entry in entries.values():
        assert {"path", "provider", "exchanges", "findings"} <= set(entry)
        assert entry["provider"] == "anthropic-messages"
        assert len(entry["exchanges"]) == 1
    assert entries["clean.yaml"]["findings"] == []
    findings = entries["truncated.yaml"]["findings"]
    assert findings
    for item in findings:
        assert {"check", "severity", "message", "location"} <= set(item)
        assert item["check"] in catalogue()
        assert item["severity"] in ("error", "warning", "info")
    assert "LIFECYCLE-005" in [item["check"] for item in findings]


def test_check_folder_recursively(runner, tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    write_cassette(tmp_path / "a", "one", TEXT_TURN)
    write_cassette(tmp_path / "a" / "b", "two", TEXT_TURN)
    report_path = tmp_path / "r.json"
    result = runner.invoke(main, ["check", str(tmp_path / "a"), "--json", str(report_path)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(report_path.read_text())["cassettes"]) == 2


def check_one(runner, path):
    """Run ``harness check PATH --json``; return the exit code and the checks the cassette produced."""
    report_path = path.with_suffix(".report.json")
    result = runner.invoke(main, ["check", str(path), "--json", str(report_path)])
    [entry] = json.loads(report_path.read_text())["cassettes"]
    return result.exit_code, [item["check"] for item in entry["findings"]]


def test_declared_expected_finding_passes(runner, tmp_path):
    path = write_cassette(tmp_path, "declared", TRUNCATED, expect=["LIFECYCLE-005"])
    assert check_one(runner, path) == (0, ["LIFECYCLE-005"])


def test_declared_finding_that_does_not_occur_fails(runner, tmp_path):
    code, checks = check_one(runner, write_cassette(tmp_path, "overclaimed", TEXT_TURN, expect=["ORDER-003"]))
    assert code == 1 and "CASSETTE-009" in checks


def test_declared_unknown_id_is_flagged(runner, tmp_path):
    _, checks = check_one(runner, write_cassette(tmp_path, "unknown", TEXT_TURN, expect=["NOPE-123"]))
    assert "CASSETTE-008" in checks


def test_raw_sse_file_with_provider(runner, tmp_path):
    path = tmp_path / "stream.sse"
    path.write_text(sse(TEXT_TURN))
    result = runner.invoke(main, ["check", str(path), "--provider", "anthropic-messages"])
    assert result.exit_code == 0, result.output


def test_hostile_cassette_is_a_finding_not_a_crash(runner, tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("interactions: !!python/object/apply:os.system ['true']\n")
    report_path = tmp_path / "r.json"
    result = runner.invoke(main, ["check", str(path), "--json", str(report_path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    [entry] = json.loads(report_path.read_text())["cassettes"]
    assert [item["check"] for item in entry["findings"]] == ["CASSETTE-002"]


def test_a_named_file_no_reader_understands_is_a_usage_problem(runner, tmp_path):
    path = tmp_path / "notes.yaml"
    path.write_text("shopping:\n  - milk\n")
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert "is not a cassette in any supported format" in result.output



def test_the_usage_lines_about_files_that_are_no_cassette_escape_their_names(runner, tmp_path):
    path = tmp_path / "x\x1b[31m.yaml"  # a terminal escape in the file name
    path.write_text("shopping:\n  - milk\n")
    for args in (["check", str(path)], ["check", str(tmp_path)]):  # named; the only file of a walk
        result = runner.invoke(main, args)
        assert result.exit_code == 2 and "\x1b" not in result.output and "x\\x1b[31m.yaml" in result.output

# -- a folder walk: files that are no cassette are skipped, listed and counted, never failed -----------------

NOT_CASSETTES = {"notes.yaml": "shopping:\n  - milk\n", "ci/workflow.yml": "name: CI\non: [push]\n",
                 "broken.yaml": "a: [1, 2\n", "package.json.gz": ""}


def walked_folder(root: Path) -> Path:
    """A clean cassette among files that are none: notes, a CI workflow, YAML that does not parse."""
    (root / "ci").mkdir(parents=True)
    write_cassette(root, "clean", TEXT_TURN)
    for name, text in NOT_CASSETTES.items():
        if text:
            (root / name).write_text(text)
    return root


def test_a_folder_walk_skips_files_that_are_no_cassette(runner, tmp_path):
    from tests.test_report_schema import validate

    folder = walked_folder(tmp_path / "walk")
    report_path = tmp_path / "r.json"
    result = runner.invoke(main, ["check", str(folder), "--json", str(report_path), "--workers", "1"])
    assert result.exit_code == 0, result.output
    data = validate(report_path.read_bytes())
    assert [Path(c["path"]).name for c in data["cassettes"]] == ["clean.yaml"]
    assert (data["summary"]["cassettes"], data["summary"]["skipped"]) == (1, 3)
    assert sorted(Path(s["path"]).name for s in data["skipped"]) == ["broken.yaml", "notes.yaml", "workflow.yml"]
    assert all(s["reason"] for s in data["skipped"])
    assert "3 file(s) skipped, not a cassette: " in result.stdout
    assert "CASSETTE-005" not in result.stdout and "CASSETTE-001" not in result.stdout


def test_a_cassette_with_broken_or_hostile_parts_met_in_a_walk_still_fails(runner, tmp_path):
    folder = walked_folder(tmp_path / "walk")
    (folder / "half.yaml").write_text(yaml.safe_dump({"interactions": [7]}))  # a cassette, its interaction broken
    (folder / "evil.yaml").write_text("interactions: !!python/object/apply:os.system ['true']\n")
    report_path = tmp_path / "r.json"
    result = runner.invoke(main, ["check", str(folder), "--json", str(report_path)])
    assert result.exit_code == 1, result.output
    data = json.loads(report_path.read_text())
    findings = {Path(c["path"]).name: [f["check"] for f in c["findings"]] for c in data["cassettes"]}
    assert findings == {"clean.yaml": [], "evil.yaml": ["CASSETTE-002"], "half.yaml": ["CASSETTE-005"]}
    assert data["summary"]["skipped"] == 3


def test_a_walk_that_finds_no_cassette_at_all_is_a_usage_problem(runner, tmp_path):
    folder = walked_folder(tmp_path / "walk")
    (folder / "clean.yaml").unlink()
    for extra in ([], ["--jsonl", str(tmp_path / "r.jsonl")]):
        result = runner.invoke(main, ["check", str(folder), *extra])
        assert result.exit_code == 2, result.output
        assert "none of the 3 file(s) under the given paths is a cassette" in result.output


def test_jsonl_alone_lists_the_skipped_files_after_the_counts(runner, tmp_path):
    folder = walked_folder(tmp_path / "walk")
    target = tmp_path / "r.jsonl"
    result = runner.invoke(main, ["check", str(folder), "--jsonl", str(target)])
    assert result.exit_code == 0, result.output
    assert [Path(json.loads(line)["path"]).name for line in target.read_text().splitlines()] == ["clean.yaml"]
    assert 0 <= result.stdout.index("1 cassettes checked: 1 passed") < result.stdout.index("3 file(s) skipped")


# -- output that scales: the progress bar, --max-findings, --markdown-limit -------------------------------------

MANY = Path(__file__).resolve().parents[1] / "cassettes" / "anthropic-messages"  # more than a handful of files
TERMINAL = {"TTY_INTERACTIVE": "1", "TTY_COMPATIBLE": "1"}  # what rich reads as an interactive terminal


@pytest.mark.parametrize("env, extra, bar", [
    ({}, [], False),  # CliRunner's stderr is no terminal, as a pipe or a CI log is not
    ({"FORCE_COLOR": "1"}, [], False),  # colours asked for (CI jobs do): still no redrawn bar
    (TERMINAL, [], True),
    (TERMINAL, ["--no-progress"], False),
])
def test_the_progress_bar_shows_on_an_interactive_terminal_only(tmp_path, env, extra, bar):
    result = CliRunner(env=env).invoke(main, ["check", str(MANY), "--workers", "2", *extra])
    assert result.exit_code == 0, result.output
    count = len(list(MANY.glob("*.yaml")))
    assert (f"{count}/{count}" in result.stderr and "files/s" in result.stderr) is bar
    assert "files/s" not in result.stdout


def test_max_findings_caps_what_each_cassette_prints(runner, tmp_path):
    path = write_cassette(tmp_path, "loud", TRUNCATED, expect=["NOPE-123", "ORDER-003"])
    printed = re.compile(r"^  [A-Z]+-\d{3} (error|warning) ", re.MULTILINE)
    every = runner.invoke(main, ["check", str(path)]).stdout
    capped = runner.invoke(main, ["check", str(path), "--max-findings", "1"]).stdout
    assert len(printed.findall(every)) >= 3 and "more finding(s)" not in every
    assert printed.findall(capped) == ["error"]  # the most severe kept
    assert f"... and {len(printed.findall(every)) - 1} more finding(s) in {path}" in capped


def test_markdown_limit_from_the_command_line_and_the_settings(runner, tmp_path, monkeypatch):
    target = tmp_path / "r.md"
    result = runner.invoke(main, ["check", str(MANY), "--markdown", str(target), "--markdown-limit", "2500"])
    written = target.read_text()
    assert result.exit_code == 0 and len(written) <= 2500 and "**Cut to fit 2,500 characters**" in written
    assert runner.invoke(main, ["check", str(MANY), "--markdown-limit", "10"]).exit_code == 2
    monkeypatch.chdir(tmp_path)
    (tmp_path / "harness.toml").write_text("markdown = 'out.md'\nmarkdown-limit = 3000\n")
    assert runner.invoke(main, ["check", str(MANY)]).exit_code == 0
    assert "**Cut to fit 3,000 characters**" in (tmp_path / "out.md").read_text()
    assert runner.invoke(main, ["check", str(MANY), "--markdown-limit", "0"]).exit_code == 0
    assert "Cut to fit" not in (tmp_path / "out.md").read_text()
