"""Every shipped cassette: written by us, for the family its folder names, producing exactly what it
declares, and still a cassette plain vcrpy replays."""

from __future__ import annotations

from pathlib import Path

import pytest
from vcr.persisters.filesystem import FilesystemPersister
from vcr.serializers import yamlserializer

from harness.findings import Severity
from harness.pipeline import check_path

ROOT = Path(__file__).resolve().parents[1] / "cassettes"
SHIPPED = sorted(ROOT.rglob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_produces_exactly_what_it_declares(path: Path) -> None:
    report = check_path(path)
    declared = set(report.meta.expect)
    assert report.meta.provider == path.parent.name or path.parent.name == "regressions"  # kept failures (README)
    assert (report.meta.written_by or "").startswith("provider-conformance-harness")
    assert {f.check for f in report.findings if f.severity is not Severity.info} <= declared
    assert declared <= {f.check for f in report.findings}
    assert report.verdict == "pass"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_replays_under_plain_vcrpy(path: Path) -> None:
    requests, responses = FilesystemPersister.load_cassette(str(path), yamlserializer)
    assert len(requests) == len(responses) >= 1


def test_every_family_ships_enough_cassettes() -> None:
    from harness.registry import PROVIDERS

    counts = {name: len(list((ROOT / name).glob("*.yaml"))) for name in PROVIDERS}
    assert all(count >= 8 for count in counts.values()), counts
