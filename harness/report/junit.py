"""JUnit XML, so any CI system shows one test case per cassette."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from harness.findings import Severity
from harness.pipeline import CassetteReport


def render_junit(reports: list[CassetteReport]) -> bytes:
    failed = sum(1 for report in reports if report.verdict == "fail")
    suite = ET.Element("testsuite", name="harness", tests=str(len(reports)), failures=str(failed), errors="0")
    for report in reports:
        case = ET.SubElement(suite, "testcase", classname=report.provider or "unknown", name=report.path)
        errors = [f for f in report.findings if f.severity is Severity.error and not report.is_expected(f)]
        if errors:
            failure = ET.SubElement(case, "failure", message=f"{len(errors)} error finding(s)")
            failure.text = "\n".join(f"{f.check}: {f.message} [{f.location.model_dump(exclude_none=True)}]"
                                     for f in errors)
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True)
