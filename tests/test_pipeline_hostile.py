"""Whatever a body holds, every provider's pipeline returns a report and never raises.

Three kinds of hostility: raw bytes; well-framed events whose payloads are arbitrary JSON; and payloads
that carry a real event type of the family with arbitrary members (the case a schema rejects and a
translator must still survive).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness import registry
from harness.pipeline import run_body
from harness.schemas import schemas_for

FAMILIES = sorted(registry.PROVIDERS)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=12,
)
MEMBERS = st.sampled_from(["index", "item_id", "output_index", "sequence_number", "delta", "item", "response",
                           "content_block", "message", "part", "content_index", "usage", "error", "choices"])


@pytest.mark.parametrize("family", FAMILIES)
@given(body=st.binary(max_size=400))
def test_any_bytes(family: str, body: bytes) -> None:
    report = run_body(family, body)
    assert report.turn is not None or report.findings or not body.strip()


@pytest.mark.parametrize("family", FAMILIES)
@given(payloads=st.lists(JSON, max_size=8), kinds=st.lists(st.text(min_size=1, max_size=12), min_size=8, max_size=8))
def test_any_json_payloads(family: str, payloads: list[object], kinds: list[str]) -> None:
    """Well framed in the family's own framing (SSE, AWS event stream...), so the translator sees them."""
    provider = registry.get(family)
    run_body(family, provider.frame_payloads([(kind, json.dumps(payload)) for kind, payload in zip(kinds, payloads)]))


@pytest.mark.parametrize("family", FAMILIES)
@given(data=st.data())
def test_known_event_types_with_arbitrary_members(family: str, data: st.DataObject) -> None:
    provider = registry.get(family)
    types = [kind for kind in schemas_for(provider.schema_family or family).types if not kind.startswith("[")]
    events = data.draw(st.lists(st.builds(
        lambda kind, members: {**members, "type": kind},
        st.sampled_from(types), st.dictionaries(MEMBERS, JSON, max_size=5)), min_size=1, max_size=10))
    report = run_body(family, provider.frame_payloads([(event["type"], json.dumps(event)) for event in events]))
    assert report.turn is not None
