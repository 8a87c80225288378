"""``harness profile``: vendor behaviour read off recordings, checked against streams whose behaviour
is known because the test writes them."""

from __future__ import annotations

from pathlib import Path

from harness.pipeline import run_body
from harness.report.model import CassetteReport
from harness.report.profile import profile, profile_data, profile_html, profile_markdown
from harness.cassette import CassetteMeta
from harness import registry
from harness.state import Item, Turn

ROOT = Path(__file__).resolve().parents[1]


def report_of(family: str, turn: Turn, cut: int) -> CassetteReport:
    provider = registry.get(family)
    natives = provider.encode(turn, lambda text: [text[k:k + cut] for k in range(0, len(text), cut)] or [""])
    exchange = run_body(family, provider.to_wire(natives), keep_events=True)
    return CassetteReport(path=f"{family}.sse", meta=CassetteMeta(scenario="weather"), exchanges=[exchange],
                          findings=exchange.findings)


def weather(calls: int) -> Turn:
    items = [Item(item_id=f"c{n}", kind="tool_call", name="get_weather", call_id=f"call_{n}", status="completed",
                  executor="client", arguments_text='{"city": "Oslo", "unit": "celsius"}',
                  arguments={"city": "Oslo", "unit": "celsius"}, arguments_valid=True) for n in range(calls)]
    return Turn(response_id="resp_profile01", status="interrupted", stop="tool_use", items=items)


def test_profiles_read_what_the_streams_did() -> None:
    reports = [report_of("openai-responses", weather(2), cut=5), report_of("anthropic-messages", weather(1), cut=12)]
    by_vendor = {vendor.vendor: vendor.data() for vendor in profile(reports)}
    responses, anthropic = by_vendor["openai-responses"], by_vendor["anthropic-messages"]
    assert responses["sequence_numbers"] == {"exchanges": 1, "starts": {0: 1}, "contiguous": 1}
    assert anthropic["sequence_numbers"]["exchanges"] == 0
    assert responses["argument_fragments"]["p50"] == 5 and responses["argument_fragments"]["calls"] == 2
    assert anthropic["argument_fragments"]["p95"] == 12
    assert responses["parallel_call_turns"] == 1 and anthropic["parallel_call_turns"] == 0
    assert responses["scenarios"] == ["weather"]


def test_profile_views_show_every_vendor_side_by_side() -> None:
    reports = [report_of("openai-chat", weather(1), cut=4), report_of("gemini", weather(1), cut=4)]
    profiles = profile(reports)
    markdown = profile_markdown(profiles)
    assert "| behaviour | gemini | openai-chat |" in markdown
    page = profile_html(profiles)
    assert page.count("<th>gemini</th>") == 1 and "<script" not in page
    assert [v["vendor"] for v in profile_data(profiles)["vendors"]] == ["gemini", "openai-chat"]


def test_the_committed_example_profile_is_current() -> None:
    from harness.run import check_paths

    expected = profile_markdown(profile(check_paths([ROOT / "cassettes"], keep_events=True)))
    committed = (ROOT / "reports" / "profile.md").read_text(encoding="utf-8")
    assert committed == expected, "reports/profile.md is stale: run `harness profile cassettes/ --markdown reports/profile.md`"
