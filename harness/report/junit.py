"""JUnit XML, so any CI system shows one test case per cassette and family.

A cassette whose exchanges speak several families (a gateway's recording, an agent loop across
vendors) is one test case per family (``classname`` the family, ``name`` the cassette path), each
failing on the error findings about its own exchanges, so a CI page says which family broke; the
findings about the cassette as a whole go with its first family, and exchanges no family recognised
are the case ``unknown`` (failing under ``--strict``). A file a folder walk skipped, being no
cassette, is a skipped test case: shown, never failed.

Every string from data goes through ``printable``: XML 1.0 cannot hold most control characters, and
a lone surrogate cannot be encoded at all, so either would make the whole file unreadable.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree as ET

from harness.findings import Finding, Severity
from harness.report.model import CassetteReport, Skipped
from harness.report.safe import printable

UNKNOWN = "unknown"  # the family of exchanges no family recognised
NOT_A_CASSETTE = "not-a-cassette"  # the classname of a skipped file


def render_junit(reports: Sequence[CassetteReport], skipped: Sequence[Skipped] = ()) -> bytes:
    suite = ET.Element("testsuite", name="harness")
    for report in reports:
        for family, errors in _by_family(report).items():
            _case(suite, report, family, errors)
    for item in skipped:
        case = ET.SubElement(suite, "testcase", classname=NOT_A_CASSETTE, name=printable(item.path))
        ET.SubElement(case, "skipped", message=printable(f"not a cassette in any supported format: {item.reason}"))
    for attribute, tag in (("tests", "testcase"), ("failures", "testcase/failure"), ("errors", "testcase/error"),
                           ("skipped", "testcase/skipped")):
        suite.set(attribute, str(len(suite.findall(tag))))
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True)


def _by_family(report: CassetteReport) -> dict[str, list[Finding]]:
    """Each family the cassette's exchanges speak, in order, with the new error findings about its
    exchanges; those about no exchange go with the first family."""
    family = {exchange.index: exchange.provider or UNKNOWN for exchange in report.exchanges}
    split: dict[str, list[Finding]] = {name: [] for name in family.values()} or {report.provider or UNKNOWN: []}
    first = next(iter(split))
    for item in report.undeclared(Severity.error):
        split[family.get(item.location.exchange, first)].append(item)  # type: ignore[arg-type]
    return split


def _case(suite: ET.Element, report: CassetteReport, family: str, errors: list[Finding]) -> None:
    case = ET.SubElement(suite, "testcase", classname=printable(family), name=printable(report.path))
    if report.crash is not None:
        ET.SubElement(case, "error", message=printable(f"harness crash: {report.crash}"))
        return
    lines = [printable(f"{f.check}: {f.message} [{f.location.model_dump(exclude_none=True)}]") for f in errors]
    if family == UNKNOWN and report.strict and report.unchecked:
        lines.append(f"{report.unchecked} exchange(s) no family recognised: unchecked, which --strict fails")
    if lines:
        failure = ET.SubElement(case, "failure", message=f"{len(errors)} error finding(s)" if errors else lines[-1])
        failure.text = "\n".join(lines)
