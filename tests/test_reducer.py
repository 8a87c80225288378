"""The event-sourced fold: canonical events in, a Turn and lifecycle / assembly findings out."""

from __future__ import annotations

import copy
import dataclasses
import json

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from harness import events as ev
from harness.reducer import Reducer, fold
from harness.state import Item, Turn


def run(events, seed: Turn | None = None) -> tuple[Turn, Reducer]:
    reducer = Reducer(seed)
    for seq, event in enumerate(events):
        reducer.apply(dataclasses.replace(event, seq=seq, origin=ev.Origin(exchange=0, frame=seq)))
    return reducer.finish(), reducer


def checks(reducer: Reducer) -> list[str]:
    return [f.check for f in reducer.findings]


START = ev.TurnStarted(response_id="resp_1", model="m")
END = ev.TurnCompleted(stop="end_turn", native_stop="end_turn")


def message(item_id="msg_1", *deltas, declared=None, part=0):
    return [ev.ItemStarted(item_id=item_id, kind="message", role="assistant"),
            *[ev.TextDelta(item_id=item_id, part=part, text=text) for text in deltas],
            ev.ItemCompleted(item_id=item_id, declared=ev.Declared(text=declared) if declared else ev.Declared())]


def call(item_id="fc_1", *fragments, declared=None, name="get_weather", call_id="call_1"):
    return [ev.ItemStarted(item_id=item_id, kind="tool_call", name=name, call_id=call_id, executor="client"),
            *[ev.ToolCallDelta(item_id=item_id, text=text) for text in fragments],
            ev.ItemCompleted(item_id=item_id, declared=ev.Declared(arguments=declared))]


# -- folds that go right ----------------------------------------------------------------------------------


def test_simple_text_turn():
    turn, reducer = run([START, *message("msg_1", "Hel", "lo", " world", declared={0: "Hello world"}),
                         ev.UsageReported(input_tokens=5, output_tokens=3, total_tokens=8), END])
    assert reducer.findings == []
    assert turn.status == "completed"
    assert turn.stop == "end_turn"
    assert turn.response_id == "resp_1" and turn.model == "m"
    [item] = turn.items
    assert (item.item_id, item.kind, item.role, item.status) == ("msg_1", "message", "assistant", "completed")
    assert item.text == {0: "Hello world"}
    assert turn.text == "Hello world"
    assert turn.usage.output_tokens == 3 and turn.usage.total_tokens == 8


def test_parts_channels_and_items_keep_their_order():
    events = [START,
              ev.ItemStarted(item_id="rs", kind="reasoning"),
              ev.ReasoningDelta(item_id="rs", part=0, text="think"),
              ev.ReasoningDelta(item_id="rs", part=1, text="more"),
              ev.ItemCompleted(item_id="rs"),
              ev.ItemStarted(item_id="m", kind="message"),
              ev.TextDelta(item_id="m", part=1, text="B"),
              ev.TextDelta(item_id="m", part=0, text="A"),
              ev.RefusalDelta(item_id="m", part=2, text="no"),
              ev.ItemCompleted(item_id="m"),
              END]
    turn, reducer = run(events)
    assert reducer.findings == []
    assert [i.item_id for i in turn.items] == ["rs", "m"]
    assert turn.items[0].reasoning == {0: "think", 1: "more"}
    assert turn.items[1].text == {0: "A", 1: "B"} and turn.items[1].refusal == {2: "no"}
    assert turn.text == "AB"


def test_tool_call_arguments_from_fragments():
    turn, reducer = run([START, *call("fc_1", '{"ci', 'ty": "Os', 'lo"}', declared='{"city": "Oslo"}'),
                         ev.Interrupt(kind="tool_calls", pending=["call_1"], handle={"previous_response_id": "resp_1"}),
                         ev.TurnCompleted(stop="tool_use")])
    assert reducer.findings == []
    [item] = turn.items
    assert item.arguments_text == '{"city": "Oslo"}'
    assert item.arguments == {"city": "Oslo"}
    assert item.arguments_valid is True
    assert (item.name, item.call_id) == ("get_weather", "call_1")
    assert turn.status == "interrupted"
    assert turn.interrupt.pending == ["call_1"]
    assert turn.client_calls == [item]


def test_declared_finals_fill_in_what_no_delta_sent():
    turn, reducer = run([START, ev.ItemStarted(item_id="m", kind="message"),
                         ev.ItemCompleted(item_id="m", declared=ev.Declared(text={0: "all at once"})), END])
    assert reducer.findings == []
    assert turn.items[0].text == {0: "all at once"}


def test_declared_arguments_without_deltas():
    turn, reducer = run([START, *call("fc", declared='{"a": [1, 2]}'), END])
    assert checks(reducer) == []
    assert turn.items[0].arguments == {"a": [1, 2]}


def test_empty_arguments_mean_an_empty_object():
    turn, reducer = run([START, *call("fc", "", "  "), END])
    assert checks(reducer) == []
    assert turn.items[0].arguments == {}


def test_declared_name_and_call_id_fill_gaps():
    events = [START, ev.ItemStarted(item_id="fc", kind="tool_call"), ev.ToolCallDelta(item_id="fc", text="{}"),
              ev.ItemCompleted(item_id="fc", declared=ev.Declared(name="f", call_id="c9")), END]
    turn, _ = run(events)
    assert (turn.items[0].name, turn.items[0].call_id) == ("f", "c9")


def test_a_declared_call_id_replaces_the_started_one_and_a_name_only_fills_a_gap():
    # the final id is the one the next request answers (a family flags the change: LIFECYCLE-115)
    events = [START, ev.ItemStarted(item_id="fc", kind="tool_call", name="f", call_id="c1"),
              ev.ToolCallDelta(item_id="fc", text="{}"),
              ev.ItemCompleted(item_id="fc", declared=ev.Declared(name="g", call_id="c2")), END]
    turn, _ = run(events)
    assert (turn.items[0].name, turn.items[0].call_id) == ("f", "c2")


def test_fold_equals_reducer_and_drops_findings():
    events = [START, *message("m", "a", "b"), END]
    assert fold(events) == run(events)[0]


def test_finish_is_idempotent():
    reducer = Reducer()
    for event in [START, *message("m", "x")]:
        reducer.apply(event)
    first = reducer.finish()
    count = len(reducer.findings)
    assert reducer.finish() is first
    assert len(reducer.findings) == count


def test_turn_status_from_stop_reasons():
    assert run([START, ev.TurnCompleted(stop="max_tokens")])[0].status == "incomplete"
    assert run([START, ev.TurnCompleted(stop="content_filter")])[0].status == "incomplete"
    assert run([START, ev.TurnCompleted(stop="error")])[0].status == "failed"
    assert run([START, ev.TurnCompleted(stop="stop_sequence")])[0].status == "completed"


def test_tool_results_are_recorded():
    turn, _ = run([START, ev.ToolResult(call_id="srv_1", output={"hits": 3}, executor="server"), END])
    assert [(r.call_id, r.output, r.executor) for r in turn.tool_results] == [("srv_1", {"hits": 3}, "server")]


# -- assembly findings ------------------------------------------------------------------------------------


def test_declared_text_differs_from_deltas():
    turn, reducer = run([START, *message("m", "Hel", "lo", declared={0: "Help"}), END])
    assert checks(reducer) == ["ASSEMBLY-001"]
    finding = reducer.findings[0]
    assert (finding.expected, finding.actual) == ("Help", "Hello")
    assert finding.location.frame == 4  # the item.completed event
    assert turn.items[0].text == {0: "Hello"}  # what was streamed stays


def test_declared_arguments_differ_from_fragments():
    turn, reducer = run([START, *call("fc", '{"a":', "1}", declared='{"a":2}'), END])
    assert checks(reducer) == ["ASSEMBLY-002"]
    assert (reducer.findings[0].expected, reducer.findings[0].actual) == ('{"a":2}', '{"a":1}')


def test_invalid_json_arguments_are_an_error():
    turn, reducer = run([START, *call("fc", '{"a": ', "tru"), ev.TurnCompleted(stop="tool_use")])
    assert checks(reducer) == ["ASSEMBLY-003"]
    assert reducer.findings[0].severity.value == "error"
    assert turn.items[0].arguments_valid is False
    assert turn.items[0].arguments_text == '{"a": tru'


def test_invalid_json_arguments_cut_by_max_tokens_are_a_warning():
    turn, reducer = run([START, *call("fc", '{"a": ', '"unfinished'), ev.TurnCompleted(stop="max_tokens")])
    assert checks(reducer) == ["ASSEMBLY-003"]
    assert reducer.findings[0].severity.value == "warning"
    assert turn.status == "incomplete"


@pytest.mark.parametrize("text", ["[1, 2]", '"text"', "3", "null", "true"])
def test_arguments_that_are_not_an_object(text):
    turn, reducer = run([START, *call("fc", text), END])
    assert checks(reducer) == ["ASSEMBLY-004"]
    assert turn.items[0].arguments_valid is False
    assert turn.items[0].arguments == json.loads(text)


def test_big_integers_in_arguments_stay_exact():
    turn, reducer = run([START, *call("fc", '{"n": 123456789012345678901234567890}'), END])
    assert reducer.findings == []
    assert turn.items[0].arguments == {"n": 123456789012345678901234567890}


# -- lifecycle findings -----------------------------------------------------------------------------------


def test_delta_for_unknown_item():
    turn, reducer = run([START, ev.TextDelta(item_id="ghost", text="boo"), ev.ItemCompleted(item_id="ghost"), END])
    assert checks(reducer) == ["LIFECYCLE-001"]
    assert reducer.findings[0].location.frame == 1
    assert turn.items[0].text == {0: "boo"}


def test_completion_of_unknown_item():
    turn, reducer = run([START, ev.ItemCompleted(item_id="ghost", declared=ev.Declared(text={0: "t"})), END])
    assert checks(reducer) == ["LIFECYCLE-001"]
    assert turn.items[0].text == {0: "t"} and turn.items[0].status == "completed"


def test_delta_after_item_completed():
    turn, reducer = run([START, *message("m", "a"), ev.TextDelta(item_id="m", text="late"), END])
    assert "LIFECYCLE-002" in checks(reducer)
    assert reducer.findings[0].location.frame == 4


def test_delta_after_item_completed_does_not_claim_it_never_completed():
    # The item did complete; a stray delta afterwards is LIFECYCLE-002, and the item's completion stands.
    turn, reducer = run([START, *message("m", "a"), ev.TextDelta(item_id="m", text="late"), END])
    assert checks(reducer) == ["LIFECYCLE-002"]
    assert turn.items[0].status == "completed"


def test_item_completed_twice():
    _, reducer = run([START, *message("m", "a"), ev.ItemCompleted(item_id="m"), END])
    assert checks(reducer) == ["LIFECYCLE-002"]


def test_duplicate_item_start():
    turn, reducer = run([START, ev.ItemStarted(item_id="m", kind="message"), ev.TextDelta(item_id="m", text="a"),
                         ev.ItemStarted(item_id="m", kind="message"), ev.TextDelta(item_id="m", text="b"),
                         ev.ItemCompleted(item_id="m"), END])
    assert checks(reducer) == ["LIFECYCLE-003"]
    assert len(turn.items) == 1
    assert turn.items[0].text == {0: "ab"}


def test_event_after_turn_completed():
    _, reducer = run([START, END, ev.ItemStarted(item_id="m", kind="message")])
    assert "LIFECYCLE-004" in checks(reducer)
    assert reducer.findings[0].location.frame == 2


def test_second_terminal_event():
    turn, reducer = run([START, END, ev.TurnCompleted(stop="max_tokens")])
    assert checks(reducer) == ["LIFECYCLE-004"]
    assert turn.stop == "end_turn"


def test_usage_and_error_after_completion_are_allowed():
    turn, reducer = run([START, END, ev.UsageReported(output_tokens=4)])
    assert reducer.findings == []
    assert turn.usage.output_tokens == 4


def test_no_terminal_event_is_truncation():
    turn, reducer = run([START, ev.ItemStarted(item_id="m", kind="message"), ev.TextDelta(item_id="m", text="par")])
    assert checks(reducer) == ["LIFECYCLE-005"]
    assert turn.status == "truncated"
    assert turn.items[0].status == "incomplete"
    assert turn.items[0].text == {0: "par"}


def test_error_without_terminal_is_a_failure_not_a_truncation():
    turn, reducer = run([START, ev.ErrorReported(code="overloaded_error", message="Overloaded", retryable=True)])
    assert checks(reducer) == []
    assert turn.status == "failed"
    assert turn.stop == "error"
    assert [(e.code, e.retryable) for e in turn.errors] == [("overloaded_error", True)]


def test_item_left_open_at_normal_end():
    turn, reducer = run([START, ev.ItemStarted(item_id="m", kind="message"), ev.TextDelta(item_id="m", text="x"),
                         END])
    assert checks(reducer) == ["LIFECYCLE-006"]
    assert turn.items[0].status == "incomplete"


def test_event_before_turn_started():
    turn, reducer = run([*message("m", "x"), END])
    assert checks(reducer) == ["LIFECYCLE-007"]
    assert turn.status == "completed"


def test_second_turn_start():
    _, reducer = run([START, *message("m", "x"), START, END])
    assert checks(reducer) == ["LIFECYCLE-007"]


def test_usage_output_tokens_decreasing():
    turn, reducer = run([START, ev.UsageReported(input_tokens=10, output_tokens=7),
                         ev.UsageReported(output_tokens=3), END])
    assert checks(reducer) == ["STATE-004"]
    assert reducer.findings[0].actual == 3
    assert turn.usage.input_tokens == 10  # fields not repeated are kept


def test_usage_growing_is_fine():
    turn, reducer = run([START, ev.UsageReported(output_tokens=1), ev.UsageReported(output_tokens=40), END])
    assert reducer.findings == []
    assert turn.usage.output_tokens == 40


# -- seeds (re-attached streams) ----------------------------------------------------------------------------


def test_seed_continues_partial_text_and_arguments():
    seed = Turn(response_id="resp_1", items=[
        Item(item_id="m", kind="message", text={0: "Hel"}),
        Item(item_id="fc", kind="tool_call", name="f", call_id="c", arguments_text='{"a": '),
        Item(item_id="done", kind="message", status="completed", text={0: "old"}),
    ])
    events = [ev.TextDelta(item_id="m", text="lo"), ev.ItemCompleted(item_id="m"),
              ev.ToolCallDelta(item_id="fc", text="1}"), ev.ItemCompleted(item_id="fc"), END]
    turn, reducer = run(events, seed=seed)
    assert reducer.findings == []
    assert turn.item("m").text == {0: "Hello"}
    assert turn.item("fc").arguments == {"a": 1}
    assert turn.item("done").text == {0: "old"}
    assert turn.status == "completed"
    assert seed.items[0].text == {0: "Hel"}  # the seed itself is not touched


def test_seed_completed_item_gets_no_more_deltas():
    seed = Turn(items=[Item(item_id="done", kind="message", status="completed", text={0: "old"})])
    _, reducer = run([ev.TextDelta(item_id="done", text="more"), END], seed=seed)
    assert "LIFECYCLE-002" in checks(reducer)


# -- arguments are parsed once, at completion ------------------------------------------------------------

JSON_LEAVES = (st.none() | st.booleans() | st.integers(-(2**80), 2**80)
               | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8))
JSON_OBJECTS = st.dictionaries(
    st.text(max_size=6),
    st.recursive(JSON_LEAVES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                           max_size=3), max_leaves=10),
    max_size=5,
)


@given(JSON_OBJECTS, st.booleans(), st.data())
def test_arguments_never_parsed_early(value, ascii_only, data):
    text = json.dumps(value, ensure_ascii=ascii_only)
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(text) - 1)), max_size=12)))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
    note(f"pieces={pieces!r}")
    reducer = Reducer()
    reducer.apply(START)
    reducer.apply(ev.ItemStarted(item_id="fc", kind="tool_call", name="f", call_id="c"))
    for piece in pieces:
        reducer.apply(ev.ToolCallDelta(item_id="fc", text=piece))
        item = reducer.turn.item("fc")
        assert item.arguments is None
        assert item.arguments_text is None
        reducer.partial_arguments("fc")  # never raises mid-stream
    assert reducer.partial_arguments("fc") == value  # the whole text, still open, reads as the object
    reducer.apply(ev.ItemCompleted(item_id="fc"))
    assert reducer.turn.item("fc").arguments == value
    assert reducer.partial_arguments("fc") == value
    reducer.apply(END)
    reducer.finish()
    assert reducer.findings == []


@given(JSON_OBJECTS)
def test_partial_arguments_of_every_prefix_never_raise(value):
    text = json.dumps(value)
    reducer = Reducer()
    reducer.apply(START)
    reducer.apply(ev.ItemStarted(item_id="fc", kind="tool_call"))
    for char in text:
        reducer.apply(ev.ToolCallDelta(item_id="fc", text=char))
        partial = reducer.partial_arguments("fc")
        assert partial is None or isinstance(partial, dict)


def test_partial_arguments_examples():
    reducer = Reducer()
    reducer.apply(START)
    reducer.apply(ev.ItemStarted(item_id="fc", kind="tool_call"))
    reducer.apply(ev.ToolCallDelta(item_id="fc", text='{"city": "Os'))
    assert reducer.partial_arguments("fc") == {"city": "Os"}
    reducer.apply(ev.ToolCallDelta(item_id="fc", text='lo", "days": [1, 2'))
    assert reducer.partial_arguments("fc") == {"city": "Oslo", "days": [1, 2]}
    assert reducer.partial_arguments("nope") is None


# -- the fold as a state machine --------------------------------------------------------------------------


class FoldMachine(RuleBasedStateMachine):
    """Valid event sequences only: the fold must stay silent and track every delta exactly."""

    def __init__(self) -> None:
        super().__init__()
        self.reducer = Reducer()
        self.reducer.apply(START)
        self.sent: dict[str, dict[int, list[str]]] = {}
        self.open: list[str] = []
        self.completed: dict[str, dict] = {}
        self.done = False
        self.count = 0

    def snapshot(self) -> Turn:
        """What the turn holds so far, folded to the end on a copy (the reducer itself goes on)."""
        return copy.deepcopy(self.reducer).finish()

    @precondition(lambda self: not self.done)
    @rule(kind=st.sampled_from(["message", "reasoning"]))
    def start_item(self, kind):
        item_id = f"item_{self.count}"
        self.count += 1
        self.reducer.apply(ev.ItemStarted(item_id=item_id, kind=kind))
        self.sent[item_id] = {}
        self.open.append(item_id)

    @precondition(lambda self: not self.done and self.open)
    @rule(data=st.data(), text=st.text(max_size=6), part=st.integers(0, 2))
    def delta(self, data, text, part):
        item_id = data.draw(st.sampled_from(self.open))
        kind = self.reducer.turn.item(item_id).kind
        event = (ev.TextDelta if kind == "message" else ev.ReasoningDelta)(item_id=item_id, part=part, text=text)
        self.reducer.apply(event)
        self.sent[item_id].setdefault(part, []).append(text)

    @precondition(lambda self: not self.done and self.open)
    @rule(data=st.data(), declare=st.booleans())
    def complete_item(self, data, declare):
        item_id = data.draw(st.sampled_from(self.open))
        kind = self.reducer.turn.item(item_id).kind
        finals = {part: "".join(texts) for part, texts in self.sent[item_id].items()}
        declared = ev.Declared(**{"text" if kind == "message" else "reasoning": finals}) if declare else ev.Declared()
        self.reducer.apply(ev.ItemCompleted(item_id=item_id, declared=declared))
        self.open.remove(item_id)
        self.completed[item_id] = self.reducer.turn.item(item_id).model_dump()

    @rule(tokens=st.integers(0, 5))
    def usage(self, tokens):  # also allowed after the terminal event
        previous = (self.reducer.turn.usage.output_tokens or 0) if self.reducer.turn.usage else 0
        self.reducer.apply(ev.UsageReported(output_tokens=previous + tokens))

    @precondition(lambda self: not self.done and not self.open)
    @rule()
    def complete_turn(self):
        self.reducer.apply(END)
        self.done = True

    @invariant()
    def no_findings(self):
        assert self.reducer.findings == []

    @invariant()
    def open_items_hold_what_was_sent(self):
        if not self.open:
            return
        turn = self.snapshot()
        for item_id in self.open:
            item = turn.item(item_id)
            channel = item.text if item.kind == "message" else item.reasoning
            assert channel == {part: "".join(texts) for part, texts in self.sent[item_id].items()}

    @invariant()
    def completed_items_never_change(self):
        for item_id, dump in self.completed.items():
            assert self.reducer.turn.item(item_id).model_dump() == dump

    @invariant()
    def items_in_start_order(self):
        assert [item.item_id for item in self.reducer.turn.items] == list(self.sent)

    def teardown(self):
        if self.done:
            turn = self.reducer.finish()
            assert self.reducer.findings == []
            assert turn.status == "completed"
            assert all(item.status == "completed" for item in turn.items)


TestFoldMachine = FoldMachine.TestCase


def test_declared_final_arguments_win_over_their_fragments_and_the_difference_is_reported() -> None:
    """When a provider's declared final disagrees with the fragments it streamed, the folded call holds the
    declared final (what the provider says the call is, and what its SDKs hand the application: the
    OpenAI SDK takes function_call_arguments.done, Anthropic's the block at content_block_stop), and
    ASSEMBLY-002 names both."""
    reducer = Reducer()
    for event in (ev.TurnStarted(), ev.ItemStarted(item_id="c", kind="tool_call", name="f", call_id="c"),
                  ev.ToolCallDelta(item_id="c", text='{"city": "Os'), ev.ToolCallDelta(item_id="c", text='lo"}'),
                  ev.ItemCompleted(item_id="c", declared=ev.Declared(arguments='{"city": "Bergen"}')),
                  ev.TurnCompleted(stop="tool_use")):
        reducer.apply(event)
    turn = reducer.finish()
    assert turn.items[0].arguments == {"city": "Bergen"}
    assert turn.items[0].arguments_text == '{"city": "Bergen"}'
    [difference] = [f for f in reducer.findings if f.check == "ASSEMBLY-002"]
    assert difference.expected == '{"city": "Bergen"}' and difference.actual == '{"city": "Oslo"}'
