"""What a server saw and did, kept for its report: every request, what was injected, and the findings
on the client's requests (the resume contract), each printed the moment it happens."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.findings import Finding, Severity


@dataclass(slots=True)
class Journal:
    echo: Callable[[str], None] = print
    requests: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def request(self, method: str, path: str, status: int, *, cassette: str | None = None,
                exchange: int | None = None, injected: list[str] | None = None, stream_checks: list[str] | None = None,
                note: str | None = None) -> None:
        entry: dict[str, Any] = {"method": method, "path": path, "status": status}
        given = {"cassette": cassette, "exchange": exchange, "injected": injected, "stream_checks": stream_checks,
                 "note": note}
        entry.update({key: value for key, value in given.items() if value is not None and value != []})
        with self.lock:
            self.requests.append(entry)
        where = f" -> {cassette} exchange {exchange}" if cassette is not None and exchange is not None else ""
        extra = f" [{'; '.join(injected)}]" if injected else ""
        self.echo(f"{method} {path}{where} {status}{extra}{f' ({note})' if note else ''}")

    def found(self, findings: list[Finding]) -> None:
        with self.lock:
            self.findings += findings
        for item in findings:
            where = item.location
            self.echo(f"  {item.check} {item.severity.value} {where.cassette} exchange {where.exchange}: {item.message}")

    def report(self) -> dict[str, Any]:
        with self.lock:
            findings = [item.model_dump(mode="json", exclude_none=True) for item in self.findings]
            requests = list(self.requests)
        errors = sum(1 for item in self.findings if item.severity is Severity.error)
        injected = [{"request": index, "cassette": entry.get("cassette"), "exchange": entry.get("exchange"),
                     "faults": entry["injected"]} for index, entry in enumerate(requests) if entry.get("injected")]
        return {"verdict": "fail" if errors else "pass", "errors": errors, "findings": findings,
                "injected": injected, "requests": requests}
