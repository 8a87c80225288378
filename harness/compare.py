"""Compare folded turns: recordings of the same turn must mean the same thing.

Two uses, one rule (STATE-005). The agent-session protocol tells one turn in three modes (delta,
message, none) that must fold to the same canonical turn (specs/agent-session.md, mode equivalence);
and a team comparing vendors on one scenario wants to see where their turns part (DESIGN.md). What is
compared is what a turn *means*, never how it was cut or named: visible text, reasoning and refusal
text (joined), tool calls by position (name, parsed arguments, the results run for them), the stop
reason and the errors. Call ids and item ids differ across vendors and modes and are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from harness.findings import Finding, Location, finding
from harness.report.model import CassetteReport
from harness.state import Turn

FIELDS = ("text", "reasoning", "refusal", "stop", "errors")


@dataclass(frozen=True, slots=True)
class Told:
    """One recording of a turn: where it came from, and what it folded to."""

    cassette: str
    exchange: int | None
    turn: Turn

    @property
    def label(self) -> str:
        return self.cassette if self.exchange is None else f"{self.cassette} #{self.exchange}"


def meaning(turn: Turn) -> dict[str, Any]:
    """The provider-neutral content of a turn, the part recordings of one turn must share."""
    return {
        "text": turn.text,
        "reasoning": turn.joined("reasoning"),
        "refusal": turn.joined("refusal"),
        "tool_calls": [{"name": item.name, "arguments": item.arguments,
                        "results": [result.output for result in turn.tool_results if result.call_id == item.call_id]}
                       for item in turn.items if item.kind == "tool_call"],
        "stop": turn.stop,
        "errors": [error.message for error in turn.errors],
    }


def compare_turns(recordings: Sequence[Told]) -> list[Finding]:
    """Each recording against the first; a finding per difference, naming both values."""
    if len(recordings) < 2:
        return []
    reference, *others = recordings
    want = meaning(reference.turn)
    found: list[Finding] = []
    for other in others:
        got = meaning(other.turn)
        differences = [(name, want[name], got[name]) for name in FIELDS if want[name] != got[name]]
        differences += _calls(want["tool_calls"], got["tool_calls"])
        found += [_difference(reference, other, path, expected, actual) for path, expected, actual in differences]
    return found


def _calls(want: list[dict[str, Any]], got: list[dict[str, Any]]) -> list[tuple[str, Any, Any]]:
    """Tool calls by position: ids differ across vendors and modes, so only names, arguments and results count."""
    if len(want) != len(got):
        return [("tool_calls", [call["name"] for call in want], [call["name"] for call in got])]
    return [(f"tool_calls[{index}].{key}", mine[key], theirs[key])
            for index, (mine, theirs) in enumerate(zip(want, got)) for key in ("name", "arguments", "results")
            if mine[key] != theirs[key]]


def _difference(reference: Told, other: Told, path: str, expected: Any, actual: Any) -> Finding:
    if reference.cassette == other.cassette:  # within one cassette the location names it: keep messages portable
        mine, theirs = f"exchange {reference.exchange}", f"exchange {other.exchange}"
    else:
        mine, theirs = reference.label, other.label
    return finding("STATE-005", f"{path} differs: {mine} has {_clip(expected)}, {theirs} has "
                                f"{_clip(actual)}", Location(cassette=other.cassette, exchange=other.exchange, path=path),
                   expected=expected, actual=actual)


def _clip(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} chars)"


def compare_reports(reports: Sequence[CassetteReport]) -> list[Finding]:
    """One cassette: its exchanges are the same turn told several times (say, once per stream mode) and
    are compared with each other. Several cassettes: the same conversation told by each, compared turn
    by turn (turn n of every cassette against turn n of the first). ValueError when there is nothing to
    compare (fewer than two turns in all)."""
    told = [[Told(report.path, exchange.index, exchange.turn) for exchange in report.exchanges
             if exchange.turn is not None] for report in reports]
    if len(reports) == 1:
        if len(told[0]) < 2:
            raise ValueError(f"{reports[0].path} holds {len(told[0])} turn(s); give two or more to compare")
        return compare_turns(told[0])
    empty = [report.path for report, turns in zip(reports, told) if not turns]
    if empty:
        raise ValueError(f"no turn to compare in {', '.join(empty)}")
    found: list[Finding] = []
    for report, turns in zip(reports[1:], told[1:]):
        if len(turns) != len(told[0]):
            found.append(finding("STATE-005", f"{reports[0].path} has {len(told[0])} turn(s), {report.path} has "
                                              f"{len(turns)}", Location(cassette=report.path, path="turns"),
                                 expected=len(told[0]), actual=len(turns)))
    for position in range(min(len(turns) for turns in told)):
        found += compare_turns([turns[position] for turns in told])
    return found
