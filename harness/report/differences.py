"""``harness compare``: where recordings of one turn part, for a person or as JSON."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from harness.findings import Finding
from harness.report.safe import json_bytes
from harness.report.terminal import finding_line


def differences_json(differences: list[Finding]) -> bytes:
    return json_bytes([item.model_dump(mode="json") for item in differences], indent=True)


def print_differences(differences: list[Finding], compared: int, console: Console) -> None:
    for item in differences:
        console.print(finding_line(item), soft_wrap=True)
    verdict = f"{len(differences)} difference(s)" if differences else "the same canonical turns"
    console.print(Text(f"{compared} cassette(s) compared: {verdict}", style="bold red" if differences else "bold green"))
