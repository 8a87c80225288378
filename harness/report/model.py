"""The report model: what a check of one cassette found, the data every renderer starts from.

The pipeline fills these; renderers (terminal, JSON, Markdown, JUnit, the CLI's views) only read
them. Verdicts and counts are computed here and nowhere else, so every view agrees.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from harness import events as ev
from harness.cassette import CassetteMeta
from harness.findings import Finding, Location, Severity
from harness.state import Turn


@dataclass(slots=True)
class ExchangeReport:
    index: int
    provider: str | None
    method: str
    uri: str
    turn: Turn | None = None
    events: list[ev.CanonicalEvent] = field(default_factory=list)  # the canonical log, when asked to keep it
    event_count: int = 0
    findings: list[Finding] = field(default_factory=list)
    frames: int = 0
    resumed_after: int | None = None
    dropped: dict[str, int] = field(default_factory=dict)  # check id -> findings past the cap, counted only

    @property
    def request_line(self) -> str:
        return f"{self.method} {self.uri}".strip()


MAX_PER_CHECK = 100
_NUMBER = re.compile(r"\b\d+\b")
# a file nothing could read (CASSETTE-001) or of no known shape (-005); a hostile cassette (a refused tag,
# an alias bomb, a size limit) is still a cassette, and its findings stand
_NOT_A_CASSETTE = frozenset({"CASSETTE-001", "CASSETTE-005"})
_VERDICT_RANK = {"crash": 0, "fail": 1, "pass": 2}


def aggregated(findings: list[Finding]) -> list[Finding]:
    """One finding per fault: findings of one check about the same subject (JSON path and native type)
    whose messages differ only in standalone numbers (chunk counters, timestamps, offsets) are one
    fault seen several times, reported once with its count and its first and last location. A rule
    broken on every chunk (a drifting ``created``, a rotating id) is one line, not thousands."""
    first: dict[tuple[Any, ...], int] = {}
    counts: Counter[int] = Counter()
    lasts: dict[int, Location] = {}
    kept: list[Finding] = []
    for item in findings:
        where = item.location
        key = (item.check, item.severity, where.path, where.native_type, _NUMBER.sub("#", item.message))
        index = first.get(key)
        if index is None:
            first[key] = len(kept)
            kept.append(item)
        else:
            counts[index] += 1
            lasts[index] = where
    for index, more in counts.items():
        kept[index] = kept[index].model_copy(update={"count": more + 1, "last": lasts[index]})
    return kept



def capped(findings: list[Finding], limit: int = MAX_PER_CHECK) -> tuple[list[Finding], dict[str, int]]:
    """The first ``limit`` findings of each check, and how many more of each there were: a rule broken
    on every one of a million events must not make a report of a million lines (the first ones say
    where it starts, the count how far it goes)."""
    seen: Counter[str] = Counter()
    kept: list[Finding] = []
    for item in findings:
        seen[item.check] += 1
        if seen[item.check] <= limit:
            kept.append(item)
    return kept, {check: count - limit for check, count in seen.items() if count > limit}


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file a folder walk met that is no cassette in any supported format: listed, never judged, so
    the YAML and JSON files that live beside cassettes (CI workflows, manifests) fail no run."""

    path: str
    reason: str


@dataclass(slots=True)
class CassetteReport:
    path: str
    meta: CassetteMeta
    exchanges: list[ExchangeReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # every finding, cassette-level and per exchange
    strict: bool = False  # an exchange no family could check fails the cassette
    accepted: frozenset[int] = frozenset()  # ids of the findings a baseline accepts (harness.report.baseline)
    crash: str | None = None  # the harness itself failed on this cassette (a bug to report, not a finding)
    unreadable: str | None = None  # why the file is no cassette in any supported format (Cassette.unreadable)

    @property
    def provider(self) -> str | None:
        names = {exchange.provider for exchange in self.exchanges if exchange.provider}
        return self.meta.provider or (", ".join(sorted(names)) if names else None)

    @property
    def turns(self) -> list[Turn]:
        return [exchange.turn for exchange in self.exchanges if exchange.turn is not None]

    def is_expected(self, item: Finding) -> bool:
        """Whether the cassette declares this finding's check (``harness.expect``): a deliberate fault."""
        return item.check in self.meta.expect

    def is_baselined(self, item: Finding) -> bool:
        """Whether the run's baseline already knows this finding: known, so it does not fail the run."""
        return id(item) in self.accepted

    def is_new(self, item: Finding) -> bool:
        """Neither declared by the cassette nor known to the baseline: what a run is judged on."""
        return not self.is_expected(item) and id(item) not in self.accepted

    def count(self, severity: Severity) -> int:
        """New findings of one severity."""
        return sum(1 for f in self.findings if f.severity is severity and self.is_new(f))

    @property
    def expected_count(self) -> int:
        """Findings of any severity that the cassette declares."""
        return sum(1 for f in self.findings if self.is_expected(f))

    def undeclared(self, severity: Severity) -> list[Finding]:
        """New findings of one severity, in report order."""
        return [f for f in self.findings if f.severity is severity and self.is_new(f)]

    @property
    def not_a_cassette(self) -> bool:
        """Nothing could read the file as a cassette: it cannot be read, does not parse, or holds none
        of the known shapes (``Cassette.unreadable``), and that is all that was found. Named on its own
        it is a usage problem; met in a folder walk it is skipped (``Skipped``)."""
        return self.unreadable is not None and {f.check for f in self.findings} <= _NOT_A_CASSETTE

    @property
    def unchecked(self) -> int:
        """Exchanges no family recognised: nobody checked them, so they cannot count as passed."""
        return sum(1 for exchange in self.exchanges if exchange.provider is None)

    @property
    def verdict(self) -> str:
        """``crash`` when the harness failed on the cassette; ``fail`` when an error finding is new (not
        declared by the cassette nor known to the baseline), or, strict, an exchange went unchecked;
        else ``pass``."""
        if self.crash is not None:
            return "crash"
        return "fail" if self.count(Severity.error) or (self.strict and self.unchecked) else "pass"

    @property
    def rank(self) -> tuple[int, int, int, str]:
        """The sort key that puts the worst first: crashes, failures, passes; within each, more errors,
        then more warnings first; then by path, so the order is stable."""
        return (_VERDICT_RANK[self.verdict], -self.count(Severity.error), -self.count(Severity.warning), self.path)


@dataclass(frozen=True, slots=True)
class Summary:
    """The counts over a run, as every view prints them."""

    cassettes: int
    passed: int
    failed: int
    errors: int
    warnings: int
    expected: int
    crashed: int
    unchecked: int  # exchanges no family recognised, over all cassettes
    skipped: int = 0  # files a folder walk met that are no cassette (``Skipped``): never counted as cassettes

    @classmethod
    def of(cls, reports: Sequence[CassetteReport], skipped: int = 0) -> Summary:
        verdicts = [report.verdict for report in reports]
        return cls(
            cassettes=len(reports),
            passed=verdicts.count("pass"),
            failed=verdicts.count("fail"),
            errors=sum(report.count(Severity.error) for report in reports),
            warnings=sum(report.count(Severity.warning) for report in reports),
            expected=sum(report.expected_count for report in reports),
            crashed=verdicts.count("crash"),
            unchecked=sum(report.unchecked for report in reports),
            skipped=skipped,
        )

    @property
    def exit_code(self) -> int:
        """0 no undeclared error, 1 findings, 3 the harness crashed on a cassette (2, usage, is the CLI's)."""
        return 3 if self.crashed else 1 if self.failed else 0
