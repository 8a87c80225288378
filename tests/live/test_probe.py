"""``harness probe`` against ``harness serve``: clean cassettes give clean results, broken ones give the
ids they declare, a capability the server lacks is a skip with its reason, every exchange is a
scrubbed cassette that ``harness check`` judges the same way, and ``--repeat`` reports pass@k, pass^k."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from harness.cassette import load, save
from harness.cli import main
from harness.findings import Severity
from harness.live.library import Library
from harness.live.probe import ScenarioResult, pass_at_k, pass_hat_k, probe
from harness.live.serve import ServeApp, serving
from harness.pipeline import check_path

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"

CLEAN = [  # family, served cassette (with the SDK's base path), scenario, model the recorded path names
    ("openai-responses", "openai-responses/plain-text/v1", "text", None),
    ("openai-responses", "openai-responses/tool-call-resume/v1", "tool-call", None),
    ("openai-responses", "openai-responses/reasoning-summary/v1", "reasoning", None),
    ("openai-responses", "openai-responses/mcp-approval-round-trip/v1", "approval", None),
    ("openai-chat", "openai-chat/tool-call-resume/v1", "tool-call", None),
    ("anthropic-messages", "anthropic-messages/text-with-pings", "text", None),
    ("anthropic-messages", "anthropic-messages/tool-use-resume", "tool-call", None),
    ("anthropic-messages", "anthropic-messages/parallel-tool-use-resume", "parallel-tool-calls", None),
    ("anthropic-messages", "anthropic-messages/thinking-signature", "reasoning", None),
    ("gemini", "gemini/function-call-resume", "tool-call", "gemini-3-flash"),
    ("gemini", "gemini/parallel-calls-resume", "parallel-tool-calls", "gemini-3-flash"),
    ("gemini", "gemini/thinking", "reasoning", "gemini-3-flash"),
    ("agent-session", "agent-session/app-tool-resume", "tool-call", None),
    ("agent-session", "agent-session/untrusted-server-tool-resume", "approval", None),
    ("mistral-conversations", "mistral-conversations/function-call-resume", "tool-call", None),
    ("cohere-v2", "cohere-v2/tool-plan-call-resume", "tool-call", None),
    ("bedrock-converse", "bedrock-converse/tool-use-resume", "tool-call", None),
    ("bedrock-converse", "bedrock-converse/reasoning-signature", "reasoning", None),
]
BROKEN = [  # the stream breaks what the cassette declares; the probe must find exactly that
    ("openai-responses", "openai-responses/deltas-disagree-with-done/v1", None),
    ("openai-responses", "openai-responses/sequence-gap-duplicate-reorder/v1", None),
    ("openai-chat", "openai-chat/truncated-stream/v1", None),
    ("gemini", "gemini/truncated", "gemini-3-flash"),
    ("agent-session", "agent-session/broken-two-turn-stops", None),
    ("bedrock-converse", "bedrock-converse/truncated-stream", None),
]


@pytest.fixture(scope="module")
def server(shipped: Library) -> Iterator[ServeApp]:
    with serving(shipped) as app:
        yield app


def _one(app: ServeApp, prefix: str, family: str, scenario: str, out: Path, model: str | None = None,
         repeat: int = 1) -> ScenarioResult:
    [result] = probe(f"{app.base_url}/{prefix}", family, names=[scenario], out=out, model=model, repeat=repeat)
    return result


@pytest.mark.parametrize(("family", "prefix", "scenario", "model"), CLEAN, ids=[f"{c[1]}-{c[2]}" for c in CLEAN])
def test_a_clean_cassette_passes_and_its_recording_checks_clean(server: ServeApp, tmp_path: Path, family: str,
                                                                prefix: str, scenario: str, model: str | None) -> None:
    result = _one(server, prefix, family, scenario, tmp_path, model)
    assert (result.status, result.reason) == ("pass", "")
    [attempt] = result.attempts
    assert attempt.cassettes and all(path.is_relative_to(tmp_path / family / scenario) for path in attempt.cassettes)
    for path in attempt.cassettes:
        report = check_path(path)
        assert report.verdict == "pass" and report.meta.scenario == scenario and report.meta.written_by == "harness probe"
    exchanges = sum(len(load(path).exchanges) for path in attempt.cassettes)
    assert exchanges >= (2 if scenario in ("tool-call", "parallel-tool-calls", "approval") else 1)


@pytest.mark.parametrize(("family", "prefix", "model"), BROKEN, ids=[c[1] for c in BROKEN])
def test_a_broken_cassette_fails_with_the_ids_it_declares(server: ServeApp, tmp_path: Path, family: str, prefix: str,
                                                          model: str | None) -> None:
    served = check_path(CASSETTES / f"{prefix.removesuffix('/v1')}.yaml")
    errors = {item.check for item in served.findings if item.severity is Severity.error}
    result = _one(server, prefix, family, "text", tmp_path, model)
    assert result.status == "fail"
    assert {item.check for item in result.attempts[0].findings} == errors and errors <= set(served.meta.expect)


def test_a_capability_the_server_lacks_is_a_skip_with_its_reason(server: ServeApp, tmp_path: Path) -> None:
    parallel = _one(server, "anthropic-messages/tool-use-resume", "anthropic-messages", "parallel-tool-calls", tmp_path)
    assert parallel.status == "skipped" and "made 1 tool call(s) where two were asked for" in parallel.reason
    reasoning = _one(server, "anthropic-messages/text-with-pings", "anthropic-messages", "reasoning", tmp_path)
    assert reasoning.status == "skipped" and "streamed no reasoning" in reasoning.reason
    assert (reasoning.runs, reasoning.pass_at(1), reasoning.pass_all(1)) == (0, None, None)


def test_an_undeclared_tool_is_an_unmet_expectation(server: ServeApp, tmp_path: Path) -> None:
    result = _one(server, "openai-chat/parallel-tool-calls-resume/v1", "openai-chat", "parallel-tool-calls", tmp_path)
    assert result.status == "fail" and "'get_time', a tool the request did not declare" in result.reason


def _cassette(source: Path, target: Path, status: int, body: bytes) -> None:
    """``source``'s first request answered by an HTTP error (or anything else) instead of its stream."""
    cassette = load(source)
    first = cassette.exchanges[0]
    first.response.status, first.response.body, first.response.chunks = status, body, None
    first.response.headers = {"content-type": ["application/json"]}
    cassette.meta.expect = []
    save(target, [first], cassette.meta)


@pytest.mark.parametrize(("status", "body", "verdict", "reason"), [
    (400, (b'{"error":{"message":"Previous response with id \'resp_x\' not found.","type":"invalid_request_error",'
           b'"param":"previous_response_id","code":"previous_response_not_found"}}'), "pass", ""),
    (400, b'{"message":"bad request"}', "fail", 'no "error" object (specs/openai-anthropic.md 0.1.5)'),
    (500, b'{"error":{"message":"boom","type":"server_error","param":null,"code":null}}', "fail",
     "instead of refusing it with a 4xx"),
    (200, b'{"id":"resp_x"}', "fail", "the server accepted a previous_response_id that names no stored response"),
])
def test_a_forbidden_request_must_be_refused_with_the_documented_error(tmp_path: Path, status: int, body: bytes,
                                                                       verdict: str, reason: str) -> None:
    _cassette(CASSETTES / "openai-responses/plain-text.yaml", tmp_path / "served/refusing.yaml", status, body)
    with serving(Library.load([tmp_path / "served"])) as app:
        result = _one(app, "refusing/v1", "openai-responses", "refused", tmp_path / "out")
    assert result.status == verdict and reason in result.reason


def test_a_dropped_background_stream_is_reattached_after_the_last_event(tmp_path: Path) -> None:
    """The probe drops the stream after its first text delta (sequence number 5) and asks for the rest
    with starting_after=5; the served cassette is cut there, so the bytes the probe reads do not depend
    on how the socket coalesces writes."""
    cassette = load(CASSETTES / "openai-responses/background-reattach.yaml")
    first, second = cassette.exchanges
    cut = first.response.body.index(b"event: response.output_text.delta", first.response.body.index(b'"delta"') + 1)
    second.response.body = first.response.body[cut:] + second.response.body
    first.response.body = first.response.body[:cut]
    first.response.chunks = second.response.chunks = None
    second.request.uri = second.request.uri.replace("starting_after=7", "starting_after=5")
    save(tmp_path / "served/reattach.yaml", [first, second], cassette.meta)
    with serving(Library.load([tmp_path / "served"])) as app:
        result = _one(app, "reattach/v1", "openai-responses", "reattach", tmp_path / "out")
        requests = [entry["path"] for entry in app.journal.report()["requests"]]
    assert (result.status, result.reason) == ("pass", ""), result
    assert requests == ["/reattach/v1/responses", "/reattach/v1/responses/resp_bg1"]
    [path] = result.attempts[0].cassettes
    recorded = check_path(path)
    assert recorded.meta.expect == ["LIFECYCLE-005"] and recorded.verdict == "pass"  # the drop is declared
    assert "starting_after=5" in load(path).exchanges[1].request.uri


def test_repeat_reports_pass_at_k_and_pass_hat_k(server: ServeApp, tmp_path: Path) -> None:
    result = _one(server, "gemini/plain-text", "gemini", "text", tmp_path, "gemini-3-flash", repeat=3)
    assert (result.runs, result.passes, result.pass_at(3), result.pass_all(3)) == (3, 3, 1.0, 1.0)
    assert len(list((tmp_path / "gemini" / "text").glob("*.yaml"))) == 3  # one cassette per attempt
    assert pass_at_k(5, 2, 2) == pytest.approx(0.7) and pass_hat_k(5, 2, 2) == pytest.approx(0.1)
    assert pass_at_k(5, 0, 2) == 0.0 and pass_hat_k(5, 5, 2) == 1.0 and pass_at_k(1, 1, 2) is None


def test_the_command(server: ServeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["probe", "--list"])
    assert listed.exit_code == 0 and "reattach" in listed.output and "agent-session" in listed.output
    monkeypatch.setenv("OPENAI_API_KEY", "sk-probe-secret-0123456789")
    base = f"{server.base_url}/openai-responses/tool-call-resume/v1"
    passed = runner.invoke(main, ["probe", "--base-url", base, "--family", "openai-responses", "--scenario", "tool-call",
                                  "--out", str(tmp_path)])
    assert passed.exit_code == 0, passed.output
    assert "PASS     tool-call" in passed.output and "1 passed, 0 failed, 0 skipped" in passed.output
    [report] = orjson.loads((tmp_path / "probe.json").read_bytes())
    assert (report["scenario"], report["status"], report["pass@1"]) == ("tool-call", "pass", 1.0)
    recorded = Path(report["attempts"][0]["cassettes"][0]).read_text(encoding="utf-8")
    assert "sk-probe-secret" not in recorded and "REDACTED" in recorded  # scrubbed before it was written
    failed = runner.invoke(main, ["probe", "--base-url", f"{server.base_url}/openai-chat/truncated-stream/v1",
                                  "--family", "openai-chat", "--scenario", "text"])
    assert failed.exit_code == 1 and "LIFECYCLE-005" in failed.output
    unreachable = runner.invoke(main, ["probe", "--base-url", "http://127.0.0.1:9", "--family", "openai-chat",
                                       "--scenario", "text"])
    assert unreachable.exit_code == 2 and "cannot reach" in unreachable.output
    for wrong in (["--family", "openai-chat", "--scenario", "nope"], ["--family", "bedrock-agents"], []):
        assert runner.invoke(main, ["probe", "--base-url", base, *wrong]).exit_code == 2, wrong


def test_llama_stack_creates_its_agent_and_session_before_the_turn(tmp_path: Path) -> None:
    """Llama Stack's setup answers are JSON, not turns, so the server finds each exchange by its request
    (its third rule): the served cassette's session and turn requests are made the probe's own."""
    from harness.live.scenarios.common import TEXT_PROMPT

    cassette = load(CASSETTES / "llama-stack-agents/text.yaml")
    for exchange, body in ((1, {"session_name": "harness probe"}),
                           (2, {"messages": [{"role": "user", "content": TEXT_PROMPT}], "stream": True})):
        cassette.exchanges[exchange].request.body = orjson.dumps(body)
        cassette.exchanges[exchange].request.json = body
    save(tmp_path / "served/llama.yaml", cassette.exchanges, cassette.meta)
    with serving(Library.load([tmp_path / "served"])) as app:
        result = _one(app, "llama", "llama-stack-agents", "text", tmp_path / "out")
        served = [entry.get("exchange") for entry in app.journal.report()["requests"]]
    assert (result.status, result.reason, served) == ("pass", "", [0, 1, 2])


def test_bedrock_requests_are_signed_and_the_signature_never_recorded(server: ServeApp, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDPROBEEXAMPLE0001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "probe-secret-key-0123456789")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "probe-session-token-0123456789")
    result = _one(server, "bedrock-converse/text", "bedrock-converse", "text", tmp_path)
    assert result.status == "pass", result.reason
    [path] = result.attempts[0].cassettes
    recorded = path.read_text(encoding="utf-8")
    headers = load(path).exchanges[0].request.headers
    assert headers["authorization"] == ["REDACTED"] and "x-amz-date" in headers
    assert "AKIDPROBEEXAMPLE0001" not in recorded and "probe-session-token" not in recorded
