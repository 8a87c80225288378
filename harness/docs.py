"""Generated documentation: the check catalogue as Markdown (``python -m harness.docs``)."""

from __future__ import annotations

import sys
from pathlib import Path

from harness.registry import catalogue
from harness.report.catalogue import catalogue_markdown


def render_catalogue() -> str:
    """docs/checks.md: every rule of every loaded family."""
    return catalogue_markdown(catalogue().values())


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "docs" / "checks.md"
    target.write_text(render_catalogue(), encoding="utf-8")
    print(target)
