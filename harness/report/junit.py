"""JUnit XML, so any CI system shows one test case per cassette.

Every string from data goes through ``printable``: XML 1.0 cannot hold most control characters, and
a lone surrogate cannot be encoded at all, so either would make the whole file unreadable.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from harness.findings import Severity
from harness.report.model import CassetteReport, Summary
from harness.report.safe import printable


def render_junit(reports: list[CassetteReport]) -> bytes:
    summary = Summary.of(reports)
    suite = ET.Element("testsuite", name="harness", tests=str(summary.cassettes), failures=str(summary.failed),
                       errors=str(summary.crashed))
    for report in reports:
        case = ET.SubElement(suite, "testcase", classname=printable(report.provider or "unknown"),
                             name=printable(report.path))
        if report.crash is not None:
            ET.SubElement(case, "error", message=printable(f"harness crash: {report.crash}"))
            continue
        errors = report.undeclared(Severity.error)
        if errors:
            failure = ET.SubElement(case, "failure", message=f"{len(errors)} error finding(s)")
            failure.text = "\n".join(printable(f"{f.check}: {f.message} [{f.location.model_dump(exclude_none=True)}]")
                                     for f in errors)
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True)
