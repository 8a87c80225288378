"""Where each served cassette's conversation stands: which exchange a request gets, and the resume
contract checked on every request that continues the turn just served."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from harness.cassette import Cassette, CassetteMeta
from harness.exchange import Exchange, Request, Response
from harness.findings import Finding
from harness.live.library import Served
from harness.pipeline import check_cassette
from harness.providers.base import Provider
from harness.state import Turn


@dataclass(slots=True)
class Position:
    exchange: int
    provider: Provider
    turn: Turn
    served: Exchange  # as it went out: a stream that re-attaches to it continues its turn


@dataclass(slots=True)
class Folded:
    turn: Turn | None
    checks: list[str]  # the check ids the served stream itself raised


@dataclass(slots=True)
class Conversations:
    last: dict[str, Position] = field(default_factory=dict)
    attempts: dict[tuple[str, int], int] = field(default_factory=dict)
    clean_folds: dict[tuple[str, int], Folded] = field(default_factory=dict)

    def choose(self, served: Served, request: Request, explicit: int | None = None) -> int | None:
        """The exchange ``request`` gets: the one asked for by number, the next one when the request
        continues the turn just served, one whose recorded request is this very request, else the
        first; each only if its recorded method and path are the request's (None: none fits)."""
        count = len(served.cassette.exchanges)
        candidates: list[int] = []
        if explicit is not None:
            candidates.append(explicit)
        last = self.last.get(served.name)
        if last is not None and last.exchange + 1 < count and last.provider.is_continuation(request):
            candidates.append(last.exchange + 1)
        candidates += [index for index, exchange in enumerate(served.cassette.exchanges)
                       if _same_request(exchange.request, request)]
        candidates.append(0)
        return next((index for index in candidates if 0 <= index < count and _fits(served, index, request)), None)

    def check(self, served: Served, request: Request, index: int) -> list[Finding]:
        """The family's resume contract on ``request``, when it continues the turn just served."""
        last = self.last.get(served.name)
        if last is None or last.provider is not served.providers[index] or not last.provider.is_continuation(request):
            return []
        return [item.model_copy(update={"location": item.location.with_(cassette=served.name, exchange=index)})
                for item in last.provider.check_resume(last.turn, request, index)]

    def attempt(self, served: Served, index: int) -> int:
        """How often this exchange was asked for before (a retry after an injected error counts)."""
        key = (served.name, index)
        count = self.attempts.get(key, 0)
        self.attempts[key] = count + 1
        return count

    def fold(self, served: Served, index: int, request: Request, response: Response, clean: bool) -> Folded:
        """The turn the client was served (its faults included), with the findings the served stream
        itself raises, and record it as the turn the next continuation answers. A stream that
        re-attaches (``resume_cursor``) is folded after the one it continues, as the pipeline does;
        any other stream served as recorded is folded once."""
        provider = served.providers[index]
        exchange = Exchange(index=index, request=request, response=response,
                            provider_hint=provider.name if provider is not None else None)
        last = self.last.get(served.name)
        before = [last.served] if last is not None and provider is not None and \
            provider.resume_cursor(request) is not None else []
        key = (served.name, index)
        folded = self.clean_folds.get(key) if clean and not before else None
        if folded is None:
            report = check_cassette(Cassette(path=Path(served.name), exchanges=[*before, exchange],
                                             meta=CassetteMeta(provider=exchange.provider_hint)))
            turn = report.exchanges[-1].turn if report.exchanges else None
            folded = Folded(turn, sorted({item.check for item in report.findings}))
            if clean and not before:
                self.clean_folds[key] = folded
        if provider is not None and folded.turn is not None and response.status < 400:
            self.last[served.name] = Position(index, provider, folded.turn, exchange)
        return folded


def _fits(served: Served, index: int, request: Request) -> bool:
    recorded = served.cassette.exchanges[index].request
    path = served.paths[index]
    return (not path or path == unquote(request.path)) and (not recorded.uri or recorded.method == request.method)


def _same_request(recorded: Request, live: Request) -> bool:
    if recorded.method != live.method or unquote(recorded.path) != unquote(live.path):
        return False
    if recorded.json is not None and live.json is not None:
        return recorded.json == live.json
    return (recorded.body or b"") == (live.body or b"")
