"""Facts about a response that the canonical Turn has no field for, kept for the resume checks.

The resume contract needs to know whether a response was stored (A.8.1.3), whether it ran in
background mode (A.8.4) and the final reasoning ``encrypted_content`` (A.8.2), but ``Turn`` carries
none of these. The translator records them here, keyed by response id, and ``check_resume`` /
``build_resume`` read them back. The book is bounded (least recently used entries are dropped), so a
long corpus run does not grow memory; a fact that is not known simply skips the rule that needs it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

MAX_RESPONSES = 1024


@dataclass(slots=True)
class ResponseFacts:
    store: bool | None = None
    background: bool | None = None
    encrypted: dict[str, str] = field(default_factory=dict)  # reasoning item id -> encrypted_content (done item)


class FactBook:
    def __init__(self, limit: int = MAX_RESPONSES) -> None:
        self._limit = limit
        self._facts: OrderedDict[str, ResponseFacts] = OrderedDict()

    def record(self, response_id: str, facts: ResponseFacts) -> None:
        """Merge what one stream learnt into what earlier streams of the same response taught."""
        known = self._facts.get(response_id)
        if known is not None:
            facts.store = known.store if facts.store is None else facts.store
            facts.background = known.background if facts.background is None else facts.background
            facts.encrypted = {**known.encrypted, **facts.encrypted}
        self._facts[response_id] = facts
        self._facts.move_to_end(response_id)
        while len(self._facts) > self._limit:
            self._facts.popitem(last=False)

    def get(self, response_id: str | None) -> ResponseFacts:
        return self._facts.get(response_id or "", ResponseFacts())
