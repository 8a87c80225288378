"""harness/compare.py and `harness compare`: recordings of one turn fold to the same meaning, and every
difference is named with both values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness import registry
from harness.cli import main
from harness.compare import Told, compare_across, compare_reports, compare_turns, meaning
from harness.pipeline import check_path, run_body
from harness.state import ErrorInfo, Item, ToolResultState, Turn

AGENT = Path(__file__).resolve().parents[1] / "cassettes" / "agent-session"
MODES = [AGENT / f"same-turn-{mode}.yaml" for mode in ("delta", "message", "none")]


def turn(text: str = "It is 18°C.", arguments: object = None, call_id: str = "call_1", output: object = "18°C",
         stop: str = "end_turn") -> Turn:
    return Turn(stop=stop, items=[  # type: ignore[arg-type]
        Item(item_id="r", kind="reasoning", reasoning={0: "Weather?"}),
        Item(item_id=f"item-{call_id}", kind="tool_call", name="web_search", call_id=call_id,
             arguments={"q": "Tokyo"} if arguments is None else arguments),
        Item(item_id="m", kind="message", text={0: text[:3], 1: text[3:]}),
    ], tool_results=[ToolResultState(call_id=call_id, output=output)])


def test_meaning_is_what_the_turn_says() -> None:
    assert meaning(turn()) == {"text": "It is 18°C.", "reasoning": "Weather?", "refusal": "",
                               "tool_calls": [{"name": "web_search", "arguments": {"q": "Tokyo"}, "results": ["18°C"]}],
                               "stop": "end_turn", "errors": []}


def test_ids_do_not_count() -> None:
    assert compare_turns([Told("a", None, turn(call_id="toolu_1")), Told("b", 3, turn(call_id="fc_9"))]) == []


@pytest.mark.parametrize(("other", "path", "expected", "actual"), [
    (turn(text="It is 19°C."), "text", "It is 18°C.", "It is 19°C."),
    (turn(arguments={"q": "Osaka"}), "tool_calls[0].arguments", {"q": "Tokyo"}, {"q": "Osaka"}),
    (turn(output="19°C"), "tool_calls[0].results", ["18°C"], ["19°C"]),
    (turn(stop="max_tokens"), "stop", "end_turn", "max_tokens"),
    (turn().model_copy(update={"errors": [ErrorInfo(message="boom")]}), "errors", [], ["boom"]),
    (turn().model_copy(update={"items": turn().items[::2]}), "tool_calls", ["web_search"], []),
])
def test_each_difference_is_named_with_both_values(other: Turn, path: str, expected: object, actual: object) -> None:
    [difference] = compare_turns([Told("ref.yaml", 0, turn()), Told("other.yaml", 1, other)])
    assert difference.check == "STATE-005" and difference.location.path == path
    assert (difference.expected, difference.actual) == (expected, actual)
    assert difference.location.cassette == "other.yaml" and difference.location.exchange == 1
    assert "ref.yaml #0" in difference.message and "other.yaml #1" in difference.message


def test_two_vendors_on_one_scenario() -> None:
    """The same canonical turn written by two vendors' encoders (their own call ids) folds the same."""
    def told(family: str, call_id: str) -> Told:
        scenario = Turn(response_id="resp_1", stop="tool_use", items=[
            Item(item_id="m", kind="message", text={0: "Let me check."}),
            Item(item_id="c", kind="tool_call", executor="client", name="get_weather", call_id=call_id,
                 arguments={"city": "Paris"})])
        provider = registry.get(family)
        report = run_body(family, provider.to_wire(provider.encode(scenario)))
        return Told(family, None, report.turn)

    assert compare_turns([told("anthropic-messages", "toolu_01"), told("openai-responses", "call_abc")]) == []


def test_the_three_mode_cassettes_fold_to_the_same_turn() -> None:
    reports = [check_path(path) for path in MODES]
    assert all(report.verdict == "pass" for report in reports)
    assert compare_reports(reports) == []
    assert compare_reports([check_path(AGENT / "same-turn-three-modes.yaml")]) == []


def test_a_changed_recording_is_reported(tmp_path: Path) -> None:
    changed = tmp_path / "same-turn-message.yaml"
    changed.write_text(MODES[1].read_text(encoding="utf-8").replace('"input":{"query":"Tokyo weather today"}',
                                                                    '"input":{"query":"Osaka weather"}'),
                       encoding="utf-8")
    [difference] = compare_reports([check_path(MODES[0]), check_path(changed), check_path(MODES[2])])
    assert difference.location.path == "tool_calls[0].arguments"
    assert difference.actual == {"query": "Osaka weather"} and difference.location.cassette == str(changed)


def test_conversations_of_different_length_are_reported() -> None:
    reports = [check_path(AGENT / "app-tool-resume.yaml"), check_path(AGENT / "text-delta.yaml")]
    found = compare_reports(reports)
    assert found[0].location.path == "turns" and (found[0].expected, found[0].actual) == (4, 1)


def test_nothing_to_compare_is_a_usage_error() -> None:
    with pytest.raises(ValueError, match="two or more"):
        compare_reports([check_path(MODES[0])])


# -- the command --------------------------------------------------------------------------------------------------


def test_cli_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    same = runner.invoke(main, ["compare", *map(str, MODES)])
    assert same.exit_code == 0, same.output
    assert "the same canonical turns" in same.output
    differ = runner.invoke(main, ["compare", str(AGENT / "broken-modes-disagree.yaml")])
    assert differ.exit_code == 1 and "STATE-005" in differ.output and "19°C" in differ.output
    lonely = runner.invoke(main, ["compare", str(MODES[0])])
    assert lonely.exit_code == 2
    missing = runner.invoke(main, ["compare", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2


def test_cli_json() -> None:
    result = CliRunner().invoke(main, ["compare", "--json", str(AGENT / "broken-modes-disagree.yaml")])
    assert result.exit_code == 1
    [difference] = json.loads(result.output)
    assert difference["check"] == "STATE-005" and difference["location"]["path"] == "text"


# -- across families -------------------------------------------------------------------------------------------


def _scenario(call_ids: tuple[str, ...] = ("call_1", "call_2"), output_tokens: int = 9) -> Turn:
    from harness.state import Usage

    return Turn(response_id="resp_1", model="m", stop="tool_use", usage=Usage(input_tokens=12, output_tokens=output_tokens),
                items=[Item(item_id="m", kind="message", text={0: "Checking both."}),
                       *(Item(item_id=f"c{n}", kind="tool_call", executor="client", name="get_weather", call_id=call_id,
                              arguments={"city": city})
                         for n, (call_id, city) in enumerate(zip(call_ids, ("Paris", "Oslo"))))])


def test_across_families_ids_may_be_renamed_one_to_one() -> None:
    crossing = compare_across(Told("a", 0, _scenario(("toolu_1", "toolu_2"))), Told("b", 0, _scenario()))
    assert crossing.findings == [] and crossing.ids == {"toolu_1": "call_1", "toolu_2": "call_2"}
    [merged] = compare_across(Told("a", 0, _scenario(("toolu_1", "toolu_2"))), Told("b", 0, _scenario(("x", "x")))).findings
    assert merged.location.path == "tool_calls[1].call_id" and "already the id of toolu_1" in merged.message
    [broken] = compare_across(Told("a", 1, _scenario()), Told("b", 1, _scenario(("y", "call_2"))),
                              ids={"call_1": "call_1"}).findings  # a renaming must hold for the whole conversation
    assert (broken.location.path, broken.expected, broken.actual) == ("tool_calls[0].call_id", "call_1", "y")


def test_across_families_usage_counts_where_both_report_it() -> None:
    [usage] = compare_across(Told("a", 0, _scenario()), Told("b", 0, _scenario(output_tokens=18))).findings
    assert (usage.check, usage.location.path, usage.expected, usage.actual) == ("STATE-005", "usage.output_tokens", 9, 18)
    silent = _scenario().model_copy(update={"usage": None})
    assert compare_across(Told("a", 0, _scenario()), Told("b", 0, silent)).findings == []
    assert compare_across(Told("a", 0, _scenario()), Told("b", 0, _scenario(output_tokens=18)), aspects=["text"]).findings == []
    with pytest.raises(ValueError, match="unknown aspect"):
        compare_across(Told("a", 0, _scenario()), Told("b", 0, _scenario()), aspects=["colour"])


def test_cli_compares_one_turn_recorded_in_two_families(tmp_path: Path) -> None:
    from harness.keep import keep_stream

    def kept(family: str, turn: Turn) -> str:
        provider = registry.get(family)
        return str(keep_stream(provider.to_wire(provider.encode(turn)), family, tmp_path / f"{family}.yaml"))

    same = [kept("anthropic-messages", _scenario(("toolu_1", "toolu_2"))), kept("openai-chat", _scenario())]
    result = CliRunner().invoke(main, ["compare", *same])
    assert result.exit_code == 0, result.output
    other = kept("openai-responses", _scenario().model_copy(update={"stop": "end_turn", "items": _scenario().items[:2]}))
    differ = CliRunner().invoke(main, ["compare", "--json", same[0], other])
    assert differ.exit_code == 1
    assert {item["location"]["path"] for item in json.loads(differ.output)} >= {"tool_calls"}
