"""Cookies in a cassette: infrastructure cookies (Cloudflare's __cf_bm, _cfuvid, ... an AWS load
balancer's AWSALB) are a warning of their own, CASSETTE-013, naming the cookie; any other cookie may be
a login session and stays a credential, CASSETTE-006. No finding, and no report, ever shows a value.

Before CASSETTE-013, every real-looking cookie value was CASSETTE-006 (an error), so a cassette whose
only "secret" was Cloudflare's bot-management cookie failed; the tests below that expect a pass or a
CASSETTE-013 fail on that code.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from harness.cassette import load, looks_redacted
from harness.findings import Severity
from harness.formats.secrets import INFRASTRUCTURE_COOKIES, infrastructure_cookie
from harness.pipeline import check_path
from harness.registry import catalogue
from harness.report.html import render_html
from harness.report.json_report import render_json
from harness.report.junit import render_junit
from harness.report.markdown import render_markdown
from harness.report.terminal import print_summary

# real shapes, from a recorded OpenAI and Anthropic exchange (the values are not secrets: cookies expire)
CF_BM = "ys1VX4Q4znOtsubzjx.nHCe9_hPEK_9fLmKeIYZd9LE-1747148049-1.0.1.1-c_hjWtmrr1A3GwMaBXzfhWwaX3EZ2E5Iz_5j"
CFUVID = "pgFNvpKmUlxaR9NIBYHOFxkm9SjSUqREnpikLJEqgog-1780006558.206288-1.0.1.1-.6AMgbv0BiNwhPJt1c5bmrlYE7guVcaXkM"
SESSION = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
STREAM = ('data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,'
          '"delta":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n')


def cassette_file(tmp_path: Path, *, request_headers=None, response_headers=None, name="c.yaml") -> Path:
    interaction = {
        "request": {"body": '{"model":"m","messages":[],"stream":true}', "method": "POST",
                    "uri": "https://api.openai.com/v1/chat/completions",
                    "headers": {"content-type": ["application/json"], **(request_headers or {})}},
        "response": {"status": {"code": 200, "message": "OK"}, "body": {"string": STREAM},
                     "headers": {"content-type": ["text/event-stream"], **(response_headers or {})}},
    }
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"interactions": [interaction], "version": 1}), encoding="utf-8")
    return path


def cookie_findings(path: Path) -> list[tuple[str, str]]:
    return [(item.check, item.message) for item in load(path).findings]


def test_the_new_id_is_a_warning_in_the_catalogue() -> None:
    assert catalogue()["CASSETTE-013"].severity is Severity.warning
    assert catalogue()["CASSETTE-006"].severity is Severity.error


@pytest.mark.parametrize(("header", "side", "value"), [
    ("set-cookie", "response", f"__cf_bm={CF_BM}; path=/; expires=Tue, 13-May-25 15:24:09 GMT; HttpOnly; Secure"),
    ("set-cookie", "response", f"_cfuvid={CFUVID}; HttpOnly; SameSite=None; Secure; Path=/; Domain=api.anthropic.com"),
    ("cookie", "request", f"__cf_bm={CF_BM}"),
    ("cookie", "request", f"__cf_bm={CF_BM}; _cfuvid={CFUVID}"),
])
def test_cloudflare_cookies_are_a_warning_naming_the_cookie(tmp_path: Path, header: str, side: str, value: str) -> None:
    headers = {header: [value]}
    path = cassette_file(tmp_path, **({"request_headers": headers} if side == "request" else {"response_headers": headers}))
    found = load(path).findings
    names = [cookie for cookie in ("__cf_bm", "_cfuvid") if f"{cookie}=" in value]
    assert [item.check for item in found] == ["CASSETTE-013"] * len(names)
    assert all(item.severity is Severity.warning for item in found)
    for item, cookie in zip(found, names):
        assert repr(cookie) in item.message and "Cloudflare" in item.message
        assert item.location.path == f"{side}.headers.{header}"
        assert CF_BM not in item.model_dump_json() and CFUVID not in item.model_dump_json()


def test_a_cassette_whose_only_cookie_is_cloudflares_passes(tmp_path: Path) -> None:
    path = cassette_file(tmp_path, response_headers={"set-cookie": [f"__cf_bm={CF_BM}; path=/"]},
                         request_headers={"cookie": [f"_cfuvid={CFUVID}"]})
    report = check_path(path)
    assert report.verdict == "pass"
    assert sorted(item.check for item in report.findings if item.check.startswith("CASSETTE")) == ["CASSETTE-013"] * 2


def test_a_session_cookie_stays_a_credential_beside_an_infrastructure_one(tmp_path: Path) -> None:
    path = cassette_file(tmp_path, request_headers={"cookie": [f"__cf_bm={CF_BM}; sessionid={SESSION}"]})
    found = load(path).findings
    assert sorted(item.check for item in found) == ["CASSETTE-006", "CASSETTE-013"]
    credential = next(item for item in found if item.check == "CASSETTE-006")
    assert credential.severity is Severity.error and "'sessionid'" in credential.message
    assert check_path(path).verdict == "fail"
    assert all(SESSION not in item.model_dump_json() and CF_BM not in item.model_dump_json() for item in found)


def test_credentials_outside_cookies_are_unchanged(tmp_path: Path) -> None:
    key = "sk-proj-" + "Ab3dE5" * 9
    path = cassette_file(tmp_path, request_headers={"authorization": [f"Bearer {key}"]},
                         response_headers={"set-cookie": [f"__cf_bm={CF_BM}; path=/"]})
    assert [check for check, _ in cookie_findings(path)] == ["CASSETTE-006", "CASSETTE-013"]


@pytest.mark.parametrize("value", ["REDACTED", "<redacted>", "***", ""])
def test_a_redacted_infrastructure_cookie_is_no_finding(tmp_path: Path, value: str) -> None:
    path = cassette_file(tmp_path, response_headers={"set-cookie": [f"__cf_bm={value}; path=/"]},
                         request_headers={"cookie": [f"__cf_bm={value}; _cfuvid={value}"]})
    assert cookie_findings(path) == []


@pytest.mark.parametrize(("name", "infrastructure"), [
    ("__cf_bm", True), ("_cfuvid", True), ("__cflb", True), ("cf_clearance", True), ("__cfruid", True),
    ("cf_chl_rc_ni", True), ("__cfseq-abc", True), ("AWSALB", True), ("AWSALBCORS", True), ("AWSALBAPP-0", True),
    ("session", False), ("sessionid", False), ("__Secure-next-auth.session-token", False), ("cf_bm", False),
    ("", False),
])
def test_which_names_are_infrastructure(name: str, infrastructure: bool) -> None:
    assert (infrastructure_cookie(name) is not None) == infrastructure


def test_har_cookie_lists_are_judged_the_same_way(tmp_path: Path) -> None:
    def entry(cookies: list[tuple[str, str]]) -> dict:
        return {"startedDateTime": "2026-01-01T00:00:00Z", "time": 1,
                "request": {"method": "POST", "url": "https://api.example.com/v1/x", "httpVersion": "HTTP/1.1",
                            "cookies": [], "queryString": [], "headers": [], "headersSize": -1, "bodySize": -1},
                "response": {"status": 200, "statusText": "", "httpVersion": "HTTP/1.1",
                             "cookies": [{"name": n, "value": v} for n, v in cookies], "headers": [],
                             "content": {"size": 0, "mimeType": "text/event-stream", "text": ""},
                             "redirectURL": "", "headersSize": -1, "bodySize": -1},
                "cache": {}, "timings": {"send": 0, "wait": 0, "receive": 0}}
    document = {"log": {"version": "1.2", "creator": {"name": "tests", "version": "1"},
                        "entries": [entry([("__cf_bm", CF_BM)]), entry([("session", SESSION)])]}}
    path = tmp_path / "x.har"
    path.write_text(json.dumps(document), encoding="utf-8")
    found = load(path).findings
    assert [(item.check, item.location.exchange, item.location.path) for item in found] == [
        ("CASSETTE-013", 0, "response.cookies.__cf_bm"), ("CASSETTE-006", 1, "response.cookies.session")]
    assert all(CF_BM not in item.message and SESSION not in item.message for item in found)


def test_a_bare_auth_scheme_is_no_credential() -> None:
    # "Basic " (a scheme with its value scrubbed away) was read as the word "Basic", which is no marker
    assert looks_redacted("Basic ") and looks_redacted("Bearer ") and looks_redacted("Basic")


# -- no value ever shows -----------------------------------------------------------------------------------------

COOKIE_VALUE = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", min_size=16, max_size=80
                       ).filter(lambda value: len(set(value)) >= 8)
COOKIE_NAME = st.one_of(st.sampled_from(sorted(INFRASTRUCTURE_COOKIES) + ["__cf_bm", "_cfuvid", "AWSALB", "cf_chl_2"]),
                        st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_-]{0,15}\Z"))


def rendered(path: Path) -> str:
    """Every rendering of the report: JSON, Markdown, JUnit, HTML and the terminal at its most verbose."""
    report = check_path(path)
    console = Console(file=StringIO(), width=400, record=True)
    print_summary([report], console, verbose=2)
    return "\n".join([render_json([report]).decode(), render_markdown([report]), render_junit([report]).decode(),
                      render_html([report]).decode(), console.export_text()])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(st.lists(st.tuples(COOKIE_NAME, COOKIE_VALUE), min_size=1, max_size=4), st.booleans())
def test_no_cookie_value_appears_in_any_finding_or_report(tmp_path: Path, cookies: list[tuple[str, str]],
                                                          as_response: bool) -> None:
    header = "; ".join(f"{name}={value}" for name, value in cookies)
    set_cookies = [f"{name}={value}; Path=/; HttpOnly; Secure" for name, value in cookies]
    path = cassette_file(tmp_path, request_headers={"cookie": [header]},
                         response_headers={"set-cookie": set_cookies} if as_response else None)
    findings = load(path).findings
    output = rendered(path)
    for name, value in cookies:
        assert value not in output
        assert all(value not in item.model_dump_json() for item in findings)
        if not looks_redacted(value):  # each cookie is judged, by its name, in a finding that names it
            check = "CASSETTE-013" if infrastructure_cookie(name) else "CASSETTE-006"
            assert any(item.check == check and repr(name) in item.message for item in findings), (name, findings)
