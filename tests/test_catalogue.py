"""The check catalogue: well-formed ids, every id the code uses is documented, unknown ids refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.findings import Location, Severity, catalogue_entry, finding
from harness.registry import catalogue

ROOT = Path(__file__).resolve().parent.parent
FAMILIES = {"WIRE", "SCHEMA", "ORDER", "LIFECYCLE", "ASSEMBLY", "RESUME", "STATE", "CASSETTE"}
ID = re.compile(r"^[A-Z]+-\d{3}$")
LITERAL = re.compile(r"""["']([A-Z]+-\d{3})["']""")


def test_catalogue_is_not_empty():
    assert len(catalogue()) >= 50


@pytest.mark.parametrize("spec", list(catalogue().values()), ids=lambda spec: spec.id)
def test_entry_is_well_formed(spec):
    assert ID.match(spec.id)
    assert spec.family in FAMILIES
    assert spec.rule.strip() and spec.rule.strip()[-1] in ".)"
    assert spec.source.strip()
    assert isinstance(spec.severity, Severity)
    assert isinstance(spec.providers, tuple)


def test_catalogue_keys_match_ids_and_are_sorted_by_family_then_number():
    entries = catalogue()
    assert all(key == spec.id for key, spec in entries.items())
    keys = list(entries)
    assert keys == sorted(keys, key=lambda k: (k.rsplit("-", 1)[0], int(k.rsplit("-", 1)[1])))


def test_every_check_id_used_in_the_code_is_catalogued():
    known = catalogue()
    used: dict[str, list[str]] = {}
    for path in sorted((ROOT / "harness").rglob("*.py")):
        for match in LITERAL.finditer(path.read_text(encoding="utf-8")):
            used.setdefault(match.group(1), []).append(str(path.relative_to(ROOT)))
    assert used, "the scan found no check ids at all"
    missing = {check: files for check, files in used.items() if check not in known}
    assert not missing, f"check ids used but not in harness/catalogue.py: {missing}"


def test_finding_takes_severity_from_the_catalogue():
    made = finding("WIRE-005", "an odd field", Location(offset=3))
    assert made.severity == catalogue_entry("WIRE-005").severity == Severity.info
    assert made.location.offset == 3


def test_severity_can_only_be_lowered():
    assert finding("ASSEMBLY-003", "m", severity=Severity.warning).severity == Severity.warning
    assert finding("WIRE-005", "m", severity=Severity.error).severity == Severity.info


@pytest.mark.parametrize("check", ["NOPE-001", "WIRE-999", "wire-001", "WIRE-1", ""])
def test_unknown_id_raises_key_error(check):
    with pytest.raises(KeyError):
        finding(check, "message")
    with pytest.raises(KeyError):
        catalogue_entry(check)
