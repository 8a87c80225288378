"""The documents a newcomer reads must say what the code does."""

from __future__ import annotations

import re
from pathlib import Path

from harness.docs import render_catalogue

ROOT = Path(__file__).resolve().parents[1]


def test_check_catalogue_doc_is_generated_from_the_catalogue() -> None:
    committed = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    assert committed == render_catalogue(), "docs/checks.md is stale: run `python -m harness.docs`"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, flags=re.S)
    check_command, test_command = blocks[0].strip(), blocks[1].strip()
    assert "harness check cassettes/" in check_command
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci_lines
