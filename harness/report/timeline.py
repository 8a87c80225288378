"""A stream as a picture: one lane per item, every canonical event where it happened, findings on it.

The x axis is event order (the position in the canonical log) unless the body's arrival times are
known, then it is seconds from the first byte: a stall shows as a gap, a burst as a cluster. The
picture is inline SVG with no script, so it reads offline; every string in it is escaped.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from harness import events as ev
from harness.findings import Finding
from harness.report.safe import escaped

WIDTH = 1100
LABEL_WIDTH = 196
PLOT_LEFT, PLOT_RIGHT = LABEL_WIDTH + 14, WIDTH - 64  # room on the right for the last mark's label
LANE_HEIGHT = 24
AXIS_HEIGHT = 34
MAX_ITEM_LANES = 40  # a stream of ten thousand items still draws a picture of bounded size
_DELTAS = {ev.TextDelta: "text", ev.ReasoningDelta: "reasoning", ev.RefusalDelta: "refusal",
           ev.ToolCallDelta: "arguments", ev.ToolCallFragment: "arguments"}
_KIND_OF_DELTA = {"text": "message", "reasoning": "reasoning", "refusal": "message", "arguments": "tool_call"}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Arrivals:
    """When the body arrived: ``chunks`` the byte offsets where its second, third... piece begins,
    ``times`` the seconds from the first byte at which each piece arrived (one more than ``chunks``)."""

    chunks: Sequence[int]
    times: Sequence[float]

    def at(self, offset: int | None) -> float | None:
        if offset is None or len(self.times) != len(self.chunks) + 1:
            return None
        time = self.times[bisect_right(self.chunks, offset)]
        return time if math.isfinite(time) else None


@dataclass(frozen=True, slots=True)
class Mark:
    x: float
    shape: str  # tick, start, end, result, turn, stop, usage, interrupt, error, finding
    css: str
    title: str
    href: str | None = None
    label: str | None = None


@dataclass(slots=True)
class Lane:
    label: str
    css: str
    item_id: str | None = None
    kind: str | None = None
    call_id: str | None = None
    start: float | None = None
    end: float | None = None
    marks: list[Mark] = field(default_factory=list)


@dataclass(slots=True)
class Timeline:
    """What the picture shows, before any drawing: lanes of marks on one axis."""

    timed: bool
    low: float
    high: float
    turn: Lane
    items: list[Lane]
    findings: Lane
    hidden_items: int = 0
    rules: list[Mark] = field(default_factory=list)  # interrupts, errors and findings, across every lane


def render_timeline(events: Sequence[ev.CanonicalEvent], findings: Sequence[Finding] = (), *,
                    arrivals: Arrivals | None = None, link: Callable[[Finding], str | None] | None = None) -> str:
    """The SVG of one exchange's canonical log. ``arrivals`` gives a time axis when the body's
    chunk times were recorded; ``link`` gives each finding marker a target (its event row)."""
    return draw(build(events, findings, arrivals=arrivals, link=link))


def build(events: Sequence[ev.CanonicalEvent], findings: Sequence[Finding] = (), *,
          arrivals: Arrivals | None = None, link: Callable[[Finding], str | None] | None = None) -> Timeline:
    xs = _times(events, arrivals) if arrivals is not None else None
    timed = xs is not None
    positions = xs if xs is not None else [float(i) for i in range(len(events))]
    turn = Lane(label="turn", css="turn")
    lanes: dict[str, Lane] = {}
    calls: dict[str, Lane] = {}  # call id -> the lane of its tool call, where its result is marked
    rules: list[Mark] = []
    for x, event in zip(positions, events):
        item_id = getattr(event, "item_id", None)
        lane = turn if item_id is None else lanes.get(item_id) or lanes.setdefault(item_id, _item_lane(event))
        _place(event, x, lane, turn, calls, rules)
    findings_lane = Lane(label="findings", css="findings")
    locate = _finding_x(events, positions, arrivals if timed else None)
    for item in findings:
        x = locate(item)
        if x is None or not math.isfinite(x):
            continue
        where = f" (frame {item.location.frame})" if item.location.frame is not None else ""
        mark = Mark(x, "finding", f"finding {item.severity.value}", f"{item.check} {item.severity.value}{where}: "
                    f"{clip(item.message, 300)}", href=link(item) if link else None, label=item.check)
        findings_lane.marks.append(mark)
        rules.append(mark)
    shown = list(lanes.values())
    everywhere = positions + [mark.x for mark in findings_lane.marks]
    low, high = (min(everywhere), max(everywhere)) if everywhere else (0.0, 0.0)
    return Timeline(timed=timed, low=low, high=high, turn=turn, items=shown[:MAX_ITEM_LANES], findings=findings_lane,
                    hidden_items=max(0, len(shown) - MAX_ITEM_LANES), rules=rules)


def _times(events: Sequence[ev.CanonicalEvent], arrivals: Arrivals) -> list[float] | None:
    """Each event's arrival (an event with no byte offset arrived with the one before it), or None when
    no event can be placed in time."""
    found = [arrivals.at(event.origin.offset) for event in events]
    if all(time is None for time in found):
        return None
    times: list[float] = []
    last = next(time for time in found if time is not None)
    for time in found:
        last = time if time is not None else last
        times.append(last)
    return times


def _item_lane(event: ev.CanonicalEvent) -> Lane:
    if isinstance(event, ev.ItemStarted):
        kind, name = event.kind, event.name or event.role
        return Lane(label=" ".join(filter(None, (kind, name))), css=f"item {kind}", item_id=event.item_id,
                    kind=kind, call_id=event.call_id)
    kind = _KIND_OF_DELTA.get(_DELTAS.get(type(event), ""), "other")
    return Lane(label=f"{kind} (no start)", css=f"item {kind}", item_id=getattr(event, "item_id", None), kind=kind)


def _place(event: ev.CanonicalEvent, x: float, lane: Lane, turn: Lane, calls: dict[str, Lane],
           rules: list[Mark]) -> None:
    """One event as a mark on its lane (interrupts and errors also as a rule across every lane)."""
    title = f"#{event.seq} {event.type}{_detail(event)}"
    if isinstance(event, ev.ItemStarted):
        if lane.marks and lane.start is None:
            started = _item_lane(event)  # the item's deltas came first: name the lane by its start after all
            lane.label, lane.css, lane.kind = f"{started.label} (late start)", started.css, started.kind
            lane.call_id = started.call_id
        if lane.call_id is not None:
            calls.setdefault(lane.call_id, lane)
        lane.start = x if lane.start is None else lane.start
        lane.marks.append(Mark(x, "start", "start", title))
    elif isinstance(event, ev.ItemCompleted):
        lane.end = x
        lane.marks.append(Mark(x, "end", "end", title))
    elif type(event) in _DELTAS:
        lane.marks.append(Mark(x, "tick", f"tick {_DELTAS[type(event)]}", title))
    elif isinstance(event, ev.ToolResult):
        calls.get(event.call_id, turn).marks.append(Mark(x, "result", "result error" if event.is_error else "result", title))
    elif isinstance(event, (ev.Interrupt, ev.ErrorReported)):
        css = "interrupt" if isinstance(event, ev.Interrupt) else "error"
        mark = Mark(x, css, css, title, label=event.kind if isinstance(event, ev.Interrupt) else "error")
        turn.marks.append(mark)
        rules.append(mark)
    elif isinstance(event, ev.TurnCompleted):
        turn.marks.append(Mark(x, "stop", "stop", title, label=event.stop))
    elif isinstance(event, ev.TurnStarted):
        turn.marks.append(Mark(x, "turn", "turn-start", title))
    else:
        turn.marks.append(Mark(x, "usage", "usage", title))


def _detail(event: ev.CanonicalEvent) -> str:
    """What a person wants to see of an event in its tooltip and its row, briefly."""
    parts: list[str] = []
    for name in ("item_id", "kind", "name", "call_id", "stop", "native_stop", "code", "path"):
        value = getattr(event, name, None)
        if value is not None:
            parts.append(f"{name}={clip(str(value), 60)}")
    text = getattr(event, "text", None) or getattr(event, "message", None)
    if isinstance(text, str):
        parts.append(repr(clip(text, 80)))
    pending = getattr(event, "pending", None)
    if pending:
        parts.append(f"pending={clip(', '.join(map(str, pending)), 80)}")
    if isinstance(event, ev.UsageReported):
        parts += [f"{name}={getattr(event, name)}" for name in ("input_tokens", "output_tokens", "total_tokens")
                  if getattr(event, name) is not None]
    return (" " + " ".join(parts)) if parts else ""


def detail(event: ev.CanonicalEvent) -> str:
    """``type`` and the brief detail of an event, as the event table lists it."""
    return f"{event.type}{_detail(event)}"


def _finding_x(events: Sequence[ev.CanonicalEvent], positions: list[float],
               arrivals: Arrivals | None) -> Callable[[Finding], float | None]:
    """Where a finding happened on the axis: at the first event its native event became; for a native
    event that became none, on the event it copies (same sequence number) or between its neighbours
    (by sequence number, the restored order, else by frame); on a time axis, when its bytes arrived."""
    by_frame: dict[int, float] = {}
    by_seq: dict[int, float] = {}
    for x, event in zip(positions, events):
        if event.origin.frame is not None:
            by_frame.setdefault(event.origin.frame, x)
        if event.origin.native_seq is not None:
            by_seq.setdefault(event.origin.native_seq, x)
    frames = sorted(event.origin.frame for event in events if event.origin.frame is not None)
    sequence = sorted(event.origin.native_seq for event in events if event.origin.native_seq is not None)

    def locate(item: Finding) -> float | None:
        where = item.location
        if arrivals is not None:
            return arrivals.at(where.offset) if where.frame is not None or where.offset is not None else None
        if where.frame is None:
            return None
        if where.frame in by_frame:
            return by_frame[where.frame]
        if where.seq is not None and where.seq in by_seq:
            return by_seq[where.seq]  # a copy of an event that was kept: marked on the original
        if not positions:
            return None
        before = bisect_left(sequence, where.seq) if where.seq is not None and sequence else bisect_left(
            frames, where.frame)
        return min(max(before - 0.5, -0.5), len(positions) - 0.5)

    return locate


# -- drawing ----------------------------------------------------------------------------------------------


def draw(timeline: Timeline) -> str:
    lanes = [timeline.turn, *timeline.items, timeline.findings]
    if timeline.hidden_items:
        lanes.insert(-1, Lane(label=f"… {timeline.hidden_items} more items not drawn", css="more"))
    height = len(lanes) * LANE_HEIGHT + AXIS_HEIGHT + 6
    scale = _scale(timeline)
    axis_name = "seconds from the first byte" if timeline.timed else "event order (canonical seq)"
    out = [(f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" role="img" data-axis="{"time" if timeline.timed else "order"}">'),
           f"<title>timeline: {len(timeline.items)} item lanes, x axis {axis_name}</title>"]
    bottom = len(lanes) * LANE_HEIGHT + 4
    for x, css in dict.fromkeys((round(scale(mark.x)), mark.css) for mark in timeline.rules):  # one per column
        out.append(f'<line class="rule {escaped(css)}" x1="{x}" y1="4" x2="{x}" y2="{bottom}"/>')
    for row, lane in enumerate(lanes):
        out.append(_lane(lane, 4 + row * LANE_HEIGHT, scale, timeline))
    out.append(_axis(timeline, bottom, scale, axis_name))
    out.append("</svg>")
    return "".join(out)


def _scale(timeline: Timeline) -> Callable[[float], float]:
    low, high = timeline.low, timeline.high
    if not timeline.timed:
        low, high = low - 0.5, high + 0.5
    span = high - low or 1.0
    return lambda x: PLOT_LEFT + (x - low) / span * (PLOT_RIGHT - PLOT_LEFT)


def _lane(lane: Lane, top: int, scale: Callable[[float], float], timeline: Timeline) -> str:
    middle = top + LANE_HEIGHT / 2
    data, label = "", lane.label
    if lane.item_id is not None:
        data = f' data-item-id="{escaped(lane.item_id)}" data-kind="{escaped(lane.kind)}"'
        label = f"{lane.label} {lane.item_id}"
    out = [f'<g class="lane {escaped(lane.css)}"{data}>',
           f'<rect class="band" x="0" y="{top}" width="{WIDTH}" height="{LANE_HEIGHT}"/>',
           (f'<text class="label" x="8" y="{middle + 4:.1f}">{escaped(clip(label, 30))}'
            f"<title>{escaped(label)}</title></text>")]
    if lane.item_id is not None and lane.marks:
        first = lane.start if lane.start is not None else min(mark.x for mark in lane.marks)
        last = lane.end if lane.end is not None else (timeline.high + (0 if timeline.timed else 0.5))
        open_end = " open" if lane.end is None else ""
        out.append(f'<line class="span{open_end}" x1="{scale(first):.1f}" y1="{middle}" x2="{scale(last):.1f}" '
                   f'y2="{middle}"><title>{"never completed" if open_end else "item lifetime"}</title></line>')
    out += _marks(lane.marks, middle, scale)
    out.append("</g>")
    return "".join(out)


def _marks(marks: list[Mark], middle: float, scale: Callable[[float], float]) -> list[str]:
    """Every mark, merged per pixel column and kind: a million deltas still draw at most one tick per
    column, and two findings on one event share a marker and a label. A label goes right of its mark,
    else left, where it fits between the neighbours; the tooltip always says everything."""
    out: list[str] = []
    columns: dict[tuple[int, str, str], list[Mark]] = {}
    for mark in marks:
        columns.setdefault((round(scale(mark.x)), mark.shape, mark.css), []).append(mark)
    for (x, shape, css), group in columns.items():
        if shape != "tick":
            continue
        more = f" (and {len(group) - 1} more here)" if len(group) > 1 else ""
        out.append(f'<line class="{escaped(css)}" x1="{x}" y1="{middle - 7}" x2="{x}" y2="{middle + 7}">'
                   f"<title>{escaped(group[0].title + more)}</title></line>")
    placed = sorted((key, group) for key, group in columns.items() if key[1] != "tick")
    free_from = float(LABEL_WIDTH)  # where the next label may start: past the last mark or label
    for number, ((x, shape, css), group) in enumerate(placed):
        label = clip(", ".join(dict.fromkeys(mark.label for mark in group if mark.label)), 40)
        width = 9 + 6.5 * len(label)
        following = placed[number + 1][0][0] if number + 1 < len(placed) else WIDTH
        right = bool(label) and x + width < following
        text = ""
        if right:
            text = f'<text class="mark-label" x="{x + 8}" y="{middle + 4:.1f}">{escaped(label)}</text>'
        elif label and x - width > free_from:
            text = (f'<text class="mark-label" x="{x - 8}" y="{middle + 4:.1f}" text-anchor="end">'
                    f"{escaped(label)}</text>")
        free_from = x + (width if right else 8)
        titles = "&#10;".join(escaped(mark.title) for mark in group[:20])
        body = f'<g class="mark {escaped(css)}">{_SHAPES[shape](x, middle)}{text}<title>{titles}</title></g>'
        href = group[0].href
        out.append(f'<a href="#{escaped(href)}">{body}</a>' if href else body)
    return out


_SHAPES: dict[str, Callable[[float, float], str]] = {
    "start": lambda x, y: f'<circle cx="{x:.1f}" cy="{y}" r="4.5"/>',
    "end": lambda x, y: f'<rect x="{x - 4:.1f}" y="{y - 4.5}" width="8" height="9"/>',
    "result": lambda x, y: f'<path d="M{x:.1f} {y - 6}l5 6l-5 6l-5 -6z"/>',
    "turn": lambda x, y: f'<path d="M{x:.1f} {y - 7}v14M{x:.1f} {y - 7}h8l-3 3.5l3 3.5h-8"/>',
    "stop": lambda x, y: f'<rect x="{x - 5:.1f}" y="{y - 5}" width="10" height="10" rx="2"/>',
    "usage": lambda x, y: f'<circle cx="{x:.1f}" cy="{y}" r="2.5"/>',
    "interrupt": lambda x, y: f'<path d="M{x - 4:.1f} {y - 6}h3v12h-3zM{x + 1:.1f} {y - 6}h3v12h-3z"/>',
    "error": lambda x, y: f'<path d="M{x - 5:.1f} {y - 5}l10 10M{x + 5:.1f} {y - 5}l-10 10"/>',
    "finding": lambda x, y: f'<path d="M{x - 6:.1f} {y - 6}h12l-6 11z"/>',
}


def legend() -> str:
    """The key to the marks, drawn with the shapes and classes the timelines use."""
    def key(mark: str, css: str, name: str) -> str:
        return (f'<svg viewBox="0 0 14 14" width="14" height="14"><g class="mark {css}">{_SHAPES[mark](7, 7)}</g>'
                f"</svg> {name}")

    ticks = [f'<svg viewBox="0 0 14 14" width="14" height="14"><line class="tick {css}" x1="7" y1="0" x2="7" y2="14"/>'
             f"</svg> {css}" for css in ("text", "reasoning", "arguments")]
    keys = [key("start", "start", "item start"), key("end", "end", "item end"), *ticks,
            key("result", "result", "tool result"), key("interrupt", "interrupt", "interrupt"),
            key("error", "error", "error"), key("finding", "finding error", "finding")]
    return (f'<p class="legend">Timelines: one lane per item, deltas as ticks: {", ".join(keys)}. '
            "Hover a mark for its event; click a finding for its row in the event table.</p>")


def _axis(timeline: Timeline, top: int, scale: Callable[[float], float], name: str) -> str:
    low, high = timeline.low, timeline.high
    out = [f'<g class="axis"><line x1="{PLOT_LEFT}" y1="{top}" x2="{PLOT_RIGHT}" y2="{top}"/>']
    for value in _nice_ticks(low, high, integers=not timeline.timed):
        x = scale(value)
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + 4}"/>'
                   f'<text x="{x:.1f}" y="{top + 15}" text-anchor="middle">{_format(value, timeline.timed)}</text>')
    out.append(f'<text class="axis-name" x="{PLOT_RIGHT}" y="{top + 29}" text-anchor="end">{escaped(name)}</text></g>')
    return "".join(out)


def _nice_ticks(low: float, high: float, *, integers: bool, target: int = 10) -> list[float]:
    raw = max((high - low) / target, 1e-6)  # a microsecond is as fine as recorded times go
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(step, 1.0) if integers else step
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _format(value: float, timed: bool) -> str:
    if not timed:
        return str(round(value))
    return f"{value * 1000:.0f} ms" if abs(value) < 1 and value else f"{value:g} s"
