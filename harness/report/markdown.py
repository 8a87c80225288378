"""A conformance report a person can read on GitHub or in a CI summary.

Capped to fit where it is posted: GitHub refuses a comment body over 65,536 characters, so the
report stays under ``LIMIT`` by default (60,000: room for what a bot wraps around it; ``limit=0``
lifts the cap). What does not fit is left out whole (a table row, a finding, a skipped file), never
cut inside a Markdown construct, and the report ends saying how many of each were left out and that
the JSON and HTML reports hold everything. What stays is chosen worst first: the rows of failing
cassettes, their findings, the skipped files, the rows of passing cassettes, then their findings;
it is printed in the document's order (the table, then a section per cassette, worst first).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.report.data import report_data
from harness.report.model import CassetteReport, Skipped
from harness.report.safe import printable

LIMIT = 60_000  # GitHub: "Body is too long (maximum is 65536 characters)"; the rest is a bot's margin
MIN_LIMIT = 2_000  # the title, the counts and the closing note always fit in this
_NOTE_ROOM = 800  # kept free for the closing note (counts only, no data: its size is bounded)
_MARK = {"pass": "✅ pass", "fail": "❌ fail", "crash": "💥 harness crash"}
_LEFT_OUT = {"row": "cassette(s) not in the table", "crash": "internal error(s) not shown",
             "finding": "finding(s) not listed", "skipped": "skipped file(s) not listed"}


@dataclass(slots=True)
class _Block:
    """A Markdown construct (a table, a section) shown when one of its pieces is: its opening, then
    the pieces kept, each whole lines."""

    opening: str
    pieces: list[tuple[int, str, str]] = field(default_factory=list)  # (priority, kind, text)


def render_markdown(reports: Sequence[CassetteReport], skipped: Sequence[Skipped] = (), limit: int = LIMIT) -> str:
    """The report, at most ``limit`` characters (counted as UTF-16 code units, as a browser counts
    them; 0: no limit, else at least ``MIN_LIMIT``)."""
    if 0 < limit < MIN_LIMIT:
        raise ValueError(f"a Markdown limit under {MIN_LIMIT} characters cannot hold the counts")
    ordered = sorted(reports, key=lambda report: report.rank)
    data = report_data(ordered, skipped)
    head = _head(data)
    blocks = _blocks(data)
    budget = limit - size(head) - _NOTE_ROOM if limit else None
    kept = _fit(blocks, budget)
    body = "".join(block.opening + "".join(text for _, _, text in pieces)
                   for block, pieces in zip(blocks, kept, strict=True) if pieces)
    left = Counter(kind for block in blocks for _, kind, _ in block.pieces) - Counter(
        kind for pieces in kept for _, kind, _ in pieces)
    return head + body + _note(left, limit)


def size(text: str) -> int:
    """Characters as GitHub counts them against its limit (UTF-16 code units: an emoji may be two)."""
    return len(text.encode("utf-16-le")) // 2


def _head(data: dict[str, Any]) -> str:
    summary = data["summary"]
    skipped = f"; {summary['skipped']} file(s) skipped, not a cassette" if summary["skipped"] else ""
    return (f"# Conformance report\n\n{summary['cassettes']} cassettes: {summary['passed']} passed, "
            f"{summary['failed']} failed{_crashed(summary['crashed'])}; {summary['errors']} errors, "
            f"{summary['warnings']} warnings, {summary['expected']} expected findings{skipped} "
            f"(harness {data['harness_version']}).\n")


def _blocks(data: dict[str, Any]) -> list[_Block]:
    """The document's constructs in order, each piece with its priority (0 kept first)."""
    table = _Block("\n| cassette | provider | turns | status | errors | warnings |\n|---|---|---:|---|---:|---:|\n")
    sections: list[_Block] = []
    for cassette in data["cassettes"]:
        passing = cassette["verdict"] == "pass"
        table.pieces.append((3 if passing else 0, "row", _row(cassette)))
        heading = f"\n## {_code(cassette['path'])}\n"
        if cassette["crash"] is not None:
            sections.append(_Block(heading, [(1, "crash", f"\nInternal error: {cell(cassette['crash'])}\n")]))
        if cassette["findings"]:
            findings = _Block(heading + "\n| check | severity | where | message |\n|---|---|---|---|\n")
            findings.pieces += [(4 if passing else 1, "finding", _finding(item)) for item in cassette["findings"]]
            sections.append(findings)
    skipped = _Block("\n## Skipped: not a cassette\n\n",
                     [(2, "skipped", f"- {_code(item['path'])}: {cell(item['reason'])}\n") for item in data["skipped"]])
    return [table, *sections, skipped]


def _fit(blocks: list[_Block], budget: int | None) -> list[list[tuple[int, str, str]]]:
    """The pieces each block keeps: taken by priority (then in document order) while they fit in
    ``budget`` with their block's opening, up to the first that does not (None: every piece)."""
    if budget is None:
        return [block.pieces for block in blocks]
    order = sorted(((priority, number, index) for number, block in enumerate(blocks)
                    for index, (priority, _, _) in enumerate(block.pieces)))
    taken: list[set[int]] = [set() for _ in blocks]
    used = 0
    for _, number, index in order:
        cost = size(blocks[number].pieces[index][2]) + (0 if taken[number] else size(blocks[number].opening))
        if used + cost > budget:
            break
        used += cost
        taken[number].add(index)
    return [[piece for index, piece in enumerate(block.pieces) if index in chosen]
            for block, chosen in zip(blocks, taken, strict=True)]


def _note(left: Counter[str], limit: int) -> str:
    """What was left out, counted by kind, and where all of it is."""
    if not left:
        return ""
    counts = "".join(f"- {left[kind]} more {words}\n" for kind, words in _LEFT_OUT.items() if left[kind])
    return (f"\n**Cut to fit {limit:,} characters** (a GitHub comment holds 65,536): the JSON (`--json`) and "
            f"HTML (`--html`) reports hold everything.\n\n{counts}")


def _row(cassette: dict[str, Any]) -> str:
    return (f"| {_code(cassette['path'])} | {cell(cassette['provider'] or '?')} | {cassette['turns']} | "
            f"{_MARK[cassette['verdict']]} | {cassette['errors']} | {cassette['warnings']} |\n")


def _finding(item: dict[str, Any]) -> str:
    severity = item["severity"] + (" (expected)" if item["expected_by_cassette"] else "")
    times = f" (x{item['count']}, last at {_where(item['last'])})" if "count" in item else ""
    return f"| {item['check']} | {severity} | {_where(item['location'])} | {cell(item['message'])}{times} |\n"


def _crashed(count: int) -> str:
    return f", {count} crashed (a harness bug: please report it)" if count else ""


def _where(location: dict[str, Any]) -> str:
    parts = [f"{key} {location[key]}" for key in ("exchange", "frame", "seq", "path") if key in location]
    return cell(", ".join(parts)) or "-"


def cell(text: str) -> str:
    """Inert in a table cell: no control character, no cell break, no HTML."""
    return printable(text).replace("|", "\\|").replace("<", "&lt;")


def _code(text: str) -> str:
    """A path as a code span, whatever backticks it holds (the fence is one longer than its longest run)."""
    inner = printable(text).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", inner)), default=0) + 1)
    pad = " " if inner.startswith("`") or inner.endswith("`") else ""
    return f"{fence}{pad}{inner}{pad}{fence}"
