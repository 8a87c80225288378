"""Reassembly of structural argument fragments: a JSON path and a value at a time.

Gemini/Vertex stream function-call arguments as ``partialArgs`` (RFC 9535 paths rooted at ``$``);
the rules are those of specs/gemini-mistral-bedrock.md A.5: walk or create containers, pad arrays
with null, append to a string only while its path was left open, set everything else.
"""

from __future__ import annotations

import re
from typing import Any

_SEGMENT = re.compile(r"""\.([A-Za-z_][\w-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]""")

Segment = str | int


def parse_path(path: str) -> list[Segment] | None:
    """Split ``$.a['b'][0]`` into ``['a', 'b', 0]``; None when the path is not of the supported form."""
    if not path.startswith("$"):
        return None
    segments: list[Segment] = []
    position = 1
    while position < len(path):
        match = _SEGMENT.match(path, position)
        if match is None:
            return None
        name, index, single, double = match.groups()
        quoted = single if single is not None else double
        segments.append(int(index) if index is not None else name if name is not None else _unescape(quoted or ""))
        position = match.end()
    return segments


_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|.)")
_SIMPLE = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _unescape(quoted: str) -> str:
    """RFC 9535 name-selector escapes: ``\\'``, ``\\"``, ``\\\\``, ``\\n``..., ``\\uXXXX``."""

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.startswith("u") and len(code) == 5:
            return chr(int(code[1:], 16))
        return _SIMPLE.get(code, code)

    return _ESCAPE.sub(one, quoted)


class StructuralArguments:
    """One call's arguments object, built from path fragments; strings are joined once, on close."""

    def __init__(self) -> None:
        self.value: dict[str, Any] = {}
        self._open: dict[tuple[Segment, ...], list[str]] = {}

    def apply(self, path: str, value: Any, will_continue: bool) -> str | None:
        """Apply one fragment; return a problem description instead of raising."""
        segments = parse_path(path)
        if not segments:
            return "unsupported path" if segments is None else "the root itself cannot be assigned"
        key = tuple(segments)
        pending = self._open.get(key)
        if isinstance(value, str) and pending is not None:
            pending.append(value)
        else:
            if pending is not None:
                self._close(key)
            if isinstance(value, str) and will_continue:
                self._open[key] = [value]
            problem = self._assign(segments, value)
            if problem:
                self._open.pop(key, None)
                return problem
        if not will_continue and key in self._open:
            self._close(key)
        return None

    def finish(self) -> list[str]:
        """Close every path; report the ones a fragment left open."""
        left_open = [f"path {render_path(key)} left open at the end of the call" for key in self._open]
        for key in list(self._open):
            self._close(key)
        return left_open

    def _close(self, key: tuple[Segment, ...]) -> None:
        self._assign(list(key), "".join(self._open.pop(key)))

    def _assign(self, segments: list[Segment], value: Any) -> str | None:
        container: Any = self.value
        for segment, following in zip(segments, segments[1:]):
            child = _step(container, segment, [] if isinstance(following, int) else {})
            if child is None:
                return f"segment {segment!r} does not fit the value already there"
            container = child
        last = segments[-1]
        if isinstance(last, int) != isinstance(container, list):
            return f"segment {last!r} does not fit the value already there"
        if isinstance(container, list):
            container.extend([None] * (last + 1 - len(container)))
        container[last] = value
        return None


def _step(container: Any, segment: Segment, empty: Any) -> Any:
    if isinstance(segment, int):
        if not isinstance(container, list):
            return None
        container.extend([None] * (segment + 1 - len(container)))
    elif not isinstance(container, dict):
        return None
    elif segment not in container:
        container[segment] = empty
    if container[segment] is None:
        container[segment] = empty
    child = container[segment]
    return child if isinstance(child, (dict, list)) and type(child) is type(empty) else None


def render_path(segments: tuple[Segment, ...]) -> str:
    return "$" + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in segments)
