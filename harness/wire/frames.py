"""The unit every wire decoder yields: one frame, with where it sat in the body."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Frame:
    """One decoded message of a stream.

    ``offset`` is the byte offset of the frame's first byte in the body and ``end`` the offset just
    past its last byte; ``data`` is the payload text (SSE ``data`` lines joined with ``\\n``), and
    ``headers`` holds what binary framings carry beside the payload.
    """

    index: int
    offset: int
    end: int
    data: str = ""
    event: str | None = None
    id: str | None = None
    retry: int | None = None
    payload: bytes | None = None
    headers: dict[str, Any] = field(default_factory=dict)
    truncated: bool = False
