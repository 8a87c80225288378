"""A family in another package joins through the ``harness.providers`` entry-point group.

The example family (examples/acme-family) is installed into a temporary folder the way an installer
lays out a package (the module and a ``.dist-info`` with its entry points), put on the path of a
fresh ``harness`` process, and used as a user would: listed by ``harness checks``, used by
``harness check``. Two families claiming one block of check numbers stop the harness at start-up.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "acme-family"


def install(site: Path, package: Path, entry_points: str, name: str) -> None:
    """What ``pip install`` leaves behind for a pure-Python package: its module and its dist-info."""
    shutil.copytree(package, site / package.name)
    info = site / f"{name.replace('-', '_')}-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text(entry_points)


def harness(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True,
                          env=env, timeout=120, cwd=ROOT)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    install(site, EXAMPLE / "acme_family", "[harness.providers]\nacme-stream = acme_family:AcmeStream\n", "acme-family")
    return site


def test_a_plugin_family_lists_its_checks(site: Path) -> None:
    listed = harness(site, "checks", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    rows = {row["id"]: row for row in json.loads(listed.stdout)}
    assert rows["LIFECYCLE-1001"]["providers"] == ["acme-stream"]
    assert "RESUME-201" in rows  # the shipped families are all still there
    markdown = harness(site, "checks", "--format", "markdown").stdout
    assert "| 1000-1099 | acme-stream |" in markdown


def test_a_plugin_family_checks_its_cassettes(site: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    good = harness(site, "check", str(EXAMPLE / "cassettes" / "tool-call-resume.yaml"), "--json", str(report))
    assert good.returncode == 0, good.stdout + good.stderr
    cassette = json.loads(report.read_text())["cassettes"][0]
    assert cassette["provider"] == "acme-stream"
    first, second = cassette["exchanges"]
    assert first["turn"]["status"] == "interrupted" and first["turn"]["interrupt"]["pending"] == ["call_1"]
    assert first["turn"]["items"][1]["arguments"] == {"city": "Oslo"}
    assert second["turn"]["items"][0]["text"] == "4 C and rain in Oslo."
    assert not [f for f in cassette["findings"] if f["severity"] != "info"]

    broken = harness(site, "check", str(EXAMPLE / "cassettes" / "broken-resume-and-index-gap.yaml"),
                     "--json", str(report))
    assert broken.returncode == 0, broken.stdout  # both faults are declared by the cassette
    found = {f["check"] for f in json.loads(report.read_text())["cassettes"][0]["findings"]}
    assert {"ASSEMBLY-1002", "RESUME-003"} <= found


def test_the_plugin_schemas_validate_its_events(site: Path, tmp_path: Path) -> None:
    stream = tmp_path / "bad.sse"
    stream.write_text('data: {"type": "response.start"}\n\ndata: {"type": "response.end", "stop": "stop"}\n\n')
    run = harness(site, "check", str(stream), "--provider", "acme", "-v")
    assert run.returncode == 1
    assert "SCHEMA-001" in run.stdout and "response.start" in run.stdout  # the missing id, from schemas/


def test_two_families_claiming_one_block_stop_the_harness(site: Path, tmp_path: Path) -> None:
    rogue = tmp_path / "rogue_family"
    rogue.mkdir()
    (rogue / "__init__.py").write_text(
        "from harness.checkspec import CheckSpec, Severity, claim\n"
        "from acme_family import AcmeStream\n"
        "claim('rogue', range(250, 260), CheckSpec('RESUME-250', Severity.error, 'x', 'y'))\n"
        "class Rogue(AcmeStream):\n    name = 'rogue'\n"
    )
    install(site, rogue, "[harness.providers]\nrogue = rogue_family:Rogue\n", "rogue-family")
    run = harness(site, "checks")
    assert run.returncode == 2
    named = run.stderr.splitlines()[-1]
    assert "both claim check numbers 250-259" in named and "'anthropic-messages'" in named and "'rogue'" in named
    assert "Traceback" not in run.stderr
