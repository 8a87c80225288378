"""Committed schemas: canonical ones match the models; every schema file is valid draft 2020-12."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from harness import events as ev
from harness.schemagen import canonical_schemas, render
from harness.schemas import schema_root
from harness.state import Conversation, Turn

ROOT = Path(__file__).resolve().parent.parent / "schemas"
CANONICAL = ROOT / "canonical"
ALL_SCHEMAS = sorted(ROOT.rglob("*.json"))


def test_schema_root_is_the_checkout_folder():
    assert schema_root().resolve() == ROOT.resolve()


@pytest.mark.parametrize("name", sorted(canonical_schemas()))
def test_canonical_schema_is_committed_and_current(name):
    path = CANONICAL / f"{name}.json"
    assert path.is_file(), f"{path} is missing: run `python -m harness.schemagen`"
    assert path.read_bytes() == render(canonical_schemas()[name]), (
        f"{path} is out of date with harness/events.py / harness/state.py: run `python -m harness.schemagen`"
    )


def test_no_stale_canonical_files():
    committed = {path.stem for path in CANONICAL.glob("*.json")}
    assert committed == set(canonical_schemas()), "run `python -m harness.schemagen` and delete stale files"


def test_schemas_were_found():
    assert len(ALL_SCHEMAS) >= 3


@pytest.mark.parametrize("path", ALL_SCHEMAS, ids=lambda p: str(p.relative_to(ROOT)))
def test_schema_file_is_valid_draft_2020_12(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(schema, dict)
    Draft202012Validator.check_schema(schema)
    assert schema.get("$schema", "https://json-schema.org/draft/2020-12/schema") == (
        "https://json-schema.org/draft/2020-12/schema"
    )


def _event_samples():
    origin = ev.Origin(exchange=0, frame=1, offset=2, native_type="x", native_seq=3)
    return [
        ev.TurnStarted(response_id="r", model="m", origin=origin),
        ev.ItemStarted(item_id="i", kind="tool_call", name="f", call_id="c", executor="client"),
        ev.TextDelta(item_id="i", part=1, text="t"),
        ev.ReasoningDelta(item_id="i", text="t"),
        ev.RefusalDelta(item_id="i", text="t"),
        ev.ToolCallDelta(item_id="i", text="{"),
        ev.ToolCallFragment(item_id="i", path="$.a", value=[1, {"b": None}], will_continue=True),
        ev.ItemCompleted(item_id="i", declared=ev.Declared(text={0: "t"}, arguments="{}", status="completed")),
        ev.ToolResult(call_id="c", output={"x": 1}, is_error=True),
        ev.Interrupt(kind="tool_calls", pending=["c"], handle={"previous_response_id": "r"}),
        ev.UsageReported(input_tokens=1, output_tokens=2, total_tokens=3),
        ev.TurnCompleted(stop="tool_use", native_stop="tool_use"),
        ev.ErrorReported(code="e", message="m", retryable=False),
    ]


@pytest.mark.parametrize("event", _event_samples(), ids=lambda e: e.type)
def test_canonical_events_validate_against_the_event_schema(event):
    validator = Draft202012Validator(canonical_schemas()["event"])
    instance = ev.dump(event)
    assert not list(validator.iter_errors(instance))
    assert ev.canonical_event_adapter.validate_python(instance) == event


def test_event_schema_rejects_an_unknown_type():
    validator = Draft202012Validator(canonical_schemas()["event"])
    assert list(validator.iter_errors({"type": "nope", "seq": 0}))
    assert list(validator.iter_errors({"type": "text.delta", "seq": 0}))  # item_id and text are required


def test_turn_and_conversation_validate():
    from harness.state import Item, Usage

    turn = Turn(response_id="r", status="completed", items=[Item(item_id="i", kind="message", text={0: "hi"})],
                usage=Usage(output_tokens=3), stop="end_turn")
    assert not list(Draft202012Validator(canonical_schemas()["turn"]).iter_errors(json.loads(turn.model_dump_json())))
    conversation = Conversation(turns=[turn, Turn()])
    errors = Draft202012Validator(canonical_schemas()["conversation"]).iter_errors(
        json.loads(conversation.model_dump_json()))
    assert not list(errors)
