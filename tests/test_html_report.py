"""The HTML report, read back as a document: its numbers are the model's, every link lands, every
stream has its picture, and nothing a cassette holds becomes markup."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness import events as ev
from harness.cassette import CassetteMeta
from harness.findings import Finding, Location, Severity, finding
from harness.report.html import FAMILIES, MAX_ROWS, render_html
from harness.report.model import CassetteReport, ExchangeReport, Summary
from harness.report.safe import printable
from harness.report.timeline import MAX_ITEM_LANES, Arrivals, render_timeline
from harness.run import check_paths
from harness.state import Turn

ROOT = Path(__file__).resolve().parents[1]
DELTAS = (ev.TextDelta, ev.ReasoningDelta, ev.RefusalDelta, ev.ToolCallDelta, ev.ToolCallFragment)
VOID = {"meta", "link", "br", "hr", "img", "input", "source", "wbr", "area", "base", "col", "embed", "track"}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        """Descendants by tag, class and attribute values (``data_x`` means ``data-x``)."""
        found = []
        for child in self.children:
            wanted = {key.replace("_", "-"): value for key, value in attrs.items()}
            if ((tag is None or child.tag == tag) and (cls is None or cls in child.classes)
                    and all(child.attrs.get(key) == value for key, value in wanted.items())):
                found.append(child)
            found += child.all(tag, cls, **attrs)
        return found

    def content(self) -> str:
        return "".join(self.text) + "".join(child.content() for child in self.children)


class Document(HTMLParser):
    """A small DOM from the standard library's parser: enough to walk the report's structure."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {})
        self.ids: dict[str, Node] = {}
        self.tags: Counter[str] = Counter()
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {key: value or "" for key, value in attrs}, self.current)
        self.current.children.append(node)
        self.tags[tag] += 1
        if "id" in node.attrs:
            assert node.attrs["id"] not in self.ids, f"duplicate id {node.attrs['id']}"
            self.ids[node.attrs["id"]] = node
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.current = self.current.parent or self.root

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None and node.parent is not None, f"</{tag}> closes nothing"
        self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.text.append(data)


def walk(node: Node) -> list[Node]:
    return [node] + [descendant for child in node.children for descendant in walk(child)]


def ancestor(node: Node, tag: str, cls: str | None = None) -> Node | None:
    parent = node.parent
    while parent is not None and not (parent.tag == tag and (cls is None or cls in parent.classes)):
        parent = parent.parent
    return parent


@pytest.fixture(scope="module")
def shipped() -> tuple[list[CassetteReport], Document]:
    reports = check_paths([ROOT / "cassettes"], keep_events=True)
    return reports, Document(render_html(reports).decode("utf-8"))


def test_the_summary_numbers_are_the_model_s(shipped: tuple[list[CassetteReport], Document]) -> None:
    reports, page = shipped
    shown = {node.attrs["data-summary"]: int(node.content())
             for node in page.root.all("dd") if "data-summary" in node.attrs}
    assert shown == asdict(Summary.of(reports))
    info = page.root.all("dd", data_count="info")[0]
    assert int(info.content()) == sum(report.count(Severity.info) for report in reports)
    verdict = page.root.all("p", cls="banner")[0].attrs["data-verdict"]
    assert verdict == {0: "pass", 1: "fail", 3: "crash"}[Summary.of(reports).exit_code] == "pass"


def test_the_family_chips_and_the_matrix_count_every_finding(shipped: tuple[list[CassetteReport], Document]) -> None:
    reports, page = shipped
    expected: Counter[tuple[str, str]] = Counter()
    for report in reports:
        for item in report.findings:
            kind = "expected" if report.is_expected(item) else item.severity.value
            expected[item.check.rsplit("-", 1)[0], kind] += 1
    matrix = page.ids["matrix"]
    heads = [th.content() for th in matrix.all("th") if "data-family" in th.attrs]
    assert heads[: len(FAMILIES)] == list(FAMILIES)
    providers = {row.attrs["data-provider"] for row in matrix.all("tr") if "data-provider" in row.attrs}
    assert providers == {x.provider for report in reports for x in report.exchanges if x.provider}
    counted: Counter[tuple[str, str]] = Counter()
    for cell in matrix.all("td", cls="cell"):
        for number in cell.all("span", cls="n"):
            counted[cell.attrs["data-family"], number.attrs["data-kind"]] += int(number.content())
    assert counted == expected
    chips = {chip.attrs["data-family"]: int(chip.all("b")[0].content()) for chip in page.root.all("span", cls="chip")}
    assert {family: chips[family] for family in chips if chips[family]} == {
        family: sum(n for (f, _), n in expected.items() if f == family) for family, _ in expected}


def test_every_finding_links_to_an_anchor_that_exists(shipped: tuple[list[CassetteReport], Document]) -> None:
    reports, page = shipped
    links = page.root.all("a", cls="goto")
    assert len(links) == sum(len(report.findings) for report in reports)
    for link in links:
        target = page.ids.get(link.attrs["href"].removeprefix("#"))
        assert target is not None, link.attrs["href"]
        row = ancestor(link, "tr", "finding")
        assert row is not None and ancestor(target, "details", "cassette") is ancestor(row, "details", "cassette")
        frame = re.search(r"frame (\d+)", link.content())
        if frame:  # the row of that very native event, which links back to the finding
            assert target.tag == "tr" and target.all("td")[0].content() == frame.group(1)
            assert "#" + row.attrs["id"] in {a.attrs["href"] for a in target.all("a")}
    pointing = [link for link in links if re.search(r"frame \d+", link.content())]
    assert len(pointing) >= 100  # the shipped set exercises this well


def test_each_exchange_with_events_has_a_timeline_with_a_lane_per_item(
        shipped: tuple[list[CassetteReport], Document]) -> None:
    reports, page = shipped
    drawn = 0
    for number, report in enumerate(reports):
        for position, exchange in enumerate(report.exchanges):
            section = page.ids[f"c{number}-x{position}"]
            svgs = section.all("svg", cls="timeline")
            if not exchange.events:
                assert not svgs and "No timeline" in section.content()
                continue
            items = list(dict.fromkeys(e.item_id for e in exchange.events if hasattr(e, "item_id")))
            (svg,) = svgs
            lanes = [lane.attrs["data-item-id"] for lane in svg.all("g", cls="lane") if "item" in lane.classes]
            assert lanes == [printable(item) for item in items]
            deltas = [e for e in exchange.events if isinstance(e, DELTAS)]
            assert bool(svg.all("line", cls="tick")) == bool(deltas)
            marks = svg.all("g", cls="finding")
            assert all(ancestor(mark, "a") is not None for mark in marks)
            drawn += 1
    assert drawn > 150


def test_order_findings_are_marked_on_the_timeline(shipped: tuple[list[CassetteReport], Document]) -> None:
    reports, page = shipped
    number = next(n for n, r in enumerate(reports) if r.path.endswith("sequence-gap-duplicate-reorder.yaml"))
    svg = page.ids[f"c{number}-x0"].all("svg", cls="timeline")[0]
    marked = {label.content() for label in svg.all("text", cls="mark-label")}
    assert {"ORDER-003", "ORDER-004", "ORDER-005"} <= marked
    for mark in svg.all("g", cls="finding"):
        assert ancestor(mark, "a").attrs["href"].removeprefix("#") in page.ids  # type: ignore[union-attr]


def test_a_finding_on_a_native_event_that_became_nothing_gets_a_row() -> None:
    report = check_paths([ROOT / "cassettes" / "bedrock-converse" / "truncated-stream.yaml"], keep_events=True)[0]
    page = Document(render_html([report]).decode())
    row = page.ids["c0-x0-f4"]
    assert "no canonical event" in row.content() and "WIRE-003" in row.content()


def test_no_event_log_says_why_there_is_no_timeline() -> None:
    report = check_paths([ROOT / "cassettes" / "anthropic-messages" / "tool-use-resume.yaml"], keep_events=False)[0]
    page = Document(render_html([report]).decode())
    assert not page.root.all("svg", cls="timeline")
    assert "the canonical event log was not kept" in page.ids["c0-x0"].content()


def test_arrival_times_give_a_time_axis() -> None:
    events: list[ev.CanonicalEvent] = [
        ev.TurnStarted(seq=0, origin=ev.Origin(0, 0, 0)),
        ev.ItemStarted(seq=1, item_id="m", kind="message", origin=ev.Origin(0, 1, 40)),
        ev.TextDelta(seq=2, item_id="m", text="a", origin=ev.Origin(0, 2, 80)),
        ev.TextDelta(seq=3, item_id="m", text="b", origin=ev.Origin(0, 3, 120)),
        ev.ItemCompleted(seq=4, item_id="m", origin=ev.Origin(0, 4, 160)),
    ]
    stalled = Arrivals(chunks=[100], times=[0.0, 2.5])  # the second piece (from byte 100) came 2.5 s later
    svg = Document(render_timeline(events, arrivals=stalled)).root.all("svg")[0]
    assert svg.attrs["data-axis"] == "time"
    xs = sorted(float(t.attrs["x1"]) for t in svg.all("line", cls="tick"))
    assert len(xs) == 2 and xs[1] - xs[0] > 500  # the stall shows as a gap across most of the plot
    assert "seconds from the first byte" in svg.content()
    assert Document(render_timeline(events)).root.all("svg")[0].attrs["data-axis"] == "order"

    @dataclass(slots=True)
    class Timed(ExchangeReport):  # a report that carries the response's chunk times
        chunks: list[int] = field(default_factory=list)
        times: list[float] | None = None

    exchange = Timed(index=0, provider="openai-responses", method="POST", uri="/", events=events, event_count=5,
                     chunks=[100], times=[0.0, 2.5])
    page = Document(render_html([CassetteReport(path="t.yaml", meta=CassetteMeta(), exchanges=[exchange])]).decode())
    assert page.root.all("svg", cls="timeline")[0].attrs["data-axis"] == "time"


def test_a_huge_stream_draws_a_bounded_picture_and_table() -> None:
    deltas = [ev.TextDelta(seq=i + 1, item_id=f"m{i % 100}", text="x", origin=ev.Origin(0, i, i * 10))
              for i in range(5_000)]
    events: list[ev.CanonicalEvent] = [ev.TurnStarted(seq=0, origin=ev.Origin(0, 0, 0)), *deltas]
    svg = render_timeline(events)
    page = Document(svg)
    assert len(page.root.all("g", cls="item")) == MAX_ITEM_LANES and "60 more items not drawn" in svg
    assert len(page.root.all("line", cls="tick")) <= MAX_ITEM_LANES * 1100
    exchange = ExchangeReport(index=0, provider="openai-responses", method="POST", uri="/", events=events,
                              event_count=len(events))
    html = render_html([CassetteReport(path="huge.yaml", meta=CassetteMeta(), exchanges=[exchange])])
    assert len(Document(html.decode()).ids["c0-x0"].all("tr")) <= MAX_ROWS + 3
    assert len(html) < 5_000_000


def test_failures_come_first_and_a_crash_is_shown() -> None:
    clean = CassetteReport(path="a.yaml", meta=CassetteMeta(provider="openai-chat"))
    broken = CassetteReport(path="b.yaml", meta=CassetteMeta(provider="openai-chat"),
                            findings=[finding("LIFECYCLE-005", "the stream ended", Location(exchange=7))])
    crashed = CassetteReport(path="c.yaml", meta=CassetteMeta(), crash="KeyError: 'x' (at y.py:1)")
    page = Document(render_html([clean, broken, crashed]).decode())
    order = [box.attrs["data-verdict"] for box in page.root.all("details", cls="cassette")]
    assert order == ["crash", "fail", "pass"]
    assert "KeyError" in page.ids["c2"].content()
    assert page.root.all("a", cls="goto")[0].attrs["href"] == "#c1"  # no exchange 7: the cassette itself
    assert page.root.all("p", cls="banner")[0].attrs["data-verdict"] == "crash"
    assert Document(render_html([]).decode()).root.all("dd", data_summary="cassettes")[0].content() == "0"


def test_the_page_needs_no_network() -> None:
    page = render_html(check_paths([ROOT / "cassettes" / "gemini"], keep_events=True)).decode()
    tags = Document(page).tags
    assert tags["script"] == 1 and tags["style"] == 1 and not tags["link"] and not tags["img"] and not tags["iframe"]
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "@import" not in page and "url(" not in page


# -- hostile strings --------------------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=30)
MARKUP = st.sampled_from(["<script>alert(1)</script>", "</textarea><script>x</script>", "<img src=x onerror=alert(1)>",
                          '"><svg onload=alert(1)>', "</title><script>", "<!--", "]]>", "&lt;script&gt;", "\u202e",
                          "\x00\x1b[2J", "\ud800", "javascript:alert(1)", "</details></section><h1>owned</h1>"])
HOSTILE = st.one_of(ANY_TEXT, MARKUP, st.builds("".join, st.lists(st.one_of(ANY_TEXT, MARKUP), max_size=4)))


def hostile_report(text: str, other: str) -> CassetteReport:
    origin = ev.Origin(exchange=0, frame=1, offset=9, native_type=text, native_seq=1)
    events: list[ev.CanonicalEvent] = [
        ev.TurnStarted(seq=0, response_id=text, origin=origin),
        ev.ItemStarted(seq=1, item_id=text, kind="tool_call", name=other, call_id=text, origin=origin),
        ev.ToolCallDelta(seq=2, item_id=text, text=other, origin=origin),
        ev.TextDelta(seq=3, item_id=other, text=text, origin=ev.NO_ORIGIN),
        ev.Interrupt(seq=4, kind="tool_calls", pending=[text, other], origin=origin),
        ev.ErrorReported(seq=5, code=text, message=other, origin=origin),
        ev.TurnCompleted(seq=6, stop="error", native_stop=text, origin=origin),
    ]
    found = [Finding(check=text, severity=Severity.error, message=other, expected={text: other}, actual=text,
                     location=Location(cassette=text, exchange=0, frame=1, offset=9, native_type=text, path=other)),
             finding("ORDER-004", text, Location(exchange=0, frame=2, native_type=other, seq=1))]
    exchange = ExchangeReport(index=0, provider=other, method=text, uri=other, events=events, event_count=len(events),
                              turn=Turn(status="failed", stop="error", native_stop=text), findings=found,
                              dropped={text: 3})
    meta = CassetteMeta(provider=text, scenario=other, description=text, written_by=other, sources=[text],
                        expect=[other])
    return CassetteReport(path=text, meta=meta, exchanges=[exchange], findings=found, crash=other or None)


@settings(max_examples=80, deadline=None)
@given(text=HOSTILE, other=HOSTILE)
def test_nothing_a_cassette_holds_becomes_markup(text: str, other: str) -> None:
    data = render_html([hostile_report(text, other)])
    page = data.decode("utf-8")  # valid UTF-8: no lone surrogate survived
    assert len(re.findall("<script", page, re.IGNORECASE)) == 1  # only the page's own script
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", page)
    document = Document(page)
    assert document.tags["script"] == 1 and not document.tags["img"] and not document.tags["h1"] - 1
    assert not any(key.startswith("on") for node in walk(document.root) for key in node.attrs)
    assert document.root.all("code", cls="path")[0].content() == printable(text)  # shown as text, exactly
    lane = document.root.all("g", cls="item")[0]
    assert lane.attrs["data-item-id"] == printable(text)
