"""Generated documentation: the check catalogue as Markdown (``python -m harness.docs``)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from harness.checkspec import CheckSpec
from harness.registry import catalogue

HEADER = """# Check catalogue

Generated from `harness/catalogue.py` by `python -m harness.docs`; do not edit by hand.
Ids are stable: a rule never changes meaning, a retired rule keeps its number. `0NN` ids apply to
every provider family; each family owns a block of a hundred (1NN openai-responses,
2NN anthropic-messages, 3NN openai-chat, 4NN gemini, 5NN mistral-conversations, 6NN cohere-v2,
7NN bedrock, 8NN agent-session, 9NN llama-stack-agents). Sources name sections of
`../shared/specs/` or the document the rule comes from.
"""


def render_catalogue(specs: Iterable[CheckSpec] | None = None) -> str:
    lines = [HEADER]
    family = None
    for spec in catalogue().values() if specs is None else specs:
        if spec.family != family:
            family = spec.family
            lines += ["", f"## {family}", "", "| id | severity | providers | rule | source |", "|---|---|---|---|---|"]
        providers = ", ".join(spec.providers) or "all"
        lines.append(f"| {spec.id} | {spec.severity.value} | {providers} | {spec.rule} | {spec.source} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "docs" / "checks.md"
    target.write_text(render_catalogue(), encoding="utf-8")
    print(target)
