"""Compare folded turns: recordings of the same turn must mean the same thing.

Three uses, one rule (STATE-005). The agent-session protocol tells one turn in three modes (delta,
message, none) that must fold to the same canonical turn (specs/agent-session.md, mode equivalence);
a team comparing vendors on one scenario wants to see where their turns part (DESIGN.md); and an
adapter that turns one protocol into another must keep what the turn means (``harness.adapters``).
What is compared is what a turn *means*, never how it was cut or named: visible text, reasoning and
refusal text (joined), tool calls by position (name, parsed arguments, the results run for them), the
stop reason and the errors. Within one family call ids are left out (modes and vendors number them
their own way). Across families (``compare_across``) the ids must map one to one, since a client
answers by id, and usage is compared where both recordings report it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.findings import Finding, Location, finding
from harness.report.model import CassetteReport
from harness.state import Turn

FIELDS = ("text", "reasoning", "refusal", "stop", "errors")
ASPECTS = ("text", "reasoning", "refusal", "tool_calls", "stop", "usage", "errors")  # compared across families
USAGE = ("input_tokens", "output_tokens", "reasoning_tokens", "cached_tokens", "total_tokens")


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


@dataclass(slots=True)
class Crossing:
    """One turn told in two families: the differences, and how the second renamed the first's calls."""

    findings: list[Finding] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # the reference's call id -> the other's, by position


def compare_across(reference: Told, other: Told, aspects: Iterable[str] = ASPECTS,
                   ids: dict[str, str] | None = None) -> Crossing:
    """``other`` (say, what an adapter made of a stream) against ``reference`` (the stream it read), on
    ``aspects``: a finding per difference, naming both values. A call id may be renamed, but only one
    to one, so the client's answers can be sent back under the reference's ids; ``ids`` carries the
    renaming of earlier turns of the conversation, which must hold in this one too."""
    chosen = set(aspects)
    unknown = chosen - set(ASPECTS)
    if unknown:
        raise ValueError(f"unknown aspect(s) {', '.join(sorted(unknown))}; known: {', '.join(ASPECTS)}")
    want, got = meaning(reference.turn), meaning(other.turn)
    differences = [(name, want[name], got[name]) for name in ("text", "reasoning", "refusal", "stop")
                   if name in chosen and want[name] != got[name]]
    if "errors" in chosen and len(want["errors"]) != len(got["errors"]):  # wording is each family's own
        differences.append(("errors", want["errors"], got["errors"]))
    if "usage" in chosen:
        differences += _usage(reference.turn, other.turn)
    crossing = Crossing(ids=dict(ids or {}))
    if "tool_calls" in chosen:
        differences += _calls(want["tool_calls"], got["tool_calls"])
        differences += _renamed(reference.turn, other.turn, crossing.ids)
    crossing.findings = [_difference(reference, other, path, expected, actual)
                         for path, expected, actual in differences]
    return crossing


def _usage(reference: Turn, other: Turn) -> list[tuple[str, Any, Any]]:
    """Token counts that both turns report (a family without a count is not wrong about it)."""
    mine, theirs = reference.usage, other.usage
    if mine is None or theirs is None:
        return []
    return [(f"usage.{name}", getattr(mine, name), getattr(theirs, name)) for name in USAGE
            if getattr(mine, name) is not None and getattr(theirs, name) is not None
            and getattr(mine, name) != getattr(theirs, name)]


def _renamed(reference: Turn, other: Turn, ids: dict[str, str]) -> list[tuple[str, Any, Any]]:
    """Each call of ``other`` has an id, and the ids map one to one onto the reference's (``ids`` grows)."""
    mine = [item.call_id for item in reference.items if item.kind == "tool_call"]
    theirs = [item.call_id for item in other.items if item.kind == "tool_call"]
    found: list[tuple[str, Any, Any]] = []
    taken = {value: key for key, value in ids.items()}
    for index, (want, got) in enumerate(zip(mine, theirs)):
        path = f"tool_calls[{index}].call_id"
        if not got:
            found.append((path, want, got))
        elif want is None:
            continue  # the reference gave no id (Gemini without ids): any id the other gives is its own
        elif ids.get(want, got) != got:
            found.append((path, ids[want], got))
        elif taken.get(got, want) != want:
            found.append((path, want, f"{got} (already the id of {taken[got]})"))
        else:
            ids[want], taken[got] = got, want
    return found


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
    by turn (turn n of every cassette against turn n of the first); when they are of different families,
    with ``compare_across`` (ids renamed one to one, usage where both report it). ValueError when there
    is nothing to compare (fewer than two turns in all)."""
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
    across = len({report.provider for report in reports}) > 1
    ids: list[dict[str, str]] = [{} for _ in reports[1:]]
    for position in range(min(len(turns) for turns in told)):
        if not across:
            found += compare_turns([turns[position] for turns in told])
            continue
        for n, turns in enumerate(told[1:]):  # across families: ids may be renamed, one to one, the whole way
            crossing = compare_across(told[0][position], turns[position], ids=ids[n])
            found += crossing.findings
            ids[n] = crossing.ids
    return found
