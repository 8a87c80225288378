"""What the translator keeps of each streamed output item and its numbered parts.

The ordering rules (``translator.py``) write this state and the final-object cross-checks
(``final.py``) read it, so it lives apart from both. Content parts and reasoning summary parts obey
the same open / stream / close rules (A.6.9, A.6.12); a ``PartKind`` holds all that tells them apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.events import Executor


@dataclass(slots=True)
class Part:
    """One content part or summary part: whether it opened/closed, and the finals it declared."""

    channel: str
    opened: bool = True
    closed: bool = False
    done_text: str | None = None  # from output_text.done / refusal.done / *_text.done
    part_text: str | None = None  # from content_part.done / reasoning_summary_part.done


@dataclass(frozen=True, slots=True)
class PartKind:
    """What differs between content parts and summary parts; the rules themselves are shared."""

    label: str  # how a finding names one
    index_key: str  # the member that numbers it in its events
    map_name: str  # the ``ItemState`` map it is kept in
    check: str  # the check its order rules report under
    channel: str  # its canonical channel, unless ``channels`` knows the opening part's type
    channels: dict[str, str] = field(default_factory=dict)

    def channel_of(self, part_type: str | None) -> str:
        """The canonical channel of a part that opened with this type."""
        return self.channel if part_type is None else self.channels.get(part_type, self.channel)


CONTENT_PARTS = PartKind("content part", "content_index", "parts", "LIFECYCLE-106", "text",
                         {"output_text": "text", "refusal": "refusal", "reasoning_text": "reasoning"})
SUMMARY_PARTS = PartKind("summary part", "summary_index", "summaries", "LIFECYCLE-107", "reasoning")
PART_KINDS = (CONTENT_PARTS, SUMMARY_PARTS)


@dataclass(slots=True)
class ItemState:
    """One output item, from its output_item.added (or the seed turn) to its output_item.done."""

    index: int
    item_id: str
    type: str | None
    added: dict[str, Any] = field(default_factory=dict)
    executor: Executor | None = None  # which side runs a call item, decided when it opens
    open: bool = True
    seeded: bool = False  # began in an earlier stream: part-opening events were not seen here
    replay: bool = False  # a re-attached stream repeats an item the seed already completed
    parts: dict[int, Part] = field(default_factory=dict)
    summaries: dict[int, Part] = field(default_factory=dict)
    arguments_done: str | None = None
    freeform_done: str | None = None
    progress: int = -1
    partial_images: int = 0
