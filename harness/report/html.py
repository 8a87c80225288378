"""One self-contained HTML page of a run, to open offline or attach to a CI run.

Summary, a provider x check-family matrix, then per cassette (failures first, each collapsed) its
findings, each linked to the native event it points at, and per exchange a timeline and the event
table. No network: CSS, script and pictures are inline, and every string from data is escaped
(``printable``, then HTML), so a payload holding markup stays text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.resources import files

from harness import __version__
from harness import events as ev
from harness.findings import Finding, Location, Severity
from harness.report.model import CassetteReport, ExchangeReport, Skipped, Summary
from harness.report.safe import escaped, json_bytes
from harness.report.timeline import Arrivals, clip, detail, legend, render_timeline

FAMILIES = ("WIRE", "SCHEMA", "ORDER", "LIFECYCLE", "ASSEMBLY", "RESUME", "STATE", "CASSETTE")
KINDS = ("error", "warning", "info", "expected")  # a matrix cell: undeclared findings by severity, then declared ones
NO_FAMILY = "(no family)"
MAX_ROWS = 400  # event table rows per exchange beyond the ones findings point at
MAX_EVENTS_PER_ROW = 12
MAX_VALUE = 1000
_STATIC = files("harness.report") / "static"


def render_html(reports: Sequence[CassetteReport], skipped: Sequence[Skipped] = ()) -> bytes:
    """The page, as UTF-8 bytes (nothing in it can fail to encode: ``printable`` removed surrogates).
    ``skipped``: the files of a folder walk that are no cassette, counted in the summary."""
    summary = Summary.of(reports, len(skipped))
    body = "".join((_header(summary), _summary(reports, summary), _matrix(reports), _cassettes(reports)))
    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Conformance report: {summary.cassettes} cassettes, {_verdict(summary)}</title>"
            f"<style>{(_STATIC / 'report.css').read_text(encoding='utf-8')}</style></head>"
            f"<body>{body}<script>{(_STATIC / 'report.js').read_text(encoding='utf-8')}</script></body></html>\n")
    return page.encode("utf-8")


def _verdict(summary: Summary) -> str:
    """The run's verdict, worst first, as its exit status tells it."""
    return "crash" if summary.crashed else "fail" if summary.failed else "pass"


def _family(check: str) -> str:
    return check.rsplit("-", 1)[0]


def _kind(report: CassetteReport, item: Finding) -> str:
    return "expected" if report.is_expected(item) else item.severity.value


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# -- summary and matrix -------------------------------------------------------------------------------------


def _header(summary: Summary) -> str:
    verdict = _verdict(summary)
    says = {"pass": "every cassette passed: no undeclared error",
            "fail": f"{_plural(summary.failed, 'cassette')} with an undeclared error",
            "crash": f"the harness crashed on {_plural(summary.crashed, 'cassette')} (a harness bug: please report it)"}
    return (f'<header><h1>Conformance report</h1><p class="banner {verdict}" data-verdict="{verdict}">'
            f'<span class="badge {verdict}">{verdict}</span> {escaped(says[verdict])}</p>'
            f'<p class="version">provider-conformance-harness {escaped(__version__)}</p></header>')


def _summary(reports: Sequence[CassetteReport], summary: Summary) -> str:
    cards = [("cassettes", summary.cassettes, ""), ("passed", summary.passed, "pass"),
             ("failed", summary.failed, "fail" if summary.failed else ""),
             ("crashed", summary.crashed, "crash" if summary.crashed else ""),
             ("errors", summary.errors, "error" if summary.errors else ""),
             ("warnings", summary.warnings, "warning" if summary.warnings else ""),
             ("expected", summary.expected, "expected"),
             ("unchecked", summary.unchecked, "warning" if summary.unchecked else ""),
             ("skipped", summary.skipped, "warning" if summary.skipped else "")]
    info = sum(report.count(Severity.info) for report in reports)
    out = ['<section id="summary"><h2>Summary</h2><dl class="cards">']
    out += [f'<div class="card {css}"><dt>{name}</dt><dd data-summary="{name}">{value}</dd></div>'
            for name, value, css in cards]
    out.append(f'<div class="card"><dt>info</dt><dd data-count="info">{info}</dd></div></dl>')
    out.append('<p class="explain">errors, warnings and info count findings the cassettes do not declare; '
               "expected counts the declared ones (<code>harness.expect</code>), which do not fail a run; "
               "unchecked counts exchanges no family recognised; skipped counts files of a folder that are no "
               "cassette in any supported format.</p>")
    totals = _family_totals(reports)
    out.append('<p class="families">By check family: ')
    out += [f'<span class="chip {_worst(totals[family])}" data-family="{escaped(family)}">{escaped(family)} '
            f'<b>{sum(totals[family].values())}</b></span>' for family in _columns(totals)]
    out.append("</p></section>")
    return "".join(out)


def _worst(cell: Counter[str]) -> str:
    return next((kind for kind in KINDS if cell[kind]), "clean")


def _family_totals(reports: Sequence[CassetteReport]) -> dict[str, Counter[str]]:
    totals: dict[str, Counter[str]] = {family: Counter() for family in FAMILIES}
    for report in reports:
        for item in report.findings:
            totals.setdefault(_family(item.check), Counter())[_kind(report, item)] += 1
    return totals


def _columns(cells: dict[str, Counter[str]]) -> list[str]:
    """The eight families, then any other a plug-in's checks use, so no finding goes uncounted."""
    return [*FAMILIES, *sorted(set(cells) - set(FAMILIES))]


@dataclass(slots=True)
class _Row:
    cassettes: set[int] = field(default_factory=set)
    failing: set[int] = field(default_factory=set)
    cells: dict[str, Counter[str]] = field(default_factory=dict)


def _home(report: CassetteReport) -> str:
    """The family a cassette-level finding counts under."""
    return report.meta.provider or next((x.provider for x in report.exchanges if x.provider), None) or NO_FAMILY


def _matrix_rows(reports: Sequence[CassetteReport]) -> dict[str, _Row]:
    rows: dict[str, _Row] = {}
    for number, report in enumerate(reports):
        home = _home(report)
        providers = {exchange.index: exchange.provider or home for exchange in report.exchanges}
        for name in {home, *providers.values()}:
            row = rows.setdefault(name, _Row())
            row.cassettes.add(number)
            if report.verdict != "pass":
                row.failing.add(number)
        for item in report.findings:
            name = providers.get(item.location.exchange, home) if item.location.exchange is not None else home
            rows[name].cells.setdefault(_family(item.check), Counter())[_kind(report, item)] += 1
    return dict(sorted(rows.items()))


def _matrix(reports: Sequence[CassetteReport]) -> str:
    rows = _matrix_rows(reports)
    columns = _columns({family: Counter() for row in rows.values() for family in row.cells})
    key = "".join(f'<span class="n {kind}">{kind}</span>' for kind in KINDS)
    out = ['<section id="matrix-section"><h2>Provider × check family</h2>',
           f'<p class="explain">Findings per provider family and check family: {key}</p>',
           ('<div class="scroll"><table id="matrix" class="matrix"><thead><tr><th scope="col">provider</th>'
            '<th scope="col">cassettes</th>')]
    out += [f'<th scope="col" data-family="{escaped(family)}">{escaped(family)}</th>' for family in columns]
    out.append("</tr></thead><tbody>")
    for name, row in rows.items():
        failing = f' <span class="n fail">{len(row.failing)} failing</span>' if row.failing else ""
        out.append(f'<tr data-provider="{escaped(name)}"><th scope="row">{escaped(name)}</th>'
                   f'<td class="num">{len(row.cassettes)}{failing}</td>')
        out += [_cell(row.cells.get(family, Counter()), family) for family in columns]
        out.append("</tr>")
    out.append("</tbody></table></div></section>")
    return "".join(out)


def _cell(cell: Counter[str], family: str) -> str:
    if not sum(cell.values()):
        return f'<td class="cell clean" data-family="{escaped(family)}">·</td>'
    counts = "".join(f'<span class="n {kind}" data-kind="{kind}" title="{cell[kind]} {kind}">{cell[kind]}</span>'
                     for kind in KINDS if cell[kind])
    return f'<td class="cell {_worst(cell)}" data-family="{escaped(family)}">{counts}</td>'


# -- cassettes --------------------------------------------------------------------------------------------


def _cassettes(reports: Sequence[CassetteReport]) -> str:
    order = sorted(range(len(reports)), key=lambda i: reports[i].rank)
    toolbar = ('<div class="toolbar"><button type="button" data-action="expand">expand all</button>'
               '<button type="button" data-action="collapse">collapse all</button></div>')
    out = ['<section id="cassettes"><h2>Cassettes</h2>', toolbar, legend()]
    out += [_cassette(number, reports[number]) for number in order]
    out.append("</section>")
    return "".join(out)


def _cassette(number: int, report: CassetteReport) -> str:
    verdict = report.verdict
    anchor = f"c{number}"
    counts = [_plural(report.count(Severity.error), "error"), _plural(report.count(Severity.warning), "warning"),
              f"{report.expected_count} expected"]
    out = [(f'<details class="cassette {verdict}" id="{anchor}" data-verdict="{verdict}"><summary>'
            f'<span class="badge {verdict}">{verdict}</span> <code class="path">{escaped(report.path)}</code> '
            f'<span class="provider">{escaped(report.provider or "?")}</span>'
            f'<span class="counts">{" · ".join(counts)}</span></summary><div class="body">')]
    out.append(_meta(report))
    if report.crash is not None:
        out.append(f'<pre class="crash">internal error: {escaped(report.crash)}\nThis is a bug in the harness, not a '
                   "finding: please report it with the file attached.</pre>")
    positions: dict[int, int] = {}  # exchange index -> its place in the report (ids use the place)
    for position, exchange in enumerate(report.exchanges):
        positions.setdefault(exchange.index, position)
    located: dict[int, list[tuple[int, Finding]]] = {position: [] for position in range(len(report.exchanges))}
    for n, item in enumerate(report.findings):
        if item.location.exchange in positions:
            located[positions[item.location.exchange]].append((n, item))
    tables = {position: _rows(exchange, located[position]) for position, exchange in enumerate(report.exchanges)}
    targets = [_target(anchor, item.location, positions, tables) for item in report.findings]
    if report.findings:
        out.append(_findings(report, anchor, targets))
    for position, exchange in enumerate(report.exchanges):
        out.append(_exchange(f"{anchor}-x{position}", exchange, tables[position], located[position], anchor))
    if not report.exchanges and report.crash is None:
        out.append('<p class="note">No exchange was read from this file.</p>')
    out.append("</div></details>")
    return "".join(out)


def _meta(report: CassetteReport) -> str:
    meta = report.meta
    facts = [("scenario", meta.scenario), ("written by", meta.written_by), ("description", meta.description),
             ("expects", ", ".join(meta.expect) if meta.expect else None),
             ("sources", ", ".join(meta.sources) if meta.sources else None)]
    shown = "".join(f"<dt>{name}</dt><dd>{escaped(clip(str(value), 600))}</dd>" for name, value in facts if value)
    return f'<dl class="meta">{shown}</dl>' if shown else ""


def _findings(report: CassetteReport, anchor: str, targets: list[str]) -> str:
    ranked = sorted(range(len(report.findings)),
                    key=lambda n: (report.is_expected(report.findings[n]), -report.findings[n].severity.rank))
    out = ['<table class="findings"><thead><tr><th>check</th><th>severity</th><th>where</th><th>message</th></tr>',
           "</thead><tbody>"]
    for n in ranked:
        item = report.findings[n]
        kind = _kind(report, item)
        severity = item.severity.value + (" (expected)" if kind == "expected" else "")
        out.append(f'<tr id="{anchor}-F{n}" class="finding {kind}" data-check="{escaped(item.check)}">'
                   f'<td><span class="n {kind}">{escaped(item.check)}</span></td><td>{escaped(severity)}</td>'
                   f'<td><a class="goto" href="#{targets[n]}">{escaped(_where(item.location))}</a></td>'
                   f"<td>{escaped(item.message)}{_values(item)}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _where(location: Location) -> str:
    parts = [f"{name} {value}" for name, value in (("exchange", location.exchange), ("frame", location.frame),
                                                   ("offset", location.offset), ("seq", location.seq))
             if value is not None]
    if location.native_type is not None:
        parts.append(clip(location.native_type, 60))
    if location.path is not None:
        parts.append(f"at {clip(location.path, 80)}")
    return " · ".join(parts) or "cassette"


def _values(item: Finding) -> str:
    shown = [(name, value) for name, value in (("expected", item.expected), ("actual", item.actual))
             if value is not None]
    if not shown:
        return ""
    lines = "".join(f"<dt>{name}</dt><dd><code>{escaped(clip(_json(value), MAX_VALUE))}</code></dd>"
                    for name, value in shown)
    return f'<dl class="values">{lines}</dl>'


def _json(value: object) -> str:
    return json_bytes(value).decode("utf-8", errors="replace")


# -- one exchange ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _EventRow:
    """One native event: where it was on the wire, and the canonical events it became."""

    key: str
    frame: int | None
    offset: int | None
    native_type: str | None
    native_seq: int | None
    events: list[ev.CanonicalEvent] = field(default_factory=list)


def _key(frame: int | None, offset: int | None) -> str:
    return f"f{frame}" if frame is not None else f"o{offset}" if offset is not None else "end"


def _pointed(where: Location) -> str | None:
    """The row key of the native event a finding points at; None for a finding about the whole exchange."""
    return None if where.frame is None and where.offset is None else _key(where.frame, where.offset)


def _rows(exchange: ExchangeReport, findings: list[tuple[int, Finding]]) -> dict[str, _EventRow]:
    """The event table: a row per native event the canonical log came from, and a row for every
    native event a finding points at that became no canonical event (a ping, a broken frame)."""
    rows: dict[str, _EventRow] = {}
    for event in exchange.events:
        origin = event.origin
        key = _key(origin.frame, origin.offset)
        row = rows.get(key)
        if row is None:
            row = rows[key] = _EventRow(key, origin.frame, origin.offset, origin.native_type, origin.native_seq)
        row.events.append(event)
    for _, item in findings:
        where = item.location
        key = _pointed(where)
        if key is not None and key not in rows:
            rows[key] = _EventRow(key, where.frame, where.offset, where.native_type, where.seq)
    return rows


def _target(anchor: str, where: Location, positions: dict[int, int], tables: dict[int, dict[str, _EventRow]]) -> str:
    """The id a finding links to: its event row, else its exchange, else its cassette."""
    if where.exchange not in positions:
        return anchor
    position = positions[where.exchange]
    key = _pointed(where)
    return f"{anchor}-x{position}-{key}" if key in tables[position] else f"{anchor}-x{position}"


def _exchange(anchor: str, exchange: ExchangeReport, rows: dict[str, _EventRow],
              findings: list[tuple[int, Finding]], cassette: str) -> str:
    facts = [f"family {exchange.provider}" if exchange.provider else "no family recognised it",
             _plural(exchange.frames, "frame"), _plural(exchange.event_count, "canonical event")]
    if exchange.resumed_after is not None:
        facts.append(f"resumed after {exchange.resumed_after}")
    out = [(f'<section class="exchange" id="{anchor}"><h3>exchange {exchange.index} '
            f'<code>{escaped(clip(exchange.request_line, 300))}</code></h3>'),
           f'<p class="facts">{escaped(" · ".join(facts))}</p>']
    if exchange.turn is not None:
        out.append(f'<p class="turn">{escaped(_turn(exchange))}</p>')
    if exchange.events:
        def link(item: Finding) -> str:
            key = _pointed(item.location)
            return f"{anchor}-{key}" if key in rows else anchor

        svg = render_timeline(exchange.events, [item for _, item in findings], arrivals=_arrivals(exchange), link=link)
        out.append(f'<figure class="timeline-wrap">{svg}</figure>')
    else:
        out.append(f'<p class="note no-timeline">No timeline: {escaped(_no_events(exchange))}.</p>')
    if rows:
        out.append(_event_table(anchor, rows, findings, cassette))
    for check, count in exchange.dropped.items():
        out.append(f'<p class="note">… and {count} more {escaped(check)} findings in this exchange '
                   "(not kept; the first ones are listed).</p>")
    out.append("</section>")
    return "".join(out)


def _arrivals(exchange: ExchangeReport) -> Arrivals | None:
    """The body's chunk arrival times, once a report carries them (``Response.times`` and ``chunks``,
    copied onto the exchange's report); without them the timeline's axis is event order."""
    times = getattr(exchange, "times", None)
    return Arrivals(chunks=getattr(exchange, "chunks", None) or [], times=times) if times else None


def _no_events(exchange: ExchangeReport) -> str:
    if exchange.event_count:
        return "the canonical event log was not kept (the report was made without keep_events)"
    if exchange.provider is None:
        return "no provider family recognised this exchange, so its stream was not replayed"
    return "the response produced no canonical event (an HTTP error, an empty body or a whole JSON answer)"


def _turn(exchange: ExchangeReport) -> str:
    turn = exchange.turn
    assert turn is not None
    parts = [f"turn {turn.status}"]
    if turn.stop is not None:
        parts.append(f"stop {turn.stop}" + (f" ({turn.native_stop})" if turn.native_stop else ""))
    kinds = Counter(item.kind for item in turn.items)
    if kinds:
        parts.append(", ".join(_plural(count, kind) for kind, count in kinds.items()))
    if turn.interrupt is not None:
        parts.append(f"interrupt {turn.interrupt.kind} pending {clip(', '.join(turn.interrupt.pending), 200)}")
    if turn.usage is not None:
        parts.append(" ".join(f"{k}={v}" for k, v in turn.usage.model_dump(exclude_none=True).items()))
    parts += [f"error {clip(error.message, 200)}" for error in turn.errors]
    return " · ".join(parts)


def _event_table(anchor: str, rows: dict[str, _EventRow], findings: list[tuple[int, Finding]], cassette: str) -> str:
    pointed: dict[str, list[tuple[int, Finding]]] = {}
    for n, item in findings:
        key = _pointed(item.location)
        if key is not None:
            pointed.setdefault(key, []).append((n, item))
    ordered = sorted(rows.values(), key=lambda row: (row.frame is None, row.frame or 0, row.offset or 0))
    out = [f'<details class="events" open><summary>event table: {_plural(len(ordered), "native event")}</summary>',
           ('<div class="scroll"><table class="events"><thead><tr><th>frame</th><th>offset</th><th>native type</th>'
            "<th>seq</th><th>canonical events</th><th>findings</th></tr></thead><tbody>")]
    skipped = 0
    for number, row in enumerate(ordered):
        if number >= MAX_ROWS and row.key not in pointed:
            skipped += 1
            continue
        if skipped:
            out.append(f'<tr class="skipped"><td colspan="6">… {skipped} rows not shown</td></tr>')
            skipped = 0
        out.append(_event_row(f"{anchor}-{row.key}", row, pointed.get(row.key, []), cassette))
    if skipped:
        out.append(f'<tr class="skipped"><td colspan="6">… {skipped} rows not shown</td></tr>')
    out.append("</tbody></table></div></details>")
    return "".join(out)


def _event_row(anchor: str, row: _EventRow, findings: list[tuple[int, Finding]], cassette: str) -> str:
    def cell(value: object) -> str:
        return "" if value is None else escaped(value)

    if row.events:
        shown = "".join(f'<li><span class="seq">#{escaped(event.seq)}</span> {escaped(clip(detail(event), 160))}</li>'
                        for event in row.events[:MAX_EVENTS_PER_ROW])
        more = len(row.events) - MAX_EVENTS_PER_ROW
        canonical = f'<ul class="canon">{shown}{f"<li>… {more} more</li>" if more > 0 else ""}</ul>'
    else:
        canonical = '<span class="none">no canonical event</span>'
    back = " ".join(f'<a class="n {item.severity.value}" href="#{cassette}-F{n}">{escaped(item.check)}</a>'
                    for n, item in findings)
    label = "end of stream" if row.key == "end" else cell(row.frame)
    css = ' class="flagged"' if findings else ""
    return (f'<tr id="{anchor}"{css}><td class="num">{label}</td><td class="num">{cell(row.offset)}</td>'
            f"<td><code>{cell(clip(row.native_type, 80) if row.native_type else None)}</code></td>"
            f'<td class="num">{cell(row.native_seq)}</td><td>{canonical}</td><td>{back}</td></tr>')
