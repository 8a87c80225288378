"""Ordering for a family without sequence numbers (Anthropic Messages): what can be detected.

The claim, tested here: a delivery order is flagged exactly when it breaks an order the protocol
fixes (message_start first; each block's start, deltas and stop in that order, blocks one after
another in index order; a thinking block's signature after its thinking; message_delta after the
last block; message_stop last). Reordering deltas *within* a block, or moving a ping, breaks no
rule the stream can show: the text silently changes, and only a content-level check (arguments
that no longer parse) may notice.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from harness import providers
from harness.findings import Severity
from harness.pipeline import run_body
from suites.properties.strategies import Family, split_text, turns

FAMILY = "anthropic-messages"
CONTENT_CHECKS = {"ASSEMBLY-003", "ASSEMBLY-004", "STATE-001"}


def protocol_order_kept(events: list[dict[str, Any]]) -> bool:
    """Whether ``events`` respect every order Anthropic's protocol fixes (pings aside)."""
    stream = [event for event in events if event["type"] != "ping"]
    if stream[0]["type"] != "message_start" or stream[-1]["type"] != "message_stop":
        return False
    expected_block, open_block, signed = 0, None, False
    for event in stream[1:-1]:
        kind = event["type"]
        if kind == "content_block_start":
            if open_block is not None or event["index"] != expected_block:
                return False
            open_block, signed = event["index"], False
        elif kind == "content_block_delta":
            if event["index"] != open_block or signed:
                return False
            signed = event["delta"]["type"] == "signature_delta"
        elif kind == "content_block_stop":
            if event["index"] != open_block:
                return False
            open_block, expected_block = None, expected_block + 1
        elif kind == "message_delta":
            if open_block is not None:
                return False
        else:
            return False
    message_delta = next(i for i, e in enumerate(stream) if e["type"] == "message_delta")
    return all(e["type"] in ("message_delta", "message_stop") for e in stream[message_delta:])




@st.composite
def deltas_shuffled_within_blocks(draw: st.DrawFn, natives: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Orders the protocol cannot tell apart: each block's content deltas permuted among themselves."""
    order = list(natives)
    blocks: dict[int, list[int]] = {}
    for position, native in enumerate(natives):
        if native["type"] == "content_block_delta" and native["delta"]["type"] != "signature_delta":
            blocks.setdefault(native["index"], []).append(position)
    for positions in blocks.values():
        for position, native in zip(positions, draw(st.permutations([natives[p] for p in positions]))):
            order[position] = native
    return order


@given(data=st.data())
def test_a_reordering_is_flagged_exactly_when_it_breaks_protocol_order(data: st.DataObject) -> None:
    provider = providers.get(FAMILY)
    turn = data.draw(turns(Family(reasoning=True)), label="turn")
    natives = provider.encode(turn, lambda text: data.draw(split_text(text)))
    order = data.draw(st.permutations(natives) | deltas_shuffled_within_blocks(natives), label="order")
    report = run_body(FAMILY, provider.to_wire(order))
    flagged = {f.check for f in report.findings if f.severity is not Severity.info}
    if protocol_order_kept(order):
        assert flagged <= CONTENT_CHECKS
    else:
        assert flagged - CONTENT_CHECKS, "an order the protocol forbids went unnoticed"


def test_swapped_deltas_within_a_block_go_unnoticed() -> None:
    """The documented blind spot: same events, text changed, no finding (hence sequence numbers)."""
    from harness.state import Item, Turn

    provider = providers.get(FAMILY)
    turn = Turn(response_id="msg_0", stop="end_turn", status="completed",
                items=[Item(item_id="m", kind="message", text={0: "ab"})])
    natives = provider.encode(turn, lambda text: list(text))
    deltas = [i for i, n in enumerate(natives) if n["type"] == "content_block_delta"]
    natives[deltas[0]], natives[deltas[1]] = natives[deltas[1]], natives[deltas[0]]
    assert protocol_order_kept(natives)
    report = run_body(FAMILY, provider.to_wire(natives))
    assert [f for f in report.findings if f.severity is not Severity.info] == []
    assert report.turn is not None and report.turn.text == "ba"
