"""Hostile input, output side: whatever a cassette holds, every writer writes it and nothing it holds
acts on the terminal, the report or the files being read (issue: hostile input, classes 1, 3-6, 10, 14, 17).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from harness import run
from harness.cassette import CassetteMeta
from harness.cli import main
from harness.findings import MAX_QUOTED, Location, finding
from harness.report.json_report import render_json
from harness.report.junit import render_junit
from harness.report.markdown import render_markdown
from harness.report.model import CassetteReport, ExchangeReport
from harness.report.replay import print_replay, replay_json_lines
from harness.report.terminal import print_summary
from harness.state import Item, Turn
from harness.wire.sse import SSEDecoder
from tests.test_report_schema import validate

ROOT = Path(__file__).resolve().parents[1]
CASSETTE = ROOT / "cassettes" / "anthropic-messages" / "tool-use-resume.yaml"

# any code point, lone surrogates and controls included: what a payload, a file name or a header can hold
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
MARKUP = st.sampled_from(["[/x]", "[bold]", "[link=https://evil.invalid]x[/link]", "\x1b]0;owned\x07",
                          "\x1b]8;;https://evil.invalid\x1b\\click\x1b]8;;\x1b\\", "\x1b[2J\x1b[H", "\u202eexe.yaml"])
HOSTILE = st.one_of(ANY_TEXT, MARKUP, st.builds("".join, st.lists(st.one_of(ANY_TEXT, MARKUP), max_size=4)))
VALUES = st.one_of(HOSTILE, st.integers(min_value=-(2**200), max_value=2**200), st.none())


def report_of(path: str, provider: str, message: str, value: object, text: str) -> CassetteReport:
    turn = Turn(items=[Item(item_id=text or "x", kind="message", name=text, text={0: text}),
                       Item(item_id="c", kind="tool_call", name=text, arguments_text=text, arguments={text: value})])
    found = finding("SCHEMA-001", message, Location(cassette=path, exchange=0, native_type=text, path=text),
                    expected=value, actual=text)
    exchange = ExchangeReport(index=0, provider=provider, method=text, uri=f"https://h.invalid/{text}",
                              turn=turn, findings=[found])
    return CassetteReport(path=path, meta=CassetteMeta(provider=provider, scenario=text, expect=[text]),
                          exchanges=[exchange], findings=[found])


@settings(max_examples=60, deadline=None)
@given(path=HOSTILE, provider=HOSTILE, message=HOSTILE, value=VALUES, text=HOSTILE)
def test_every_writer_writes_anything_a_cassette_holds(path: str, provider: str, message: str, value: object,
                                                       text: str) -> None:
    reports = [report_of(path, provider, message, value, text)]

    data = validate(render_json(reports))  # valid JSON, the published schema, and the values come back as they were
    cassette = data["cassettes"][0]
    assert cassette["path"] == path and cassette["findings"][0].get("expected") == value

    ET.fromstring(render_junit(reports))  # well-formed XML whatever the strings hold

    markdown = render_markdown(reports)
    markdown.encode("utf-8")  # no lone surrogate survives
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202e]", markdown)

    for line in replay_json_lines(reports[0]):
        json.loads(line)

    for render in (lambda c: print_summary(reports, c, verbose=2), lambda c: print_replay(reports[0], c)):
        out = io.StringIO()
        render(Console(file=out, force_terminal=False, width=200))
        assert "\x1b" not in out.getvalue() and "\u202e" not in out.getvalue()
        out.getvalue().encode("utf-8")


def test_a_long_quoted_value_is_clipped_with_its_length_and_hash() -> None:
    made = finding("SCHEMA-001", "x" * 10_000_000, actual="y" * 3_000_000)
    assert len(made.message) < MAX_QUOTED + 80 and "<10000000 chars, sha256 " in made.message
    assert "<3000000 chars, sha256 " in made.actual


@settings(max_examples=40, deadline=None)
@given(value=st.one_of(st.text(st.characters(codec=None), max_size=30),
                       st.text("0123456789", min_size=1, max_size=6000),
                       st.text("0123456789\u00b2\u0663\uff11", min_size=1, max_size=30)))
def test_any_retry_field_is_read_or_ignored_never_raises(value: str) -> None:
    decoder = SSEDecoder()
    frames = decoder.feed(f"retry: {value}\ndata: {{}}\n\n".encode("utf-8", errors="surrogatepass"))
    frames += decoder.finish() if hasattr(decoder, "finish") else []
    assert all(frame.retry is None or frame.retry < 10**18 for frame in frames)


# -- the CLI: exit codes, crashes, unchecked exchanges, overwriting ---------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_a_crash_on_one_cassette_is_reported_and_the_run_goes_on(runner: CliRunner, monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    real = run.check_path
    folder = ROOT / "cassettes" / "anthropic-messages"

    def flaky(path: Path, *args: object, **kwargs: object) -> CassetteReport:
        if path.name == CASSETTE.name:
            raise RuntimeError("boom [/x]")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(run, "check_path", flaky)
    report = tmp_path / "r.json"
    result = runner.invoke(main, ["check", str(folder), "--json", str(report)])
    assert result.exit_code == 3, result.output
    assert "internal error: RuntimeError: boom [/x]" in result.output
    assert "please report it" in result.output
    cassettes = json.loads(report.read_text())["cassettes"]
    crashed = [c for c in cassettes if c["verdict"] == "crash"]
    assert [Path(c["path"]).name for c in crashed] == [CASSETTE.name]
    assert len(cassettes) == len(list(folder.glob("*.yaml")))  # every other cassette still checked
    assert "passed" not in [c["verdict"] for c in crashed]


def test_an_exchange_nobody_recognises_is_a_warning_and_fails_under_strict(runner: CliRunner, tmp_path: Path) -> None:
    stranger = tmp_path / "stranger.yaml"
    stranger.write_text(
        "interactions:\n- request: {method: POST, uri: 'https://unknown.invalid/x', body: '{}'}\n"
        "  response: {status: {code: 200}, headers: {content-type: [text/plain]}, body: {string: hello}}\n")
    plain = runner.invoke(main, ["check", str(stranger)])
    assert plain.exit_code == 0 and "CASSETTE-010 warning" in plain.output and "unchecked" in plain.output
    strict = runner.invoke(main, ["check", str(stranger), "--strict"])
    assert strict.exit_code == 1


@pytest.mark.parametrize("options", [["--json", "{out}", "--markdown", "{out}"], ["--junit", "{input}"]])
def test_a_report_never_overwrites_another_or_an_input(runner: CliRunner, tmp_path: Path, options: list[str]) -> None:
    cassette = tmp_path / CASSETTE.name
    cassette.write_bytes(CASSETTE.read_bytes())
    out = tmp_path / "out.txt"
    args = [option.format(out=out, input=cassette) for option in options]
    result = runner.invoke(main, ["check", str(cassette), *args])
    assert result.exit_code == 2
    assert cassette.read_bytes() == CASSETTE.read_bytes() and not out.exists()


def test_a_rule_broken_on_every_event_is_one_finding_with_its_count() -> None:
    from harness.pipeline import run_body

    body = b"data: {broken\n\n" * 5000 + b"data: [DONE]\n\n"
    result = run_body("openai-chat", body)
    [wire] = [f for f in result.findings if f.check == "WIRE-004"]
    assert wire.count == 5000 and wire.location.frame == 0 and wire.last is not None and wire.last.frame == 4999


@settings(max_examples=20, deadline=None)
@given(distinct=st.integers(0, 400))
def test_distinct_faults_past_the_cap_are_counted_not_kept(distinct: int) -> None:
    from harness.report.model import MAX_PER_CHECK, capped

    findings = [finding("SCHEMA-001", f"item {chr(0x4e00 + n)} is wrong") for n in range(distinct)]
    kept, dropped = capped(findings)
    assert kept == findings[:MAX_PER_CHECK]
    assert dropped == ({"SCHEMA-001": distinct - MAX_PER_CHECK} if distinct > MAX_PER_CHECK else {})


def test_a_credential_in_the_query_is_redacted_everywhere_it_is_written(runner: CliRunner, tmp_path: Path) -> None:
    secret = "AIzaSyD4vQ8kL2mN6pR0tV3xZ7bC9eG1iK5oQ8s"
    cassette = tmp_path / "leaky.yaml"
    cassette.write_text(
        "interactions:\n- request: {method: POST, uri: 'https://unknown.invalid/v1/x?alt=sse&key=" + secret + "', body: '{}'}\n"
        "  response: {status: {code: 200}, headers: {content-type: [text/plain]}, body: {string: hello}}\n")
    outputs = {name: tmp_path / f"r.{name}" for name in ("json", "markdown", "junit")}
    result = runner.invoke(main, ["check", str(cassette), "-v", *[f"--{k}={v}" for k, v in outputs.items()]])
    assert "CASSETTE-006" in result.output
    replay = runner.invoke(main, ["replay", str(cassette)])
    for written in [result.output, replay.output, *(path.read_text() for path in outputs.values())]:
        assert secret not in written
    assert "key=REDACTED" in json.loads(outputs["json"].read_text())["cassettes"][0]["exchanges"][0]["request"]
