"""The `harness` command line: checks catalogue, check exit codes, JSON report, declared expectations."""

from __future__ import annotations

import json
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
