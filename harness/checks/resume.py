"""Provider-neutral resume checks: the handle is carried, every pending call answered exactly once.

Each provider reads its next request into a ``ResumeView`` (where the handle and the answers stand
in *its* request shape) and adds its own shape rules; the counting is the same for all of them.
"""

from __future__ import annotations

from collections import Counter

from harness.findings import Finding, Location, finding
from harness.providers.base import ResumeView
from harness.state import Interrupt


def answer_checks(interrupt: Interrupt, view: ResumeView, exchange: int) -> list[Finding]:
    found: list[Finding] = []
    for key, wanted in interrupt.handle.items():
        carried = view.handle.get(key)
        if carried != wanted:
            found.append(
                finding("RESUME-002", f"the next request must carry {key} = {wanted!r}",
                        Location(exchange=exchange, path=key), expected=wanted, actual=carried)
            )
    counts = Counter(answer.call_id for answer in view.answers)
    pending = set(interrupt.pending)
    for call_id in interrupt.pending:
        if counts[call_id] == 0:
            found.append(finding("RESUME-003", f"pending call {call_id} is not answered",
                                 Location(exchange=exchange), expected=call_id))
    reported: set[str] = set()
    for answer in view.answers:
        where = Location(exchange=exchange, path=answer.path)
        if answer.call_id not in pending:
            found.append(finding("RESUME-005", f"{answer.kind} for {answer.call_id!r}, which the turn did not ask for",
                                 where, actual=answer.call_id))
        elif counts[answer.call_id] > 1 and answer.call_id not in reported:
            reported.add(answer.call_id)
            found.append(finding("RESUME-004", f"call {answer.call_id} is answered {counts[answer.call_id]} times",
                                 where, actual=counts[answer.call_id]))
    return found
