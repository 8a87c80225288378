"""``harness serve`` and ``harness record`` as processes: what they print, the 404 and 400 answers, a
clean exit with the report on SIGTERM and SIGINT, and one clear line for a port in use."""

from __future__ import annotations

import json
import re
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from harness.cli import main
from harness.live import runner
from harness.live.library import Library
from harness.live.serve import serving

ROOT = Path(__file__).resolve().parents[2]
HARNESS = [sys.executable, "-c", "from harness.cli import main; main()"]


def _start(*args: str) -> tuple[subprocess.Popen[str], str]:
    """The process and the base URL from its first line."""
    process = subprocess.Popen([*HARNESS, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    if not selector.select(timeout=30):
        process.kill()
        raise AssertionError("no first line within 30 s")
    line = process.stdout.readline()
    found = re.search(r"listening on (http://\S+?)[,\s]", line)
    assert found, line
    return process, found[1]


def _stop(process: subprocess.Popen[str], sig: int) -> tuple[int, str]:
    """Signal, wait, and read the rest of stdout through the same file object ``_start`` read its first
    line from: ``communicate`` reads the pipe directly and would miss what that readline buffered."""
    process.send_signal(sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert process.stdout is not None
    return process.returncode, process.stdout.read()


def test_serve_answers_reports_and_exits_cleanly_on_sigterm(tmp_path: Path) -> None:
    report_path = tmp_path / "report.json"
    process, base = _start("serve", "cassettes/openai-responses", "--fault", "truncate:4@plain-text", "--seed", "7",
                           "--report", str(report_path))
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            missing = client.post("/nowhere/v1/responses", json={})
            malformed = client.post("/plain-text/v1/responses", content=b"{not json")
            wrong_path = client.post("/plain-text/v1/chat/completions", json={})
            streamed = client.post("/plain-text/v1/responses", json={"model": "gpt-5-mini", "stream": True})
            live = client.get("/_harness/report").json()
    finally:
        code, out = _stop(process, signal.SIGTERM)
    assert missing.status_code == 404 and f"{base}/plain-text/" in missing.json()["cassettes"]
    assert malformed.status_code == 400 and "not JSON" in malformed.json()["error"]
    assert wrong_path.status_code == 404 and wrong_path.json()["endpoints"] == ["POST /v1/responses"]
    assert streamed.status_code == 200 and b"response.completed" not in streamed.content
    assert code == 0
    assert f"{base}/tool-call-resume/" in out and "truncate before event 4" in out
    written = json.loads(report_path.read_text())
    assert written["injected"] == live["injected"] == [
        {"request": 3, "cassette": "plain-text", "exchange": 0, "faults": ["truncate before event 4 (byte 1095)"]}]
    assert [entry["status"] for entry in written["requests"]] == [404, 400, 404, 200]


def test_a_port_in_use_is_one_line_and_exit_2() -> None:
    taken = runner.bind("127.0.0.1", 0)
    try:
        port = taken.getsockname()[1]
        run = subprocess.run([*HARNESS, "serve", "cassettes/gemini", "--port", str(port)], cwd=ROOT,
                             capture_output=True, text=True, timeout=60, check=False)
    finally:
        taken.close()
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [f"harness: 127.0.0.1:{port} is already in use"]


def test_a_bad_fault_spec_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["serve", str(ROOT / "cassettes/gemini"), "--fault", "drop:b12"])
    assert result.exit_code == 2 and "a byte offset only applies to" in result.output


def test_record_writes_and_checks_then_exits_cleanly_on_sigint(shipped: Library, tmp_path: Path) -> None:
    with serving(shipped) as upstream:
        process, base = _start("record", "--upstream", f"{upstream.base_url}/anthropic-messages/tool-use-resume",
                               "--out", str(tmp_path), "--family", "anthropic-messages")
        try:
            reply = httpx.post(f"{base}/v1/messages", timeout=10, headers={"x-api-key": "sk-ant-secret-key"},
                               json={"model": "claude-sonnet-4-5", "max_tokens": 64, "stream": True,
                                     "messages": [{"role": "user", "content": "Weather in Oslo?"}]})
            deadline = time.monotonic() + 10
            while not list(tmp_path.glob("*.yaml")) and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            code, out = _stop(process, signal.SIGINT)
    assert reply.status_code == 200 and b"message_stop" in reply.content
    assert code == 0
    (written,) = tmp_path.glob("*.yaml")
    assert written.name == "anthropic-messages-001.yaml" and b"sk-ant-secret-key" not in written.read_bytes()
    assert f"recorded {written} exchange 0 (anthropic-messages): pass" in out
