"""``harness profile``: how each vendor behaves on the wire, observed across its recordings.

Conformance says whether a stream breaks a rule; a profile says what a vendor *does*, rule or no
rule: whether it numbers its events, how it cuts tool arguments, whether parallel calls come, where
usage arrives, which stop reasons it uses, which rules it breaks. It reads the canonical event logs
the pipeline keeps on request (``keep_events``), so every figure points back at real events.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from harness import events as ev
from harness.report.markdown import cell
from harness.report.model import CassetteReport, ExchangeReport
from harness.report.safe import escaped

By = Literal["provider", "host", "model"]
ORDER_BREAKS = frozenset({"ORDER-003", "ORDER-004", "ORDER-005"})  # gap, duplicate, out of order
SIGNED = ("signature", "thoughtSignature", "encrypted_content", "redacted_thinking", "data")


@dataclass(slots=True)
class VendorProfile:
    vendor: str
    cassettes: set[str] = field(default_factory=set)
    scenarios: set[str] = field(default_factory=set)
    exchanges: int = 0
    sequenced: int = 0  # exchanges whose events carry sequence numbers
    sequence_starts: Counter[int] = field(default_factory=Counter)
    contiguous: int = 0  # sequenced exchanges whose numbers run without a gap
    fragment_sizes: list[int] = field(default_factory=list)  # characters per argument fragment
    calls: int = 0
    whole_calls: int = 0  # calls whose arguments came in one fragment
    parallel_turns: int = 0
    reasoning_turns: int = 0
    signed_items: int = 0
    stops: Counter[str] = field(default_factory=Counter)
    usage_at: Counter[str] = field(default_factory=Counter)  # start, middle, end
    keepalive_frames: int = 0  # frames that became no canonical event (pings, heartbeats, sentinels)
    error_codes: Counter[str] = field(default_factory=Counter)
    interrupts: Counter[str] = field(default_factory=Counter)  # kind and the handle's keys
    findings: Counter[str] = field(default_factory=Counter)

    def data(self) -> dict[str, Any]:
        sizes = sorted(self.fragment_sizes)
        return {
            "vendor": self.vendor,
            "cassettes": len(self.cassettes),
            "scenarios": sorted(self.scenarios),
            "exchanges": self.exchanges,
            "sequence_numbers": {"exchanges": self.sequenced, "starts": dict(sorted(self.sequence_starts.items())),
                                 "contiguous": self.contiguous},
            "argument_fragments": {"count": len(sizes), "p50": _percentile(sizes, 50), "p95": _percentile(sizes, 95),
                                   "calls": self.calls, "whole_calls": self.whole_calls},
            "parallel_call_turns": self.parallel_turns,
            "reasoning_turns": self.reasoning_turns,
            "signed_items": self.signed_items,
            "stop_reasons": dict(self.stops.most_common()),
            "usage_placement": dict(self.usage_at.most_common()),
            "keepalive_frames": self.keepalive_frames,
            "error_codes": dict(self.error_codes.most_common()),
            "resume_contracts": dict(self.interrupts.most_common()),
            "findings": dict(sorted(self.findings.items())),
        }


def _percentile(values: list[int], percent: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    return float(statistics.quantiles(values, n=100, method="inclusive")[percent - 1])


def vendor_of(report: CassetteReport, exchange: ExchangeReport, by: By) -> str:
    family = exchange.provider or "unrecognised"
    if by == "host":
        host = urlsplit(exchange.uri).hostname if "://" in exchange.uri else None
        return f"{family} @ {host or 'no host'}"
    if by == "model":
        model = exchange.turn.model if exchange.turn is not None else None
        return f"{family} / {model or 'model not named'}"
    return family


def profile(reports: Iterable[CassetteReport], by: By = "provider") -> list[VendorProfile]:
    """One profile per vendor, from reports made with ``keep_events=True``."""
    vendors: dict[str, VendorProfile] = {}
    for report in reports:
        for exchange in report.exchanges:
            if exchange.provider is None:
                continue
            name = vendor_of(report, exchange, by)
            vendor = vendors.setdefault(name, VendorProfile(name))
            vendor.cassettes.add(report.path)
            if report.meta.scenario:
                vendor.scenarios.add(report.meta.scenario)
            _observe(vendor, exchange)
            vendor.findings.update(f.check for f in exchange.findings)
    return sorted(vendors.values(), key=lambda vendor: vendor.vendor)


def _observe(vendor: VendorProfile, exchange: ExchangeReport) -> None:
    vendor.exchanges += 1
    events = exchange.events
    numbers = [event.origin.native_seq for event in events if event.origin.native_seq is not None]
    if numbers:
        vendor.sequenced += 1
        vendor.sequence_starts[min(numbers)] += 1
        # events that became no canonical event leave holes in ``numbers``: the sequencer's findings tell
        vendor.contiguous += not any(f.check in ORDER_BREAKS for f in exchange.findings)
    frames = {event.origin.frame for event in events}
    vendor.keepalive_frames += max(0, exchange.frames - len(frames))
    fragments: defaultdict[str, list[int]] = defaultdict(list)
    for position, event in enumerate(events):
        if isinstance(event, ev.ToolCallDelta) and event.text:
            fragments[event.item_id].append(len(event.text))
        elif isinstance(event, ev.UsageReported):
            vendor.usage_at["start" if position < 3 else "end" if position >= len(events) - 3 else "middle"] += 1
        elif isinstance(event, ev.ErrorReported):
            vendor.error_codes[event.code or "no code"] += 1
    for sizes in fragments.values():
        vendor.fragment_sizes += sizes
        vendor.calls += 1
        vendor.whole_calls += len(sizes) == 1
    turn = exchange.turn
    if turn is None:
        return
    vendor.parallel_turns += len(turn.client_calls) > 1
    vendor.reasoning_turns += any(item.kind == "reasoning" for item in turn.items)
    vendor.signed_items += sum(1 for item in turn.items if _signed(item.native))
    if turn.native_stop:
        vendor.stops[turn.native_stop] += 1
    if turn.interrupt is not None:
        vendor.interrupts[f"{turn.interrupt.kind} ({', '.join(sorted(turn.interrupt.handle)) or 'no handle'})"] += 1


def _signed(native: Any) -> bool:
    """Whether an item carries an opaque value the next request must echo (a signature, encrypted reasoning)."""
    if isinstance(native, dict):
        return any(key in SIGNED and value for key, value in native.items()) or any(map(_signed, native.values()))
    if isinstance(native, list):
        return any(map(_signed, native))
    return False


# -- views -------------------------------------------------------------------------------------------------

ROWS: list[tuple[str, Any]] = [
    ("cassettes / exchanges", lambda d: f"{d['cassettes']} / {d['exchanges']}"),
    ("sequence numbers", lambda d: _sequence(d["sequence_numbers"], d["exchanges"])),
    ("argument fragment size p50 / p95", lambda d: _sizes(d["argument_fragments"])),
    ("whole calls in one fragment", lambda d: f"{d['argument_fragments']['whole_calls']} of {d['argument_fragments']['calls']}"),
    ("turns with parallel calls", lambda d: str(d["parallel_call_turns"])),
    ("turns with reasoning / signed items", lambda d: f"{d['reasoning_turns']} / {d['signed_items']}"),
    ("stop reasons", lambda d: _counts(d["stop_reasons"])),
    ("usage placement", lambda d: _counts(d["usage_placement"])),
    ("keep-alive frames", lambda d: str(d["keepalive_frames"])),
    ("error codes", lambda d: _counts(d["error_codes"])),
    ("resume contracts", lambda d: _counts(d["resume_contracts"])),
    ("findings by check", lambda d: _counts(d["findings"])),
    ("scenarios", lambda d: ", ".join(d["scenarios"]) or "-"),
]


def _sequence(seq: dict[str, Any], exchanges: int) -> str:
    if not seq["exchanges"]:
        return "none"
    starts = ", ".join(f"from {start}" for start in seq["starts"])
    return f"{seq['exchanges']} of {exchanges} ({starts}; contiguous in {seq['contiguous']})"


def _sizes(fragments: dict[str, Any]) -> str:
    return "-" if fragments["p50"] is None else f"{fragments['p50']:g} / {fragments['p95']:g} chars"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {value}" for key, value in counts.items()) or "-"


def profile_data(profiles: list[VendorProfile]) -> dict[str, Any]:
    return {"vendors": [vendor.data() for vendor in profiles]}


def profile_markdown(profiles: list[VendorProfile]) -> str:
    """Vendors side by side, one column each, one row per behaviour."""
    data = [vendor.data() for vendor in profiles]
    lines = ["# Vendor profile", "", "| behaviour | " + " | ".join(cell(d["vendor"]) for d in data) + " |",
             "|---|" + "---|" * len(data)]
    lines += [f"| {label} | " + " | ".join(cell(view(d)) for d in data) + " |" for label, view in ROWS]
    return "\n".join(lines) + "\n"


def profile_html(profiles: list[VendorProfile]) -> str:
    """The same table as one self-contained page."""
    data = [vendor.data() for vendor in profiles]
    head = "".join(f"<th>{escaped(d['vendor'])}</th>" for d in data)
    rows = "".join(f"<tr><th>{escaped(label)}</th>" + "".join(f"<td>{escaped(view(d))}</td>" for d in data) + "</tr>"
                   for label, view in ROWS)
    style = ("body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
             "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}thead th{background:#f4f4f4}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Vendor profile</title><style>{style}</style>"
            f"</head><body><h1>Vendor profile</h1><table><thead><tr><th>behaviour</th>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table></body></html>\n")


