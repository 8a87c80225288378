"""The recorder: exchanges in (from the recording transport or the proxy built on it), conversations
out, each a vcrpy cassette with chunk boundaries and arrival times, scrubbed, then checked at once.

A conversation is a run of exchanges in which each request continues the turn before it (the family's
``is_continuation``); any other request starts the next cassette. A cassette is rewritten after every
exchange, so what was recorded is on disk whenever the recorder stops.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from harness import registry
from harness.cassette import CassetteMeta, save
from harness.exchange import Exchange, Request, Response
from harness.findings import Finding
from harness.live.scrub import scrub_headers, scrub_uri
from harness.pipeline import CassetteReport, check_path
from harness.providers.base import Provider

WRITTEN_BY = "harness record"


@dataclass(slots=True)
class _Conversation:
    path: Path
    provider: Provider | None
    exchanges: list[Exchange] = field(default_factory=list)


@dataclass(slots=True)
class Recorder:
    out: Path
    family: str | None = None  # forces the family (else each exchange's is detected)
    echo: Callable[[str], None] = print
    written: list[Path] = field(default_factory=list)
    reports: dict[Path, CassetteReport] = field(default_factory=dict)
    _current: _Conversation | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, request: Request, response: Response) -> Path:
        """Record one exchange (credentials scrubbed first), write its conversation, check it."""
        request = Request(method=request.method, uri=scrub_uri(request.uri), headers=scrub_headers(request.headers),
                          body=request.body, json=request.json)
        response = Response(status=response.status, headers=scrub_headers(response.headers), body=response.body,
                            chunks=response.chunks, times=response.times)
        with self._lock:
            conversation = self._conversation(request, response)
            index = len(conversation.exchanges)
            conversation.exchanges.append(Exchange(index=index, request=request, response=response))
            meta = CassetteMeta(provider=conversation.provider.name if conversation.provider else None,
                                written_by=WRITTEN_BY)
            save(conversation.path, conversation.exchanges, meta)
            report = check_path(conversation.path)
            self.reports[conversation.path] = report
        self._print(conversation.path, index, report)
        return conversation.path

    def _conversation(self, request: Request, response: Response) -> _Conversation:
        provider = self._provider(Exchange(index=0, request=request, response=response))
        current = self._current
        if current is not None and current.provider is provider and provider is not None \
                and provider.is_continuation(request):
            return current
        self._current = _Conversation(self._next_path(provider), provider)
        self.written.append(self._current.path)
        return self._current

    def _provider(self, exchange: Exchange) -> Provider | None:
        if self.family is not None:
            return registry.get(self.family)
        try:
            return registry.detect(exchange)
        except KeyError:
            return None

    def _next_path(self, provider: Provider | None) -> Path:
        stem = provider.name if provider is not None else "unknown"
        number = 1
        while (path := self.out / f"{stem}-{number:03d}.yaml").exists() or path in self.written:
            number += 1
        return path

    def _print(self, path: Path, index: int, report: CassetteReport) -> None:
        mine: list[Finding] = [item for item in report.findings
                               if item.location.exchange in (index, None)]
        self.echo(f"recorded {path} exchange {index} ({report.provider or 'unknown family'}): "
                  f"{report.verdict}, {len(mine)} finding(s)")
        for item in mine:
            self.echo(f"  {item.check} {item.severity.value}: {item.message}")
