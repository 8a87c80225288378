"""The check catalogue as a person or a program reads it: a terminal table, Markdown, JSON."""

from __future__ import annotations

from collections.abc import Iterable

import orjson
from rich.table import Table

from harness.checkspec import CheckSpec, blocks

HEADER = """# Check catalogue

Generated from the check catalogue (`harness/catalogue.py` and each family's `checks` module) by
`python -m harness.docs`; do not edit by hand. Ids are stable: a rule never changes meaning, a
retired rule keeps its number. `0NN` ids apply to every provider family; each family claims a block
of numbers of its own. Sources name sections of `../shared/specs/` or the document the rule comes
from.

| numbers | family |
|---|---|
"""


def catalogue_markdown(specs: Iterable[CheckSpec]) -> str:
    claimed = sorted(blocks().items(), key=lambda kv: kv[1].start)
    lines = [HEADER + "\n".join(f"| {block.start}-{block.stop - 1} | {family} |" for family, block in claimed)]
    family = None
    for spec in specs:
        if spec.family != family:
            family = spec.family
            lines += ["", f"## {family}", "", "| id | severity | providers | rule | source |", "|---|---|---|---|---|"]
        lines.append(f"| {spec.id} | {spec.severity.value} | {_providers(spec)} | {spec.rule} | {spec.source} |")
    return "\n".join(lines) + "\n"


def catalogue_json(specs: Iterable[CheckSpec]) -> bytes:
    rows = [{"id": s.id, "severity": s.severity.value, "rule": s.rule, "source": s.source,
             "providers": list(s.providers)} for s in specs]
    return orjson.dumps(rows, option=orjson.OPT_INDENT_2)


def catalogue_table(specs: Iterable[CheckSpec]) -> Table:
    table = Table(header_style="bold")
    for column in ("id", "severity", "providers", "rule", "source"):
        table.add_column(column)
    for s in specs:
        table.add_row(s.id, s.severity.value, _providers(s), s.rule, s.source)
    return table


def _providers(spec: CheckSpec) -> str:
    return ", ".join(spec.providers) or "all"
