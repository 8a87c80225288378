"""JUnit XML, so any CI system shows one test case per cassette."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from harness.findings import Severity
from harness.report.model import CassetteReport, Summary


def render_junit(reports: list[CassetteReport]) -> bytes:
    summary = Summary.of(reports)
    suite = ET.Element("testsuite", name="harness", tests=str(summary.cassettes), failures=str(summary.failed),
                       errors="0")
    for report in reports:
        case = ET.SubElement(suite, "testcase", classname=report.provider or "unknown", name=report.path)
        errors = report.undeclared(Severity.error)
        if errors:
            failure = ET.SubElement(case, "failure", message=f"{len(errors)} error finding(s)")
            failure.text = "\n".join(f"{f.check}: {f.message} [{f.location.model_dump(exclude_none=True)}]"
                                     for f in errors)
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True)
