"""JUnit XML: one test case per cassette and family, failures carrying that family's error findings,
skipped cases for files that are no cassette; read back with an XML parser."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from harness.cassette import CassetteMeta
from harness.findings import Finding, Location, Severity
from harness.report.junit import NOT_A_CASSETTE, UNKNOWN, render_junit
from harness.report.model import CassetteReport, ExchangeReport, Skipped


def error(check: str, exchange: int | None) -> Finding:
    return Finding(check=check, severity=Severity.error, message=f"{check} broke",
                   location=Location(cassette="gw.yaml", exchange=exchange))


def gateway(*, strict: bool = False) -> CassetteReport:
    """One recording through a gateway: exchange 0 OpenAI Chat, 1 Anthropic, 2 nobody, 3 OpenAI Chat."""
    findings = [error("ORDER-001", 0), error("LIFECYCLE-005", 1), error("CASSETTE-009", None),
                Finding(check="STATE-002", severity=Severity.warning, message="w", location=Location(exchange=3))]
    exchanges = [ExchangeReport(index=i, provider=p, method="POST", uri="https://gw.invalid/")
                 for i, p in enumerate(["openai-chat", "anthropic-messages", None, "openai-chat"])]
    return CassetteReport(path="gw.yaml", meta=CassetteMeta(), exchanges=exchanges, findings=findings, strict=strict)


def cases(document: bytes) -> tuple[ET.Element, dict[tuple[str, str], ET.Element]]:
    suite = ET.fromstring(document)
    return suite, {(case.get("classname", ""), case.get("name", "")): case for case in suite.iter("testcase")}


def test_a_cassette_is_one_case_per_family_each_failing_on_its_own_findings() -> None:
    suite, found = cases(render_junit([gateway()]))
    assert list(found) == [("openai-chat", "gw.yaml"), ("anthropic-messages", "gw.yaml"), (UNKNOWN, "gw.yaml")]
    chat, anthropic, unknown = (case.find("failure") for case in found.values())
    assert chat is not None and anthropic is not None
    assert chat.get("message") == "2 error finding(s)"
    assert [line.split(":")[0] for line in (chat.text or "").splitlines()] == ["ORDER-001", "CASSETTE-009"]
    assert anthropic.get("message") == "1 error finding(s)" and (anthropic.text or "").startswith("LIFECYCLE-005: ")
    assert unknown is None  # nobody checked it, and without --strict that fails nothing
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("3", "2", "0", "0")


def test_under_strict_the_unknown_family_fails() -> None:
    _, found = cases(render_junit([gateway(strict=True)]))
    failure = found[(UNKNOWN, "gw.yaml")].find("failure")
    assert failure is not None and "no family recognised" in failure.get("message", "")


def test_a_crash_is_an_error_and_a_file_that_is_no_cassette_is_skipped() -> None:
    crashed = CassetteReport(path="c.yaml", meta=CassetteMeta(provider="gemini"), crash="RuntimeError: boom")
    clean = CassetteReport(path="ok.yaml", meta=CassetteMeta(), exchanges=[
        ExchangeReport(index=0, provider="gemini", method="POST", uri="https://h.invalid/")])
    suite, found = cases(render_junit([crashed, clean], [Skipped("ci.yml", "no `interactions` list")]))
    crash = found[("gemini", "c.yaml")].find("error")
    assert crash is not None and crash.get("message") == "harness crash: RuntimeError: boom"
    assert list(found[("gemini", "ok.yaml")]) == []
    skipped = found[(NOT_A_CASSETTE, "ci.yml")].find("skipped")
    assert skipped is not None and "no `interactions` list" in skipped.get("message", "")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("3", "0", "1", "1")
