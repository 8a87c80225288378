"""Checks on a folded turn: does what it says about itself add up?"""

from __future__ import annotations

from harness.findings import Finding, Location, finding
from harness.state import Turn


def state_checks(turn: Turn, exchange: int) -> list[Finding]:
    where = Location(exchange=exchange)
    found: list[Finding] = []
    calls = [item for item in turn.client_calls if item.status == "completed"]
    if turn.stop == "tool_use" and not calls and turn.interrupt is None:
        found.append(finding("STATE-001", "stop reason is tool_use but nothing waits for the client", where,
                             actual=turn.native_stop))
    elif calls and turn.stop in ("end_turn", "stop_sequence") and turn.interrupt is None:
        found.append(finding("STATE-001", f"{len(calls)} client tool call(s) but the stop reason is {turn.native_stop}",
                             where, actual=turn.native_stop))
    usage = turn.usage
    if usage and None not in (usage.input_tokens, usage.output_tokens, usage.total_tokens):
        if usage.total_tokens != usage.input_tokens + usage.output_tokens:  # type: ignore[operator]
            found.append(finding("STATE-002", "total_tokens is not input_tokens + output_tokens", where,
                                 expected=usage.input_tokens + usage.output_tokens,  # type: ignore[operator]
                                 actual=usage.total_tokens))
    return found
