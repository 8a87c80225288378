"""Every check in the catalogue is exercised somewhere: declared in a shipped cassette's
``harness.expect`` (which the shipped-cassette checks then require to occur) or named, as a string
literal of its own, in a test under tests/ or suites/ (a docstring or message that merely mentions an
id does not count).
"""

from __future__ import annotations

import ast
from pathlib import Path

from harness.cassette import load
from harness.registry import catalogue

ROOT = Path(__file__).resolve().parents[1]


def declared() -> set[str]:
    return {check for path in ROOT.glob("cassettes/**/*.yaml") for check in load(path).meta.expect}


def named(known: set[str]) -> set[str]:
    found: set[str] = set()
    for path in [*ROOT.glob("tests/**/*.py"), *ROOT.glob("suites/**/*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found |= {node.value for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in known}
    return found


def test_every_check_is_exercised() -> None:
    known = set(catalogue())
    missing = sorted(known - declared() - named(known), key=list(catalogue()).index)
    assert missing == [], f"{len(missing)} check(s) no cassette declares and no test names: {', '.join(missing)}"
