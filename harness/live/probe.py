"""``harness probe``: a family's scenario suite sent to a live endpoint (DESIGN.md, "On the wire and
at scale"). Every exchange goes through the recorder of ``harness record`` (credentials scrubbed),
one cassette per attempt, which the whole pipeline then checks; a scenario passes when its own
expectations hold and its cassettes carry no error finding beyond the ones the probe caused on
purpose (the truncation of a stream it dropped to re-attach). ``--repeat K`` runs each scenario K
times and reports pass@k (at least one of k runs passes) and pass^k (all k pass).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from math import comb
from pathlib import Path
from typing import Any, Literal

import httpx
import orjson

from harness import registry
from harness.cassette import load, save
from harness.exchange import Request
from harness.findings import Finding, Severity
from harness.live import scenarios as suites
from harness.live.record import Recorder
from harness.live.scenarios.base import Dialect, Scenario, Sent, Skipped, Unmet
from harness.live.scenarios.common import objects
from harness.live.transport import RecordingTransport
from harness.pipeline import check_path
from harness.providers.base import Provider
from harness.wire.sse import SSEDecoder

WRITTEN_BY = "harness probe"
DROPPED = frozenset({"LIFECYCLE-005", "WIRE-003", "WIRE-004"})  # what a stream the probe drops on purpose shows
Status = Literal["pass", "fail", "skipped"]


class Unreachable(Exception):
    """No connection to the endpoint at all (a usage problem: wrong URL, server down)."""


@dataclass(slots=True)
class Attempt:
    status: Status
    reason: str = ""  # why it was skipped or which expectation failed
    cassettes: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # error findings the probe did not cause on purpose


@dataclass(slots=True)
class ScenarioResult:
    family: str
    name: str
    proves: str
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def status(self) -> Status:
        if any(attempt.status == "fail" for attempt in self.attempts):
            return "fail"
        return "pass" if any(attempt.status == "pass" for attempt in self.attempts) else "skipped"

    @property
    def runs(self) -> int:
        """Attempts that ran (a skip says nothing about reliability)."""
        return sum(1 for attempt in self.attempts if attempt.status != "skipped")

    @property
    def passes(self) -> int:
        return sum(1 for attempt in self.attempts if attempt.status == "pass")

    def pass_at(self, k: int) -> float | None:
        return pass_at_k(self.runs, self.passes, k)

    def pass_all(self, k: int) -> float | None:
        return pass_hat_k(self.runs, self.passes, k)

    @property
    def reason(self) -> str:
        """The first failure's reason, else the first skip's."""
        for status in ("fail", "skipped"):
            for attempt in self.attempts:
                if attempt.status == status:
                    return attempt.reason
        return ""


def pass_at_k(n: int, c: int, k: int) -> float | None:
    """The chance that at least one of k runs drawn from n (c of them passing) passes (Chen et al.
    2021's unbiased estimator); None when fewer than k ran."""
    if k < 1 or n < k:
        return None
    return 1.0 - comb(n - c, k) / comb(n, k)


def pass_hat_k(n: int, c: int, k: int) -> float | None:
    """The chance that all k runs drawn from n (c of them passing) pass (pass^k, Yao et al. 2024)."""
    if k < 1 or n < k:
        return None
    return comb(c, k) / comb(n, k)


@dataclass(slots=True)
class ProbeSession:
    """The ``Session`` a scenario talks through: one recorder (so one attempt's cassettes), one client."""

    base_url: str
    dialect: Dialect
    provider: Provider
    model: str
    key: str | None
    client: httpx.Client
    recorder: Recorder
    dropped: set[tuple[Path, int]] = field(default_factory=set)  # exchanges the probe cut on purpose

    def send(self, method: str, path: str, body: dict[str, Any] | None, *,
             cut: Callable[[dict[str, Any]], bool] | None = None) -> Sent:
        content = orjson.dumps(body) if body is not None else None
        headers = {"accept-encoding": "identity",  # the probe reads events as they arrive: no compression
                   **self.dialect.headers(), **({"content-type": "application/json"} if content is not None else {})}
        url = self.base_url.rstrip("/") + path
        headers = self.dialect.sign(method, url, headers, content, self.key)
        request = self.client.build_request(method, url, content=content, headers=headers)
        try:
            response = self.client.send(request, stream=True)
        except httpx.ConnectError as error:
            raise Unreachable(f"cannot reach {url}: {error}") from None
        except httpx.TransportError as error:
            raise Unmet(f"{method} {path} failed before an answer: {error!r}") from None
        broken: httpx.TransportError | None = None
        pieces: list[bytes] = []
        was_cut = False
        try:
            was_cut = _read(response, cut, pieces)
        except httpx.TransportError as error:
            broken = error
        finally:
            response.close()  # the recorder writes the exchange (what arrived) and checks its cassette
        recorded = self.recorder.written[-1]
        report = self.recorder.reports[recorded]
        if was_cut:
            self.dropped.add((recorded, len(report.exchanges) - 1))
        if broken is not None:
            raise Unmet(f"the connection broke while reading the answer to {method} {path}: {broken!r}")
        sent = Request(method=method, uri=url, headers={name: [value] for name, value in headers.items()},
                       body=content, json=body)
        last = report.exchanges[-1] if report.exchanges else None
        return Sent(sent, response.status_code, b"".join(pieces), last.turn if last is not None else None)


def _read(response: httpx.Response, cut: Callable[[dict[str, Any]], bool] | None, pieces: list[bytes]) -> bool:
    """Read the body to its end, or stop once a piece completes an event ``cut`` picks (True: cut)."""
    decoder = SSEDecoder() if cut is not None else None
    for piece in response.iter_raw():
        pieces.append(piece)
        if decoder is not None and any(map(cut, objects(decoder.feed(piece)))):  # type: ignore[misc]
            return True
    return False


def probe(base_url: str, family: str, *, model: str | None = None, key: str | None = None,
          names: list[str] | None = None, repeat: int = 1, out: Path,
          transport: httpx.BaseTransport | None = None, timeout: float = 120.0,
          echo: Callable[[str], None] = lambda line: None) -> list[ScenarioResult]:
    """Run ``family``'s scenarios (``names``: a selection) ``repeat`` times each against ``base_url``,
    recording into ``out/<family>/<scenario>/``. ``transport``: where requests really go (tests may
    pass an in-process one). Raises ``Unreachable`` when the endpoint cannot be connected to at all."""
    dialect = suites.dialect(family)
    chosen = select(family, names)
    provider = registry.get(family)
    results = []
    for scenario in chosen:
        result = ScenarioResult(family, scenario.name, scenario.proves)
        for _ in range(repeat):
            recorder = Recorder(out / family / scenario.name, family=family, echo=echo)
            client = httpx.Client(transport=RecordingTransport(recorder, transport or httpx.HTTPTransport()),
                                  timeout=httpx.Timeout(timeout, connect=10.0))
            session = ProbeSession(base_url, dialect, provider, model or dialect.default_model, key, client, recorder)
            try:
                result.attempts.append(_attempt(scenario, session))
            finally:
                if transport is None:  # closing the client closes the transport under it
                    client.close()
        results.append(result)
    return results


def select(family: str, names: list[str] | None) -> list[Scenario]:
    """The scenarios asked for, in suite order (KeyError names an unknown one)."""
    available = suites.scenarios(family)
    if not names:
        return available
    known = {scenario.name for scenario in available}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise KeyError(f"no scenario {', '.join(map(repr, unknown))} for {family}; "
                       f"its scenarios: {', '.join(sorted(known))}")
    return [scenario for scenario in available if scenario.name in names]


def _attempt(scenario: Scenario, session: ProbeSession) -> Attempt:
    status: Status = "pass"
    reason = ""
    try:
        scenario.run(session)
    except Skipped as skip:
        status, reason = "skipped", str(skip)
    except Unmet as unmet:
        status, reason = "fail", str(unmet)
    cassettes = list(session.recorder.written)
    findings = [item for path in cassettes for item in _settle(path, scenario, session.dropped)]
    if findings:
        broken = f"{len(findings)} error finding(s): {', '.join(sorted({item.check for item in findings}))}"
        status, reason = "fail", f"{reason}; {broken}" if status == "fail" else broken
    return Attempt(status, reason, cassettes, findings)


def _settle(path: Path, scenario: Scenario, dropped: set[tuple[Path, int]]) -> list[Finding]:
    """Name the cassette's scenario, declare the findings the probe caused on purpose (a dropped
    stream's truncation, where it shows only on the exchanges the probe cut), check it again, and
    return its undeclared error findings."""
    cassette = load(path)
    report = check_path(path)
    cut = {index for recorded, index in dropped if recorded == path}
    caused = {item.check for item in report.findings if item.check in DROPPED}
    expect = sorted(check for check in caused
                    if all(item.location.exchange in cut for item in report.findings if item.check == check))
    meta = cassette.meta
    meta.scenario, meta.description, meta.written_by, meta.expect = scenario.name, scenario.proves, WRITTEN_BY, expect
    save(path, cassette.exchanges, meta)
    return check_path(path).undeclared(Severity.error)


def api_key(dialect: Dialect, variable: str | None) -> str | None:
    """The key from ``variable``, else from the family's usual variables; None: send no credentials."""
    for name in ([variable] if variable else list(dialect.key_env)):
        value = os.environ.get(name)
        if value:
            return value
    return None
