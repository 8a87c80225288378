"""One adapter case, run: a source cassette served upstream (the ``harness serve`` machinery on
127.0.0.1), the adapter pointed at it, the target-family request sent through the recorder (so the
adapter's output is a cassette the whole pipeline checks), and, when the source turn waits for tool
output, the target-family resume answered with the canned output, which the adapter must turn into a
source-family resume that the served cassette's resume contract accepts.

``harness.adapters.AdapterSuite`` asks the questions; this module only runs the case and keeps what
happened.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from harness import registry
from harness.cassette import load
from harness.findings import Finding
from harness.live import scenarios as suites
from harness.live.library import Library
from harness.live.probe import ProbeSession, Unreachable
from harness.live.record import Recorder
from harness.live.runner import bind, in_thread
from harness.live.scenarios import common
from harness.live.scenarios.base import CANNED_OUTPUT, Ask, Sent, Tool, Unmet
from harness.live.serve import ServeApp, serving
from harness.live.transport import RecordingTransport
from harness.pipeline import check_path
from harness.report.model import CassetteReport
from harness.state import Turn

MARKER = str(CANNED_OUTPUT["note"])  # must reach the upstream in the adapter's resume
PROMPT = "(a replayed turn: the upstream answers as recorded, whatever is asked)"
_MODEL_IN_PATH = re.compile(r"/models/([^/:]+):")


@dataclass(frozen=True, slots=True)
class Upstream:
    """Where the adapter's upstream is: the served source cassette, as the source family's SDK takes a
    base URL (``url``), and the model it was recorded with (a Gemini path names it, and must match)."""

    url: str
    family: str
    model: str | None


@dataclass(slots=True)
class Reach:
    """How the suite reaches the adapter: a running server's base URL, an ASGI app (served on
    127.0.0.1 for the case), or an httpx transport (with the base URL its requests are made under)."""

    base_url: str | None = None
    app: Any = None
    transport: httpx.BaseTransport | None = None
    close: Callable[[], None] | None = None  # called when the case is done


@dataclass(slots=True)
class Case:
    """A source cassette and what it folds to."""

    path: Path
    report: CassetteReport

    @classmethod
    def load(cls, path: Path) -> Case:
        return cls(path, check_path(path))

    @property
    def id(self) -> str:
        return self.path.stem

    @property
    def family(self) -> str | None:
        return self.report.provider

    def turn(self, exchange: int) -> Turn | None:
        found = next((item for item in self.report.exchanges if item.index == exchange), None)
        return found.turn if found is not None else None

    @property
    def calls(self) -> int:
        """The most client calls any turn of the cassette makes."""
        return max((len(turn.client_calls) for turn in self.report.turns), default=0)

    @property
    def resumable(self) -> bool:
        """Its first turn waits for tool output and the cassette holds the answer to it."""
        first = self.turn(0)
        return (first is not None and first.interrupt is not None and bool(first.interrupt.pending)
                and len(self.report.exchanges) > 1)

    @property
    def model(self) -> str | None:
        """The model of the first recorded request (its body's ``model``, or the one a Gemini path names)."""
        exchanges = load(self.path).exchanges
        if not exchanges:
            return None
        first = exchanges[0].request
        if isinstance(first.json, dict) and isinstance(first.json.get("model"), str):
            return first.json["model"]
        match = _MODEL_IN_PATH.search(first.path)
        return match.group(1) if match else None

    @property
    def reasons(self) -> bool:
        """Some turn of the cassette reasons: the target request asks for reasoning, as a client would."""
        return any(item.kind == "reasoning" for turn in self.report.turns for item in turn.items)

    def ask(self) -> Ask:
        """The target request in neutral words: the tools the cassette calls, reasoning if it reasons."""
        return Ask(PROMPT, tools=self.tools(), reasoning=self.reasons)

    def tools(self) -> tuple[Tool, ...]:
        """The tools the cassette's turns call, declared for the target request with the argument
        names the calls use (the upstream replays its recording: only names must fit)."""
        found: dict[str, Tool] = {}
        for turn in self.report.turns:
            for item in turn.client_calls:
                if item.name and item.name not in found:
                    arguments = item.arguments if isinstance(item.arguments, dict) else {}
                    found[item.name] = Tool(item.name, f"{item.name} (as recorded)", {
                        "type": "object", "properties": {name: {} for name in arguments}})
        return tuple(found.values())


@dataclass(slots=True)
class Leg:
    """One target exchange: the source exchange the upstream served for it, and what the adapter sent."""

    source: int | None
    sent: Sent


@dataclass(slots=True)
class CaseRun:
    case: Case
    legs: list[Leg] = field(default_factory=list)
    cassettes: list[Path] = field(default_factory=list)  # the adapter's output, recorded
    upstream_findings: list[Finding] = field(default_factory=list)  # the served cassette's resume checks
    resume_body: bytes | None = None  # what the adapter sent upstream after the client's answers
    problem: str | None = None  # the adapter could not be run (a crash, no connection)


def run_case(case: Case, target: str, model: str, reach: Callable[[Upstream], Reach], out: Path, *,
             resume: bool = True, timeout: float = 30.0) -> CaseRun:
    """Serve ``case`` upstream, reach the adapter, send it the target request, then (``resume`` and a
    resumable case) the target resume; every exchange recorded under ``out``."""
    run = CaseRun(case)
    source = case.family or ""
    name = case.path.stem
    with serving(Library.load([case.path])) as upstream:
        suffix = urlsplit(suites.dialect(source).base_hint).path if source in suites.families() else ""
        given = reach(Upstream(f"{upstream.base_url}/{name}{suffix}", source, case.model))
        try:
            with _reached(given) as (base_url, transport):
                _converse(run, upstream, name, target, model, base_url, transport, out, resume, timeout)
        finally:
            if given.close is not None:
                given.close()
        run.upstream_findings = list(upstream.journal.findings)
    return run


def _converse(run: CaseRun, upstream: ServeApp, name: str, target: str, model: str, base_url: str,
              transport: httpx.BaseTransport | None, out: Path, resume: bool, timeout: float) -> None:
    recorder = Recorder(out, family=target, echo=lambda line: None)
    inner = transport or httpx.HTTPTransport()
    client = httpx.Client(transport=RecordingTransport(recorder, inner), timeout=httpx.Timeout(timeout, connect=5.0))
    session = ProbeSession(base_url, suites.dialect(target), registry.get(target), model, None, client, recorder)
    try:
        sent = _leg(run, upstream, lambda: common.begin(session, run.case.ask()))
        turn = sent.turn if sent is not None else None
        pending = session.provider.pending(turn) if turn is not None else None
        if sent is not None and turn is not None and resume and run.case.resumable and pending and pending.pending:
            answers = {key: common.answer(turn, key) for key in pending.pending}
            body = session.provider.build_resume(turn, answers, sent.request)
            method, path = session.dialect.resume_at(turn, model)
            if _leg(run, upstream, lambda: session.send(method, path, body)) is not None:
                last = upstream.conversations.last.get(name)
                if last is not None and last.exchange > 0:
                    run.resume_body = last.served.request.body
    finally:
        run.cassettes = list(recorder.written)
        if transport is None:
            client.close()


def _leg(run: CaseRun, upstream: ServeApp, send: Callable[[], Sent]) -> Sent | None:
    """One target exchange; the source exchange served for it is the last the journal shows."""
    before = len(upstream.journal.requests)
    try:
        sent = send()
    except (Unmet, Unreachable) as error:
        run.problem = str(error)
        return None
    entries = upstream.journal.requests[before:]
    run.legs.append(Leg(entries[-1].get("exchange") if entries else None, sent))
    unserved = [entry for entry in entries if entry.get("exchange") is None]
    if unserved:
        entry = unserved[0]
        run.problem = (f"the adapter's upstream request {entry['method']} {entry['path']} fits no exchange of the "
                       f"served cassette (HTTP {entry['status']}: {entry.get('note', '')}): is its upstream pointed "
                       "at upstream.url, with the recorded model?")
        return None
    if sent.status >= 400:
        run.problem = f"the adapter answered HTTP {sent.status}: {sent.body[:300].decode('utf-8', 'replace')}"
        return None
    return sent


@contextmanager
def _reached(reach: Reach) -> Iterator[tuple[str, httpx.BaseTransport | None]]:
    if reach.app is not None:
        with in_thread(reach.app, bind("127.0.0.1", 0)) as url:
            yield url, None
    elif reach.transport is not None:
        yield reach.base_url or "http://adapter.invalid", reach.transport
    elif reach.base_url is not None:
        yield reach.base_url, None
    else:
        raise ValueError("Reach needs a base_url, an app or a transport")
