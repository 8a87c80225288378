"""cassette -> exchanges -> frames -> native events -> canonical events -> turns -> findings.

One direction, no back and forth (DESIGN.md). Each stage is its own module; this one only wires them
together, decides which decoder and provider an exchange gets, and links consecutive exchanges
through the resume contract.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import accumulate, chain
from pathlib import Path
from typing import Any

import orjson

from harness import events as ev
from harness import registry
from harness.cassette import (
    CHUNKS_CONTENT_TYPE,
    EVENTSTREAM_CONTENT_TYPE,
    Cassette,
    CassetteMeta,
    load,
    scrub_uri,
)
from harness.checks.state import state_checks
from harness.compare import Told, compare_turns
from harness.exchange import Exchange, Request, Response
from harness.findings import Finding, Location, Severity, finding
from harness.registry import catalogue
from harness.providers.base import NativeEvent, Provider, StreamContext, Translator
from harness.reducer import Reducer
from harness.report.model import CassetteReport, ExchangeReport, aggregated, capped
from harness.sequencer import Sequencer
from harness.state import ErrorInfo, Turn
from harness.wire.eventstream import EventStreamDecoder, looks_like_eventstream
from harness.wire.frames import Frame, utf8_payload
from harness.wire.jsonlines import JSONLinesDecoder
from harness.wire.jsonstream import JSONStreamDecoder
from harness.wire.sse import SSEDecoder

Decoder = SSEDecoder | JSONLinesDecoder | JSONStreamDecoder | EventStreamDecoder
_FEED_BYTES = 1 << 16
_SSE_STARTS = (b"event:", b"data:", b":", b"id:", b"retry:", b"\xef\xbb\xbf")


# -- entry points -------------------------------------------------------------------------------------


def check_path(path: Path, provider: str | None = None, *, strict: bool = False,
               keep_events: bool = False) -> CassetteReport:
    """One file, checked. ``keep_events`` keeps each exchange's canonical event log on its report
    (``harness replay``, snapshots); without it memory stays flat however long a stream is."""
    return check_cassette(load(path, provider), strict=strict, keep_events=keep_events)


def check_cassette(cassette: Cassette, *, strict: bool = False, keep_events: bool = False) -> CassetteReport:
    """``strict``: a cassette with an exchange no family recognises (CASSETTE-010) fails."""
    report = CassetteReport(path=str(cassette.path), meta=cassette.meta, strict=strict, unreadable=cassette.unreadable)
    previous: tuple[Provider, Turn, Request] | None = None
    for exchange in _unconcatenated(cassette.exchanges):
        result, previous = _run_exchange(exchange, previous, keep_events)
        report.exchanges.append(result)
    located = [_locate(f, report.path) for f in cassette.findings]
    for result in report.exchanges:
        result.findings = [_locate(f, report.path, result.index) for f in result.findings]
        located += result.findings
    located += _equivalence(report)
    located += _expectations(report.meta, located, report.path)
    report.findings = located
    return report


def _unconcatenated(exchanges: list[Exchange]) -> list[Exchange]:
    """A chunk fixture that recorded an agent loop holds several response streams back to back
    (no requests between them); read each stream as its own exchange so each is checked as one."""
    if len(exchanges) != 1 or exchanges[0].response.content_type != CHUNKS_CONTENT_TYPE:
        return exchanges
    exchange = exchanges[0]
    try:
        provider = registry.detect(exchange) if exchange.provider_hint else None
    except KeyError:
        provider = None  # an unknown --provider is reported (CASSETTE-010) when the exchange runs
    if provider is None:
        return exchanges
    body = exchange.response.body
    starts: list[int] = []
    closed = True
    for frame in JSONLinesDecoder().feed(body + b"\n"):
        native = provider.parse(frame, 0)
        if isinstance(native, list):
            continue
        if provider.opens_stream(native) and closed:
            starts.append(frame.offset)
            closed = False
        elif provider.closes_stream(native):
            closed = True
    if len(starts) < 2:
        return exchanges
    bounds = [0, *starts[1:], len(body)]
    return [
        Exchange(index=index, request=Request(method="POST"), provider_hint=exchange.provider_hint,
                 response=Response(headers=exchange.response.headers, body=body[begin:end]))
        for index, (begin, end) in enumerate(zip(bounds, bounds[1:]))
    ]


def run_body(provider: str, body: bytes | list[bytes], request_json: Any = None,
             content_type: str | None = None, *, keep_events: bool = False) -> ExchangeReport:
    """Run one raw response body (or its chunks, in arrival order) through the pipeline, served with the
    content type of the family's framing unless told otherwise."""
    pieces = [body] if isinstance(body, bytes) else body
    cuts = list(accumulate(len(piece) for piece in pieces))[:-1]
    request = Request(body=orjson.dumps(request_json) if request_json is not None else None, json=request_json)
    content_type = content_type or registry.get(provider).content_type
    response = Response(headers={"content-type": [content_type]}, body=b"".join(pieces), chunks=cuts or None)
    exchange = Exchange(index=0, request=request, response=response, provider_hint=provider)
    result, _ = _run_exchange(exchange, None, keep_events)
    return result


# -- one exchange ---------------------------------------------------------------------------------------


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The fold allocates millions of small acyclic objects that all live to the end of the exchange;
    letting the cyclic collector walk them again and again made the cost per event grow with the
    stream (measured in bench/: 2.2x slower per event at 10^6 events than at 10^4)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _run_exchange(
    exchange: Exchange, previous: tuple[Provider, Turn, Request] | None, keep_events: bool
) -> tuple[ExchangeReport, tuple[Provider, Turn, Request] | None]:
    with _collector_paused():
        result, turn = _exchange(exchange, previous, keep_events)
    result.findings, result.dropped = capped(aggregated(result.findings))
    return result, turn


def _exchange(
    exchange: Exchange, previous: tuple[Provider, Turn, Request] | None, keep_events: bool
) -> tuple[ExchangeReport, tuple[Provider, Turn, Request] | None]:
    request, response = exchange.request, exchange.response
    result = ExchangeReport(index=exchange.index, provider=None, method=request.method, uri=scrub_uri(request.uri))
    where = Location(exchange=exchange.index)
    try:
        provider = registry.detect(exchange)
    except KeyError as error:
        result.findings.append(finding("CASSETTE-010", str(error.args[0]), where))
        return result, previous
    if provider is None:
        result.findings.append(finding("CASSETTE-010", f"no provider recognises {result.request_line}", where))
        result.frames = sum(1 for _ in frames(exchange, None, result.findings) or ())  # the framing is still judged
        return result, previous
    result.provider = provider.name
    context = StreamContext(exchange=exchange)
    context.resumed_after = result.resumed_after = provider.resume_cursor(request)
    if previous is not None and previous[0] is provider:
        prior_turn = context.previous = previous[1]
        if prior_turn.interrupt is not None and request.body and not isinstance(request.json, dict):
            result.findings.append(finding("RESUME-010", "the request after the interrupt is not a JSON object, so it "
                                                         "answers none of the pending calls", where))
        elif provider.is_continuation(request):
            result.findings += provider.check_resume(prior_turn, request, exchange.index)
            if context.resumed_after is not None:
                context.seed = prior_turn
    if response.status >= 400:
        result.findings.append(finding("LIFECYCLE-008", f"HTTP {response.status} before any stream", where))
        result.turn = Turn(status="failed", stop="error", errors=[ErrorInfo(message=_error_text(response.body))])
        return result, previous
    if not response.body.strip():
        if _wants_stream(request, response):
            result.findings.append(finding("WIRE-006", "empty body for a streaming request", where))
        return result, previous
    # One pass, frame by frame: decode, parse and validate, order, translate, fold. Nothing per event
    # outlives its turn through the loop, unless the event log is kept; each stage's findings wait in
    # their own list, so the report lists them stage by stage whatever the interleaving.
    wire: list[Finding] = []
    decoded = frames(exchange, provider, wire)
    if decoded is None:
        return result, previous  # a non-streamed JSON answer: nothing to replay
    parsing: list[Finding] = []
    natives = _natives(provider, decoded, exchange.index, parsing, result)
    sequencer = Sequencer(resumed_after=context.resumed_after) if provider.has_sequence_numbers else None
    if sequencer is not None:
        natives = sequencer.order(natives)
    translator = provider.translator(context)
    result.turn, reducer = _fold(translator, context.seed, natives, result, keep_events)
    result.findings += wire + parsing + (sequencer.findings if sequencer else [])
    result.findings += translator.findings + reducer.findings + state_checks(result.turn, exchange.index)
    return result, (provider, result.turn, request)


def frames(exchange: Exchange, provider: Provider | None, findings: list[Finding]) -> Iterable[Frame] | None:
    """The body's frames, by the framing its bytes and content type show (``provider``: what else the
    family answers with; None when no family claimed the exchange), decoded as they are read."""
    response = exchange.response
    body = response.body
    decoder: Decoder
    if response.content_type == CHUNKS_CONTENT_TYPE:
        decoder = JSONLinesDecoder(exchange=exchange.index)
    elif response.content_type == EVENTSTREAM_CONTENT_TYPE or looks_like_eventstream(body):
        if response.content_type and response.content_type != EVENTSTREAM_CONTENT_TYPE:
            findings.append(finding("WIRE-007", f"an AWS event stream served as {response.content_type!r}",
                                    Location(exchange=exchange.index)))
        decoder = EventStreamDecoder(exchange=exchange.index)
    elif provider is not None and provider.streams_json_arrays and body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        decoder = JSONStreamDecoder(exchange=exchange.index)  # served as application/json
    elif body.lstrip(b"\r\n").startswith(_SSE_STARTS):
        if response.content_type and response.content_type != "text/event-stream":
            findings.append(finding("WIRE-007", f"an event stream served as {response.content_type!r}",
                                    Location(exchange=exchange.index)))
        decoder = SSEDecoder(exchange=exchange.index)
    elif response.content_type == "text/event-stream":
        decoder = SSEDecoder(exchange=exchange.index)
    elif provider is not None and provider.answers_json and body.lstrip().startswith(b"{"):
        payload = utf8_payload(body, Location(exchange=exchange.index, frame=0, offset=0), findings)
        return [Frame(index=0, offset=0, end=len(body), payload=payload)]
    else:
        return None
    return _decoded(decoder, response.pieces(), findings)


def _decoded(decoder: Decoder, pieces: Iterable[bytes], findings: list[Finding]) -> Iterator[Frame]:
    """Frames as the decoder finds them, fed at most ``_FEED_BYTES`` at a time: a decoder returns every
    frame a feed completes at once, so one huge feed would hold them all (the decoders give the
    same frames and findings for any split of the body)."""
    for piece in pieces:
        for start in range(0, len(piece), _FEED_BYTES):
            yield from decoder.feed(piece[start : start + _FEED_BYTES])
    yield from decoder.close()
    findings += decoder.findings


def _natives(provider: Provider, frames: Iterable[Frame], exchange: int, findings: list[Finding],
             result: ExchangeReport) -> Iterator[NativeEvent]:
    """Each frame parsed and validated (the frame count lands on ``result`` at the end). A valid
    payload costs one call to its compiled validator; ``validate`` compiles a type's schema when it
    is first met and says what is wrong with an invalid payload."""
    schemas = provider.schemas
    checks, validate = schemas.checks, schemas.validate
    parse = provider.parse
    count = 0
    for count, frame in enumerate(frames, 1):  # noqa: B007 (the count outlives the loop)
        parsed = parse(frame, exchange)
        if isinstance(parsed, list):
            findings += parsed
            continue
        if parsed.sse_event is not None and parsed.sse_event not in (parsed.type, "message"):
            findings.append(finding("SCHEMA-003", f"SSE event {parsed.sse_event!r} carries a {parsed.type!r} payload",
                                    parsed.location(), expected=parsed.type, actual=parsed.sse_event))
        if not parsed.type.startswith("["):  # bracketed sentinels such as [DONE] have no schema
            is_valid = checks.get(parsed.type)
            if is_valid is None or not is_valid(parsed.data):
                findings += validate(parsed)
        yield parsed
    result.frames = count


def _fold(translator: Translator, seed: Turn | None, natives: Iterable[NativeEvent], result: ExchangeReport,
          keep_events: bool) -> tuple[Turn, Reducer]:
    """Translate and fold event by event, numbering the canonical events as they come."""
    reducer = Reducer(seed)
    apply = reducer.apply
    log = result.events.append if keep_events else None
    events = chain(chain.from_iterable(map(translator.translate, natives)), _later(translator.finish))
    count = 0
    for count, event in enumerate(events, 1):  # noqa: B007 (the count outlives the loop)
        event.seq = count - 1
        apply(event)
        if log is not None:
            log(event)
    result.event_count = count
    return reducer.finish(), reducer


def _later(produce: Callable[[], list[ev.CanonicalEvent]]) -> Iterator[ev.CanonicalEvent]:
    """``produce()``'s events, called only once everything chained before it is consumed."""
    yield from produce()


# -- helpers --------------------------------------------------------------------------------------------


def _wants_stream(request: Request, response: Response) -> bool:
    body = request.json
    return (
        (isinstance(body, dict) and body.get("stream") is True)
        or "stream=true" in request.uri
        or response.content_type in ("text/event-stream", CHUNKS_CONTENT_TYPE, EVENTSTREAM_CONTENT_TYPE)
    )


def _error_text(body: bytes) -> str:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return body[:200].decode("utf-8", errors="replace")
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return error["message"]
    return str(data)[:200]


def _locate(item: Finding, cassette: str, exchange: int | None = None) -> Finding:
    location = item.location.with_(cassette=cassette, exchange=exchange if item.location.exchange is None else None)
    return item.model_copy(update={"location": location})


def _equivalence(report: CassetteReport) -> list[Finding]:
    """The exchanges a cassette declares ``equivalent`` (one turn told in several modes) must fold to
    turns that mean the same (STATE-005, harness/compare.py)."""
    told = [Told(report.path, exchange.index, exchange.turn) for exchange in report.exchanges
            if exchange.index in report.meta.equivalent and exchange.turn is not None]
    return compare_turns(told)


def _expectations(meta: CassetteMeta, found: list[Finding], cassette: str) -> list[Finding]:
    """Declared findings that are unknown to the catalogue, or that did not occur."""
    known = catalogue()
    fired = {item.check for item in found}
    where = Location(cassette=cassette)
    problems = []
    for check in meta.expect:
        if check not in known:
            problems.append(finding("CASSETTE-008", f"harness.expect names {check}, which is not in the catalogue", where))
        elif check not in fired:
            problems.append(finding("CASSETTE-009", f"harness.expect declares {check}, which did not occur", where,
                                    expected=check))
    return problems
